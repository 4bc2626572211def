import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Statuspage's `history.atom` (and `history.rss`): one entry per incident or maintenance, its
/// updates newest first as escaped HTML in `<content type="html">`:
///
///     <p><small>Aug <var data-var='date'> 1</var>, <var data-var='time'>20:28</var> UTC</small><br>
///     <strong>Resolved</strong> - This incident has been resolved.</p>
///
/// Each update's time is `Mon D, HH:MM` in the page's zone, without a year: the year is worked out
/// from the entry's `<updated>` (an update is never after it, nor after the update above it; the
/// walk goes back across New Year). Only UTC pages are read: Herald never guesses a zone's offset.
/// The HTML is hostile: it becomes Markdown text (every character as text, links as Markdown
/// links), never HTML. A feed with a DOCTYPE (entity declarations) is refused before parsing.
enum StatuspageFeed {
    /// One `<entry>`/`<item>` as the XML holds it.
    struct RawEntry {
        var line: Int
        var fields: [String: String] = [:]
        var lines: [String: Int] = [:]
        var links: [(rel: String?, href: String)] = []
        var contentType: String?
    }

    /// One update read from an entry's HTML, newest first as the feed lists them.
    struct Update {
        var label: String
        var month: Int, day: Int, year: Int?, hour: Int, minute: Int
        var body: String
    }

    /// Whether `bytes` hold XML rather than JSON: the first byte that is not blank (after a BOM) is `<`.
    static func isXML(_ bytes: [UInt8]) -> Bool {
        var index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        return index < bytes.count && bytes[index] == UInt8(ascii: "<")
    }

    /// Parses the feed's XML into its entries. Problems (not XML, a DOCTYPE, not a feed) are added
    /// to `problems` with the file and line; nil then.
    static func entries(_ bytes: [UInt8], path: String, problems: inout ImportProblems) -> (entries: [RawEntry], isRSS: Bool)? {
        // No DOCTYPE: a Statuspage feed has none, and refusing it leaves no entity to expand or
        // resolve (billion laughs, external entities), whatever the XML library would do. The
        // whole file is searched (a comment before one could hide a prolog scan's end); escaped
        // HTML never holds the words, only CDATA could, and no Statuspage feed uses it for that.
        if let at = find(Array("<!doctype".utf8), in: bytes) ?? find(Array("<!entity".utf8), in: bytes) {
            problems.error(
                path, line: lineNumber(of: at, in: bytes),
                "the feed declares a DOCTYPE or entities (expected a Statuspage feed, which has none; refused unread)")
            return nil
        }
        let parser = XMLParser(data: Data(bytes))
        parser.shouldResolveExternalEntities = false
        parser.shouldProcessNamespaces = false
        let collector = Collector()
        parser.delegate = collector
        let ok = parser.parse()
        if !ok || collector.failure != nil {
            let line = collector.failureLine ?? parser.lineNumber
            let reason = collector.failure ?? parser.parserError.map { describe($0) } ?? "unknown error"
            problems.error(path, line: line, "not valid XML: \(reason) (truncated file? expected a whole Statuspage history.atom or history.rss)")
            return nil
        }
        guard collector.root == "feed" || collector.root == "rss" else {
            problems.error(
                path, line: 1,
                "not a Statuspage feed: the root element is <\(collector.root.map { String($0.prefix(40)) } ?? "")> (expected <feed> of history.atom or <rss> of history.rss)"
            )
            return nil
        }
        return (collector.entries, collector.root == "rss")
    }

    static func describe(_ error: Error) -> String {
        let text = (error as NSError).localizedDescription
        return text.isEmpty ? "the XML parser stopped" : String(text.prefix(200))
    }

    static func find(_ needle: [UInt8], in bytes: [UInt8]) -> Int? {
        guard needle.count <= bytes.count, let first = needle.first else { return nil }
        var index = 0
        while index + needle.count <= bytes.count {
            if bytes[index] == first {
                var same = true
                for k in 1..<needle.count where bytes[index + k] | 0x20 != needle[k] {  // needle: lowercase
                    same = false
                    break
                }
                if same { return index }
            }
            index += 1
        }
        return nil
    }

