import Foundation
import Testing

@testable import HeraldCore

@Suite("herald incident and maintenance commands")
struct IncidentCommandTests {
    let now = "2026-11-22T15:00:00Z"
    let id = "2026-11-22-search-down"

    func eventFiles(_ site: TemporarySite, _ id: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: site.root.appendingPathComponent("content/incidents/\(id)").path).sorted()
    }

    @Test func initMakesASiteThatBuildsAndRefusesToOverwrite() throws {
        let site = try TemporarySite(files: [:])
        let created = try site.herald("init", "mysite", "--now", now)
        #expect(created.status == 0, "\(created.stderr)")
        let build = try HeraldRunner.run(["build", "--now", now], in: site.root.appendingPathComponent("mysite"))
        #expect(build.status == 0, "\(build.stderr)")
        // What a build makes (output, parse cache, lock file) is ignored by git; the content is not.
        let git = Process()
        git.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        git.arguments = ["sh", "-c", "git init -q && git status --porcelain --untracked-files=all"]
        git.currentDirectoryURL = site.root.appendingPathComponent("mysite")
        let listing = Pipe()
        git.standardOutput = listing
        try git.run()
        let untracked = String(decoding: listing.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        git.waitUntilExit()
        #expect(git.terminationStatus == 0)
        #expect(untracked.contains("content/site.yml"), "\(untracked)")
        for made in ["public/", ".herald-cache", ".herald-lock"] { #expect(!untracked.contains(made), "\(untracked)") }
        let again = try site.herald("init", "mysite")
        #expect(again.status == 1)
        #expect(again.stderr.contains("refusing to overwrite"))
    }

    @Test func newUpdateResolveRoundTripThroughTheLoader() throws {
        let site = try TemporarySite()
        let new = try site.herald(
            "incident", "new", "--title", "Webhooks: delayed \"deliveries\"", "--severity", "major", "--component", "api", "--component", "search", "--at",
            "2026-11-22T15:50:00+01:00", "--now", now, "--by", "Jane Doe")
        #expect(new.status == 0, "\(new.stderr)")
        let newID = new.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(newID == "2026-11-22-webhooks-delayed-deliveries")
        // The first update uses the canned text with the components and the support address.
        let first = try eventFiles(site, newID).filter { $0.hasSuffix(".md") && $0 != "incident.md" }
        #expect(first.count == 1)
        #expect(first[0].hasPrefix("20261122T145000.000Z-0001-investigating-"))
        let firstText = try site.read("content/incidents/\(newID)/\(first[0])")
        #expect(firstText.contains("API and Search"))
        #expect(firstText.contains("help@status.test"))

        #expect(
            try site.herald(
                "incident", "update", newID, "--status", "identified", "--component", "api=partial_outage", "--message", "Cause: a queue: stuck # really",
                "--at", "14:55", "--now", now
            ).status == 0)
        #expect(
            try site.herald("incident", "note", newID, "Paged the DB team", "--milestone", "detected", "--at", "-10m", "--now", now, "--by", "Bob Smith").status
                == 0)
        #expect(try site.herald("incident", "assign", newID, "--role", "incident-lead", "--person", "Bob Smith", "--at", "14:58", "--now", now).status == 0)
        #expect(try site.herald("incident", "resolve", newID, "--message", "-", "--now", now, stdin: "Fixed.\nAll good.\n").status == 0)

        let content = try ContentLoader(layout: SiteLayout(root: site.root)).load()
        let incident = try #require(content.incidents.first { $0.id == newID }).incident
        #expect(incident.title == "Webhooks: delayed \"deliveries\"")
        #expect(incident.severity == .major)
        #expect(incident.components == ["api", "search"])
        let kinds = incident.events.map { event -> String in
            switch event.kind {
            case .update(let status, _): status
            case .note(let m): "note:\(m?.rawValue ?? "")"
            case .role(let role, let person): "\(role)=\(person)"
            }
        }
        #expect(kinds == ["investigating", "note:detected", "identified", "incident-lead=Bob Smith", "resolved"])
        let identified = try #require(incident.events.first { $0.status == "identified" })
        #expect(identified.body.trimmingCharacters(in: .whitespacesAndNewlines) == "Cause: a queue: stuck # really")
        #expect(identified.at.rfc3339 == "2026-11-22T14:55:00Z")
        if case .update(_, let changes) = identified.kind { #expect(changes == [.init(id: "api", status: .partialOutage)]) }
        #expect(incident.events.first { $0.status == "investigating" }?.by == "Jane Doe")
        #expect(incident.events.last?.body == "Fixed.\nAll good.\n")
        #expect(try site.herald("build", "--now", now).status == 0)
    }

    @Test func refusesBadInputAndWritesNothing() throws {
        let site = try TemporarySite()
        let before = site.files(under: "content")
        let cases: [([String], String)] = [
            (
                ["incident", "update", "2026-11-22-serch-down", "--status", "identified", "--message", "x"],
                "unknown incident '2026-11-22-serch-down' (closest: 2026-11-22-search-down)"
            ),
            (
                ["incident", "update", id, "--status", "resolvd", "--message", "x"],
                "unknown status 'resolvd' (expected investigating, identified, monitoring, resolved)"
            ),
            (["incident", "update", id, "--status", "in_progress", "--message", "x"], "that is a maintenance status"),
            (
                ["incident", "update", id, "--status", "identified", "--component", "serch=major_outage", "--message", "x"],
                "unknown component 'serch' (expected one of api, search, web); did you mean 'search'?"
            ),
            (["incident", "update", id, "--status", "identified", "--component", "search=down", "--message", "x"], "unknown component status 'down'"),
            (
                ["incident", "update", id, "--status", "identified", "--at", "2026-11-22T14:00:00", "--message", "x"],
                "--at: time '2026-11-22T14:00:00' has no zone"
            ),
            (["incident", "update", "../../etc", "--status", "identified", "--message", "x"], "incident id '../../etc' may only hold lowercase"),
            (["incident", "update", id, "--status", "identified", "--message", "   "], "aborted: the message is empty; nothing was written"),
            (["incident", "new", "--title", "X", "--severity", "huge", "--component", "api"], "unknown severity 'huge' (expected critical, major, minor)"),
            (["incident", "note", id, "x", "--milestone", "found"], "unknown milestone 'found'"),
            (["incident", "assign", id, "--role", "boss", "--person", "Bob"], "unknown role 'boss'"),
            (["maintenance", "update", "2026-11-22-nope", "--status", "completed", "--message", "x"], "unknown maintenance '2026-11-22-nope'")
        ]
        for (arguments, message) in cases {
            let result = try HeraldRunner.run(arguments + ["--now", now], in: site.root)
            #expect(result.status != 0, "\(arguments)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
        #expect(site.files(under: "content") == before)
    }

    @Test func resolvingTwiceNeedsForce() throws {
        let site = try TemporarySite()
        #expect(try site.herald("incident", "resolve", id, "--message", "Done.", "--now", now).status == 0)
        let again = try site.herald("incident", "resolve", id, "--message", "Done again.", "--now", now)
        #expect(again.status == 1)
        #expect(again.stderr.contains("already resolved"))
        #expect(try site.herald("incident", "resolve", id, "--message", "Done again.", "--force", "--now", now).status == 0)
    }

    @Test func maintenanceRefusesIncidentStatuses() throws {
        let site = try TemporarySite()
        let new = try site.herald(
            "maintenance", "new", "--title", "DB upgrade", "--component", "api", "--start", "2026-12-01T02:00:00Z", "--end", "2026-12-01T03:00:00Z", "--now",
            now)
        #expect(new.status == 0, "\(new.stderr)")
        let mid = new.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(mid == "2026-12-01-db-upgrade")
        let wrong = try site.herald("maintenance", "update", mid, "--status", "resolved", "--message", "x", "--now", now)
        #expect(wrong.status == 1)
        #expect(wrong.stderr.contains("that is an incident status"))
        // The window is in the future: its update needs --force (events are not posted ahead of time).
        #expect(
            try site.herald(
                "maintenance", "update", mid, "--status", "in_progress", "--message", "Started.", "--at", "2026-12-01T02:00:00Z", "--force", "--now", now
            ).status == 0)
        let list = try site.herald("maintenance", "list", "--json", "--now", now)
        let rows = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]]
        #expect(rows?.first?["status"] as? String == "in_progress")
    }

    /// A list still shows what it can read, but a broken record or site.yml makes it exit 1 with
    /// the problem on stderr, so a script never takes it for a clean store.
    @Test func listsExitOneWhenTheContentHasErrors() throws {
        let site = try TemporarySite()
        let made = try site.herald(
            "incident", "new", "--title", "Search is slow", "--severity", "minor", "--component", "search", "--message", "Slow.", "--now", now)
        #expect(made.status == 0, "\(made.stderr)")
        #expect(try site.herald("incident", "list", "--now", now).status == 0)
        try site.write("content/incidents/2026-11-20-broken/incident.md", "---\ntitle: Broken\nseverity: huge\n---\n")
        for command in ["incident", "maintenance"] {
            let list = try site.herald(command, "list", "--json", "--now", now)
            #expect(list.status == 1, "\(command) list: \(list.stderr)")
            #expect(list.stderr.contains("incident.md:3: error: unknown severity 'huge'"), "\(list.stderr)")
            let rows = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]]
            #expect(rows != nil, "\(command) list still prints its rows: \(list.stdout)")
            if command == "incident" {
                let ids = rows?.compactMap { $0["id"] as? String } ?? []
                #expect(ids.contains("2026-11-22-search-is-slow") && !ids.contains("2026-11-20-broken"), "\(ids)")
            }
        }
    }

    @Test func idsClashGetSuffixes() throws {
        let site = try TemporarySite()
        for expected in ["2026-11-22-search-is-slow", "2026-11-22-search-is-slow-2", "2026-11-22-search-is-slow-3"] {
            let result = try site.herald(
                "incident", "new", "--title", "Search is slow", "--severity", "minor", "--component", "search", "--message", "Slow.", "--now", now)
            #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == expected)
        }
    }

    @Test func listAndShowFlagStaleIncidents() throws {
        let site = try TemporarySite()
        let list = try site.herald("incident", "list", "--open", "--now", now)
        #expect(list.stdout.contains("investigating (STALE)"))
        #expect(list.stdout.contains("55m ago"))
        let json = try site.herald("incident", "list", "--json", "--now", "2026-11-22T14:20:00Z")
        let rows = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]
        #expect(rows?.first?["stale"] as? Bool == false)
        #expect(rows?.first?["id"] as? String == id)
        let show = try site.herald("incident", "show", id, "--now", now)
        #expect(show.stdout.contains("STALE: no public update for 55m"))
        #expect(show.stdout.contains("2026-11-22 14:05 UTC  PUBLIC    investigating (Jane Doe)"))
    }

    /// `incident list` reads the store through the parse cache a build left: an update posted
    /// since is seen at once.
    @Test func listSeesAnUpdatePostedAfterTheLastBuild() throws {
        let site = try TemporarySite()
        #expect(try site.herald("build", "--now", now).status == 0)
        #expect(try site.herald("incident", "list", "--open", "--now", now).stdout.contains(id))
        #expect(try site.herald("incident", "update", id, "--status", "resolved", "--message", "Fixed.", "--now", now).status == 0)
        let list = try site.herald("incident", "list", "--open", "--now", now)
        #expect(list.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "No open incidents.")
        let all = try site.herald("incident", "list", "--json", "--now", now)
        let rows = try JSONSerialization.jsonObject(with: Data(all.stdout.utf8)) as? [[String: Any]]
        #expect(rows?.first?["status"] as? String == "resolved")
    }

    /// Many messengers posting to one incident in the same second all keep their updates.
    @Test func concurrentUpdatesAreNeverLost() throws {
        let site = try TemporarySite()
        let count = 40
        let processes = try (0..<count).map { n -> Process in
            let process = Process()
            process.executableURL = HeraldRunner.executable
            process.arguments = [
                "incident", "update", id, "--status", "identified", "--message", "Update number \(n)", "--at", "2026-11-22T14:30:00Z", "--by",
                n.isMultiple(of: 2) ? "Jane Doe" : "Bob Smith", "--now", now
            ]
            process.currentDirectoryURL = site.root
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            return process
        }
        for process in processes {
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
        }
        let files = try eventFiles(site, id).filter { $0.hasPrefix("20261122T143000.000Z-") && $0.contains("-identified-") }
        #expect(files.count == count)
        #expect(try eventFiles(site, id).allSatisfy { !$0.hasPrefix(".") }, "no temporary file is left behind")
        let incident = try ContentLoader(layout: SiteLayout(root: site.root)).load().incidents[0].incident
        let bodies = Set(incident.events.compactMap { $0.status == "identified" ? $0.body : nil })
        #expect(bodies == Set((0..<count).map { "Update number \($0)\n" }))
    }

    /// Without --message on a terminal, $EDITOR opens prefilled with the canned text.
    @Test func editorIsPrefilledAndEmptyAborts() throws {
        let site = try TemporarySite()
        let editor = site.root.appendingPathComponent("fake-editor.sh")
        try Data("#!/bin/sh\ncp \"$1\" \"$1.seen\"\nprintf 'Written in the editor.\\n# a comment line\\n' > \"$1\"\n".utf8).write(to: editor)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: editor.path)
        let result = try site.herald(
            "incident", "update", id, "--status", "monitoring", "--now", now,
            environment: ["HERALD_FORCE_EDITOR": "1", "EDITOR": editor.path, "TMPDIR": site.root.path])
        #expect(result.status == 0, "\(result.stderr)")
        let monitoring = try #require(try eventFiles(site, id).first { $0.contains("-monitoring-") })
        let text = try site.read("content/incidents/\(id)/\(monitoring)")
        #expect(text.hasSuffix("---\nWritten in the editor.\n"))

        let empty = site.root.appendingPathComponent("empty-editor.sh")
        try Data("#!/bin/sh\nprintf '# only comments\\n' > \"$1\"\n".utf8).write(to: empty)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: empty.path)
        let before = try eventFiles(site, id)
        let aborted = try site.herald(
            "incident", "update", id, "--status", "resolved", "--now", now, environment: ["HERALD_FORCE_EDITOR": "1", "EDITOR": empty.path])
        #expect(aborted.status == 1)
        #expect(aborted.stderr.contains("aborted: the message is empty"))
        #expect(try eventFiles(site, id) == before)
    }

    @Test func prefilledEditorShowsCannedText() throws {
        let site = try TemporarySite()
        let editor = site.root.appendingPathComponent("keep-editor.sh")
        try Data("#!/bin/sh\ncp \"$1\" \"\(site.root.path)/seen.txt\"\n".utf8).write(to: editor)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: editor.path)
        let before = try eventFiles(site, id)
        let result = try site.herald(
            "incident", "update", id, "--status", "monitoring", "--now", now, environment: ["HERALD_FORCE_EDITOR": "1", "EDITOR": editor.path])
        let seen = try site.read("seen.txt")
        #expect(seen.hasPrefix("A fix has been applied to Search. We are monitoring the results."))
        // Closing the editor without changing the canned text aborts: nothing is posted.
        #expect(result.status == 1)
        #expect(result.stderr.contains("aborted: the editor was closed without changes; nothing was written"), "\(result.stderr)")
        #expect(try eventFiles(site, id) == before)
    }

    @Test func theAuthorDefaultsToGitsUserNameInTheSiteFolder() throws {
        // HOME and GIT_CONFIG_* point away from this machine's own git settings.
        let site = try TemporarySite()
        let home = site.root.appendingPathComponent("home").path
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        let environment = ["HOME": home, "XDG_CONFIG_HOME": home, "GIT_CONFIG_NOSYSTEM": "1"]
        func post(_ message: String) throws -> String {
            let new = try site.herald(
                "incident", "new", "--title", message, "--severity", "minor", "--component", "api", "--message", "Looking.", "--now", now,
                environment: environment)
            #expect(new.status == 0, "\(new.stderr)")
            let id = new.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let files = try eventFiles(site, id).filter { $0 != "incident.md" }
            return try site.read("content/incidents/\(id)/\(try #require(files.first))")
        }
        // Not a git repository and no user.name anywhere: no `by`.
        #expect(!(try post("Search is slow")).contains("by:"))
        // The site's own git configuration names the author.
        let configured = Process()
        configured.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        configured.arguments = ["sh", "-c", "git init -q && git config user.name 'Rae Responder'"]
        configured.currentDirectoryURL = site.root
        configured.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        try configured.run()
        configured.waitUntilExit()
        #expect(configured.terminationStatus == 0)
        // A user.name people.yml does not list is left out (its name would be published), with a note.
        #expect(!(try post("Search is slower")).contains("by:"))
        try site.write("content/people.yml", try site.read("content/people.yml") + "- name: Rae Responder\n")
        #expect(try post("Search is slowest").contains("by: Rae Responder\n"))
    }
}
