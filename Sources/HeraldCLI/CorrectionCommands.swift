import ArgumentParser
import Foundation
import HeraldCore

// Corrections, follow-ups and cancellations (issue #24): each is a new event file; no existing
// file is ever changed. See docs/cli.md and docs/content.md ("Corrections").

/// The record a correction applies to: an incident or a maintenance.
enum RecordKind: String {
    case incident, maintenance

    func folder(_ p: Posting, _ id: String) -> URL {
        self == .incident ? p.layout.incidentFolder(id) : p.layout.maintenanceFolder(id)
    }

    var contentFolder: String { self == .incident ? "incidents" : "maintenance" }

    /// Loads the record (refusing unknown ids) and returns its public updates and corrections.
    func load(_ p: Posting, _ id: String) throws -> (updates: [Event], corrections: [Correction], components: [String]) {
        switch self {
        case .incident:
            let incident = try loadIncident(p, id)
            return (incident.updates, incident.corrections, incident.components)
        case .maintenance:
            let maintenance = try loadMaintenanceRecord(p, id)
            return (maintenance.updates, maintenance.corrections, maintenance.components)
        }
    }
}

func loadMaintenanceRecord(_ p: Posting, _ id: String) throws -> Maintenance {
    try p.checkID(id, kind: "maintenance")
    guard FileManager.default.fileExists(atPath: p.layout.maintenanceFolder(id).appendingPathComponent("maintenance.md").path) else {
        throw p.unknownRecord(id, kind: "maintenance")
    }
    return try ContentLoader(layout: p.layout).loadMaintenance(id: id, settings: p.settings)
}

/// The public update `reference` names: its file name (with or without `.md`) or a unique end of
/// it that starts after a `-` (`k3f9`, `identified-k3f9`), as `show` prints it.
func findUpdate(_ reference: String, in updates: [Event], record: String) throws -> Event {
    // A path as printed when the update was posted (`content/incidents/<id>/<name>`) works too.
    let last = reference.split(separator: "/").last.map(String.init) ?? reference
    let wanted = last.hasSuffix(".md") ? String(last.dropLast(3)) : last
    guard !wanted.isEmpty else { throw CLIError("the event reference is empty (expected a file name or its last part, e.g. k3f9)") }
    let matches = updates.filter { update in
        let stem = String(update.fileName.dropLast(3))
        return stem == wanted || stem.hasSuffix("-" + wanted)
    }
    if matches.count == 1 { return matches[0] }
    let known = updates.map { eventReference($0.fileName) }
    if matches.isEmpty {
        throw CLIError("no public update '\(reference)' in \(record) (expected one of \(known.joined(separator: ", ")))\(didYouMean(wanted, known))")
    }
    throw CLIError(
        "'\(reference)' names \(matches.count) updates in \(record) (\(matches.map(\.fileName).joined(separator: ", "))); give more of the file name")
}

/// Writes an edit of an update: a new message and/or new component statuses.
func postEdit(
    _ p: Posting, kind: RecordKind, id: String, reference: String, message: String?, components: [String], clearComponents: Bool, posting: PostingOptions
) throws {
    let record = try kind.load(p, id)
    let target = try findUpdate(reference, in: record.updates, record: "\(kind.rawValue) '\(id)'")
    if kind == .maintenance, !components.isEmpty || clearComponents {
        throw CLIError("maintenance updates have no component statuses (expected --message only)")
    }
    let changes = try p.componentChanges(components)
    if clearComponents, !changes.isEmpty { throw CLIError("--clear-components and --component contradict each other (expected one of them)") }
    let at = try p.time(posting)
    var text = ""
    if message != nil || (changes.isEmpty && !clearComponents) {
        // The editor opens on the current text: closing it unchanged aborts.
        text = try p.message(message, canned: target.body.trimmingCharacters(in: .whitespacesAndNewlines), what: "corrected message", required: true)
        if text == target.body.trimmingCharacters(in: .whitespacesAndNewlines), changes.isEmpty, !clearComponents {
            throw CLIError("the new message is the same as the current one; nothing was written")
        }
        try p.lint(text, first: target.fileName == record.updates.first?.fileName && kind == .incident, strict: posting.strict)
    }
    var fields = try p.eventFields(("kind", "edit"), at: at, posting)
    fields.append(("target", RecordWriter.yamlScalar(target.fileName)))
    if !changes.isEmpty || clearComponents { fields.append(("components", changes.isEmpty ? "{}" : RecordWriter.yamlFlowMap(changes))) }
    let name = try RecordWriter(layout: p.layout).createEvent(inFolder: kind.folder(p, id), at: at, kind: "edit", fields: fields, body: text)
    print("content/\(kind.contentFolder)/\(id)/\(name)")
}

