import Foundation
import Mustache
import Testing

@testable import HeraldCore

/// The built-in page templates run as generated Swift (CompiledTheme.swift, from
/// scripts/compile-theme.py). swift-mustache is the reference: for random view models (empty and
/// non-empty text, nil and present optionals, empty and full lists, text that must be escaped)
/// both must give the same bytes, page template by page template.
@Suite struct CompiledThemeTests {
    static let rounds = 300

    /// Renders `view` with `theme` (compiled) and with `reference` (swift-mustache alone); returns
    /// a description of the first difference, if any.
    static func difference<View: MustacheLookup>(_ theme: Theme, _ reference: Theme, _ name: String, _ view: View) -> String? {
        guard theme.compiledPages.contains(name), reference.compiledPages.isEmpty else { return "\(name): not compiled" }
        let interpreted = reference.render(name, view)
        let compiled = theme.render(name, view)
        if compiled == interpreted { return nil }
        let a = Array(interpreted.utf8)
        let b = Array(compiled.utf8)
        let at = (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
        func around(_ bytes: [UInt8]) -> String { String(decoding: bytes[max(0, at - 80)..<min(bytes.count, at + 80)], as: UTF8.self) }
        return "\(name): differs at byte \(at)\n swift-mustache: …\(around(a))…\n compiled:       …\(around(b))…"
    }

    /// Random pages of every page template through `theme` and `reference`; the differences found.
    static func differences(_ theme: Theme, _ reference: Theme, seed: UInt64) -> (pages: Int, problems: [String]) {
        var random = RandomViews(state: seed)
        var problems: [String] = []
        var pages = 0
        for _ in 0..<Self.rounds {
            let results = [
                difference(theme, reference, "index", random.makeStatusPageView()),
                difference(theme, reference, "incident", random.makeIncidentPageView()),
                difference(theme, reference, "maintenance", random.makeMaintenancePageView()),
                difference(theme, reference, "history", random.makeHistoryPageView()),
                difference(theme, reference, "not-found", random.makeNotFoundPageView()),
                difference(theme, reference, "postmortems", random.makePostmortemIndexView()),
                difference(theme, reference, "postmortem", random.makePostmortemPageView())
            ]
            pages += results.count
            problems += results.compactMap { $0 }
            if problems.count > 5 { break }
        }
        return (pages, problems)
    }

    @Test func everyCompiledPageRendersTheBytesSwiftMustacheRenders() throws {
        let theme = Theme.builtIn()
        #expect(theme.compiledPages == Set(CompiledTheme.uses.keys))
        #expect(theme.mustachePartials.isEmpty)
        let reference = try Theme.load(overrides: nil, layout: nil, interpreted: true)
        let (pages, problems) = Self.differences(theme, reference, seed: 20_261_124)
        #expect(pages == Self.rounds * 7)
        #expect(problems.isEmpty, "\(problems.prefix(5).joined(separator: "\n\n"))")
    }

    /// A site's own header and footer keep every page compiled: swift-mustache renders just those
    /// two, with the page's view, and the pages are the bytes swift-mustache renders whole.
    @Test func aSiteHeaderAndFooterAreRenderedInsideCompiledPages() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-compiled-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // Names the page views answer outward (title of a postmortem page, incident.title…),
        // sections, an inverted section, a dotted name and a partial of its own.
        try Data(
            """
            <header data-t="{{page.title}}">{{#page}}<a href="{{root}}">{{siteTitle}}</a>{{#isStatus}} (status){{/isStatus}}{{/page}}
            {{title}}|{{incident.title}}|{{#maintenance}}{{title}}{{/maintenance}}{{^page.support}}no support{{/page.support}}
            {{> brand}}</header>

            """.utf8
        ).write(to: folder.appendingPathComponent("header.mustache"))
        try Data("<b>{{page.siteTitle}}</b>\n".utf8).write(to: folder.appendingPathComponent("brand.mustache"))
        try Data("<footer>{{#page}}{{support}}{{/page}} {{heading}}</footer>\n".utf8).write(to: folder.appendingPathComponent("footer.mustache"))
        let theme = try Theme.load(overrides: folder, layout: nil)
        #expect(theme.compiledPages == Set(CompiledTheme.uses.keys))
        #expect(theme.mustachePartials == ["header", "footer"])
        let reference = try Theme.load(overrides: folder, layout: nil, interpreted: true)
        let (pages, problems) = Self.differences(theme, reference, seed: 99)
        #expect(pages == Self.rounds * 7)
        #expect(problems.isEmpty, "\(problems.prefix(5).joined(separator: "\n\n"))")
        var random = RandomViews(state: 3)
        #expect(theme.render("not-found", random.makeNotFoundPageView()).hasPrefix("<header data-t="))
    }

    /// Every page template the build renders is compiled, and every template it reaches is named,
    /// so an override of any of them (a partial included) switches that page to swift-mustache.
    @Test func anOverriddenPartialSendsItsPagesToSwiftMustache() throws {
        #expect(CompiledTheme.uses["incident"]?.contains("update") == true)
        #expect(CompiledTheme.uses["index"]?.contains("incident-line") == true)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-compiled-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("<li>{{statusLabel}} (custom)</li>\n".utf8).write(to: folder.appendingPathComponent("update.mustache"))
        let theme = try Theme.load(overrides: folder, layout: nil)
        #expect(!theme.compiledPages.contains("incident"))
        #expect(!theme.compiledPages.contains("maintenance"))
        #expect(!theme.compiledPages.contains("index"))
        #expect(theme.compiledPages.contains("history"))
        #expect(theme.compiledPages.contains("postmortem"))

        var random = RandomViews(state: 7)
        var view = random.makeIncidentPageView()
        while view.incident.updates.isEmpty { view = random.makeIncidentPageView() }
        let page = theme.render("incident", view)
        #expect(page.contains("(custom)</li>"))
        // A template identical to the built-in one is not an override.
        let same = folder.appendingPathComponent("update.mustache")
        try Data(Theme.builtInTemplates["update"]!).write(to: same)
        #expect(try Theme.load(overrides: folder, layout: nil).compiledPages == Set(CompiledTheme.uses.keys))
    }
}
