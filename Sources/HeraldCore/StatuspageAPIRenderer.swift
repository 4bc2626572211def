import Foundation

/// `api/v2/*.json`: Atlassian Statuspage's public API v2, field for field, so existing clients,
/// exporters and bots read a Herald site unchanged. Encoded with JSONEncoder (sorted keys), never
/// with string templates. Internal notes and role changes never appear.
public struct StatuspageAPIRenderer: OutputRenderer {
    public init() {}

    // MARK: - Statuspage shapes

    struct Page: Encodable {
        var id, name, url: String
        var time_zone = "Etc/UTC"
        var updated_at: String
    }

    struct Status: Encodable {
        var indicator, description: String
    }

    struct APIComponent: Encodable {
        var id, name, status, created_at, updated_at: String
        var position: Int
        var description: String?
        var showcase: Bool
        var start_date: String?
        var group_id: String?
        var page_id: String
        var group: Bool
        var only_show_if_degraded: Bool
        var components: [String]?

        enum CodingKeys: String, CodingKey {
            case id, name, status, created_at, updated_at, position, description, showcase, start_date, group_id, page_id, group, only_show_if_degraded, components
        }

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(name, forKey: .name)
            try c.encode(status, forKey: .status)
            try c.encode(created_at, forKey: .created_at)
            try c.encode(updated_at, forKey: .updated_at)
            try c.encode(position, forKey: .position)
            try c.encode(description, forKey: .description)
            try c.encode(showcase, forKey: .showcase)
            try c.encode(start_date, forKey: .start_date)
            try c.encode(group_id, forKey: .group_id)
            try c.encode(page_id, forKey: .page_id)
            try c.encode(group, forKey: .group)
            try c.encode(only_show_if_degraded, forKey: .only_show_if_degraded)
            if let components { try c.encode(components, forKey: .components) }
        }
    }

    struct AffectedComponent: Encodable {
        var code, name, old_status, new_status: String
    }

    struct Update: Encodable {
        var id, status, body, incident_id, created_at, updated_at, display_at: String
        var affected_components: [AffectedComponent]?
        var deliver_notifications = true
        var custom_tweet: String? = nil
        var tweet_id: String? = nil

        enum CodingKeys: String, CodingKey {
            case id, status, body, incident_id, created_at, updated_at, display_at, affected_components, deliver_notifications, custom_tweet, tweet_id
        }

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(status, forKey: .status)
            try c.encode(body, forKey: .body)
            try c.encode(incident_id, forKey: .incident_id)
            try c.encode(created_at, forKey: .created_at)
            try c.encode(updated_at, forKey: .updated_at)
            try c.encode(display_at, forKey: .display_at)
            try c.encode(affected_components, forKey: .affected_components)
            try c.encode(deliver_notifications, forKey: .deliver_notifications)
            try c.encode(custom_tweet, forKey: .custom_tweet)
            try c.encode(tweet_id, forKey: .tweet_id)
        }
    }

    struct APIIncident: Encodable {
        var id, name, status, impact, created_at, updated_at, shortlink, page_id: String
        var started_at: String
        var monitoring_at, resolved_at: String?
        var scheduled_for, scheduled_until: String?
        var isMaintenance: Bool
        var components: [APIComponent]
        var incident_updates: [Update]

        enum CodingKeys: String, CodingKey {
            case id, name, status, impact, created_at, updated_at, shortlink, page_id, started_at, monitoring_at, resolved_at, scheduled_for, scheduled_until, components, incident_updates
        }

        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(name, forKey: .name)
            try c.encode(status, forKey: .status)
            try c.encode(impact, forKey: .impact)
            try c.encode(created_at, forKey: .created_at)
            try c.encode(updated_at, forKey: .updated_at)
            try c.encode(shortlink, forKey: .shortlink)
            try c.encode(page_id, forKey: .page_id)
            try c.encode(started_at, forKey: .started_at)
            try c.encode(monitoring_at, forKey: .monitoring_at)
            try c.encode(resolved_at, forKey: .resolved_at)
            if isMaintenance {
                try c.encode(scheduled_for, forKey: .scheduled_for)
                try c.encode(scheduled_until, forKey: .scheduled_until)
            }
            try c.encode(components, forKey: .components)
            try c.encode(incident_updates, forKey: .incident_updates)
        }
    }

    struct Envelope: Encodable {
        var page: Page
        var status: Status?
        var components: [APIComponent]?
        var incidents: [APIIncident]?
        var scheduled_maintenances: [APIIncident]?
    }

    // MARK: - Rendering

    public func render(_ context: RenderContext) -> [OutputFile] {
        envelopes(context).map { name, envelope in
            var json = JSONBytes()
            json.envelope(envelope)
            json.bytes.append(10)
            return OutputFile(path: "api/v2/" + name, bytes: json.bytes)
        }
    }

    /// Each API file's path under api/v2/ and its contents.
    func envelopes(_ context: RenderContext) -> [(String, Envelope)] {
        let api = API(context)
        let unresolved = api.unresolved
        let active = api.maintenances.filter { $0.status == "in_progress" || $0.status == "verifying" }
        let upcoming = api.upcoming
        let files: [(String, Envelope)] = [
            ("summary.json", Envelope(page: api.page, status: api.status, components: api.components, incidents: unresolved, scheduled_maintenances: active + upcoming)),
            ("status.json", Envelope(page: api.page, status: api.status)),
            ("components.json", Envelope(page: api.page, components: api.components)),
            ("incidents.json", Envelope(page: api.page, incidents: api.incidents)),
            ("incidents/unresolved.json", Envelope(page: api.page, incidents: unresolved)),
            ("scheduled-maintenances.json", Envelope(page: api.page, scheduled_maintenances: Array(api.maintenances.prefix(50)))),
            ("scheduled-maintenances/upcoming.json", Envelope(page: api.page, scheduled_maintenances: upcoming)),
            ("scheduled-maintenances/active.json", Envelope(page: api.page, scheduled_maintenances: active)),
        ]
        return files
    }

    /// The reference encoding: Foundation's JSONEncoder with sorted keys. `JSONBytes` writes the
    /// same bytes about ten times faster (the API is written on every build; JSONEncoder took 6 %
    /// of the instructions of a rebuild after one update at 10,000 incidents), and a test holds
    /// the two to the same bytes.
    static func encodedWithFoundation(_ envelope: Envelope) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(envelope)) + [10]
    }

    /// The API's objects for one build.
    struct API {
        var page: Page
        var status: Status
        var components: [APIComponent]
        var componentByID: [String: APIComponent]
        var incidents: [APIIncident]
        var maintenances: [APIIncident]
        var upcoming: [APIIncident]
        /// Every incident not resolved, newest first.
        var unresolved: [APIIncident]

        init(_ context: RenderContext) {
            let settings = context.settings
            let model = context.model
            let pageID = StableID.make("page:" + settings.baseURL)
            page = Page(id: pageID, name: settings.title, url: String(settings.baseURL.dropLast()), updated_at: Self.time(context.now))
            status = Status(indicator: model.overall.indicator, description: model.overall.description)

            // When each component last changed: its latest incident or maintenance update. This
            // walks every incident of the store on every build, so by the component's position in
            // site.yml (a few) rather than through a dictionary of ids.
            let ids = settings.components.map(\.id)
            var latestChange = [Timestamp?](repeating: nil, count: ids.count)
            func note(_ id: String, _ at: Timestamp) {
                guard let position = ids.firstIndex(of: id) else { return }
                latestChange[position] = max(latestChange[position] ?? at, at)
            }
            var first: Timestamp?
            for state in model.incidents {
                for id in state.affectedComponents { note(id, state.updatedAt) }
                first = min(first ?? state.createdAt, state.createdAt)
            }
            for state in model.maintenances where state.startedAt != nil {
                for id in state.maintenance.components { note(id, state.updatedAt) }
            }
            var changed: [String: Timestamp] = [:]
            for (position, id) in ids.enumerated() { changed[id] = latestChange[position] }
            let created = Self.time(first ?? context.now)
            var list: [APIComponent] = []
            var byID: [String: APIComponent] = [:]
            for component in settings.components {
                let groupID = component.group.map { StableID.make("group:" + $0) }
                let item = APIComponent(
                    id: StableID.make("component:" + component.id), name: component.name,
                    status: (model.componentStatus[component.id] ?? .operational).rawValue, created_at: created,
                    updated_at: Self.time(changed[component.id] ?? first ?? context.now), position: component.position,
                    description: component.description, showcase: true, start_date: nil, group_id: groupID, page_id: pageID,
                    group: false, only_show_if_degraded: false, components: nil)
                list.append(item)
                byID[component.id] = item
            }
            // Group objects, as Statuspage lists them: after their components, with their ids.
            for (index, group) in settings.groups.enumerated() {
                let members = group.componentIDs.compactMap { byID[$0] }
                let worst = group.componentIDs.map { model.componentStatus[$0] ?? .operational }.max { $0.rank < $1.rank } ?? .operational
                list.append(APIComponent(
                    id: StableID.make("group:" + group.name), name: group.name, status: worst.rawValue, created_at: created,
                    updated_at: members.map(\.updated_at).max() ?? created, position: settings.components.count + index + 1,
                    description: nil, showcase: false, start_date: nil, group_id: nil, page_id: pageID, group: true,
                    only_show_if_degraded: false, components: members.map(\.id)))
            }
            components = list
            componentByID = byID
            let byComponent = byID
            // Only what some file lists: the 50 newest incidents (incidents.json) and every open one,
            // so the cost does not grow with the store's history.
            var latest: [APIIncident] = []
            var open: [APIIncident] = []
            for (offset, prepared) in context.incidents.enumerated() where offset < Self.listed || prepared.state.status != .resolved {
                let incident = Self.incident(prepared, context: context, pageID: pageID, components: byComponent)
                if offset < Self.listed { latest.append(incident) }
                if prepared.state.status != .resolved { open.append(incident) }
            }
            incidents = latest
            unresolved = open
            maintenances = context.maintenances.map { Self.maintenance($0, context: context, pageID: pageID, components: byComponent) }
            let upcomingIDs = model.upcomingMaintenances.map(\.id)
            let byMaintenance = Dictionary(uniqueKeysWithValues: zip(context.maintenances.map(\.id), maintenances))
            upcoming = upcomingIDs.compactMap { byMaintenance[$0] }
        }

        /// How many incidents incidents.json lists, as Statuspage does.
        static let listed = 50

        /// Statuspage's time format: `2026-11-22T14:05:00.000Z`.
        static func time(_ t: Timestamp) -> String { t.rfc3339Milliseconds }

        static func incident(_ prepared: PreparedIncident, context: RenderContext, pageID: String, components: [String: APIComponent]) -> APIIncident {
            let state = prepared.state
            let incidentID = StableID.make("incident:" + state.id)
            // Replay the updates to know each one's old and new component statuses.
            var replay = ComponentReplay(state.incident)
            var updates: [Update] = []
            for update in prepared.updates {
                guard case .update(let status, let changes) = update.event.kind else { continue }
                let before = replay
                replay.apply(update.event)
                let affected = changes.compactMap { change -> AffectedComponent? in
                    guard let component = components[change.id] else { return nil }
                    return AffectedComponent(code: component.id, name: component.name, old_status: before.status(of: change.id).rawValue, new_status: replay.status(of: change.id).rawValue)
                }
                let at = time(update.event.at)
                // A follow-up is Statuspage's `postmortem` update; an edited update keeps its id
                // and creation time, with `updated_at` the time of the last edit.
                updates.append(Update(
                    id: StableID.make("update:\(state.id)/\(update.event.fileName)"), status: status == Event.followUp ? "postmortem" : status, body: update.text,
                    incident_id: incidentID, created_at: at, updated_at: update.event.editedAt.map(time) ?? at, display_at: at,
                    affected_components: affected.isEmpty ? nil : affected))
            }
            return APIIncident(
                id: incidentID, name: prepared.title, status: state.status.rawValue, impact: state.severity.rawValue,
                created_at: time(state.createdAt), updated_at: time(state.updatedAt),
                shortlink: context.absoluteURL("incidents/\(state.id)/"), page_id: pageID, started_at: time(state.startedAt),
                monitoring_at: state.monitoringAt.map(time), resolved_at: state.resolvedAt.map(time), scheduled_for: nil,
                scheduled_until: nil, isMaintenance: false, components: state.affectedComponents.compactMap { components[$0] },
                incident_updates: updates.reversed())
        }

        static func maintenance(_ prepared: PreparedMaintenance, context: RenderContext, pageID: String, components: [String: APIComponent]) -> APIIncident {
            let state = prepared.state
            let m = state.maintenance
            let id = StableID.make("maintenance:" + state.id)
            let updates = prepared.updates.map { update -> Update in
                let at = time(update.event.at)
                return Update(
                    id: StableID.make("update:\(state.id)/\(update.event.fileName)"), status: update.status, body: update.text,
                    incident_id: id, created_at: at, updated_at: update.event.editedAt.map(time) ?? at, display_at: at, affected_components: nil)
            }
            return APIIncident(
                id: id, name: prepared.title, status: state.status.rawValue, impact: "maintenance",
                created_at: time(state.updates.first?.at ?? m.scheduledStart), updated_at: time(state.updatedAt),
                shortlink: context.absoluteURL("maintenance/\(state.id)/"), page_id: pageID,
                started_at: time(state.startedAt ?? m.scheduledStart), monitoring_at: nil, resolved_at: state.completedAt.map(time),
                scheduled_for: time(m.scheduledStart), scheduled_until: time(m.scheduledEnd), isMaintenance: true,
                components: m.components.compactMap { components[$0] }, incident_updates: updates.reversed())
        }
    }
}

