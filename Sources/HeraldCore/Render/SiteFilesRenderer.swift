import Foundation

/// `badge.svg` (the overall status) and `robots.txt`. The sitemap is made by `SiteRenderer` at the
/// end, from the pages every renderer produced.
package struct SiteFilesRenderer: OutputRenderer {
    package init() {}

    package func render(_ context: RenderContext) -> [OutputFile] {
        [
            OutputFile(path: "badge.svg", text: Self.badge(context.model.overall)),
            OutputFile(path: "robots.txt", text: "User-agent: *\nAllow: /\n\nSitemap: \(context.absoluteURL("sitemap.xml"))\n")
        ]
    }

    static func badge(_ overall: OverallStatus) -> String {
        let colour: String
        switch overall.indicator {
        case "none": colour = "#1a7f37"
        case "minor": colour = "#9a6700"
        case "major": colour = "#bc4c00"
        case "critical": colour = "#cf222e"
        default: colour = "#0969da"
        }
        let label = "status"
        let message = overall.description
        // Widths from an average glyph width of 6.5 px at 11 px Verdana-like fonts, plus padding.
        let labelWidth = 12 + Int((Double(label.count) * 6.5).rounded())
        let messageWidth = 12 + Int((Double(message.count) * 6.5).rounded())
        let width = labelWidth + messageWidth
        let escaped = XMLEscape.text(message)
        return """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="20" role="img" aria-label="\(label): \(escaped)">
            <title>\(label): \(escaped)</title>
            <rect width="\(labelWidth)" height="20" fill="#555"/>
            <rect x="\(labelWidth)" width="\(messageWidth)" height="20" fill="\(colour)"/>
            <g fill="#fff" text-anchor="middle" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11">
            <text x="\(labelWidth / 2)" y="14">\(label)</text>
            <text x="\(labelWidth + messageWidth / 2)" y="14">\(escaped)</text>
            </g>
            </svg>

            """
    }

    /// Every public HTML page except the 404 page, as absolute URLs (folder form), sorted. Built as
    /// bytes: it lists every page of the site and is made on every build, after everything else has
    /// rendered.
    /// It is a function of the base URL and the pages' paths alone: when those (and `salt`, the
    /// names the leak scanner looks for) hash to the key of the last build's sitemap
    /// (`previous`), that file is kept.
    static func sitemap(for files: [OutputFile], baseURL: String, salt: UInt64 = 0, lastKeys: [String: UInt64] = [:]) -> OutputFile {
        let index = "index.html".utf8
        // Compared as bytes: the generic `suffix(_:).elementsEqual(_:)` on 11,000 paths took a few
        // milliseconds of the main thread. (`files` come sorted, so the sort only checks.)
        let pages = files.map(\.path).filter { path in
            var path = path
            return path.withUTF8 { $0.count >= 10 && memcmp($0.baseAddress! + $0.count - 10, "index.html", 10) == 0 }
        }.sorted()
        var hasher = StableHasher()
        hasher.combine("sitemap")
        hasher.combine(baseURL)
        hasher.combine(salt)
        hasher.combine(UInt64(pages.count))
        for page in pages { hasher.combine(page) }
        let key = hasher.value
        if lastKeys["sitemap.xml"] == key { return .reused("sitemap.xml", key: key) }
        var xml = Array("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n".utf8)
        xml.reserveCapacity(xml.count + pages.count * (baseURL.utf8.count + 40))
        let base = Array(XMLEscape.text(baseURL).utf8)
        for page in pages {
            xml.append(contentsOf: "<url><loc>".utf8)
            xml.append(contentsOf: base)
            xml.append(contentsOf: XMLEscape.text(String(decoding: page.utf8.dropLast(index.count), as: UTF8.self)).utf8)
            xml.append(contentsOf: "</loc></url>\n".utf8)
        }
        xml.append(contentsOf: "</urlset>\n".utf8)
        return OutputFile(path: "sitemap.xml", bytes: xml, key: key)
    }
}
