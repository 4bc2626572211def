import Foundation

/// What an incident's events say about it as a whole: `IncidentState` without the postmortem.
/// Replayed from the record (`init(replaying:)`), and kept in the parse cache with it.
struct IncidentFacts: Sendable, Equatable {
    var status: IncidentStatus
    var reopened: Bool
    var startedAt: Timestamp
    var createdAt: Timestamp
    var updatedAt: Timestamp
    var monitoringAt: Timestamp?
    var resolvedAt: Timestamp?
    var openComponentStatus: [String: ComponentStatus]
    var affectedComponents: [String]
    /// The severity after the last escalation.
    var severity: Severity
}

extension IncidentFacts {
    /// What an incident's events say about it (nil when it has no public update): replayed here,
    /// or kept from the last build by the parse cache, which stores what this made.
    /// Follow-ups (public notes after resolution) change no state: not the status, not
    /// `resolved_at`, not the components; they only count as the latest public post (`updatedAt`).
    init?(replaying incident: Incident) {
        let updates = incident.updates
        guard let first = updates.first(where: { !$0.isFollowUp }), let last = updates.last(where: { !$0.isFollowUp }) else { return nil }
        let status = IncidentStatus(rawValue: last.status ?? "") ?? .investigating
        var reopened = false
        var sawResolved = false
        var monitoringAt: Timestamp?
        var replay = ComponentReplay(incident)
        var affected = incident.components
        var severity = incident.severity
        for update in updates where !update.isFollowUp {
            guard case .update(let raw, let components) = update.kind else { continue }
            if raw == IncidentStatus.resolved.rawValue {
                sawResolved = true
            } else if sawResolved {
                reopened = true
                sawResolved = false
            }
            if raw == IncidentStatus.monitoring.rawValue, monitoringAt == nil { monitoringAt = update.at }
            if let escalated = update.severity { severity = escalated }
            replay.apply(update)
            for change in components where !affected.contains(change.id) { affected.append(change.id) }
        }
        // While open, the replay's statuses; once resolved, every affected component is
        // operational (`IncidentState.componentStatus`). The replay is open exactly when the
        // last update's status is not `resolved`.
        var open: [String: ComponentStatus] = [:]
        if replay.isOpen {
            for (id, value) in replay.statuses { open[id] = value }
        }
        let resolvedAt = status == .resolved ? last.at : nil
        let firstEvent = incident.events.first?.at ?? first.at
        self.init(
            status: status, reopened: reopened, startedAt: incident.impactStarted ?? firstEvent, createdAt: first.at,
            updatedAt: max(last.at, updates.last?.at ?? last.at), monitoringAt: monitoringAt, resolvedAt: resolvedAt, openComponentStatus: open,
            affectedComponents: affected, severity: severity)
    }
}

/// Each component's status through an incident's public updates, by the rules in docs/content.md
/// ("Component status"). While the incident is open, a component has the status the latest update
/// since it (re)opened gave it, else its severity's default if the incident names it. Resolving
/// returns every component to operational and forgets what updates had set, so a reopened incident
/// starts again from the defaults. The status page, the API's per-update component changes and
/// the uptime bars all replay updates with this one type, so they cannot disagree.
struct ComponentReplay {
    /// The components the incident's own file names (`components:`).
    let named: [String]
    /// The status named components have unless an update gave one: the severity's default, from
    /// the latest escalation (`severity:` on an update) on.
    private(set) var fallback: ComponentStatus
    private(set) var isOpen = false
    /// Statuses updates gave since the incident last (re)opened, and those ids in order of first mention.
    private var given: [String: ComponentStatus] = [:]
    private var givenOrder: [String] = []

    init(_ incident: Incident) {
        named = incident.components
        fallback = incident.severity.defaultComponentStatus
    }

    /// Open without an update: the impact began before the first update (`impact_started`).
    mutating func open() { isOpen = true }

    /// Applies one public update (follow-ups change nothing).
    mutating func apply(_ update: Event) {
        guard case .update(let status, let changes) = update.kind, status != Event.followUp else { return }
        if let severity = update.severity { fallback = severity.defaultComponentStatus }
        apply(status, changes)
    }

    mutating func apply(_ status: String, _ changes: [Event.ComponentChange]) {
        guard status != Event.followUp else { return }
        guard status != IncidentStatus.resolved.rawValue else {
            isOpen = false
            given = [:]
            givenOrder = []
            return
        }
        isOpen = true
        for change in changes {
            if given.updateValue(change.status, forKey: change.id) == nil { givenOrder.append(change.id) }
        }
    }

    func status(of id: String) -> ComponentStatus {
        guard isOpen else { return .operational }
        return given[id] ?? (named.contains(id) ? fallback : .operational)
    }

    /// While open, every component the incident names or an update gave a status (named ones first);
    /// empty once resolved.
    var statuses: [(id: String, status: ComponentStatus)] {
        guard isOpen else { return [] }
        return (named + givenOrder.filter { !named.contains($0) }).map { ($0, status(of: $0)) }
    }
}
