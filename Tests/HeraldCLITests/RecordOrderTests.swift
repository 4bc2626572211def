import Foundation
import Testing

/// Issue #24, points 1 and 2: every event has a time to the millisecond and a posting sequence,
/// so events keep the order they were posted in, on one machine and across a git merge; `--at`
/// keeps milliseconds, `HH:MM` is never in the future, and future events are refused.
@Suite("event order and times")
struct RecordOrderTests {
    let id = "2026-11-22-search-down"
    let now = "2026-11-22T14:20:00Z"

    /// The built status.json / incidents.json of a site, parsed.
    func api(_ site: TemporarySite, _ file: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(site.read("public/api/v2/\(file)").utf8)) as? [String: Any])
    }

    func incident(_ site: TemporarySite, _ id: String) throws -> [String: Any] {
        let incidents = try #require(try api(site, "incidents.json")["incidents"] as? [[String: Any]])
        return try #require(incidents.first { ($0["shortlink"] as? String ?? "").contains(id) })
    }

    /// Bodies of the incident's updates in incidents.json, oldest first.
    func updateBodies(_ incident: [String: Any]) throws -> [String] {
        let updates = try #require(incident["incident_updates"] as? [[String: Any]])
        return updates.reversed().compactMap { $0["body"] as? String }
    }

    func listed(_ site: TemporarySite, now: String) throws -> [[String: Any]] {
        let list = try site.herald("incident", "list", "--json", "--now", now)
        #expect(list.status == 0, "\(list.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
    }

    @Test func newThenUpdateInTheSameMillisecondKeepsThePostingOrder() throws {
        let site = try TemporarySite()
        let new = try site.herald(
            "incident", "new", "--title", "Checkout fails", "--severity", "major", "--component", "api", "--message", "Looking. Contact help@status.test.",
            "--now", now)
        #expect(new.status == 0, "\(new.stderr)")
        let newID = new.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let update = try site.herald("incident", "update", newID, "--status", "identified", "--message", "Found it.", "--now", now)
        #expect(update.status == 0, "\(update.stderr)")
        #expect(try listed(site, now: now).first { $0["id"] as? String == newID }?["status"] as? String == "identified")
        // The file names carry the time to the millisecond and the sequence.
        let names = site.files(under: "content/incidents/\(newID)").filter { $0 != "incident.md" }
        #expect(names.count == 2)
        #expect(names.contains { $0.hasPrefix("20261122T142000.000Z-0001-investigating-") }, "\(names)")
        #expect(names.contains { $0.hasPrefix("20261122T142000.000Z-0002-identified-") }, "\(names)")
        let second = try site.read("content/incidents/\(newID)/" + names.first { $0.contains("-identified-") }!)
        #expect(second.hasPrefix("---\nstatus: identified\nat: 2026-11-22T14:20:00Z\nseq: 2\n"), "\(second)")
    }

    @Test func sixUpdatesInOneSecondKeepTheirOrderEverywhere() throws {
        let site = try TemporarySite()
        for n in 1...6 {
            let result = try site.herald("incident", "update", id, "--status", n == 6 ? "monitoring" : "identified", "--message", "Update \(n).", "--now", now)
            #expect(result.status == 0, "\(result.stderr)")
        }
        #expect(try site.herald("build", "--now", now).status == 0)
        let bodies = try updateBodies(try incident(site, id))
        #expect(bodies.suffix(6) == (1...6).map { "Update \($0)." }, "\(bodies)")
        let show = try site.herald("incident", "show", id, "--now", now)
        let order = show.stdout.split(separator: "\n").compactMap { line -> Int? in
            guard let range = line.range(of: "Update ") else { return nil }
            return Int(line[range.upperBound...].prefix(1))
        }
        #expect(order == [1, 2, 3, 4, 5, 6], "\(show.stdout)")
        #expect(try listed(site, now: now).first?["status"] as? String == "monitoring")
    }

    @Test func resolveThenReopenInOneSecondIsOpen() throws {
        let site = try TemporarySite()
        #expect(try site.herald("incident", "resolve", id, "--message", "Fixed.", "--now", now).status == 0)
        #expect(try site.herald("incident", "update", id, "--status", "investigating", "--message", "It is back.", "--now", now).status == 0)
        let row = try #require(try listed(site, now: now).first)
        #expect(row["status"] as? String == "investigating")
        #expect(row["reopened"] as? Bool == true)
    }

    @Test func maintenanceInProgressThenCompletedInOneSecondIsCompleted() throws {
        let site = try TemporarySite()
        let new = try site.herald(
            "maintenance", "new", "--title", "DB upgrade", "--component", "api", "--start", "2026-11-22T14:00:00Z", "--end", "2026-11-22T15:00:00Z", "--at",
            "2026-11-21T10:00:00Z", "--message", "Planned.", "--now", now)
        #expect(new.status == 0, "\(new.stderr)")
        let mid = new.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try site.herald("maintenance", "update", mid, "--status", "in_progress", "--message", "Started.", "--now", now).status == 0)
        #expect(try site.herald("maintenance", "update", mid, "--status", "completed", "--message", "Done.", "--now", now).status == 0)
        let list = try site.herald("maintenance", "list", "--json", "--now", now)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [[String: Any]])
        #expect(rows.first?["status"] as? String == "completed")
    }

    @Test func atKeepsMillisecondsIntoTheFileAndTheAPI() throws {
        let site = try TemporarySite()
        let result = try site.herald(
            "incident", "update", id, "--status", "identified", "--message", "Found it.", "--at", "2026-11-22T15:10:00.25+01:00", "--now", now)
        #expect(result.status == 0, "\(result.stderr)")
        let name = try #require(site.files(under: "content/incidents/\(id)").first { $0.contains("-identified-") })
        #expect(name.hasPrefix("20261122T141000.250Z-0001-identified-"), "\(name)")
        #expect(try site.read("content/incidents/\(id)/\(name)").contains("\nat: 2026-11-22T14:10:00.250Z\n"))
        #expect(try site.herald("build", "--now", now).status == 0)
        let updates = try #require(try incident(site, id)["incident_updates"] as? [[String: Any]])
        #expect(updates.first?["created_at"] as? String == "2026-11-22T14:10:00.250Z")
        #expect(updates.last?["created_at"] as? String == "2026-11-22T14:05:00.000Z")
    }

    @Test func hourAndMinuteIsTheMostRecentSuchTime() throws {
        let site = try TemporarySite()
        // At 00:05, 23:55 is ten minutes ago, yesterday.
        let late = try site.herald("incident", "note", id, "Paged.", "--at", "23:55", "--now", "2026-11-23T00:05:00Z")
        #expect(late.status == 0, "\(late.stderr)")
        let note = try #require(site.files(under: "content/incidents/\(id)").first { $0.contains("-note-") })
        #expect(note.hasPrefix("20261122T235500.000Z-"), "\(note)")
        // At 14:20, 14:10 is today's.
        #expect(try site.herald("incident", "note", id, "Checked.", "--at", "14:10", "--now", now).status == 0)
        #expect(site.files(under: "content/incidents/\(id)").contains { $0.hasPrefix("20261122T141000.000Z-") })
    }

    @Test func futureEventsAreRefusedUnlessForced() throws {
        let site = try TemporarySite()
        let before = site.files(under: "content")
        // At 14:20, "16:00" is yesterday's 16:00 (never the future); an explicit future time is refused.
        for at in ["2026-11-22T16:00:00Z", "+2h", "2026-11-22T14:21:01Z"] {
            let refused = try site.herald("incident", "update", id, "--status", "identified", "--message", "Later.", "--at", at, "--now", now)
            #expect(refused.status == 1, "\(at)")
            #expect(refused.stderr.contains("is in the future (now is 2026-11-22T14:20:00Z)"), "\(refused.stderr)")
            #expect(refused.stderr.contains("--force"))
        }
        let yesterday = try site.herald("incident", "note", id, "x", "--at", "16:00", "--now", now)
        #expect(yesterday.status == 0)
        #expect(site.files(under: "content/incidents/\(id)").contains { $0.hasPrefix("20261121T160000.000Z-") })
        #expect(site.files(under: "content").count == before.count + 1)
        // Within a minute of clock skew is accepted.
        #expect(
            try site.herald("incident", "update", id, "--status", "identified", "--message", "Skew.", "--at", "2026-11-22T14:20:59Z", "--now", now).status == 0)
        // A maintenance window may lie ahead; its updates may not.
        let maintenance = try site.herald(
            "maintenance", "new", "--title", "Upgrade", "--component", "api", "--start", "+1d", "--end", "+1d2h", "--message", "Planned.", "--now", now)
        #expect(maintenance.status == 0, "\(maintenance.stderr)")
        let mid = maintenance.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let early = try site.herald("maintenance", "update", mid, "--status", "in_progress", "--message", "Started.", "--at", "+1d", "--now", now)
        #expect(early.status == 1)
        #expect(early.stderr.contains("is in the future"))

        let forced = try site.herald(
            "incident", "update", id, "--status", "monitoring", "--message", "Later.", "--at", "2026-11-22T16:00:00Z", "--force", "--now", now)
        #expect(forced.status == 0, "\(forced.stderr)")
        let check = try site.herald("check", "--now", now)
        #expect(check.stdout.contains("warning: event at 2026-11-22T16:00:00Z is in the future (now 2026-11-22T14:20:00Z)"), "\(check.stdout)")
        #expect(check.stdout.contains("[future]"), "\(check.stdout)")
        #expect(check.stdout.split(separator: "\n").filter { $0.contains("[future]") }.count == 1, "\(check.stdout)")
        // An hour later it is in the past: no warning.
        #expect(!(try site.herald("check", "--now", "2026-11-22T17:00:00Z")).stdout.contains("[future]"))
    }

    /// Files written before sequences (whole seconds, `<time>-<kind>-<random>.md`) load unchanged
    /// and sort with new ones by time; a new event after them gets sequence 1.
    @Test func olderEventFilesLoadUnchanged() throws {
        let site = try TemporarySite()
        try site.write(
            "content/incidents/\(id)/20261122T141000Z-identified-zz01.md", "---\nstatus: identified\nat: 2026-11-22T14:10:00Z\n---\nOld identified.\n")
        #expect(try site.herald("incident", "update", id, "--status", "monitoring", "--message", "New monitoring.", "--at", "14:10", "--now", now).status == 0)
        #expect(site.files(under: "content/incidents/\(id)").contains { $0.hasPrefix("20261122T141000.000Z-0001-monitoring-") })
        #expect(try site.herald("build", "--now", now).status == 0)
        let bodies = try updateBodies(try incident(site, id))
        // Same second: the older file has no sequence (0), so it comes first.
        #expect(bodies == ["Search requests fail. We are investigating. Contact help@status.test.", "Old identified.", "New monitoring."])
        #expect(try listed(site, now: now).first?["status"] as? String == "monitoring")
        let bad = try TemporarySite()
        try bad.write("content/incidents/\(id)/20261122T141000Z-identified-zz01.md", "---\nstatus: identified\nat: 2026-11-22T14:10:00Z\nseq: -3\n---\nx\n")
        let refused = try bad.herald("build", "--now", now)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("content/incidents/\(id)/20261122T141000Z-identified-zz01.md:4: error: seq -3 is negative"), "\(refused.stderr)")
    }

    // MARK: - Two machines

    @discardableResult
    func git(_ arguments: String, in folder: URL) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sh", "-c", arguments]
        process.currentDirectoryURL = folder
        var env = ProcessInfo.processInfo.environment
        for (key, value) in [
            "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "t@test", "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "t@test", "GIT_CONFIG_NOSYSTEM": "1",
            "HOME": folder.path
        ] {
            env[key] = value
        }
        process.environment = env
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(arguments): \(text)")
        return text
    }

    /// Two messengers on two machines post to one incident in the same second; each pulls the
    /// other's commits with a real `git merge`: no conflict, nothing lost, and both machines show
    /// the same order (time, then sequence, then file name), as does a fresh clone.
    @Test func twoMachinesMergeWithoutConflictAndAgreeOnTheOrder() throws {
        let start = try TemporarySite()
        try git(
            "git init -q -b main && git add -A && git commit -q -m start && git clone -q --bare . ../origin-\(start.root.lastPathComponent).git", in: start.root
        )
        let origin = start.root.deletingLastPathComponent().appendingPathComponent("origin-\(start.root.lastPathComponent).git")
        defer { try? FileManager.default.removeItem(at: origin) }
        let a = try TemporarySite(files: [:])
        let b = try TemporarySite(files: [:])
        try git("git clone -q \(origin.path) m", in: a.root)
        try git("git clone -q \(origin.path) m", in: b.root)
        let machineA = a.root.appendingPathComponent("m")
        let machineB = b.root.appendingPathComponent("m")
        func post(_ machine: URL, _ status: String, _ message: String) throws {
            let result = try HeraldRunner.run(["incident", "update", id, "--status", status, "--message", message, "--now", now], in: machine)
            #expect(result.status == 0, "\(result.stderr)")
        }
        try post(machineA, "identified", "A1")
        try post(machineA, "monitoring", "A2")
        try post(machineB, "identified", "B1")
        try post(machineB, "resolved", "B2")
        try git("git add -A && git commit -q -m a && git push -q origin main", in: machineA)
        try git("git add -A && git commit -q -m b && git pull -q --no-rebase --no-edit origin main && git push -q origin main", in: machineB)
        try git("git pull -q --no-rebase --no-edit origin main", in: machineA)
        let c = try TemporarySite(files: [:])
        try git("git clone -q \(origin.path) m", in: c.root)
        var orders: [String] = []
        for machine in [machineA, machineB, c.root.appendingPathComponent("m")] {
            #expect(try git("git status --porcelain", in: machine).isEmpty)
            let show = try HeraldRunner.run(["incident", "show", id, "--now", now], in: machine)
            #expect(show.status == 0, "\(show.stderr)")
            let bodies = show.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { ["A1", "A2", "B1", "B2"].contains($0) }
            orders.append(bodies.joined(separator: " "))
        }
        #expect(Set(orders).count == 1, "\(orders)")
        // Both sequences 1 come before both sequences 2; each machine's own order is kept.
        let order = orders[0].split(separator: " ").map(String.init)
        #expect(order.count == 4)
        #expect(Set(order.prefix(2)) == ["A1", "B1"], "\(order)")
        #expect(Set(order.suffix(2)) == ["A2", "B2"], "\(order)")
        #expect(order.firstIndex(of: "A1")! < order.firstIndex(of: "A2")!)
        #expect(order.firstIndex(of: "B1")! < order.firstIndex(of: "B2")!)
        // The tiebreak at equal time and sequence is the file name.
        let names = a.files(under: "m/content/incidents/\(id)").filter { $0.contains("Z-0001-") }.sorted()
        let firstBody = try String(contentsOf: machineA.appendingPathComponent("content/incidents/\(id)/\(names[0])"), encoding: .utf8)
        #expect(firstBody.hasSuffix("\n\(order[0])\n"))
    }
}
