import Foundation

/// What a postmortem states about its incident, computed from the records: the impact window, the
/// milestones and the durations between them, and the merged timeline.
///
/// Milestones come from, in order: the incident's `impact_started`; milestone notes and the
/// postmortem's timeline entries; then public updates where they say the same thing (the first
/// update acknowledges the incident publicly, the first `monitoring` update means a fix is in
/// place, the last `resolved` update ends it). Detection has no such stand-in: without a
/// `detected` milestone it is "not recorded". Nothing else is guessed.
package struct PostmortemFacts: Sendable {
    package struct Milestones: Sendable {
        package var impactStarted: Timestamp
        package var detected: Timestamp?
        package var acknowledged: Timestamp?
        package var mitigated: Timestamp?
        package var resolved: Timestamp?
    }

    package struct Duration: Sendable {
        package var label: String
        package var fromName: String
        package var from: Timestamp
        package var toName: String
        package var to: Timestamp?
        /// nil when the end point is not recorded; negative when the records contradict each other.
        package var seconds: Int64? { to.map { $0.seconds - from.seconds } }
    }

    package enum ItemKind: String, Sendable { case update, note, role, entry }

    package struct TimelineItem: Sendable {
        package var at: Timestamp
        package var kind: ItemKind
        /// Update status, role name, or empty.
        package var detail: String
        /// Markdown (updates, notes, entries) or the person (role changes).
        package var text: String
        package var milestone: Milestone?
    }

    package var milestones: Milestones
    package var durations: [Duration]
    package var timeline: [TimelineItem]
    /// Problems with the records' times, for `herald build` and `herald check`.
    package var warnings: [Diagnostic]

    /// `published`: the timeline of the public page — public updates, role changes and the
    /// entries the author put in the postmortem, never internal notes (a draft lists them all
    /// for the author to pick from).
    package init(incident state: IncidentState, postmortem: Postmortem, published: Bool = false) {
        let incident = state.incident
        var marks: [Milestone: Timestamp] = [:]
        func note(_ milestone: Milestone, _ at: Timestamp) {
            if let existing = marks[milestone], existing <= at { return }
            marks[milestone] = at
        }
        for event in incident.events { if let m = event.milestone { note(m, event.at) } }
        for entry in postmortem.timeline { if let m = entry.milestone { note(m, entry.at) } }

        let start = incident.impactStarted ?? marks[.impactStarted] ?? incident.events.first?.at ?? state.createdAt
        let acknowledged = marks[.acknowledged] ?? state.updates.first?.at
        let mitigated = marks[.mitigated] ?? state.updates.first { $0.status == IncidentStatus.monitoring.rawValue }?.at
        let resolved = marks[.resolved] ?? state.resolvedAt
        milestones = Milestones(impactStarted: start, detected: marks[.detected], acknowledged: acknowledged, mitigated: mitigated, resolved: resolved)
        durations = [
            Duration(label: "Time to detect", fromName: "impact started", from: start, toName: "detected", to: marks[.detected]),
            Duration(label: "Time to acknowledge", fromName: "impact started", from: start, toName: "acknowledged", to: acknowledged),
            Duration(label: "Time to mitigate", fromName: "impact started", from: start, toName: "mitigated", to: mitigated),
            Duration(label: "Time to resolve", fromName: "impact started", from: start, toName: "resolved", to: resolved)
        ]

        var items: [TimelineItem] = []
        for event in incident.events {
            switch event.kind {
            case .update(let status, _): items.append(TimelineItem(at: event.at, kind: .update, detail: status, text: event.body, milestone: nil))
            case .note(let milestone):
                if !published { items.append(TimelineItem(at: event.at, kind: .note, detail: "", text: event.body, milestone: milestone)) }
            case .role(let role, let person): items.append(TimelineItem(at: event.at, kind: .role, detail: role, text: person, milestone: nil))
            }
        }
        for entry in postmortem.timeline {
            items.append(TimelineItem(at: entry.at, kind: .entry, detail: "", text: entry.text, milestone: entry.milestone))
        }
        // Stable: equal times keep records' order (events by file name, then the postmortem's entries).
        timeline = items.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)

        var warnings: [Diagnostic] = []
        let path = postmortem.path
        for duration in durations {
            if let seconds = duration.seconds, seconds < 0 {
                warnings.append(
                    Diagnostic(
                        path: path, line: 0, severity: .warning,
                        message:
                            "\(duration.toName) (\(duration.to!.display)) is before \(duration.fromName) (\(duration.from.display)); check the records' times",
                        code: "order"))
            }
        }
        for (previous, entry) in zip(postmortem.timeline, postmortem.timeline.dropFirst()) where entry.at < previous.at {
            warnings.append(
                Diagnostic(
                    path: path, line: entry.line, severity: .warning,
                    message: "timeline entry at \(entry.at.display) is listed after a later one (\(previous.at.display)); the page sorts them by time",
                    code: "order"))
        }
        self.warnings = warnings
    }
}
