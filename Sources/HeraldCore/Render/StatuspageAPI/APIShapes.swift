import Foundation

extension StatuspageAPIRenderer {
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
            case id, name, status, created_at, updated_at, position, description, showcase, start_date, group_id, page_id, group, only_show_if_degraded,
                components
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
            case id, name, status, impact, created_at, updated_at, shortlink, page_id, started_at, monitoring_at, resolved_at, scheduled_for, scheduled_until,
                components, incident_updates
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
}
