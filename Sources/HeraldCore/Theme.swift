import Foundation
import Mustache

/// The Mustache templates and static assets a site renders with: the built-in theme, with any
/// file in the site's `templates/` folder replacing the built-in file of the same name.
public struct Theme: Sendable {
    public let library: MustacheLibrary
    /// Static files copied to `assets/` (CSS, icons).
    public let assets: [String: [UInt8]]
    /// A hash of every template's source and of Herald's render version: part of every page's
    /// render-cache key, so a changed template or a new Herald re-renders every page.
    public let key: UInt64

    /// Bump when Herald renders the same view models differently (a Mustache upgrade, say).
    static let renderVersion = "herald-render-1"

    /// Built-in templates by name (file name without `.mustache`).
    public static let builtInTemplates: [String: [UInt8]] = [
        "header": PackageResources.header_mustache,
        "footer": PackageResources.footer_mustache,
        "update": PackageResources.update_mustache,
        "incident-card": PackageResources.incident_card_mustache,
        "incident-line": PackageResources.incident_line_mustache,
        "maintenance-card": PackageResources.maintenance_card_mustache,
        "uptime": PackageResources.uptime_mustache,
        "index": PackageResources.index_mustache,
        "incident": PackageResources.incident_mustache,
        "maintenance": PackageResources.maintenance_mustache,
        "history": PackageResources.history_mustache,
        "not-found": PackageResources.not_found_mustache,
        "postmortem": PackageResources.postmortem_mustache,
        "postmortems": PackageResources.postmortems_mustache,
        "postmortem-draft": PackageResources.postmortem_draft_mustache,
    ]

    public static let builtInAssets: [String: [UInt8]] = [
        "style.css": PackageResources.style_css,
        "favicon.svg": PackageResources.favicon_svg,
    ]

    /// The built-in theme alone.
    public static func builtIn() -> Theme {
        // Built-in templates are tested; a parse failure here is a bug in Herald itself.
        try! load(overrides: nil, layout: nil)
    }

    /// Loads the built-in theme with the overrides in `folder` (templates/*.mustache and
    /// templates/assets/*). Template errors are reported with file and line.
    public static func load(overrides folder: URL?, layout: SiteLayout?) throws -> Theme {
        var sources: [String: (text: String, path: String)] = [:]
        for (name, bytes) in builtInTemplates {
            sources[name] = (String(decoding: bytes, as: UTF8.self), "built-in theme: \(name).mustache")
        }
        var assets = builtInAssets
        var diagnostics: [Diagnostic] = []
        if let folder, let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) {
            for name in names.sorted() where name.hasSuffix(".mustache") && !name.hasPrefix(".") {
                let url = folder.appendingPathComponent(name)
                let path = layout?.relativePath(url) ?? url.path
                guard let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8) else {
                    diagnostics.append(.error(path, 0, "cannot read template (expected UTF-8 text)"))
                    continue
                }
                sources[String(name.dropLast(".mustache".count))] = (text, path)
            }
            let assetFolder = folder.appendingPathComponent("assets")
            for name in (try? FileManager.default.contentsOfDirectory(atPath: assetFolder.path))?.sorted() ?? [] where !name.hasPrefix(".") {
                guard RecordID.isSafeFileName(name), let data = FileManager.default.contents(atPath: assetFolder.appendingPathComponent(name).path) else { continue }
                assets[name] = [UInt8](data)
            }
        }
        _ = FastHTMLContentType.registered
        var templates: [String: MustacheTemplate] = [:]
        for (name, source) in sources.sorted(by: { $0.key < $1.key }) {
            do {
                // Built-in templates escape with the byte-level escaper (same output as
                // swift-mustache's own, which looks every Character up in a dictionary).
                let isBuiltIn = builtInTemplates[name].map { String(decoding: $0, as: UTF8.self) == source.text } ?? false
                templates[name] = try MustacheTemplate(string: isBuiltIn ? FastHTMLContentType.pragma + "\n" + source.text : source.text)
            } catch let error as MustacheTemplate.ParserError {
                diagnostics.append(.error(source.path, error.context.lineNumber, "template error: \(error.error)"))
            } catch {
                diagnostics.append(.error(source.path, 0, "template error: \(error)"))
            }
        }
        if !diagnostics.isEmpty { throw DiagnosticsError(diagnostics) }
        var hasher = StableHasher()
        hasher.combine(renderVersion)
        for (name, source) in sources.sorted(by: { $0.key < $1.key }) {
            hasher.combine(name)
            hasher.combine(source.text)
        }
        return Theme(library: MustacheLibrary(templates: templates), assets: assets, key: hasher.value)
    }

    /// Renders template `name` with `view`, or keeps the last build's page at `path` when its key
    /// (theme, template name, every value of the view) is the same: the page would be identical.
    public func page<View: Fingerprintable>(_ path: String, _ name: String, _ view: View, salt: UInt64 = 0, previous: [String: SiteWriter.Manifest.Entry]) -> OutputFile {
        var hasher = StableHasher()
        hasher.combine(key)
        hasher.combine(salt)
        hasher.combine(name)
        view.fingerprint(into: &hasher)
        let pageKey = hasher.value
        if let entry = previous[path], entry.key == pageKey { return .reused(path, key: pageKey) }
        return OutputFile(path: path, text: render(name, view), key: pageKey)
    }

    /// Renders template `name` with `view` (a view model is handed over as a ViewNode).
    public func render(_ name: String, _ view: Any) -> String {
        let object = (view as? any MustacheLookup).map { $0.node } ?? view
        return library.render(object, withTemplate: name) ?? ""
    }
}

