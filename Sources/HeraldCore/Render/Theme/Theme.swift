import Foundation
import Mustache
import Synchronization

/// The Mustache templates and static assets a site renders with: the built-in theme, with any
/// file in the site's `templates/` folder replacing the built-in file of the same name.
package struct Theme: Sendable {
    /// The templates as swift-mustache parsed them, for the pages and partials it renders; parsed
    /// when first needed (a site that overrides nothing renders every page compiled).
    package var library: MustacheLibrary { parsedLibrary.value }
    private let parsedLibrary: Deferred<MustacheLibrary>
    /// Static files copied to `assets/` (CSS, icons).
    package let assets: [String: [UInt8]]
    /// A hash of every template's source and of Herald's render version: part of every page's
    /// render-cache key, so a changed template or a new Herald re-renders every page.
    package let key: UInt64
    /// Page templates rendered by CompiledTheme (the built-in templates as Swift) instead of
    /// swift-mustache: those whose own template and inner partials the site does not override.
    /// Same bytes either way.
    let compiledPages: Set<String>
    /// Top-level partials of compiled pages (header, footer) that the site overrides: swift-mustache
    /// renders them, with the page's view, inside the compiled page.
    let mustachePartials: Set<String>
    /// How many pages each engine rendered (`herald build --timings` reports it, and the tests of
    /// the compiled theme check that the engine they ask for is the one that ran).
    let tally = RenderTally()

    /// Bump when Herald renders the same view models differently (a Mustache upgrade, say).
    static let renderVersion = "herald-render-1"

    /// Built-in templates by name (file name without `.mustache`).
    package static let builtInTemplates: [String: [UInt8]] = [
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
        "postmortem-draft": PackageResources.postmortem_draft_mustache
    ]

    package static let builtInAssets: [String: [UInt8]] = [
        "style.css": PackageResources.style_css,
        "favicon.svg": PackageResources.favicon_svg
    ]

    /// The built-in theme alone.
    package static func builtIn() -> Theme {
        // Built-in templates are tested; a parse failure here is a bug in Herald itself.
        try! load(overrides: nil, layout: nil)
    }

    /// Loads the built-in theme with the overrides in `folder` (templates/*.mustache and
    /// templates/assets/*). Template errors are reported with file and line.
    /// `interpreted` renders every page with swift-mustache (the compiled theme's reference).
    package static func load(overrides folder: URL?, layout: SiteLayout?, interpreted: Bool = false) throws -> Theme {
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
                // FileBytes: a FIFO among the templates is refused, never waited on.
                guard let data = FileBytes.read(url.path, limit: InputRules.maxFileSize), let text = String(validating: data, as: UTF8.self) else {
                    diagnostics.append(.error(path, 0, "cannot read template (expected UTF-8 text)"))
                    continue
                }
                sources[String(name.dropLast(".mustache".count))] = (text, path)
            }
            let assetFolder = folder.appendingPathComponent("assets")
            for name in (try? FileManager.default.contentsOfDirectory(atPath: assetFolder.path))?.sorted() ?? [] where !name.hasPrefix(".") {
                guard RecordID.isSafeFileName(name), let data = FileBytes.read(assetFolder.appendingPathComponent(name).path) else { continue }
                assets[name] = [UInt8](data)
            }
        }
        _ = FastHTMLContentType.registered
        // The templates whose text is the built-in one (not overridden, or overridden by a copy).
        let builtIn = Set(
            sources.filter { name, source in
                builtInTemplates[name].map { String(decoding: $0, as: UTF8.self) == source.text } ?? false
            }.keys)
        // swift-mustache's parser walks Characters: the fifteen templates cost about 10 ms on one
        // core. The site's own templates are parsed now, to report their errors with the
        // content's; the whole library (built-in templates too) when a page or partial is first
        // rendered by swift-mustache.
        @Sendable func parse(_ name: String, _ source: (text: String, path: String)) -> Result<MustacheTemplate, Diagnostic> {
            do {
                // Built-in templates escape with the byte-level escaper (same output as
                // swift-mustache's own, which looks every Character up in a dictionary).
                return .success(try MustacheTemplate(string: builtIn.contains(name) ? FastHTMLContentType.pragma + "\n" + source.text : source.text))
            } catch let error as MustacheTemplate.ParserError {
                return .failure(.error(source.path, error.context.lineNumber, "template error: \(error.error)"))
            } catch {
                return .failure(.error(source.path, 0, "template error: \(error)"))
            }
        }
        for (name, source) in sources.sorted(by: { $0.key < $1.key }) where !builtIn.contains(name) {
            if case .failure(let diagnostic) = parse(name, source) { diagnostics.append(diagnostic) }
        }
        let allSources = sources
        let library = Deferred<MustacheLibrary> {
            // On both cores.
            let sorted = allSources.sorted(by: { $0.key < $1.key })
            let parsed = parallelMap(sorted) { name, source in parse(name, source) }
            var templates: [String: MustacheTemplate] = [:]
            for ((name, _), result) in zip(sorted, parsed) {
                if case .success(let template) = result { templates[name] = template }
            }
            return MustacheLibrary(templates: templates)
        }
        if !diagnostics.isEmpty { throw DiagnosticsError(diagnostics) }
        // A page template is compiled while it and the partials it uses inside it are the
        // built-in ones; a header or footer of the site's own is rendered by swift-mustache inside
        // the compiled page. `interpreted` renders everything with swift-mustache (the compiled
        // theme's reference, for comparing the two: `herald build --interpreted-theme`).
        let compiled = interpreted ? [] : Set(CompiledTheme.uses.filter { _, uses in uses.allSatisfy(builtIn.contains) }.keys)
        let mustachePartials = Set(CompiledTheme.partials.filter { _, uses in !uses.allSatisfy(builtIn.contains) }.keys)
        var hasher = StableHasher()
        hasher.combine(renderVersion)
        for (name, source) in sources.sorted(by: { $0.key < $1.key }) {
            hasher.combine(name)
            hasher.combine(source.text)
        }
        return Theme(
            parsedLibrary: library, assets: assets, key: hasher.value,
            compiledPages: compiled, mustachePartials: mustachePartials)
    }

    /// Renders template `name` with `view`, or keeps the last build's page at `path` when its key
    /// (theme, template name, every value of the view) is the same: the page would be identical.
    package func page<View: Fingerprintable>(_ path: String, _ name: String, _ view: View, salt: UInt64 = 0, lastKeys: [String: UInt64]) -> OutputFile {
        var hasher = StableHasher()
        hasher.combine(key)
        hasher.combine(salt)
        hasher.combine(name)
        view.fingerprint(into: &hasher)
        let pageKey = hasher.value
        if lastKeys[path] == pageKey { return .reused(path, key: pageKey) }
        return OutputFile(path: path, text: render(name, view), key: pageKey)
    }

    /// Renders template `name` with `view` (a view model is handed over as a ViewNode).
    package func render(_ name: String, _ view: Any) -> String {
        // The view as swift-mustache gets it.
        func object() -> Any { (view as? any MustacheLookup).map { ViewNode($0) } ?? view }
        if compiledPages.contains(name) {
            // A partial at a page's top level sees the page's view alone, as it would inside the
            // page: rendering it on its own with that view gives the same bytes.
            let page = CompiledTheme.render(name, view) { partial in
                mustachePartials.contains(partial) ? library.render(object(), withTemplate: partial) ?? "" : nil
            }
            if let page {
                tally.compiled.add(1, ordering: .relaxed)
                return page
            }
        }
        tally.mustache.add(1, ordering: .relaxed)
        return library.render(object(), withTemplate: name) ?? ""
    }
}

