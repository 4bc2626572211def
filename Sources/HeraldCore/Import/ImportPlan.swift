import Foundation

/// A time read from an export, to the millisecond (Statuspage, Slack and cState all give more
/// than whole seconds; the event files keep them).
package struct ImportTime: Comparable, Hashable, Sendable {
    package var seconds: Int64
    package var milliseconds: Int

    package init(seconds: Int64, milliseconds: Int) {
        self.seconds = seconds
        self.milliseconds = milliseconds
    }

    package init(_ timestamp: Timestamp) { self.init(seconds: timestamp.seconds, milliseconds: Int(timestamp.millisecond)) }

    package static func < (a: ImportTime, b: ImportTime) -> Bool { (a.seconds, a.milliseconds) < (b.seconds, b.milliseconds) }

    package var timestamp: Timestamp { Timestamp(milliseconds: seconds * 1000 + Int64(milliseconds)) }

    /// RFC 3339 with an offset and an optional fraction (kept to the millisecond, truncated).
    package static func parse(_ text: String) -> ImportTime? {
        guard let whole = try? Timestamp.parse(rfc3339: text) else { return nil }
        var milliseconds = 0
        let bytes = Array(text.utf8)
        if bytes.count > 20, bytes[19] == UInt8(ascii: ".") {
            var index = 20
            var digits = 0
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                if digits < 3 { milliseconds = milliseconds * 10 + Int(bytes[index] - 48) }
                digits += 1
                index += 1
            }
            for _ in min(digits, 3)..<3 { milliseconds *= 10 }
        }
        return ImportTime(seconds: whole.seconds, milliseconds: milliseconds)
    }

    /// `2021-03-12T18:26:30.483Z`; whole seconds without a fraction.
    package var rfc3339: String { timestamp.rfc3339 }
}

/// What an import will add to a site: worked out completely (and every input problem found)
/// before anything is written, then applied all at once by `ImportApplier`.
package struct ImportPlan: Sendable {
    package struct NewComponent: Sendable, Hashable {
        package var id: String
        package var name: String
        package var group: String?
        package var description: String?
    }

    package struct PlannedEvent: Sendable {
        package var at: ImportTime
        /// The file name's kind part: the status for an update, `note` for a note.
        package var kind: String
        /// Front matter lines after `status:`/`kind:` and `at:` (already YAML).
        package var fields: [(String, String)]
        package var first: (String, String)
        package var body: String
        /// The ledger key of what it came from, e.g. `update:h9h6zfb8b3qy`.
        package var source: String
        /// Other ledger keys for the same update (the same update read from history.atom and JSON).
        package var aliases: [String]

        package init(at: ImportTime, kind: String, first: (String, String), fields: [(String, String)], body: String, source: String, aliases: [String] = []) {
            self.at = at
            self.kind = kind
            self.first = first
            self.fields = fields
            self.body = body
            self.source = source
            self.aliases = aliases
        }

        /// The front matter as `RecordWriter.createEvent` takes it (it adds `seq:` after `at:`).
        var allFields: [(String, String)] { [first, ("at", at.rfc3339)] + fields }
    }

    package enum RecordKind: String, Sendable { case incident, maintenance }

    package struct NewRecord: Sendable {
        package var kind: RecordKind
        package var id: String
        package var source: String
        /// incident.md or maintenance.md fields (YAML values) and summary.
        package var fields: [(String, String)]
        package var summary: String
        package var events: [PlannedEvent]
    }

    /// Events added to a record that exists already (a newer export's updates, Slack notes).
    package struct AddedEvents: Sendable {
        package var kind: RecordKind
        package var id: String
        package var events: [PlannedEvent]
    }

    package struct NewPostmortem: Sendable {
        package var incidentID: String
        package var source: String
        package var text: String
    }

    /// Which ledger this import adds to: `content/imports/<name>.tsv`.
    package var ledgerName: String
    package var components: [NewComponent] = []
    package var records: [NewRecord] = []
    package var added: [AddedEvents] = []
    package var postmortems: [NewPostmortem] = []
    /// Ledger lines for things recognised but not written as records (components), `key\tvalue`.
    package var extraLedger: [(String, String)] = []
    /// Items of the export already imported earlier (by the ledger), left alone.
    package var alreadyImported = 0
    /// Things the export holds that Herald does not keep, one line each (reported, not fatal).
    package var notes: [String] = []

    package init(ledgerName: String) { self.ledgerName = ledgerName }

    package var eventCount: Int { records.reduce(0) { $0 + $1.events.count } + added.reduce(0) { $0 + $1.events.count } }
    package var isEmpty: Bool { components.isEmpty && records.isEmpty && added.allSatisfy(\.events.isEmpty) && postmortems.isEmpty }

    /// One line per kind of thing, for the CLI and the dry run.
    package var summaryLines: [String] {
        var lines: [String] = []
        func count(_ n: Int, _ one: String, _ many: String) -> String { "\(n) \(n == 1 ? one : many)" }
        let incidents = records.filter { $0.kind == .incident }.count
        let maintenances = records.filter { $0.kind == .maintenance }.count
        if !components.isEmpty {
            lines.append(count(components.count, "component", "components") + " added to content/site.yml: " + components.map(\.id).joined(separator: ", "))
        }
        if incidents > 0 { lines.append(count(incidents, "incident", "incidents")) }
        if maintenances > 0 { lines.append(count(maintenances, "maintenance", "maintenances")) }
        let newEvents = records.reduce(0) { $0 + $1.events.count }
        if newEvents > 0 { lines.append(count(newEvents, "event", "events") + " in them") }
        for group in added where !group.events.isEmpty {
            lines.append(
                count(group.events.count, "event", "events") + " added to content/\(group.kind == .incident ? "incidents" : "maintenance")/\(group.id)")
        }
        if !postmortems.isEmpty { lines.append(count(postmortems.count, "postmortem", "postmortems")) }
        if alreadyImported > 0 { lines.append(count(alreadyImported, "item", "items") + " already imported (left alone)") }
        return lines
    }
}

/// What earlier imports brought in: `content/imports/<source>.tsv`, one `key<TAB>value` line each
/// (e.g. `incident:wdhkj70kynwk<TAB>incidents/2021-03-12-incident-on-…`), sorted. It is how a second
/// import of the same export adds nothing, and a newer export only what is new. Part of the
/// content: commit it with the records.
package struct ImportLedger: Sendable {
    package var entries: [String: String] = [:]
    package let url: URL

    package init(layout: SiteLayout, name: String) {
        url = layout.content.appendingPathComponent("imports/\(name).tsv")
    }

    /// Reads the ledger; a malformed line is an error naming the file and line.
    package static func read(layout: SiteLayout, name: String) throws -> ImportLedger {
        var ledger = ImportLedger(layout: layout, name: name)
        guard let data = FileManager.default.contents(atPath: ledger.url.path) else { return ledger }
        let path = layout.relativePath(ledger.url)
        var problems: [Diagnostic] = []
        for (index, line) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
            let parts = line.split(separator: "\t", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                problems.append(.error(path, index + 1, "not a ledger line (expected KEY<TAB>PATH)"))
                continue
            }
            ledger.entries[String(parts[0])] = String(parts[1])
        }
        if !problems.isEmpty { throw DiagnosticsError(problems) }
        return ledger
    }

    func text(adding lines: [(String, String)]) -> String {
        var all = entries
        for (key, value) in lines { all[key] = value }
        return all.sorted { $0.key < $1.key }.map { "\($0.key)\t\($0.value)\n" }.joined()
    }
}
