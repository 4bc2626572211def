import ArgumentParser
import Foundation
import HeraldCore

/// `herald incident …`: what a messenger types during an incident.
struct IncidentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "incident",
        abstract: "Open incidents and post updates, notes and role changes.",
        subcommands: [New.self, Update.self, Resolve.self, Note.self, Assign.self, List.self, Show.self]
    )

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "new", abstract: "Open an incident with its first public update; prints its id.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var posting: PostingOptions
        @Option(name: .long, help: "Public title, e.g. \"Search is unavailable\".") var title: String
        @Option(name: .long, help: "critical, major or minor.") var severity: String
        @Option(name: .long, parsing: .upToNextOption, help: "Affected component ids (repeat or comma-separate).") var component: [String] = []
        @Option(name: .long, help: "Status of the first update (default: investigating).") var status: String = "investigating"
        @Option(name: .long, help: "The first public message ('-' reads standard input). Default: the canned text.") var message: String?
        @Flag(name: .long, help: "An upstream provider failed, not our own systems.") var upstream = false

        func run() throws {
            try Console.run {
                let p = try Posting(global: global)
                let title = self.title.trimmingCharacters(in: .whitespacesAndNewlines)
                guard !title.isEmpty else { throw CLIError("--title is empty") }
                guard let severity = Severity(rawValue: severity) else {
                    throw CLIError("unknown severity '\(self.severity)' (expected critical, major, minor)")
                }
                try checkIncidentStatus(status)
                let components = try p.componentIDs(component)
                let at = try p.time(posting)
                let text = try p.message(message, canned: p.cannedText(status, components: components), what: "first public update")
                var main: [(String, String)] = [("title", RecordWriter.yamlScalar(title)), ("severity", severity.rawValue), ("components", RecordWriter.yamlFlowList(components))]
                if upstream { main.append(("upstream", "true")) }
                let fields = p.eventFields(("status", status), at: at, posting)
                let id = try RecordWriter(layout: p.layout).createRecord(
                    in: p.layout.incidents, id: RecordID.make(date: at, title: title), mainFile: "incident.md",
                    mainText: RecordWriter.eventText(main, body: ""), firstEvent: (at, status, RecordWriter.eventText(fields, body: text)))
                print(id)
            }
        }
    }

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "update", abstract: "Post a public update.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var posting: PostingOptions
        @Argument(help: "The incident id.") var id: String
        @Option(name: .long, help: "investigating, identified, monitoring or resolved.") var status: String
        @Option(name: .long, parsing: .upToNextOption, help: "Component statuses, id=status (repeatable).") var component: [String] = []
        @Option(name: .long, help: "The public message ('-' reads standard input). Default: $EDITOR on a terminal, else the canned text.") var message: String?

        func run() throws {
            try Console.run {
                let p = try Posting(global: global)
                try postUpdate(p, id: id, status: status, components: component, message: message, posting: posting, force: true)
            }
        }
    }

    struct Resolve: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "resolve", abstract: "Post the resolved update.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var posting: PostingOptions
        @Argument(help: "The incident id.") var id: String
        @Option(name: .long, help: "The public message ('-' reads standard input).") var message: String?
        @Flag(name: .long, help: "Post even if the incident is already resolved.") var force = false

        func run() throws {
            try Console.run {
                let p = try Posting(global: global)
                try postUpdate(p, id: id, status: "resolved", components: [], message: message, posting: posting, force: force)
            }
        }
    }

    struct Note: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "note", abstract: "Record an internal note (postmortem timeline only, never public).")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var posting: PostingOptions
        @Argument(help: "The incident id.") var id: String
        @Argument(help: "The note ('-' reads standard input).") var text: String
        @Option(name: .long, help: "impact-started, detected, acknowledged, mitigated or resolved.") var milestone: String?

        func run() throws {
            try Console.run {
                let p = try Posting(global: global)
                _ = try loadIncident(p, id)
                let at = try p.time(posting)
                var fields = p.eventFields(("kind", "note"), at: at, posting)
                if let milestone {
                    guard Milestone(rawValue: milestone) != nil else {
                        throw CLIError("unknown milestone '\(milestone)' (expected \(Milestone.allCases.map(\.rawValue).joined(separator: ", ")))")
                    }
                    fields.append(("milestone", milestone))
                }
                let body = try p.message(text, canned: "", what: "note")
                let name = try RecordWriter(layout: p.layout).createEvent(
                    inFolder: p.layout.incidentFolder(id), at: at, kind: "note", text: RecordWriter.eventText(fields, body: body))
                print("content/incidents/\(id)/\(name)")
            }
        }
    }

    struct Assign: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "assign", abstract: "Record who holds a role (assignment or handoff).")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var posting: PostingOptions
        @Argument(help: "The incident id.") var id: String
        @Option(name: .long, help: "The role, e.g. incident-lead, messenger, responder.") var role: String
        @Option(name: .long, help: "Who takes it (as in people.yml).") var person: String

        func run() throws {
            try Console.run {
                let p = try Posting(global: global)
                _ = try loadIncident(p, id)
                guard p.settings.roles.contains(role) else {
                    throw CLIError("unknown role '\(role)' (expected \(p.settings.roles.joined(separator: ", ")))")
                }
                let at = try p.time(posting)
                let fields = p.eventFields(("kind", "role"), at: at, posting) + [("role", role), ("person", RecordWriter.yamlScalar(person))]
                let name = try RecordWriter(layout: p.layout).createEvent(
                    inFolder: p.layout.incidentFolder(id), at: at, kind: "role", text: RecordWriter.eventText(fields, body: ""))
                print("content/incidents/\(id)/\(name)")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "The incidents as a table (or JSON), newest first.")
        @OptionGroup var global: GlobalOptions
        @Flag(name: .long, help: "Only open incidents.") var open = false
        @Flag(name: .long, help: "JSON instead of a table.") var json = false

        func run() throws {
            try Console.run {
                let (model, _) = try loadModel(global)
                let rows = model.incidents.filter { !open || $0.isOpen }.map { IncidentRow($0, now: model.now, staleAfter: model.settings.staleAfter) }
                if json {
                    print(try jsonString(rows))
                } else if rows.isEmpty {
                    print(open ? "No open incidents." : "No incidents.")
                } else {
                    printTable(["ID", "SEVERITY", "STATE", "LAST UPDATE", "TITLE"], rows.map {
                        [$0.id, $0.severity, $0.status + ($0.stale ? " (STALE)" : ""), $0.lastUpdateAge + " ago", $0.title]
                    })
                }
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "One incident's whole timeline, public and internal, in UTC.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The incident id.") var id: String

        func run() throws {
            try Console.run {
                let p = try Posting(global: global)
                let incident = try loadIncident(p, id)
                guard let state = SiteAssembler.state(of: incident, postmortem: nil) else { throw CLIError("incident '\(id)' has no public update") }
                let stale = state.isStale(at: p.now, limit: p.settings.staleAfter)
                Console.line("\(incident.title)")
                Console.line("\(incident.id) · \(incident.severity.rawValue) · \(state.status.rawValue)\(state.reopened ? " (reopened)" : "")\(incident.upstream ? " · upstream" : "")")
                Console.line("components: \(state.affectedComponents.joined(separator: ", "))")
                if stale {
                    Console.line("STALE: no public update for \(DurationText.format(p.now.seconds - state.updatedAt.seconds)) (post at least every \(DurationText.format(p.settings.staleAfter)))")
                }
                for (role, person) in incident.roles { Console.line("role at start: \(role) = \(person)") }
                Console.line("")
                for event in incident.events {
                    let when = event.at.display
                    let by = event.by.map { " (\($0))" } ?? ""
                    switch event.kind {
                    case .update(let status, let components):
                        let changes = components.isEmpty ? "" : " [" + components.map { "\($0.id)=\($0.status.rawValue)" }.joined(separator: ", ") + "]"
                        Console.line("\(when)  PUBLIC    \(status)\(changes)\(by)")
                    case .note(let milestone):
                        Console.line("\(when)  internal  note\(milestone.map { " [\($0.rawValue)]" } ?? "")\(by)")
                    case .role(let role, let person):
                        Console.line("\(when)  internal  \(role) → \(person)\(by)")
                    }
                    for line in event.body.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n", omittingEmptySubsequences: false) where !line.isEmpty {
                        Console.line("                          \(line)")
                    }
                }
            }
        }
    }
}

