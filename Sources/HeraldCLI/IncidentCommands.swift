import ArgumentParser
import Foundation
import HeraldCore

/// `herald incident …`: what a messenger types during an incident.
struct IncidentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "incident",
        abstract: "Open incidents and post updates, notes and role changes.",
        subcommands: [New.self, Update.self, Resolve.self, Note.self, Assign.self, List.self, Show.self, Edit.self, Retract.self, FollowUp.self]
    )

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "new", abstract: "Open an incident with its first public update; prints its id.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var posting: PostingOptions
        @Option(name: .long, help: "Public title, e.g. \"Search is unavailable\".") var title: String
        @Option(name: .long, help: "critical, major or minor.") var severity: String
        @Option(
            name: .long, parsing: .upToNextOption,
            help: "Affected components: id, or id=status for the first update's component status (repeat or comma-separate).") var component: [String] = []
        @Option(name: .long, help: "Status of the first update (default: investigating).") var status: String = "investigating"
        @Option(name: .long, help: "The first public message ('-' reads standard input). Default: piped input, else the canned text.") var message: String?
        @Flag(name: .long, help: "An upstream provider failed, not our own systems.") var upstream = false
        @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("When the impact began, if before this first update (as --at).", valueName: "time"))
        var impactStarted: String?

        func run() throws {
            try Console.run {
                let p = try Posting(global: global)
                let title = self.title.trimmingCharacters(in: .whitespacesAndNewlines)
                guard !title.isEmpty else { throw CLIError("--title is empty") }
                let severity = try checkSeverity(self.severity)
                try checkIncidentStatus(status)
                let plain = component.flatMap { $0.split(separator: ",").map(String.init) }.filter { !$0.contains("=") }
                let changes = try p.componentChanges(component.flatMap { $0.split(separator: ",").map(String.init) }.filter { $0.contains("=") })
                var components = try p.componentIDs(plain)
                for (id, _) in changes where !components.contains(id) { components.append(id) }
                let at = try p.time(posting)
                var impactAt: Timestamp?
                if let impactStarted {
                    do { impactAt = try TimeInput.parse(impactStarted, now: p.now) } catch let error as HeraldError {
                        throw CLIError("--impact-started: \(error.message)")
                    }
                    guard impactAt! <= at else { throw CLIError("--impact-started \(impactAt!.rfc3339) is after the first update (\(at.rfc3339))") }
                }
                let text = try p.message(message, canned: p.cannedText(status, components: components), what: "first public update")
                try p.lint(text, first: true, strict: posting.strict)
                var main: [(String, String)] = [
                    ("title", RecordWriter.yamlScalar(title)), ("severity", severity.rawValue), ("components", RecordWriter.yamlFlowList(components))
                ]
                if let impactAt { main.append(("impact_started", impactAt.rfc3339)) }
                if upstream { main.append(("upstream", "true")) }
                var fields = try p.eventFields(("status", status), at: at, posting)
                if !changes.isEmpty { fields.append(("components", RecordWriter.yamlFlowMap(changes))) }
                let id = try RecordWriter(layout: p.layout).createRecord(
                    in: p.layout.incidents, id: RecordID.make(date: at, title: try p.known().withoutNames(title)), mainFile: "incident.md",
                    mainText: RecordWriter.eventText(main, body: ""), firstUpdate: (at, status, fields, text))
                print(id)
            }
        }
    }

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "update", abstract: "Post a public update.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var posting: PostingOptions
        @Argument(help: "The incident id.") var id: String
        @Option(name: .long, help: "investigating, identified, monitoring or resolved (default with --severity: the current status).") var status: String?
        @Option(name: .long, parsing: .upToNextOption, help: "Component statuses, id=status (repeatable).") var component: [String] = []
        @Option(name: .long, help: "The public message ('-' reads standard input). Default: piped input, else $EDITOR on a terminal, else the canned text.")
        var message: String?
        @Option(name: .long, help: "Change the severity from this update on: critical, major or minor (escalation).") var severity: String?

        func run() throws {
            try Console.run {
                let p = try Posting(global: global)
                guard status != nil || severity != nil else { throw CLIError("--status is required (or --severity to change only the severity)") }
                try postUpdate(p, id: id, status: status, components: component, message: message, posting: posting, force: posting.force, severity: severity)
            }
        }
    }

    struct Resolve: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "resolve", abstract: "Post the resolved update.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var posting: PostingOptions
        @Argument(help: "The incident id.") var id: String
        @Option(name: .long, help: "The public message ('-' reads standard input).") var message: String?

        func run() throws {
            try Console.run {
                let p = try Posting(global: global)
                try postUpdate(p, id: id, status: "resolved", components: [], message: message, posting: posting, force: posting.force)
            }
        }
    }

    struct Note: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "note",
            abstract:
                "Record an internal note: never public. `herald postmortem new` lists notes in the draft; copy into its timeline what should be published.")
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
                var fields = try p.eventFields(("kind", "note"), at: at, posting)
                if let milestone {
                    guard Milestone(rawValue: milestone) != nil else {
                        throw CLIError(
                            "unknown milestone '\(milestone)' (expected \(Milestone.allCases.map(\.rawValue).joined(separator: ", ")))\(didYouMean(milestone, Milestone.allCases.map(\.rawValue)))"
                        )
                    }
                    fields.append(("milestone", milestone))
                }
                let body = try p.message(text, canned: "", what: "note")
                let name = try RecordWriter(layout: p.layout).createEvent(
                    inFolder: p.layout.incidentFolder(id), at: at, kind: "note", fields: fields, body: body)
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
                try p.requireKnown(person, option: "--person", add: posting.addPerson)
                let fields = try p.eventFields(("kind", "role"), at: at, posting) + [("role", role), ("person", RecordWriter.yamlScalar(person))]
                let name = try RecordWriter(layout: p.layout).createEvent(
                    inFolder: p.layout.incidentFolder(id), at: at, kind: "role", fields: fields, body: "")
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
                let (model, problems) = try loadModel(global)
                defer { exitOnErrors(problems) }
                let rows = model.incidents.filter { !open || $0.isOpen }.map { IncidentRow($0, now: model.now, staleAfter: model.settings.staleAfter) }
                if json {
                    print(try jsonString(rows))
                } else if rows.isEmpty {
                    print(open ? "No open incidents." : "No incidents.")
                } else {
                    printTable(
                        ["ID", "SEVERITY", "STATE", "LAST UPDATE", "TITLE"],
                        rows.map {
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
                Console.line(
                    "\(incident.id) · \(state.severity.rawValue) · \(state.status.rawValue)\(state.reopened ? " (reopened)" : "")\(incident.upstream ? " · upstream" : "")"
                )
                Console.line("components: \(state.affectedComponents.joined(separator: ", "))")
                if stale {
                    Console.line(
                        "STALE: no public update for \(DurationText.format(p.now.seconds - state.updatedAt.seconds)) (post at least every \(DurationText.format(p.settings.staleAfter)))"
                    )
                }
                for holder in incident.roles { Console.line("role at start: \(holder.role) = \(holder.person)") }
                Console.line("")
                printTimeline(incident.events, corrections: incident.corrections)
            }
        }
    }
}

