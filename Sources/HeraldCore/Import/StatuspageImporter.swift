import Foundation

/// `herald import statuspage FILE…`: what a Statuspage page serves and exports — incidents.json,
/// `/api/v2/incidents/{id}.json` payloads, summary.json, components.json,
/// scheduled-maintenances.json, a bare array of incidents, or the page's history.atom / history.rss
/// (`StatuspageFeed`; told apart by their first byte, not their names) — turned into an `ImportPlan`.
/// docs/import.md says field by field what becomes what and what cannot round-trip.
package struct StatuspageImporter {
    package var layout: SiteLayout
    package var settings: SiteSettings

    package init(layout: SiteLayout, settings: SiteSettings) {
        self.layout = layout
        self.settings = settings
    }

    static let incidentStatuses = ["investigating", "identified", "monitoring", "resolved", "postmortem"]
    static let maintenanceStatuses = ["scheduled", "in_progress", "verifying", "completed"]
    static let impacts = ["none", "minor", "major", "critical", "maintenance"]
    static let componentStatuses = ["operational", "degraded_performance", "partial_outage", "major_outage", "under_maintenance"]

    // MARK: - What the files hold

    struct SPComponent {
        var id: String
        var name: String
        var groupID: String?
        var isGroup: Bool
        var description: String?
        /// "Group - Component", as affected_components name it.
        var fullName: String?
    }

    struct SPUpdate {
        var id: String
        var status: String
        var body: String
        var at: ImportTime
        var order: Int
        var changes: [(code: String, status: String)]
        /// The ledger key: `update:<id>`; a feed's update has no id and gets
        /// `feed-update:<incident>:<minute>:<status>:<n>` (the n-th of that minute and status).
        var key: String
        /// Ledger keys of the same update read from the other source (a feed's, a JSON's).
        var aliases: [String] = []
    }

    struct SPIncident {
        var path: String
        var id: String
        var name: String
        var status: String
        var impact: String
        var createdAt: ImportTime
        var startedAt: ImportTime?
        var scheduledFor: ImportTime?
        var scheduledUntil: ImportTime?
        var isMaintenance: Bool
        var componentIDs: [String]
        var updates: [SPUpdate]
        var postmortem: (body: String, published: ImportTime?)?
        var updatedAt: ImportTime?
        /// Read from history.atom/rss: no impact, no components, times to the minute.
        var fromFeed = false
    }

    /// Reads the files; every problem in every file is collected before this throws.
    package func plan(files: [(url: URL, shown: String)]) throws -> ImportPlan {
        var problems = ImportProblems()
        var components: [SPComponent] = []
        var componentIndex: [String: Int] = [:]
        var incidents: [SPIncident] = []
        var incidentIndex: [String: Int] = [:]
        var feedNotes: [String] = []

        func addComponent(_ c: SPComponent) {
            if let at = componentIndex[c.id] {
                if components[at].fullName == nil { components[at].fullName = c.fullName }
                if components[at].description == nil { components[at].description = c.description }
                if components[at].groupID == nil { components[at].groupID = c.groupID }
                if c.isGroup { components[at].isGroup = true }
                if components[at].name.isEmpty { components[at].name = c.name }
            } else {
                componentIndex[c.id] = components.count
                components.append(c)
            }
        }
        func addIncident(_ incident: SPIncident) {
            if let at = incidentIndex[incident.id], incidents[at].fromFeed != incident.fromFeed {
                // The same incident in a feed and in JSON: the JSON's fields and updates; the feed's
                // updates that match one of them (same minute, same status) are that update.
                var merged = incident.fromFeed ? incidents[at] : incident
                let feed = incident.fromFeed ? incident : incidents[at]
                let pairs = Self.matchFeedUpdates(feed.updates, merged.updates.map { ($0.at, $0.status) })
                for (f, j) in pairs { merged.updates[j].aliases.append(feed.updates[f].key) }
                let matched = Set(pairs.map(\.0))
                merged.updates += feed.updates.indices.filter { !matched.contains($0) }.map { feed.updates[$0] }
                merged.updates.sort { ($0.at, $0.order) < ($1.at, $1.order) }
                incidents[at] = merged
            } else if let at = incidentIndex[incident.id] {
                // The same incident in two files: the newer copy's fields, every update of both.
                var merged = (incidents[at].updatedAt ?? incidents[at].createdAt) >= (incident.updatedAt ?? incident.createdAt) ? incidents[at] : incident
                let other = merged.path == incident.path && merged.updatedAt == incident.updatedAt ? incidents[at] : incident
                let known = Set(merged.updates.map(\.key))
                merged.updates += other.updates.filter { !known.contains($0.key) }
                merged.updates.sort { ($0.at, $0.order) < ($1.at, $1.order) }
                merged.postmortem = merged.postmortem ?? other.postmortem
                incidents[at] = merged
            } else {
                incidentIndex[incident.id] = incidents.count
                incidents.append(incident)
            }
        }

        for file in files {
            let path = file.shown
            guard let bytes = ImportFiles.read(file.url, shown: path, problems: &problems) else { continue }
            if StatuspageFeed.isXML(bytes) {
                for incident in readFeed(bytes, path: path, problems: &problems, notes: &feedNotes) { addIncident(incident) }
                continue
            }
            let root: JSONNode
            do {
                root = try JSONNode.parse(bytes)
            } catch {
                problems.error(path, line: error.line, "not valid JSON: \(error.message)")
                continue
            }
            var recognised = false
            if let list = root.arrayValue {
                recognised = true
                for node in list { if let i = readIncident(node, path: path, maintenance: nil, problems: &problems, add: addComponent) { addIncident(i) } }
            }
            if let single = root["incident"] {
                recognised = true
                if let i = readIncident(single, path: path, maintenance: nil, problems: &problems, add: addComponent) { addIncident(i) }
            }
            for (key, maintenance) in [("incidents", nil), ("scheduled_maintenances", true)] as [(String, Bool?)] {
                guard let node = root[key] else { continue }
                recognised = true
                guard let list = node.arrayValue else {
                    problems.error(path, node, "expected an array of \(maintenance == true ? "maintenances" : "incidents"), found \(node.kindName)")
                    continue
                }
                for item in list {
                    if let i = readIncident(item, path: path, maintenance: maintenance, problems: &problems, add: addComponent) { addIncident(i) }
                }
            }
            if let node = root["components"] {
                recognised = true
                if let list = node.arrayValue {
                    for item in list { if let c = readComponent(item, path: path, problems: &problems) { addComponent(c) } }
                } else {
                    problems.error(path, node, "expected an array of components, found \(node.kindName)")
                }
            }
            if !recognised {
                problems.error(
                    path, root,
                    "not a Statuspage export (expected an object with 'incident', 'incidents', 'scheduled_maintenances' or 'components', or an array of incidents)"
                )
            }
        }
        try problems.throwIfAny()
        var plan = try makePlan(components: components, incidents: incidents)
        plan.notes = feedNotes + plan.notes
        return plan
    }

    // MARK: - Reading one value

    func readComponent(_ node: JSONNode, path: String, problems: inout ImportProblems) -> SPComponent? {
        guard node.isObject else {
            problems.error(path, node, "expected a component object, found \(node.kindName)")
            return nil
        }
        let before = problems.diagnostics.count
        let id = identifier(node, path: path, problems: &problems)
        let name = requiredString(node, "name", path: path, problems: &problems)
        guard problems.diagnostics.count == before, let id, let name else { return nil }
        return SPComponent(
            id: id, name: name, groupID: node["group_id"]?.stringValue, isGroup: node["group"]?.boolValue ?? false,
            description: node["description"]?.stringValue, fullName: nil)
    }

    func requiredString(_ node: JSONNode, _ key: String, path: String, problems: inout ImportProblems, allowEmpty: Bool = false) -> String? {
        guard let value = node[key] else {
            problems.error(path, node, "missing field '\(key)'")
            return nil
        }
        guard let text = value.stringValue else {
            problems.error(path, value, "'\(key)' must be a string, found \(value.kindName)")
            return nil
        }
        if !allowEmpty, text.unicodeScalars.allSatisfy(\.properties.isWhitespace) {
            problems.error(path, value, "'\(key)' is empty")
            return nil
        }
        return text
    }

    /// An id as the ledger keeps it: no blank space or control characters, at most 128 characters.
    func identifier(_ node: JSONNode, path: String, problems: inout ImportProblems, key: String = "id") -> String? {
        guard let id = requiredString(node, key, path: path, problems: &problems) else { return nil }
        guard id.count <= 128, id.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F && !$0.properties.isWhitespace }) else {
            problems.error(
                path, node[key]!, "'\(key)' holds blank space or control characters, or is longer than 128 (expected a Statuspage id such as \"wdhkj70kynwk\")")
            return nil
        }
        return id
    }

    func time(_ node: JSONNode, _ key: String, path: String, problems: inout ImportProblems, required: Bool) -> ImportTime? {
        guard let value = node[key], !value.isNull else {
            if required { problems.error(path, node, "missing field '\(key)' (expected an RFC 3339 time)") }
            return nil
        }
        guard let text = value.stringValue, let time = ImportTime.parse(text) else {
            problems.error(path, value, "'\(key)' is not a time with a zone (expected e.g. 2021-03-12T18:26:30.483Z)")
            return nil
        }
        return time
    }

    func oneOf(_ node: JSONNode, _ key: String, _ allowed: [String], path: String, problems: inout ImportProblems) -> String? {
        guard let text = requiredString(node, key, path: path, problems: &problems) else { return nil }
        guard allowed.contains(text) else {
            problems.error(path, node[key]!, "unknown \(key) '\(text)' (expected \(allowed.joined(separator: ", ")))")
            return nil
        }
        return text
    }

    func readIncident(_ node: JSONNode, path: String, maintenance: Bool?, problems: inout ImportProblems, add: (SPComponent) -> Void) -> SPIncident? {
        guard node.isObject else {
            problems.error(path, node, "expected an incident object, found \(node.kindName)")
            return nil
        }
        let before = problems.diagnostics.count
        let id = identifier(node, path: path, problems: &problems)
        let name = requiredString(node, "name", path: path, problems: &problems)
        let impact = oneOf(node, "impact", Self.impacts, path: path, problems: &problems)
        let scheduledFor = time(node, "scheduled_for", path: path, problems: &problems, required: false)
        let isMaintenance = maintenance ?? (impact == "maintenance" || scheduledFor != nil)
        let statuses = isMaintenance ? Self.maintenanceStatuses : Self.incidentStatuses
        let status = oneOf(node, "status", statuses, path: path, problems: &problems)
        let createdAt = time(node, "created_at", path: path, problems: &problems, required: true)
        let startedAt = time(node, "started_at", path: path, problems: &problems, required: false)
        let scheduledUntil = time(node, "scheduled_until", path: path, problems: &problems, required: false)
        let updatedAt = time(node, "updated_at", path: path, problems: &problems, required: false)
        if isMaintenance {
            if scheduledFor == nil { problems.error(path, node, "maintenance has no 'scheduled_for' (expected the window's start)") }
            if scheduledUntil == nil { problems.error(path, node, "maintenance has no 'scheduled_until' (expected the window's end)") }
            if let scheduledFor, let scheduledUntil, scheduledUntil.seconds <= scheduledFor.seconds {
                problems.error(path, node["scheduled_until"]!, "scheduled_until is not after scheduled_for")
            }
        }
        var componentIDs: [String] = []
        if let list = node["components"], !list.isNull {
            if let items = list.arrayValue {
                for item in items {
                    if let c = readComponent(item, path: path, problems: &problems) {
                        add(c)
                        if !c.isGroup, !componentIDs.contains(c.id) { componentIDs.append(c.id) }
                    }
                }
            } else {
                problems.error(path, list, "'components' must be an array, found \(list.kindName)")
            }
        }
        var updates: [SPUpdate] = []
        var postmortem: (body: String, published: ImportTime?)?
        if let list = node["incident_updates"] {
            if let items = list.arrayValue {
                for (index, item) in items.enumerated() {
                    guard let update = readUpdate(item, path: path, statuses: statuses, order: items.count - index, problems: &problems, add: add) else {
                        continue
                    }
                    updates.append(update)
                }
            } else {
                problems.error(path, list, "'incident_updates' must be an array, found \(list.kindName)")
            }
        } else {
            problems.error(path, node, "missing field 'incident_updates'")
        }
        if let body = node["postmortem_body"]?.stringValue, !body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            postmortem = (ImportFiles.normalisedBody(body), time(node, "postmortem_published_at", path: path, problems: &problems, required: false))
        }
        if !isMaintenance, !updates.contains(where: { $0.status != "postmortem" }), problems.diagnostics.count == before {
            problems.error(path, node["incident_updates"] ?? node, "incident has no update (expected at least one in 'incident_updates')")
        }
        guard problems.diagnostics.count == before, let id, let name, let impact, let status, let createdAt else { return nil }
        // Oldest first; Statuspage lists newest first, and its order breaks ties.
        updates.sort { ($0.at, $0.order) < ($1.at, $1.order) }
        return SPIncident(
            path: path, id: id, name: name, status: status, impact: impact, createdAt: createdAt, startedAt: startedAt,
            scheduledFor: scheduledFor, scheduledUntil: scheduledUntil, isMaintenance: isMaintenance, componentIDs: componentIDs,
            updates: updates, postmortem: postmortem, updatedAt: updatedAt)
    }

    func readUpdate(_ node: JSONNode, path: String, statuses: [String], order: Int, problems: inout ImportProblems, add: (SPComponent) -> Void) -> SPUpdate? {
        guard node.isObject else {
            problems.error(path, node, "expected an update object, found \(node.kindName)")
            return nil
        }
        let before = problems.diagnostics.count
        let id = identifier(node, path: path, problems: &problems)
        let status = oneOf(node, "status", statuses, path: path, problems: &problems)
        var body = ""
        if let value = node["body"], !value.isNull {
            if let text = value.stringValue {
                body = Self.keepingLineBreaks(ImportFiles.normalisedBody(text))
            } else {
                problems.error(path, value, "'body' must be a string, found \(value.kindName)")
            }
        }
        let at =
            node["display_at"].flatMap { $0.isNull ? nil : $0 } != nil
            ? time(node, "display_at", path: path, problems: &problems, required: true)
            : time(node, "created_at", path: path, problems: &problems, required: true)
        var changes: [(code: String, status: String)] = []
        if let list = node["affected_components"], !list.isNull {
            if let items = list.arrayValue {
                for item in items {
                    guard item.isObject else {
                        problems.error(path, item, "expected an affected component object, found \(item.kindName)")
                        continue
                    }
                    guard let code = identifier(item, path: path, problems: &problems, key: "code"),
                        let newStatus = oneOf(item, "new_status", Self.componentStatuses, path: path, problems: &problems)
                    else { continue }
                    if let old = item["old_status"], !old.isNull {
                        _ = oneOf(item, "old_status", Self.componentStatuses, path: path, problems: &problems)
                    }
                    let fullName = item["name"]?.stringValue ?? code
                    add(SPComponent(id: code, name: "", groupID: nil, isGroup: false, description: nil, fullName: fullName))
                    changes.append((code, newStatus))
                }
            } else {
                problems.error(path, list, "'affected_components' must be an array or null, found \(list.kindName)")
            }
        }
        guard problems.diagnostics.count == before, let id, let status, let at else { return nil }
        return SPUpdate(id: id, status: status, body: body, at: at, order: order, changes: changes, key: "update:" + id)
    }

    /// Statuspage shows a body's single line breaks as breaks; Markdown would join the lines. Each
    /// one becomes a hard break (a `\` at the end of the line), unless the next line starts a block
    /// of its own (a list item, a quote, a heading) or the line ends in a `\` already.
    static func keepingLineBreaks(_ body: String) -> String {
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count > 1 else { return body }
        var out = ""
        for (index, line) in lines.enumerated() {
            out += line
            guard index + 1 < lines.count else { break }
            let next = lines[index + 1].drop { $0 == " " }
            let startsBlock =
                next.isEmpty || next.hasPrefix("- ") || next.hasPrefix("* ") || next.hasPrefix("+ ") || next.hasPrefix(">") || next.hasPrefix("#")
                || (next.first?.isNumber == true && next.drop { $0.isNumber }.hasPrefix(". "))
            if !line.trimmingCharacters(in: .whitespaces).isEmpty, !startsBlock, !line.hasSuffix("\\") { out += "\\" }
            out += "\n"
        }
        return out
    }

    // MARK: - The plan

    func makePlan(components: [SPComponent], incidents: [SPIncident]) throws -> ImportPlan {
        var plan = ImportPlan(ledgerName: "statuspage")
        let ledger = try ImportLedger.read(layout: layout, name: "statuspage")

        // Components: the ledger's id, else a site component of the same name, else a new one.
        let groupNames = Dictionary(components.filter(\.isGroup).map { ($0.id, $0.name) }) { a, _ in a }
        var takenIDs = Set(settings.components.map(\.id))
        var heraldID: [String: String] = [:]
        var used: Set<String> = []
        for incident in incidents {
            used.formUnion(incident.componentIDs)
            for update in incident.updates { used.formUnion(update.changes.map(\.code)) }
        }
        let listedOnPage = Set(components.filter { !$0.isGroup && !$0.name.isEmpty }.map(\.id))
        for component in components where !component.isGroup && (used.contains(component.id) || listedOnPage.contains(component.id)) {
            var name = component.name
            var group = component.groupID.flatMap { groupNames[$0] }
            if let full = component.fullName {
                // "Group - Component": the group's name when no group object says it.
                if !name.isEmpty, full.hasSuffix(" - " + name), group == nil {
                    group = String(full.dropLast(name.count + 3))
                } else if name.isEmpty {
                    if let range = full.range(of: " - ") {
                        group = String(full[..<range.lowerBound])
                        name = String(full[range.upperBound...])
                    } else {
                        name = full
                    }
                }
            }
            let key = "component:" + component.id
            if let known = ledger.entries[key].map({ String($0.dropFirst("components/".count)) }), settings.component(known) != nil {
                heraldID[component.id] = known
                continue
            }
            if let same = settings.components.first(where: { $0.name == name && ($0.group == group || group == nil) }) {
                heraldID[component.id] = same.id
                plan.extraLedger.append((key, "components/" + same.id))
                continue
            }
            let id = RecordID.unique(ImportFiles.slug(name)) { takenIDs.contains($0) }
            takenIDs.insert(id)
            heraldID[component.id] = id
            plan.components.append(.init(id: id, name: name, group: group, description: component.description))
            plan.extraLedger.append((key, "components/" + id))
        }

        var ledgerByFolder: [String: [(key: String, path: String)]]?
        var feedIncidents = 0
        let loader = ContentLoader(layout: layout)
        var ids = RecordIDAllocator(existing: loader.recordIDs("incidents") + loader.recordIDs("maintenance"))
        for incident in incidents {
            let kind: ImportPlan.RecordKind = incident.isMaintenance ? .maintenance : .incident
            let recordKey = "\(kind.rawValue):\(incident.id)"
            let events = incident.updates.map { event($0, incident: incident, components: heraldID, plan: &plan) }
            if let existing = ledger.entries[recordKey] {
                let id = String(existing.split(separator: "/").last ?? "")
                guard RecordID.problem(id) == nil, existing == "\(kind == .incident ? "incidents" : "maintenance")/\(id)" else {
                    throw HeraldError(
                        "content/imports/statuspage.tsv: '\(existing)' for \(recordKey) is not a record (expected incidents/<id> or maintenance/<id>)")
                }
                let folder = kind == .incident ? layout.incidentFolder(id) : layout.maintenanceFolder(id)
                var fresh = events.filter { ledger.entries[$0.source] == nil }
                if !fresh.isEmpty {
                    // An update imported before from the other source (history.atom, JSON) is the same
                    // update when its minute and status agree: its ledger key is added, nothing written.
                    let (matched, lines) = matchImported(fresh, folder: existing, fromFeed: incident.fromFeed, ledger: ledger, index: &ledgerByFolder)
                    plan.extraLedger += lines
                    fresh = fresh.enumerated().filter { !matched.contains($0.offset) }.map(\.element)
                    if !lines.isEmpty {
                        plan.notes.append(
                            "\(kind.rawValue) \(incident.id): \(lines.count) update\(lines.count == 1 ? "" : "s") matched \(lines.count == 1 ? "one" : "ones") imported before from \(incident.fromFeed ? "JSON" : "history.atom") (same minute and status): left as \(lines.count == 1 ? "it was" : "they were")"
                        )
                    }
                }
                plan.alreadyImported += 1 + (events.count - fresh.count)
                if !FileManager.default.fileExists(atPath: folder.path) {
                    plan.notes.append(
                        "\(kind.rawValue) \(incident.id) was imported as \(existing) and is gone: left out (delete its line in content/imports/statuspage.tsv to import it again)"
                    )
                    continue
                }
                if !fresh.isEmpty { plan.added.append(.init(kind: kind, id: id, events: fresh)) }
                addPostmortem(incident, id: id, plan: &plan, ledger: ledger)
                continue
            }
            let components = incident.componentIDs.compactMap { heraldID[$0] }
            if incident.isMaintenance {
                let start = incident.scheduledFor!
                let end = incident.scheduledUntil!
                let id = ids.make(date: start.timestamp, title: incident.name)
                plan.records.append(
                    .init(
                        kind: .maintenance, id: id, source: recordKey,
                        fields: [
                            ("title", RecordWriter.yamlScalar(incident.name)),
                            (
                                "components",
                                RecordWriter.yamlFlowList(unique(components + incident.updates.flatMap { $0.changes.compactMap { heraldID[$0.code] } }))
                            ),
                            ("scheduled_start", start.rfc3339), ("scheduled_end", end.rfc3339)
                        ], summary: "", events: events))
            } else {
                let severity: String
                switch incident.impact {
                case "critical", "major", "minor": severity = incident.impact
                default:
                    severity = "minor"
                    if incident.impact == "none" { plan.notes.append("incident \(incident.id) has impact 'none': imported as minor (Herald has no 'none')") }
                }
                let id = ids.make(date: incident.createdAt.timestamp, title: incident.name)
                if incident.fromFeed { feedIncidents += 1 }
                var fields: [(String, String)] = [
                    ("title", RecordWriter.yamlScalar(incident.name)), ("severity", severity), ("components", RecordWriter.yamlFlowList(components))
                ]
                if let started = incident.startedAt { fields.append(("impact_started", started.rfc3339)) }
                plan.records.append(.init(kind: .incident, id: id, source: recordKey, fields: fields, summary: "", events: events))
                addPostmortem(incident, id: id, plan: &plan, ledger: ledger)
            }
        }
        if feedIncidents > 0 {
            plan.notes.append(
                "\(feedIncidents) incident\(feedIncidents == 1 ? "" : "s") from a feed: history.atom has no impact and no components, so \(feedIncidents == 1 ? "it is" : "they are") imported as severity minor without components (set them in incident.md)"
            )
        }
        return plan
    }

    /// Which of `events` (new to the ledger) were imported before from the other source into
    /// the record at `folder` (`incidents/<id>`): an event file the other source's ledger keys
    /// name, not yet claimed by a key of this source, at the same minute and of the same kind.
    /// Returns their indices and the ledger lines that record the match.
    func matchImported(
        _ events: [ImportPlan.PlannedEvent], folder: String, fromFeed: Bool, ledger: ImportLedger,
        index: inout [String: [(key: String, path: String)]]?
    ) -> (Set<Int>, [(String, String)]) {
        if index == nil {
            var byFolder: [String: [(key: String, path: String)]] = [:]
            for (key, path) in ledger.entries where key.hasPrefix("update:") || key.hasPrefix("feed-update:") {
                let parts = path.split(separator: "/")
                guard parts.count == 3 else { continue }
                byFolder[parts[0] + "/" + parts[1], default: []].append((key, path))
            }
            index = byFolder
        }
        let entries = index?[folder] ?? []
        let own = fromFeed ? "feed-update:" : "update:"
        let claimed = Set(entries.filter { $0.key.hasPrefix(own) }.map(\.path))
        // The candidates by minute and kind, each taken once, oldest first.
        var waiting: [String: [String]] = [:]
        for path in Set(entries.filter { !$0.key.hasPrefix(own) && !claimed.contains($0.path) }.map(\.path)).sorted().reversed() {
            guard let (minute, kind) = Self.minuteAndKind(ofEventPath: path) else { continue }
            waiting[minute + " " + kind, default: []].append(path)
        }
        var matched: Set<Int> = []
        var lines: [(String, String)] = []
        for (n, event) in events.enumerated() {
            guard let path = waiting[String(event.at.timestamp.basic.prefix(13)) + " " + event.kind]?.popLast() else { continue }
            matched.insert(n)
            lines.append((event.source, path))
            for alias in event.aliases { lines.append((alias, path)) }
        }
        return (matched, lines)
    }

    func unique(_ ids: [String]) -> [String] {
        var seen: Set<String> = []
        return ids.filter { seen.insert($0).inserted }
    }

    func event(_ update: SPUpdate, incident: SPIncident, components: [String: String], plan: inout ImportPlan) -> ImportPlan.PlannedEvent {
        var fields: [(String, String)] = []
        if !incident.isMaintenance {
            var pairs: [(String, String)] = []
            for change in update.changes {
                guard let id = components[change.code] else { continue }
                if change.status == "under_maintenance" {
                    plan.notes.append(
                        "update \(update.id.isEmpty ? update.key : update.id) sets \(id) under_maintenance inside an incident: left out (Herald derives it from maintenance)"
                    )
                    continue
                }
                pairs.removeAll { $0.0 == id }
                pairs.append((id, change.status))
            }
            if !pairs.isEmpty { fields.append(("components", RecordWriter.yamlFlowMap(pairs))) }
        }
        var body = update.body
        if body.isEmpty {
            // Statuspage allows an update without text; Herald does not: the canned text, as the CLI would post.
            let template = settings.messages[update.status] ?? ContentLoader.defaultMessages[update.status] ?? update.status
            let names = incident.componentIDs.compactMap { components[$0] }.compactMap { id in
                settings.component(id)?.name ?? plan.components.first { $0.id == id }?.name
            }
            body = template.replacingOccurrences(of: "{components}", with: names.isEmpty ? "our services" : names.joined(separator: ", "))
                .replacingOccurrences(of: "{support}", with: settings.support)
            plan.notes.append("update \(update.id.isEmpty ? update.key : update.id) has no text: given the canned text for '\(update.status)'")
        }
        if update.status == "postmortem" {
            // Statuspage's postmortem notice: a follow-up, which Herald's API gives that status again.
            return .init(
                at: update.at, kind: Event.followUp, first: ("kind", Event.followUp), fields: [], body: body, source: update.key, aliases: update.aliases)
        }
        return .init(
            at: update.at, kind: update.status, first: ("status", update.status), fields: fields, body: body, source: update.key, aliases: update.aliases)
    }

    func addPostmortem(_ incident: SPIncident, id: String, plan: inout ImportPlan, ledger: ImportLedger) {
        guard let postmortem = incident.postmortem else { return }
        let key = "postmortem:" + incident.id
        guard ledger.entries[key] == nil else {
            plan.alreadyImported += 1
            return
        }
        if FileManager.default.fileExists(atPath: layout.postmortems.appendingPathComponent(id + ".md").path) {
            plan.notes.append("content/postmortems/\(id).md exists: the postmortem of \(incident.id) was left out")
            return
        }
        let firstParagraph = postmortem.body.components(separatedBy: "\n\n").first { !$0.trimmingCharacters(in: .whitespaces).isEmpty } ?? ""
        var summary = firstParagraph.replacingOccurrences(of: "\n", with: " ")
        if summary.count > 280 { summary = String(summary.prefix(277)) + "…" }
        var fields: [(String, String)] = [("incident", id), ("status", "published")]
        if let published = postmortem.published { fields.append(("published", published.timestamp.date)) }
        fields.append(("summary", RecordWriter.yamlScalar(summary)))
        plan.postmortems.append(.init(incidentID: id, source: key, text: RecordWriter.eventText(fields, body: postmortem.body)))
    }
}
