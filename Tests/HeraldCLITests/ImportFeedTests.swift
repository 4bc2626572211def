import Foundation
import Testing

@testable import HeraldCore

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// `herald import statuspage history.atom`, run as a user would: a real githubstatus.com feed
/// (Tests/Fixtures/real/statuspage), the same incident from the feed and from JSON, the posting
/// order of updates at the same millisecond, stores written by the older importer, bad and
/// hostile feeds.
@Suite("herald import statuspage: history.atom and event order")
struct ImportFeedTests {
    static let real = repositoryRoot.appendingPathComponent("Tests/Fixtures/real/statuspage")
    static let atom = real.appendingPathComponent("github_history_2025-07-07.atom").path
    static let github = real.appendingPathComponent("github_incident_wdhkj70kynwk_2021-03-12_major_23-updates.json").path

    func snapshot(_ site: TemporarySite) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for path in site.files(under: "content") { files[path] = try Data(contentsOf: site.root.appendingPathComponent("content/" + path)) }
        return files
    }

    func json(_ url: URL) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    func ledger(_ site: TemporarySite) throws -> [String: String] {
        var result: [String: String] = [:]
        for line in try site.read("content/imports/statuspage.tsv").split(separator: "\n") {
            let parts = line.split(separator: "\t", maxSplits: 1)
            result[String(parts[0])] = String(parts[1])
        }
        return result
    }

    /// The entries of a feed as an independent reader sees them: XMLParser for the XML, plain
    /// string work for the HTML.
    final class Entries: NSObject, XMLParserDelegate {
        struct Entry { var link = "", title = "", updated = "", content = "" }
        var entries: [Entry] = []
        var current: Entry?
        var text = ""
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            if name == "entry" { current = Entry() }
            if name == "link", current != nil { current?.link = attributes["href"] ?? "" }
            text = ""
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            switch name {
            case "title": current?.title = text
            case "updated": current?.updated = text
            case "content": current?.content = text
            case "entry":
                if let c = current { entries.append(c) }
                current = nil
            default: break
            }
        }
        static func read(_ path: String) throws -> [Entry] {
            let parser = try #require(XMLParser(contentsOf: URL(fileURLWithPath: path)))
            let delegate = Entries()
            parser.delegate = delegate
            #expect(parser.parse())
            return delegate.entries
        }
    }

    /// (label, "MMM D", "HH:MM", text) of each update of an entry's HTML, newest first.
    static func updates(_ html: String) -> [(label: String, month: String, day: Int, time: String, body: String)] {
        html.components(separatedBy: "<p><small>").dropFirst().map { part in
            let small = part.components(separatedBy: "</small>")[0]
            let plain = small.replacingOccurrences(of: "<var data-var='date'>", with: "").replacingOccurrences(of: "<var data-var='time'>", with: "")
                .replacingOccurrences(of: "</var>", with: "")
            let words = plain.split(whereSeparator: { $0 == " " || $0 == "," })
            let label = part.components(separatedBy: "<strong>")[1].components(separatedBy: "</strong>")[0]
            var body = part.components(separatedBy: "</strong> - ").dropFirst().joined(separator: "</strong> - ")
            body = body.replacingOccurrences(of: "</p>", with: "")
            return (label, String(words[0]), Int(words[1])!, String(words[2]), body)
        }
    }

    static let monthNumbers = ["Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "May": 5, "Jun": 6, "Jul": 7, "Aug": 8, "Sep": 9, "Oct": 10, "Nov": 11, "Dec": 12]
    static let statusOfLabel = [
        "Investigating": "investigating", "Identified": "identified", "Monitoring": "monitoring", "Resolved": "resolved",
        "Scheduled": "scheduled", "In progress": "in_progress", "Verifying": "verifying", "Completed": "completed"
    ]

    // MARK: - A real feed, through the built API

    @Test func realHistoryAtomImportsEveryEntryAndUpdateThroughTheBuiltAPI() throws {
        let site = try TemporarySite()
        let result = try site.herald("import", "statuspage", Self.atom)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("23 incidents"), "\(result.stdout)")
        #expect(result.stdout.contains("2 maintenances"), "\(result.stdout)")
        #expect(result.stderr.contains("history.atom has no impact and no components"), "\(result.stderr)")
        let build = try site.herald("build", "--now", "2025-08-01T00:00:00Z")
        #expect(build.status == 0, "\(build.stderr)")
        let incidents = try #require(json(site.root.appendingPathComponent("public/api/v2/incidents.json"))["incidents"] as? [[String: Any]])
        let maintenances = try #require(
            json(site.root.appendingPathComponent("public/api/v2/scheduled-maintenances.json"))["scheduled_maintenances"] as? [[String: Any]])
        let ledger = try ledger(site)

        let entries = try Entries.read(Self.atom)
        #expect(entries.count == 25)
        var checkedUpdates = 0
        for entry in entries {
            let code = String(entry.link.split(separator: "/").last!)
            let updates = Self.updates(entry.content)
            let isMaintenance = updates.contains { $0.label == "Completed" || $0.label == "Scheduled" }
            let folder = try #require(ledger["\(isMaintenance ? "maintenance" : "incident"):\(code)"], "\(code) is not in the ledger")
            let id = String(folder.split(separator: "/").last!)
            let mine = try #require(
                (isMaintenance ? maintenances : incidents).first {
                    ($0["shortlink"] as? String ?? "").hasSuffix("/" + id + "/") || ($0["shortlink"] as? String ?? "").hasSuffix("/" + id)
                }, "\(id) is not in the API")
            #expect(mine["name"] as? String == entry.title)
            let built = try #require(mine["incident_updates"] as? [[String: Any]])
            #expect(built.count == updates.count, "\(code): number of updates")
            // Statuses: "Update" is the status of the update before it (older, further down).
            var statuses: [String] = []
            for update in updates.reversed() { statuses.insert(Self.statusOfLabel[update.label] ?? statuses.first!, at: 0) }
            let year = Int(entry.updated.prefix(4))!  // no entry of this feed crosses a New Year
            for (index, update) in updates.enumerated() where index < built.count {
                let at = String(format: "%04d-%02d-%02dT%@:00.000Z", year, Self.monthNumbers[update.month]!, update.day, update.time)
                #expect(built[index]["display_at"] as? String == at, "\(code) update \(index + 1): time")
                #expect(built[index]["status"] as? String == statuses[index], "\(code) update \(index + 1): status")
                if !update.body.contains("<") && !update.body.contains("&") {
                    #expect(built[index]["body"] as? String == update.body, "\(code) update \(index + 1): body")
                }
                checkedUpdates += 1
            }
        }
        #expect(checkedUpdates == 127)

        // The maintenance window: from In progress to Completed.
        let codespaces = try #require(maintenances.first { ($0["scheduled_for"] as? String) == "2025-05-29T21:30:00.000Z" })
        #expect(codespaces["scheduled_until"] as? String == "2025-05-31T04:30:00.000Z")

        // A second import adds nothing.
        let before = try snapshot(site)
        let again = try site.herald("import", "statuspage", Self.atom)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("Nothing new to import"), "\(again.stdout)")
        #expect(try snapshot(site) == before)
    }

    @Test func dryRunOfAFeedWritesNothingAndTheFeedIsToldByItsContentNotItsName() throws {
        let site = try TemporarySite()
        try site.write("export.txt", try String(contentsOfFile: Self.atom, encoding: .utf8))
        let before = try snapshot(site)
        let result = try site.herald("import", "statuspage", "--dry-run", "export.txt")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Would import (dry run, nothing written):"))
        #expect(result.stdout.contains("23 incidents"))
        #expect(result.stdout.contains("127 events in them"))
        #expect(try snapshot(site) == before)
    }

    // MARK: - Years, hostile HTML

    func feed(_ entries: [(code: String, title: String, updated: String, html: String)], rss: Bool = false) -> String {
        func xml(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
        }
        if rss {
            return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>Test Status</title>\n"
                + entries.map {
                    "<item><title>\(xml($0.title))</title><description>\(xml($0.html))</description><pubDate>\($0.updated)</pubDate><link>https://status.example.com/incidents/\($0.code)</link><guid>https://status.example.com/incidents/\($0.code)</guid></item>\n"
                }.joined()
                + "</channel></rss>\n"
        }
        return
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xml:lang=\"en-US\" xmlns=\"http://www.w3.org/2005/Atom\">\n  <title>Test Status - Incident History</title>\n"
            + entries.map {
                "  <entry>\n    <id>tag:status.example.com,2005:Incident/1</id>\n    <published>\($0.updated)</published>\n    <updated>\($0.updated)</updated>\n    <link rel=\"alternate\" type=\"text/html\" href=\"https://status.example.com/incidents/\($0.code)\"/>\n    <title>\(xml($0.title))</title>\n    <content type=\"html\">\(xml($0.html))</content>\n  </entry>\n"
            }.joined() + "</feed>\n"
    }

    static func update(_ date: String, _ time: String, _ label: String, _ body: String, zone: String = "UTC") -> String {
        let parts = date.split(separator: " ")
        return
            "<p><small>\(parts[0]) <var data-var='date'>\(parts[1])</var>, <var data-var='time'>\(time)</var> \(zone)</small><br><strong>\(label)</strong> - \(body)</p>"
    }

    @Test func yearsAreWorkedOutBackwardsAcrossNewYearAndLeapDays() throws {
        let site = try TemporarySite()
        try site.write(
            "history.atom",
            feed([
                (
                    "newyear1", "Over New Year", "2025-01-01T00:20:31Z",
                    Self.update("Jan 1", "00:15", "Resolved", "Fixed.") + Self.update("Dec 31", "23:50", "Investigating", "Looking.")
                ),
                (
                    "leapday1", "On a leap day", "2025-03-01T09:00:00Z",
                    Self.update("Mar 1", "08:00", "Resolved", "Fixed.") + Self.update("Feb 29", "10:00", "Identified", "Found.")
                )
            ]))
        try site.write(
            "history.rss",
            feed(
                [
                    (
                        "rssfeed1", "From RSS", "Wed, 01 Jan 2025 00:20:31 +0000",
                        Self.update("Jan 1", "00:15", "Resolved", "Fixed.") + Self.update("Dec 31", "23:50", "Monitoring", "Watching.")
                    )
                ], rss: true))
        let result = try site.herald("import", "statuspage", "history.atom", "history.rss")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try site.herald("build", "--now", "2026-01-01T00:00:00Z").status == 0)
        let incidents = try #require(json(site.root.appendingPathComponent("public/api/v2/incidents.json"))["incidents"] as? [[String: Any]])
        func times(_ name: String) -> [String] {
            (incidents.first { $0["name"] as? String == name }?["incident_updates"] as? [[String: Any]] ?? []).map { $0["display_at"] as? String ?? "" }
        }
        #expect(times("Over New Year") == ["2025-01-01T00:15:00.000Z", "2024-12-31T23:50:00.000Z"])
        #expect(
            times("On a leap day") == ["2024-03-01T08:00:00.000Z", "2024-02-29T10:00:00.000Z"]
                || times("On a leap day") == ["2025-03-01T08:00:00.000Z", "2024-02-29T10:00:00.000Z"])
        #expect(times("From RSS") == ["2025-01-01T00:15:00.000Z", "2024-12-31T23:50:00.000Z"])
    }

    @Test func theHTMLIsTextNeverHTML() throws {
        let site = try TemporarySite()
        let hostile =
            "<script>alert(1)</script>&lt;b&gt;bold&lt;/b&gt; *stars* # not a heading <img src=x onerror=alert(2)>"
            + "<a href=\"javascript:alert(3)\">click</a> and <a href=\"https://example.com/x\">a link</a><br>second line<br><br>second paragraph"
        // And bodies built to make a parser go quadratic: tags that never close, scripts that never end.
        let unclosed = String(repeating: "<a \"", count: 100_000)
        let script = String(repeating: "<script>x", count: 50_000)
        try site.write(
            "history.atom",
            feed([
                ("hostile1", "<b>Title</b> & co", "2025-06-01T10:00:00Z", Self.update("Jun 1", "09:00", "Investigating", hostile)),
                (
                    "hostile2", "Unclosed", "2025-06-02T10:00:00Z",
                    String(Self.update("Jun 2", "09:00", "Investigating", "x " + unclosed).dropLast("</p>".count))
                ),
                ("hostile3", "Scripts", "2025-06-03T10:00:00Z", Self.update("Jun 3", "09:00", "Investigating", "y " + script))
            ]))
        let started = Date()
        let result = try site.herald("import", "statuspage", "history.atom")
        #expect(Date().timeIntervalSince(started) < 60)
        #expect(result.status == 0, "\(result.stderr)")
        let unclosedEvent = try #require(site.files(under: "content/incidents").first { $0.hasPrefix("2025-06-02") && $0.contains("investigating") })
        #expect(try site.read("content/incidents/" + unclosedEvent).contains("x \\<a \"\\<a \""))
        let scriptEvent = try #require(site.files(under: "content/incidents").first { $0.hasPrefix("2025-06-03") && $0.contains("investigating") })
        #expect(try site.read("content/incidents/" + scriptEvent).hasSuffix("---\ny\n"), "a script's contents are dropped")
        let event = try #require(site.files(under: "content/incidents").first { $0.hasPrefix("2025-06-01") && $0.contains("investigating") })
        let folder = String(event.split(separator: "/")[0])
        let text = try site.read("content/incidents/" + event)
        #expect(
            text.hasSuffix("\\<b\\>bold\\</b\\> \\*stars\\* \\# not a heading click and [a link](https://example.com/x)\\\nsecond line\n\nsecond paragraph\n"),
            "\(text)")
        #expect(try site.herald("build", "--now", "2026-01-01T00:00:00Z").status == 0)
        let page = try site.read("public/incidents/\(folder)/index.html")
        for bad in ["<script>alert", "onerror", "javascript:", "<b>bold", "<b>Title"] { #expect(!page.contains(bad), "\(bad) reached the page") }
        #expect(page.contains("&lt;b&gt;bold&lt;/b&gt; *stars*"), "the text is shown as written")
        let incidents = try #require(json(site.root.appendingPathComponent("public/api/v2/incidents.json"))["incidents"] as? [[String: Any]])
        let mine = try #require(incidents.first { $0["name"] as? String == "<b>Title</b> & co" })
        let body = try #require((mine["incident_updates"] as? [[String: Any]])?.first?["body"] as? String)
        #expect(body.hasPrefix("<b>bold</b> *stars* # not a heading click and a link"), "\(body)")
    }

    // MARK: - Bad feeds: file and line, nothing written

    @Test func badFeedsAreRefusedWithFileAndLineAndNothingIsWritten() throws {
        let site = try TemporarySite()
        let text = try String(contentsOfFile: Self.atom, encoding: .utf8)
        try site.write("truncated.atom", String(text.prefix(text.count / 2)))
        // An entry whose second update lost its time.
        let timeless = text.replacingOccurrences(
            of: "&lt;p&gt;&lt;small&gt;Jul &lt;var data-var='date'&gt;28&lt;/var&gt;, &lt;var data-var='time'&gt;15:38&lt;/var&gt; UTC&lt;/small&gt;&lt;br&gt;",
            with: "&lt;p&gt;")
        try site.write(
            "timeless.atom",
            feed([
                (
                    "notime1", "No time", "2025-06-01T10:00:00Z",
                    Self.update("Jun 1", "09:30", "Resolved", "Fixed.") + "<p><strong>Investigating</strong> - Looking.</p>"
                ),
                ("notime2", "No time at all", "2025-06-01T10:00:00Z", "<p><strong>Investigating</strong> - Looking.</p>")
            ]))
        _ = timeless
        try site.write("zone.atom", feed([("zone1", "In CET", "2025-06-01T10:00:00Z", Self.update("Jun 1", "09:30", "Resolved", "Fixed.", zone: "CET"))]))
        try site.write("label.atom", feed([("label1", "Odd", "2025-06-01T10:00:00Z", Self.update("Jun 1", "09:30", "Fixing", "Fixed."))]))
        try site.write(
            "nolink.atom",
            "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><title>x</title><updated>2025-06-01T10:00:00Z</updated><content type=\"html\"></content></entry></feed>"
        )
        let laughs =
            "<?xml version=\"1.0\"?>\n<!DOCTYPE feed [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\"><!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\"><!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\"><!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\"><!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\"><!ENTITY h \"&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;\"><!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<feed><entry><title>&h;&x;</title></entry></feed>\n"
        try site.write("laughs.atom", laughs)
        let before = try snapshot(site)

        let started = Date()
        let result = try site.herald("import", "statuspage", "truncated.atom", "timeless.atom", "zone.atom", "label.atom", "nolink.atom", "laughs.atom")
        #expect(Date().timeIntervalSince(started) < 30)
        #expect(result.status == 1)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(
            lines.contains { $0.hasPrefix("truncated.atom:") && $0.contains(": error: not valid XML") && $0.contains("truncated file?") }, "\(result.stderr)")
        let contentLine = 10  // the first entry's <content> in the feeds written above
        #expect(lines.contains { $0.hasPrefix("timeless.atom:\(contentLine): error: entry 1: incident notime1: update 2 has no time") }, "\(result.stderr)")
        #expect(
            lines.contains {
                $0.hasPrefix("timeless.atom:") && $0.contains("entry 2: incident notime2: an update has no time (expected <small>Mon D, HH:MM UTC</small>")
            }, "\(result.stderr)")
        #expect(
            lines.contains {
                $0.hasPrefix("zone.atom:\(contentLine): error: entry 1: incident zone1: update 1: the time 'Jun 1, 09:30 CET' is in CET (expected UTC")
            }, "\(result.stderr)")
        #expect(
            lines.contains { $0.hasPrefix("label.atom:\(contentLine): error:") && $0.contains("unknown status 'fixing' (expected Investigating") },
            "\(result.stderr)")
        #expect(lines.contains { $0.hasPrefix("nolink.atom:1: error: entry 1: no link to the incident") }, "\(result.stderr)")
        #expect(lines.contains { $0.hasPrefix("laughs.atom:2: error: the feed declares a DOCTYPE or entities") }, "\(result.stderr)")
        #expect(!result.stderr.contains("root:"), "a file's contents reached the output")
        #expect(result.stderr.contains("nothing was written"))
        #expect(try snapshot(site) == before)
        #expect(!site.exists("content/imports"))
    }

    // MARK: - The same incident from history.atom and from JSON

    /// The GitHub incident's JSON as Statuspage's history.atom shows it: times to the minute in
    /// UTC, "Update" when the status did not change, bodies as HTML with <br /> line breaks.
    func atomOfGitHubIncident() throws -> String {
        let incident = try #require(try json(URL(fileURLWithPath: Self.github))["incident"] as? [String: Any])
        let updates = try #require(incident["incident_updates"] as? [[String: Any]])  // newest first
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        var html = ""
        for (index, update) in updates.enumerated() {
            let at = try #require(update["display_at"] as? String)  // 2021-03-12T18:26:30.483Z
            let month = months[Int(at.dropFirst(5).prefix(2))! - 1]
            let day = Int(at.dropFirst(8).prefix(2))!
            let status = update["status"] as! String
            let older = index + 1 < updates.count ? updates[index + 1]["status"] as? String : nil
            let label = status == older ? "Update" : status.prefix(1).uppercased() + status.dropFirst()
            let body = (update["body"] as? String ?? "").replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\r\n", with: "<br />")
            html += Self.update("\(month) \(day)", String(at.dropFirst(11).prefix(5)), label, body)
        }
        return feed([("wdhkj70kynwk", incident["name"] as! String, incident["updated_at"] as! String, html)])
    }

    @Test func jsonAfterAtomMatchesTheUpdatesAndAddsNone() throws {
        let site = try TemporarySite()
        try site.write("history.atom", try atomOfGitHubIncident())
        let first = try site.herald("import", "statuspage", "history.atom")
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("23 events in them"), "\(first.stdout)")
        let files = site.files(under: "content/incidents")

        let json = try site.herald("import", "statuspage", Self.github)
        #expect(json.status == 0, "\(json.stderr)")
        // Nothing but the JSON's component (the feed has none) is added.
        #expect(json.stdout == "Imported:\n  1 component added to content/site.yml: webhooks\n  24 items already imported (left alone)\n", "\(json.stdout)")
        #expect(json.stderr.contains("23 updates matched ones imported before from history.atom"), "\(json.stderr)")
        #expect(site.files(under: "content/incidents") == files, "the JSON import added or changed event files")
        // Every JSON update id now names the file the feed's update became.
        let ledger = try ledger(site)
        let jsonUpdates = try #require(
            (try self.json(URL(fileURLWithPath: Self.github))["incident"] as? [String: Any])?["incident_updates"] as? [[String: Any]])
        for update in jsonUpdates {
            let path = try #require(ledger["update:" + (update["id"] as! String)], "update \(update["id"]!) is not in the ledger")
            #expect(ledger.contains { $0.key.hasPrefix("feed-update:wdhkj70kynwk:") && $0.value == path })
        }
        let before = try snapshot(site)
        #expect(try site.herald("import", "statuspage", Self.github).stdout.contains("Nothing new to import"))
        #expect(try site.herald("import", "statuspage", "history.atom").stdout.contains("Nothing new to import"))
        #expect(try snapshot(site) == before)
    }

    @Test func atomAfterJSONAndBothAtOnceAddNoDuplicates() throws {
        let site = try TemporarySite()
        try site.write("history.atom", try atomOfGitHubIncident())
        #expect(try site.herald("import", "statuspage", Self.github).status == 0)
        let files = site.files(under: "content/incidents")
        let atom = try site.herald("import", "statuspage", "history.atom")
        #expect(atom.status == 0, "\(atom.stderr)")
        #expect(atom.stdout.contains("Nothing new to import"), "\(atom.stdout)")
        #expect(site.files(under: "content/incidents") == files)

        let both = try TemporarySite()
        try both.write("history.atom", try atomOfGitHubIncident())
        let result = try both.herald("import", "statuspage", "history.atom", Self.github)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("1 incident\n"), "\(result.stdout)")
        #expect(result.stdout.contains("23 events in them"), "\(result.stdout)")
        // The JSON's fields win: its severity, components and times to the millisecond.
        let incident = try #require(both.files(under: "content/incidents").first { $0.hasSuffix("incident.md") && !$0.contains("search-down") })
        #expect(try both.read("content/incidents/" + incident).contains("severity: major"))
        #expect(
            both.files(under: "content/incidents").contains { $0.contains("T182630.515Z-0001-investigating-") }, "\(both.files(under: "content/incidents"))")
        let ledger = try ledger(both)
        #expect(ledger.keys.filter { $0.hasPrefix("feed-update:") }.count == 23)
        #expect(ledger.keys.filter { $0.hasPrefix("update:") }.count == 23)
    }

    // MARK: - Progress

    /// On a terminal the progress line is rewritten in place (`\r…\e[K`) and cleared before the
    /// summary; elsewhere it is one plain line per thousand records (ImportCommandTests).
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script")))
    func onATerminalTheProgressLineIsRewrittenInPlaceAndClearedBeforeTheSummary() throws {
        let site = try TemporarySite()
        var incidents: [String] = []
        for n in 0..<1000 {
            let minute = String(format: "%02d", n % 60)
            incidents.append(
                #"{"id":"tty\#(n)","name":"Generated \#(n)","status":"resolved","impact":"minor","created_at":"2024-01-01T10:\#(minute):00.000Z","incident_updates":[{"id":"utty\#(n)","status":"resolved","body":"Fixed.","display_at":"2024-01-01T10:\#(minute):00.250Z"}]}"#
            )
        }
        try site.write("incidents.json", "{\"incidents\":[" + incidents.joined(separator: ",") + "]}")
        // `script` runs herald with a pseudo-terminal as its standard error and output.
        let command = "'\(HeraldRunner.executable.path)' --site '\(site.root.path)' import statuspage '\(site.root.path)/incidents.json'"
        let result = try HeraldRunner.run(["-qec", command, "/dev/null"], in: site.root, executable: URL(fileURLWithPath: "/usr/bin/script"))
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout.contains("\rherald: staged 1000 of 1000 records\u{1B}[K"), "\(result.stdout.debugDescription)")
        #expect(result.stdout.contains("\r\u{1B}[KImported:"), "the summary starts on a cleared line: \(result.stdout.debugDescription)")
        #expect(result.stdout.contains("herald: imported in "))
    }

    // MARK: - Posting order

    @Test func updatesAtTheSameMillisecondKeepStatuspageOrderThroughTheBuild() throws {
        let site = try TemporarySite()
        // Newest first, as Statuspage serves them; "identified" and "monitoring" at the same millisecond.
        let original: [[String: Any]] = [
            ["id": "u4", "status": "resolved", "body": "Fixed.", "display_at": "2024-05-01T10:30:00.250Z", "created_at": "2024-05-01T10:30:00.250Z"],
            ["id": "u3", "status": "monitoring", "body": "Watching.", "display_at": "2024-05-01T10:10:00.120Z", "created_at": "2024-05-01T10:10:00.120Z"],
            ["id": "u2", "status": "identified", "body": "Found it.", "display_at": "2024-05-01T10:10:00.120Z", "created_at": "2024-05-01T10:10:00.120Z"],
            ["id": "u1", "status": "investigating", "body": "Looking.", "display_at": "2024-05-01T10:00:00.000Z", "created_at": "2024-05-01T10:00:00.000Z"]
        ]
        let export: [String: Any] = [
            "incident": [
                "id": "samems00001", "name": "Same millisecond", "status": "resolved", "impact": "minor", "created_at": "2024-05-01T10:00:00.000Z",
                "incident_updates": original, "components": []
            ] as [String: Any]
        ]
        try site.write("incident.json", String(decoding: try JSONSerialization.data(withJSONObject: export), as: UTF8.self))
        let result = try site.herald("import", "statuspage", "incident.json")
        #expect(result.status == 0, "\(result.stderr)")
        // Event files are named as the CLI names them, with the posting sequence in Statuspage's order.
        let folder = "content/incidents/2024-05-01-same-millisecond"
        let names = site.files(under: folder).filter { $0 != "incident.md" }
        let pattern = try Regex(#"^\d{8}T\d{6}\.\d{3}Z-\d{4}-[a-z_-]+-[a-z0-9]{4}\.md$"#)
        #expect(names.allSatisfy { $0.wholeMatch(of: pattern) != nil }, "\(names)")
        #expect(
            names.map { String($0.split(separator: "-")[1]) + "-" + String($0.split(separator: "-")[2]) }
                == ["0001-investigating", "0002-identified", "0003-monitoring", "0004-resolved"], "\(names)")

        #expect(try site.herald("build", "--now", "2026-01-01T00:00:00Z").status == 0)
        let incidents = try #require(json(site.root.appendingPathComponent("public/api/v2/incidents.json"))["incidents"] as? [[String: Any]])
        let built = try #require(incidents.first { $0["name"] as? String == "Same millisecond" }?["incident_updates"] as? [[String: Any]])
        #expect(built.map { $0["status"] as? String ?? "" } == original.map { $0["status"] as! String })
        #expect(built.map { $0["body"] as? String ?? "" } == original.map { $0["body"] as! String })
        #expect(built.map { $0["display_at"] as? String ?? "" } == original.map { $0["display_at"] as! String })

        let before = try snapshot(site)
        let again = try site.herald("import", "statuspage", "incident.json")
        #expect(again.stdout.contains("Nothing new to import"), "\(again.stdout)")
        #expect(try snapshot(site) == before)
    }

    /// Stores imported before events had a posting sequence (`20210312T190944Z-resolved-p2in.md`,
    /// no `seq:`) keep their ledger: nothing is imported again, from JSON or from the feed.
    @Test func storesImportedByTheOlderImporterAreNotImportedAgain() throws {
        let site = try TemporarySite()
        try site.write("history.atom", try atomOfGitHubIncident())
        #expect(try site.herald("import", "statuspage", Self.github).status == 0)
        // Rewrite the store as the older importer wrote it.
        var ledgerText = try site.read("content/imports/statuspage.tsv")
        let folder = "incidents/2021-03-12-incident-on-2021-03-12-18-26-utc"
        for name in site.files(under: "content/" + folder) where name != "incident.md" {
            let parts = name.split(separator: "-")  // time, seq, kind…, random.md
            let old = String(parts[0].prefix(15)) + "Z-" + parts[2...].joined(separator: "-")
            let text = try site.read("content/\(folder)/\(name)").replacingOccurrences(of: #"\nseq: \d+\n"#, with: "\n", options: .regularExpression)
            try FileManager.default.removeItem(at: site.root.appendingPathComponent("content/\(folder)/\(name)"))
            try site.write("content/\(folder)/\(old)", text)
            ledgerText = ledgerText.replacingOccurrences(of: "\(folder)/\(name)", with: "\(folder)/\(old)")
        }
        try site.write("content/imports/statuspage.tsv", ledgerText)
        #expect(try site.herald("build", "--now", "2026-01-01T00:00:00Z").status == 0)
        let before = try snapshot(site)

        let json = try site.herald("import", "statuspage", Self.github)
        #expect(json.status == 0, "\(json.stderr)")
        #expect(json.stdout.contains("Nothing new to import: 24 items already imported."), "\(json.stdout)")
        #expect(try snapshot(site) == before)
        let atom = try site.herald("import", "statuspage", "history.atom")
        #expect(atom.status == 0, "\(atom.stderr)")
        #expect(atom.stdout.contains("Nothing new to import"), "\(atom.stdout)")
        #expect(
            site.files(under: "content/" + folder) == before.keys.filter { $0.hasPrefix(folder + "/") }.map { String($0.dropFirst(folder.count + 1)) }.sorted())
    }
}