    static func lineNumber(of offset: Int, in bytes: [UInt8]) -> Int {
        var line = 1
        for byte in bytes[..<offset] where byte == 0x0A { line += 1 }
        return line
    }

    /// Collects entries (`<entry>` of Atom, `<item>` of RSS) and their direct children's text.
    final class Collector: NSObject, XMLParserDelegate {
        static let wanted: Set<String> = ["id", "guid", "title", "content", "description", "published", "updated", "pubDate", "link"]
        /// Bigger than any real entry; a hostile one stops the parse instead of growing without end.
        static let maxFieldBytes = 16 << 20

        var root: String?
        var entries: [RawEntry] = []
        var current: RawEntry?
        var depth = 0
        var field: String?
        var text = ""
        var failure: String?
        var failureLine: Int?

        static func local(_ name: String) -> String {
            name.firstIndex(of: ":").map { String(name[name.index(after: $0)...]) } ?? name
        }

        func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:])
        {
            let name = Self.local(elementName)
            if root == nil { root = name }
            guard current != nil else {
                if name == "entry" || name == "item" {
                    current = RawEntry(line: parser.lineNumber)
                    depth = 0
                }
                return
            }
            depth += 1
            guard depth == 1, Self.wanted.contains(name) else { return }
            if name == "link", let href = attributes["href"] {
                current?.links.append((attributes["rel"], href))
                return
            }
            if name == "content" { current?.contentType = attributes["type"] ?? "text" }
            field = name
            text = ""
            current?.lines[name] = parser.lineNumber
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
            guard var entry = current else { return }
            if depth == 0 {
                entries.append(entry)
                current = nil
                return
            }
            if depth == 1, let name = field {
                if name == "link" {
                    entry.links.append((nil, text.trimmingCharacters(in: .whitespacesAndNewlines)))
                } else if entry.fields[name] == nil || name == "content" || name == "description" {
                    entry.fields[name] = text
                }
                current = entry
                field = nil
            }
            depth -= 1
        }

        func add(_ string: String, _ parser: XMLParser) {
            guard field != nil else { return }
            text += string
            if text.utf8.count > Self.maxFieldBytes, failure == nil {
                failure = "an element of an entry holds more than \(Self.maxFieldBytes >> 20) MB"
                failureLine = parser.lineNumber
                parser.abortParsing()
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { add(string, parser) }

        func parser(_ parser: XMLParser, foundCDATA CDATABlock: Data) { add(String(decoding: CDATABlock, as: UTF8.self), parser) }

        func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
            if failure == nil {
                failure = StatuspageFeed.describe(parseError)
                failureLine = parser.lineNumber
            }
        }
    }

    // MARK: - The updates in an entry's HTML

    /// The updates of an entry's HTML, newest first, or a message saying what is wrong.
    static func updates(html: String) -> Result<[Update], FeedError> {
        let tokens = HTMLText.tokens(html)
        // An update starts with <small>time</small> as the first thing of a paragraph (or of the
        // content), followed by <br> and <strong>Status</strong>.
        var starts: [Int] = []
        var previousSignificant: HTMLText.Token?
        for (index, token) in tokens.enumerated() {
            if case .open("small", _) = token {
                switch previousSignificant {
                case nil, .open("p", _)?, .close("p")?, .open("div", _)?, .close("div")?: starts.append(index)
                default: break
                }
            }
            if case .text(let t) = token, t.allSatisfy(\.isWhitespace) { continue }
            previousSignificant = token
        }
        if let first = starts.first {
            let before = HTMLText.markdown(tokens[..<first])
            if !before.isEmpty {
                return .failure(
                    FeedError(
                        "text before the first update's time: '\(String(before.prefix(60)))' (expected each update as <p><small>Mon D, HH:MM UTC</small><br><strong>Status</strong> - text</p>)"
                    ))
            }
        } else {
            let all = HTMLText.markdown(tokens[...])
            if all.isEmpty {
                return .failure(FeedError("the entry has no update (expected <p><small>Mon D, HH:MM UTC</small><br><strong>Status</strong> - text</p>)"))
            }
            return .failure(FeedError("an update has no time (expected <small>Mon D, HH:MM UTC</small> before <strong>Status</strong>)"))
        }
        var updates: [Update] = []
        for (n, start) in starts.enumerated() {
            let end = n + 1 < starts.count ? starts[n + 1] : tokens.count
            let number = n + 1
            // The time: the text inside <small>.
            var index = start + 1
            var when = ""
            while index < end {
                if case .close("small") = tokens[index] { break }
                if case .text(let t) = tokens[index] { when += t }
                index += 1
            }
            guard index < end else { return .failure(FeedError("update \(number): <small> is not closed")) }
            index += 1
            guard let time = parseTime(when) else {
                return .failure(
                    FeedError(
                        "update \(number): cannot read the time '\(String(when.trimmingCharacters(in: .whitespacesAndNewlines).prefix(60)))' (expected e.g. 'Nov 22, 14:05 UTC')"
                    ))
            }
            if let zone = time.zone {
                return .failure(
                    FeedError(
                        "update \(number): the time '\(String(when.trimmingCharacters(in: .whitespacesAndNewlines).prefix(60)))' is in \(zone) (expected UTC: Herald never guesses a zone's offset; import the page's JSON API instead, whose times carry theirs)"
                    ))
            }
            // Then <br> and <strong>Status</strong>.
            while index < end {
                if case .open("br", _) = tokens[index] {
                    index += 1
                    continue
                }
                if case .text(let t) = tokens[index], t.allSatisfy(\.isWhitespace) {
                    index += 1
                    continue
                }
                break
            }
            guard index < end, case .open("strong", _) = tokens[index] else {
                return .failure(FeedError("update \(number): no status after the time (expected <strong>Status</strong>)"))
            }
            index += 1
            var label = ""
            while index < end {
                if case .close("strong") = tokens[index] { break }
                if case .text(let t) = tokens[index] { label += t }
                index += 1
            }
            guard index < end else { return .failure(FeedError("update \(number): <strong> is not closed")) }
            index += 1
            // The update is its paragraph: after its </p>, only blank space until the next update
            // (a paragraph there is an update whose time is missing, not more of this one's text).
            var bodyTokens = Array(tokens[index..<end])
            var depth = 1  // inside the update's <p> (a body may hold paragraphs of its own)
            let close = bodyTokens.firstIndex { token in
                if case .open("p", _) = token { depth += 1 }
                if case .close("p") = token { depth -= 1 }
                return depth == 0
            }
            if let close {
                let after = HTMLText.markdown(bodyTokens[(close + 1)...])
                if !after.isEmpty {
                    return .failure(
                        FeedError(
                            "update \(number + 1) has no time: after update \(number) comes '\(String(after.prefix(60)))' (expected <p><small>Mon D, HH:MM UTC</small><br><strong>Status</strong> - text</p>)"
                        ))
                }
                bodyTokens.removeSubrange(close...)
            }
            // "Status - text": the dash Statuspage puts between them is not part of the text.
            if let first = bodyTokens.firstIndex(where: { if case .text(let t) = $0 { return !t.allSatisfy(\.isWhitespace) } else { return true } }),
                case .text(let t) = bodyTokens[first]
            {
                let rest = t.drop(while: \.isWhitespace)
                if let dash = rest.first, "-–—".contains(dash) { bodyTokens[first] = .text(String(rest.dropFirst())) }
            }
            let body = HTMLText.markdown(bodyTokens[...])
            updates.append(
                Update(
                    label: label.split(whereSeparator: \.isWhitespace).joined(separator: " ").lowercased(),
                    month: time.month, day: time.day, year: time.year, hour: time.hour, minute: time.minute, body: body))
        }
        return .success(updates)
    }

    struct FeedError: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }

    static let months = Timestamp.monthNames.map { $0.prefix(3).lowercased() }

    /// `Nov 22, 14:05 UTC`, `Nov 22, 2024 14:05 UTC`, `Nov  2, 14:05:09 GMT`: month, day, year
    /// when written, time; `zone` is set when it is not UTC.
    static func parseTime(_ text: String) -> (month: Int, day: Int, year: Int?, hour: Int, minute: Int, zone: String?)? {
        let words = text.split(whereSeparator: { $0.isWhitespace || $0 == "," })
        guard words.count >= 3, words.count <= 5 else { return nil }
        guard let month = months.firstIndex(of: String(words[0].prefix(3)).lowercased()).map({ $0 + 1 }),
            words[0].count == 3 || words[0].count >= 3 && words[0].allSatisfy(\.isLetter),
            let day = Int(words[1]), (1...31).contains(day)
        else { return nil }
        var rest = Array(words.dropFirst(2))
        var year: Int?
        if rest.count >= 2, rest[0].count == 4, let y = Int(rest[0]), (1970...9999).contains(y) {
            year = y
            rest.removeFirst()
        }
        guard !rest.isEmpty else { return nil }
        let clock = rest[0].split(separator: ":")
        guard clock.count == 2 || clock.count == 3, clock.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isASCII) }),
            let hour = Int(clock[0]), let minute = Int(clock[1]), (0...23).contains(hour), (0...59).contains(minute)
        else { return nil }
        var zone: String?
        if rest.count == 2 {
            let z = rest[1].uppercased()
            if !["UTC", "GMT", "Z", "UTC+0", "GMT+0", "UTC+00:00", "GMT+00:00"].contains(z) { zone = String(rest[1].prefix(12)) }
        } else if rest.count > 2 {
            return nil
        } else {
            zone = "no zone"
        }
        return (month, day, year, hour, minute, zone)
    }

    /// The time of an update in `year`, or nil when that day does not exist then (29 February).
    static func time(_ update: Update, year: Int) -> Timestamp? {
        let t = Timestamp(year: year, month: update.month, day: update.day, hour: update.hour, minute: update.minute)
        let c = t.civil
        return c.month == update.month && c.day == update.day ? t : nil
    }

    /// The updates' times, newest first as listed: each in the latest year that puts it no more
    /// than a day after `reference` (the entry's updated time, then the update above it). With
    /// `nearest`, the first one is the one nearest `reference` instead (RSS's pubDate).
    static func times(_ updates: [Update], reference: Timestamp, nearest: Bool) -> [Timestamp]? {
        var limit = reference
        var result: [Timestamp] = []
        for (index, update) in updates.enumerated() {
            if let year = update.year {
                guard let t = time(update, year: year) else { return nil }
                result.append(t)
                limit = t
                continue
            }
            var found: Timestamp?
            if index == 0 && nearest {
                let y = reference.civil.year
                found = [y + 1, y, y - 1].compactMap { time(update, year: $0) }
                    .min { abs($0.milliseconds - reference.milliseconds) < abs($1.milliseconds - reference.milliseconds) }
            } else {
                let bound = limit.adding(seconds: 86_400)
                var year = bound.civil.year
                for _ in 0..<9 {
                    if let t = time(update, year: year), t <= bound {
                        found = t
                        break
                    }
                    year -= 1
                }
            }
            guard let t = found else { return nil }
            result.append(t)
            limit = t
        }
        return result
    }

    /// RFC 822 dates of RSS (`Tue, 01 Aug 2023 20:28:01 +0000`).
    static func rfc822(_ text: String) -> Timestamp? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: 0)
        for format in ["EEE, dd MMM yyyy HH:mm:ss Z", "dd MMM yyyy HH:mm:ss Z", "EEE, dd MMM yyyy HH:mm:ss zzz"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                return Timestamp(milliseconds: Int64((date.timeIntervalSince1970 * 1000).rounded()))
            }
        }
        return nil
    }
}

