import Foundation
import Testing

/// Bad input: every problem in every file at once, `path:line: error: …`, exit 1, nothing written.
@Suite("herald build refuses bad content")
struct BuildErrorTests {
    let incident = "content/incidents/2026-11-22-search-down"

    func build(_ site: TemporarySite) throws -> HeraldRunner.Result {
        try site.herald("build", "--now", "2026-11-22T15:00:00Z")
    }

    @Test func unknownStatusNamesFileLineAndExpectedValues() throws {
        let site = try TemporarySite()
        try site.write("\(incident)/20261122T141000Z-resolved-zz99.md", "---\nstatus: resolvd\nat: 2026-11-22T14:10:00Z\n---\nFixed.\n")
        let result = try build(site)
        #expect(result.status == 1)
        #expect(
            result.stderr.contains(
                "\(incident)/20261122T141000Z-resolved-zz99.md:2: error: unknown status 'resolvd' (expected investigating, identified, monitoring, resolved)"))
        #expect(!site.exists("public"))
    }

    @Test func everyProblemInEveryFileAtOnce() throws {
        let site = try TemporarySite()
        try site.write("\(incident)/incident.md", "---\ntitle: Search is unavailable\nseverity: catastrophic\ncomponents: [search, serch]\n---\n")
        try site.write("\(incident)/20261122T141000Z-x-aaaa.md", "---\nstatus: identified\nat: 2026-11-22T14:10:00\n---\nFound it.\n")
        try site.write("content/incidents/2026-11-21-other/incident.md", "---\nseverity: minor\n---\n")
        try site.write("content/incidents/2026-11-21-other/20261121T100000Z-investigating-bbbb.md", "---\nstatus: investigating\nat: [oops\n---\nLooking.\n")
        try site.write("content/incidents/Bad_Id/incident.md", "---\ntitle: x\n---\n")
        let result = try build(site)
        #expect(result.status == 1)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.contains("\(incident)/incident.md:3: error: unknown severity 'catastrophic' (expected critical, major, minor)"))
        #expect(lines.contains { $0.hasPrefix("\(incident)/incident.md:4: error: unknown component 'serch'") && $0.contains("did you mean 'search'?") })
        #expect(
            lines.contains(
                "\(incident)/20261122T141000Z-x-aaaa.md:3: error: time '2026-11-22T14:10:00' has no zone (expected RFC 3339 with Z or an offset, e.g. 2026-11-22T14:05:00Z)"
            ))
        #expect(lines.contains("content/incidents/2026-11-21-other/incident.md:2: error: missing 'title'"))
        #expect(lines.contains { $0.hasPrefix("content/incidents/2026-11-21-other/20261121T100000Z-investigating-bbbb.md:") && $0.contains("broken YAML") })
        #expect(lines.contains { $0.hasPrefix("content/incidents/Bad_Id: error: id 'Bad_Id' may only hold lowercase") })
        #expect(lines.last == "herald: 6 errors; nothing was written")
        #expect(!site.exists("public"))
    }

    @Test func brokenContentAndABrokenTemplateAreReportedTogether() throws {
        let site = try TemporarySite()
        try site.write("\(incident)/incident.md", "---\ntitle: Search is unavailable\nseverity: catastrophic\n---\n")
        try site.write("templates/footer.mustache", "{{#page}}\n{{/pages}}\n")
        try site.write("templates/update.mustache", "{{#broken}\n")
        let result = try build(site)
        #expect(result.status == 1)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.contains("\(incident)/incident.md:3: error: unknown severity 'catastrophic' (expected critical, major, minor)"), "\(result.stderr)")
        #expect(lines.contains { $0.hasPrefix("templates/footer.mustache:2: error: template error") }, "\(result.stderr)")
        #expect(lines.contains { $0.hasPrefix("templates/update.mustache:1: error: template error") }, "\(result.stderr)")
        #expect(lines.last == "herald: 3 errors; nothing was written")
        #expect(!site.exists("public"))
    }

    @Test func malformedIdsAreRefused() throws {
        let site = try TemporarySite()
        for id in ["2026-13-40-bad-date", "search-down", "2026-11-22-"] {
            try site.write("content/incidents/\(id)/incident.md", "---\ntitle: x\nseverity: minor\n---\n")
        }
        let result = try build(site)
        #expect(result.status == 1)
        #expect(result.stderr.contains("content/incidents/2026-13-40-bad-date: error: id '2026-13-40-bad-date' is not of the form YYYY-MM-DD-words"))
        #expect(result.stderr.contains("content/incidents/search-down: error: id 'search-down' is not of the form YYYY-MM-DD-words"))
    }

    @Test func duplicateComponentIdAndBadSiteSettings() throws {
        let site = try TemporarySite()
        try site.write(
            "content/site.yml",
            """
            title: Test
            base_url: status.test
            support: help@status.test
            stale_after: soon
            components:
              - id: api
                name: API
              - id: api
                name: API again
            """)
        let result = try build(site)
        #expect(result.status == 1)
        #expect(result.stderr.contains("content/site.yml:2: error: base_url 'status.test' must be an absolute http(s) URL"))
        #expect(result.stderr.contains("content/site.yml:4: error: stale_after 'soon' is not a duration"))
        #expect(result.stderr.contains("content/site.yml:8: error: component id 'api' is used twice"))
    }

    @Test func maintenanceRefusesIncidentStatuses() throws {
        let site = try TemporarySite()
        try site.write(
            "content/maintenance/2026-12-01-db-upgrade/maintenance.md",
            "---\ntitle: DB upgrade\ncomponents: [api]\nscheduled_start: 2026-12-01T02:00:00Z\nscheduled_end: 2026-12-01T03:00:00Z\n---\n")
        try site.write(
            "content/maintenance/2026-12-01-db-upgrade/20261201T020000Z-x-cccc.md", "---\nstatus: investigating\nat: 2026-12-01T02:00:00Z\n---\nStarted.\n")
        let result = try build(site)
        #expect(result.status == 1)
        #expect(
            result.stderr.contains(
                "content/maintenance/2026-12-01-db-upgrade/20261201T020000Z-x-cccc.md:2: error: 'investigating' is not a maintenance status (expected scheduled, in_progress, verifying, completed)"
            ))
    }

    @Test func updateWithoutMessageAndUnknownField() throws {
        let site = try TemporarySite()
        try site.write("\(incident)/20261122T141000Z-x-dddd.md", "---\nstatus: identified\nat: 2026-11-22T14:10:00Z\nstaus: x\n---\n\n")
        let result = try build(site)
        #expect(result.status == 1)
        #expect(result.stderr.contains("20261122T141000Z-x-dddd.md:6: error: public update has no message"))
        #expect(result.stderr.contains("20261122T141000Z-x-dddd.md:4: error: unknown field 'staus'"))
        #expect(result.stderr.contains("did you mean 'status'?"))
    }

    @Test func missingFrontMatter() throws {
        let site = try TemporarySite()
        try site.write("\(incident)/20261122T141000Z-x-eeee.md", "status: identified\n")
        let result = try build(site)
        #expect(result.stderr.contains("20261122T141000Z-x-eeee.md:1: error: missing front matter"))
    }

    @Test func failedBuildLeavesOldPublicUntouched() throws {
        let site = try TemporarySite()
        #expect(try build(site).status == 0)
        let before = try site.read("public/index.html")
        let filesBefore = site.files(under: "public")
        try site.write("\(incident)/20261122T141000Z-x-ffff.md", "---\nstatus: fixed\nat: 2026-11-22T14:10:00Z\n---\nx\n")
        #expect(try build(site).status == 1)
        #expect(try site.read("public/index.html") == before)
        #expect(site.files(under: "public") == filesBefore)
        // No staging folders are left behind either (the output's state folder holds only the
        // first build's manifest).
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: site.root.path).filter { $0.hasPrefix(".public") || $0.contains("herald-tmp") }
        #expect(leftovers == [".public.herald"])
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: site.root.appendingPathComponent(".public.herald").path).allSatisfy {
                $0.hasPrefix("manifest-") && !$0.contains(".tmp")
            })
    }

    @Test func nameInOutputFailsTheBuild() throws {
        let site = try TemporarySite()
        // A component name is site configuration and is not redacted: the leak scanner catches it.
        try site.write("content/site.yml", TemporarySite.minimalSiteYML + "\n  - id: janes-box\n    name: Jane Doe's box\n")
        let result = try build(site)
        #expect(result.status == 1)
        #expect(result.stderr.contains("public/index.html:"))
        #expect(result.stderr.contains("output contains the name or an alias of the person at content/people.yml:1; it must be shown as a role"))
        // The error never repeats the name (CI logs are often public).
        #expect(!result.stderr.contains("Jane"))
        #expect(!site.exists("public"))
    }

    @Test func refusesToReplaceAForeignFolder() throws {
        let site = try TemporarySite()
        try site.write("mine/notes.txt", "precious")
        let result = try site.herald("build", "--now", "2026-11-22T15:00:00Z", "--out", "mine")
        #expect(result.status == 1)
        #expect(result.stderr.contains("was not made by herald build"))
        #expect(try site.read("mine/notes.txt") == "precious")
    }

    @Test func noSiteHere() throws {
        let site = try TemporarySite(files: [:])
        let result = try site.herald("build")
        #expect(result.status == 1)
        #expect(result.stderr.contains("no Herald site here"))
    }
}
