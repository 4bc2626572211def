import Foundation
import HeraldMarkdown

/// One thing channels are told about: a public incident update, a maintenance update (the first
/// one, `scheduled`, is the announcement) or a component's status change made by an update. Its
/// texts are redacted as the site's are (names become roles), and `key` identifies it for good.
package struct NotifyEvent: Sendable {
    package enum Kind: Sendable { case incident, maintenance, component }

    /// `incidents/<id>/<event file>`, `maintenance/<id>/<event file>`, and for a component change
    /// `incidents/<id>/<event file>#<component id>`: stable, so each is sent once per channel.
    package var key: String
    package var kind: Kind
    package var at: Timestamp
    package var recordID: String
    /// The record's title, redacted.
    package var title: String
    /// The update's status (`identified`, `in_progress`; a component's new status).
    package var status: String
    package var statusLabel: String
    /// The message as plain text and as HTML (libcmark, safe mode), redacted.
    package var text: String
    package var html: String
    /// The record's page.
    package var link: String
    /// The components the record concerns (channel filters match these).
    package var components: [String]
    /// Each affected component and its status after this event, by name.
    package var componentStatus: [(name: String, status: ComponentStatus)]
    /// A maintenance's window.
    package var window: (start: Timestamp, end: Timestamp)?
    /// A component change: which component, from what to what.
    package var change: (id: String, name: String, old: ComponentStatus, new: ComponentStatus)?
    /// The record as Statuspage's webhook sends it (`incident`, or `component` for a change),
    /// as of this event.
    var statuspage: JSONValue
    var componentUpdate: JSONValue?
    /// A correction's target (the key of the update it edits or retracts). A channel is told of a
    /// correction only when it had received that update before: otherwise it gets (or got) the
    /// update as corrected, or nothing at all for a retracted one.
    package var corrects: String?

    package var topic: NotifyChannel.Topic {
        switch kind {
        case .incident: .incidents
        case .maintenance: .maintenance
        case .component: .components
        }
    }
}