extension StatuspageImporter {
    static let feedLabels: [String: String] = [
        "investigating": "investigating", "identified": "identified", "monitoring": "monitoring", "resolved": "resolved",
        "postmortem": "postmortem", "scheduled": "scheduled", "in progress": "in_progress", "verifying": "verifying",
        "completed": "completed"
    ]

    /// The entries of a history.atom / history.rss as incidents and maintenances. Every entry that
    /// cannot be read is an error with the file and line; an upcoming maintenance (its window is
    /// not in the feed) is left out with a note.
    func readFeed(_ bytes: [UInt8], path: String, problems: inout ImportProblems, notes: inout [String]) -> [SPIncident] {
        guard let (entries, isRSS) = StatuspageFeed.entries(bytes, path: path, problems: &problems) else { return [] }
        var result: [SPIncident] = []
        for (number, entry) in entries.enumerated() {
            let name = "entry \(number + 1)"
            func fail(_ message: String, line: Int? = nil) { problems.error(path, line: line ?? entry.line, "\(name): \(message)") }

            // The incident's code, from its link: …/incidents/wdhkj70kynwk (JSON's "id").
            let hrefs = entry.links.filter { $0.rel == nil || $0.rel == "alternate" }.map(\.href)
            guard let code = hrefs.lazy.compactMap(Self.incidentCode).first else {
                fail("no link to the incident (expected <link href=\"https://…/incidents/CODE\"/>, CODE being the id the JSON API gives it)")
                continue
            }
            let title = ImportFiles.trimmed((entry.fields["title"] ?? "").split(whereSeparator: \.isNewline).joined(separator: " "))
            guard !title.isEmpty else {
                fail("incident \(code) has no <title>")
                continue
            }
            // The time the updates' years are worked out from.
            let referenceKey = isRSS ? "pubDate" : (entry.fields["updated"] != nil ? "updated" : "published")
            guard let referenceText = entry.fields[referenceKey] else {
                fail("incident \(code) has no <\(isRSS ? "pubDate" : "updated")> (expected the time of its last update, which gives the updates their year)")
                continue
            }
            guard let reference = isRSS ? StatuspageFeed.rfc822(referenceText) : ImportTime.parse(ImportFiles.trimmed(referenceText))?.timestamp else {
                fail(
                    "incident \(code): <\(referenceKey)> '\(String(ImportFiles.trimmed(referenceText).prefix(40)))' is not a time (expected \(isRSS ? "e.g. Tue, 01 Aug 2023 20:28:01 +0000" : "RFC 3339, e.g. 2023-08-01T20:28:01Z"))",
                    line: entry.lines[referenceKey])
                continue
            }
            let contentKey = isRSS ? "description" : "content"
            let contentLine = entry.lines[contentKey] ?? entry.line
            guard let html = entry.fields[contentKey] else {
                fail("incident \(code) has no <\(contentKey)> (expected its updates as HTML)")
                continue
            }
            if !isRSS, let type = entry.contentType, type != "html", type != "text/html" {
                fail("incident \(code): <content type=\"\(String(type.prefix(20)))\"> (expected type=\"html\")", line: contentLine)
                continue
            }
            let parsed: [StatuspageFeed.Update]
            switch StatuspageFeed.updates(html: html) {
            case .success(let updates): parsed = updates
            case .failure(let error):
                fail("incident \(code): \(error.message)", line: contentLine)
                continue
            }
            guard let times = StatuspageFeed.times(parsed, reference: reference, nearest: isRSS) else {
                fail("incident \(code): an update's day does not exist in any year before <\(referenceKey)> (expected a real date)", line: contentLine)
                continue
            }
            // Statuses, oldest first: "Update" repeats the status before it.
            var statuses: [String] = Array(repeating: "", count: parsed.count)
            var isMaintenance = false
            var isIncident = false
            var bad: String?
            for index in parsed.indices.reversed() {
                let label = parsed[index].label
                if label == "update" {
                    guard index + 1 < parsed.count else {
                        bad =
                            "its first update is 'Update' (expected a status: Investigating, Identified, Monitoring, Resolved, Scheduled, In progress, Verifying or Completed)"
                        break
                    }
                    statuses[index] = statuses[index + 1]
                    continue
                }
                guard let status = Self.feedLabels[label] else {
                    bad =
                        "update \(index + 1) has the unknown status '\(String(label.prefix(30)))' (expected Investigating, Identified, Monitoring, Resolved, Postmortem, Update, Scheduled, In progress, Verifying or Completed)"
                    break
                }
                if Self.maintenanceStatuses.contains(status) { isMaintenance = true } else { isIncident = true }
                statuses[index] = status
            }
            if bad == nil, isMaintenance, isIncident {
                bad = "it mixes incident statuses and maintenance statuses (expected one or the other)"
            }
            if let bad {
                fail("incident \(code): \(bad)", line: contentLine)
                continue
            }
            // Oldest first, with the feed's order breaking ties (newest first: the later in the list is the earlier).
            var updates: [SPUpdate] = []
            var seen: [String: Int] = [:]
            for index in parsed.indices.reversed() {
                let at = ImportTime(times[index])
                let minute = String(times[index].basic.prefix(13))
                let n = (seen[minute + statuses[index], default: 0]) + 1
                seen[minute + statuses[index]] = n
                updates.append(
                    SPUpdate(
                        id: "", status: statuses[index], body: parsed[index].body, at: at, order: parsed.count - index, changes: [],
                        key: "feed-update:\(code):\(minute):\(statuses[index]):\(n)"))
            }
            updates.sort { ($0.at, $0.order) < ($1.at, $1.order) }
            var incident = SPIncident(
                path: path, id: code, name: title, status: updates.last!.status, impact: isMaintenance ? "maintenance" : "minor",
                createdAt: updates[0].at, startedAt: nil, scheduledFor: nil, scheduledUntil: nil, isMaintenance: isMaintenance,
                componentIDs: [], updates: updates, postmortem: nil, updatedAt: ImportTime(reference))
            incident.fromFeed = true
            if isMaintenance {
                // The window is not in the feed: from its first In progress to its last Completed.
                guard let start = updates.first(where: { $0.status == "in_progress" })?.at,
                    let end = updates.last(where: { $0.status == "completed" })?.at
                else {
                    notes.append(
                        "\(path): maintenance \(code) has not started (no In progress and Completed update): its window is not in the feed; left out (import scheduled-maintenances.json for it)"
                    )
                    continue
                }
                incident.scheduledFor = start
                incident.scheduledUntil = max(end, ImportTime(seconds: start.seconds + 60, milliseconds: 0))
            }
            result.append(incident)
        }
        return result
    }

