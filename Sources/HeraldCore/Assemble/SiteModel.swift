import Foundation

/// An incident with everything derived from its events: the input of every renderer. A class: the
/// status page, the history, the feeds and the API each hold thousands of them, and copying the
/// large value they were (an incident, its facts and its postmortem: a dozen references to retain
/// and release) took more of a rebuild than making them.
public final class IncidentState: Sendable {
    public let incident: Incident
    /// Public updates, oldest first.
    public var updates: [Event] { incident.updates }
    public let status: IncidentStatus
    public var isOpen: Bool { status != .resolved }
    /// Open, and its latest public update is more than `limit` seconds (site.yml's `stale_after`)
    /// before `now`: `herald check`, `incident list` and `incident show` all flag it.
    public func isStale(at now: Timestamp, limit: Int64) -> Bool { isOpen && now.seconds - updatedAt.seconds > limit }
    /// A `resolved` update was followed by a non-resolved one.
    public let reopened: Bool
    /// When impact began: `impact_started`, else the first event.
    public let startedAt: Timestamp
    /// First public update.
    public let createdAt: Timestamp
    /// Last public update.
    public let updatedAt: Timestamp
    public let monitoringAt: Timestamp?
    /// The latest `resolved` update, when the incident is resolved.
    public let resolvedAt: Timestamp?
    /// While open, the status of each component the incident names or an update gave one (empty
    /// once resolved).
    let openComponentStatus: [String: ComponentStatus]
    /// Components named by the incident or any update, in first-seen order.
    public let affectedComponents: [String]
    /// The published postmortem, if any.
    public let postmortem: Postmortem?
    /// The severity now: the incident's, or the latest escalation's (`severity:` on an update).
    public let severity: Severity

    /// Each affected component's status now (all operational once resolved).
    public var componentStatus: [String: ComponentStatus] {
        isOpen ? openComponentStatus : Dictionary(affectedComponents.map { ($0, ComponentStatus.operational) }) { a, _ in a }
    }

    /// One affected component's status now; nil for a component the incident does not affect.
    public func componentStatus(of id: String) -> ComponentStatus? {
        isOpen ? openComponentStatus[id] : affectedComponents.contains(id) ? .operational : nil
    }

    init(_ incident: Incident, _ facts: IncidentFacts, postmortem: Postmortem?) {
        self.incident = incident
        status = facts.status
        reopened = facts.reopened
        startedAt = facts.startedAt
        createdAt = facts.createdAt
        updatedAt = facts.updatedAt
        monitoringAt = facts.monitoringAt
        resolvedAt = facts.resolvedAt
        openComponentStatus = facts.openComponentStatus
        affectedComponents = facts.affectedComponents
        severity = facts.severity
        self.postmortem = postmortem
    }

    public var id: String { incident.id }
    /// Month key `2026/11` of the start, for history pages.
    public var monthKey: String {
        let c = createdAt.civil
        return "\(pad(c.year, 4))/\(pad(c.month))"
    }
}

public struct MaintenanceState: Sendable {
    public var maintenance: Maintenance
    public var updates: [Event]
    public var status: MaintenanceStatus
    public var updatedAt: Timestamp
    public var startedAt: Timestamp?
    public var completedAt: Timestamp?
    /// Completed by a cancellation (`herald maintenance cancel`): the work did not happen.
    public var cancelled = false
    public var id: String { maintenance.id }
    public var isActive: Bool { status == .inProgress || status == .verifying }
    public var isUpcoming: Bool { status == .scheduled }
}

/// The page's overall status, in Statuspage's vocabulary.
public struct OverallStatus: Sendable, Equatable {
    /// `none`, `minor`, `major`, `critical` or `maintenance`.
    public var indicator: String
    public var description: String
}

/// Stage 3 output: the whole site assembled at one instant `now`.
public struct SiteModel: Sendable {
    public var content: SiteContent
    public var now: Timestamp
    /// Newest first (by first update, then id).
    public var incidents: [IncidentState]
    /// Newest first (by scheduled start, then id).
    public var maintenances: [MaintenanceState]
    public var componentStatus: [String: ComponentStatus]
    public var overall: OverallStatus
    /// Published postmortems by incident id.
    public var publishedPostmortems: [String: Postmortem]

    public var settings: SiteSettings { content.settings }
    public var openIncidents: [IncidentState] { incidents.filter(\.isOpen) }
    public var activeMaintenances: [MaintenanceState] { maintenances.filter(\.isActive) }
    /// Soonest first.
    public var upcomingMaintenances: [MaintenanceState] {
        maintenances.filter(\.isUpcoming).sorted { ($0.maintenance.scheduledStart, $0.id) < ($1.maintenance.scheduledStart, $1.id) }
    }
}
