import Foundation
import Testing

@Suite("herald check")
struct CheckCommandTests {
    let now = "2026-11-22T15:00:00Z"
    let folder = "content/incidents/2026-11-22-search-down"

    func check(_ site: TemporarySite, _ extra: String...) throws -> HeraldRunner.Result {
        try HeraldRunner.run(["check", "--now", now] + extra, in: site.root)
    }

    func codes(_ result: HeraldRunner.Result) -> [String] {
        result.stdout.split(separator: "\n").compactMap { line in
            guard line.hasSuffix("]"), let open = line.lastIndex(of: "[") else { return nil }
            return String(line[line.index(after: open)..<line.index(before: line.endIndex)])
        }
    }

    /// A site whose only incident has a fresh first update naming support.
    func cleanSite() throws -> TemporarySite {
        let site = try TemporarySite()
        try site.write(
            "\(folder)/20261122T140500Z-investigating-ab12.md",
            "---\nstatus: investigating\nat: 2026-11-22T14:05:00Z\n---\nSearch requests fail. Contact help@status.test.\n")
        try site.write("\(folder)/20261122T145000Z-identified-cd34.md", "---\nstatus: identified\nat: 2026-11-22T14:50:00Z\n---\nWe found the cause.\n")
        return site
    }

    @Test func cleanSitePassesEvenStrict() throws {
        let site = try cleanSite()
        let result = try check(site, "--strict")
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout.contains("herald check: no problems"))
    }

    @Test func loadErrorsAreErrors() throws {
        let site = try cleanSite()
        try site.write("\(folder)/20261122T145500Z-x-ef56.md", "---\nstatus: resolvd\nat: 2026-11-22T14:55:00Z\n---\nx\n")
        let result = try check(site)
        #expect(result.status == 1)
        #expect(result.stdout.contains("\(folder)/20261122T145500Z-x-ef56.md:2: error: unknown status 'resolvd'"))
    }

    /// `herald build` refuses a template that does not parse, so `herald check` reports it, with
    /// content problems and without them.
    @Test func templateErrorsAreErrors() throws {
        let site = try cleanSite()
        try site.write("templates/update.mustache", "<li>\n{{#broken}\n")
        let result = try check(site)
        #expect(result.status == 1, "\(result.stdout)")
        #expect(result.stdout.contains("templates/update.mustache:2: error: template error"), "\(result.stdout)")
        try site.write("\(folder)/20261122T145500Z-x-ef56.md", "---\nstatus: resolvd\nat: 2026-11-22T14:55:00Z\n---\nx\n")
        let both = try check(site)
        #expect(both.status == 1)
        #expect(both.stdout.contains("templates/update.mustache:2: error: template error"), "\(both.stdout)")
        #expect(both.stdout.contains("\(folder)/20261122T145500Z-x-ef56.md:2: error: unknown status 'resolvd'"))
    }

    @Test func staleAndExitCodes() throws {
        let site = try cleanSite()
        let late = try check(site, "--now", "2026-11-22T15:30:00Z")
        #expect(codes(late) == ["stale"])
        #expect(late.status == 0)
        #expect(late.stdout.contains("no public update for 40m"))
        #expect(try check(site, "--now", "2026-11-22T15:30:00Z", "--strict").status == 1)
    }

    @Test(arguments: [
        ("We expect a fix this morning.", true), ("Back at 10am, or 3 p.m.", true), ("Resolved by 09:00 PST.", true), ("Since yesterday.", true),
        ("Fixed at 14:05 UTC on 2026-11-22.", false), ("The ESTABLISHED connections are fine.", false), ("`tonight` is a job name", false),
        ("Seen in logs:\n\n> ERROR tonight batch\n", false)
    ])
    func localTime(text: String, flagged: Bool) throws {
        let site = try cleanSite()
        try site.write("\(folder)/20261122T145000Z-identified-cd34.md", "---\nstatus: identified\nat: 2026-11-22T14:50:00Z\n---\n\(text)\n")
        let result = try check(site)
        #expect(codes(result).contains("local-time") == flagged, "\(text): \(result.stdout)")
        if flagged { #expect(result.stdout.contains("\(folder)/20261122T145000Z-identified-cd34.md:5: warning:")) }
    }

    @Test func firstContactAndLength() throws {
        let site = try cleanSite()
        try site.write("\(folder)/20261122T140500Z-investigating-ab12.md", "---\nstatus: investigating\nat: 2026-11-22T14:05:00Z\n---\nSearch requests fail.\n")
        try site.write(
            "\(folder)/20261122T145000Z-identified-cd34.md",
            "---\nstatus: identified\nat: 2026-11-22T14:50:00Z\n---\n" + String(repeating: "word ", count: 130) + "\n")
        let result = try check(site)
        #expect(Set(codes(result)) == ["first-contact", "length"])
        #expect(result.stdout.contains("update is 649 characters (limit 600)"))
    }

    /// herald check keeps parsed records in the site's parse cache, as builds do: a second run
    /// (records from the cache) reports exactly what the first (everything parsed) did, and a
    /// change made since is seen.
    @Test func theSameFindingsFromTheParseCache() throws {
        let site = try cleanSite()
        try site.write("\(folder)/20261122T140500Z-investigating-ab12.md", "---\nstatus: investigating\nat: 2026-11-22T14:05:00Z\n---\nSearch requests fail.\n")
        try site.write("\(folder)/20261122T145000Z-identified-cd34.md", "---\nstatus: identified\nat: 2026-11-22T14:50:00Z\n---\nFixed this morning.\n")
        let first = try check(site)
        #expect(site.exists(".herald-cache/cache"))
        let second = try check(site)
        #expect(second.stdout == first.stdout)
        #expect(second.status == first.status)
        #expect(Set(codes(second)) == ["first-contact", "local-time"])
        try site.write("\(folder)/20261122T145000Z-identified-cd34.md", "---\nstatus: identified\nat: 2026-11-22T14:50:00Z\n---\nFixed at 14:40 UTC.\n")
        #expect(Set(codes(try check(site))) == ["first-contact"])
    }

    /// A store large enough to be checked in several chunks on both cores reports every finding
    /// once, with its line (scripts/sanitize runs this under ThreadSanitizer too).
    @Test func aLargeStoreIsCheckedInChunksAndNothingIsLostOrDoubled() throws {
        let site = try cleanSite()
        let count = 600
        for n in 0..<count {
            let folder = "content/incidents/2026-11-01-load-\(n)"
            let title = n % 7 == 0 ? "Slow this morning \(n)" : "Slow \(n)"
            try site.write("\(folder)/incident.md", "---\ntitle: \(title)\nseverity: minor\ncomponents: [search]\n---\n")
            try site.write("\(folder)/20261101T100000Z-resolved-aaaa.md", "---\nstatus: resolved\nat: 2026-11-01T10:00:00Z\n---\nIt was slow.\n")
        }
        let result = try check(site)
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.filter { $0.hasSuffix("[first-contact]") }.count == count)
        let local = lines.filter { $0.hasSuffix("[local-time]") }
        #expect(local.count == (count + 6) / 7)
        #expect(local.allSatisfy { $0.contains("/incident.md:2: warning:") })
        #expect(Set(lines).count == lines.count)
    }

    @Test func order() throws {
        let site = try cleanSite()
        try site.write(
            "\(folder)/incident.md", "---\ntitle: Search is unavailable\nseverity: major\ncomponents: [search]\nimpact_started: 2026-11-22T14:30:00Z\n---\n")
        try site.write("\(folder)/20261122T142000Z-note-gh78.md", "---\nkind: note\nat: 2026-11-22T14:20:00Z\nmilestone: detected\n---\nAlert.\n")
        let result = try check(site)
        #expect(codes(result).contains("order"))
        #expect(result.stdout.contains("is before impact_started (2026-11-22 14:30 UTC)"))
    }

    func postmortem(_ site: TemporarySite, _ body: String) throws {
        try site.write("content/postmortems/2026-11-22-search-down.md", "---\nincident: 2026-11-22-search-down\nstatus: draft\n---\n\(body)\n")
    }

    @Test(arguments: [
        ("It was human error.", true), ("Bob failed to restart the cache.", true), ("The on-call engineer should have noticed.", true),
        ("This was Jane's fault.", true), ("If only we had tested it.", true), ("Jane Doe forgot the flag.", true), ("A careless change.", true),
        ("The service failed to start.", false), ("The default config was faulty.", false), ("An issue which should have been addressed earlier.", false),
        ("We should have at least one item per type.", false), ("Entries are skipped (if only CI is updated).", false), ("`human error` is a log string", false)
    ])
    func blame(text: String, flagged: Bool) throws {
        let site = try cleanSite()
        try postmortem(site, text)
        let result = try check(site)
        #expect(codes(result).contains("blame") == flagged, "\(text): \(result.stdout)")
    }

    /// The real postmortems in Tests/Fixtures/real use "should have" and "if only" in non-blaming senses.
    @Test(arguments: ["mybinder_2018-01-18-reddit-hug.md", "etcd_v3.5-data-inconsistency.md", "dfds_PM2019-009_kubernetes-ip-starvation.md"])
    func realPostmortemsAreNotBlaming(file: String) throws {
        let site = try cleanSite()
        try postmortem(site, try String(contentsOf: realFixtures.appendingPathComponent("postmortems/\(file)"), encoding: .utf8))
        let result = try check(site)
        #expect(!codes(result).contains("blame"), "\(result.stdout)")
        if file.hasPrefix("mybinder") { #expect(codes(result).contains("local-time") == false) }  // postmortems are not public updates
    }

    @Test func missingPostmortem() throws {
        let site = try cleanSite()
        try site.write("\(folder)/20261122T145500Z-resolved-ij90.md", "---\nstatus: resolved\nat: 2026-11-22T14:55:00Z\n---\nDone.\n")
        #expect(!codes(try check(site)).contains("missing-postmortem"))
        let later = try check(site, "--now", "2026-12-05T00:00:00Z")
        #expect(codes(later).contains("missing-postmortem"))
        try site.write("content/postmortems/2026-11-22-search-down.md", "---\nincident: 2026-11-22-search-down\nstatus: published\n---\nBody.\n")
        #expect(!codes(try check(site, "--now", "2026-12-05T00:00:00Z")).contains("missing-postmortem"))
    }

    @Test func unredacted() throws {
        let site = try cleanSite()
        try postmortem(site, "The incident lead Marco Rossi paged @carla. Jane Doe helped.")
        let result = try check(site)
        #expect(result.stdout.contains("'Marco Rossi' looks like a person's name but is not in people.yml"))
        #expect(result.stdout.contains("handle '@carla' is not in people.yml"))
        #expect(!result.stdout.contains("'Jane Doe' looks like"))
    }

    @Test func suppressionInlineAndInSiteYML() throws {
        let site = try cleanSite()
        try postmortem(site, "It was human error.\n\n<!-- herald-ignore blame -->")
        #expect(!codes(try check(site)).contains("blame"))
        try postmortem(site, "It was human error.")
        #expect(codes(try check(site)).contains("blame"))
        try site.write("content/site.yml", TemporarySite.minimalSiteYML + "\ncheck:\n  disable: [blame]\n")
        #expect(!codes(try check(site)).contains("blame"))
    }

    @Test func jsonOutput() throws {
        let site = try cleanSite()
        try postmortem(site, "It was human error.")
        let result = try check(site, "--format", "json")
        let items = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        let blame = try #require(items.first { $0["code"] as? String == "blame" })
        #expect(blame["path"] as? String == "content/postmortems/2026-11-22-search-down.md")
        #expect(blame["line"] as? Int == 5)
        #expect(blame["severity"] as? String == "warning")
        #expect(result.status == 0)
    }
}
