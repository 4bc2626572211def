import Foundation

/// `maintenance.ics`: every maintenance as an RFC 5545 VEVENT, so teams can subscribe to windows.
///
/// UID is stable (`<id>@<host>`); DTSTAMP is the maintenance's last update, so the file only changes
/// when the maintenance does. STATUS is CONFIRMED for every announced window (Herald records no
/// cancellations; a cancelled window is deleted or edited).
package struct CalendarRenderer: OutputRenderer {
    package init() {}

    package func render(_ context: RenderContext) -> [OutputFile] {
        let host = URL(string: context.settings.baseURL)?.host ?? "status"
        var lines = [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Herald//Status page//EN", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
            "X-WR-CALNAME:" + Self.escape("\(context.settings.title): maintenance")
        ]
        for prepared in context.maintenances.sorted(by: { ($0.state.maintenance.scheduledStart, $0.id) < ($1.state.maintenance.scheduledStart, $1.id) }) {
            let state = prepared.state
            let m = state.maintenance
            var description = "Status: \(state.cancelled ? "Cancelled" : state.status.label)."
            if !prepared.componentNames.isEmpty { description += " Affects: \(prepared.componentNames.joined(separator: ", "))." }
            if let latest = prepared.updates.last { description += "\n\n" + latest.text }
            lines += [
                "BEGIN:VEVENT",
                "UID:\(state.id)@\(host)",
                "DTSTAMP:\(state.updatedAt.basic)",
                "DTSTART:\(m.scheduledStart.basic)",
                "DTEND:\(m.scheduledEnd.basic)",
                "SUMMARY:" + Self.escape(prepared.title),
                "DESCRIPTION:" + Self.escape(description),
                "URL:" + context.absoluteURL("maintenance/\(state.id)/"),
                state.cancelled ? "STATUS:CANCELLED" : "STATUS:CONFIRMED",
                "TRANSP:OPAQUE",
                "END:VEVENT"
            ]
        }
        lines.append("END:VCALENDAR")
        return [OutputFile(path: "maintenance.ics", text: lines.map(Self.fold).joined(separator: "\r\n") + "\r\n")]
    }

    /// TEXT escaping (RFC 5545 §3.3.11).
    static func escape(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\n", "\r\n": out += "\\n"
            case "\r": break
            default: out.append(c)
            }
        }
        return out
    }

    /// Folds a content line at 75 octets without splitting a UTF-8 sequence (RFC 5545 §3.1).
    static func fold(_ line: String) -> String {
        var out = ""
        var count = 0
        for scalar in line.unicodeScalars {
            let size = String(scalar).utf8.count
            if count + size > 75 {
                out += "\r\n "
                count = 1
            }
            out.unicodeScalars.append(scalar)
            count += size
        }
        return out
    }
}
