import Foundation

/// `history.atom` and `history.rss`: incidents and maintenance, newest first (by their last update),
/// each entry listing its updates with UTC time, state and message. Links are absolute under base_url.
package struct FeedRenderer: OutputRenderer {
    package static let maxEntries = 50

    package init() {}

    struct Entry {
        var id: String
        var title: String
        var link: String
        var published: Timestamp
        var updated: Timestamp
        var html: String
        var summary: String
    }

    package func render(_ context: RenderContext) -> [OutputFile] {
        let entries = Self.entries(context)
        return [
            OutputFile(path: "history.atom", text: atom(entries, context)),
            OutputFile(path: "history.rss", text: rss(entries, context))
        ]
    }

    static func entries(_ context: RenderContext) -> [Entry] {
        let host = URL(string: context.settings.baseURL)?.host ?? "status"
        func tag(_ date: Timestamp, _ path: String) -> String { "tag:\(host),\(date.date):\(path)" }
        func updatesHTML(_ updates: [PreparedUpdate], incident: Bool) -> String {
            updates.reversed().map { u in
                let label = HTMLRenderer.statusLabel(u.event, incident: incident) + (u.event.editedAt != nil ? " (edited)" : "")
                let note = u.event.severity.map { "<p>Impact changed to \($0.rawValue)</p>\n" } ?? ""
                return "<p><strong>\(XMLEscape.text(label))</strong> — <time datetime=\"\(u.event.at.rfc3339)\">\(u.event.at.display)</time></p>\n\(u.html)"
                    + (note.isEmpty ? "" : "\n" + note)
            }.joined(separator: "\n")
        }
        // Choose the newest entries by their sort key first; only those are written out, so the
        // feed's cost does not grow with the store's history.
        enum Record {
            case incident(Int)
            case maintenance(Int)
        }
        var keys: [(updated: Timestamp, id: String, record: Record)] = []
        keys.reserveCapacity(context.incidents.count + context.maintenances.count)
        for (index, prepared) in context.incidents.enumerated() {
            keys.append((prepared.state.updatedAt, tag(prepared.state.createdAt, "incident/\(prepared.id)"), .incident(index)))
        }
        for (index, prepared) in context.maintenances.enumerated() {
            let state = prepared.state
            keys.append((state.updatedAt, tag(state.updates.first?.at ?? state.maintenance.scheduledStart, "maintenance/\(state.id)"), .maintenance(index)))
        }
        keys.sort { ($0.updated, $0.id) > ($1.updated, $1.id) }
        var entries: [Entry] = []
        for key in keys.prefix(maxEntries) {
            switch key.record {
            case .incident(let index):
                let prepared = context.incidents[index]
                let state = prepared.state
                var title = prepared.title
                if state.incident.upstream { title += " (upstream provider)" }
                let head =
                    "<p>\(XMLEscape.text(state.severity.rawValue.capitalized)) impact · \(XMLEscape.text(state.status.label))\(prepared.componentNames.isEmpty ? "" : " · Affects " + XMLEscape.text(prepared.componentNames.joined(separator: ", ")))</p>\n"
                entries.append(
                    Entry(
                        id: key.id, title: title, link: context.absoluteURL("incidents/\(state.id)/"),
                        published: state.createdAt, updated: state.updatedAt,
                        html: head + updatesHTML(prepared.updates, incident: true),
                        summary: "\(prepared.updates.last.map { HTMLRenderer.statusLabel($0.event, incident: true) } ?? state.status.label): "
                            + (prepared.updates.last?.text ?? "")))
            case .maintenance(let index):
                let prepared = context.maintenances[index]
                let state = prepared.state
                let m = state.maintenance
                let head =
                    "<p>Scheduled maintenance · \(XMLEscape.text(state.cancelled ? "Cancelled" : state.status.label)) · <time datetime=\"\(m.scheduledStart.rfc3339)\">\(m.scheduledStart.display)</time> – <time datetime=\"\(m.scheduledEnd.rfc3339)\">\(m.scheduledEnd.display)</time></p>\n"
                entries.append(
                    Entry(
                        id: key.id, title: "Maintenance: " + prepared.title,
                        link: context.absoluteURL("maintenance/\(state.id)/"), published: state.updates.first?.at ?? m.scheduledStart,
                        updated: state.updatedAt, html: head + prepared.summaryHTML + updatesHTML(prepared.updates, incident: false),
                        summary: "\(state.cancelled ? "Cancelled" : state.status.label): \(m.scheduledStart.display) – \(m.scheduledEnd.display)"))
            }
        }
        return entries
    }

    func atom(_ entries: [Entry], _ context: RenderContext) -> String {
        let s = context.settings
        let updated = entries.first?.updated ?? context.now
        var xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
            <id>\(XMLEscape.text(s.baseURL))</id>
            <title>\(XMLEscape.text(s.title)): incident history</title>
            <updated>\(updated.rfc3339)</updated>
            <link rel="alternate" type="text/html" href="\(XMLEscape.text(s.baseURL))"/>
            <link rel="self" type="application/atom+xml" href="\(XMLEscape.text(context.absoluteURL("history.atom")))"/>
            <author><name>\(XMLEscape.text(s.title))</name></author>
            <generator>Herald</generator>

            """
        for e in entries {
            xml += """
                <entry>
                <id>\(XMLEscape.text(e.id))</id>
                <title>\(XMLEscape.text(e.title))</title>
                <link rel="alternate" type="text/html" href="\(XMLEscape.text(e.link))"/>
                <published>\(e.published.rfc3339)</published>
                <updated>\(e.updated.rfc3339)</updated>
                <summary>\(XMLEscape.text(e.summary))</summary>
                <content type="html">\(XMLEscape.text(e.html))</content>
                </entry>

                """
        }
        return xml + "</feed>\n"
    }

    func rss(_ entries: [Entry], _ context: RenderContext) -> String {
        let s = context.settings
        let updated = entries.first?.updated ?? context.now
        var xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
            <channel>
            <title>\(XMLEscape.text(s.title)): incident history</title>
            <link>\(XMLEscape.text(s.baseURL))</link>
            <description>Incidents and maintenance of \(XMLEscape.text(s.title)), newest first. All times UTC.</description>
            <language>en</language>
            <lastBuildDate>\(updated.rfc822)</lastBuildDate>
            <atom:link href="\(XMLEscape.text(context.absoluteURL("history.rss")))" rel="self" type="application/rss+xml"/>
            <generator>Herald</generator>

            """
        for e in entries {
            xml += """
                <item>
                <title>\(XMLEscape.text(e.title))</title>
                <link>\(XMLEscape.text(e.link))</link>
                <guid isPermaLink="false">\(XMLEscape.text(e.id))</guid>
                <pubDate>\(e.updated.rfc822)</pubDate>
                <description>\(XMLEscape.text(e.html))</description>
                </item>

                """
        }
        return xml + "</channel>\n</rss>\n"
    }
}