    /// `https://status.example.com/incidents/abc123` → `abc123`.
    static func incidentCode(_ href: String) -> String? {
        guard let range = href.range(of: "/incidents/") else { return nil }
        let code = href[range.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !code.isEmpty, code.count <= 64, code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else { return nil }
        return String(code)
    }

    /// Pairs each feed update with the update of the other list at the same minute and status
    /// (the feed shows times to the minute only), each used once, in time order. Returns
    /// (index in `feed`, index in `others`).
    static func matchFeedUpdates(_ feed: [SPUpdate], _ others: [(at: ImportTime, status: String)]) -> [(Int, Int)] {
        func minute(_ t: ImportTime) -> Int64 { t.seconds - ((t.seconds % 60) + 60) % 60 }
        // Each (minute, status) once, in order: linear however many updates a hostile file holds.
        var waiting: [String: [Int]] = [:]
        for j in others.indices.reversed() { waiting["\(minute(others[j].at)) \(others[j].status)", default: []].append(j) }
        var pairs: [(Int, Int)] = []
        for (f, update) in feed.enumerated() {
            if let j = waiting["\(minute(update.at)) \(update.status)"]?.popLast() { pairs.append((f, j)) }
        }
        return pairs
    }

    /// The minute (`20210312T1909`) and kind (`resolved`, `follow-up`) in an event file name, with
    /// or without a posting sequence (`20210312T190944.483Z-0003-resolved-p2in.md`,
    /// `20210312T190944Z-resolved-p2in.md`).
    static func minuteAndKind(ofEventPath path: String) -> (minute: String, kind: String)? {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard name.hasSuffix(".md"), name.count > 17 else { return nil }
        var parts = name.dropLast(3).split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 3, parts[0].hasSuffix("Z") else { return nil }
        let minute = String(parts[0].prefix(13))
        parts.removeFirst()
        if RecordWriter.sequence(inName: name) != nil { parts.removeFirst() }
        parts.removeLast()  // the random suffix
        return (minute, parts.joined(separator: "-"))
    }
}