/// Writes a retraction: the update disappears from every public output.
func postRetraction(_ p: Posting, kind: RecordKind, id: String, reference: String, reason: String?, posting: PostingOptions) throws {
    let record = try kind.load(p, id)
    let target = try findUpdate(reference, in: record.updates, record: "\(kind.rawValue) '\(id)'")
    if kind == .incident, record.updates.filter({ !$0.isFollowUp && $0.fileName != target.fileName }).isEmpty {
        throw CLIError(
            "'\(eventReference(target.fileName))' is the incident's only public update; it cannot be retracted (post a correcting update, or edit it)")
    }
    let at = try p.time(posting)
    let text = try p.message(reason, canned: "", what: "reason for the retraction (internal)", required: true)
    var fields = try p.eventFields(("kind", "retract"), at: at, posting)
    fields.append(("target", RecordWriter.yamlScalar(target.fileName)))
    let name = try RecordWriter(layout: p.layout).createEvent(inFolder: kind.folder(p, id), at: at, kind: "retract", fields: fields, body: text)
    print("content/\(kind.contentFolder)/\(id)/\(name)")
}

extension IncidentCommand {
    struct Edit: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "edit", abstract: "Correct a posted update's message or component statuses (a new event; the update's file stays).")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var posting: PostingOptions
        @Argument(help: "The incident id.") var id: String
        @Argument(help: "The update: its file name or its last part (e.g. k3f9), as printed by post and show.") var event: String
        @Option(name: .long, help: "The corrected public message ('-' reads standard input). Default: piped input, else $EDITOR on the current text.")
        var message: String?
        @Option(name: .long, parsing: .upToNextOption, help: "The update's component statuses instead of the posted ones, id=status (repeatable).")
        var component: [String] = []
        @Flag(name: .long, help: "The update set no component status after all.") var clearComponents = false

        func run() throws {
            try Console.run {
                let p = try Posting(global: global)
                try postEdit(
                    p, kind: .incident, id: id, reference: event, message: message, components: component, clearComponents: clearComponents, posting: posting)
            }
        }
    }

    struct Retract: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "retract", abstract: "Withdraw a posted update from every public output (a new event; the update's file stays).")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var posting: PostingOptions
        @Argument(help: "The incident id.") var id: String
        @Argument(help: "The update: its file name or its last part (e.g. k3f9).") var event: String
        @Option(name: .long, help: "Why (internal, never published; '-' reads standard input).") var reason: String?

        func run() throws {
            try Console.run {
                let p = try Posting(global: global)
                try postRetraction(p, kind: .incident, id: id, reference: event, reason: reason, posting: posting)
            }
        }
    }

    struct FollowUp: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "follow-up", abstract: "Post a public note after resolution (e.g. a link to the postmortem); it does not reopen the incident.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var posting: PostingOptions
        @Argument(help: "The incident id.") var id: String
        @Option(name: .long, help: "The public message ('-' reads standard input). Default: piped input, else $EDITOR.") var message: String?

        func run() throws {
            try Console.run {
                let p = try Posting(global: global)
                let incident = try loadIncident(p, id)
                guard let state = SiteAssembler.state(of: incident, postmortem: nil), state.status == .resolved else {
                    throw CLIError("incident '\(id)' is not resolved; post an update instead (herald incident update \(id) --status …)")
                }
                let at = try p.time(posting)
                guard at >= state.resolvedAt! else {
                    throw CLIError("--at \(at.rfc3339) is before the incident was resolved (\(state.resolvedAt!.rfc3339)); a follow-up comes after resolution")
                }
                let text = try p.message(message, canned: "", what: "follow-up", required: true)
                try p.lint(text, first: false, strict: posting.strict)
                let fields = try p.eventFields(("kind", Event.followUp), at: at, posting)
                let name = try RecordWriter(layout: p.layout).createEvent(
                    inFolder: p.layout.incidentFolder(id), at: at, kind: Event.followUp, fields: fields, body: text)
                print("content/incidents/\(id)/\(name)")
            }
        }
    }
}