/// Finds the events to tell channels about in an assembled site.
package enum NotifyFeed {
    /// Every public event at or after `cutoff`, oldest first (then by key). Records whose latest
    /// update is older are not even decoded.
    package static func events(_ model: SiteModel, since cutoff: Timestamp) -> [NotifyEvent] {
        let settings = model.settings
        let redactor = Redactor(people: model.content.people, support: settings.support)
        let pageID = StableID.make("page:" + settings.baseURL)
        // Each record's events come in its own order (time, posting sequence, file name); records
        // are merged by time, then kind and id, keeping that order.
        var events: [(event: NotifyEvent, record: String, index: Int)] = []
        func add(_ list: [NotifyEvent], _ record: String) {
            for (index, event) in list.enumerated() { events.append((event, record, index)) }
        }
        for state in model.incidents where state.updatedAt >= cutoff || state.incident.corrections.contains(where: { $0.at >= cutoff }) {
            add(incidentEvents(state, settings: settings, redactor: redactor, pageID: pageID, cutoff: cutoff), "incidents/" + state.id)
        }
        for state in model.maintenances
        where state.updates.contains(where: { $0.at >= cutoff }) || state.maintenance.corrections.contains(where: { $0.at >= cutoff }) {
            add(maintenanceEvents(state, settings: settings, redactor: redactor, pageID: pageID, cutoff: cutoff), "maintenance/" + state.id)
        }
        events.sort { a, b in
            if a.event.at != b.event.at { return a.event.at < b.event.at }
            if a.record != b.record { return a.record < b.record }
            return a.index < b.index
        }
        return events.map(\.event)
    }

    static func name(_ id: String, _ settings: SiteSettings) -> String { settings.component(id)?.name ?? id }

    /// Statuspage's time format: `2026-11-22T14:05:00.000Z`.
    static func time(_ t: Timestamp) -> String { t.rfc3339Milliseconds }

    static func componentJSON(_ id: String, status: ComponentStatus, at: Timestamp, settings: SiteSettings, pageID: String) -> JSONValue {
        let component = settings.component(id)
        return .object([
            ("status", .string(status.rawValue)), ("name", .string(component?.name ?? id)),
            ("created_at", .string(time(at))), ("updated_at", .string(time(at))),
            ("position", .number(component?.position ?? 0)), ("description", component?.description.map(JSONValue.string) ?? .null),
            ("showcase", .bool(true)), ("id", .string(StableID.make("component:" + id))), ("page_id", .string(pageID)),
            ("group_id", component?.group.map { .string(StableID.make("group:" + $0)) } ?? .null)
        ])
    }

    /// A record's public events and corrections in one order: time, posting sequence, file name.
    enum Step {
        case update(Event)
        case correction(Correction)

        var order: (Timestamp, Int, String) {
            switch self {
            case .update(let e): (e.at, e.seq, e.fileName)
            case .correction(let c): (c.at, c.seq, c.fileName)
            }
        }

        static func timeline(_ updates: [Event], _ corrections: [Correction]) -> [Step] {
            (updates.map(Step.update) + corrections.map(Step.correction)).sorted { a, b in
                let (x, y) = (a.order, b.order)
                return x.0 != y.0 ? x.0 < y.0 : x.1 != y.1 ? x.1 < y.1 : x.2 < y.2
            }
        }
    }

    /// A correction as channels are told it: an edit's new message (redacted), or that an update
    /// was withdrawn — never a retraction's reason, which is internal.
    static func correctionTexts(_ correction: Correction, events: [Event], render: (String) -> (html: String, text: String)) -> (
        label: String, text: String, html: String
    ) {
        let when = events.first { $0.fileName == correction.target }.map { " of \($0.at.display)" } ?? ""
        switch correction.action {
        case .retract:
            let text = "An earlier update\(when) has been withdrawn; the status page shows the corrected record."
            return ("Retraction", text, "<p>" + FastHTMLContentType.escape(text) + "</p>\n")
        case .edit:
            let body = correction.body.trimmingCharacters(in: .whitespacesAndNewlines)
            if body.isEmpty {
                let text = "The components of the update\(when) have been corrected."
                return ("Correction", text, "<p>" + FastHTMLContentType.escape(text) + "</p>\n")
            }
            let (html, text) = render(correction.body)
            let lead = "Correction to the update\(when):"
            return ("Correction", lead + " " + text, "<p>" + FastHTMLContentType.escape(lead) + "</p>\n" + html)
        }
    }

    static func incidentEvents(_ state: IncidentState, settings: SiteSettings, redactor: Redactor, pageID: String, cutoff: Timestamp) -> [NotifyEvent] {
        let incident = state.incident
        var record: RecordRedactor?
        func rewriter(for text: String) -> RecordRedactor? {
            guard redactor.mightRedact(text) else { return nil }
            if record == nil { record = redactor.forRecord(roles: RenderContext.roles(of: incident), texts: RenderContext.texts(of: incident)) }
            return record
        }
        let title = rewriter(for: incident.title)?.redact(incident.title) ?? incident.title
        let link = settings.baseURL + "incidents/\(incident.id)/"
        let incidentID = StableID.make("incident:" + incident.id)
        var replay = ComponentReplay(incident)
        var affected = incident.components
        var updates: [JSONValue] = []
        var monitoringAt: Timestamp?
        var resolvedAt: Timestamp?
        var severity = incident.severity
        var current = IncidentStatus.investigating.rawValue
        var events: [NotifyEvent] = []

        /// The incident as Statuspage's webhook shows it, as of `at`.
        func statuspage(_ at: Timestamp) -> JSONValue {
            .object([
                ("name", .string(title)), ("status", .string(current)), ("created_at", .string(time(state.createdAt))),
                ("updated_at", .string(time(at))), ("monitoring_at", monitoringAt.map { .string(time($0)) } ?? .null),
                ("resolved_at", resolvedAt.map { .string(time($0)) } ?? .null), ("impact", .string(severity.rawValue)),
                ("shortlink", .string(link)), ("started_at", .string(time(state.startedAt))),
                ("postmortem_ignored", .bool(false)), ("postmortem_body", .null), ("postmortem_body_last_updated_at", .null),
                ("postmortem_published_at", .null), ("postmortem_notified_subscribers", .bool(false)), ("postmortem_notified_twitter", .bool(false)),
                ("backfilled", .bool(false)), ("scheduled_for", .null), ("scheduled_until", .null), ("scheduled_remind_prior", .bool(false)),
                ("scheduled_reminded_at", .null), ("impact_override", .null), ("scheduled_auto_in_progress", .bool(false)),
                ("scheduled_auto_completed", .bool(false)), ("id", .string(incidentID)), ("page_id", .string(pageID)),
                ("incident_updates", .array(updates.reversed())),
                (
                    "components",
                    .array(
                        affected.filter { settings.component($0) != nil }.map {
                            componentJSON($0, status: replay.status(of: $0), at: at, settings: settings, pageID: pageID)
                        })
                )
            ])
        }
        func statuses() -> [(name: String, status: ComponentStatus)] { affected.map { (name: name($0, settings), status: replay.status(of: $0)) } }

        for step in Step.timeline(incident.updates, incident.corrections) {
            guard case .update(let update) = step else {
                guard case .correction(let correction) = step, correction.at >= cutoff else { continue }
                let texts = correctionTexts(correction, events: incident.events) { Markdown.render($0, rewriter: rewriter(for: $0)) }
                events.append(
                    NotifyEvent(
                        key: "incidents/\(incident.id)/\(correction.fileName)", kind: .incident, at: correction.at, recordID: incident.id, title: title,
                        status: current, statusLabel: texts.label, text: texts.text, html: texts.html, link: link, components: affected,
                        componentStatus: statuses(), window: nil, change: nil, statuspage: statuspage(correction.at),
                        corrects: "incidents/\(incident.id)/\(correction.target)"))
                continue
            }
            guard case .update(let status, let changes) = update.kind else { continue }
            let followUp = update.isFollowUp
            let before = replay
            replay.apply(update)
            if !followUp {
                for change in changes where !affected.contains(change.id) { affected.append(change.id) }
                if status == IncidentStatus.monitoring.rawValue, monitoringAt == nil { monitoringAt = update.at }
                resolvedAt = status == IncidentStatus.resolved.rawValue ? update.at : nil
                if let escalated = update.severity { severity = escalated }
                current = status
            }
            let (html, text) = Markdown.render(update.body, rewriter: rewriter(for: update.body))
            let listed = changes.filter { settings.component($0.id) != nil }.map { change -> JSONValue in
                .object([
                    ("code", .string(StableID.make("component:" + change.id))), ("name", .string(name(change.id, settings))),
                    ("old_status", .string(before.status(of: change.id).rawValue)), ("new_status", .string(replay.status(of: change.id).rawValue))
                ])
            }
            let at = time(update.at)
            updates.append(
                .object([
                    // A follow-up is Statuspage's `postmortem` update, as in the site's API.
                    ("status", .string(followUp ? "postmortem" : status)), ("body", .string(text)), ("created_at", .string(at)),
                    ("wants_twitter_update", .bool(false)), ("twitter_updated_at", .null), ("updated_at", .string(update.editedAt.map(time) ?? at)),
                    ("display_at", .string(at)), ("affected_components", .array(listed)), ("custom_tweet", .null),
                    ("deliver_notifications", .bool(true)), ("id", .string(StableID.make("update:\(incident.id)/\(update.fileName)"))),
                    ("incident_id", .string(incidentID))
                ]))
            guard update.at >= cutoff else { continue }
            var label = followUp ? "Follow-up" : IncidentStatus(rawValue: status)?.label ?? status
            if let escalated = update.severity, !followUp { label += " · severity \(escalated.rawValue)" }
            events.append(
                NotifyEvent(
                    key: "incidents/\(incident.id)/\(update.fileName)", kind: .incident, at: update.at, recordID: incident.id, title: title,
                    status: followUp ? Event.followUp : status, statusLabel: label, text: text, html: html, link: link, components: affected,
                    componentStatus: statuses(), window: nil, change: nil, statuspage: statuspage(update.at)))
            // Each component whose status this update changed (the first update opens the incident,
            // resolving returns every component to operational).
            var ids = before.statuses.map(\.id)
            for entry in replay.statuses where !ids.contains(entry.id) { ids.append(entry.id) }
            for id in ids where settings.component(id) != nil {
                let old = before.status(of: id)
                let new = replay.status(of: id)
                guard old != new else { continue }
                events.append(
                    componentEvent(
                        id: id, old: old, new: new, at: update.at, key: "incidents/\(incident.id)/\(update.fileName)#\(id)", recordID: incident.id,
                        title: title, link: link, settings: settings, pageID: pageID))
            }
        }
        return events
    }

    static func componentEvent(
        id: String, old: ComponentStatus, new: ComponentStatus, at: Timestamp, key: String, recordID: String,
        title: String, link: String, settings: SiteSettings, pageID: String
    ) -> NotifyEvent {
        let componentName = name(id, settings)
        let update = JSONValue.object([
            ("old_status", .string(old.rawValue)), ("new_status", .string(new.rawValue)), ("created_at", .string(time(at))),
            ("component_type", .string("Component")), ("id", .string(StableID.make("component-update:" + key))),
            ("component_id", .string(StableID.make("component:" + id)))
        ])
        let text = "\(componentName): \(old.label) → \(new.label) (\(title))."
        return NotifyEvent(
            key: key, kind: .component, at: at, recordID: recordID, title: "\(componentName): \(new.label)", status: new.rawValue,
            statusLabel: new.label, text: text, html: "<p>" + FastHTMLContentType.escape(text) + "</p>\n", link: link, components: [id],
            componentStatus: [(componentName, new)], window: nil, change: (id, componentName, old, new),
            statuspage: componentJSON(id, status: new, at: at, settings: settings, pageID: pageID), componentUpdate: update)
    }

    static func maintenanceEvents(_ state: MaintenanceState, settings: SiteSettings, redactor: Redactor, pageID: String, cutoff: Timestamp) -> [NotifyEvent] {
        let m = state.maintenance
        var record: RecordRedactor?
        func rewriter(for text: String) -> RecordRedactor? {
            guard redactor.mightRedact(text) else { return nil }
            if record == nil { record = redactor.forRecord(roles: [], texts: m.events.map(\.body) + [m.title, m.summary]) }
            return record
        }
        let title = rewriter(for: m.title)?.redact(m.title) ?? m.title
        let link = settings.baseURL + "maintenance/\(m.id)/"
        let id = StableID.make("maintenance:" + m.id)
        var updates: [JSONValue] = []
        var events: [NotifyEvent] = []
        var componentStatus = ComponentStatus.operational
        var current = MaintenanceStatus.scheduled.rawValue
        var startedAt: Timestamp?
        var completedAt: Timestamp?

        func statuspage(_ at: Timestamp) -> JSONValue {
            .object([
                ("name", .string(title)), ("status", .string(current)), ("created_at", .string(time(state.updates.first?.at ?? at))),
                ("updated_at", .string(time(at))), ("monitoring_at", .null), ("resolved_at", completedAt.map { .string(time($0)) } ?? .null),
                ("impact", .string("maintenance")), ("shortlink", .string(link)),
                ("started_at", .string(time(startedAt ?? m.scheduledStart))),
                ("postmortem_ignored", .bool(false)), ("postmortem_body", .null), ("postmortem_body_last_updated_at", .null),
                ("postmortem_published_at", .null), ("postmortem_notified_subscribers", .bool(false)), ("postmortem_notified_twitter", .bool(false)),
                ("backfilled", .bool(false)), ("scheduled_for", .string(time(m.scheduledStart))), ("scheduled_until", .string(time(m.scheduledEnd))),
                ("scheduled_remind_prior", .bool(false)), ("scheduled_reminded_at", .null), ("impact_override", .null),
                ("scheduled_auto_in_progress", .bool(false)), ("scheduled_auto_completed", .bool(false)), ("id", .string(id)),
                ("page_id", .string(pageID)), ("incident_updates", .array(updates.reversed())),
                (
                    "components",
                    .array(
                        m.components.filter { settings.component($0) != nil }.map {
                            componentJSON($0, status: componentStatus, at: at, settings: settings, pageID: pageID)
                        })
                )
            ])
        }

        for step in Step.timeline(state.updates, m.corrections) {
            guard case .update(let update) = step else {
                guard case .correction(let correction) = step, correction.at >= cutoff else { continue }
                let texts = correctionTexts(correction, events: m.events) { Markdown.render($0, rewriter: rewriter(for: $0)) }
                events.append(
                    NotifyEvent(
                        key: "maintenance/\(m.id)/\(correction.fileName)", kind: .maintenance, at: correction.at, recordID: m.id, title: title,
                        status: current, statusLabel: texts.label, text: texts.text, html: texts.html, link: link, components: m.components,
                        componentStatus: m.components.map { (name($0, settings), componentStatus) }, window: (m.scheduledStart, m.scheduledEnd),
                        change: nil, statuspage: statuspage(correction.at), corrects: "maintenance/\(m.id)/\(correction.target)"))
                continue
            }
            guard let status = update.status else { continue }
            let (html, text) = Markdown.render(update.body, rewriter: rewriter(for: update.body))
            let at = time(update.at)
            let active = status == MaintenanceStatus.inProgress.rawValue || status == MaintenanceStatus.verifying.rawValue
            if active, startedAt == nil { startedAt = update.at }
            let previous = componentStatus
            componentStatus = active ? .underMaintenance : .operational
            current = status
            completedAt = status == MaintenanceStatus.completed.rawValue ? update.at : nil
            updates.append(
                .object([
                    ("status", .string(status)), ("body", .string(text)), ("created_at", .string(at)), ("wants_twitter_update", .bool(false)),
                    ("twitter_updated_at", .null), ("updated_at", .string(update.editedAt.map(time) ?? at)), ("display_at", .string(at)),
                    ("affected_components", .array([])), ("custom_tweet", .null), ("deliver_notifications", .bool(true)),
                    ("id", .string(StableID.make("update:\(m.id)/\(update.fileName)"))), ("incident_id", .string(id))
                ]))
            guard update.at >= cutoff else { continue }
            let label = update.cancelled ? "Cancelled" : MaintenanceStatus(rawValue: status)?.label ?? status
            events.append(
                NotifyEvent(
                    key: "maintenance/\(m.id)/\(update.fileName)", kind: .maintenance, at: update.at, recordID: m.id, title: title,
                    status: status, statusLabel: label, text: text, html: html, link: link,
                    components: m.components, componentStatus: m.components.map { (name($0, settings), componentStatus) },
                    window: (m.scheduledStart, m.scheduledEnd), change: nil, statuspage: statuspage(update.at)))
            if componentStatus != previous {
                for component in m.components where settings.component(component) != nil {
                    events.append(
                        componentEvent(
                            id: component, old: previous, new: componentStatus, at: update.at, key: "maintenance/\(m.id)/\(update.fileName)#\(component)",
                            recordID: m.id, title: title, link: link, settings: settings, pageID: pageID))
                }
            }
        }
        return events
    }
}

