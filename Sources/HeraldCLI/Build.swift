import ArgumentParser
import Foundation
import HeraldCore

struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Render the static site into public/ (all or nothing).")

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: ArgumentHelp("Output folder (default: public/ in the site).", valueName: "dir"))
    var out: String?

    @Flag(name: .shortAndLong, help: "Print nothing on success.")
    var quiet = false

    @Flag(name: .long, help: "Print how long each stage took (to standard error).")
    var timings = false

    @Flag(name: .long, help: .hidden)
    var interpretedTheme = false

    func run() throws {
        try Console.run {
            let layout = try global.layout()
            let now = try global.resolvedNow()
            let output = out.map { URL(fileURLWithPath: $0, isDirectory: true) }
            var options = SiteBuilder.Options(now: now, output: output, waiting: Build.announceWait)
            options.freesMemory = false  // the process ends after this build
            options.crashPoint = ProcessInfo.processInfo.environment["HERALD_TEST_CRASH"]  // tests of stopped builds only
            options.interpretedTheme = interpretedTheme  // the compiled theme's tests only
            let report = try SiteBuilder(layout: layout).build(options)
            for warning in report.warnings { Console.error(warning.formatted) }
            for folder in report.write.setAside {
                Console.error(
                    "herald: warning: moved \(folder.hasPrefix(layout.root.path + "/") ? String(folder.dropFirst(layout.root.path.count + 1)) : folder) aside: it held files this build did not record writing (an older Herald's output, or files added by hand); nothing in it was deleted"
                )
            }
            if timings {
                let parts = report.timings.map { "\($0.stage) \(String(format: "%.3f", $0.seconds))s (cpu \(String(format: "%.2f", $0.cpu))s)" }
                Console.error("timings: " + parts.joined(separator: ", "))
                Console.error("pages rendered: \(report.rendered.compiled) by the compiled theme, \(report.rendered.mustache) by swift-mustache")
            }
            if !quiet {
                print(
                    "built \(report.files) files into \(report.output.path) (\(report.write.written) written, \(report.write.unchanged) unchanged, \(report.write.removed) removed, \(report.kept) pages kept without rendering; \(report.incidents) incidents, \(report.maintenances) maintenance)"
                )
            }
        }
    }

    /// Said when another build of the same site is still writing.
    @Sendable static func announceWait(_ holder: Int32?) {
        Console.error("herald: waiting for another build of this site to finish\(holder.map { " (process \($0))" } ?? "")…")
    }
}
