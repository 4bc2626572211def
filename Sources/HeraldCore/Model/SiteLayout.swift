import Foundation

/// Where a site's folders are. Paths in diagnostics are relative to `root`.
package struct SiteLayout: Sendable {
    package var root: URL

    package init(root: URL) { self.root = root.standardizedFileURL }

    package var content: URL { root.appendingPathComponent("content", isDirectory: true) }
    package var templates: URL { root.appendingPathComponent("templates", isDirectory: true) }
    package var defaultOutput: URL { root.appendingPathComponent("public", isDirectory: true) }
    package var siteFile: URL { content.appendingPathComponent("site.yml") }
    package var peopleFile: URL { content.appendingPathComponent("people.yml") }
    package var incidents: URL { content.appendingPathComponent("incidents", isDirectory: true) }
    package var maintenance: URL { content.appendingPathComponent("maintenance", isDirectory: true) }
    package var postmortems: URL { content.appendingPathComponent("postmortems", isDirectory: true) }

    package func incidentFolder(_ id: String) -> URL { incidents.appendingPathComponent(id, isDirectory: true) }
    package func maintenanceFolder(_ id: String) -> URL { maintenance.appendingPathComponent(id, isDirectory: true) }

    /// `content/incidents/x/y.md` for a URL inside the site.
    package func relativePath(_ url: URL) -> String {
        let full = url.standardizedFileURL.path
        let base = root.path.hasSuffix("/") ? root.path : root.path + "/"
        return full.hasPrefix(base) ? String(full.dropFirst(base.count)) : full
    }

    /// The nearest folder at or above `start` that holds `content/site.yml`.
    package static func find(from start: URL) -> SiteLayout? {
        var current = start.standardizedFileURL
        while true {
            let candidate = current.appendingPathComponent("content/site.yml")
            if FileManager.default.fileExists(atPath: candidate.path) { return SiteLayout(root: current) }
            let parent = current.deletingLastPathComponent()
            if parent.path == current.path { return nil }
            current = parent
        }
    }
}

/// Record ids: `YYYY-MM-DD-words`, lowercase a–z, 0–9 and `-`, at most 80 characters.
package enum RecordID {
    package static let maxLength = 80

    /// Why `id` is not a valid id, or `nil` when it is.
    package static func problem(_ id: String) -> String? {
        if id.isEmpty { return "id is empty" }
        // Bytes first: counting characters walks grapheme clusters, and this runs for every record
        // of every build. (No more bytes than the limit means no more characters either.)
        if id.utf8.count > maxLength, id.count > maxLength { return "id '\(id)' is longer than \(maxLength) characters" }
        var id = id
        let shape = id.withUTF8 { bytes -> String? in
            guard bytes.allSatisfy({ ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 }) else {
                return "may only hold lowercase a-z, 0-9 and '-' (expected YYYY-MM-DD-words)"
            }
            let doubleDash = zip(bytes, bytes.dropFirst()).contains { $0 == 45 && $1 == 45 }
            guard bytes.count > 11, Timestamp.parse(date: UnsafeBufferPointer(rebasing: bytes[0..<10])) != nil, bytes[10] == 45,
                bytes.last != 45, !doubleDash
            else { return "is not of the form YYYY-MM-DD-words" }
            return nil
        }
        return shape.map { "id '\(id)' \($0)" }
    }

    /// `2026-11-22-search-is-unavailable` from a date and a title.
    package static func make(date: Timestamp, title: String) -> String {
        let slug = Self.slug(title)
        var id = date.date + (slug.isEmpty ? "-incident" : "-" + slug)
        if id.count > maxLength {
            id = String(id.prefix(maxLength))
            while id.hasSuffix("-") { id.removeLast() }
        }
        return id
    }

    /// `search-is-unavailable` from `Search is unavailable!`: lowercase a–z and 0–9 words joined by
    /// `-`, accents dropped (`é` → `e`), everything else a separator. Possibly empty.
    package static func slug(_ text: String) -> String {
        var slug = ""
        var lastWasDash = true
        for scalar in text.lowercased().decomposedStringWithCanonicalMapping.unicodeScalars {
            if scalar.properties.generalCategory == .nonspacingMark { continue }
            if (scalar >= "a" && scalar <= "z") || (scalar >= "0" && scalar <= "9") {
                slug.unicodeScalars.append(scalar)
                lastWasDash = false
            } else if !lastWasDash {
                slug += "-"
                lastWasDash = true
            }
        }
        while slug.hasSuffix("-") { slug.removeLast() }
        return slug
    }

    /// `id`, or `id-2`, `id-3`… — the first that `taken` says is free.
    package static func unique(_ id: String, taken: (String) -> Bool) -> String {
        if !taken(id) { return id }
        var n = 2
        while true {
            let suffix = "-\(n)"
            let candidate = String(id.prefix(maxLength - suffix.count)) + suffix
            if !taken(candidate) { return candidate }
            n += 1
        }
    }
}
