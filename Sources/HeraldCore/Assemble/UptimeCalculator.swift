import Foundation

/// 90-day uptime per component, computed at build time from incident updates.
///
/// Minutes in major outage count fully as downtime, partial outage at 0.3, degraded performance
/// and maintenance not at all (Statuspage's weighting).
package struct UptimeCalculator: Sendable {
    package static let days = 90
    static let partialWeight = 0.3

    /// Downtime seconds per component per day index (0 = oldest of the 90 days).
    struct Tally {
        var major = [Int64](repeating: 0, count: UptimeCalculator.days)
        var partial = [Int64](repeating: 0, count: UptimeCalculator.days)
        var degraded = [Int64](repeating: 0, count: UptimeCalculator.days)
    }

    let start: Timestamp
    let now: Timestamp
    let tallies: [String: Tally]

    package init(context: RenderContext) {
        now = context.now
        start = context.now.startOfDay.adding(seconds: -Int64(Self.days - 1) * 86_400)
        var tallies: [String: Tally] = [:]
        for prepared in context.incidents {
            let state = prepared.state
            if (state.resolvedAt ?? now) < start { continue }
            for segment in Self.segments(state, now: now) {
                Self.add(segment, from: start, into: &tallies)
            }
        }
        self.tallies = tallies
    }

    struct Segment {
        var component: String
        var from: Timestamp
        var to: Timestamp
        var status: ComponentStatus
    }

    /// Each component's status over time within one incident.
    static func segments(_ state: IncidentState, now: Timestamp) -> [Segment] {
        var replay = ComponentReplay(state.incident)
        var segments: [Segment] = []
        // From the impact's start (or the first update): the named components' defaults.
        var since = min(state.startedAt, state.createdAt)
        replay.open()
        func close(at end: Timestamp) {
            for (id, status) in replay.statuses where status != .operational {
                segments.append(Segment(component: id, from: since, to: end, status: status))
            }
        }
        for update in state.updates where !update.isFollowUp {
            if update.at > since {
                close(at: update.at)
                since = update.at
            }
            replay.apply(update)
        }
        if state.isOpen, now > since { close(at: now) }
        return segments
    }

    static func add(_ segment: Segment, from start: Timestamp, into tallies: inout [String: Tally]) {
        var cursor = max(segment.from, start)
        while cursor < segment.to {
            let day = Int((cursor.seconds - start.seconds) / 86_400)
            if day >= days { break }
            let dayEnd = start.adding(seconds: Int64(day + 1) * 86_400)
            let end = min(dayEnd, segment.to)
            let length = end.seconds - cursor.seconds
            var tally = tallies[segment.component] ?? Tally()
            switch segment.status {
            case .majorOutage: tally.major[day] += length
            case .partialOutage: tally.partial[day] += length
            case .degradedPerformance: tally.degraded[day] += length
            default: break
            }
            tallies[segment.component] = tally
            cursor = end
        }
    }

    /// Uptime as a percentage of the 90 days, e.g. `99.95%`.
    package func percent(for component: String) -> Double {
        guard let tally = tallies[component] else { return 100 }
        let down = Double(tally.major.reduce(0, +)) + Self.partialWeight * Double(tally.partial.reduce(0, +))
        let total = Double(now.seconds - start.seconds)
        return total > 0 ? max(0, 100 * (1 - down / total)) : 100
    }

    package func view(for component: String) -> UptimeView {
        let tally = tallies[component]
        var days: [UptimeDayView] = []
        for index in 0..<Self.days {
            let date = start.adding(seconds: Int64(index) * 86_400).date
            let major = tally?.major[index] ?? 0
            let partial = tally?.partial[index] ?? 0
            let degraded = tally?.degraded[index] ?? 0
            var parts: [String] = []
            if major > 0 { parts.append("\(minutes(major)) major outage") }
            if partial > 0 { parts.append("\(minutes(partial)) partial outage") }
            if degraded > 0 { parts.append("\(minutes(degraded)) degraded performance") }
            let level = major > 0 ? "critical" : partial > 0 ? "major" : degraded > 0 ? "minor" : "ok"
            // Days without downtime merge into one bar (one title per run) to keep the page small.
            if level == "ok", let previous = days.last, previous.level == "ok" {
                days[days.count - 1].width += 5
                days[days.count - 1].title = "\(previous.date) to \(date): no downtime recorded"
                continue
            }
            let title = "\(date): " + (parts.isEmpty ? "no downtime recorded" : parts.joined(separator: ", "))
            days.append(UptimeDayView(date: date, level: level, title: title, x: index * 5, width: 4))
        }
        let percent = Self.format(percent(for: component))
        let bad = days.filter { $0.level != "ok" }.count  // each bad day is its own bar
        let summary = "Uptime over the last 90 days: \(percent). " + (bad == 0 ? "No days with downtime." : "\(bad) of 90 days with incidents.")
        return UptimeView(percent: percent, days: days, summary: summary)
    }

    func minutes(_ seconds: Int64) -> String {
        let m = (seconds + 59) / 60
        return m == 1 ? "1 minute" : "\(m) minutes"
    }

    static func format(_ percent: Double) -> String {
        let hundredths = Int((percent * 100).rounded(.down))
        return "\(hundredths / 100).\(pad(hundredths % 100))%"
    }
}
