import Foundation

// View models: plain structs whose stored properties hold everything a template needs.
// swift-mustache reflects stored properties only; a missing key renders empty, so golden tests
// are the safety net. Only libcmark output goes into triple braces (`html` fields).

package struct TimeView: Sendable {
    /// `2026-11-22T14:05:00Z`, for `<time datetime>`.
    package var iso: String
    /// `2026-11-22 14:05 UTC`
    package var display: String
    /// `14:05 UTC`
    package var time: String
    /// `2026-11-22`
    package var date: String

    init(_ t: Timestamp) {
        iso = t.rfc3339
        display = t.display
        time = t.displayTime
        date = t.date
    }
}

package struct PageView: Sendable {
    package var title: String
    /// Relative prefix to the site root from this page: `""`, `"../../"`.
    package var root: String
    package var siteTitle: String
    package var siteDescription: String
    /// Absolute URL of this page (from base_url).
    package var canonical: String
    package var feedAtom: String
    package var feedRSS: String
    /// The build time, on the status page only: any other page that showed it would change on
    /// every build (and could never be kept by the render cache).
    package var generated: TimeView?
    package var support: String
    /// `status`, `history`, `postmortems`: which navigation entry is current.
    package var section: String
    package var isStatus: Bool
    package var isHistory: Bool
    package var isPostmortems: Bool
    /// Extra markup for the head, e.g. the live-reload script of `herald serve` (never in public/).
    package var headExtra: String
}

package struct ComponentChangeView: Sendable {
    package var name: String
    package var status: String
    package var statusLabel: String
}

package struct UpdateView: Sendable {
    package var status: String
    package var statusLabel: String
    package var at: TimeView
    package var html: String
    /// The message as plain text (for one-line summaries).
    package var text: String
    package var components: [ComponentChangeView]
    package var hasComponents: Bool
    /// Corrected after posting (`herald incident edit`): shown as "edited".
    package var edited: Bool = false
    /// A change the update made beyond its status, e.g. "Impact raised to critical".
    package var note: String = ""
}

package struct IncidentView: Sendable {
    package var id: String
    package var title: String
    /// Relative URL of the incident page from the current page.
    package var url: String
    package var severity: String
    package var severityLabel: String
    package var status: String
    package var statusLabel: String
    package var isOpen: Bool
    package var reopened: Bool
    package var upstream: Bool
    package var started: TimeView
    package var created: TimeView
    package var resolved: TimeView?
    package var duration: String
    package var componentNames: String
    package var components: [ComponentView]
    package var summaryHTML: String
    package var hasSummary: Bool
    /// Newest first.
    package var updates: [UpdateView]
    package var latest: UpdateView?
    package var postmortemURL: String?
}

package struct MaintenanceView: Sendable {
    package var id: String
    package var title: String
    package var url: String
    package var status: String
    package var statusLabel: String
    package var isActive: Bool
    package var scheduledStart: TimeView
    package var scheduledEnd: TimeView
    package var window: String
    package var componentNames: String
    package var summaryHTML: String
    package var hasSummary: Bool
    /// Newest first.
    package var updates: [UpdateView]
    package var hasUpdates: Bool
}

package struct ComponentView: Sendable {
    package var id: String
    package var name: String
    package var description: String
    package var status: String
    package var statusLabel: String
    package var icon: String
    package var uptime: UptimeView?
}

/// One bar of the uptime chart: a day with downtime, or a run of days without.
package struct UptimeDayView: Sendable {
    package var date: String
    package var level: String
    package var title: String
    package var x: Int
    package var width: Int
}

package struct UptimeView: Sendable {
    package var percent: String
    package var days: [UptimeDayView]
    package var summary: String
}

package struct GroupView: Sendable {
    package var name: String
    package var hasName: Bool
    package var components: [ComponentView]
}

package struct DayView: Sendable {
    package var date: String
    package var label: String
    package var incidents: [IncidentView]
    package var isEmpty: Bool
}

package struct MonthLinkView: Sendable {
    package var label: String
    package var url: String
    package var count: Int
    package var countLabel: String
}

package struct StatusPageView: Sendable {
    package var page: PageView
    package var overallIndicator: String
    package var overallDescription: String
    package var overallIcon: String
    package var active: [IncidentView]
    package var hasActive: Bool
    package var activeMaintenance: [MaintenanceView]
    package var upcomingMaintenance: [MaintenanceView]
    package var hasMaintenance: Bool
    package var groups: [GroupView]
    package var days: [DayView]
}

package struct IncidentPageView: Sendable {
    package var page: PageView
    package var incident: IncidentView
}

package struct MaintenancePageView: Sendable {
    package var page: PageView
    package var maintenance: MaintenanceView
}

package struct HistoryPageView: Sendable {
    package var page: PageView
    package var heading: String
    package var months: [MonthLinkView]
    package var hasMonths: Bool
    package var sections: [HistoryMonthView]
    package var previous: MonthLinkView?
    package var next: MonthLinkView?
}

package struct HistoryMonthView: Sendable {
    package var label: String
    package var url: String
    package var anchor: String
    package var incidents: [IncidentView]
    package var isEmpty: Bool
}

package struct NotFoundPageView: Sendable {
    package var page: PageView
}

// MARK: - Postmortems

package struct DurationView: Sendable {
    package var label: String
    package var value: String
    package var recorded: Bool
    package var fromName: String
    package var from: TimeView
    package var toName: String
    package var to: TimeView?
}

package struct TimelineItemView: Sendable {
    package var at: TimeView
    package var kind: String
    package var kindLabel: String
    package var html: String
    package var milestone: String
}

package struct TimelineDayView: Sendable {
    package var date: String
    package var label: String
    package var items: [TimelineItemView]
}

package struct ActionItemView: Sendable {
    package var title: String
    package var type: String
    package var owner: String
    package var status: String
    package var isDone: Bool
    package var link: String?
}

package struct PostmortemPageView: Sendable {
    package var page: PageView
    package var title: String
    package var incidentTitle: String
    package var incidentURL: String
    package var severity: String
    package var severityLabel: String
    package var upstream: Bool
    package var componentNames: String
    package var impactStart: TimeView
    package var impactEnd: TimeView?
    package var published: String
    package var authors: String
    package var hasAuthors: Bool
    package var summary: String
    package var durations: [DurationView]
    package var bodyHTML: String
    package var timeline: [TimelineDayView]
    package var actionItems: [ActionItemView]
    package var hasActionItems: Bool
}

package struct PostmortemListItemView: Sendable {
    package var title: String
    package var url: String
    package var published: String
    package var severity: String
    package var severityLabel: String
    package var summary: String
    package var started: TimeView
}

package struct PostmortemIndexView: Sendable {
    package var page: PageView
    package var items: [PostmortemListItemView]
    package var isEmpty: Bool
}
