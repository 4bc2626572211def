import Foundation

/// Stage 3: derives states from records — incident state, component statuses, maintenance status
/// from updates or the clock, and the page's overall status. Pure: (content, now) → model.
package struct SiteAssembler: Sendable {
    package init() {}

    package func assemble(_ content: SiteContent, now: Timestamp) -> SiteModel {
        var published: [String: Postmortem] = [:]
        for postmortem in content.postmortems where postmortem.status == .published {
            published[postmortem.incidentID] = postmortem
        }
        // Newest first. The order is worked out on the records' positions, from their facts (kept
        // by the parse cache), and each state is then made once, in its place: making them first
        // and sorting or moving them after copied 10,000 large states.
        let records = content.incidents
        let created = records.map { $0.facts?.createdAt.seconds ?? 0 }
        let order = records.indices.filter { records[$0].facts != nil }.sorted { (created[$0], records[$0].id) > (created[$1], records[$1].id) }
        let incidents = order.map { IncidentState(records[$0], records[$0].facts!, postmortem: published[records[$0].id]) }
        var maintenances = content.maintenances.map { Self.state(of: $0, now: now) }
        maintenances.sort { ($0.maintenance.scheduledStart, $0.id) > ($1.maintenance.scheduledStart, $1.id) }

        var status: [String: ComponentStatus] = [:]
        for component in content.settings.components { status[component.id] = .operational }
        for state in maintenances where state.isActive {
            for id in state.maintenance.components { status[id] = worst(status[id], .underMaintenance) }
        }
        for state in incidents where state.isOpen {
            for (id, value) in state.componentStatus { status[id] = worst(status[id], value) }
        }
        let overall = Self.overall(incidents: incidents.filter(\.isOpen), maintenances: maintenances, components: status)
        return SiteModel(
            content: content, now: now, incidents: incidents, maintenances: maintenances, componentStatus: status,
            overall: overall, publishedPostmortems: published)
    }

    func worst(_ a: ComponentStatus?, _ b: ComponentStatus) -> ComponentStatus {
        guard let a else { return b }
        return a.rank >= b.rank ? a : b
    }

    /// One incident's derived state (nil when it has no public update).
    package static func state(of incident: Incident, postmortem: Postmortem?) -> IncidentState? {
        let loaded = LoadedIncident(incident)
        guard let facts = loaded.facts else { return nil }
        return IncidentState(loaded, facts, postmortem: postmortem)
    }

    /// A maintenance's status: its latest update's, except that a `scheduled` update (or none)
    /// leaves it to the clock: scheduled before the window, in progress inside it, completed after
    /// it. So a window that has passed is never "upcoming", and one that has started is in progress
    /// unless an update says otherwise. `in_progress` or `verifying` posted before the window's end
    /// lasts until the end, then the clock completes it; posted after the end (an overrun), it
    /// holds until the next update. A cancellation (`completed` with `cancelled: true`) is
    /// completed, and marked cancelled.
    package static func state(of maintenance: Maintenance, now: Timestamp) -> MaintenanceState {
        let updates = maintenance.updates
        let status: MaintenanceStatus
        let latest = updates.last.flatMap { MaintenanceStatus(rawValue: $0.status ?? "") }
        let overran =
            (latest == .inProgress || latest == .verifying) && now >= maintenance.scheduledEnd
            && updates.last!.at < maintenance.scheduledEnd
        if let latest, latest != .scheduled, !overran {
            status = latest
        } else if now < maintenance.scheduledStart {
            status = .scheduled
        } else if now < maintenance.scheduledEnd {
            status = .inProgress
        } else {
            status = .completed
        }
        let cancelled = status == .completed && updates.last?.cancelled == true
        let started =
            cancelled
            ? nil
            : updates.first { $0.status == MaintenanceStatus.inProgress.rawValue }?.at
                ?? (status != .scheduled ? maintenance.scheduledStart : nil)
        let completed =
            status == .completed
            ? (updates.last { $0.status == MaintenanceStatus.completed.rawValue }?.at ?? maintenance.scheduledEnd) : nil
        var state = MaintenanceState(
            maintenance: maintenance, updates: updates, status: status,
            updatedAt: updates.last?.at ?? maintenance.scheduledStart, startedAt: started, completedAt: completed)
        state.cancelled = cancelled
        return state
    }

    /// The page's overall status, by Statuspage's rules for the top-level status: from the
    /// components' statuses (all of them, or some, in major outage, partial outage, degraded
    /// performance, under maintenance); an open incident that affects no component counts with
    /// its severity as its impact (Statuspage's incidents on a page without components). An open
    /// incident whose components are all operational again (monitoring) does not turn the page
    /// yellow. See docs/content.md, "Overall status".
    static func overall(incidents open: [IncidentState], maintenances: [MaintenanceState], components: [String: ComponentStatus]) -> OverallStatus {
        let statuses = Array(components.values)
        func all(_ s: ComponentStatus) -> Bool { !statuses.isEmpty && statuses.allSatisfy { $0 == s } }
        func any(_ s: ComponentStatus) -> Bool { statuses.contains(s) }
        var result: OverallStatus
        if all(.majorOutage) {
            result = OverallStatus(indicator: "critical", description: "Major System Outage")
        } else if any(.majorOutage) || all(.partialOutage) {
            result = OverallStatus(indicator: "major", description: "Partial System Outage")
        } else if any(.partialOutage) {
            result = OverallStatus(indicator: "minor", description: "Minor Service Outage")
        } else if all(.degradedPerformance) {
            result = OverallStatus(indicator: "minor", description: "Degraded System Service")
        } else if any(.degradedPerformance) {
            result = OverallStatus(indicator: "minor", description: "Partially Degraded Service")
        } else if any(.underMaintenance) || maintenances.contains(where: \.isActive) {
            result = OverallStatus(indicator: "maintenance", description: "Service Under Maintenance")
        } else {
            result = OverallStatus(indicator: "none", description: "All Systems Operational")
        }
        // Open incidents without any component: their severity is their impact.
        let rank = ["none": 0, "maintenance": 0, "minor": 1, "major": 2, "critical": 3]
        for state in open where state.affectedComponents.isEmpty {
            let impact: OverallStatus
            switch state.severity {
            case .critical: impact = OverallStatus(indicator: "critical", description: "Major System Outage")
            case .major: impact = OverallStatus(indicator: "major", description: "Partial System Outage")
            case .minor: impact = OverallStatus(indicator: "minor", description: "Minor Service Outage")
            }
            if rank[impact.indicator]! > rank[result.indicator]! { result = impact }
        }
        return result
    }
}
