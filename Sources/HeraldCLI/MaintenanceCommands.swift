import ArgumentParser
import Foundation
import HeraldCore

/// `herald maintenance …`: scheduled maintenance, told apart from outages.
struct MaintenanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "maintenance",
        abstract: "Schedule maintenance and post its updates.",
        subcommands: [New.self, Update.self, List.self, Show.self, Edit.self, Retract.self, Cancel.self]
    )

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "new", abstract: "Schedule maintenance (first update: scheduled); prints its id.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var posting: PostingOptions
        @Option(name: .long, help: "Public title.") var title: String
        @Option(name: .long, parsing: .upToNextOption, help: "Affected component ids.") var component: [String] = []
        @Option(name: .long, help: "Window start (RFC 3339 with offset, HH:MM UTC, or +2h).") var start: String
        @Option(name: .long, help: "Window end.") var end: String
        @Option(name: .long, help: "The public message ('-' reads standard input). Default: the canned text.") var message: String?

        func run() throws {
            try Console.run {
                let p = try Posting(global: global)
                let title = self.title.trimmingCharacters(in: .whitespacesAndNewlines)
                guard !title.isEmpty else { throw CLIError("--title is empty") }
                let components = try p.componentIDs(component)
                let from: Timestamp
                let to: Timestamp
                do {
                    // HH:MM: the next such time; the end's, the first such time after the start.
                    from = try TimeInput.parse(start, now: p.now, upcoming: true)
                    to = try TimeInput.parse(end, now: end.contains(":") && end.count <= 8 ? from : p.now, upcoming: true)
                } catch let error as HeraldError { throw CLIError(error.message) }
                guard to > from else { throw CLIError("--end \(to.display) is not after --start \(from.display)") }
                let at = try p.time(posting)
                let canned = p.cannedText("scheduled", components: components) + " Window: \(from.display) – \(to.display)."
                let text = try p.message(message, canned: canned, what: "maintenance announcement")
                try p.lint(text, first: false, strict: posting.strict)
                let main: [(String, String)] = [
                    ("title", RecordWriter.yamlScalar(title)), ("components", RecordWriter.yamlFlowList(components)),
                    ("scheduled_start", from.rfc3339), ("scheduled_end", to.rfc3339)
                ]
                let fields = try p.eventFields(("status", "scheduled"), at: at, posting)
                let id = try RecordWriter(layout: p.layout).createRecord(
                    in: p.layout.maintenance, id: RecordID.make(date: from, title: try p.known().withoutNames(title)), mainFile: "maintenance.md",
                    mainText: RecordWriter.eventText(main, body: ""), firstUpdate: (at, "scheduled", fields, text))
                print(id)
            }
        }
    }

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "update", abstract: "Post a maintenance update.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var posting: PostingOptions
        @Argument(help: "The maintenance id.") var id: String
        @Option(name: .long, help: "scheduled, in_progress, verifying or completed.") var status: String
        @Option(name: .long, help: "The public message ('-' reads standard input).") var message: String?

        func run() throws {
            try Console.run {
                let p = try Posting(global: global)
                guard MaintenanceStatus(rawValue: status) != nil else {
                    let hint =
                        IncidentStatus(rawValue: status) != nil
                        ? " — that is an incident status; maintenance is not an outage" : didYouMean(status, MaintenanceStatus.allCases.map(\.rawValue))
                    throw CLIError("unknown status '\(status)' (expected scheduled, in_progress, verifying, completed)\(hint)")
                }
                try p.checkID(id, kind: "maintenance")
                guard FileManager.default.fileExists(atPath: p.layout.maintenanceFolder(id).appendingPathComponent("maintenance.md").path) else {
                    throw p.unknownRecord(id, kind: "maintenance")
                }
                let maintenance = try ContentLoader(layout: p.layout).loadMaintenance(id: id, settings: p.settings)
                let at = try p.time(posting)
                let text = try p.message(message, canned: p.cannedText(status, components: maintenance.components), what: "maintenance update")
                try p.lint(text, first: false, strict: posting.strict)
                let fields = try p.eventFields(("status", status), at: at, posting)
                let name = try RecordWriter(layout: p.layout).createEvent(
                    inFolder: p.layout.maintenanceFolder(id), at: at, kind: status, fields: fields, body: text)
                print("content/maintenance/\(id)/\(name)")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Maintenance as a table (or JSON), newest first.")
        @OptionGroup var global: GlobalOptions
        @Flag(name: .long, help: "JSON instead of a table.") var json = false

        struct Row: Encodable {
            var id, title, status, scheduled_start, scheduled_end: String
            var components: [String]
        }

        func run() throws {
            try Console.run {
                let (model, problems) = try loadModel(global)
                defer { exitOnErrors(problems) }
                let rows = model.maintenances.map {
                    Row(
                        id: $0.id, title: $0.maintenance.title, status: $0.status.rawValue, scheduled_start: $0.maintenance.scheduledStart.rfc3339,
                        scheduled_end: $0.maintenance.scheduledEnd.rfc3339, components: $0.maintenance.components)
                }
                if json {
                    print(try jsonString(rows))
                } else if rows.isEmpty {
                    print("No maintenance.")
                } else {
                    printTable(
                        ["ID", "STATUS", "WINDOW (UTC)", "TITLE"],
                        rows.map {
                            [$0.id, $0.status, "\($0.scheduled_start) – \($0.scheduled_end)", $0.title]
                        })
                }
            }
        }
    }
}
