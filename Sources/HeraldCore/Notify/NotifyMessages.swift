import Foundation

/// What is sent to one channel for one event: the bytes, and the texts that went into them (which
/// the leak scanner reads as well as the bytes, since an encoding can split a name).
package struct NotifyPayload: Sendable {
    package var bytes: [UInt8]
    package var contentType: String
    var texts: [String]
}

/// The message of each kind of channel (docs/notify.md shows them).
enum NotifyMessages {
    static func payload(_ event: NotifyEvent, channel: NotifyChannel, site: SiteSettings, overall: OverallStatus, now: Timestamp) -> NotifyPayload {
        let texts = [event.title, event.text, event.html, affectedLine(event) ?? ""]
        switch channel.kind {
        case .slack: return NotifyPayload(bytes: slack(event, site: site).bytes, contentType: "application/json", texts: texts)
        case .discord: return NotifyPayload(bytes: discord(event, site: site).bytes, contentType: "application/json", texts: texts)
        case .teams: return NotifyPayload(bytes: teams(event, site: site).bytes, contentType: "application/json", texts: texts)
        case .webhook: return NotifyPayload(bytes: webhook(event, site: site, overall: overall, now: now).bytes, contentType: "application/json", texts: texts)
        case .email:
            let mail = channel.mail!
            return NotifyPayload(
                bytes: MailMessage.make(event, mail: mail, site: site, channel: channel.name, now: now), contentType: "message/rfc822", texts: texts)
        }
    }

    /// `Identified · 2026-11-22 14:05 UTC`
    static func statusLine(_ event: NotifyEvent) -> String {
        var line = "\(event.statusLabel) · \(event.at.display)"
        if let window = event.window {
            let end = window.start.date == window.end.date ? window.end.displayTime : window.end.display
            line += " · window \(window.start.display) – \(end)"
        }
        return line
    }

    /// `Affected: API (partial outage), Search (major outage)`
    static func affectedLine(_ event: NotifyEvent) -> String? {
        guard event.kind != .component, !event.componentStatus.isEmpty else { return nil }
        let label = event.kind == .maintenance ? "Components" : "Affected"
        return label + ": " + event.componentStatus.map { "\($0.name) (\($0.status.label.lowercased()))" }.joined(separator: ", ")
    }

    /// At most `limit` characters, cut with an ellipsis.
    static func cut(_ text: String, _ limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }

    /// The whole message as plain text (e-mail, fallbacks).
    static func plain(_ event: NotifyEvent, site: SiteSettings) -> String {
        var lines = [event.title, statusLine(event), "", event.text.trimmingCharacters(in: .whitespacesAndNewlines)]
        if let affected = affectedLine(event) { lines += ["", affected] }
        lines += ["", "Details: " + event.link]
        return lines.joined(separator: "\n")
    }

    // MARK: - Slack (incoming webhook, Block Kit)

