import Foundation
import Mustache

/// Writes `herald postmortem new ID`'s draft: the template with the impact window, durations and
/// the records' timeline filled in. A draft is a record, not a page: real names are fine in it.
package struct PostmortemDraft: Sendable {
    struct DurationLine: Sendable {
        var label, value, fromName, fromDisplay, toName, toDisplay: String
    }

    struct RecordLine: Sendable {
        var time, kind, text: String
    }

    struct View: Sendable {
        var incidentID, today, summaryLine, authors, impactStart, impactEnd, componentNames, severity: String
        var upstream: Bool
        var durations: [DurationLine]
        var records: [RecordLine]
    }

    package static func text(incident: Incident, settings: SiteSettings, template: String?, author: String?, now: Timestamp) throws -> String {
        guard let state = SiteAssembler.state(of: incident, postmortem: nil) else {
            throw HeraldError("incident '\(incident.id)' has no public update yet")
        }
        let empty = Postmortem(
            incidentID: incident.id, path: "", status: .draft, published: nil, summary: "", authors: [], timeline: [], actionItems: [], body: "", bodyLine: 0)
        let facts = PostmortemFacts(incident: state, postmortem: empty)
        let durations = facts.durations.map { d in
            DurationLine(
                label: d.label, value: d.seconds.map { $0 < 0 ? "inconsistent records" : DurationText.format($0) } ?? "not recorded",
                fromName: d.fromName, fromDisplay: d.from.display, toName: d.toName, toDisplay: d.to?.display ?? "(not recorded)")
        }
        let records = facts.timeline.map { item -> RecordLine in
            let firstLine = item.text.split(separator: "\n").first.map(String.init) ?? ""
            let kind: String
            switch item.kind {
            case .update: kind = "update " + item.detail
            case .note: kind = "note" + (item.milestone.map { " [\($0.rawValue)]" } ?? "")
            case .role: kind = "role " + item.detail
            case .entry: kind = "entry"
            }
            // "--" would end the HTML comment early.
            return RecordLine(time: item.at.display, kind: kind, text: firstLine.replacingOccurrences(of: "--", with: "—"))
        }
        let names = state.affectedComponents.map { settings.component($0)?.name ?? $0 }
        let view = View(
            incidentID: incident.id, today: now.date, summaryLine: RecordWriter.yamlScalar("One paragraph for lists and feeds: \(incident.title)."),
            authors: author.map(RecordWriter.yamlScalar) ?? "", impactStart: facts.milestones.impactStarted.rfc3339,
            impactEnd: facts.milestones.resolved?.rfc3339 ?? "(not resolved)",
            componentNames: names.isEmpty ? "no specific component" : names.joined(separator: ", "),
            severity: state.severity.rawValue, upstream: incident.upstream, durations: durations, records: records)
        let source = template ?? String(decoding: Theme.builtInTemplates["postmortem-draft"] ?? [], as: UTF8.self)
        let mustache: MustacheTemplate
        do { mustache = try MustacheTemplate(string: source) } catch { throw HeraldError("templates/postmortem.md: template error: \(error)") }
        var text = mustache.render(view)
        while text.hasPrefix("\n") { text.removeFirst() }
        return text
    }
}