/// `incident show` and `maintenance show`: every event, public or internal, and every correction,
/// in order, each with its reference (the last part of its file name, which `edit` and `retract`
/// accept).
func printTimeline(_ events: [Event], corrections: [Correction]) {
    var lines: [(at: Timestamp, seq: Int, name: String, text: [String])] = []
    for event in events {
        let when = event.at.display
        let by = event.by.map { " (\($0))" } ?? ""
        let ref = "  {\(eventReference(event.fileName))}"
        var head: String
        switch event.kind {
        case .update(let status, let components):
            let changes = components.isEmpty ? "" : " [" + components.map { "\($0.id)=\($0.status.rawValue)" }.joined(separator: ", ") + "]"
            let severity = event.severity.map { " severity→\($0.rawValue)" } ?? ""
            let marks = (event.cancelled ? " (cancelled)" : "") + (event.editedAt.map { " (edited \($0.display))" } ?? "")
            head = "\(when)  PUBLIC    \(status)\(severity)\(changes)\(marks)\(by)"
        case .note(let milestone):
            head = "\(when)  internal  note\(milestone.map { " [\($0.rawValue)]" } ?? "")\(by)"
        case .role(let role, let person):
            head = "\(when)  internal  \(role) → \(person)\(by)"
        }
        lines.append((event.at, event.seq, event.fileName, [head + ref] + bodyLines(event.body)))
    }
    for c in corrections {
        let by = c.by.map { " (\($0))" } ?? ""
        let what =
            c.action == .edit
            ? "edit of {\(eventReference(c.target))}"
                + (c.components.map { " [" + $0.map { "\($0.id)=\($0.status.rawValue)" }.joined(separator: ", ") + "]" } ?? "")
            : "RETRACTED {\(eventReference(c.target))}; reason (internal):"
        lines.append((c.at, c.seq, c.fileName, ["\(c.at.display)  internal  \(what)\(by)  {\(eventReference(c.fileName))}"] + bodyLines(c.body)))
    }
    lines.sort { ($0.at, $0.seq, $0.name) < ($1.at, $1.seq, $1.name) }
    for line in lines { for text in line.text { Console.line(text) } }
}

func bodyLines(_ body: String) -> [String] {
    body.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.isEmpty }.map {
        "                          \($0)"
    }
}

/// The short reference of an event file: the last part of its name (`k3f9` in
/// `20261122T140500.120Z-0003-identified-k3f9.md`).
func eventReference(_ fileName: String) -> String {
    let stem = fileName.hasSuffix(".md") ? String(fileName.dropLast(3)) : fileName
    return stem.split(separator: "-").last.map(String.init) ?? stem
}