    /// Slack's mrkdwn needs `&`, `<` and `>` escaped (which also keeps `<!channel>` out).
    static func mrkdwn(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    /// Within Block Kit's limits: a header of at most 150 characters, section texts of at most 3,000,
    /// context elements of at most 2,000, four blocks of the 50 allowed.
    static func slack(_ event: NotifyEvent, site: SiteSettings) -> JSONValue {
        let message = event.text.trimmingCharacters(in: .whitespacesAndNewlines)
        let heading = "*\(mrkdwn(event.statusLabel))* · \(mrkdwn(event.at.display))"
        var blocks: [JSONValue] = [
            .object([
                ("type", .string("header")),
                ("text", .object([("type", .string("plain_text")), ("text", .string(cut(event.title, 150))), ("emoji", .bool(false))]))
            ]),
            .object([
                ("type", .string("section")), ("text", .object([("type", .string("mrkdwn")), ("text", .string(cut(heading + "\n" + mrkdwn(message), 3000)))]))
            ])
        ]
        var context: [String] = []
        if let window = event.window { context.append("Window: \(window.start.display) – \(window.end.display)") }
        if let affected = affectedLine(event) { context.append(affected) }
        if !context.isEmpty {
            blocks.append(
                .object([
                    ("type", .string("context")),
                    ("elements", .array(context.map { .object([("type", .string("mrkdwn")), ("text", .string(cut(mrkdwn($0), 2000)))]) }))
                ]))
        }
        let link = event.link.replacingOccurrences(of: "|", with: "%7C").replacingOccurrences(of: ">", with: "%3E")
        blocks.append(
            .object([
                ("type", .string("section")),
                ("text", .object([("type", .string("mrkdwn")), ("text", .string("<\(link)|View on \(cut(mrkdwn(site.title), 200))>"))]))
            ]))
        let fallback = cut("\(event.title) — \(event.statusLabel): \(message)", 3000)
        return .object([("text", .string(mrkdwn(fallback))), ("blocks", .array(blocks)), ("unfurl_links", .bool(false)), ("unfurl_media", .bool(false))])
    }

    // MARK: - Discord (channel webhook, one embed)

    /// Colours by what happened: red outage, orange degraded, blue maintenance, green resolved.
    static func colour(_ event: NotifyEvent) -> Int {
        switch event.status {
        case "resolved", "completed", "operational": return 0x2E7D32
        case "scheduled", "in_progress", "verifying", "under_maintenance": return 0x1565C0
        case "degraded_performance": return 0xF9A825
        default: return event.componentStatus.contains { $0.status == .majorOutage } ? 0xC62828 : 0xEF6C00
        }
    }

    /// An embed within Discord's limits (title 256, description 4,096, field values 1,024, footer
    /// 2,048, 6,000 in all); mentions are switched off, so no text can ping @everyone.
    static func discord(_ event: NotifyEvent, site: SiteSettings) -> JSONValue {
        var fields: [JSONValue] = [.object([("name", .string("Status")), ("value", .string(cut(event.statusLabel, 1024))), ("inline", .bool(true))])]
        if let window = event.window {
            fields.append(
                .object([("name", .string("Window")), ("value", .string("\(window.start.display) – \(window.end.display)")), ("inline", .bool(true))]))
        }
        if let affected = affectedLine(event) {
            let parts = affected.split(separator: ":", maxSplits: 1)
            fields.append(
                .object([
                    ("name", .string(String(parts[0]))), ("value", .string(cut(parts[1].trimmingCharacters(in: .whitespaces), 1024))), ("inline", .bool(false))
                ]))
        }
        let embed = JSONValue.object([
            ("title", .string(cut(event.title, 256))), ("url", .string(event.link)),
            ("description", .string(cut(event.text.trimmingCharacters(in: .whitespacesAndNewlines), 3000))),
            ("color", .number(colour(event))), ("timestamp", .string(event.at.rfc3339)), ("fields", .array(fields)),
            ("footer", .object([("text", .string(cut(site.title, 200)))]))
        ])
        return .object([("content", .string("")), ("embeds", .array([embed])), ("allowed_mentions", .object([("parse", .array([]))]))])
    }

    // MARK: - Microsoft Teams (Workflows webhook, Adaptive Card)

    static func teams(_ event: NotifyEvent, site: SiteSettings) -> JSONValue {
        var body: [JSONValue] = [
            .object([
                ("type", .string("TextBlock")), ("text", .string(event.title)), ("weight", .string("Bolder")), ("size", .string("Medium")),
                ("wrap", .bool(true))
            ]),
            .object([
                ("type", .string("TextBlock")), ("text", .string(statusLine(event))), ("isSubtle", .bool(true)), ("spacing", .string("None")),
                ("wrap", .bool(true))
            ]),
            .object([("type", .string("TextBlock")), ("text", .string(event.text.trimmingCharacters(in: .whitespacesAndNewlines))), ("wrap", .bool(true))])
        ]
        if let affected = affectedLine(event) {
            let parts = affected.split(separator: ":", maxSplits: 1)
            body.append(
                .object([
                    ("type", .string("FactSet")),
                    ("facts", .array([.object([("title", .string(String(parts[0]))), ("value", .string(parts[1].trimmingCharacters(in: .whitespaces)))])]))
                ]))
        }
        let card = JSONValue.object([
            ("$schema", .string("http://adaptivecards.io/schemas/adaptive-card.json")), ("type", .string("AdaptiveCard")), ("version", .string("1.4")),
            ("body", .array(body)),
            ("actions", .array([.object([("type", .string("Action.OpenUrl")), ("title", .string("View on \(site.title)")), ("url", .string(event.link))])]))
        ])
        return .object([
            ("type", .string("message")),
            ("attachments", .array([.object([("contentType", .string("application/vnd.microsoft.card.adaptive")), ("contentUrl", .null), ("content", card)])]))
        ])
    }

    // MARK: - Generic webhook (Statuspage's payload)

    static func webhook(_ event: NotifyEvent, site: SiteSettings, overall: OverallStatus, now: Timestamp) -> JSONValue {
        let meta = JSONValue.object([
            ("unsubscribe", .string(site.baseURL)),
            ("documentation", .string("https://support.atlassian.com/statuspage/docs/enable-webhook-notifications/")),
            ("generated_at", .string(NotifyFeed.time(now)))
        ])
        let page = JSONValue.object([
            ("id", .string(StableID.make("page:" + site.baseURL))), ("status_indicator", .string(overall.indicator)),
            ("status_description", .string(overall.description))
        ])
        if let update = event.componentUpdate {
            return .object([("meta", meta), ("page", page), ("component_update", update), ("component", event.statuspage)])
        }
        return .object([("meta", meta), ("page", page), ("incident", event.statuspage)])
    }
}

/// An e-mail: multipart/alternative with text/plain and text/html, UTF-8 in quoted-printable,
/// the subject as RFC 2047 encoded words when it is not plain ASCII, CRLF line ends.
enum MailMessage {
    static func make(_ event: NotifyEvent, mail: NotifyChannel.MailSettings, site: SiteSettings, channel: String, now: Timestamp) -> [UInt8] {
        let domain = mail.from.split(separator: "@").last.map(String.init) ?? "localhost"
        let unique = StableID.make("mail:\(channel):\(event.key)")
        let boundary = "herald-" + unique + "-" + StableID.make("boundary:" + unique)
        let subject = "[\(site.title)] \(event.statusLabel): \(event.title)"
        var headers = [
            "From: " + mailbox(site.title, mail.from),
            "To: " + mail.to.joined(separator: ", "),
            "Subject: " + encodedHeader(subject, used: 9),
            "Date: " + now.rfc822,
            // The same event to the same channel always has the same Message-ID: a message sent
            // twice (a crash between sending and recording) is one message to most mail readers.
            "Message-ID: <\(unique).\(StableID.make(event.key))@\(domain)>",
            "MIME-Version: 1.0",
            "Auto-Submitted: auto-generated",
            "Content-Type: multipart/alternative;\r\n boundary=\"\(boundary)\""
        ]
        headers.append("")
        var text = headers.joined(separator: "\r\n") + "\r\n"
        text += "--\(boundary)\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        text += quotedPrintable(NotifyMessages.plain(event, site: site)) + "\r\n"
        text += "--\(boundary)\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        text += quotedPrintable(html(event, site: site)) + "\r\n"
        text += "--\(boundary)--\r\n"
        return Array(text.utf8)
    }