extension MaintenanceCommand {
    struct Edit: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "edit", abstract: "Correct a posted maintenance update's message (a new event).")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var posting: PostingOptions
        @Argument(help: "The maintenance id.") var id: String
        @Argument(help: "The update: its file name or its last part (e.g. k3f9).") var event: String
        @Option(name: .long, help: "The corrected public message ('-' reads standard input).") var message: String?

        func run() throws {
            try Console.run {
                let p = try Posting(global: global)
                try postEdit(p, kind: .maintenance, id: id, reference: event, message: message, components: [], clearComponents: false, posting: posting)
            }
        }
    }

    struct Retract: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "retract", abstract: "Withdraw a posted maintenance update from every public output (a new event).")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var posting: PostingOptions
        @Argument(help: "The maintenance id.") var id: String
        @Argument(help: "The update: its file name or its last part (e.g. k3f9).") var event: String
        @Option(name: .long, help: "Why (internal, never published; '-' reads standard input).") var reason: String?

        func run() throws {
            try Console.run {
                let p = try Posting(global: global)
                try postRetraction(p, kind: .maintenance, id: id, reference: event, reason: reason, posting: posting)
            }
        }
    }

    struct Cancel: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cancel", abstract: "Call off scheduled maintenance: a completed update marked cancelled (Statuspage has no cancelled state).")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var posting: PostingOptions
        @Argument(help: "The maintenance id.") var id: String
        @Option(
            name: .long, help: "The public message ('-' reads standard input). Default: piped input, else \"This scheduled maintenance has been cancelled.\"")
        var message: String?

        func run() throws {
            try Console.run {
                let p = try Posting(global: global)
                let maintenance = try loadMaintenanceRecord(p, id)
                let at = try p.time(posting)
                let state = SiteAssembler.state(of: maintenance, now: at)
                if state.status == .completed, !posting.force {
                    throw CLIError("maintenance '\(id)' is already \(state.cancelled ? "cancelled" : "completed"); use --force to post the cancellation anyway")
                }
                let text = try p.message(message, canned: "This scheduled maintenance has been cancelled.", what: "cancellation")
                try p.lint(text, first: false, strict: posting.strict)
                let fields = try p.eventFields(("status", MaintenanceStatus.completed.rawValue), at: at, posting) + [("cancelled", "true")]
                let name = try RecordWriter(layout: p.layout).createEvent(
                    inFolder: p.layout.maintenanceFolder(id), at: at, kind: "cancelled", fields: fields, body: text)
                print("content/maintenance/\(id)/\(name)")
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "One maintenance's whole timeline in UTC, with each event's reference.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The maintenance id.") var id: String

        func run() throws {
            try Console.run {
                let p = try Posting(global: global)
                let maintenance = try loadMaintenanceRecord(p, id)
                let state = SiteAssembler.state(of: maintenance, now: p.now)
                Console.line(maintenance.title)
                Console.line(
                    "\(maintenance.id) · \(state.cancelled ? "cancelled" : state.status.rawValue) · \(maintenance.scheduledStart.display) – \(maintenance.scheduledEnd.display)"
                )
                Console.line("components: \(maintenance.components.joined(separator: ", "))")
                Console.line("")
                printTimeline(maintenance.events, corrections: maintenance.corrections)
            }
        }
    }
}