// MARK: - Shared

func checkIncidentStatus(_ status: String) throws {
    guard IncidentStatus(rawValue: status) != nil else {
        let hint = MaintenanceStatus(rawValue: status) != nil ? " — that is a maintenance status" : didYouMean(status, IncidentStatus.allCases.map(\.rawValue))
        throw CLIError("unknown status '\(status)' (expected investigating, identified, monitoring, resolved)\(hint)")
    }
}

func checkSeverity(_ text: String) throws -> Severity {
    guard let severity = Severity(rawValue: text) else {
        throw CLIError("unknown severity '\(text)' (expected critical, major, minor)\(didYouMean(text, Severity.allCases.map(\.rawValue)))")
    }
    return severity
}

func loadIncident(_ p: Posting, _ id: String) throws -> Incident {
    try p.checkID(id, kind: "incident")
    guard FileManager.default.fileExists(atPath: p.layout.incidentFolder(id).appendingPathComponent("incident.md").path) else {
        throw p.unknownRecord(id, kind: "incident")
    }
    return try ContentLoader(layout: p.layout).loadIncident(id: id, settings: p.settings)
}

/// Posts an incident update. Every command that posts `resolved` (`update --status resolved`,
/// `resolve`) refuses on an incident that is already resolved unless `force`.
func postUpdate(
    _ p: Posting, id: String, status given: String?, components: [String], message: String?, posting: PostingOptions, force: Bool,
    severity severityText: String? = nil
) throws {
    if let given { try checkIncidentStatus(given) }
    let newSeverity = try severityText.map(checkSeverity)
    let incident = try loadIncident(p, id)
    let changes = try p.componentChanges(components)
    let state = SiteAssembler.state(of: incident, postmortem: nil)
    let status = given ?? state?.status.rawValue ?? IncidentStatus.investigating.rawValue
    if status == "resolved", state?.status == .resolved, !force {
        throw CLIError(
            "incident '\(id)' is already resolved (last update \(state!.resolvedAt?.display ?? state!.updatedAt.display)); use --force to post another resolved update, or herald incident follow-up for a note after resolution"
        )
    }
    if let newSeverity, newSeverity == state?.severity {
        throw CLIError(
            "incident '\(id)' is already \(newSeverity.rawValue) (expected another severity: \(Severity.allCases.filter { $0 != newSeverity }.map(\.rawValue).joined(separator: ", ")))"
        )
    }
    let at = try p.time(posting)
    let names = state?.affectedComponents ?? incident.components
    let text = try p.message(message, canned: p.cannedText(status, components: names), what: "\(status) update")
    try p.lint(text, first: false, strict: posting.strict)
    var fields = try p.eventFields(("status", status), at: at, posting)
    if let newSeverity { fields.append(("severity", newSeverity.rawValue)) }
    if !changes.isEmpty { fields.append(("components", RecordWriter.yamlFlowMap(changes))) }
    let name = try RecordWriter(layout: p.layout).createEvent(
        inFolder: p.layout.incidentFolder(id), at: at, kind: status, fields: fields, body: text)
    if let state, state.status == .resolved, status != "resolved" {
        Console.error("herald: note: incident '\(id)' was resolved; this update reopens it")
    }
    print("content/incidents/\(id)/\(name)")
}

/// The whole store, assembled at "now"; content problems are printed and the records they concern
/// skipped, so a list still shows everything else (the command then exits 1: `exitOnErrors`). Uses
/// the parse cache, as builds do (a list of 10,000 incidents: ~0.9 s parsing everything, ~0.3 s).
func loadModel(_ global: GlobalOptions) throws -> (SiteModel, [Diagnostic]) {
    let layout = try global.layout()
    let now = try global.resolvedNow()
    let (content, diagnostics) = ContentLoader.cached(layout).loadCollectingAndCache()
    guard let content else { throw DiagnosticsError(diagnostics) }
    for d in diagnostics { Console.error(d.formatted) }
    return (SiteAssembler().assemble(content, now: now), diagnostics)
}

/// Ends the process with status 1 when `problems` hold an error: a list printed from a store with
/// broken records (or a broken site.yml) must not look like success to a script.
func exitOnErrors(_ problems: [Diagnostic]) {
    guard problems.contains(where: { $0.severity == .error }) else { return }
    let count = problems.filter { $0.severity == .error }.count
    Console.error("herald: \(count) error\(count == 1 ? "" : "s") in the content; the list leaves out what they concern")
    exit(1)
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
        severity = state.severity.rawValue
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
        cells.enumerated().map { i, cell in i == cells.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0) }.joined(
            separator: "  ")
    }
    // Cells come from content: nothing in them may drive the terminal.
    let rows = rows.map { $0.map { InputRules.terminalSafe($0, lines: false) } }
    print(line(header))
    for row in rows { print(line(row)) }
}
