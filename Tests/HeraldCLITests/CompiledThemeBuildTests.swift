import Foundation
import Testing

/// `herald build` renders the built-in page templates with generated Swift (CompiledTheme.swift)
/// and everything else with swift-mustache; `--interpreted-theme` (hidden, for these tests) renders
/// every page with swift-mustache. Whole sites must come out byte for byte the same both ways, and
/// `--timings` shows which engine rendered how many pages, so each run proves its engine ran.
@Suite struct CompiledThemeBuildTests {
    let now = "2026-11-22T15:00:00Z"

    /// Builds `site` both ways into public-compiled/ and public-interpreted/ and returns the
    /// relative paths of the files that differ. `compiledPages` is how many pages the compiled
    /// theme must render in the default build (all of them when the site overrides nothing).
    func differences(_ site: TemporarySite, allCompiled: Bool = true) throws -> [String] {
        var engines: [String: (compiled: Int, mustache: Int)] = [:]
        for (out, flags) in [("public-compiled", [String]()), ("public-interpreted", ["--interpreted-theme"])] {
            try? FileManager.default.removeItem(at: site.root.appendingPathComponent(".herald-cache"))
            let result = try HeraldRunner.run(["build", "--now", now, "--out", out, "--timings"] + flags, in: site.root)
            #expect(result.status == 0, "\(result.stderr)")
            let line = try #require(result.stderr.split(separator: "\n").first { $0.hasPrefix("pages rendered: ") })
            let numbers = line.split(separator: " ").compactMap { Int($0) }
            try #require(numbers.count == 2)
            engines[out] = (numbers[0], numbers[1])
        }
        let compiled = site.files(under: "public-compiled")
        let interpreted = site.files(under: "public-interpreted")
        let pages = compiled.filter { $0.hasSuffix(".html") }.count
        // The interpreted build rendered every page with swift-mustache, the default one with the
        // compiled theme (all of them, or some when a site template keeps pages from it).
        #expect(engines["public-interpreted"]?.compiled == 0)
        #expect(engines["public-interpreted"]?.mustache == pages)
        #expect(engines["public-compiled"].map { $0.compiled + $0.mustache } == pages)
        if allCompiled {
            #expect(engines["public-compiled"]?.mustache == 0)
        } else {
            #expect((engines["public-compiled"]?.mustache ?? 0) > 0)
            #expect((engines["public-compiled"]?.compiled ?? 0) > 0)
        }
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
        generator.arguments = [
            "python3", repositoryRoot.appendingPathComponent("bench/generate_store.py").path,
            "--incidents", "300", "--postmortems", "30", "--maintenance", "12", "--seed", "7", "--out", site.root.path
        ]
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
        #expect(try differences(site, allCompiled: false) == [])
        let incident = site.files(under: "public-compiled/incidents").first { $0.hasSuffix("index.html") }
        let page = try site.read("public-compiled/incidents/\(try #require(incident))")
        #expect(page.contains("<li class=\"mine\">"))
    }

    /// A site's own header and footer (the commonest override) keep the pages compiled, with the
    /// two partials rendered by swift-mustache inside them; still the same bytes.
    @Test func aSiteHeaderAndFooterGiveTheSameSiteEitherWay() throws {
        let site = try TemporarySite(files: [:])
        try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("content"), to: site.root.appendingPathComponent("content"))
        try site.write(
            "templates/header.mustache",
            "<!DOCTYPE html>\n<html lang=\"en\"><head><title>{{page.title}} · Acme</title></head>\n<body>{{#page}}<nav><a href=\"{{root}}index.html\">Acme status</a>{{#isHistory}} · history{{/isHistory}}</nav>{{/page}}<main id=\"main\">\n"
        )
        try site.write("templates/footer.mustache", "</main><footer>{{page.support}}</footer></body></html>\n")
        #expect(try differences(site) == [])
        let page = try site.read("public-compiled/history/index.html")
        #expect(page.contains("<nav><a href=\"../index.html\">Acme status</a> · history</nav>"), "\(page.prefix(400))")
    }
}
