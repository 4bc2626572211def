import Foundation
import Testing

@testable import HeraldCore

/// `herald import statuspage|cstate|slack`, run as a user would, on real Statuspage payloads
/// (Tests/Fixtures/real/statuspage), a cState site and a Slack export made by their documented formats.
@Suite("herald import")
struct ImportCommandTests {
    static let real = repositoryRoot.appendingPathComponent("Tests/Fixtures/real/statuspage")
    static let github = real.appendingPathComponent("github_incident_wdhkj70kynwk_2021-03-12_major_23-updates.json").path
    static let cloudflare = real.appendingPathComponent("cloudflare_incidents_2019-01-10_extracted-from-cloudflared-test.json").path
    static let summary = real.appendingPathComponent("github_summary_2022-11-25_packages-pages-incident-in-progress.json").path
    static let cstate = repositoryRoot.appendingPathComponent("Tests/Fixtures/cstate-site").path
    static let slack = repositoryRoot.appendingPathComponent("Tests/Fixtures/slack-export").path
    let now = "2026-12-01T12:00:00Z"

    /// Every file under content/ with its bytes: what "the store as it was" means.
    func snapshot(_ site: TemporarySite) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for path in site.files(under: "content") { files[path] = try Data(contentsOf: site.root.appendingPathComponent("content/" + path)) }
        return files
    }

    func json(_ path: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    }

    // MARK: - Statuspage: round trip

    /// Point 2: import the real payloads, build, and compare public/api/v2/incidents.json with
    /// the originals field by field.
    @Test func statuspageRoundTripThroughTheBuiltAPI() throws {
        let site = try TemporarySite()
        let imported = try site.herald("import", "statuspage", Self.github, Self.cloudflare, "--now", now)
        #expect(imported.status == 0, "\(imported.stderr)")
        let build = try site.herald("build", "--now", now)
        #expect(build.status == 0, "\(build.stderr)")
        let output = try json(site.root.appendingPathComponent("public/api/v2/incidents.json").path)
        let built = try #require(output["incidents"] as? [[String: Any]])

        let githubJSON = try json(Self.github)
        let cloudflareJSON = try json(Self.cloudflare)
        var originals = [try #require(githubJSON["incident"] as? [String: Any])]
        originals += try #require(cloudflareJSON["incidents"] as? [[String: Any]])
        #expect(originals.count == 3)
        for original in originals {
            let name = try #require(original["name"] as? String)
            let mine = try #require(built.first { $0["name"] as? String == name }, "\(name) is not in incidents.json")
            for key in ["name", "status", "impact", "monitoring_at", "resolved_at"] {
                #expect(String(describing: mine[key] ?? "nil") == String(describing: original[key] ?? "nil"), "\(name): \(key)")
            }
            // An incident without started_at (older exports) started with its first update.
            #expect(mine["started_at"] as? String == (original["started_at"] as? String ?? mine["created_at"] as? String), "\(name): started_at")
            let theirs = try #require(original["incident_updates"] as? [[String: Any]])
            let ours = try #require(mine["incident_updates"] as? [[String: Any]])
            #expect(ours.count == theirs.count, "\(name): number of updates")
            // Herald's incident is created by its first update (docs/import.md): created_at is that
            // update's time, updated_at the last one's.
            #expect(mine["created_at"] as? String == theirs.last?["display_at"] as? String, "\(name): created_at")
            #expect(mine["updated_at"] as? String == theirs.first?["display_at"] as? String, "\(name): updated_at")
            for (a, b) in zip(theirs, ours) {
                let at = a["display_at"] as? String ?? "?"
                #expect(b["status"] as? String == a["status"] as? String, "\(name) \(at): status")
                #expect(b["display_at"] as? String == at, "\(name): display_at")
                let body = (a["body"] as? String ?? "").replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
                #expect(b["body"] as? String == body, "\(name) \(at): body")
                let theirChanges = a["affected_components"] as? [[String: Any]] ?? []
                let ourChanges = b["affected_components"] as? [[String: Any]] ?? []
                #expect(ourChanges.count == theirChanges.count, "\(name) \(at): affected components")
                for (x, y) in zip(theirChanges, ourChanges) {
                    // Statuspage names a grouped component "Group - Component"; Herald its own name.
                    let full = x["name"] as? String ?? ""
                    let short = y["name"] as? String ?? "-"
                    #expect(full == short || full.hasSuffix(" - " + short), "\(name) \(at): component \(full) vs \(short)")
                    #expect(y["old_status"] as? String == x["old_status"] as? String, "\(name) \(at): \(full) old_status")
                    #expect(y["new_status"] as? String == x["new_status"] as? String, "\(name) \(at): \(full) new_status")
                }
            }
        }
        // Components come with their groups: the Cloudflare ones from "Group - Component" names.
        let settings = try ContentLoader(layout: SiteLayout(root: site.root)).loadSettings()
        #expect(settings.component("cloudflare-apis")?.group == "Cloudflare customer dashboard and APIs")
        #expect(settings.component("webhooks")?.name == "Webhooks")
        #expect(settings.component("api")?.group == "Core", "the site's own components are left as they were")
    }

    @Test func eventFilesKeepMillisecondsAndNormalisedBodies() throws {
        let site = try TemporarySite()
        #expect(try site.herald("import", "statuspage", Self.cloudflare).status == 0)
        let id = "2018-09-17-cloudflare-api-service-issues"
        let files = site.files(under: "content/incidents/\(id)")
        #expect(files.count == 5)
        let texts = try files.map { try site.read("content/incidents/\(id)/\($0)") }
        #expect(texts.contains { $0.contains("at: 2018-09-17T21:35:06.492Z") })
        let monitoring = try #require(texts.first { $0.contains("status: monitoring") })
        #expect(monitoring.contains("monitoring the results.\n\nWe will update"))
        #expect(!monitoring.contains("\r"))
        #expect(monitoring.contains("components: {cloudflare-apis: operational}"))
        let incident = try site.read("content/incidents/\(id)/incident.md")
        #expect(incident.contains("severity: minor"))
        #expect(incident.contains("components: [cloudflare-apis]"))
    }

    @Test func postmortemNoticeAndBodyAndAMaintenanceRoundTrip() throws {
        let site = try TemporarySite()
        var payload = try json(Self.github)
        var incident = try #require(payload["incident"] as? [String: Any])
        var updates = try #require(incident["incident_updates"] as? [[String: Any]])
        updates.insert(
            [
                "id": "pm0000000001", "status": "postmortem", "body": "We have published a postmortem of this incident.\r\nIt is linked below.",
                "incident_id": "wdhkj70kynwk", "created_at": "2021-03-14T10:00:00.123Z", "updated_at": "2021-03-14T10:00:00.123Z",
                "display_at": "2021-03-14T10:00:00.123Z", "affected_components": NSNull()
            ], at: 0)
        incident["incident_updates"] = updates
        incident["status"] = "postmortem"
        incident["postmortem_body"] = "## What happened\r\n\r\nA database primary failed over and Git operations queued behind it."
        incident["postmortem_published_at"] = "2021-03-15T09:00:00.000Z"
        payload["incident"] = incident
        try site.write("incident.json", String(decoding: try JSONSerialization.data(withJSONObject: payload), as: UTF8.self))
        try site.write(
            "maintenance.json",
            """
            {"page": {"id": "p"}, "scheduled_maintenances": [{"id": "mnt000000001", "name": "Database upgrade", "status": "completed",
             "impact": "maintenance", "created_at": "2021-04-01T10:00:00.000Z", "scheduled_for": "2021-04-02T02:00:00.000Z",
             "scheduled_until": "2021-04-02T03:00:00.000Z", "components": [{"id": "4230lsnqdsld", "name": "Webhooks"}],
             "incident_updates": [
               {"id": "m3", "status": "completed", "body": "Done.", "display_at": "2021-04-02T02:40:12.345Z", "affected_components": null},
               {"id": "m2", "status": "in_progress", "body": "Started.", "display_at": "2021-04-02T02:00:01.000Z", "affected_components": null},
               {"id": "m1", "status": "scheduled", "body": "We will upgrade the database.", "display_at": "2021-04-01T10:00:00.500Z", "affected_components": null}]}]}
            """)
        let imported = try site.herald("import", "statuspage", "incident.json", "maintenance.json")
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.contains("1 postmortem"), "\(imported.stdout)")
        #expect(try site.herald("build", "--now", now).status == 0)

        let id = "2021-03-12-incident-on-2021-03-12-18-26-utc"
        let postmortem = try site.read("content/postmortems/\(id).md")
        #expect(postmortem.contains("status: published"))
        #expect(postmortem.contains("published: 2021-03-15"))
        #expect(postmortem.contains("## What happened\n\nA database primary failed over"))
        #expect(site.exists("public/postmortems/\(id)/index.html"))

        let output = try json(site.root.appendingPathComponent("public/api/v2/incidents.json").path)
        let mine = try #require((output["incidents"] as? [[String: Any]])?.first { $0["name"] as? String == "Incident on 2021-03-12 18:26 UTC" })
        let ours = try #require(mine["incident_updates"] as? [[String: Any]])
        #expect(ours.count == 24)
        #expect(ours.first?["status"] as? String == "postmortem")
        #expect(ours.first?["display_at"] as? String == "2021-03-14T10:00:00.123Z")
        // The single line break is kept as a Markdown hard break (the page shows it as Statuspage
        // does); the API's plain-text body joins the lines (docs/import.md).
        #expect(ours.first?["body"] as? String == "We have published a postmortem of this incident. It is linked below.")
        let page = try site.read("public/incidents/\(id)/index.html")
        #expect(page.contains("We have published a postmortem of this incident.<br />"), "the line break is lost on the page")
        // Herald's incident stays resolved (the notice is a follow-up): resolved_at does not move.
        #expect(mine["status"] as? String == "resolved")
        #expect(mine["resolved_at"] as? String == "2021-03-12T19:09:44.830Z")

        let maintenances = try json(site.root.appendingPathComponent("public/api/v2/scheduled-maintenances.json").path)
        let maintenance = try #require((maintenances["scheduled_maintenances"] as? [[String: Any]])?.first)
        #expect(maintenance["name"] as? String == "Database upgrade")
        #expect(maintenance["status"] as? String == "completed")
        #expect(maintenance["scheduled_for"] as? String == "2021-04-02T02:00:00.000Z")
        #expect(maintenance["scheduled_until"] as? String == "2021-04-02T03:00:00.000Z")
        let steps = try #require(maintenance["incident_updates"] as? [[String: Any]])
        #expect(steps.map { $0["status"] as? String ?? "" } == ["completed", "in_progress", "scheduled"])
        #expect(steps.map { $0["display_at"] as? String ?? "" } == ["2021-04-02T02:40:12.345Z", "2021-04-02T02:00:01.000Z", "2021-04-01T10:00:00.500Z"])
        #expect((maintenance["components"] as? [[String: Any]])?.map { $0["name"] as? String ?? "" } == ["Webhooks"])
    }

    // MARK: - Statuspage: idempotence

    @Test func aSecondImportAddsNothingAndANewerExportOnlyWhatIsNew() throws {
        let site = try TemporarySite()
        // An older export of the GitHub incident: its first ten updates, still investigating.
        var older = try json(Self.github)
        var incident = try #require(older["incident"] as? [String: Any])
        let updates = try #require(incident["incident_updates"] as? [[String: Any]])
        incident["incident_updates"] = Array(updates.suffix(10))
        incident["status"] = "investigating"
        incident["resolved_at"] = NSNull()
        older["incident"] = incident
        try site.write("older.json", String(decoding: try JSONSerialization.data(withJSONObject: older), as: UTF8.self))

        #expect(try site.herald("import", "statuspage", "older.json").status == 0)
        let id = "2021-03-12-incident-on-2021-03-12-18-26-utc"
        #expect(site.files(under: "content/incidents/\(id)").count == 11)
        let first = try snapshot(site)

        let again = try site.herald("import", "statuspage", "older.json")
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("Nothing new to import"))
        #expect(try snapshot(site) == first, "a second import of the same file changed the store")

        let newer = try site.herald("import", "statuspage", Self.github)
        #expect(newer.status == 0, "\(newer.stderr)")
        #expect(newer.stdout.contains("13 events added to content/incidents/\(id)"), "\(newer.stdout)")
        #expect(site.files(under: "content/incidents").filter { $0.hasSuffix("incident.md") }.count == 2, "no second incident")
        let content = try ContentLoader(layout: SiteLayout(root: site.root)).load()
        let record = try #require(content.incidents.first { $0.id == id }).incident
        let state = try #require(SiteAssembler.state(of: record, postmortem: nil))
        #expect(state.status == .resolved)
        #expect(state.incident.updates.count == 23)
        #expect(try site.herald("import", "statuspage", Self.github).stdout.contains("Nothing new to import"))
    }

    @Test func summaryJSONBringsTheComponentsWithGroupsAndTheOpenIncident() throws {
        let site = try TemporarySite()
        let result = try site.herald("import", "statuspage", Self.summary)
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try json(Self.summary)
        let components = try #require(summary["components"] as? [[String: Any]])
        let settings = try ContentLoader(layout: SiteLayout(root: site.root)).loadSettings()
        let groups = Dictionary(uniqueKeysWithValues: components.filter { $0["group"] as? Bool == true }.map { ($0["id"] as! String, $0["name"] as! String) })
        for component in components where component["group"] as? Bool != true {
            let name = component["name"] as! String
            let mine = try #require(settings.components.first { $0.name == name }, "\(name) was not imported")
            #expect(mine.group == (component["group_id"] as? String).flatMap { groups[$0] })
        }
        let content = try ContentLoader(layout: SiteLayout(root: site.root)).load()
        let imported = content.incidents.filter { $0.id != incidentID }.map(\.incident)
        #expect(imported.count == 1)
        let open = imported.compactMap { SiteAssembler.state(of: $0, postmortem: nil) }.filter(\.isOpen)
        #expect(open.count == 1)
        #expect(open.first?.incident.title == "Incident with Packages and Pages")
    }

    // MARK: - Statuspage: bad input, all or nothing

    @Test func badFilesAreRefusedWithPathLineAndPointerAndNothingIsWritten() throws {
        let site = try TemporarySite()
        let text = try String(contentsOfFile: Self.github, encoding: .utf8)
        try site.write("truncated.json", String(text.prefix(text.count / 2)))
        var broken = text.replacingOccurrences(of: "\"status\": \"identified\"", with: "\"status\": \"resolvd\"")
        if broken == text {
            // The GitHub payload has no identified update: break its first investigating one.
            let range = try #require(text.range(of: "\"status\": \"investigating\""))
            broken = text.replacingCharacters(in: range, with: "\"status\": \"resolvd\"")
        }
        try site.write("unknown-status.json", broken)
        let cloudflare = try String(contentsOfFile: Self.cloudflare, encoding: .utf8)
        try site.write("missing-name.json", cloudflare.replacingOccurrences(of: "\"name\": \"Web Analytics Delays\",", with: ""))
        let before = try snapshot(site)

        let result = try site.herald("import", "statuspage", Self.cloudflare, "truncated.json", "unknown-status.json", "missing-name.json")
        #expect(result.status == 1)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        // The truncated file: its name and the line where it ends.
        let truncatedLine = text.prefix(text.count / 2).split(separator: "\n", omittingEmptySubsequences: false).count
        #expect(lines.contains { $0.hasPrefix("truncated.json:\(truncatedLine): error: not valid JSON") && $0.contains("truncated") }, "\(result.stderr)")
        // The unknown status: file, line and JSON pointer.
        let statusLine = broken.components(separatedBy: "\"resolvd\"")[0].split(separator: "\n", omittingEmptySubsequences: false).count
        #expect(
            lines.contains {
                $0.hasPrefix("unknown-status.json:\(statusLine): error: /incident/incident_updates/")
                    && $0.contains("unknown status 'resolvd' (expected investigating, identified, monitoring, resolved, postmortem)")
            }, "\(result.stderr)")
        #expect(lines.contains { $0.hasPrefix("missing-name.json:") && $0.contains(": error: /incidents/1: missing field 'name'") }, "\(result.stderr)")
        #expect(result.stderr.contains("nothing was written"))
        #expect(try snapshot(site) == before, "a refused import changed the store")
        #expect(!site.exists("content/imports"))
        // No staging folder is left behind.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: site.root.path).filter { $0.hasPrefix(".herald-import") }
        #expect(leftovers.isEmpty)
    }

    @Test func notAnExportAndNotAFileAreClearErrors() throws {
        let site = try TemporarySite()
        try site.write("other.json", "{\"hello\": [1, 2]}")
        try site.write("unterminated.json", "{\"incidents\": [{\"id\": \"x\n")
        let result = try site.herald("import", "statuspage", "other.json", "missing.json", "unterminated.json")
        #expect(result.status == 1)
        #expect(result.stderr.contains("other.json:1: error: /: not a Statuspage export"), "\(result.stderr)")
        #expect(result.stderr.contains("missing.json: error: no such file"), "\(result.stderr)")
        #expect(result.stderr.contains("unterminated.json:1: error: not valid JSON"), "\(result.stderr)")
    }

    @Test func dryRunSaysWhatItWouldCreateAndWritesNothing() throws {
        let site = try TemporarySite()
        let before = try snapshot(site)
        let result = try site.herald("import", "statuspage", "--dry-run", Self.github, Self.cloudflare)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Would import (dry run, nothing written):"))
        #expect(result.stdout.contains("3 incidents"))
        #expect(result.stdout.contains("29 events in them"))
        #expect(result.stdout.contains("components added to content/site.yml: webhooks"), "\(result.stdout)")
        #expect(try snapshot(site) == before)
    }

    @Test func aLongImportPrintsProgressAndEveryRecordLoads() throws {
        let site = try TemporarySite()
        var incidents: [String] = []
        for n in 0..<1000 {
            let id = String(format: "gen%09d", n)
            let minute = String(format: "%02d", n % 60)
            incidents.append(
                """
                {"id":"\(id)","name":"Generated incident \(n)","status":"resolved","impact":"minor","created_at":"2024-01-01T10:\(minute):00.000Z","incident_updates":[{"id":"u\(id)","status":"resolved","body":"Fixed.","display_at":"2024-01-01T10:\(minute):00.250Z","created_at":"2024-01-01T10:\(minute):00.250Z","affected_components":null}],"components":[]}
                """)
        }
        try site.write("incidents.json", "{\"incidents\":[" + incidents.joined(separator: ",") + "]}")
        let result = try site.herald("import", "statuspage", "incidents.json")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("herald: staged 1000 of 1000 records"), "\(result.stderr)")
        #expect(result.stdout.contains("1000 incidents"))
        let content = try ContentLoader(layout: SiteLayout(root: site.root)).load()
        #expect(content.incidents.count == 1001)
    }

    // MARK: - cState

    @Test func cstateSiteImportsIssuesSystemsAndCategories() throws {
        let site = try TemporarySite()
        let result = try site.herald("import", "cstate", Self.cstate)
        #expect(result.status == 0, "\(result.stderr)")
        let content = try ContentLoader(layout: SiteLayout(root: site.root)).load()
        let settings = content.settings
        #expect(settings.component("media-proxy")?.group == "Backend")
        #expect(settings.component("gateway")?.name == "Gateway")
        #expect(settings.component("api")?.group == "Core", "a system of the same name is the site's own component")

        func incident(_ title: String) throws -> Incident { try #require(content.incidents.lazy.map(\.incident).first { $0.title == title }, "\(title)") }
        let east = try incident("US East connection problems")
        #expect(east.severity == .major)
        #expect(east.components == ["api", "media-proxy"])
        #expect(east.updates.map { $0.status ?? "" } == ["investigating", "monitoring", "resolved"])
        #expect(east.updates.map(\.at.rfc3339) == ["2018-05-25T04:13:00Z", "2018-05-25T04:40:00Z", "2018-05-25T05:54:00Z"])
        #expect(east.updates[2].body.trimmingCharacters(in: .whitespacesAndNewlines) == "Connections from the US East region work normally again.")

        // *(HH:MM UTC)* markers on the day of the (offset) date.
        let web = try incident("Website is down")
        #expect(web.severity == .critical)
        #expect(web.updates.map(\.at.rfc3339) == ["2019-11-01T22:41:00Z", "2019-11-01T22:55:00Z", "2019-11-01T23:25:00Z"])
        #expect(web.updates.map { $0.status ?? "" } == ["investigating", "identified", "resolved"])
        #expect(web.impactStarted?.rfc3339 == "2019-11-01T22:40:00Z")

        // No markers: the body is the first update; resolved: true adds the resolution at resolvedWhen.
        let slow = try incident("Slow gateway responses")
        #expect(slow.severity == .minor)
        #expect(slow.updates.map { $0.status ?? "" } == ["investigating", "resolved"])
        #expect(slow.updates.last?.at.rfc3339 == "2020-03-02T10:15:00Z")
        let delayed = try incident("Delayed emails")
        let open = try #require(SiteAssembler.state(of: delayed, postmortem: nil))
        #expect(open.isOpen)

        #expect(try site.herald("build", "--now", now).status == 0)
        let again = try site.herald("import", "cstate", Self.cstate)
        #expect(again.stdout.contains("Nothing new to import: 4 items already imported."), "\(again.stdout)")
    }

    @Test func cstateBadIssuesAreRefusedWithFileAndLine() throws {
        let site = try TemporarySite()
        let cstate = try TemporarySite(copying: URL(fileURLWithPath: Self.cstate))
        try cstate.write(
            "content/issues/2021-01-01-bad.md", "---\ntitle: Bad\ndate: yesterday\nseverity: catastrophic\nresolved: maybe\n---\n*Investigating* - x\n")
        try cstate.write("content/issues/2021-01-02-no-title.md", "---\ndate: 2021-01-02 10:00:00\n---\nbody\n")
        let before = try snapshot(site)
        let result = try site.herald("import", "cstate", cstate.root.path)
        #expect(result.status == 1)
        #expect(result.stderr.contains("2021-01-01-bad.md:3: error: date 'yesterday' is not a time"), "\(result.stderr)")
        #expect(result.stderr.contains("2021-01-01-bad.md:4: error: unknown severity 'catastrophic' (expected down, disrupted, notice)"), "\(result.stderr)")
        #expect(result.stderr.contains("2021-01-01-bad.md:5: error: resolved 'maybe' is not true or false"), "\(result.stderr)")
        #expect(result.stderr.contains("2021-01-02-no-title.md:1: error: missing 'title'"), "\(result.stderr)")
        #expect(try snapshot(site) == before)
    }

    // MARK: - Slack

    let incidentID = "2026-11-22-search-down"

    func slackSite(priya: Bool = true) throws -> TemporarySite {
        var files = TemporarySite.minimal
        if priya { files["content/people.yml"]! += "- name: Priya Raman\n  aliases: [\"@priya\"]\n" }
        return try TemporarySite(files: files)
    }

    @Test func slackChannelBecomesInternalNotesWithPeopleAndMilliseconds() throws {
        let site = try slackSite()
        let result = try site.herald("import", "slack", Self.slack, "--channel", "inc-checkout", "--incident", incidentID)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("6 events added to content/incidents/\(incidentID)"), "\(result.stdout)")
        let incident = try ContentLoader(layout: SiteLayout(root: site.root)).loadIncident(
            id: incidentID, settings: try ContentLoader(layout: SiteLayout(root: site.root)).loadSettings())
        let notes = incident.events.filter { if case .note = $0.kind { true } else { false } }
        // Joins and the tombstone are skipped; the thread reply and the bot's alert are kept.
        #expect(notes.count == 6)
        #expect(notes.map { $0.by ?? "-" } == ["-", "Jane Doe", "Bob Smith", "Priya Raman", "Bob Smith", "Jane Doe"])
        #expect(notes[1].body.contains("Acking. Bob Smith can you look at the last deploy? Dashboard: [checkout errors](https://grafana.corp.test/d/checkout)"))
        #expect(notes[2].body.contains("Rolling back & watching."))
        #expect(notes[3].body.contains("Files (not copied): checkout-errors.log"))
        #expect(notes[5].body.contains("see #general later"))
        let files = site.files(under: "content/incidents/\(incidentID)").filter { $0.contains("-note-") }
        let texts = try files.map { try site.read("content/incidents/\(incidentID)/\($0)") }
        #expect(texts.contains { $0.contains("at: 2026-11-22T14:06:40.999Z") }, "milliseconds kept")
        #expect(texts.contains { $0.contains("at: 2026-11-22T14:01:00.123Z") })
        #expect(!texts.contains { $0.contains("Lunch") }, "another channel's message")

        // Notes are internal: nothing of them is published, and no Slack name either.
        #expect(try site.herald("build", "--now", now).status == 0)
        for path in site.files(under: "public") {
            let text = (try? site.read("public/" + path)) ?? ""
            #expect(!text.contains("Rolling back"), "\(path)")
            #expect(!text.contains("Priya"), "\(path)")
        }
        let again = try site.herald("import", "slack", Self.slack, "--channel", "inc-checkout", "--incident", incidentID)
        #expect(again.stdout.contains("Nothing new to import: 6 items already imported."), "\(again.stdout)")
    }

    @Test func slackUnknownUsersAreRefusedWithAListToAddAndNoNames() throws {
        let site = try slackSite(priya: false)
        let before = try snapshot(site)
        let result = try site.herald("import", "slack", Self.slack, "--channel", "inc-checkout", "--incident", incidentID)
        #expect(result.status == 1)
        #expect(result.stderr.contains("Slack users not in content/people.yml: U03PRIYAR (@priya)"), "\(result.stderr)")
        #expect(!result.stderr.contains("Priya Raman"), "a real name from users.json echoed")
        #expect(try snapshot(site) == before)
    }

    @Test func slackFromToLimitTheMessages() throws {
        let site = try slackSite()
        let result = try site.herald(
            "import", "slack", Self.slack, "--channel", "inc-checkout", "--incident", incidentID, "--from", "2026-11-22T14:02:00Z", "--to",
            "2026-11-22T14:30:00Z")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(site.files(under: "content/incidents/\(incidentID)").filter { $0.contains("-note-") }.count == 3)
        // A wider range later adds only the rest.
        let rest = try site.herald("import", "slack", Self.slack, "--channel", "inc-checkout", "--incident", incidentID)
        #expect(rest.stdout.contains("3 events added"), "\(rest.stdout)")
    }

    @Test func slackBadExportIsRefused() throws {
        let site = try slackSite()
        let export = try TemporarySite(copying: URL(fileURLWithPath: Self.slack))
        try export.write(
            "inc-checkout/2026-11-24.json",
            "[{\"type\": \"message\", \"user\": \"U01JANEDOE\", \"text\": \"no time\"}, {\"type\": \"message\", \"user\": \"U01JANEDOE\", \"ts\": \"soon\"}]")
        try export.write("inc-checkout/2026-11-25.json", "[{\"type\": \"message\", ")
        let result = try site.herald("import", "slack", export.root.path, "--channel", "inc-checkout", "--incident", incidentID)
        #expect(result.status == 1)
        #expect(result.stderr.contains("inc-checkout/2026-11-24.json:1: error: /0: message has no 'ts'"), "\(result.stderr)")
        #expect(result.stderr.contains("inc-checkout/2026-11-24.json:1: error: /1/ts: 'ts' 'soon' is not a Slack timestamp"), "\(result.stderr)")
        #expect(result.stderr.contains("inc-checkout/2026-11-25.json:1: error: not valid JSON"), "\(result.stderr)")
        let wrong = try site.herald("import", "slack", Self.slack, "--channel", "inc-chekout", "--incident", incidentID)
        #expect(wrong.status == 1)
        #expect(wrong.stderr.contains("no channel 'inc-chekout'") && wrong.stderr.contains("did you mean 'inc-checkout'?"), "\(wrong.stderr)")
    }
}
