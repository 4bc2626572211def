import Testing

@testable import HeraldCore

@Suite struct AssemblerTests {
    static let settings = SiteSettings(
        title: "T", baseURL: "https://s.test/", support: "help@s.test", staleAfter: 1800, description: nil,
        components: [
            Component(id: "api", name: "API", group: "Core", description: nil, position: 1),
            Component(id: "search", name: "Search", group: "Core", description: nil, position: 2),
            Component(id: "web", name: "Web", group: nil, description: nil, position: 3)
        ],
        groups: [ComponentGroup(name: "Core", componentIDs: ["api", "search"])], roles: ["incident-lead"],
        messages: [:], check: CheckSettings())

    static func t(_ text: String) -> Timestamp { try! Timestamp.parse(rfc3339: text) }

    static func update(_ status: String, _ at: String, _ components: [String: ComponentStatus] = [:]) -> Event {
        Event(
            fileName: "\(at)-\(status).md", at: t(at), by: nil,
            kind: .update(status: status, components: components.sorted { $0.key < $1.key }.map { .init(id: $0.key, status: $0.value) }),
            body: "x", bodyLine: 5)
    }

    static func incident(_ id: String, severity: Severity, components: [String], events: [Event], upstream: Bool = false) -> Incident {
        Incident(id: id, title: id, severity: severity, components: components, impactStarted: nil, upstream: upstream, roles: [], summary: "", events: events)
    }

    static func content(incidents: [Incident], maintenances: [Maintenance] = []) -> SiteContent {
        SiteContent(settings: settings, people: [], incidents: incidents, maintenances: maintenances, postmortems: [])
    }

    // Statuspage's top-level status: one of three components in major outage is "major" (some,
    // not all), in partial outage "minor" (docs/content.md, "Overall status").
    @Test(arguments: [
        (Severity.critical, ComponentStatus.majorOutage, "major"),
        (.major, .partialOutage, "minor"),
        (.minor, .degradedPerformance, "minor")
    ])
    func severityDefaultsWhileOpen(severity: Severity, expected: ComponentStatus, indicator: String) {
        let model = SiteAssembler().assemble(
            Self.content(incidents: [
                Self.incident("2026-11-22-a", severity: severity, components: ["api"], events: [Self.update("investigating", "2026-11-22T14:00:00Z")])
            ]),
            now: Self.t("2026-11-22T15:00:00Z"))
        #expect(model.componentStatus["api"] == expected)
        #expect(model.componentStatus["search"] == .operational)
        #expect(model.overall.indicator == indicator)
        #expect(model.incidents[0].isOpen)
    }

    @Test func updateOverridesDefaultAndWorstOfOpenIncidentsWins() {
        let a = Self.incident(
            "2026-11-22-a", severity: .minor, components: ["api"],
            events: [
                Self.update("investigating", "2026-11-22T14:00:00Z", ["api": .majorOutage]),
                Self.update("identified", "2026-11-22T14:10:00Z", ["api": .partialOutage])
            ])
        let b = Self.incident("2026-11-22-b", severity: .minor, components: ["api", "search"], events: [Self.update("investigating", "2026-11-22T14:05:00Z")])
        let model = SiteAssembler().assemble(Self.content(incidents: [a, b]), now: Self.t("2026-11-22T15:00:00Z"))
        #expect(model.componentStatus["api"] == .partialOutage)
        #expect(model.componentStatus["search"] == .degradedPerformance)
        #expect(model.overall == OverallStatus(indicator: "minor", description: "Minor Service Outage"))
        #expect(model.incidents.map(\.id) == ["2026-11-22-b", "2026-11-22-a"])
    }

    @Test func resolvedReturnsEverythingToOperational() {
        let a = Self.incident(
            "2026-11-22-a", severity: .critical, components: ["api"],
            events: [
                Self.update("investigating", "2026-11-22T14:00:00Z", ["search": .majorOutage]),
                Self.update("resolved", "2026-11-22T14:30:00Z")
            ])
        let model = SiteAssembler().assemble(Self.content(incidents: [a]), now: Self.t("2026-11-22T15:00:00Z"))
        #expect(model.componentStatus.values.allSatisfy { $0 == .operational })
        #expect(model.overall == OverallStatus(indicator: "none", description: "All Systems Operational"))
        #expect(model.incidents[0].resolvedAt == Self.t("2026-11-22T14:30:00Z"))
        #expect(model.incidents[0].affectedComponents == ["api", "search"])
    }

