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

    /// Renders `view` both ways; returns a description of the first difference, if any.
    static func difference<View: MustacheLookup>(_ theme: Theme, _ name: String, _ view: View) -> String? {
        let interpreted = theme.library.render(theme.scope.node(view), withTemplate: name) ?? "<no template>"
        guard let compiled = CompiledTheme.render(name, view) else { return "\(name): not compiled for \(View.self)" }
        if compiled == interpreted { return nil }
        let a = Array(interpreted.utf8), b = Array(compiled.utf8)
        let at = (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
        func around(_ bytes: [UInt8]) -> String { String(decoding: bytes[max(0, at - 80)..<min(bytes.count, at + 80)], as: UTF8.self) }
        return "\(name): differs at byte \(at)\n swift-mustache: …\(around(a))…\n compiled:       …\(around(b))…"
    }

    @Test func everyCompiledPageRendersTheBytesSwiftMustacheRenders() {
        let theme = Theme.builtIn()
        #expect(theme.compiledPages == Set(CompiledTheme.uses.keys))
        var random = RandomViews(state: 20261124)
        var problems: [String] = []
        var pages = 0
        for _ in 0..<Self.rounds {
            let results = [
                Self.difference(theme, "index", random.makeStatusPageView()),
                Self.difference(theme, "incident", random.makeIncidentPageView()),
                Self.difference(theme, "maintenance", random.makeMaintenancePageView()),
                Self.difference(theme, "history", random.makeHistoryPageView()),
                Self.difference(theme, "not-found", random.makeNotFoundPageView()),
                Self.difference(theme, "postmortems", random.makePostmortemIndexView()),
                Self.difference(theme, "postmortem", random.makePostmortemPageView()),
            ]
            pages += results.count
            problems += results.compactMap { $0 }
            if problems.count > 5 { break }
        }
        #expect(pages == Self.rounds * 7)
        #expect(problems.isEmpty, "\(problems.prefix(5).joined(separator: "\n\n"))")
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
