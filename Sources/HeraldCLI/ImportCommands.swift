import ArgumentParser
import Foundation
import HeraldCore

#if canImport(Glibc)
    import Glibc
#endif

/// `herald import statuspage|cstate|slack …`: history from another tool, all or nothing.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import history from Statuspage, cState or a Slack export (all or nothing; --dry-run to see first).",
        subcommands: [Statuspage.self, CState.self, Slack.self]
    )

    struct Statuspage: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "statuspage",
            abstract: "Import Statuspage JSON (incidents.json, incidents/ID.json, summary.json, scheduled-maintenances.json) or its history.atom/rss.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The files, as Statuspage serves or exports them (JSON, or history.atom / history.rss).") var files: [String]
        @Flag(name: .long, help: "Say what would be imported; write nothing.") var dryRun = false

        func run() throws {
            try Console.run {
                let layout = try global.layout()
                let settings = try ContentLoader(layout: layout).loadSettings()
                guard !files.isEmpty else { throw CLIError("no files given (expected incidents.json, summary.json, …)") }
                let importer = StatuspageImporter(layout: layout, settings: settings)
                let plan = try importer.plan(files: files.map { (ImportCommand.url($0), $0) })
                try ImportCommand.apply(plan, layout: layout, dryRun: dryRun)
            }
        }
    }

    struct CState: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cstate",
            abstract: "Import a cState site: content/issues/*.md and config.yml's systems and categories.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The cState (Hugo) site folder.") var directory: String
        @Flag(name: .long, help: "Say what would be imported; write nothing.") var dryRun = false

        func run() throws {
            try Console.run {
                let layout = try global.layout()
                let settings = try ContentLoader(layout: layout).loadSettings()
                let importer = CStateImporter(layout: layout, settings: settings)
                let plan = try importer.plan(site: ImportCommand.url(directory), shown: directory)
                try ImportCommand.apply(plan, layout: layout, dryRun: dryRun)
            }
        }
    }

    struct Slack: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "slack",
            abstract: "Import a Slack channel's messages as internal notes of an incident (postmortem timeline only).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The unzipped Slack workspace export.") var exportDir: String
        @Option(name: .long, help: "The channel's name (without #).") var channel: String
        @Option(name: .long, help: "The incident id the notes belong to.") var incident: String
        @Option(name: .long, help: ArgumentHelp("Only messages at or after this time (RFC 3339 or HH:MM UTC).", valueName: "time")) var from: String?
        @Option(name: .long, help: ArgumentHelp("Only messages at or before this time.", valueName: "time")) var to: String?
        @Flag(name: .long, help: "Say what would be imported; write nothing.") var dryRun = false

        func run() throws {
            try Console.run {
                let layout = try global.layout()
                let settings = try ContentLoader(layout: layout).loadSettings()
                let now = try global.resolvedNow()
                func parse(_ text: String?, _ option: String) throws -> ImportTime? {
                    guard let text else { return nil }
                    if let exact = ImportTime.parse(text) { return exact }
                    do { return ImportTime(try TimeInput.parse(text, now: now)) } catch let error as HeraldError {
                        throw CLIError("--\(option): \(error.message)")
                    }
                }
                if let problem = RecordID.problem(incident) { throw CLIError("incident \(problem)") }
                guard FileManager.default.fileExists(atPath: layout.incidentFolder(incident).appendingPathComponent("incident.md").path) else {
                    throw CLIError("unknown incident '\(incident)' (expected an id from herald incident list)")
                }
                let importer = SlackImporter(layout: layout, settings: settings)
                let plan = try importer.plan(
                    export: ImportCommand.url(exportDir), shown: exportDir, channel: channel, incident: incident,
                    from: try parse(from, "from"), to: try parse(to, "to"))
                try ImportCommand.apply(plan, layout: layout, dryRun: dryRun)
            }
        }
    }

    static func url(_ path: String) -> URL {
        URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)).standardizedFileURL
    }

    /// Prints what the plan holds, then stages, checks and (unless a dry run) writes it.
    static func apply(_ plan: ImportPlan, layout: SiteLayout, dryRun: Bool) throws {
        for note in plan.notes { Console.error("herald: note: \(note)") }
        if plan.isEmpty {
            // Only ledger lines (updates matched to ones imported before from the other source).
            if !plan.extraLedger.isEmpty, !dryRun { try ImportApplier(layout: layout).apply(plan, dryRun: false) }
            print(
                plan.alreadyImported > 0
                    ? "Nothing new to import: \(plan.alreadyImported) item\(plan.alreadyImported == 1 ? "" : "s") already imported." : "Nothing to import.")
            return
        }
        let started = Date()
        let interactive = isatty(2) == 1
        let applier = ImportApplier(layout: layout) { line in
            // A progress line on long imports: rewritten in place on a terminal, one line each otherwise.
            if interactive {
                FileHandle.standardError.write(Data("\rherald: \(line)\u{1B}[K".utf8))
            } else {
                Console.error("herald: \(line)")
            }
        }
        // The progress line is cleared before anything else is printed, on success or failure.
        func clearProgress() { if interactive && plan.records.count >= 1000 { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) } }
        do { try applier.apply(plan, dryRun: dryRun) } catch {
            clearProgress()
            throw error
        }
        clearProgress()
        print(dryRun ? "Would import (dry run, nothing written):" : "Imported:")
        for line in plan.summaryLines { print("  " + line) }
        if !dryRun, plan.records.count >= 1000 {
            Console.error(String(format: "herald: imported in %.1f s", Date().timeIntervalSince(started)))
        }
    }
}
