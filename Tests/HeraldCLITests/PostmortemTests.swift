import Foundation
import Testing

@testable import HeraldCore

/// Real data written by others (published postmortems, Statuspage payloads), copied with their
/// sources and licences into `Tests/Fixtures/real` (see SOURCES.md there).
let realFixtures = repositoryRoot.appendingPathComponent("Tests/Fixtures/real")

@Suite("postmortems")
struct PostmortemTests {
    let now = "2026-11-22T15:00:00Z"
    let id = "2026-11-22-search-down"

    static let roster = """
        - name: Jane Doe
          aliases: ["@jane", jane@corp.test, Jane]
        - name: Bob Smith
          aliases: [Bob, "@bob"]
        - name: Søren Kierkegaard
          aliases: [Søren]
        - name: Tim Head
          aliases: [Tim]
        - name: Carol Willing
          aliases: [Carol]
        - name: Yuvi Panda
          aliases: [Yuvi]
        """

    /// Every name and alias in the roster above.
    static let rosterStrings = [
        "Jane Doe", "@jane", "jane@corp.test", "Jane", "Bob Smith", "Bob", "@bob", "Søren Kierkegaard", "Søren", "Tim Head", "Tim", "Carol Willing", "Carol",
        "Yuvi Panda", "Yuvi"
    ]

    func site(postmortem: String, status: String = "published", extraEvents: [String: String] = [:]) throws -> TemporarySite {
        let site = try TemporarySite()
        try site.write("content/people.yml", Self.roster)
        try site.write(
            "content/incidents/\(id)/20261122T141000Z-note-aaaa.md",
            "---\nkind: note\nat: 2026-11-22T14:10:00Z\nby: Bob Smith\nmilestone: detected\n---\nBob saw the alert and paged @jane.\n")
        try site.write(
            "content/incidents/\(id)/20261122T142000Z-role-bbbb.md",
            "---\nkind: role\nat: 2026-11-22T14:20:00Z\nrole: incident-lead\nperson: Søren Kierkegaard\n---\n")
        try site.write(
            "content/incidents/\(id)/20261122T143000Z-monitoring-cccc.md",
            "---\nstatus: monitoring\nat: 2026-11-22T14:30:00Z\nby: Jane Doe\n---\nA fix is in place.\n")
        try site.write(
            "content/incidents/\(id)/20261122T145000Z-resolved-dddd.md", "---\nstatus: resolved\nat: 2026-11-22T14:50:00Z\nby: Jane Doe\n---\nResolved.\n")
        for (name, text) in extraEvents { try site.write("content/incidents/\(id)/\(name)", text) }
        try site.write(
            "content/postmortems/\(id).md",
            """
            ---
            incident: \(id)
            status: \(status)
            published: 2026-11-22
            summary: Jane Doe and Bob wrote this summary.
            authors: [Jane Doe, Bob Smith]
            timeline:
              - at: 2026-11-22T13:58:00Z
                text: Deploy 4521 began (started by [Bob](mailto:bob@corp.test)).
                milestone: impact-started
            action_items:
              - title: Alert sooner, says Jane
                type: detect
                owner: Bob Smith
                status: open
                link: https://tracker.test/1
            ---
            \(postmortem)
            """)
        return site
    }

    /// Whether `name` occurs in `text` as a whole word.
    func containsWord(_ text: String, _ name: String) -> Bool {
        let pattern = "(?<![\\p{L}\\p{N}])" + NSRegularExpression.escapedPattern(for: name) + "(?![\\p{L}\\p{N}])"
        return text.range(of: pattern, options: [.regularExpression, .caseInsensitive]) != nil
    }

    /// Every file of the built site, as text.
    func allOutput(_ site: TemporarySite) throws -> [(String, String)] {
        try site.files(under: "public").map { ($0, String(decoding: try Data(contentsOf: site.root.appendingPathComponent("public/" + $0)), as: UTF8.self)) }
    }

