import Foundation

// View models: plain structs whose stored properties hold everything a template needs.
// swift-mustache reflects stored properties only; a missing key renders empty, so golden tests
// are the safety net. Only libcmark output goes into triple braces (`html` fields).

public struct TimeView: Sendable {
    /// `2026-11-22T14:05:00Z`, for `<time datetime>`.
    public var iso: String
    /// `2026-11-22 14:05 UTC`
    public var display: String
    /// `14:05 UTC`
    public var time: String
    /// `2026-11-22`
    public var date: String

    init(_ t: Timestamp) {
        iso = t.rfc3339
        display = t.display
        time = t.displayTime
        date = t.date
    }
}

public struct PageView: Sendable {
    public var title: String
    /// Relative prefix to the site root from this page: `""`, `"../../"`.
    public var root: String
    public var siteTitle: String
    public var siteDescription: String
    /// Absolute URL of this page (from base_url).
    public var canonical: String
    public var feedAtom: String
    public var feedRSS: String
    /// The build time, on the status page only: any other page that showed it would change on
    /// every build (and could never be kept by the render cache).
    public var generated: TimeView?
    public var support: String
    /// `status`, `history`, `postmortems`: which navigation entry is current.
    public var section: String
    public var isStatus: Bool
    public var isHistory: Bool
    public var isPostmortems: Bool
    /// Extra markup for the head, e.g. the live-reload script of `herald serve` (never in public/).
    public var headExtra: String
}

public struct ComponentChangeView: Sendable {
    public var name: String
    public var status: String
    public var statusLabel: String
}

public struct UpdateView: Sendable {
    public var status: String
    public var statusLabel: String
    public var at: TimeView
    public var html: String
    /// The message as plain text (for one-line summaries).
    public var text: String
    public var components: [ComponentChangeView]
    public var hasComponents: Bool
    /// Corrected after posting (`herald incident edit`): shown as "edited".
    public var edited: Bool = false
    /// A change the update made beyond its status, e.g. "Impact raised to critical".
    public var note: String = ""
}

public struct IncidentView: Sendable {
    public var id: String
    public var title: String
    /// Relative URL of the incident page from the current page.
    public var url: String
    public var severity: String
    public var severityLabel: String
    public var status: String
    public var statusLabel: String
    public var isOpen: Bool
    public var reopened: Bool
    public var upstream: Bool
    public var started: TimeView
    public var created: TimeView
    public var resolved: TimeView?
    public var duration: String
    public var componentNames: String
    public var components: [ComponentView]
    public var summaryHTML: String
    public var hasSummary: Bool
    /// Newest first.
    public var updates: [UpdateView]
    public var latest: UpdateView?
    public var postmortemURL: String?
}

public struct MaintenanceView: Sendable {
    public var id: String
    public var title: String
    public var url: String
    public var status: String
    public var statusLabel: String
    public var isActive: Bool
    public var scheduledStart: TimeView
    public var scheduledEnd: TimeView
    public var window: String
    public var componentNames: String
    public var summaryHTML: String
    public var hasSummary: Bool
    /// Newest first.
    public var updates: [UpdateView]
    public var hasUpdates: Bool
}

public struct ComponentView: Sendable {
    public var id: String
    public var name: String
    public var description: String
    public var status: String
    public var statusLabel: String
    public var icon: String
    public var uptime: UptimeView?
}

/// One bar of the uptime chart: a day with downtime, or a run of days without.
public struct UptimeDayView: Sendable {
    public var date: String
    public var level: String
    public var title: String
    public var x: Int
    public var width: Int
}

public struct UptimeView: Sendable {
    public var percent: String
    public var days: [UptimeDayView]
    public var summary: String
}

public struct GroupView: Sendable {
    public var name: String
    public var hasName: Bool
    public var components: [ComponentView]
}

public struct DayView: Sendable {
    public var date: String
    public var label: String
    public var incidents: [IncidentView]
    public var isEmpty: Bool
}

public struct MonthLinkView: Sendable {
    public var label: String
    public var url: String
    public var count: Int
    public var countLabel: String
}

public struct StatusPageView: Sendable {
    public var page: PageView
    public var overallIndicator: String
    public var overallDescription: String
    public var overallIcon: String
    public var active: [IncidentView]
    public var hasActive: Bool
    public var activeMaintenance: [MaintenanceView]
    public var upcomingMaintenance: [MaintenanceView]
    public var hasMaintenance: Bool
    public var groups: [GroupView]
    public var days: [DayView]
}

public struct IncidentPageView: Sendable {
    public var page: PageView
    public var incident: IncidentView
}

public struct MaintenancePageView: Sendable {
    public var page: PageView
    public var maintenance: MaintenanceView
}

public struct HistoryPageView: Sendable {
    public var page: PageView
    public var heading: String
    public var months: [MonthLinkView]
    public var hasMonths: Bool
    public var sections: [HistoryMonthView]
    public var previous: MonthLinkView?
    public var next: MonthLinkView?
}

public struct HistoryMonthView: Sendable {
    public var label: String
    public var url: String
    public var anchor: String
    public var incidents: [IncidentView]
    public var isEmpty: Bool
}

public struct NotFoundPageView: Sendable {
    public var page: PageView
}

// MARK: - Postmortems

public struct DurationView: Sendable {
    public var label: String
    public var value: String
    public var recorded: Bool
    public var fromName: String
    public var from: TimeView
    public var toName: String
    public var to: TimeView?
}

public struct TimelineItemView: Sendable {
    public var at: TimeView
    public var kind: String
    public var kindLabel: String
    public var html: String
    public var milestone: String
}

public struct TimelineDayView: Sendable {
    public var date: String
    public var label: String
    public var items: [TimelineItemView]
}

public struct ActionItemView: Sendable {
    public var title: String
    public var type: String
    public var owner: String
    public var status: String
    public var isDone: Bool
    public var link: String?
}

public struct PostmortemPageView: Sendable {
    public var page: PageView
    public var title: String
    public var incidentTitle: String
    public var incidentURL: String
    public var severity: String
    public var severityLabel: String
    public var upstream: Bool
    public var componentNames: String
    public var impactStart: TimeView
    public var impactEnd: TimeView?
    public var published: String
    public var authors: String
    public var hasAuthors: Bool
    public var summary: String
    public var durations: [DurationView]
    public var bodyHTML: String
    public var timeline: [TimelineDayView]
    public var actionItems: [ActionItemView]
    public var hasActionItems: Bool
}

public struct PostmortemListItemView: Sendable {
    public var title: String
    public var url: String
    public var published: String
    public var severity: String
    public var severityLabel: String
    public var summary: String
    public var started: TimeView
}

public struct PostmortemIndexView: Sendable {
    public var page: PageView
    public var items: [PostmortemListItemView]
    public var isEmpty: Bool
}