// MARK: - Shared

func checkIncidentStatus(_ status: String) throws {
    guard IncidentStatus(rawValue: status) != nil else {
        let hint = MaintenanceStatus(rawValue: status) != nil ? " — that is a maintenance status" : ""
        throw CLIError("unknown status '\(status)' (expected investigating, identified, monitoring, resolved)\(hint)")
    }
}

func loadIncident(_ p: Posting, _ id: String) throws -> Incident {
    try p.checkID(id, kind: "incident")
    guard FileManager.default.fileExists(atPath: p.layout.incidentFolder(id).appendingPathComponent("incident.md").path) else {
        throw p.unknownRecord(id, kind: "incident")
    }
    return try ContentLoader(layout: p.layout).loadIncident(id: id, settings: p.settings)
}

func postUpdate(_ p: Posting, id: String, status: String, components: [String], message: String?, posting: PostingOptions, force: Bool) throws {
    try checkIncidentStatus(status)
    let incident = try loadIncident(p, id)
    let changes = try p.componentChanges(components)
    let state = SiteAssembler.state(of: incident, postmortem: nil)
    if status == "resolved", state?.status == .resolved, !force {
        throw CLIError("incident '\(id)' is already resolved (last update \(state!.updatedAt.display)); use --force to post another resolved update")
    }
    let at = try p.time(posting)
    let names = state?.affectedComponents ?? incident.components
    let text = try p.message(message, canned: p.cannedText(status, components: names), what: "\(status) update")
    var fields = p.eventFields(("status", status), at: at, posting)
    if !changes.isEmpty { fields.append(("components", RecordWriter.yamlFlowMap(changes))) }
    let name = try RecordWriter(layout: p.layout).createEvent(
        inFolder: p.layout.incidentFolder(id), at: at, kind: status, text: RecordWriter.eventText(fields, body: text))
    if let state, state.status == .resolved, status != "resolved" {
        Console.error("herald: note: incident '\(id)' was resolved; this update reopens it")
    }
    print("content/incidents/\(id)/\(name)")
}

