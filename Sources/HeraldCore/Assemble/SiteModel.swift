import Foundation

/// An incident with everything derived from its events: the input of every renderer. A class: the
/// status page, the history, the feeds and the API each hold thousands of them, and copying the
/// large value they were (an incident, its facts and its postmortem: a dozen references to retain
/// and release) took more of a rebuild than making them.
package final class IncidentState: Sendable {
    /// The record as loaded: `incident` decodes it from the parse cache when first asked for.
    package let loaded: LoadedIncident
    package var incident: Incident { loaded.incident }
    /// Public updates, oldest first.
    package var updates: [Event] { incident.updates }
    package let status: IncidentStatus
    package var isOpen: Bool { status != .resolved }
    /// Open, and its latest public update is more than `limit` seconds (site.yml's `stale_after`)
    /// before `now`: `herald check`, `incident list` and `incident show` all flag it.
    package func isStale(at now: Timestamp, limit: Int64) -> Bool { isOpen && now.seconds - updatedAt.seconds > limit }
    /// A `resolved` update was followed by a non-resolved one.
    package let reopened: Bool
    /// When impact began: `impact_started`, else the first event.
    package let startedAt: Timestamp
    /// First public update.
    package let createdAt: Timestamp
    /// Last public update.
    package let updatedAt: Timestamp
    package let monitoringAt: Timestamp?
    /// The latest `resolved` update, when the incident is resolved.
    package let resolvedAt: Timestamp?
    /// While open, the status of each component the incident names or an update gave one (empty
    /// once resolved).
    let openComponentStatus: [String: ComponentStatus]
    /// Components named by the incident or any update, in first-seen order.
    package let affectedComponents: [String]
    /// The published postmortem, if any.
    package let postmortem: Postmortem?
    /// The severity now: the incident's, or the latest escalation's (`severity:` on an update).
    package let severity: Severity

    /// Each affected component's status now (all operational once resolved).
    package var componentStatus: [String: ComponentStatus] {
        isOpen ? openComponentStatus : Dictionary(affectedComponents.map { ($0, ComponentStatus.operational) }) { a, _ in a }
    }

    /// One affected component's status now; nil for a component the incident does not affect.
    package func componentStatus(of id: String) -> ComponentStatus? {
        isOpen ? openComponentStatus[id] : affectedComponents.contains(id) ? .operational : nil
    }

    init(_ loaded: LoadedIncident, _ facts: IncidentFacts, postmortem: Postmortem?) {
        self.loaded = loaded
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

    package var id: String { loaded.id }
    /// Month key `2026/11` of the start, for history pages.
    package var monthKey: String {
        let c = createdAt.civil
        return "\(pad(c.year, 4))/\(pad(c.month))"
    }
}

package struct MaintenanceState: Sendable {
    package var maintenance: Maintenance
    package var updates: [Event]
    package var status: MaintenanceStatus
    package var updatedAt: Timestamp
    package var startedAt: Timestamp?
    package var completedAt: Timestamp?
    /// Completed by a cancellation (`herald maintenance cancel`): the work did not happen.
    package var cancelled = false
    package var id: String { maintenance.id }
    package var isActive: Bool { status == .inProgress || status == .verifying }
    package var isUpcoming: Bool { status == .scheduled }
}

/// The page's overall status, in Statuspage's vocabulary.
package struct OverallStatus: Sendable, Equatable {
    /// `none`, `minor`, `major`, `critical` or `maintenance`.
    package var indicator: String
    package var description: String
}

/// Stage 3 output: the whole site assembled at one instant `now`.
package struct SiteModel: Sendable {
    package var content: SiteContent
    package var now: Timestamp
    /// Newest first (by first update, then id).
    package var incidents: [IncidentState]
    /// Newest first (by scheduled start, then id).
    package var maintenances: [MaintenanceState]
    package var componentStatus: [String: ComponentStatus]
    package var overall: OverallStatus
    /// Published postmortems by incident id.
    package var publishedPostmortems: [String: Postmortem]

    package var settings: SiteSettings { content.settings }
    package var openIncidents: [IncidentState] { incidents.filter(\.isOpen) }
    package var activeMaintenances: [MaintenanceState] { maintenances.filter(\.isActive) }
    /// Soonest first.
    package var upcomingMaintenances: [MaintenanceState] {
        maintenances.filter(\.isUpcoming).sorted { ($0.maintenance.scheduledStart, $0.id) < ($1.maintenance.scheduledStart, $1.id) }
    }
}