    @Test func laterUpdateReopens() {
        let a = Self.incident(
            "2026-11-22-a", severity: .major, components: ["api"],
            events: [
                Self.update("investigating", "2026-11-22T14:00:00Z"),
                Self.update("resolved", "2026-11-22T14:30:00Z"),
                Self.update("investigating", "2026-11-22T14:40:00Z")
            ])
        let state = SiteAssembler().assemble(Self.content(incidents: [a]), now: Self.t("2026-11-22T15:00:00Z")).incidents[0]
        #expect(state.isOpen)
        #expect(state.reopened)
        #expect(state.resolvedAt == nil)
    }

    @Test func aComponentAnUpdateSetStaysSoUntilAnotherUpdateChangesIt() {
        let a = Self.incident(
            "2026-11-22-a", severity: .major, components: ["api"],
            events: [
                Self.update("investigating", "2026-11-22T14:00:00Z"),
                Self.update("identified", "2026-11-22T14:10:00Z", ["api": .operational, "web": .degradedPerformance]),
                Self.update("monitoring", "2026-11-22T14:20:00Z")
            ])
        let model = SiteAssembler().assemble(Self.content(incidents: [a]), now: Self.t("2026-11-22T15:00:00Z"))
        #expect(model.componentStatus["api"] == .operational)
        #expect(model.componentStatus["web"] == .degradedPerformance)
        #expect(model.incidents[0].affectedComponents == ["api", "web"])
    }

    @Test func aReopenedIncidentStartsAgainFromTheDefaults() {
        let a = Self.incident(
            "2026-11-22-a", severity: .critical, components: ["api"],
            events: [
                Self.update("investigating", "2026-11-22T14:00:00Z", ["api": .degradedPerformance, "web": .partialOutage]),
                Self.update("resolved", "2026-11-22T14:30:00Z"),
                Self.update("investigating", "2026-11-22T14:40:00Z")
            ])
        let model = SiteAssembler().assemble(Self.content(incidents: [a]), now: Self.t("2026-11-22T15:00:00Z"))
        #expect(model.componentStatus["api"] == .majorOutage)
        #expect(model.componentStatus["web"] == .operational)
    }

    static func maintenance(events: [Event]) -> Maintenance {
        Maintenance(
            id: "2026-11-22-db", title: "DB", components: ["api"], scheduledStart: t("2026-11-22T14:00:00Z"), scheduledEnd: t("2026-11-22T16:00:00Z"),
            summary: "", events: events)
    }

    @Test(arguments: [
        ("2026-11-22T13:00:00Z", MaintenanceStatus.scheduled, ComponentStatus.operational, "none"),
        ("2026-11-22T15:00:00Z", .inProgress, .underMaintenance, "maintenance"),
        ("2026-11-22T17:00:00Z", .completed, .operational, "none")
    ])
    func maintenanceFollowsTheClockWithoutUpdates(now: String, status: MaintenanceStatus, component: ComponentStatus, indicator: String) {
        let model = SiteAssembler().assemble(Self.content(incidents: [], maintenances: [Self.maintenance(events: [])]), now: Self.t(now))
        #expect(model.maintenances[0].status == status)
        #expect(model.componentStatus["api"] == component)
        #expect(model.overall.indicator == indicator)
    }

    @Test func maintenanceFollowsItsLatestUpdateAndNeverTurnsThePageRedEarly() {
        let m = Self.maintenance(events: [Self.update("scheduled", "2026-11-20T10:00:00Z")])
        let early = SiteAssembler().assemble(Self.content(incidents: [], maintenances: [m]), now: Self.t("2026-11-22T13:00:00Z"))
        #expect(early.maintenances[0].isUpcoming)
        #expect(early.componentStatus["api"] == .operational)
        let verifying = Self.maintenance(events: [Self.update("in_progress", "2026-11-22T14:00:00Z"), Self.update("verifying", "2026-11-22T15:30:00Z")])
        let model = SiteAssembler().assemble(Self.content(incidents: [], maintenances: [verifying]), now: Self.t("2026-11-22T15:45:00Z"))
        #expect(model.maintenances[0].status == .verifying)
        #expect(model.componentStatus["api"] == .underMaintenance)
    }

    @Test func outageOutranksMaintenance() {
        let m = Self.maintenance(events: [Self.update("in_progress", "2026-11-22T14:00:00Z")])
        let a = Self.incident("2026-11-22-a", severity: .minor, components: ["api"], events: [Self.update("investigating", "2026-11-22T14:30:00Z")])
        let model = SiteAssembler().assemble(Self.content(incidents: [a], maintenances: [m]), now: Self.t("2026-11-22T15:00:00Z"))
        #expect(model.componentStatus["api"] == .degradedPerformance)
        #expect(model.overall.indicator == "minor")
    }
}