/// A view model as templates see it (ViewModels+Mustache.swift is generated from the structs).
package protocol MustacheLookup: Sendable {
    /// The value of key `name`: nested view models as ViewNodes, text as itself, empty strings as
    /// nil (false in a section).
    func lookup(_ name: String) -> Any?
}

/// Holds a view model for swift-mustache. The renderer casts each object on its context stack to
/// MustacheCustomRepresentation and MustacheParent at every `{{key}}`. The Swift runtime answers a
/// cast of a non-generic struct faster than one of a class or of a generic type (a class that does
/// not conform costs twice as much: its superclass chain is searched too), and a struct of one
/// reference fits in an `Any` without a heap box; so the node is a struct holding one object, which
/// holds the view itself (not an existential, which for most views would be a second allocation).
struct ViewNode: MustacheParent, Sendable {
    private let held: Held
    init<View: MustacheLookup>(_ view: View) { held = Typed(view) }
    func child(named name: String) -> Any? { held.lookup(name) }

    private class Held: @unchecked Sendable {  // immutable; subclassed only by Typed
        func lookup(_ name: String) -> Any? { nil }
    }
    private final class Typed<View: MustacheLookup>: Held, @unchecked Sendable {
        let view: View
        init(_ view: View) { self.view = view }
        override func lookup(_ name: String) -> Any? { view.lookup(name) }
    }
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

/// Pages rendered by each engine, counted from every rendering thread.
final class RenderTally: Sendable {
    let compiled = Atomic<Int>(0)
    let mustache = Atomic<Int>(0)
}