    @Test func publishedPageHasDurationsTimelineActionItemsAndNoNames() throws {
        let site = try site(postmortem: "## What happened\n\nJane Doe asked Søren to take over. @marco helped; write to ops@corp.test.\n")
        let build = try site.herald("build", "--now", now)
        #expect(build.status == 0, "\(build.stderr)")
        let page = try site.read("public/postmortems/\(id)/index.html")
        #expect(page.contains("<h1>Postmortem: Search is unavailable</h1>"))
        #expect(page.contains("href=\"../../incidents/\(id)/index.html\""))
        // impact started 13:58 (timeline milestone) → detected 14:10 (note) = 12m; acknowledged by the first update 14:05 = 7m;
        // mitigated by the first monitoring update 14:30 = 32m; resolved 14:50 = 52m.
        #expect(page.contains("<th scope=\"row\">Time to detect</th><td>12m</td>"))
        #expect(page.contains("<th scope=\"row\">Time to acknowledge</th><td>7m</td>"))
        #expect(page.contains("<th scope=\"row\">Time to mitigate</th><td>32m</td>"))
        #expect(page.contains("<th scope=\"row\">Time to resolve</th><td>52m</td>"))
        #expect(page.contains("The incident lead asked the second incident lead to take over. A responder helped; write to [address removed]."))
        #expect(page.contains("Written by</dt><dd>the incident lead, Responder 1</dd>"))
        #expect(page.contains("<td>Responder 1</td>"))
        #expect(page.contains("Deploy 4521 began (started by Responder 1)."))
        #expect(page.contains("<time datetime=\"2026-11-22T13:58:00Z\">13:58 UTC</time>"))
        // The timeline is curated: the internal note is not on it (its milestone still times detection).
        #expect(!page.contains("saw the alert"))
        #expect(page.contains("Role change"))
        #expect(page.contains("Incident lead: the second incident lead"))
        let index = try site.read("public/postmortems/index.html")
        #expect(index.contains("href=\"../postmortems/\(id)/index.html\""))
        #expect(try site.read("public/incidents/\(id)/index.html").contains("Read the postmortem"))
        for (path, text) in try allOutput(site) {
            for name in Self.rosterStrings { #expect(!containsWord(text, name), "\(name) in \(path)") }
        }
    }

    @Test(arguments: ["draft", "in-review"])
    func unpublishedPostmortemsReachNoFile(status: String) throws {
        let site = try site(postmortem: "SECRET-DRAFT-BODY", status: status)
        #expect(try site.herald("build", "--now", now).status == 0)
        #expect(!site.exists("public/postmortems/\(id)/index.html"))
        #expect(try site.read("public/postmortems/index.html").contains("No postmortems published yet."))
        for (path, text) in try allOutput(site) {
            #expect(!text.contains("SECRET-DRAFT-BODY"), "\(path)")
            #expect(!text.contains("postmortems/\(id)/"), "\(path)")
        }
    }

    @Test func missingMilestonesSayNotRecordedAndContradictionsWarn() throws {
        let site = try TemporarySite()
        try site.write(
            "content/incidents/\(id)/incident.md",
            "---\ntitle: Search is unavailable\nseverity: major\ncomponents: [search]\nimpact_started: 2026-11-22T15:30:00Z\n---\n")
        try site.write("content/postmortems/\(id).md", "---\nincident: \(id)\nstatus: published\n---\nBody.\n")
        let build = try site.herald("build", "--now", now)
        #expect(build.status == 0, "\(build.stderr)")
        let page = try site.read("public/postmortems/\(id)/index.html")
        #expect(page.contains("<th scope=\"row\">Time to detect</th><td>not recorded</td>"))
        #expect(page.contains("<th scope=\"row\">Time to resolve</th><td>not recorded</td>"))
        #expect(page.contains("<th scope=\"row\">Time to acknowledge</th><td>inconsistent records</td>"))
        #expect(
            build.stderr.contains("content/postmortems/\(id).md: warning: acknowledged (2026-11-22 14:05 UTC) is before impact started (2026-11-22 15:30 UTC)"))
    }