/// Stable 12-character ids in Statuspage's alphabet (lowercase letters and digits), derived from a
/// record's own id so they never change between builds or machines: FNV-1a 64-bit, base 36.
public enum StableID {
    public static func make(_ key: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        let alphabet = Array("0123456789abcdefghijklmnopqrstuvwxyz")
        var out = ""
        var value = hash
        for _ in 0..<12 {
            out.append(alphabet[Int(value % 36)])
            value /= 36
        }
        return out
    }
}

/// Writes the API's objects as JSON, byte for byte as JSONEncoder does with `.sortedKeys` and
/// `.withoutEscapingSlashes`: keys in byte order, no spaces, `"` and `\` escaped, control
/// characters as `\b \t \n \f \r` or `\u00xx`, everything else (slashes, non-ASCII) as is; an
/// optional field the Encodable conformance writes with `encode` is `null` when absent, one the
/// synthesized conformance writes with `encodeIfPresent` is left out.
struct JSONBytes {
    typealias API = StatuspageAPIRenderer
    var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(4096) }

    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func string(_ value: String) {
        bytes.append(34)
        var value = value
        value.withUTF8 { utf8 in
            var start = 0
            for (index, byte) in utf8.enumerated() where byte < 32 || byte == 34 || byte == 92 {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
                start = index + 1
                switch byte {
                case 34: raw("\\\"")
                case 92: raw("\\\\")
                case 8: raw("\\b")
                case 9: raw("\\t")
                case 10: raw("\\n")
                case 12: raw("\\f")
                case 13: raw("\\r")
                default:
                    raw("\\u00")
                    let low = byte & 15
                    bytes.append(48 + (byte >> 4))  // 0 or 1
                    bytes.append(low < 10 ? 48 + low : 87 + low)
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
        }
        bytes.append(34)
    }

    mutating func optional(_ value: String?) {
        if let value { string(value) } else { raw("null") }
    }

    mutating func bool(_ value: Bool) { value ? raw("true") : raw("false") }

    mutating func int(_ value: Int) { bytes.append(contentsOf: String(value).utf8) }

    /// `"key":` (after a comma unless it is the object's first key).
    mutating func key(_ name: StaticString, first: Bool = false) {
        if !first { bytes.append(44) }
        bytes.append(34)
        raw(name)
        raw("\":")
    }

    mutating func array<T>(_ items: [T], _ write: (inout JSONBytes, T) -> Void) {
        bytes.append(91)
        for (index, item) in items.enumerated() {
            if index > 0 { bytes.append(44) }
            write(&self, item)
        }
        bytes.append(93)
    }

    mutating func envelope(_ e: API.Envelope) {
        bytes.append(123)
        var first = true
        if let components = e.components {
            key("components", first: first); first = false
            array(components) { $0.component($1) }
        }
        if let incidents = e.incidents {
            key("incidents", first: first); first = false
            array(incidents) { $0.incident($1) }
        }
        key("page", first: first)
        page(e.page)
        if let maintenances = e.scheduled_maintenances {
            key("scheduled_maintenances")
            array(maintenances) { $0.incident($1) }
        }
        if let status = e.status {
            key("status")
            bytes.append(123)
            key("description", first: true); string(status.description)
            key("indicator"); string(status.indicator)
            bytes.append(125)
        }
        bytes.append(125)
    }

    mutating func page(_ p: API.Page) {
        bytes.append(123)
        key("id", first: true); string(p.id)
        key("name"); string(p.name)
        key("time_zone"); string(p.time_zone)
        key("updated_at"); string(p.updated_at)
        key("url"); string(p.url)
        bytes.append(125)
    }

    mutating func component(_ c: API.APIComponent) {
        bytes.append(123)
        var first = true
        if let components = c.components {
            key("components", first: true); first = false
            array(components) { $0.string($1) }
        }
        key("created_at", first: first); string(c.created_at)
        key("description"); optional(c.description)
        key("group"); bool(c.group)
        key("group_id"); optional(c.group_id)
        key("id"); string(c.id)
        key("name"); string(c.name)
        key("only_show_if_degraded"); bool(c.only_show_if_degraded)
        key("page_id"); string(c.page_id)
        key("position"); int(c.position)
        key("showcase"); bool(c.showcase)
        key("start_date"); optional(c.start_date)
        key("status"); string(c.status)
        key("updated_at"); string(c.updated_at)
        bytes.append(125)
    }

    mutating func update(_ u: API.Update) {
        bytes.append(123)
        key("affected_components", first: true)
        if let affected = u.affected_components {
            array(affected) { json, a in
                json.bytes.append(123)
                json.key("code", first: true); json.string(a.code)
                json.key("name"); json.string(a.name)
                json.key("new_status"); json.string(a.new_status)
                json.key("old_status"); json.string(a.old_status)
                json.bytes.append(125)
            }
        } else {
            raw("null")
        }
        key("body"); string(u.body)
        key("created_at"); string(u.created_at)
        key("custom_tweet"); optional(u.custom_tweet)
        key("deliver_notifications"); bool(u.deliver_notifications)
        key("display_at"); string(u.display_at)
        key("id"); string(u.id)
        key("incident_id"); string(u.incident_id)
        key("status"); string(u.status)
        key("tweet_id"); optional(u.tweet_id)
        key("updated_at"); string(u.updated_at)
        bytes.append(125)
    }

    mutating func incident(_ i: API.APIIncident) {
        bytes.append(123)
        key("components", first: true); array(i.components) { $0.component($1) }
        key("created_at"); string(i.created_at)
        key("id"); string(i.id)
        key("impact"); string(i.impact)
        key("incident_updates"); array(i.incident_updates) { $0.update($1) }
        key("monitoring_at"); optional(i.monitoring_at)
        key("name"); string(i.name)
        key("page_id"); string(i.page_id)
        key("resolved_at"); optional(i.resolved_at)
        if i.isMaintenance {
            key("scheduled_for"); optional(i.scheduled_for)
            key("scheduled_until"); optional(i.scheduled_until)
        }
        key("shortlink"); string(i.shortlink)
        key("started_at"); string(i.started_at)
        key("status"); string(i.status)
        key("updated_at"); string(i.updated_at)
        bytes.append(125)
    }
}
