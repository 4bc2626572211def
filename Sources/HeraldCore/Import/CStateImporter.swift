import Foundation

/// `herald import cstate DIR`: a cState (Hugo) status site — `config.yml`'s `params.systems` and
/// `params.categories`, and `content/issues/*.md` (front matter `title`, `date`, `resolved`,
/// `resolvedWhen`, `severity`, `affected`, `section`; a body of `*Status* - text` updates, newest
/// first, each timed by `{{< track "YYYY-MM-DD HH:MM:SS" >}}` or `*(HH:MM UTC)*`).
package struct CStateImporter {
    package var layout: SiteLayout
    package var settings: SiteSettings

    package init(layout: SiteLayout, settings: SiteSettings) {
        self.layout = layout
        self.settings = settings
    }

    static let severities = ["down": "critical", "disrupted": "major", "notice": "minor"]
    static let statusWords = ["investigating": "investigating", "identified": "identified", "monitoring": "monitoring", "resolved": "resolved"]

    struct System {
        var name: String
        var category: String?
        var description: String?
    }

    package func plan(site: URL, shown: String) throws -> ImportPlan {
        var problems = ImportProblems()
        let display = { (name: String) in shown.hasSuffix("/") ? shown + name : shown + "/" + name }

        // config.yml (or config.yaml): the systems and their categories.
        var systems: [System] = []
        let configName = ["config.yml", "config.yaml", "hugo.yml", "hugo.yaml"].first {
            FileManager.default.fileExists(atPath: site.appendingPathComponent($0).path)
        }
        if let configName, let bytes = ImportFiles.read(site.appendingPathComponent(configName), shown: display(configName), problems: &problems) {
            let path = display(configName)
            switch YAMLValue.parse(String(decoding: bytes, as: UTF8.self)) {
            case .failure(let error): problems.error(path, line: error.line, error.message)
            case .success(let root):
                if let zone = root?["timeZone"] ?? root?["timezone"], case .scalar(let value, _, let line) = zone, !["UTC", "Etc/UTC", "GMT"].contains(value) {
                    problems.error(
                        path, line: line,
                        "timeZone '\(value)': times without an offset would be in that zone, which Herald cannot convert (expected UTC; give the issues' times with an offset)"
                    )
                }
                if case .sequence(let list, _)? = root?["params"]?["systems"] {
                    for item in list {
                        switch item {
                        case .scalar(let name, _, _): systems.append(System(name: name))
                        case .mapping:
                            guard case .scalar(let name, _, _)? = item["name"] else {
                                problems.error(path, line: item.line, "a system needs a 'name'")
                                continue
                            }
                            var category: String?
                            if case .scalar(let c, _, _)? = item["category"] { category = c }
                            var description: String?
                            if case .scalar(let d, _, _)? = item["description"] { description = d }
                            systems.append(System(name: name, category: category, description: description))
                        default: problems.error(path, line: item.line, "a system must be a name or a mapping with 'name:'")
                        }
                    }
                }
            }
        }

        // The issues.
        let issuesFolder = site.appendingPathComponent("content/issues", isDirectory: true)
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: issuesFolder.path)) ?? []).filter {
            $0.hasSuffix(".md") && !$0.hasPrefix(".") && !$0.hasPrefix("_") && $0.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F }
        }.sorted()
        if names.isEmpty && configName == nil {
            throw HeraldError("\(shown): not a cState site (expected config.yml and content/issues/*.md)")
        }
        struct Issue {
            var file: String
            var title: String
            var severity: String
            var affected: [String]
            var date: ImportTime
            var updates: [(at: ImportTime, status: String, body: String)]
        }
        var issues: [Issue] = []
        for name in names {
            let path = display("content/issues/" + name)
            guard let bytes = ImportFiles.read(issuesFolder.appendingPathComponent(name), shown: path, problems: &problems) else { continue }
            guard let text = String(validating: bytes, as: UTF8.self) else {
                problems.error(path, line: 0, "file is not UTF-8 text")
                continue
            }
            let file: FrontMatterFile
            switch FrontMatterFile.split(text, path: path) {
            case .success(let f): file = f
            case .failure(let d):
                problems.diagnostics.append(d)
                continue
            }
            let fields: YAMLValue
            switch YAMLValue.parse(file.yaml) {
            case .failure(let error):
                problems.error(path, line: error.line + 1, error.message)
                continue
            case .success(let value):
                guard let value else {
                    problems.error(path, line: 1, "empty front matter (expected title, date, severity, affected)")
                    continue
                }
                fields = value
            }
            func scalar(_ key: String) -> (String, Int)? {
                if case .scalar(let v, _, let line)? = fields[key] { return (v, line + 1) }
                return nil
            }
            let before = problems.diagnostics.count
            if let section = scalar("section"), section.0 != "issue" { continue }  // cState's other sections are not incidents
            let title = scalar("title")
            if title == nil || title!.0.trimmingCharacters(in: .whitespaces).isEmpty { problems.error(path, line: 1, "missing 'title'") }
            var date: ImportTime?
            if let d = scalar("date") {
                date = Self.time(d.0)
                if date == nil { problems.error(path, line: d.1, "date '\(d.0)' is not a time (expected YYYY-MM-DD HH:MM:SS in UTC, or RFC 3339)") }
            } else {
                problems.error(path, line: 1, "missing 'date'")
            }
            var severity = "minor"
            if let s = scalar("severity") {
                if let mapped = Self.severities[s.0] {
                    severity = mapped
                } else {
                    problems.error(path, line: s.1, "unknown severity '\(s.0)' (expected down, disrupted, notice)")
                }
            }
            var resolved = false
            if let r = scalar("resolved") {
                switch r.0 {
                case "true", "True", "yes": resolved = true
                case "false", "False", "no": resolved = false
                default: problems.error(path, line: r.1, "resolved '\(r.0)' is not true or false")
                }
            }
            var resolvedWhen: ImportTime?
            if let r = scalar("resolvedWhen") {
                resolvedWhen = Self.time(r.0)
                if resolvedWhen == nil {
                    problems.error(path, line: r.1, "resolvedWhen '\(r.0)' is not a time (expected YYYY-MM-DD HH:MM:SS in UTC, or RFC 3339)")
                }
            }
            var affected: [String] = []
            switch fields["affected"] {
            case .sequence(let list, _)?: affected = list.compactMap { if case .scalar(let v, _, _) = $0 { v } else { nil } }
            case .scalar(let v, _, _)?: affected = [v]
            default: break
            }
            guard problems.diagnostics.count == before, let title, let date else { continue }
            var updates = Self.updates(file.body, start: date, bodyLine: file.bodyLine, path: path, problems: &problems)
            if updates.isEmpty {
                let body = file.body.trimmingCharacters(in: .whitespacesAndNewlines)
                updates = [(date, "investigating", body.isEmpty ? title.0 : body)]
            }
            if resolved, updates.last?.status != "resolved" {
                let at = max(resolvedWhen ?? updates.last!.at, updates.last!.at)
                updates.append((at, "resolved", settings.messages["resolved"] ?? ContentLoader.defaultMessages["resolved"]!))
            }
            issues.append(Issue(file: name, title: title.0, severity: severity, affected: affected, date: date, updates: updates))
        }
        try problems.throwIfAny()

        // Components: systems named in config.yml and in the issues, matched by name.
        var plan = ImportPlan(ledgerName: "cstate")
        let ledger = try ImportLedger.read(layout: layout, name: "cstate")
        var idByName: [String: String] = [:]
        var taken = Set(settings.components.map(\.id))
        func component(_ name: String, category: String?, description: String?) {
            guard idByName[name] == nil else { return }
            if let same = settings.components.first(where: { $0.name == name }) {
                idByName[name] = same.id
                return
            }
            let id = RecordID.unique(ImportFiles.slug(name)) { taken.contains($0) }
            taken.insert(id)
            idByName[name] = id
            plan.components.append(.init(id: id, name: name, group: category, description: description))
        }
        for system in systems { component(system.name, category: system.category, description: system.description) }
        for issue in issues { for name in issue.affected { component(name, category: nil, description: nil) } }

        let loader = ContentLoader(layout: layout)
        var ids = RecordIDAllocator(existing: loader.recordIDs("incidents") + loader.recordIDs("maintenance"))
        for issue in issues {
            let key = "issue:" + issue.file
            if ledger.entries[key] != nil {
                plan.alreadyImported += 1
                continue
            }
            let id = ids.make(date: issue.date.timestamp, title: issue.title)
            let components = issue.affected.compactMap { idByName[$0] }
            let events = issue.updates.enumerated().map { index, update in
                ImportPlan.PlannedEvent(
                    at: update.at, kind: update.status, first: ("status", update.status), fields: [], body: update.body,
                    source: "update:\(issue.file)#\(index + 1)")
            }
            var fields: [(String, String)] = [
                ("title", RecordWriter.yamlScalar(issue.title)), ("severity", issue.severity), ("components", RecordWriter.yamlFlowList(components))
            ]
            if let first = events.first, issue.date < first.at { fields.append(("impact_started", issue.date.rfc3339)) }
            plan.records.append(.init(kind: .incident, id: id, source: key, fields: fields, summary: "", events: events))
        }
        return plan
    }

    /// cState's times: `2018-05-25 04:13:00` (UTC, as Hugo reads it without a time zone), a date
    /// alone, or RFC 3339 with an offset.
    static func time(_ text: String) -> ImportTime? {
        let t = text.trimmingCharacters(in: .whitespaces)
        if let exact = ImportTime.parse(t) { return exact }
        if let withZone = ImportTime.parse(t.replacingOccurrences(of: " ", with: "T") + "Z") { return withZone }
        if t.count == 16, let withSeconds = ImportTime.parse(t.replacingOccurrences(of: " ", with: "T") + ":00Z") { return withSeconds }
        if let day = Timestamp.parse(date: t) { return ImportTime(day) }
        return nil
    }

    /// The updates of an issue's body, oldest first. Each paragraph that starts with `*Word* -`
    /// begins an update; its time is the `{{< track "…" >}}` in it, else an `*(HH:MM UTC)*` marker
    /// on the issue's date (the next day when that would go back in time), else the issue's date.
    static func updates(_ body: String, start: ImportTime, bodyLine: Int, path: String, problems: inout ImportProblems) -> [(
        at: ImportTime, status: String, body: String
    )] {
        let lines = body.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var blocks: [(word: String, text: [String], line: Int)] = []
        for (index, line) in lines.enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("*"), !trimmed.hasPrefix("**"), let close = trimmed.dropFirst().firstIndex(of: "*") {
                let word = String(trimmed[trimmed.index(after: trimmed.startIndex)..<close])
                let after = trimmed[trimmed.index(after: close)...].trimmingCharacters(in: .whitespaces)
                if !word.isEmpty, !word.hasPrefix("("), after.hasPrefix("-") || after.hasPrefix("—") || after.hasPrefix("–") {
                    blocks.append((word, [String(after.dropFirst()).trimmingCharacters(in: .whitespaces)], bodyLine + index))
                    continue
                }
            }
            if !blocks.isEmpty { blocks[blocks.count - 1].text.append(line) }
        }
        // cState lists the newest first.
        var result: [(at: ImportTime, status: String, body: String)] = []
        var status = "investigating"
        var previous = start
        for block in blocks.reversed() {
            var text = block.text.joined(separator: "\n")
            var at: ImportTime?
            if let range = text.range(of: #"\{\{<\s*track\s+"([^"]*)"\s*>\}\}"#, options: .regularExpression) {
                let inner = text[range].split(separator: "\"").dropFirst().first.map(String.init) ?? ""
                at = time(inner)
                if at == nil { problems.error(path, line: block.line, "track time '\(inner)' is not a time (expected YYYY-MM-DD HH:MM:SS)") }
                text.removeSubrange(range)
            } else if let range = text.range(of: #"\*\((\d{1,2}):(\d{2}) UTC\)\*"#, options: .regularExpression) {
                let digits = text[range].dropFirst(2).prefix { $0 != " " }.split(separator: ":").compactMap { Int($0) }
                if digits.count == 2, digits[0] < 24, digits[1] < 60 {
                    var t = ImportTime(seconds: start.timestamp.startOfDay.seconds + Int64(digits[0] * 3600 + digits[1] * 60), milliseconds: 0)
                    while t < previous { t.seconds += 86_400 }
                    at = t
                } else {
                    problems.error(path, line: block.line, "'\(text[range])' is not a time of day (expected *(HH:MM UTC)*)")
                }
                text.removeSubrange(range)
            }
            if let word = statusWords[block.word.lowercased()] { status = word }
            let when = at ?? previous
            previous = max(previous, when)
            let body = text.trimmingCharacters(in: .whitespacesAndNewlines)
            result.append((when, status, body.isEmpty ? block.word : body))
        }
        return result
    }
}
