import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension ContentLoader {
    // MARK: - Records

    /// The absolute path of a site-relative path.
    func absolute(_ relative: String) -> String { layout.root.path + "/" + relative }

    func recordFolders(_ folder: String, kind: String, into diagnostics: inout [Diagnostic]) -> [String] {
        guard let entries = Self.directoryEntries(absolute(folder)) else { return [] }
        var ids: [String] = []
        for (name, isDirectory) in entries where !name.hasPrefix(".") {
            let path = folder + "/" + name
            if !isDirectory {
                diagnostics.append(.error(path, 0, "unexpected file (expected one folder per record: content/\(kind)/<id>/)"))
                continue
            }
            if let problem = RecordID.problem(name) {
                diagnostics.append(.error(path, 0, problem))
                continue
            }
            ids.append(name)
        }
        return ids
    }

    /// The entries of a folder, sorted by name, each with whether it is a folder (following
    /// symbolic links); one readdir(3) pass, a stat only where the file system does not say.
    static func directoryEntries(_ path: String) -> [(name: String, isDirectory: Bool)]? {
        var entries: [(name: String, isDirectory: Bool)] = []
        let complete = FileBytes.forEachEntry(in: path) { name, type, folder in
            var isDirectory = type == Int32(DT_DIR)
            if type == Int32(DT_UNKNOWN) || type == Int32(DT_LNK) {
                var info = stat()
                guard fstatat(folder, name, &info, 0) == 0 else { return true }  // a broken link: skipped
                isDirectory = (info.st_mode & S_IFMT) == S_IFDIR
            }
            entries.append((name, isDirectory))
            return true
        }
        return complete ? entries.sorted { $0.name < $1.name } : nil
    }

    /// Site-relative paths of the Markdown files in `folder`, sorted.
    func markdownFiles(in folder: String) -> [String] {
        var names: [String] = []
        _ = FileBytes.forEachEntry(in: absolute(folder)) { name, _, _ in
            if name.hasSuffix(".md"), !name.hasPrefix(".") { names.append(name) }
            return true
        }
        return names.sorted().map { folder + "/" + $0 }
    }

    func loadIncident(_ id: String, settings: SiteSettings, folder record: RecordFolder) -> (Incident?, [Diagnostic]) {
        let folder = "content/incidents/" + id
        var diagnostics: [Diagnostic] = []
        let mainPath = folder + "/incident.md"
        guard let file = mainFile(record, folder: folder, name: "incident.md", missing: "incident folder has no incident.md", into: &diagnostics) else {
            return (nil, diagnostics)
        }
        let fields = YAMLFields(yaml: file.yaml, path: mainPath, lineOffset: 1)
        let title = fields.string("title", required: true)
        var severity: Severity?
        if let text = fields.string("severity", required: true) {
            severity = Severity(rawValue: text)
            if severity == nil {
                fields.error(fields.line("severity"), "unknown severity '\(text)' (expected \(expected(Severity.allCases.map(\.rawValue))))")
            }
        }
        let components = checkComponents(fields, settings: settings)
        let impactStarted = fields.time("impact_started")
        let upstream = fields.bool("upstream") ?? false
        var roles: [Incident.Role] = []
        for pair in fields.pairs("roles") ?? [] {
            if !settings.roles.contains(pair.key) {
                fields.error(pair.line, "unknown role '\(pair.key)' (expected \(expected(settings.roles)))")
            }
            roles.append(Incident.Role(role: pair.key, person: pair.value))
        }
        fields.rejectUnknownKeys(expected: ["title", "severity", "components", "impact_started", "upstream", "roles"])
        diagnostics += fields.problems

        var corrections: [Correction] = []
        let events = loadEvents(
            in: folder, record, statuses: IncidentStatus.allCases.map(\.rawValue), otherKind: MaintenanceStatus.allCases.map(\.rawValue),
            recordKind: "incident", settings: settings, corrections: &corrections, into: &diagnostics)
        if events.allSatisfy({ !$0.isPublic || $0.isFollowUp }) && !diagnostics.hasErrors {
            let retracted = corrections.contains { $0.action == .retract }
            diagnostics.append(
                .error(
                    mainPath, 0, "incident has no public update\(retracted ? " left after retractions" : "") (expected at least one event file with 'status:')")
            )
        }
        guard let title, let severity, !diagnostics.hasErrors else { return (nil, diagnostics) }
        let incident = Incident(
            id: id, title: title, severity: severity, components: components, impactStarted: impactStarted,
            upstream: upstream, roles: roles, summary: file.body, events: events, corrections: corrections)
        return (incident, diagnostics)
    }

    func loadMaintenance(_ id: String, settings: SiteSettings, folder record: RecordFolder) -> (Maintenance?, [Diagnostic]) {
        let folder = "content/maintenance/" + id
        var diagnostics: [Diagnostic] = []
        let mainPath = folder + "/maintenance.md"
        guard let file = mainFile(record, folder: folder, name: "maintenance.md", missing: "maintenance folder has no maintenance.md", into: &diagnostics)
        else {
            return (nil, diagnostics)
        }
        let fields = YAMLFields(yaml: file.yaml, path: mainPath, lineOffset: 1)
        let title = fields.string("title", required: true)
        let components = checkComponents(fields, settings: settings)
        let start = fields.time("scheduled_start", required: true)
        let end = fields.time("scheduled_end", required: true)
        if let start, let end, end <= start {
            fields.error(fields.line("scheduled_end"), "scheduled_end \(end.rfc3339) is not after scheduled_start \(start.rfc3339)")
        }
        fields.rejectUnknownKeys(expected: ["title", "components", "scheduled_start", "scheduled_end"])
        diagnostics += fields.problems
        var corrections: [Correction] = []
        let events = loadEvents(
            in: folder, record, statuses: MaintenanceStatus.allCases.map(\.rawValue), otherKind: IncidentStatus.allCases.map(\.rawValue),
            recordKind: "maintenance", settings: settings, corrections: &corrections, into: &diagnostics)
        guard let title, let start, let end, !diagnostics.hasErrors else { return (nil, diagnostics) }
        return (
            Maintenance(
                id: id, title: title, components: components, scheduledStart: start, scheduledEnd: end, summary: file.body, events: events,
                corrections: corrections), diagnostics
        )
    }

    func checkComponents(_ fields: YAMLFields, settings: SiteSettings) -> [String] {
        guard let ids = fields.strings("components") else { return [] }
        let known = settings.components.map(\.id)
        var result: [String] = []
        for id in ids {
            if known.contains(id) {
                if !result.contains(id) { result.append(id) }
            } else {
                fields.error(fields.line("components"), unknownComponent(id, known: known))
            }
        }
        return result
    }

    func unknownComponent(_ id: String, known: [String]) -> String {
        let guess = closest(id, in: known).map { "; did you mean '\($0)'?" } ?? ""
        return "unknown component '\(id)' (expected one of \(expected(known)))\(guess)"
    }

    static let eventFields = ["status", "kind", "at", "seq", "by", "components", "milestone", "role", "person", "target", "severity", "cancelled"]

    /// The component statuses of an update's or an edit's `components:` map, checked.
    func componentChanges(_ fields: YAMLFields, settings: SiteSettings) -> [Event.ComponentChange] {
        var changes: [Event.ComponentChange] = []
        for pair in fields.pairs("components") ?? [] {
            let known = settings.components.map(\.id)
            guard known.contains(pair.key) else {
                fields.error(pair.line, unknownComponent(pair.key, known: known))
                continue
            }
            guard let value = ComponentStatus(rawValue: pair.value), ComponentStatus.writable.contains(value) else {
                fields.error(
                    pair.line,
                    "unknown component status '\(pair.value)' (expected \(expected(ComponentStatus.writable.map(\.rawValue))))\(didYouMean(pair.value, in: ComponentStatus.writable.map(\.rawValue)))"
                )
                continue
            }
            changes.append(Event.ComponentChange(id: pair.key, status: value))
        }
        return changes
    }

    func didYouMean(_ text: String, in known: [String]) -> String {
        closest(text, in: known).map { "; did you mean '\($0)'?" } ?? ""
    }

    func loadEvents(
        in folder: String, _ record: RecordFolder, statuses: [String], otherKind: [String], recordKind: String, settings: SiteSettings,
        into diagnostics: inout [Diagnostic]
    ) -> [Event] {
        var corrections: [Correction] = []
        return loadEvents(
            in: folder, record, statuses: statuses, otherKind: otherKind, recordKind: recordKind, settings: settings, corrections: &corrections,
            into: &diagnostics)
    }

    /// A record's events, in order (`Event.ordered`), with its corrections applied; the
    /// corrections themselves go to `corrections`.
    func loadEvents(
        in folder: String, _ record: RecordFolder, statuses: [String], otherKind: [String], recordKind: String, settings: SiteSettings,
        corrections: inout [Correction], into diagnostics: inout [Diagnostic]
    ) -> [Event] {
        let mainName = recordKind == "incident" ? "incident.md" : "maintenance.md"
        var events: [Event] = []
        var severity: Severity?
        var cancelled = false
        var correction: (action: Correction.Action, target: String, components: [Event.ComponentChange]?)?
        for entry in record.markdown where entry.name != mainName {
            let fileName = entry.name
            let path = folder + "/" + fileName
            guard let file = frontMatter(entry.bytes, path: path, into: &diagnostics) else { continue }
            let fields = YAMLFields(yaml: file.yaml, path: path, lineOffset: 1)
            guard fields.isValid else {
                diagnostics += fields.problems
                continue
            }
            let at = fields.time("at", required: true)
            var seq = 0
            if let value = fields.int("seq") {
                if value >= 0 {
                    seq = value
                } else {
                    fields.error(fields.line("seq"), "seq \(value) is negative (expected the posting sequence, 0 or more, e.g. seq: 3)")
                }
            }
            let by = fields.string("by")
            let kindText = fields.string("kind") ?? (fields.has("status") ? "update" : nil)
            var kind: Event.Kind?
            severity = nil
            cancelled = false
            correction = nil
            switch kindText {
            case "update":
                if let status = fields.string("status", required: true) {
                    if statuses.contains(status) {
                        kind = .update(status: status, components: componentChanges(fields, settings: settings))
                    } else if otherKind.contains(status) {
                        fields.error(fields.line("status"), "'\(status)' is not a \(recordKind) status (expected \(expected(statuses)))")
                    } else {
                        fields.error(fields.line("status"), "unknown status '\(status)' (expected \(expected(statuses)))\(didYouMean(status, in: statuses))")
                    }
                }
                if let text = fields.string("severity") {
                    if recordKind != "incident" {
                        fields.error(fields.line("severity"), "a maintenance update has no severity (expected no 'severity:')")
                    } else if let value = Severity(rawValue: text) {
                        severity = value
                    } else {
                        fields.error(
                            fields.line("severity"),
                            "unknown severity '\(text)' (expected \(expected(Severity.allCases.map(\.rawValue))))\(didYouMean(text, in: Severity.allCases.map(\.rawValue)))"
                        )
                    }
                }
                if let value = fields.bool("cancelled"), value {
                    if recordKind != "maintenance" || fields.string("status") != MaintenanceStatus.completed.rawValue {
                        fields.error(fields.line("cancelled"), "only a maintenance update with status completed can be cancelled (expected status: completed)")
                    } else {
                        cancelled = true
                    }
                }
                if file.body.allSatisfy(\.isWhitespace) {
                    fields.error(file.bodyLine, "public update has no message (expected the text below the front matter)")
                }
            case Event.followUp:
                if recordKind != "incident" {
                    fields.error(fields.line("kind"), "follow-ups are for incidents (expected kind: update, note or role)")
                }
                kind = .update(status: Event.followUp, components: [])
                if file.body.allSatisfy(\.isWhitespace) {
                    fields.error(file.bodyLine, "follow-up has no message (expected the text below the front matter)")
                }
            case "edit", "retract":
                let action: Correction.Action = kindText == "edit" ? .edit : .retract
                if let target = fields.string("target", required: true) {
                    let changes = action == .edit && fields.has("components") ? componentChanges(fields, settings: settings) : nil
                    if action == .retract && fields.has("components") {
                        fields.error(fields.line("components"), "a retraction has no components (expected kind: edit to change them)")
                    }
                    if action == .edit && changes == nil && file.body.allSatisfy(\.isWhitespace) {
                        fields.error(file.bodyLine, "edit changes nothing (expected a new message below the front matter, or components:)")
                    }
                    correction = (action, target, changes)
                }
            case "note":
                var milestone: Milestone?
                if let text = fields.string("milestone") {
                    milestone = Milestone(rawValue: text)
                    if milestone == nil {
                        fields.error(fields.line("milestone"), "unknown milestone '\(text)' (expected \(expected(Milestone.allCases.map(\.rawValue))))")
                    }
                }
                kind = .note(milestone: milestone)
            case "role":
                let role = fields.string("role", required: true)
                let person = fields.string("person", required: true)
                if let role, !settings.roles.contains(role) {
                    fields.error(fields.line("role"), "unknown role '\(role)' (expected \(expected(settings.roles)))")
                }
                if let role, let person { kind = .role(role: role, person: person) }
            case nil:
                fields.error(1, "event has neither 'status:' (a public update) nor 'kind:' (note or role)")
            case let other?:
                let kinds = ["update", "note", "role", Event.followUp, "edit", "retract"]
                fields.error(fields.line("kind"), "unknown kind '\(other)' (expected \(expected(kinds)))\(didYouMean(other, in: kinds))")
            }
            for key in ["severity", "cancelled"] where fields.has(key) && kindText != "update" {
                fields.error(fields.line(key), "'\(key)' belongs to a public update (expected status:)")
            }
            if fields.has("target") && correction == nil && kindText != "edit" && kindText != "retract" {
                fields.error(fields.line("target"), "'target' belongs to a correction (expected kind: edit or kind: retract)")
            }
            fields.rejectUnknownKeys(expected: Self.eventFields)
            diagnostics += fields.problems
            if let at, !fields.problems.hasErrors {
                if let kind {
                    events.append(
                        Event(
                            fileName: fileName, at: at, seq: seq, by: by, kind: kind, body: file.body, bodyLine: file.bodyLine, severity: severity,
                            cancelled: cancelled))
                } else if let correction {
                    var made = Correction(
                        action: correction.action, fileName: fileName, at: at, seq: seq, by: by, target: correction.target,
                        components: correction.components, body: file.body, bodyLine: file.bodyLine)
                    made.targetLine = fields.line("target")
                    corrections.append(made)
                }
            }
        }
        events.sort(by: Event.ordered)
        corrections.sort(by: Correction.ordered)
        return Self.apply(corrections, to: events, folder: folder, into: &diagnostics)
    }

    /// Applies edits and retractions, oldest first, to the updates they name: an edit replaces the
    /// message (when it has one) and the component statuses (when it has `components:`) and marks
    /// the update edited; a retraction removes it. A correction that names no public update of
    /// the record is an error at its `target:` line.
    static func apply(_ corrections: [Correction], to events: [Event], folder: String, into diagnostics: inout [Diagnostic]) -> [Event] {
        guard !corrections.isEmpty else { return events }
        var events = events
        var retracted: Set<String> = []
        for correction in corrections {
            guard let index = events.firstIndex(where: { $0.fileName == correction.target }), events[index].isPublic else {
                let corrected = Set(corrections.map(\.fileName))
                let why =
                    corrected.contains(correction.target)
                    ? "a correction cannot be corrected"
                    : events.contains { $0.fileName == correction.target } ? "only public updates can be corrected" : "no such event in this folder"
                diagnostics.append(
                    .error(
                        folder + "/" + correction.fileName, correction.targetLine,
                        "\(correction.action.rawValue) target '\(correction.target)': \(why) (expected the file name of a public update of this record)"))
                continue
            }
            switch correction.action {
            case .retract:
                retracted.insert(correction.target)
            case .edit:
                if !correction.body.allSatisfy(\.isWhitespace) {
                    events[index].body = correction.body
                    events[index].bodyLine = correction.bodyLine
                    events[index].bodyFileName = correction.fileName
                }
                if let changes = correction.components, case .update(let status, _) = events[index].kind {
                    events[index].kind = .update(status: status, components: changes)
                }
                events[index].editedAt = correction.at
            }
        }
        return retracted.isEmpty ? events : events.filter { !retracted.contains($0.fileName) }
    }

    func loadPostmortem(_ path: String, incidents: Set<String>) -> (Postmortem?, [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        let stem = String(path.dropFirst("content/postmortems/".count).dropLast(3))
        guard let file = readFrontMatter(path, missing: "", into: &diagnostics) else { return (nil, diagnostics) }
        let fields = YAMLFields(yaml: file.yaml, path: path, lineOffset: 1)
        let incident = fields.string("incident") ?? stem
        if incident != stem {
            fields.error(fields.line("incident"), "incident '\(incident)' does not match the file name (expected '\(stem)')")
        } else if !incidents.contains(incident) {
            let guess = closest(incident, in: Array(incidents)).map { "; did you mean '\($0)'?" } ?? ""
            fields.error(fields.line("incident"), "postmortem for unknown incident '\(incident)'\(guess)")
        }
        var status = PostmortemStatus.draft
        if let text = fields.string("status", required: true) {
            if let value = PostmortemStatus(rawValue: text) {
                status = value
            } else {
                fields.error(fields.line("status"), "unknown postmortem status '\(text)' (expected \(expected(PostmortemStatus.allCases.map(\.rawValue))))")
            }
        }
        var published: Timestamp?
        if let text = fields.string("published") {
            published = Timestamp.parse(date: text) ?? (try? Timestamp.parse(rfc3339: text))
            if published == nil {
                fields.error(fields.line("published"), "published '\(text)' is not a date (expected YYYY-MM-DD)")
            }
        }
        let summary = fields.string("summary") ?? ""
        let authors = fields.strings("authors") ?? []
        var timeline: [Postmortem.TimelineEntry] = []
        for entry in fields.mappings("timeline") ?? [] {
            let at = entry.time("at", required: true)
            let text = entry.string("text", required: true)
            var milestone: Milestone?
            if let m = entry.string("milestone") {
                milestone = Milestone(rawValue: m)
                if milestone == nil {
                    entry.error(entry.line("milestone"), "unknown milestone '\(m)' (expected \(expected(Milestone.allCases.map(\.rawValue))))")
                }
            }
            entry.rejectUnknownKeys(expected: ["at", "text", "milestone"])
            fields.absorb(entry)
            if let at, let text { timeline.append(.init(at: at, text: text, milestone: milestone, line: entry.rootLine)) }
        }
        var actions: [Postmortem.ActionItem] = []
        for entry in fields.mappings("action_items") ?? [] {
            let title = entry.string("title", required: true)
            var type = Postmortem.ActionType.prevent
            if let t = entry.string("type", required: true) {
                if let value = Postmortem.ActionType(rawValue: t) {
                    type = value
                } else {
                    entry.error(entry.line("type"), "unknown action item type '\(t)' (expected \(expected(Postmortem.ActionType.allCases.map(\.rawValue))))")
                }
            }
            var itemStatus = Postmortem.ActionStatus.open
            if let s = entry.string("status") {
                if let value = Postmortem.ActionStatus(rawValue: s) {
                    itemStatus = value
                } else {
                    entry.error(
                        entry.line("status"), "unknown action item status '\(s)' (expected \(expected(Postmortem.ActionStatus.allCases.map(\.rawValue))))")
                }
            }
            let owner = entry.string("owner")
            var link = entry.string("link")
            if let text = link, let problem = InputRules.linkProblem(text) {
                entry.error(entry.line("link"), "link \(InputRules.quoted(text)) \(problem)")
                link = nil
            }
            entry.rejectUnknownKeys(expected: ["title", "type", "owner", "status", "link"])
            fields.absorb(entry)
            if let title { actions.append(.init(title: title, type: type, owner: owner, status: itemStatus, link: link)) }
        }
        fields.rejectUnknownKeys(expected: ["incident", "status", "published", "summary", "authors", "timeline", "action_items", "title"])
        diagnostics += fields.problems
        if let problem = ForeignFrontMatter.problem(in: file.body, path: path, bodyLine: file.bodyLine) { diagnostics.append(problem) }
        guard !diagnostics.hasErrors else { return (nil, diagnostics) }
        return (
            Postmortem(
                incidentID: incident, path: path, status: status, published: published, summary: summary, authors: authors, timeline: timeline,
                actionItems: actions, body: file.body, bodyLine: file.bodyLine), diagnostics
        )
    }
}
