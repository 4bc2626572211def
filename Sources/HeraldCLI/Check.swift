import ArgumentParser
import Foundation
import HeraldCore

/// `herald check`
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate content and lint incident communication (exit 1 on errors; --strict: on warnings too).")

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @OptionGroup var global: GlobalOptions
    @Flag(name: .long, help: "Warnings fail too.") var strict = false
    @Option(name: .long, help: "text or json.") var format: Format = .text

    func run() throws {
        let diagnostics = try Console.run { () -> [Diagnostic] in
            let layout = try global.layout()
            let notify = NotifySettings.load(layout, environment: ProcessInfo.processInfo.environment).1
            return (Linter(layout: layout, now: try global.resolvedNow()).check() + notify).sortedForOutput()
        }
        let errors = diagnostics.filter { $0.severity == .error }.count
        let warnings = diagnostics.count - errors
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(diagnostics), as: UTF8.self))
        case .text:
            for diagnostic in diagnostics { print(InputRules.terminalSafe(diagnostic.formatted)) }
            print(
                errors + warnings == 0
                    ? "herald check: no problems" : "herald check: \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")")
        }
        if errors > 0 || (strict && warnings > 0) { throw ExitCode(1) }
    }
}