/// A view model as templates see it (ViewModels+Mustache.swift is generated from the structs).
public protocol MustacheLookup: Sendable {
    /// The value of key `name`; nested view models come back as ViewNodes, empty strings as nil.
    func lookup(_ name: String) -> Any?
}

extension MustacheLookup {
    var node: Any { ViewNode(self) }
}

/// Holds a view model for swift-mustache. The renderer casts each object on its context stack to
/// MustacheParent at every `{{key}}`; casting a struct copies every field (a retain each, and a heap
/// box for the larger ones), casting a class retains it once. Rendering the 11,000 pages of the
/// 10,000-incident benchmark store spends measurably less this way (bench/README.md).
final class ViewNode<View: MustacheLookup>: MustacheParent, Sendable {
    let view: View
    init(_ view: View) { self.view = view }
    func child(named name: String) -> Any? { view.lookup(name) }
}

/// HTML escaping of `{{values}}` byte by byte: `&`, `<`, `>`, `"` and `'` become `&amp;`, `&lt;`,
/// `&gt;`, `&quot;` and `&#39;`, exactly as swift-mustache's built-in HTML content type does.
struct FastHTMLContentType: MustacheContentType {
    static let name = "HERALD_HTML"
    static let pragma = "{{% CONTENT_TYPE: \(name)}}"
    static let registered: Void = MustacheContentTypes.register(FastHTMLContentType(), named: name)

    func escapeText(_ text: String) -> String { Self.escape(text) }

    static func escape(_ text: String) -> String {
        var copy = text
        return copy.withUTF8 { bytes -> String in
            guard bytes.contains(where: { $0 == 38 || $0 == 60 || $0 == 62 || $0 == 34 || $0 == 39 }) else { return text }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + 32)
            for b in bytes {
                switch b {
                case 38: out.append(contentsOf: "&amp;".utf8)
                case 60: out.append(contentsOf: "&lt;".utf8)
                case 62: out.append(contentsOf: "&gt;".utf8)
                case 34: out.append(contentsOf: "&quot;".utf8)
                case 39: out.append(contentsOf: "&#39;".utf8)
                default: out.append(b)
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
    }
}

extension RecordID {
    /// A plain file name: no path separators, no leading dot, printable ASCII.
    static func isSafeFileName(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix(".") && name.utf8.allSatisfy { $0 > 32 && $0 < 127 && $0 != 47 && $0 != 92 }
    }
}
