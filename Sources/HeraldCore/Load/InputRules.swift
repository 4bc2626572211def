import Foundation

/// Rules for values that leave Herald as links or lines (docs/security.md, "Content,
/// configuration and serve"): every URL, e-mail address and line-based value read from content/
/// is checked here, so a record cannot carry a script into a page or a line into robots.txt or
/// maintenance.ics.
package enum InputRules {
    /// The largest file Herald reads from content/ (an event, a record's main file, a postmortem,
    /// site.yml, people.yml): 1 MiB. A status update is a few hundred bytes and a long postmortem a
    /// few dozen kilobytes; a bigger file is refused before it is read, which bounds the memory a
    /// build needs.
    package static let maxFileSize = 1 << 20

    /// "1 MiB", for messages.
    package static var maxFileSizeText: String { "\(maxFileSize >> 20) MiB" }

    /// Why `link` cannot be a link in a page, or nil when it can: an absolute `http`, `https` or
    /// `mailto` URL, or a reference without a scheme (`/about/`, `#top`, `notes.html`). Everything
    /// else — `javascript:`, `vbscript:`, `data:`, `file:` and any other scheme, control
    /// characters, spaces, line breaks — is refused (Markdown links drop the dangerous schemes as
    /// libcmark's safe mode does; a field has no text to fall back on, so it is an error).
    package static func linkProblem(_ link: String) -> String? {
        if link.isEmpty { return "is empty" }
        if let bad = link.unicodeScalars.first(where: { !isURLScalar($0) }) {
            return "holds \(describe(bad)) (expected a URL without spaces, quotes or control characters)"
        }
        guard let scheme = scheme(of: link) else { return nil }
        guard ["http", "https", "mailto"].contains(scheme) else {
            return "uses the scheme '\(scheme):' (expected http:, https: or mailto:)"
        }
        if scheme != "mailto" {
            let rest = link.dropFirst(scheme.count + 1)
            guard rest.hasPrefix("//"), rest.dropFirst(2).first.map({ $0 != "/" }) == true else {
                return "is not an absolute \(scheme) URL (expected \(scheme)://host/…)"
            }
        }
        return nil
    }

    /// Why `url` cannot be the site's base URL, or nil: an absolute `http`/`https` URL with a host,
    /// without a query or fragment, and only URL characters (no line break can reach robots.txt,
    /// the sitemap, feeds or maintenance.ics).
    package static func baseURLProblem(_ url: String) -> String? {
        if let bad = url.unicodeScalars.first(where: { !isURLScalar($0) }) {
            return "holds \(describe(bad))"
        }
        guard let scheme = scheme(of: url), scheme == "http" || scheme == "https" else { return "is not an http(s) URL" }
        guard let parsed = URL(string: url), let host = parsed.host, !host.isEmpty else { return "has no host" }
        if url.contains("?") || url.contains("#") { return "has a query or fragment" }
        if url.contains("@") { return "holds a user name ('@')" }
        return nil
    }

    /// Why `address` cannot be the public support address (used in `mailto:` links and in update
    /// texts), or nil: `local@domain.tld`, ASCII letters, digits and `. _ + -` only.
    package static func emailProblem(_ address: String) -> String? {
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return "is not an e-mail address" }
        let local = parts[0].utf8
        let domain = parts[1].utf8
        func isAlphanumeric(_ b: UInt8) -> Bool { (b >= 97 && b <= 122) || (b >= 65 && b <= 90) || (b >= 48 && b <= 57) }
        guard local.allSatisfy({ isAlphanumeric($0) || $0 == 46 || $0 == 95 || $0 == 43 || $0 == 45 }),
            local.first != 46, local.last != 46
        else { return "has characters an address cannot hold before '@' (expected letters, digits, '.', '_', '+', '-')" }
        let labels = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, domain.count <= 253,
            labels.allSatisfy({ !$0.isEmpty && $0.count <= 63 && $0.utf8.allSatisfy { isAlphanumeric($0) || $0 == 45 } && $0.first != "-" && $0.last != "-" })
        else { return "has no valid domain (expected e.g. support@example.com)" }
        return nil
    }

    /// The lowercased scheme of a URL (`javascript` for ` JavaScript:…`), or nil when it has none:
    /// a scheme is letters, digits, `+`, `-`, `.` before the first `:` that comes before any
    /// `/`, `?` or `#` (RFC 3986 §3.1).
    static func scheme(of url: String) -> String? {
        var scheme = ""
        for scalar in url.unicodeScalars {
            switch scalar {
            case ":": return scheme.isEmpty ? nil : scheme.lowercased()
            case "/", "?", "#": return nil
            default:
                let v = scalar.value
                let allowed = (v >= 97 && v <= 122) || (v >= 65 && v <= 90) || (v >= 48 && v <= 57) || v == 43 || v == 45 || v == 46
                guard allowed else { return nil }
                scheme.unicodeScalars.append(scalar)
            }
        }
        return nil
    }

    /// A character a URL may hold as it is written: printable, not a space or quote, not `<>\^`{|}`
    /// and no control or invisible character (non-ASCII letters are allowed: IRIs).
    static func isURLScalar(_ s: Unicode.Scalar) -> Bool {
        if s.value < 0x21 || s.value == 0x7F || (0x80...0x9F).contains(s.value) { return false }
        if "\"'<>\\^`{|} ".unicodeScalars.contains(s) { return false }
        if s.value >= 0x80 {
            switch s.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator, .spaceSeparator, .surrogate, .privateUse, .unassigned: return false
            default: return true
            }
        }
        return true
    }

    /// `'value'` for an error message, with line breaks, controls and invisible characters shown
    /// as `\u{…}` so a message stays one line and cannot drive the terminal; long values cut.
    package static func quoted(_ value: String) -> String {
        var out = ""
        var count = 0
        for scalar in value.unicodeScalars {
            count += 1
            if count > 120 {
                out += "…"
                break
            }
            if isURLScalar(scalar) || (scalar.value >= 0x20 && scalar.value < 0x7F) {
                out.unicodeScalars.append(scalar)
            } else {
                out += String(format: "\\u{%04X}", scalar.value)
            }
        }
        return "'" + out + "'"
    }

    static func describe(_ s: Unicode.Scalar) -> String {
        switch s {
        case "\n": return "a line break"
        case "\r": return "a carriage return"
        case "\t": return "a tab"
        case " ": return "a space"
        default:
            if s.value < 0x21 || s.value == 0x7F || s.value >= 0x80 { return String(format: "the character U+%04X", s.value) }
            return "'\(s)'"
        }
    }

    // MARK: - Git conflict markers

    /// The 1-based line of the first git conflict marker in `text` (`<<<<<<< `, `>>>>>>> ` at the
    /// start of a line, or `=======` / `|||||||` between them), with the marker; nil when there is
    /// none. One pass over the bytes, looking only at the start of each line.
    package static func conflictMarker(in text: String) -> (line: Int, marker: String)? {
        var text = text
        return text.withUTF8 { conflictMarker(in: $0) }
    }

    static func conflictMarker(in b: UnsafeBufferPointer<UInt8>) -> (line: Int, marker: String)? {
        var line = 1
        var opened = false
        var i = 0
        let n = b.count
        while i < n {
            // At the start of a line.
            let c = b[i]
            if c == 60 || c == 62 || c == 61 || c == 124, i + 7 <= n {
                var same = 1
                while same < 7, b[i + same] == c { same += 1 }
                let after = i + 7 < n ? b[i + 7] : 10
                if same == 7, after == 32 || after == 10 || after == 13 || (c != 60 && c != 62 && after == 9) {
                    switch c {
                    case 60:
                        return (line, "<<<<<<<")
                    case 62:
                        return (line, ">>>>>>>")
                    default:
                        // `=======` alone is also a Markdown heading underline: only a marker after `<<<<<<<`.
                        if opened { return (line, c == 61 ? "=======" : "|||||||") }
                    }
                }
                if c == 60 && same == 7 { opened = true }
            }
            // To the next line.
            while i < n, b[i] != 10 { i += 1 }
            i += 1
            line += 1
        }
        return nil
    }

    /// The problem to report for a conflict marker.
    static func conflictMessage(_ marker: String) -> String {
        "unresolved git merge conflict: a '\(marker)' line (resolve the conflict and remove the markers <<<<<<<, ======= and >>>>>>>)"
    }

    // MARK: - Time ranges

    /// The earliest time Herald accepts: 1970-01-01T00:00:00Z.
    package static let earliest = Timestamp(seconds: 0)
    /// The latest time Herald accepts: 9999-12-31T23:59:59Z.
    package static let latest = Timestamp(seconds: 253_402_300_799)
    /// The longest duration Herald accepts (`stale_after`, `--now +…`): 100 years.
    package static let maxDuration: Int64 = 100 * 366 * 86_400

    /// Why `time` is outside the years Herald handles (1970–9999), or nil.
    package static func timeRangeProblem(_ time: Timestamp) -> String? {
        time < earliest || time > latest ? "is outside the years Herald accepts (expected a time from 1970-01-01 to 9999-12-31)" : nil
    }

    // MARK: - Terminal output

    /// `text` without what a terminal would act on: C0 and C1 control characters (escape
    /// sequences start with one) and DEL become U+FFFD; tabs and line breaks stay when `lines`.
    package static func terminalSafe(_ text: String, lines: Bool = true) -> String {
        guard text.unicodeScalars.contains(where: { isTerminalControl($0, lines: lines) }) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            out.append(isTerminalControl(scalar, lines: lines) ? "\u{FFFD}" : scalar)
        }
        return String(out)
    }

    static func isTerminalControl(_ s: Unicode.Scalar, lines: Bool) -> Bool {
        if lines && (s == "\n" || s == "\t") { return false }
        return s.value < 0x20 || s.value == 0x7F || (0x80...0x9F).contains(s.value)
    }
}
