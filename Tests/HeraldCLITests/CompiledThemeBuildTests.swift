import Foundation
import Testing

/// `herald build` renders the built-in page templates with generated Swift (CompiledTheme.swift)
/// and everything else with swift-mustache; HERALD_INTERPRETED_THEME=1 renders every page with
/// swift-mustache. Whole sites must come out byte for byte the same both ways.
@Suite struct CompiledThemeBuildTests {
    let now = "2026-11-22T15:00:00Z"

    /// Builds `site` both ways into public-compiled/ and public-interpreted/ and returns the
    /// relative paths of the files that differ (the build manifest, which holds file times, aside).
    func differences(_ site: TemporarySite) throws -> [String] {
        for (out, env) in [("public-compiled", [String: String]()), ("public-interpreted", ["HERALD_INTERPRETED_THEME": "1"])] {
            try? FileManager.default.removeItem(at: site.root.appendingPathComponent(".herald-cache"))
            let result = try site.herald("build", "--now", now, "--out", out, environment: env)
            #expect(result.status == 0, "\(result.stderr)")
        }
        let compiled = site.files(under: "public-compiled").filter { $0 != ".herald-output" }
        let interpreted = site.files(under: "public-interpreted").filter { $0 != ".herald-output" }
        #expect(compiled == interpreted)
        #expect(compiled.filter { $0.hasSuffix(".html") }.count > 5)
        return compiled.filter { path in
            FileManager.default.contents(atPath: site.root.appendingPathComponent("public-compiled/\(path)").path)
                != FileManager.default.contents(atPath: site.root.appendingPathComponent("public-interpreted/\(path)").path)
        }
    }

    @Test func theExampleSiteIsTheSameEitherWay() throws {
        let site = try TemporarySite(files: [:])
        try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("content"), to: site.root.appendingPathComponent("content"))
        #expect(try differences(site) == [])
    }

    /// The benchmark's generator: hundreds of incidents with Markdown bodies, open and resolved,
    /// maintenance and published postmortems, so every page template and most branches are used.
    @Test func aGeneratedStoreIsTheSameEitherWay() throws {
        let site = try TemporarySite(files: [:])
        let generator = Process()
        generator.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        generator.arguments = ["python3", repositoryRoot.appendingPathComponent("bench/generate_store.py").path,
                               "--incidents", "300", "--postmortems", "30", "--maintenance", "12", "--seed", "7", "--out", site.root.path]
        try generator.run()
        generator.waitUntilExit()
        #expect(generator.terminationStatus == 0)
        let pages = try differences(site)
        #expect(pages == [])
        #expect(site.files(under: "public-compiled/postmortems").count > 10)
    }

    /// With a partial overridden, the pages that use it go through swift-mustache with the site's
    /// partial, the others stay compiled, and the two still agree.
    @Test func anOverriddenPartialIsUsedAndTheSiteIsTheSameEitherWay() throws {
        let site = try TemporarySite(files: [:])
        try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("content"), to: site.root.appendingPathComponent("content"))
        try site.write("templates/update.mustache", "<li class=\"mine\">{{statusLabel}}: {{{html}}}</li>\n")
        #expect(try differences(site) == [])
        let incident = site.files(under: "public-compiled/incidents").first { $0.hasSuffix("index.html") }
        let page = try site.read("public-compiled/incidents/\(try #require(incident))")
        #expect(page.contains("<li class=\"mine\">"))
    }

    /// A site's own header and footer (the commonest override) keep the pages compiled, with the
    /// two partials rendered by swift-mustache inside them; still the same bytes.
    @Test func aSiteHeaderAndFooterGiveTheSameSiteEitherWay() throws {
        let site = try TemporarySite(files: [:])
        try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("content"), to: site.root.appendingPathComponent("content"))
        try site.write("templates/header.mustache", "<!DOCTYPE html>\n<html lang=\"en\"><head><title>{{page.title}} · Acme</title></head>\n<body>{{#page}}<nav><a href=\"{{root}}index.html\">Acme status</a>{{#isHistory}} · history{{/isHistory}}</nav>{{/page}}<main id=\"main\">\n")
        try site.write("templates/footer.mustache", "</main><footer>{{page.support}}</footer></body></html>\n")
        #expect(try differences(site) == [])
        let page = try site.read("public-compiled/history/index.html")
        #expect(page.contains("<nav><a href=\"../index.html\">Acme status</a> · history</nav>"), "\(page.prefix(400))")
    }
}