    static func html(_ event: NotifyEvent, site: SiteSettings) -> String {
        var out =
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>\(FastHTMLContentType.escape(event.title))</title></head>\n<body>\n"
        out += "<h1>\(FastHTMLContentType.escape(event.title))</h1>\n"
        out +=
            "<p><strong>\(FastHTMLContentType.escape(event.statusLabel))</strong> · \(FastHTMLContentType.escape(NotifyMessages.statusLine(event).components(separatedBy: " · ").dropFirst().joined(separator: " · ")))</p>\n"
        out += event.html
        if !event.componentStatus.isEmpty, event.kind != .component {
            out += "<p>\(event.kind == .maintenance ? "Components" : "Affected"):</p>\n<ul>\n"
            for entry in event.componentStatus {
                out += "<li>\(FastHTMLContentType.escape(entry.name)): \(FastHTMLContentType.escape(entry.status.label))</li>\n"
            }
            out += "</ul>\n"
        }
        out += "<p><a href=\"\(FastHTMLContentType.escape(event.link))\">View on \(FastHTMLContentType.escape(site.title))</a></p>\n</body>\n</html>"
        return out
    }

    /// `Display Name <address>`: the name quoted, or encoded when not ASCII.
    static func mailbox(_ name: String, _ address: String) -> String {
        let clean = name.unicodeScalars.filter { $0.value >= 32 && $0.value != 127 }.map(String.init).joined()
        if clean.unicodeScalars.allSatisfy({ $0.isASCII }) {
            let quoted = clean.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return "\"\(quoted)\" <\(address)>"
        }
        return encodedWords(clean) + "\r\n <\(address)>"
    }

    /// A header value: as it is when short printable ASCII, else RFC 2047 encoded words, folded.
    static func encodedHeader(_ value: String, used: Int) -> String {
        let flat = value.unicodeScalars.map { $0.value < 32 || $0.value == 127 ? " " : String($0) }.joined()
        if flat.unicodeScalars.allSatisfy({ $0.isASCII }), flat.utf8.count + used <= 78, !flat.contains("=?") { return flat }
        return encodedWords(flat)
    }

    /// `=?UTF-8?B?…?=` words of at most 75 characters, split between characters, joined by folding.
    static func encodedWords(_ text: String) -> String {
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            // 39 bytes are 52 in base64: a word of 64 characters, a header line within 78.
            if chunk.count + bytes.count > 39, !chunk.isEmpty {
                words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty || words.isEmpty { words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=") }
        return words.joined(separator: "\r\n ")
    }

    /// Quoted-printable (RFC 2045): lines of at most 76 characters, CRLF line ends.
    static func quotedPrintable(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() {
            if index > 0 { out += [13, 10] }
            var length = 0
            let bytes = Array(line.utf8)
            for (i, byte) in bytes.enumerated() {
                let last = i == bytes.count - 1
                var encoded: [UInt8]
                if (byte >= 33 && byte <= 126 && byte != 61) || ((byte == 32 || byte == 9) && !last) {
                    encoded = [byte]
                } else {
                    encoded = [61, hex[Int(byte >> 4)], hex[Int(byte & 15)]]
                }
                // A soft break keeps every line at 76 characters or fewer (75 plus the '=').
                if length + encoded.count > (last ? 76 : 75) {
                    out += [61, 13, 10]
                    length = 0
                }
                out += encoded
                length += encoded.count
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