    @Test func postmortemNewPrefillsAndNeverOverwrites() throws {
        let site = try site(postmortem: "x")
        try FileManager.default.removeItem(at: site.root.appendingPathComponent("content/postmortems/\(id).md"))
        let new = try site.herald("postmortem", "new", id, "--now", now, "--by", "Jane Doe")
        #expect(new.status == 0, "\(new.stderr)")
        let draft = try site.read("content/postmortems/\(id).md")
        #expect(draft.contains("status: draft"))
        #expect(draft.contains("- Time to detect: 5m (impact started 2026-11-22 14:05 UTC → detected 2026-11-22 14:10 UTC)."))
        #expect(draft.contains("2026-11-22 14:20 UTC  role incident-lead  Søren Kierkegaard"))
        for section in [
            "## Summary", "## Impact", "## Timeline", "## Root causes and trigger", "## Detection", "## Response and recovery", "## What went well",
            "## What went wrong", "## Where we got lucky", "## Action items"
        ] {
            #expect(draft.contains(section))
        }
        // The draft is valid content and, being a draft, publishes nothing.
        #expect(try site.herald("build", "--now", now).status == 0)
        #expect(!site.exists("public/postmortems/\(id)/index.html"))
        let again = try site.herald("postmortem", "new", id, "--now", now)
        #expect(again.status == 1)
        #expect(again.stderr.contains("already exists"))
        #expect(try site.read("content/postmortems/\(id).md") == draft)
        let unknown = try site.herald("postmortem", "new", "2026-11-22-serch-down", "--now", now)
        #expect(unknown.stderr.contains("unknown incident '2026-11-22-serch-down' (closest: \(id))"))
    }

    @Test func siteTemplateForDrafts() throws {
        let site = try site(postmortem: "x")
        try FileManager.default.removeItem(at: site.root.appendingPathComponent("content/postmortems/\(id).md"))
        try site.write(
            "templates/postmortem.md", "{{% CONTENT_TYPE: TEXT}}\n---\nincident: {{incidentID}}\nstatus: draft\n---\nOur own template for {{incidentID}}.\n")
        #expect(try site.herald("postmortem", "new", id, "--now", now).status == 0)
        #expect(try site.read("content/postmortems/\(id).md").contains("Our own template for \(id)."))
    }

    /// Real postmortems render as bodies, and responders' first names vanish once listed in people.yml.
    @Test(arguments: ["mybinder_2018-01-18-reddit-hug.md", "etcd_v3.5-data-inconsistency.md", "dfds_PM2019-009_kubernetes-ip-starvation.md"])
    func realPostmortems(file: String) throws {
        let body = try String(contentsOf: realFixtures.appendingPathComponent("postmortems/\(file)"), encoding: .utf8)
        let site = try site(postmortem: body)
        let build = try site.herald("build", "--now", now)
        #expect(build.status == 0, "\(build.stderr)")
        let page = try site.read("public/postmortems/\(id)/index.html")
        #expect(page.contains("<h2>"))
        if file.hasPrefix("mybinder") {
            #expect(page.contains("<code>kubectl get pods --namespace=prod | grep googlemusic | wc -l</code>"))
            #expect(page.contains("Responder 2 signs off, Responder 3 online."))  // Responder 1 is Bob, named first
            #expect(page.contains("<a href=\"https://github.com/N2ITN/GoogleMusicFavs/\">spawned</a>"))
        }
        if file.hasPrefix("dfds") {
            #expect(page.contains("<td style=\"text-align: left\">2019-11-29 12:00</td>"))  // a GFM table is a table
        }
        for (path, text) in try allOutput(site) {
            for name in Self.rosterStrings { #expect(!containsWord(text, name), "\(name) in \(path)") }
        }
    }
}