/// A JSON value written with its keys in the order given (payloads are small; Foundation's
/// JSONSerialization would need `Any`, which is not Sendable).
indirect enum JSONValue: Sendable {
    case string(String)
    case number(Int)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([(String, JSONValue)])

    var bytes: [UInt8] {
        var out: [UInt8] = []
        write(&out)
        return out
    }

    func write(_ out: inout [UInt8]) {
        switch self {
        case .string(let s): Self.quote(s, &out)
        case .number(let n): out += Array(String(n).utf8)
        case .bool(let b): out += Array((b ? "true" : "false").utf8)
        case .null: out += Array("null".utf8)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                item.write(&out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let pairs):
            out.append(UInt8(ascii: "{"))
            for (i, (key, value)) in pairs.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                Self.quote(key, &out)
                out.append(UInt8(ascii: ":"))
                value.write(&out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Quotes and escapes; `<`, `>` and `&` as \u escapes too, so no payload carries markup as such.
    static func quote(_ s: String, _ out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        let hex = Array("0123456789abcdef".utf8)
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [92, 34]
            case UInt8(ascii: "\\"): out += [92, 92]
            case 10: out += [92, UInt8(ascii: "n")]
            case 13: out += [92, UInt8(ascii: "r")]
            case 9: out += [92, UInt8(ascii: "t")]
            case 0..<32, UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&"):
                out += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
