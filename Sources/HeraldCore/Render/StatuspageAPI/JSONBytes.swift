import Foundation

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
            key("components", first: first)
            first = false
            array(components) { $0.component($1) }
        }
        if let incidents = e.incidents {
            key("incidents", first: first)
            first = false
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
            key("description", first: true)
            string(status.description)
            key("indicator")
            string(status.indicator)
            bytes.append(125)
        }
        bytes.append(125)
    }

    mutating func page(_ p: API.Page) {
        bytes.append(123)
        key("id", first: true)
        string(p.id)
        key("name")
        string(p.name)
        key("time_zone")
        string(p.time_zone)
        key("updated_at")
        string(p.updated_at)
        key("url")
        string(p.url)
        bytes.append(125)
    }

    mutating func component(_ c: API.APIComponent) {
        bytes.append(123)
        var first = true
        if let components = c.components {
            key("components", first: true)
            first = false
            array(components) { $0.string($1) }
        }
        key("created_at", first: first)
        string(c.created_at)
        key("description")
        optional(c.description)
        key("group")
        bool(c.group)
        key("group_id")
        optional(c.group_id)
        key("id")
        string(c.id)
        key("name")
        string(c.name)
        key("only_show_if_degraded")
        bool(c.only_show_if_degraded)
        key("page_id")
        string(c.page_id)
        key("position")
        int(c.position)
        key("showcase")
        bool(c.showcase)
        key("start_date")
        optional(c.start_date)
        key("status")
        string(c.status)
        key("updated_at")
        string(c.updated_at)
        bytes.append(125)
    }

    mutating func update(_ u: API.Update) {
        bytes.append(123)
        key("affected_components", first: true)
        if let affected = u.affected_components {
            array(affected) { json, a in
                json.bytes.append(123)
                json.key("code", first: true)
                json.string(a.code)
                json.key("name")
                json.string(a.name)
                json.key("new_status")
                json.string(a.new_status)
                json.key("old_status")
                json.string(a.old_status)
                json.bytes.append(125)
            }
        } else {
            raw("null")
        }
        key("body")
        string(u.body)
        key("created_at")
        string(u.created_at)
        key("custom_tweet")
        optional(u.custom_tweet)
        key("deliver_notifications")
        bool(u.deliver_notifications)
        key("display_at")
        string(u.display_at)
        key("id")
        string(u.id)
        key("incident_id")
        string(u.incident_id)
        key("status")
        string(u.status)
        key("tweet_id")
        optional(u.tweet_id)
        key("updated_at")
        string(u.updated_at)
        bytes.append(125)
    }

    mutating func incident(_ i: API.APIIncident) {
        bytes.append(123)
        key("components", first: true)
        array(i.components) { $0.component($1) }
        key("created_at")
        string(i.created_at)
        key("id")
        string(i.id)
        key("impact")
        string(i.impact)
        key("incident_updates")
        array(i.incident_updates) { $0.update($1) }
        key("monitoring_at")
        optional(i.monitoring_at)
        key("name")
        string(i.name)
        key("page_id")
        string(i.page_id)
        key("resolved_at")
        optional(i.resolved_at)
        if i.isMaintenance {
            key("scheduled_for")
            optional(i.scheduled_for)
            key("scheduled_until")
            optional(i.scheduled_until)
        }
        key("shortlink")
        string(i.shortlink)
        key("started_at")
        string(i.started_at)
        key("status")
        string(i.status)
        key("updated_at")
        string(i.updated_at)
        bytes.append(125)
    }
}