/// The whole store, assembled at "now"; content errors are printed as warnings and skipped. Uses
/// the parse cache, as builds do (a list of 10,000 incidents: ~0.9 s parsing everything, ~0.3 s).
func loadModel(_ global: GlobalOptions) throws -> (SiteModel, [Diagnostic]) {
    let layout = try global.layout()
    let now = try global.resolvedNow()
    let (content, diagnostics) = ContentLoader.cached(layout).loadCollectingAndCache()
    guard let content else { throw DiagnosticsError(diagnostics) }
    for d in diagnostics { Console.error(d.formatted) }
    return (SiteAssembler().assemble(content, now: now), diagnostics)
}

struct IncidentRow: Encodable {
    var id: String
    var title: String
    var severity: String
    var status: String
    var open: Bool
    var reopened: Bool
    var upstream: Bool
    var stale: Bool
    var components: [String]
    var started_at: String
    var last_update_at: String
    var lastUpdateAge: String
    var resolved_at: String?

    init(_ state: IncidentState, now: Timestamp, staleAfter: Int64) {
        id = state.id
        title = state.incident.title
        severity = state.incident.severity.rawValue
        status = state.status.rawValue
        open = state.isOpen
        reopened = state.reopened
        upstream = state.incident.upstream
        stale = state.isStale(at: now, limit: staleAfter)
        components = state.affectedComponents
        started_at = state.startedAt.rfc3339
        last_update_at = state.updatedAt.rfc3339
        lastUpdateAge = DurationText.format(now.seconds - state.updatedAt.seconds)
        resolved_at = state.resolvedAt?.rfc3339
    }

    enum CodingKeys: String, CodingKey {
        case id, title, severity, status, open, reopened, upstream, stale, components, started_at, last_update_at, resolved_at
    }
}

func jsonString<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}

func printTable(_ header: [String], _ rows: [[String]]) {
    var widths = header.map(\.count)
    for row in rows { for (i, cell) in row.enumerated() where i < widths.count - 1 { widths[i] = max(widths[i], cell.count) } }
    func line(_ cells: [String]) -> String {
        cells.enumerated().map { i, cell in i == cells.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0) }.joined(separator: "  ")
    }
    // Cells come from content: nothing in them may drive the terminal.
    let rows = rows.map { $0.map { InputRules.terminalSafe($0, lines: false) } }
    print(line(header))
    for row in rows { print(line(row)) }
}
