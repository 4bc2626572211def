import Foundation
import Testing

@Suite("herald build output")
struct BuildOutputTests {
    let now = "2026-11-22T15:00:00Z"

    @Test func deterministicByteForByte() throws {
        let site = try TemporarySite()
        #expect(try site.herald("build", "--now", now, "--out", "a").status == 0)
        #expect(try site.herald("build", "--now", now, "--out", "b").status == 0)
        let a = site.files(under: "a")
        let b = site.files(under: "b")
        #expect(a == b)
        #expect(a.count > 5)
        // The marker is the build's manifest (it records file times); everything else is the site.
        for path in a where path != ".herald-output" {
            #expect(try site.read("a/" + path) == site.read("b/" + path), "\(path) differs")
        }
    }

    @Test func sourceDateEpochFixesNow() throws {
        let site = try TemporarySite()
        let result = try site.herald("build", "--out", "a", environment: ["SOURCE_DATE_EPOCH": "1795359600"])  // 2026-11-22T15:00:00Z
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try site.read("a/index.html").contains("<time datetime=\"2026-11-22T15:00:00Z\">2026-11-22 15:00 UTC</time>"))
    }

    @Test func removesPagesOfDeletedRecordsAndRewritesOnlyChangedFiles() throws {
        let site = try TemporarySite()
        try site.write("content/incidents/2026-11-20-old/incident.md", "---\ntitle: Old one\nseverity: minor\ncomponents: [web]\n---\n")
        try site.write("content/incidents/2026-11-20-old/20261120T100000Z-resolved-aaaa.md", "---\nstatus: resolved\nat: 2026-11-20T10:00:00Z\n---\nDone.\n")
        #expect(try site.herald("build", "--now", now).status == 0)
        #expect(site.exists("public/incidents/2026-11-20-old/index.html"))
        try FileManager.default.removeItem(at: site.root.appendingPathComponent("content/incidents/2026-11-20-old"))
        let second = try site.herald("build", "--now", now)
        #expect(second.status == 0)
        #expect(!site.exists("public/incidents/2026-11-20-old/index.html"))
        #expect(second.stdout.contains("1 removed"))
        let third = try site.herald("build", "--now", now)
        #expect(third.stdout.contains("0 written"), "\(third.stdout)")
    }

    /// Pages of records that did not change do not depend on the build time, so a later build
    /// rewrites only the status page and what depends on "now".
    @Test func laterBuildRewritesOnlyWhatDependsOnNow() throws {
        let site = try TemporarySite()
        try site.write("content/incidents/2026-11-20-old/incident.md", "---\ntitle: Old one\nseverity: minor\ncomponents: [web]\n---\n")
        try site.write("content/incidents/2026-11-20-old/20261120T100000Z-resolved-aaaa.md", "---\nstatus: resolved\nat: 2026-11-20T10:00:00Z\n---\nDone.\n")
        #expect(try site.herald("build", "--now", now).status == 0)
        let old = try site.read("public/incidents/2026-11-20-old/index.html")
        let later = try site.herald("build", "--now", "2026-11-22T16:00:00Z")
        #expect(later.status == 0)
        #expect(try site.read("public/incidents/2026-11-20-old/index.html") == old)
        #expect(try site.read("public/index.html").contains("Status as of <time datetime=\"2026-11-22T16:00:00Z\">"))
        #expect(!old.contains("2026-11-22T15:00:00Z"))
    }

    @Test func timesAreUTCAndOffsetsAreConverted() throws {
        let site = try TemporarySite()
        try site.write(
            "content/incidents/2026-11-22-search-down/20261122T143000Z-identified-bbbb.md",
            "---\nstatus: identified\nat: 2026-11-22T15:30:00+01:00\n---\nFound the cause.\n")
        #expect(try site.herald("build", "--now", now).status == 0)
        let page = try site.read("public/incidents/2026-11-22-search-down/index.html")
        #expect(page.contains("<time datetime=\"2026-11-22T14:30:00Z\">2026-11-22 14:30 UTC</time>"))
        // Newest update first.
        let identified = try #require(page.range(of: "Found the cause."))
        let investigating = try #require(page.range(of: "Search requests fail."))
        #expect(identified.lowerBound < investigating.lowerBound)
    }

    @Test func escapesTextAndDropsRawHTML() throws {
        let site = try TemporarySite()
        try site.write(
            "content/incidents/2026-11-22-search-down/incident.md", "---\ntitle: \"<b>Search</b> & more\"\nseverity: major\ncomponents: [search]\n---\n")
        try site.write(
            "content/incidents/2026-11-22-search-down/20261122T143000Z-identified-cccc.md",
            "---\nstatus: identified\nat: 2026-11-22T14:30:00Z\n---\n<script>alert(1)</script> [click](javascript:alert(1))\n")
        #expect(try site.herald("build", "--now", now).status == 0)
        let page = try site.read("public/incidents/2026-11-22-search-down/index.html")
        #expect(page.contains("&lt;b&gt;Search&lt;/b&gt; &amp; more"))
        #expect(!page.contains("<script>"))
        #expect(!page.contains("javascript:"))
    }

    @Test func statusPageShowsFourteenDaysUpstreamAndRelativeLinks() throws {
        let site = try TemporarySite()
        try site.write(
            "content/incidents/2026-11-18-mail-provider/incident.md", "---\ntitle: Email delays\nseverity: minor\ncomponents: [web]\nupstream: true\n---\n")
        try site.write(
            "content/incidents/2026-11-18-mail-provider/20261118T100000Z-resolved-dddd.md",
            "---\nstatus: resolved\nat: 2026-11-18T10:00:00Z\n---\nOur email provider recovered.\n")
        #expect(try site.herald("build", "--now", now).status == 0)
        let index = try site.read("public/index.html")
        #expect(index.components(separatedBy: "<div class=\"day\">").count - 1 == 14)
        #expect(index.components(separatedBy: "No incidents reported.").count - 1 == 12)
        #expect(index.contains("<time datetime=\"2026-11-09\">9 November 2026</time>"))
        #expect(!index.contains(">8 November 2026<"))
        #expect(index.contains("Upstream provider"))
        #expect(index.contains("href=\"incidents/2026-11-18-mail-provider/index.html\""))
        let page = try site.read("public/incidents/2026-11-18-mail-provider/index.html")
        #expect(page.contains("href=\"../../assets/style.css\""))
        #expect(page.contains("failure at an upstream provider"))
        // Every relative link in every page resolves to a generated file.
        for path in site.files(under: "public") where path.hasSuffix(".html") && path != "404.html" {
            let html = try site.read("public/" + path)
            let base = URL(fileURLWithPath: site.root.appendingPathComponent("public/" + path).path)
            for link in html.components(separatedBy: "href=\"").dropFirst().map({ String($0.prefix { $0 != "\"" }) })
            where !link.hasPrefix("http") && !link.hasPrefix("mailto:") && !link.hasPrefix("#") {
                let target = URL(fileURLWithPath: link, relativeTo: base.deletingLastPathComponent()).standardizedFileURL
                let exists = FileManager.default.fileExists(atPath: target.path)
                let optional = ["postmortems/index.html", "maintenance.ics", "api/v2/summary.json"].contains { target.path.hasSuffix($0) }
                #expect(exists || optional, "\(path) links to missing \(link)")
            }
        }
    }

    @Test func historyByMonth() throws {
        let site = try TemporarySite()
        try site.write("content/incidents/2026-10-03-api-slow/incident.md", "---\ntitle: API slow\nseverity: minor\ncomponents: [api]\n---\n")
        try site.write(
            "content/incidents/2026-10-03-api-slow/20261003T100000Z-resolved-eeee.md", "---\nstatus: resolved\nat: 2026-10-03T10:00:00Z\n---\nFixed.\n")
        #expect(try site.herald("build", "--now", now).status == 0)
        #expect(site.exists("public/history/2026/10/index.html"))
        #expect(site.exists("public/history/2026/11/index.html"))
        let october = try site.read("public/history/2026/10/index.html")
        #expect(october.contains("API slow"))
        #expect(!october.contains("Search is unavailable"))
        #expect(october.contains("href=\"../../../history/2026/11/index.html\""))
        let history = try site.read("public/history/index.html")
        #expect(history.contains("October 2026"))
        #expect(history.contains("November 2026"))
    }

    @Test func siteTemplatesOverrideTheBuiltInThemeFileByFile() throws {
        let site = try TemporarySite()
        try site.write("templates/footer.mustache", "</main><footer>Custom footer for {{page.siteTitle}}</footer></body></html>\n")
        #expect(try site.herald("build", "--now", now).status == 0)
        let index = try site.read("public/index.html")
        #expect(index.contains("Custom footer for Test Status"))
        #expect(index.contains("<h2 id=\"components-heading\">Components</h2>"))
        try site.write("templates/index.mustache", "{{#broken}\n")
        let bad = try site.herald("build", "--now", now)
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("templates/index.mustache:1: error: template error"))
    }

    /// Site templates get every swift-mustache feature on view-model text: transforms, a string as
    /// a section's object, and dynamic partials named by a key (docs/theme.md).
    @Test func siteTemplatesUseTransformsStringSectionsAndDynamicPartials() throws {
        let site = try TemporarySite()
        try site.write("content/incidents/2026-11-20-pay/incident.md", "---\ntitle: Payments & <checkout>\nseverity: major\ncomponents: [api]\n---\n")
        try site.write("content/incidents/2026-11-20-pay/20261120T100000Z-resolved-aaaa.md", "---\nstatus: resolved\nat: 2026-11-20T10:00:00Z\n---\nFixed.\n")
        try site.write(
            "templates/incident.mustache",
            "{{#incident}}<h1>{{uppercased(title)}}</h1><p>{{>*status}}</p><p>{{#severity}}[{{.}}]{{/severity}}</p>{{/incident}}\n")
        try site.write("templates/resolved.mustache", "Closed: {{statusLabel}}")
        let result = try site.herald("build", "--now", now)
        #expect(result.status == 0, "\(result.stderr)")
        let page = try site.read("public/incidents/2026-11-20-pay/index.html")
        #expect(page.contains("<h1>PAYMENTS &amp; &lt;CHECKOUT&gt;</h1><p>Closed: Resolved</p><p>[major]</p>"), "\(page)")
        // A dynamic partial of the section's own object: {{>*.}} inside {{#status}}.
        try site.write("templates/incident.mustache", "{{#incident}}{{#status}}<p>{{>*.}}</p>{{/status}}{{/incident}}\n")
        #expect(try site.herald("build", "--now", now).status == 0)
        #expect(try site.read("public/incidents/2026-11-20-pay/index.html").contains("<p>Closed: Resolved</p>"))
    }

    /// The status page, the API's per-update component changes and the uptime bars replay the same
    /// updates by the same rules (docs/content.md): a component an update set to operational stays
    /// so until another update changes it, and a reopened incident starts again from the defaults.
    @Test func componentStatusesAgreeOnTheStatusPageInTheAPIAndInTheUptimeBars() throws {
        let site = try TemporarySite()
        let web = "content/incidents/2026-11-20-web"
        func record(_ folder: String, _ incident: String, _ events: [(file: String, front: String)]) throws {
            try site.write("\(folder)/incident.md", "---\n\(incident)\n---\n")
            for event in events { try site.write("\(folder)/\(event.file).md", "---\n\(event.front)\n---\nText.\n") }
        }
        try record(
            web, "title: Website slow\nseverity: major\ncomponents: [web]",
            [
                ("20261120T100000Z-investigating-aaaa", "status: investigating\nat: 2026-11-20T10:00:00Z"),
                ("20261120T103000Z-identified-bbbb", "status: identified\nat: 2026-11-20T10:30:00Z\ncomponents: {web: operational}"),
                ("20261120T110000Z-monitoring-cccc", "status: monitoring\nat: 2026-11-20T11:00:00Z"),
                ("20261120T113000Z-monitoring-dddd", "status: monitoring\nat: 2026-11-20T11:30:00Z\ncomponents: {web: degraded_performance}"),
                ("20261120T120000Z-resolved-eeee", "status: resolved\nat: 2026-11-20T12:00:00Z")
            ])
        let api = "content/incidents/2026-11-21-api"
        try record(
            api, "title: API errors\nseverity: critical\ncomponents: [api]",
            [
                ("20261121T100000Z-investigating-aaaa", "status: investigating\nat: 2026-11-21T10:00:00Z\ncomponents: {api: degraded_performance}"),
                ("20261121T110000Z-resolved-bbbb", "status: resolved\nat: 2026-11-21T11:00:00Z"),
                ("20261121T120000Z-investigating-cccc", "status: investigating\nat: 2026-11-21T12:00:00Z")
            ])
        let result = try site.herald("build", "--now", now)
        #expect(result.status == 0, "\(result.stderr)")

        // Now: the reopened critical incident puts the API at its default, major outage.
        let components = try JSONSerialization.jsonObject(with: Data(site.read("public/api/v2/components.json").utf8)) as! [String: Any]
        let statuses = Dictionary(uniqueKeysWithValues: (components["components"] as! [[String: Any]]).map { ($0["name"] as! String, $0["status"] as! String) })
        #expect(statuses["API"] == "major_outage")
        #expect(statuses["Website"] == "operational")
        #expect(
            try site.read("public/index.html").contains(
                "<li class=\"component s-major_outage\">\n<div class=\"component-head\"><span class=\"name\">API</span>"))

        // Each update's old and new status in the API.
        let incidents = try JSONSerialization.jsonObject(with: Data(site.read("public/api/v2/incidents.json").utf8)) as! [String: Any]
        let slow = try #require((incidents["incidents"] as! [[String: Any]]).first { $0["name"] as? String == "Website slow" })
        let changes = (slow["incident_updates"] as! [[String: Any]]).reversed().map { update in
            ((update["affected_components"] as? [[String: Any]]) ?? []).map { "\($0["name"]!): \($0["old_status"]!) -> \($0["new_status"]!)" }
        }
        #expect(changes == [[], ["Website: partial_outage -> operational"], [], ["Website: operational -> degraded_performance"], []])

        // The uptime bars: the Website was down 10:00-10:30 (the default) and degraded 11:30-12:00;
        // the API degraded 10:00-11:00, then in major outage from the reopening on.
        let index = try site.read("public/index.html")
        #expect(index.contains("<title>2026-11-20: 30 minutes partial outage, 30 minutes degraded performance</title>"))
        #expect(index.contains("<title>2026-11-21: 720 minutes major outage, 60 minutes degraded performance</title>"))
        #expect(index.contains("<title>2026-11-22: 900 minutes major outage</title>"))
    }
}
