import Foundation
import HeraldMarkdown

/// Renders published postmortems (`postmortems/<id>/index.html`) and their list
/// (`postmortems/index.html`). Drafts and postmortems in review never reach any output.
package struct PostmortemRenderer: OutputRenderer {
    package init() {}

    package var spreadsOverCores: Bool { true }

    package func render(_ context: RenderContext) -> [OutputFile] {
        let published = Self.published(context)
        var jobs: [@Sendable () -> OutputFile] = [{ index(published, context) }]
        for (prepared, postmortem) in published {
            jobs.append { page(prepared, postmortem, context) }
        }
        return parallelMap(jobs) { $0() }
    }

    /// Published postmortems with their incidents, newest incident first.
    static func published(_ context: RenderContext) -> [(PreparedIncident, Postmortem)] {
        context.incidents.compactMap { prepared in prepared.state.postmortem.map { (prepared, $0) } }
    }

    /// The redactor for a postmortem page: the incident's roles, numbered afresh for this page.
    static func redactor(_ prepared: PreparedIncident, _ context: RenderContext) -> RecordRedactor {
        let incident = prepared.state.incident
        var texts = RenderContext.texts(of: incident)
        if let postmortem = prepared.state.postmortem {
            texts += [postmortem.summary] + postmortem.authors + [postmortem.body] + postmortem.timeline.map(\.text)
            texts += postmortem.actionItems.flatMap { [$0.title] + ($0.owner.map { [$0] } ?? []) }
        }
        return context.redactor.forRecord(roles: RenderContext.roles(of: incident), texts: texts)
    }

    func index(_ published: [(PreparedIncident, Postmortem)], _ context: RenderContext) -> OutputFile {
        let path = "postmortems/index.html"
        var key: UInt64?
        if !published.isEmpty, published.allSatisfy({ context.postmortemSourceKey($0.0) != nil }) {
            var hasher = StableHasher()
            hasher.combine("postmortem-index")
            for (prepared, _) in published { hasher.combine(context.postmortemSourceKey(prepared)!) }
            key = hasher.value
        }
        return context.page(path, "postmortems", sourceKey: key) { indexView(published, context, path: path) }
    }

    func indexView(_ published: [(PreparedIncident, Postmortem)], _ context: RenderContext, path: String) -> PostmortemIndexView {
        let items = published.map { prepared, postmortem -> PostmortemListItemView in
            let record = Self.redactor(prepared, context)
            let severity = prepared.state.severity
            return PostmortemListItemView(
                title: prepared.title, url: "../" + HTMLRenderer.postmortemPath(prepared.id),
                published: postmortem.published?.date ?? "", severity: severity.rawValue,
                severityLabel: severity.rawValue.capitalized + " impact", summary: record.redact(postmortem.summary),
                started: TimeView(prepared.state.startedAt))
        }
        return PostmortemIndexView(
            page: HTMLRenderer.page(context, path: path, title: "Postmortems", section: "postmortems"), items: items, isEmpty: items.isEmpty)
    }

    func page(_ prepared: PreparedIncident, _ postmortem: Postmortem, _ context: RenderContext) -> OutputFile {
        let path = HTMLRenderer.postmortemPath(prepared.id)
        return context.page(path, "postmortem", sourceKey: context.postmortemSourceKey(prepared)) { view(prepared, postmortem, context, path: path) }
    }

    func view(_ prepared: PreparedIncident, _ postmortem: Postmortem, _ context: RenderContext, path: String) -> PostmortemPageView {
        let state = prepared.state
        let facts = PostmortemFacts(incident: state, postmortem: postmortem, published: true)
        let record = Self.redactor(prepared, context)
        func html(_ markdown: String) -> String { Markdown.html(record.prepareMarkdown(markdown), rewriter: record) }

        let authors = postmortem.authors.map { record.label(for: $0) }
        let durations = facts.durations.map { d -> DurationView in
            let value: String
            if let seconds = d.seconds {
                value = seconds < 0 ? "inconsistent records" : DurationText.format(seconds)
            } else {
                value = "not recorded"
            }
            return DurationView(
                label: d.label, value: value, recorded: d.to != nil, fromName: d.fromName, from: TimeView(d.from), toName: d.toName, to: d.to.map(TimeView.init)
            )
        }
        var days: [TimelineDayView] = []
        for item in facts.timeline {
            let view: TimelineItemView
            switch item.kind {
            case .update:
                view = TimelineItemView(
                    at: TimeView(item.at), kind: "update", kindLabel: "Public update: " + (IncidentStatus(rawValue: item.detail)?.label ?? item.detail),
                    html: html(item.text), milestone: "")
            case .note:
                view = TimelineItemView(
                    at: TimeView(item.at), kind: "note", kindLabel: "Note", html: html(item.text), milestone: item.milestone?.rawValue ?? "")
            case .role:
                let role = item.detail.split(separator: "-", omittingEmptySubsequences: false).joined(separator: " ")
                let label = XMLEscape.text(record.label(for: item.text))
                view = TimelineItemView(
                    at: TimeView(item.at), kind: "role", kindLabel: "Role change",
                    html: "<p>\(XMLEscape.text(role.prefix(1).uppercased() + role.dropFirst())): \(label)</p>\n", milestone: "")
            case .entry:
                view = TimelineItemView(
                    at: TimeView(item.at), kind: "entry", kindLabel: "Event", html: html(item.text), milestone: item.milestone?.rawValue ?? "")
            }
            if days.last?.date != item.at.date {
                days.append(TimelineDayView(date: item.at.date, label: item.at.longDate, items: []))
            }
            days[days.count - 1].items.append(view)
        }
        let actions = postmortem.actionItems.map {
            ActionItemView(
                title: record.redact($0.title), type: $0.type.rawValue, owner: $0.owner.map { record.label(for: $0) } ?? "unassigned",
                status: $0.status.rawValue, isDone: $0.status == .done, link: $0.link.flatMap { record.keepsDestination($0) ? $0 : nil })
        }
        return PostmortemPageView(
            page: HTMLRenderer.page(context, path: path, title: "Postmortem: \(prepared.title)", section: "postmortems"),
            title: "Postmortem: \(prepared.title)", incidentTitle: prepared.title, incidentURL: "../../" + HTMLRenderer.incidentPath(prepared.id),
            severity: state.severity.rawValue, severityLabel: state.severity.rawValue.capitalized + " impact",
            upstream: state.incident.upstream, componentNames: prepared.componentNames.joined(separator: ", "),
            impactStart: TimeView(facts.milestones.impactStarted), impactEnd: facts.milestones.resolved.map(TimeView.init),
            published: postmortem.published?.date ?? "", authors: authors.joined(separator: ", "), hasAuthors: !authors.isEmpty,
            summary: record.redact(postmortem.summary), durations: durations,
            bodyHTML: Markdown.html(postmortem.body, rewriter: record, title: state.incident.title), timeline: days,
            actionItems: actions, hasActionItems: !actions.isEmpty)
    }
}