/// Escaping for XML text and attributes; drops characters XML 1.0 cannot hold (controls other than
/// tab, newline and carriage return; U+FFFE and U+FFFF). Byte by byte: the feeds' entries hold
/// rendered HTML, full of `<` and `"`, and walking their Unicode scalars cost 4 % of a rebuild's
/// instructions at 10,000 incidents.
enum XMLEscape {
    static func text(_ value: String) -> String {
        var copy = value
        return copy.withUTF8 { bytes -> String in
            // Most values need nothing: returned as they are.
            guard let first = bytes.firstIndex(where: { $0 < 0x20 || $0 == 38 || $0 == 60 || $0 == 62 || $0 == 34 || $0 == 39 || $0 == 0xEF })
            else { return value }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + bytes.count / 8 + 16)
            out.append(contentsOf: bytes[..<first])
            var i = first
            while i < bytes.count {
                let b = bytes[i]
                switch b {
                case 38: out.append(contentsOf: "&amp;".utf8)
                case 60: out.append(contentsOf: "&lt;".utf8)
                case 62: out.append(contentsOf: "&gt;".utf8)
                case 34: out.append(contentsOf: "&quot;".utf8)
                case 39: out.append(contentsOf: "&apos;".utf8)
                case 9, 10, 13: out.append(b)
                case 0..<0x20: break  // not allowed in XML 1.0
                case 0xEF where i + 2 < bytes.count && bytes[i + 1] == 0xBF && bytes[i + 2] >= 0xBE:
                    i += 3  // U+FFFE or U+FFFF (EF BF BE, EF BF BF): not allowed either
                    continue
                default: out.append(b)
                }
                i += 1
            }
            return String(decoding: out, as: UTF8.self)
        }
    }
}
