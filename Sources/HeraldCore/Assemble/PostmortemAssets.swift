import Foundation
import HeraldMarkdown

/// Images and files a postmortem links to by a relative path (`![pods](img/pods.png)`,
/// `[logs](files/api.log)`), copied beside its page so that the links work unchanged.
///
/// A relative path is looked for in the postmortem's own folder, `content/postmortems/<id>/`,
/// then beside the postmortem file, in `content/postmortems/`. The file is published at
/// `postmortems/<id>/<path>`, which is where the page (`postmortems/<id>/index.html`) points.
/// Nothing outside `content/` is ever read: `..`, absolute paths and symbolic links that lead out
/// are refused, as are hidden files and types a browser could run (HTML, SVG, scripts).
package enum PostmortemAssets {
    /// Image types an `![…](…)` may show.
    package static let imageTypes: Set<String> = ["png", "jpg", "jpeg", "gif", "webp", "avif"]
    /// Other file types a link may point to; links to anything else (`other.md`, `../`) are left alone.
    package static let fileTypes: Set<String> = ["pdf", "txt", "log", "csv", "json"]
    /// Types that are refused even as a link: a browser runs what they hold.
    static let activeTypes: Set<String> = ["svg", "svgz", "html", "htm", "xhtml", "xml", "js", "mjs", "css", "wasm"]
    /// Largest file copied (a status page is no file host).
    package static let maxBytes = 20 * 1024 * 1024

    package struct Asset: Sendable, Equatable {
        /// Absolute path of the file to copy.
        package var source: String
        /// Path in the output: `postmortems/<id>/<path>`.
        package var output: String
    }

    package struct Result: Sendable {
        package var assets: [Asset] = []
        /// Missing or refused files (errors).
        package var problems: [Diagnostic] = []
        /// Images from other hosts (warnings for `herald check`).
        package var remoteImages: [Diagnostic] = []
    }

    /// Whether `path` (in the output) is an asset that is not text (the leak scanner reads text).
    package static func isBinary(_ path: String) -> Bool {
        guard let dot = path.lastIndex(of: ".") else { return false }
        let type = path[path.index(after: dot)...].lowercased()
        return imageTypes.contains(type) || type == "pdf"
    }

    /// Looks up every relative image and file of `postmortem`'s body.
    package static func resolve(_ postmortem: Postmortem, layout: SiteLayout) -> Result {
        var result = Result()
        let body = postmortem.body
        // Most bodies link to nothing relative: no parse then.
        guard mayLink(body) else { return result }
        let id = postmortem.incidentID
        let content = realPath(layout.content.path)
        var seen: Set<String> = []
        for link in Markdown.links(body) where !link.isAutolink {
            let line = postmortem.bodyLine + link.line - 1
            func problem(_ message: String) {
                result.problems.append(.error(postmortem.path, line, message))
            }
            let url = link.url
            let kind = link.isImage ? "image" : "file"
            if url.isEmpty || url.hasPrefix("#") || url.hasPrefix("?") { continue }
            if url.hasPrefix("//") || hasScheme(url) {
                let lower = url.lowercased()
                if link.isImage, lower.hasPrefix("http:") || lower.hasPrefix("https:") || url.hasPrefix("//") {
                    result.remoteImages.append(
                        Diagnostic(
                            path: postmortem.path, line: line, severity: .warning,
                            message: "image from another host: \(url) (a status page should not depend on another host; copy it beside the postmortem)",
                            code: "remote-image"))
                }
                continue
            }
            var path = url
            if let cut = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = String(path[..<cut]) }
            path = path.removingPercentEncoding ?? path
            let type = fileType(path)
            if !link.isImage, !fileTypes.contains(type), !imageTypes.contains(type), !activeTypes.contains(type) { continue }
            if path.hasPrefix("/") {
                if link.isImage {
                    problem("\(kind) '\(url)' is an absolute path (expected a path relative to the postmortem, such as img/\(lastComponent(path)))")
                }
                continue
            }
            let segments = path.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }.map(String.init)
            if segments.contains("..") {
                problem(
                    "\(kind) '\(url)' leads out of the postmortem's folder (expected a path below content/postmortems/\(id)/ or content/postmortems/, without '..')"
                )
                continue
            }
            guard !segments.isEmpty else { continue }
            if segments.contains(where: { $0.hasPrefix(".") }) || path.contains("\0") {
                problem("\(kind) '\(url)' names a hidden file (expected a visible file name)")
                continue
            }
            let allowed = link.isImage ? imageTypes : imageTypes.union(fileTypes)
            guard allowed.contains(type) else {
                let list = (link.isImage ? imageTypes : imageTypes.union(fileTypes)).sorted().joined(separator: ", ")
                problem("\(kind) '\(url)' is of a type Herald does not publish (expected one of: \(list))")
                continue
            }
            let relative = segments.joined(separator: "/")
            let candidates = ["content/postmortems/\(id)/\(relative)", "content/postmortems/\(relative)"]
            var found: String?
            var refused = false
            for candidate in candidates {
                let full = layout.root.path + "/" + candidate
                var status = stat()
                guard stat(full, &status) == 0 else { continue }
                guard (status.st_mode & S_IFMT) == S_IFREG else { continue }
                let real = realPath(full)
                guard real.hasPrefix(content + "/") else {
                    problem("\(kind) '\(url)' is a symbolic link that leads out of content/ (expected a file inside content/)")
                    refused = true
                    break
                }
                if Int(status.st_size) > maxBytes {
                    problem("\(kind) '\(url)' is larger than \(maxBytes / 1024 / 1024) MB (expected a smaller file; link to large files elsewhere)")
                    refused = true
                    break
                }
                found = full
                break
            }
            if refused { continue }
            guard let source = found else {
                problem("\(kind) '\(url)' not found (expected \(candidates[0]) or \(candidates[1]))")
                continue
            }
            let output = "postmortems/\(id)/\(relative)"
            if seen.insert(output).inserted { result.assets.append(Asset(source: source, output: output)) }
        }
        return result
    }

    /// The assets of every published postmortem of `model`, or every problem with them.
    package static func published(_ model: SiteModel, layout: SiteLayout) throws -> [Asset] {
        var assets: [Asset] = []
        var problems: [Diagnostic] = []
        for state in model.incidents {
            guard let postmortem = state.postmortem else { continue }
            let result = resolve(postmortem, layout: layout)
            assets += result.assets
            problems += result.problems
        }
        if !problems.isEmpty { throw DiagnosticsError(problems) }
        return assets
    }

    /// The files to write for `assets`.
    package static func files(_ assets: [Asset]) throws -> [OutputFile] {
        try assets.map { asset in
            guard let bytes = FileBytes.read(asset.source) else { throw HeraldError("cannot read \(asset.source)") }
            return OutputFile(path: asset.output, bytes: bytes)
        }
    }

    /// Whether `body` has `](` or `]:` (a link, an image or a reference definition): one memchr
    /// pass, run for every published postmortem on every build.
    static func mayLink(_ body: String) -> Bool {
        var body = body
        return body.withUTF8 { bytes -> Bool in
            guard let base = bytes.baseAddress else { return false }
            var offset = 0
            while offset < bytes.count - 1 {
                guard let found = memchr(base + offset, Int32(UInt8(ascii: "]")), bytes.count - 1 - offset) else { return false }
                let index = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                let next = bytes[index + 1]
                if next == UInt8(ascii: "(") || next == UInt8(ascii: ":") { return true }
                offset = index + 1
            }
            return false
        }
    }

    static func hasScheme(_ url: String) -> Bool {
        guard let colon = url.firstIndex(of: ":") else { return false }
        let scheme = url[..<colon]
        guard let first = scheme.first, first.isASCII, first.isLetter else { return false }
        return scheme.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == ".") }
    }

    static func fileType(_ path: String) -> String {
        let name = lastComponent(path)
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
        return name[name.index(after: dot)...].lowercased()
    }

    static func lastComponent(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    static func realPath(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
