import ArgumentParser
import Foundation
import HeraldCore

#if canImport(Glibc)
    import Glibc
#endif

/// `herald [--site DIR] COMMAND`
package struct Herald: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "herald",
        abstract: "Status pages and blameless postmortems from a folder of records.",
        version: "0.1.0",
        subcommands: [
            Init.self, IncidentCommand.self, MaintenanceCommand.self, PostmortemCommand.self, ImportCommand.self, Check.self, Build.self, Serve.self,
            Notify.self, Publish.self
        ]
    )

    @OptionGroup package var global: GlobalOptions

    package init() {}
}

/// Options every command accepts, before or after the command name.
package struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The site folder (default: the nearest folder upward holding content/site.yml).", valueName: "dir"))
    package var site: String?

    @Option(name: .long, help: ArgumentHelp("Fix \"now\" (RFC 3339, HH:MM UTC or -15m); default SOURCE_DATE_EPOCH or the clock.", valueName: "time"))
    package var now: String?

    package init() {}

    /// The site to work on.
    package func layout() throws -> SiteLayout {
        if let site {
            let url = URL(fileURLWithPath: site, isDirectory: true)
            let layout = SiteLayout(root: url)
            guard FileManager.default.fileExists(atPath: layout.siteFile.path) else {
                throw CLIError("\(site): not a Herald site (expected \(layout.siteFile.path))")
            }
            return layout
        }
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
        guard let layout = SiteLayout.find(from: cwd) else {
            throw CLIError("no Herald site here (expected content/site.yml in this folder or above; use --site DIR or herald init)")
        }
        return layout
    }

    package func resolvedNow() throws -> Timestamp {
        do { return try TimeInput.now(option: now, environment: ProcessInfo.processInfo.environment) } catch let error as HeraldError {
            throw CLIError("--now: \(error.message)")
        }
    }
}

/// An error the CLI prints as one line before exiting with status 1.
package struct CLIError: Error, CustomStringConvertible {
    package var message: String
    package init(_ message: String) { self.message = message }
    package var description: String { message }
}

/// Writes to standard error.
enum Console {
    /// Writes a line to standard output at once (unbuffered: it must reach a pipe while running).
    static func say(_ text: String) {
        FileHandle.standardOutput.write(Data((InputRules.terminalSafe(text) + "\n").utf8))
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data((InputRules.terminalSafe(text) + "\n").utf8))
    }

    /// Runs `body`, turning Herald's errors into readable output and exit status 1.
    static func run<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DiagnosticsError {
            for diagnostic in error.diagnostics { Console.error(diagnostic.formatted) }
            let count = error.diagnostics.filter { $0.severity == .error }.count
            Console.error("herald: \(count) error\(count == 1 ? "" : "s"); nothing was written")
            throw ExitCode(1)
        } catch let error as HeraldError {
            Console.error("herald: error: \(error.message)")
            throw ExitCode(1)
        } catch let error as CLIError {
            Console.error("herald: error: \(error.message)")
            throw ExitCode(1)
        } catch let error as ExitCode {
            throw error
        } catch let error as NSError where error.domain == NSCocoaErrorDomain || error.domain == NSPOSIXErrorDomain {
            Console.error("herald: error: \(fileProblem(error))")
            throw ExitCode(1)
        }
    }

    /// A Foundation file error as one line naming the file and the system's reason ("cannot write
    /// /srv/site/content/incidents: Read-only file system"), not Foundation's raw description.
    static func fileProblem(_ error: NSError) -> String {
        let path = (error.userInfo[NSFilePathErrorKey] as? String) ?? (error.userInfo[NSURLErrorKey] as? URL)?.path
        var code = error.domain == NSPOSIXErrorDomain ? Int32(error.code) : 0
        if let underlying = error.userInfo[NSUnderlyingErrorKey] as? any Error {
            let underlying = underlying as NSError
            if underlying.domain == NSPOSIXErrorDomain { code = Int32(underlying.code) }
        }
        if code == 0, error.domain == NSCocoaErrorDomain, error.code == CocoaError.fileWriteVolumeReadOnly.rawValue { code = EROFS }
        let reason = code != 0 ? String(cString: strerror(code)) : error.localizedDescription
        let hint = code == EROFS ? " (the file system is mounted read-only; herald needs to write there)" : ""
        let verb = error.domain == NSCocoaErrorDomain && (256...259).contains(error.code) ? "cannot read" : "cannot write"
        return path.map { "\(verb) \($0): \(reason)\(hint)" } ?? "\(reason)\(hint)"
    }
}
