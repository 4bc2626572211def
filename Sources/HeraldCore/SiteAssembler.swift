import Foundation

/// Stage 3: derives states from records — incident state, component statuses, maintenance status
/// from updates or the clock, and the page's overall status. Pure: (content, now) → model.
public struct SiteAssembler: Sendable {
    public init() {}

    public func assemble(_ content: SiteContent, now: Timestamp) -> SiteModel {
        var published: [String: Postmortem] = [:]
        for postmortem in content.postmortems where postmortem.status == .published {
            published[postmortem.incidentID] = postmortem
        }
        var incidents = content.incidents.compactMap { Self.state(of: $0, postmortem: published[$0.id]) }
        incidents.sort { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }
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
    public static func state(of incident: Incident, postmortem: Postmortem?) -> IncidentState? {
        let updates = incident.updates
        guard let first = updates.first, let last = updates.last else { return nil }
        let status = IncidentStatus(rawValue: last.status ?? "") ?? .investigating
        var reopened = false
        var sawResolved = false
        var monitoringAt: Timestamp?
        var changes: [String: ComponentStatus] = [:]
        var affected = incident.components
        for update in updates {
            guard case .update(let raw, let components) = update.kind else { continue }
            if raw == IncidentStatus.resolved.rawValue {
                sawResolved = true
            } else if sawResolved {
                reopened = true
                sawResolved = false
            }
            if raw == IncidentStatus.monitoring.rawValue, monitoringAt == nil { monitoringAt = update.at }
            for change in components {
                changes[change.id] = change.status
                if !affected.contains(change.id) { affected.append(change.id) }
            }
        }
        var current: [String: ComponentStatus] = [:]
        if status != .resolved {
            for id in affected { current[id] = changes[id] ?? incident.severity.defaultComponentStatus }
        } else {
            for id in affected { current[id] = .operational }
        }
        let resolvedAt = status == .resolved ? last.at : nil
        let firstEvent = incident.events.first?.at ?? first.at
        return IncidentState(
            incident: incident, updates: updates, status: status, reopened: reopened,
            startedAt: incident.impactStarted ?? firstEvent, createdAt: first.at, updatedAt: last.at,
            monitoringAt: monitoringAt, resolvedAt: resolvedAt, componentStatus: current, affectedComponents: affected,
            postmortem: postmortem)
    }

    static func state(of maintenance: Maintenance, now: Timestamp) -> MaintenanceState {
        let updates = maintenance.updates
        let status: MaintenanceStatus
        if let last = updates.last, let value = MaintenanceStatus(rawValue: last.status ?? "") {
            // An update says "scheduled" but the window is long past and nobody posted: it did not
            // silently run; it stays scheduled until someone says otherwise, as Statuspage does.
            status = value
        } else if now < maintenance.scheduledStart {
            status = .scheduled
        } else if now < maintenance.scheduledEnd {
            status = .inProgress
        } else {
            status = .completed
        }
        let started = updates.first { $0.status == MaintenanceStatus.inProgress.rawValue }?.at
            ?? (status != .scheduled ? maintenance.scheduledStart : nil)
        let completed = status == .completed
            ? (updates.last { $0.status == MaintenanceStatus.completed.rawValue }?.at ?? maintenance.scheduledEnd) : nil
        return MaintenanceState(
            maintenance: maintenance, updates: updates, status: status,
            updatedAt: updates.last?.at ?? maintenance.scheduledStart, startedAt: started, completedAt: completed)
    }

    static func overall(incidents open: [IncidentState], maintenances: [MaintenanceState], components: [String: ComponentStatus]) -> OverallStatus {
        let worstComponent = components.values.max { $0.rank < $1.rank } ?? .operational
        if let severity = open.map(\.incident.severity).max() {
            let description: String
            switch worstComponent {
            case .majorOutage: description = "Major System Outage"
            case .partialOutage: description = "Partial System Outage"
            default: description = "Minor Service Outage"
            }
            return OverallStatus(indicator: severity.rawValue, description: description)
        }
        if worstComponent == .underMaintenance || maintenances.contains(where: \.isActive) {
            return OverallStatus(indicator: "maintenance", description: "Service Under Maintenance")
        }
        return OverallStatus(indicator: "none", description: "All Systems Operational")
    }
}
