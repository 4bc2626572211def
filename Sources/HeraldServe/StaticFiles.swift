import Foundation

/// Maps a request target to a file of the built site, treating the target as hostile: only regular
/// files inside the site folder are ever served, whatever the path's encoding or the folder's links.
package struct StaticFiles: Sendable {
    package enum Lookup: Equatable, Sendable {
        case file(URL, contentType: String)
        /// A folder asked for without its trailing slash: its pages use relative links, so the
        /// browser must load it as `path/` (as nginx and Apache do).
        case redirect(String)
        case notFound
        /// A target no file can have: NUL or control characters, `..`, hidden names, bad escapes.
        case refused
    }

    package let root: URL

    package init(root: URL) {
        self.root = root.standardizedFileURL
    }

    /// `rawPath` is the request target's path, still percent-encoded (no query).
    package func lookup(_ rawPath: String) -> Lookup {
        guard rawPath.hasPrefix("/"), rawPath.utf8.count <= 2048,
            let decoded = rawPath.removingPercentEncoding
        else { return .refused }
        var components: [String] = []
        for part in decoded.split(separator: "/", omittingEmptySubsequences: true) {
            // Dot names (`.`, `..`, `.herald-output`) and anything a terminal or a file system
            // would read differently are never part of a page's address.
            if part.hasPrefix(".") || part.contains("\\") { return .refused }
            if part.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) { return .refused }
            components.append(String(part))
        }
        var url = root
        for component in components { url.appendPathComponent(component) }

        guard let kind = Self.kind(of: url) else { return .notFound }
        if kind == .folder {
            if !decoded.hasSuffix("/") { return .redirect(rawPath + "/") }
            url.appendPathComponent("index.html")
            guard Self.kind(of: url) == .file else { return .notFound }
        }
        // A symbolic link anywhere on the way must not lead out of the site folder.
        let real = url.resolvingSymlinksInPath().path
        let realRoot = root.resolvingSymlinksInPath().path
        guard real.hasPrefix(realRoot.hasSuffix("/") ? realRoot : realRoot + "/") else { return .refused }
        return .file(url, contentType: Self.contentType(of: url.pathExtension))
    }

    private enum Kind { case file, folder }

    private static func kind(of url: URL) -> Kind? {
        var info = stat()
        guard stat(url.path, &info) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .folder
        default: return nil  // FIFOs, sockets, devices: never opened
        }
    }

    static func contentType(of pathExtension: String) -> String {
        switch pathExtension.lowercased() {
        case "html": "text/html; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        case "json": "application/json"
        case "xml": "application/xml"
        case "atom": "application/atom+xml"
        case "rss": "application/rss+xml"
        case "ics": "text/calendar; charset=utf-8"
        case "txt": "text/plain; charset=utf-8"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        case "jpg", "jpeg": "image/jpeg"
        case "gif": "image/gif"
        case "webp": "image/webp"
        case "ico": "image/x-icon"
        case "pdf": "application/pdf"
        case "woff2": "font/woff2"
        default: "application/octet-stream"
        }
    }
}
