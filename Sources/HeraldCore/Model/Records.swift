import Foundation
import Synchronization

// MARK: - Records

/// One event file of an incident or a maintenance.
package struct Event: Sendable, Hashable {
    package enum Kind: Sendable, Hashable {
        /// A public update; `status` is an incident or maintenance status.
        case update(status: String, components: [ComponentChange])
        case note(milestone: Milestone?)
        case role(role: String, person: String)
    }

    package struct ComponentChange: Sendable, Hashable {
        package var id: String
        package var status: ComponentStatus

        package init(id: String, status: ComponentStatus) {
            self.id = id
            self.status = status
        }
    }

    /// File name, e.g. `20261122T140500.120Z-0003-identified-k3f9.md` (older files:
    /// `20261122T140500Z-identified-k3f9.md`); the last tiebreak of the order.
    package var fileName: String
    /// When it happened, to the millisecond.
    package var at: Timestamp
    /// The posting sequence in its record folder (`seq:`; 0 in files written before it existed):
    /// the tiebreak between events at the same millisecond, so that they keep the order in which
    /// one machine posted them.
    package var seq: Int
    package var by: String?
    package var kind: Kind
    /// Markdown body (the public message for updates).
    package var body: String
    package var bodyLine: Int
    /// An incident update's `severity:`: the incident's severity from this update on (escalation).
    package var severity: Severity?
    /// A maintenance update's `cancelled: true` (with status `completed`): the window was called off.
    package var cancelled: Bool = false
    /// When a correction (`kind: edit`) last changed this update's message or components.
    package var editedAt: Timestamp?
    /// The file the message (`body`, `bodyLine`) comes from when an edit replaced it; nil: this one.
    package var bodyFileName: String?

    /// The file that holds `body`: for warnings about the message, which point at its line.
    package var messageFileName: String { bodyFileName ?? fileName }

    package init(
        fileName: String, at: Timestamp, seq: Int = 0, by: String?, kind: Kind, body: String, bodyLine: Int, severity: Severity? = nil, cancelled: Bool = false,
        editedAt: Timestamp? = nil
    ) {
        self.fileName = fileName
        self.at = at
        self.seq = seq
        self.by = by
        self.kind = kind
        self.body = body
        self.bodyLine = bodyLine
        self.severity = severity
        self.cancelled = cancelled
        self.editedAt = editedAt
    }

    /// The status of a follow-up: a public note after resolution (`kind: follow-up`), shown with the
    /// updates but changing no state (docs/content.md, "Follow-ups").
    package static let followUp = "follow-up"

    /// A follow-up rather than a status update.
    package var isFollowUp: Bool { status == Self.followUp }

    package var isPublic: Bool { if case .update = kind { true } else { false } }
    package var status: String? { if case .update(let status, _) = kind { status } else { nil } }
    package var milestone: Milestone? { if case .note(let m) = kind { m } else { nil } }

    /// The total order of a record's events: time, then posting sequence, then file name (see
    /// docs/content.md, "Order of events"). The same on every machine, whatever order git or the
    /// file system lists the files in.
    package static func ordered(_ a: Event, _ b: Event) -> Bool {
        if a.at != b.at { return a.at < b.at }
        if a.seq != b.seq { return a.seq < b.seq }
        return a.fileName < b.fileName
    }
}

/// A correction of a public update (`kind: edit` or `kind: retract`): its own event file, which
/// leaves the update's file as it was. Corrections are applied when records are loaded, so every
/// output sees the corrected updates (docs/content.md, "Corrections").
package struct Correction: Sendable, Hashable {
    package enum Action: String, Sendable, Hashable {
        /// A new message (when the body is not empty) and/or new component statuses.
        case edit
        /// The update disappears from every public output; the body is the internal reason.
        case retract
    }

    package var action: Action
    package var fileName: String
    package var at: Timestamp
    package var seq: Int
    package var by: String?
    /// The corrected update's file name.
    package var target: String
    /// An edit's `components:` (replacing the update's; empty clears them); nil leaves them.
    package var components: [Event.ComponentChange]?
    /// An edit's new message (empty: unchanged), or a retraction's reason (never published).
    package var body: String
    package var bodyLine: Int
    /// The file line of `target:`, for errors.
    var targetLine: Int = 0

    package init(
        action: Action, fileName: String, at: Timestamp, seq: Int, by: String?, target: String, components: [Event.ComponentChange]?, body: String,
        bodyLine: Int
    ) {
        self.action = action
        self.fileName = fileName
        self.at = at
        self.seq = seq
        self.by = by
        self.target = target
        self.components = components
        self.body = body
        self.bodyLine = bodyLine
    }

    /// The same total order as events (`Event.ordered`).
    static func ordered(_ a: Correction, _ b: Correction) -> Bool {
        if a.at != b.at { return a.at < b.at }
        if a.seq != b.seq { return a.seq < b.seq }
        return a.fileName < b.fileName
    }
}

package struct Incident: Sendable, Hashable {
    /// Who held a role when the incident was opened (`roles:` in incident.md); later changes are
    /// `kind: role` events.
    package struct Role: Sendable, Hashable {
        package var role: String
        package var person: String

        package init(role: String, person: String) {
            self.role = role
            self.person = person
        }
    }

    package var id: String
    package var title: String
    package var severity: Severity
    package var components: [String]
    package var impactStarted: Timestamp?
    package var upstream: Bool
    package var roles: [Role]
    package var summary: String
    /// Events as corrected: retracted updates left out, edited ones with their new text.
    package var events: [Event]
    /// The corrections applied to `events`, oldest first.
    package var corrections: [Correction] = []

    package init(
        id: String, title: String, severity: Severity, components: [String], impactStarted: Timestamp?, upstream: Bool, roles: [Role], summary: String,
        events: [Event], corrections: [Correction] = []
    ) {
        self.id = id
        self.title = title
        self.severity = severity
        self.components = components
        self.impactStarted = impactStarted
        self.upstream = upstream
        self.roles = roles
        self.summary = summary
        self.events = events
        self.corrections = corrections
    }

    /// Public updates (and follow-ups), oldest first, as corrected.
    package var updates: [Event] { events.filter(\.isPublic) }
}

package struct Maintenance: Sendable, Hashable {
    package var id: String
    package var title: String
    package var components: [String]
    package var scheduledStart: Timestamp
    package var scheduledEnd: Timestamp
    package var summary: String
    /// Events as corrected (see `Incident.events`).
    package var events: [Event]
    /// The corrections applied to `events`, oldest first.
    package var corrections: [Correction] = []

    package var updates: [Event] { events.filter(\.isPublic) }
}

package enum PostmortemStatus: String, CaseIterable, Sendable {
    case draft
    case inReview = "in-review"
    case published
}

package struct Postmortem: Sendable, Hashable {
    package struct TimelineEntry: Sendable, Hashable {
        package var at: Timestamp
        package var text: String
        package var milestone: Milestone?
        package var line: Int
    }

    package enum ActionType: String, CaseIterable, Sendable { case prevent, mitigate, detect, process }
    package enum ActionStatus: String, CaseIterable, Sendable { case open, done }

    package struct ActionItem: Sendable, Hashable {
        package var title: String
        package var type: ActionType
        package var owner: String?
        package var status: ActionStatus
        package var link: String?
    }

    package var incidentID: String
    package var path: String
    package var status: PostmortemStatus
    package var published: Timestamp?
    package var summary: String
    package var authors: [String]
    package var timeline: [TimelineEntry]
    package var actionItems: [ActionItem]
    package var body: String
    package var bodyLine: Int
}
