import Foundation
import Testing

/// Issue #24, points 3–8 through the built `herald`: corrections, follow-ups, maintenance on the
/// clock and cancelled, no traps when posting, escalation, and Statuspage's top-level status.
@Suite("corrections, follow-ups, escalation, maintenance clock")
struct CorrectionTests {
    let id = "2026-11-22-search-down"
    let now = "2026-11-22T15:00:00Z"

    func json(_ site: TemporarySite, _ path: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(site.read(path).utf8)) as? [String: Any])
    }

    func apiIncident(_ site: TemporarySite, _ id: String) throws -> [String: Any] {
        let incidents = try #require(try json(site, "public/api/v2/incidents.json")["incidents"] as? [[String: Any]])
        return try #require(incidents.first { ($0["shortlink"] as? String ?? "").contains(id) })
    }

    func component(_ site: TemporarySite, _ name: String) throws -> String? {
        let components = try #require(try json(site, "public/api/v2/summary.json")["components"] as? [[String: Any]])
        return components.first { $0["name"] as? String == name }?["status"] as? String
    }

    /// Posts and returns the event's file name (the last line printed is its path).
    func post(_ site: TemporarySite, _ arguments: String..., stdin: String? = nil) throws -> String {
        let result = try HeraldRunner.run(arguments + ["--now", now], in: site.root, stdin: stdin)
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        return String(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "/").last ?? "")
    }

    /// Every file under public/, path → bytes.
    func outputs(_ site: TemporarySite) throws -> [String: Data] {
        var result: [String: Data] = [:]
        for path in site.files(under: "public") where !path.hasPrefix(".") {
            result[path] = try Data(contentsOf: site.root.appendingPathComponent("public/\(path)"))
        }
        return result
    }

    // MARK: - 3. Corrections

    @Test func editFixesATypoEverywhereAndMarksItEdited() throws {
        let site = try TemporarySite()
        let name = try post(site, "incident", "update", id, "--status", "identified", "--message", "A faulty deplyo is the cause.", "--at", "14:30")
        let original = try site.read("content/incidents/\(id)/\(name)")
        let reference = String(name.dropLast(3).split(separator: "-").last!)
        let show = try site.herald("incident", "show", id, "--now", now)
        #expect(show.stdout.contains("{\(reference)}"), "show prints each event's reference: \(show.stdout)")
        let edit = try post(site, "incident", "edit", id, reference, "--message", "A faulty deploy is the cause.", "--at", "14:40")
        #expect(edit.contains("-edit-"))
        #expect(try site.read("content/incidents/\(id)/\(name)") == original, "the update's own file is never changed")
        #expect(try site.herald("build", "--now", now).status == 0)
        let page = try site.read("public/incidents/\(id)/index.html")
        #expect(page.contains("A faulty deploy is the cause."))
        #expect(!page.contains("deplyo"))
        #expect(page.contains("<span class=\"tag\">edited</span>"))
        let updates = try #require(try apiIncident(site, id)["incident_updates"] as? [[String: Any]])
        let identified = try #require(updates.first { $0["status"] as? String == "identified" })
        #expect(identified["body"] as? String == "A faulty deploy is the cause.")
        #expect(identified["created_at"] as? String == "2026-11-22T14:30:00.000Z")
        #expect(identified["updated_at"] as? String == "2026-11-22T14:40:00.000Z")
        let feed = try site.read("public/history.atom")
        #expect(feed.contains("Identified (edited)"))
        #expect(!feed.contains("deplyo"))
        // The whole file name works too, and a second edit wins.
        _ = try post(site, "incident", "edit", id, name, "--message", "-", "--at", "14:45", stdin: "A faulty deploy of search is the cause.\n")
        #expect(try site.herald("build", "--now", now).status == 0)
        #expect(try site.read("public/incidents/\(id)/index.html").contains("A faulty deploy of search is the cause."))
    }

    /// `herald check` lints an edited message where it is written: the edit's file and line.
    @Test func checkPointsAtTheEditThatHoldsTheMessage() throws {
        let site = try TemporarySite()
        let name = try post(site, "incident", "update", id, "--status", "identified", "--message", "Found the cause.", "--at", "14:30")
        let edit = try post(site, "incident", "edit", id, name, "--message", "Found the cause this morning.", "--at", "14:40")
        let lines = try site.read("content/incidents/\(id)/\(edit)").split(separator: "\n", omittingEmptySubsequences: false)
        let line = try #require(lines.firstIndex { $0.hasPrefix("Found the cause") }) + 1
        let check = try site.herald("check", "--now", now)
        #expect(check.stdout.contains("content/incidents/\(id)/\(edit):\(line): warning:"), "\(check.stdout)")
        #expect(check.stdout.contains("[local-time]"))
        #expect(!check.stdout.contains("\(name):"), "\(check.stdout)")
    }

    /// A component set to major_outage by mistake, then retracted: every output is byte for byte
    /// the output of a site where it was never posted, and the reason is nowhere public.
    @Test func aRetractedUpdateLeavesNoTraceInAnyPublicOutput() throws {
        let wrong = try TemporarySite()
        _ = try post(wrong, "incident", "update", id, "--status", "identified", "--message", "We found the cause.", "--at", "14:20")
        // The same records (same file names, so the same API ids), without the wrong update.
        let clean = try TemporarySite(copying: wrong.root)
        let name = try post(
            wrong, "incident", "update", id, "--status", "identified", "--component", "search=major_outage", "--component", "api=major_outage", "--message",
            "Everything is down.", "--at", "14:25")
        #expect(try wrong.herald("build", "--now", now).status == 0)
        #expect(try component(wrong, "API") == "major_outage")
        let reasonless = try wrong.herald("incident", "retract", id, name, "--now", now)
        #expect(reasonless.status == 1)
        #expect(reasonless.stderr.contains("no reason for the retraction (internal) given"), "\(reasonless.stderr)")
        _ = try post(
            wrong, "incident", "retract", id, String(name.dropLast(3).split(separator: "-").last!), "--reason",
            "Posted to the wrong incident by SECRET-REASON.", "--at", "14:30")
        #expect(try wrong.herald("build", "--now", now).status == 0)
        #expect(try clean.herald("build", "--now", now).status == 0)
        let a = try outputs(wrong)
        let b = try outputs(clean)
        #expect(a.keys.sorted() == b.keys.sorted())
        for (path, bytes) in a where b[path] != bytes { Issue.record("public/\(path) differs from a site where the update was never posted") }
        for (path, bytes) in a { #expect(!String(decoding: bytes, as: UTF8.self).contains("SECRET-REASON"), "\(path)") }
        #expect(try component(wrong, "API") == "operational")
        #expect(try component(wrong, "Search") == "partial_outage", "the severity's default again")
        let show = try wrong.herald("incident", "show", id, "--now", now)
        #expect(show.stdout.contains("RETRACTED"))
        #expect(show.stdout.contains("SECRET-REASON"), "the reason is internal: show prints it")
    }

    @Test func editReplacesAnUpdatesComponentStatuses() throws {
        let site = try TemporarySite()
        let name = try post(
            site, "incident", "update", id, "--status", "identified", "--component", "search=major_outage", "--message", "Search is down.", "--at", "14:20")
        _ = try post(site, "incident", "edit", id, name, "--component", "search=degraded_performance", "--at", "14:30")
        #expect(try site.herald("build", "--now", now).status == 0)
        #expect(try component(site, "Search") == "degraded_performance")
        let page = try site.read("public/incidents/\(id)/index.html")
        #expect(page.contains("Search is down."), "an edit without a message keeps the message")
        #expect(page.contains("Search: Degraded performance"))
        let uptime = try site.read("public/index.html")
        #expect(!uptime.contains("major outage"), "no major outage left in the uptime bars")
        _ = try post(site, "incident", "edit", id, name, "--clear-components", "--at", "14:35")
        #expect(try site.herald("build", "--now", now).status == 0)
        #expect(try component(site, "Search") == "partial_outage")
    }

    @Test func correctionsRefuseWhatTheyCannotDo() throws {
        let site = try TemporarySite()
        let before = site.files(under: "content")
        let cases: [([String], String)] = [
            (["incident", "edit", id, "zzzz", "--message", "x"], "no public update 'zzzz' in incident '\(id)' (expected one of ab12)"),
            (["incident", "edit", id, "ab13", "--message", "x"], "did you mean 'ab12'?"),
            (["incident", "retract", id, "ab12", "--reason", "x"], "is the incident's only public update; it cannot be retracted"),
            (
                ["incident", "edit", id, "ab12", "--message", "Search requests fail. We are investigating. Contact help@status.test."],
                "the same as the current one"
            ),
            (["incident", "follow-up", id, "--message", "Postmortem."], "is not resolved; post an update instead"),
            (["incident", "edit", id, "ab12"], "no corrected message given")
        ]
        for (arguments, message) in cases {
            let result = try HeraldRunner.run(arguments + ["--now", now], in: site.root)
            #expect(result.status == 1, "\(arguments)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
        #expect(site.files(under: "content") == before)
        // A hand-written correction of something that is not a public update: path:line error.
        try site.write("content/incidents/\(id)/20261122T141000Z-note-cd34.md", "---\nkind: note\nat: 2026-11-22T14:10:00Z\n---\nPaged.\n")
        try site.write(
            "content/incidents/\(id)/20261122T141500Z-edit-ef56.md",
            "---\nkind: edit\nat: 2026-11-22T14:15:00Z\ntarget: 20261122T141000Z-note-cd34.md\n---\nNew.\n")
        let build = try site.herald("build", "--now", now)
        #expect(build.status == 1)
        #expect(
            build.stderr.contains(
                "content/incidents/\(id)/20261122T141500Z-edit-ef56.md:4: error: edit target '20261122T141000Z-note-cd34.md': only public updates can be corrected"
            ), "\(build.stderr)")
    }

    @Test func maintenanceUpdatesCanBeEditedAndRetracted() throws {
        let site = try TemporarySite()
        let mid = try post(
            site, "maintenance", "new", "--title", "DB upgrade", "--component", "api", "--start", "2026-11-22T14:00:00Z", "--end", "2026-11-22T16:00:00Z",
            "--message", "Planned.", "--at", "2026-11-21T10:00:00Z")
        let started = try post(site, "maintenance", "update", mid, "--status", "in_progress", "--message", "Strated.", "--at", "14:00")
        let wrong = try post(site, "maintenance", "update", mid, "--status", "completed", "--message", "Done (wrong).", "--at", "14:30")
        _ = try post(site, "maintenance", "edit", mid, started, "--message", "Started.", "--at", "14:35")
        _ = try post(site, "maintenance", "retract", mid, wrong, "--reason", "Not done yet.", "--at", "14:40")
        let list = try site.herald("maintenance", "list", "--json", "--now", now)
        #expect((try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])?.first?["status"] as? String == "in_progress")
        #expect(try site.herald("build", "--now", now).status == 0)
        let page = try site.read("public/maintenance/\(mid)/index.html")
        #expect(page.contains("Started."))
        #expect(!page.contains("Strated."))
        #expect(!page.contains("Done (wrong)."))
        #expect(try component(site, "API") == "under_maintenance")
        let show = try site.herald("maintenance", "show", mid, "--now", now)
        #expect(show.stdout.contains("RETRACTED"), "\(show.stdout)")
    }

    // MARK: - 5. Follow-ups

    @Test func aFollowUpNeitherReopensNorMovesResolvedAt() throws {
        let site = try TemporarySite()
        _ = try post(site, "incident", "resolve", id, "--message", "Fixed.", "--at", "14:50")
        let later = "2026-12-05T10:00:00Z"
        let result = try site.herald("incident", "follow-up", id, "--message", "The postmortem is published.", "--now", later)
        #expect(result.status == 0, "\(result.stderr)")
        let list = try site.herald("incident", "list", "--json", "--now", later)
        let row = try #require((try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])?.first)
        #expect(row["status"] as? String == "resolved")
        #expect(row["reopened"] as? Bool == false)
        #expect(row["resolved_at"] as? String == "2026-11-22T14:50:00Z")
        #expect(try site.herald("build", "--now", later).status == 0)
        let page = try site.read("public/incidents/\(id)/index.html")
        #expect(page.contains("Follow-up"))
        #expect(page.contains("The postmortem is published."))
        #expect(page.contains("45m"), "the duration is still 14:05 to 14:50")
        let incident = try apiIncident(site, id)
        #expect(incident["status"] as? String == "resolved")
        #expect(incident["resolved_at"] as? String == "2026-11-22T14:50:00.000Z")
        #expect(incident["updated_at"] as? String == "2026-12-05T10:00:00.000Z")
        let updates = try #require(incident["incident_updates"] as? [[String: Any]])
        #expect(updates.first?["status"] as? String == "postmortem")
        #expect(updates.first?["body"] as? String == "The postmortem is published.")
        #expect(try site.read("public/history.atom").contains("The postmortem is published."))
        // Resolving again is still refused: a follow-up did not reopen it.
        let again = try site.herald("incident", "resolve", id, "--message", "Fixed again.", "--now", later)
        #expect(again.status == 1)
        #expect(again.stderr.contains("already resolved"))
    }

    // MARK: - 6. Maintenance on the clock

    @Test func maintenanceFollowsTheClockAfterItsAnnouncementAndCanBeCancelled() throws {
        let site = try TemporarySite()
        let past = try post(
            site, "maintenance", "new", "--title", "Old window", "--component", "api", "--start", "2026-11-22T10:00:00Z", "--end", "2026-11-22T11:00:00Z",
            "--message", "Planned.", "--at", "2026-11-20T10:00:00Z")
        let running = try post(
            site, "maintenance", "new", "--title", "Running window", "--component", "web", "--start", "2026-11-22T14:30:00Z", "--end", "2026-11-22T16:00:00Z",
            "--message", "Planned.", "--at", "2026-11-20T10:00:00Z")
        let future = try post(
            site, "maintenance", "new", "--title", "Future window", "--component", "search", "--start", "2026-11-25T10:00:00Z", "--end", "2026-11-25T11:00:00Z",
            "--message", "Planned.")
        let cancelled = try post(
            site, "maintenance", "new", "--title", "Called off", "--component", "search", "--start", "2026-11-26T10:00:00Z", "--end", "2026-11-26T11:00:00Z",
            "--message", "Planned.")
        let cancel = try site.herald("maintenance", "cancel", cancelled, "--now", now)
        #expect(cancel.status == 0, "\(cancel.stderr)")
        let list = try site.herald("maintenance", "list", "--json", "--now", now)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        let status = Dictionary(uniqueKeysWithValues: rows.map { ($0["id"] as! String, $0["status"] as! String) })
        #expect(status == [past: "completed", running: "in_progress", future: "scheduled", cancelled: "completed"])
        #expect(try site.herald("build", "--now", now).status == 0)
        let upcoming = try #require(try json(site, "public/api/v2/scheduled-maintenances/upcoming.json")["scheduled_maintenances"] as? [[String: Any]])
        #expect(upcoming.compactMap { $0["name"] as? String } == ["Future window"])
        #expect(try component(site, "Website") == "under_maintenance")
        #expect(try site.read("public/maintenance/\(cancelled)/index.html").contains("Cancelled"))
        #expect(try site.read("public/maintenance.ics").contains("STATUS:CANCELLED"))
        let again = try site.herald("maintenance", "cancel", cancelled, "--now", now)
        #expect(again.status == 1)
        #expect(again.stderr.contains("already cancelled"))
    }

    /// A window typed as HH:MM lies ahead: the next such start, and the first such end after it.
    @Test func maintenanceWindowsInHoursAndMinutesLieAhead() throws {
        let site = try TemporarySite()
        func window(_ start: String, _ end: String) throws -> (String?, String?) {
            let result = try site.herald(
                "maintenance", "new", "--title", "Window \(start)", "--component", "api", "--start", start, "--end", end, "--message", "Planned.", "--now",
                "2026-11-22T22:00:00Z")
            #expect(result.status == 0, "\(result.stderr)")
            let text = try site.read("content/maintenance/\(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines))/maintenance.md")
            func value(_ key: String) -> String? {
                text.split(separator: "\n").first { $0.hasPrefix(key + ": ") }.map { String($0.dropFirst(key.count + 2)) }
            }
            return (value("scheduled_start"), value("scheduled_end"))
        }
        #expect(try window("02:00", "03:00") == ("2026-11-23T02:00:00Z", "2026-11-23T03:00:00Z"))
        #expect(try window("23:00", "01:00") == ("2026-11-22T23:00:00Z", "2026-11-23T01:00:00Z"))
    }

    /// An `in_progress` posted during the window ends with it; one posted after the end (an
    /// overrun) holds until the next update.
    @Test func inProgressEndsWithTheWindowUnlessPostedAfterIt() throws {
        let site = try TemporarySite()
        let mid = try post(
            site, "maintenance", "new", "--title", "Upgrade", "--component", "api", "--start", "2026-11-22T13:00:00Z", "--end", "2026-11-22T14:00:00Z",
            "--message", "Planned.", "--at", "2026-11-20T10:00:00Z")
        _ = try post(site, "maintenance", "update", mid, "--status", "in_progress", "--message", "Started.", "--at", "13:00")
        func status() throws -> String? {
            let list = try site.herald("maintenance", "list", "--json", "--now", now)
            return (try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])?.first?["status"] as? String
        }
        #expect(try status() == "completed")
        _ = try post(site, "maintenance", "update", mid, "--status", "in_progress", "--message", "Taking longer; next update 15:30 UTC.", "--at", "14:10")
        #expect(try status() == "in_progress")
    }

    // MARK: - 7. No traps

    @Test func pipedTextIsTheMessage() throws {
        let site = try TemporarySite()
        let name = try post(site, "incident", "update", id, "--status", "identified", stdin: "Piped from a chat bot.\n")
        #expect(try site.read("content/incidents/\(id)/\(name)").hasSuffix("---\nPiped from a chat bot.\n"))
        // Nothing piped (standard input closed at once): the canned text, as before.
        let canned = try post(site, "incident", "update", id, "--status", "monitoring")
        #expect(try site.read("content/incidents/\(id)/\(canned)").contains("We are monitoring"))
    }

    /// A pipe that stays open without data (some schedulers hold one) does not hang a posting:
    /// after a second the canned text is posted.
    @Test func aPipeHeldOpenWithoutDataDoesNotHang() throws {
        let site = try TemporarySite()
        let process = Process()
        process.executableURL = HeraldRunner.executable
        process.arguments = ["incident", "update", id, "--status", "monitoring", "--now", now]
        process.currentDirectoryURL = site.root
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning {
            process.terminate()
            Issue.record("herald waited for standard input that never came")
        }
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let name = try #require(site.files(under: "content/incidents/\(id)").first { $0.contains("-monitoring-") })
        #expect(try site.read("content/incidents/\(id)/\(name)").contains("We are monitoring"))
    }

    @Test func anEditorClosedUnchangedAbortsAnEdit() throws {
        let site = try TemporarySite()
        let editor = site.root.appendingPathComponent("keep-editor.sh")
        try Data("#!/bin/sh\ncp \"$1\" \"\(site.root.path)/seen.txt\"\n".utf8).write(to: editor)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: editor.path)
        let before = site.files(under: "content")
        let result = try site.herald("incident", "edit", id, "ab12", "--now", now, environment: ["HERALD_FORCE_EDITOR": "1", "EDITOR": editor.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("closed without changes"), "\(result.stderr)")
        #expect(try site.read("seen.txt").hasPrefix("Search requests fail. We are investigating."), "the editor opens on the current text")
        #expect(site.files(under: "content") == before)
    }

    @Test func lintsRunBeforeWritingAndStrictRefuses() throws {
        let site = try TemporarySite()
        let warned = try site.herald("incident", "update", id, "--status", "identified", "--message", "Fixed this morning at 10am PST.", "--now", now)
        #expect(warned.status == 0)
        #expect(warned.stderr.contains("herald: warning:"), "\(warned.stderr)")
        #expect(warned.stderr.contains("[local-time]"))
        let before = site.files(under: "content")
        let strict = try site.herald("incident", "update", id, "--status", "identified", "--message", "Back this evening.", "--strict", "--now", now)
        #expect(strict.status == 1)
        #expect(strict.stderr.contains("--strict: 1 warning; nothing was written"), "\(strict.stderr)")
        #expect(site.files(under: "content") == before)
        let first = try site.herald(
            "incident", "new", "--title", "API slow", "--severity", "minor", "--component", "api", "--message", "The API is slow.", "--now", now)
        #expect(first.status == 0)
        #expect(first.stderr.contains("does not name the support address (help@status.test)"), "\(first.stderr)")
        #expect(first.stderr.contains("[first-contact]"))
        let resolve = try site.herald("incident", "resolve", id, "--message", "Resolved tonight.", "--strict", "--now", now)
        #expect(resolve.status == 1)
    }

    @Test func resolvingTwiceIsRefusedByEveryCommandAndTyposGetSuggestions() throws {
        let site = try TemporarySite()
        _ = try post(site, "incident", "resolve", id, "--message", "Fixed.")
        for arguments in [["incident", "resolve", id, "--message", "Again."], ["incident", "update", id, "--status", "resolved", "--message", "Again."]] {
            let result = try HeraldRunner.run(arguments + ["--now", now], in: site.root)
            #expect(result.status == 1, "\(arguments)")
            #expect(result.stderr.contains("is already resolved"), "\(arguments): \(result.stderr)")
        }
        #expect(try site.herald("incident", "update", id, "--status", "resolved", "--message", "Again.", "--force", "--now", now).status == 0)
        let typos: [([String], String)] = [
            (["incident", "update", id, "--status", "resolvd", "--message", "x"], "did you mean 'resolved'?"),
            (["incident", "update", id, "--status", "identifed", "--message", "x"], "did you mean 'identified'?"),
            (["incident", "new", "--title", "X", "--severity", "critcal", "--component", "api"], "did you mean 'critical'?"),
            (["incident", "update", id, "--severity", "majr", "--message", "x"], "did you mean 'major'?"),
            (["incident", "update", id, "--status", "identified", "--component", "api=major_outge", "--message", "x"], "did you mean 'major_outage'?"),
            (["maintenance", "update", "2026-11-22-x", "--status", "in_progres", "--message", "x"], "did you mean 'in_progress'?")
        ]
        for (arguments, message) in typos {
            let result = try HeraldRunner.run(arguments + ["--now", now], in: site.root)
            #expect(result.status == 1, "\(arguments)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
    }

    // MARK: - 4. Escalation

    @Test func escalationChangesImpactOnlyFromItsTime() throws {
        let site = try TemporarySite()
        // The minimal incident is major (search: partial outage) from 14:05; critical from 14:40.
        let escalated = try post(site, "incident", "update", id, "--severity", "critical", "--message", "Search is now fully down.", "--at", "14:40")
        let text = try site.read("content/incidents/\(id)/\(escalated)")
        #expect(text.contains("status: investigating\n"), "the status stays: \(text)")
        #expect(text.contains("severity: critical\n"))
        #expect(try site.herald("build", "--now", now).status == 0)
        #expect(try component(site, "Search") == "major_outage")
        let incident = try apiIncident(site, id)
        #expect(incident["impact"] as? String == "critical")
        #expect(try site.read("public/incidents/\(id)/index.html").contains("Impact changed to critical"))
        // Uptime: 20 minutes of major outage (14:40–15:00), 35 of partial outage (14:05–14:40).
        let index = try site.read("public/index.html")
        #expect(index.contains("2026-11-22: 20 minutes major outage, 35 minutes partial outage"), "\(index)")
        let same = try site.herald("incident", "update", id, "--severity", "critical", "--message", "x", "--now", now)
        #expect(same.status == 1)
        #expect(same.stderr.contains("already critical"))
    }

    @Test func newTakesImpactStartedAndTheFirstUpdatesComponentStatuses() throws {
        let site = try TemporarySite()
        let result = try site.herald(
            "incident", "new", "--title", "Webhooks delayed", "--severity", "minor", "--component", "api=major_outage", "--component", "web",
            "--impact-started", "14:39", "--at", "14:52", "--message", "Webhooks are delayed. Contact help@status.test.", "--now", now)
        #expect(result.status == 0, "\(result.stderr)")
        let newID = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try site.read("content/incidents/\(newID)/incident.md").contains("impact_started: 2026-11-22T14:39:00Z\n"))
        #expect(try site.herald("build", "--now", now).status == 0)
        let incident = try apiIncident(site, newID)
        #expect(incident["started_at"] as? String == "2026-11-22T14:39:00.000Z")
        let first = try #require((incident["incident_updates"] as? [[String: Any]])?.last)
        let affected = try #require(first["affected_components"] as? [[String: Any]])
        #expect(affected.map { $0["new_status"] as? String } == ["major_outage"])
        #expect(try component(site, "API") == "major_outage")
        #expect(try component(site, "Website") == "degraded_performance")
        let late = try site.herald(
            "incident", "new", "--title", "X", "--severity", "minor", "--impact-started", "14:55", "--at", "14:52", "--message", "x", "--now", now)
        #expect(late.status == 1)
        #expect(late.stderr.contains("is after the first update"))
    }

    // MARK: - Parse cache

    /// Records with every new field (milliseconds, sequences, edits, retractions, follow-ups,
    /// escalations, cancellations) read back from the parse cache build the same site as records
    /// parsed anew.
    @Test func theParseCacheKeepsCorrectionsAndNewFields() throws {
        let site = try TemporarySite()
        let wrong = try post(
            site, "incident", "update", id, "--status", "identified", "--component", "api=major_outage", "--message", "Wrong.", "--at",
            "2026-11-22T14:10:00.125Z")
        let typo = try post(
            site, "incident", "update", id, "--status", "identified", "--severity", "critical", "--component", "search=major_outage", "--message", "Tpyo.",
            "--at", "14:20")
        _ = try post(site, "incident", "retract", id, wrong, "--reason", "Wrong incident.", "--at", "14:30")
        _ = try post(site, "incident", "edit", id, typo, "--message", "Typo fixed.", "--component", "search=partial_outage", "--at", "14:31")
        _ = try post(site, "incident", "resolve", id, "--message", "Fixed.", "--at", "14:40")
        _ = try post(site, "incident", "follow-up", id, "--message", "Postmortem soon.", "--at", "14:50")
        let mid = try post(site, "maintenance", "new", "--title", "Upgrade", "--component", "web", "--start", "+1d", "--end", "+1d1h", "--message", "Planned.")
        _ = try post(site, "maintenance", "cancel", mid)
        #expect(try site.herald("build", "--now", now).status == 0)
        #expect(try site.herald("build", "--now", now, "--out", "from-cache").status == 0)
        try FileManager.default.removeItem(at: site.root.appendingPathComponent(".herald-cache"))
        #expect(try site.herald("build", "--now", now, "--out", "parsed").status == 0)
        let a = site.files(under: "from-cache").filter { $0 != ".herald-output" }
        #expect(a == site.files(under: "parsed").filter { $0 != ".herald-output" })
        for path in a { #expect(try site.read("from-cache/\(path)") == site.read("parsed/\(path)"), "\(path) differs") }
        let page = try site.read("parsed/incidents/\(id)/index.html")
        #expect(page.contains("Typo fixed.") && page.contains("Impact changed to critical") && page.contains("Follow-up") && !page.contains("Wrong."))
    }

    // MARK: - 8. Statuspage's top-level status

    /// githubstatus.com during the 2022-11-25 incident (the real summary.json in
    /// Tests/Fixtures/real): 11 components, Packages in partial outage, a `major` incident open.
    @Test func theOverallStatusMatchesGitHubsRealSummary() throws {
        let fixture = repositoryRoot.appendingPathComponent("Tests/Fixtures/real/statuspage/github_summary_2022-11-25_packages-pages-incident-in-progress.json")
        let real = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: fixture)) as? [String: Any])
        let components = try #require(real["components"] as? [[String: Any]])
        var yml = "title: GitHub\nbase_url: https://status.test/\nsupport: help@status.test\nstale_after: 30m\ncomponents:\n"
        var ids: [String: String] = [:]
        for (index, component) in components.enumerated() {
            let id = "c\(index)"
            ids[component["name"] as! String] = id
            yml += "  - id: \(id)\n    name: \(RecordWriterQuote.quote(component["name"] as! String))\n"
        }
        let site = try TemporarySite(files: ["content/site.yml": yml])
        let changes = components.compactMap { c -> String? in
            let status = c["status"] as! String
            return status == "operational" ? nil : "\(ids[c["name"] as! String]!)=\(status)"
        }
        let incident = try #require((real["incidents"] as? [[String: Any]])?.first)
        var arguments = [
            "incident", "new", "--title", incident["name"] as! String, "--severity", incident["impact"] as! String,
            "--component", ids["Packages"]!, "--component", ids["Pages"]!, "--message", "Investigating. Contact help@status.test.", "--now",
            "2022-11-25T15:50:04Z"
        ]
        for change in changes { arguments += ["--component", change] }
        arguments += ["--component", "\(ids["Pages"]!)=operational"]
        let new = try HeraldRunner.run(arguments, in: site.root)
        #expect(new.status == 0, "\(new.stderr)")
        #expect(try site.herald("build", "--now", "2022-11-25T15:50:05Z").status == 0)
        let ours = try json(site, "public/api/v2/summary.json")
        #expect(ours["status"] as? [String: String] == real["status"] as? [String: String], "\(ours["status"] ?? "")")
        #expect(try json(site, "public/api/v2/status.json")["status"] as? [String: String] == real["status"] as? [String: String])
    }

    @Test func monitoringWithEverythingOperationalIsAllSystemsOperational() throws {
        let site = try TemporarySite()
        _ = try post(site, "incident", "update", id, "--status", "monitoring", "--component", "search=operational", "--message", "Fixed; watching.")
        #expect(try site.herald("build", "--now", now).status == 0)
        #expect(try json(site, "public/api/v2/status.json")["status"] as? [String: String] == ["indicator": "none", "description": "All Systems Operational"])
        // An open incident with no component: its severity is its impact.
        let bare = try site.herald(
            "incident", "new", "--title", "Logins fail", "--severity", "critical", "--message", "Logins fail. Contact help@status.test.", "--now", now)
        #expect(bare.status == 0, "\(bare.stderr)")
        #expect(try site.herald("build", "--now", now).status == 0)
        #expect(try json(site, "public/api/v2/status.json")["status"] as? [String: String] == ["indicator": "critical", "description": "Major System Outage"])
    }
}

/// A YAML double-quoted scalar (for component names in a test's site.yml).
enum RecordWriterQuote {
    static func quote(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
