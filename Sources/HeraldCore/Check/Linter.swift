import Foundation
import HeraldMarkdown

/// `herald check`: everything `herald build` refuses (errors), plus communication lint (warnings)
/// with stable rule codes. Rules are documented in docs/check.md.
package struct Linter: Sendable {
    package struct Rule: Sendable {
        package var code: String
        package var summary: String
    }

    /// Every warning rule, in the order they are documented.
    package static let rules: [Rule] =
        [
            Rule(code: "stale", summary: "an open incident has had no public update for longer than stale_after"),
            Rule(code: "local-time", summary: "public text assumes the reader's place or time zone instead of UTC"),
            Rule(code: "first-contact", summary: "an incident's first public update does not say how to reach support"),
            Rule(code: "length", summary: "a public update is longer than check.max_update_length"),
            Rule(code: "order", summary: "records' times contradict each other"),
            Rule(code: "blame", summary: "a postmortem judges a person, makes a person the subject of a mistake, or judges with hindsight (counterfactuals)"),
            Rule(code: "missing-postmortem", summary: "a resolved critical or major incident has no published postmortem after check.postmortem_due_days"),
            Rule(
                code: "unredacted",
                summary: "a probable person's name or handle that people.yml does not list appears in public text (it would be published as written)"),
            Rule(code: "remote-image", summary: "a published postmortem shows an image from another host")
        ] + recordRules

    package var layout: SiteLayout
    package var now: Timestamp

    package init(layout: SiteLayout, now: Timestamp) {
        self.layout = layout
        self.now = now
    }

    /// All problems, sorted; suppressed ones removed.
    package func check() -> [Diagnostic] {
        let (content, loaded) = ContentLoader.cached(layout).loadCollectingAndCache()
        var loadProblems = loaded
        // A template that does not parse is refused by `herald build`, so it is an error here too.
        do { _ = try Theme.load(overrides: layout.templates, layout: layout) } catch let error as DiagnosticsError {
            loadProblems += error.diagnostics
        } catch {
            loadProblems.append(.error(layout.relativePath(layout.templates), 0, "\(error)"))
        }
        guard let content else { return loadProblems.sortedForOutput() }
        var found = loadProblems
        let model = SiteAssembler().assemble(content, now: now)
        let settings = content.settings
        // Records are checked in chunks on both cores (10,000 incidents: 2.9 s on one core), each
        // chunk with its own TextRules rather than regular expressions shared between threads.
        let people = content.people
        found += inChunks(model.incidents) { states in
            let text = TextRules(people: people, support: settings.support)
            return states.flatMap { incidentProblems($0, settings: settings, text: text) }
        }
        let text = TextRules(people: people, support: settings.support)
        for state in model.maintenances {
            let folder = "content/maintenance/\(state.id)"
            let mainPath = folder + "/maintenance.md"
            found += futureProblems(state.maintenance.events, folder: folder)
            found += withLine(lineOf("title", in: mainPath)) { text.localTime(state.maintenance.title, path: mainPath, line: $0) }
            found += withLine(bodyLine(mainPath)) { text.localTimeMarkdown(state.maintenance.summary, path: mainPath, bodyLine: $0) }
            for update in state.updates {
                let path = "\(folder)/\(update.messageFileName)"
                found += text.localTimeMarkdown(update.body, path: path, bodyLine: update.bodyLine)
                let length = Markdown.plainText(update.body).count
                if length > settings.check.maxUpdateLength {
                    found.append(
                        warning(path, update.bodyLine, "length", "update is \(length) characters (limit \(settings.check.maxUpdateLength)); keep updates short")
                    )
                }
            }
        }
        let states = Dictionary(uniqueKeysWithValues: model.incidents.map { ($0.id, $0) })
        found += inChunks(content.postmortems) { postmortems in
            let text = TextRules(people: people, support: settings.support)
            var found: [Diagnostic] = []
            for postmortem in postmortems {
                found += text.blame(postmortem.body, path: postmortem.path, bodyLine: postmortem.bodyLine)
                found += withLine(lineOf("summary", in: postmortem.path)) {
                    text.blame(postmortem.summary, path: postmortem.path, bodyLine: $0, markdown: false)
                }
                for entry in postmortem.timeline {
                    found += text.blame(entry.text, path: postmortem.path, bodyLine: entry.line, markdown: false)
                }
                found += text.unredacted(postmortem.body, path: postmortem.path, bodyLine: postmortem.bodyLine)
                found += withLine(lineOf("summary", in: postmortem.path)) {
                    text.unredacted(postmortem.summary, path: postmortem.path, bodyLine: $0, markdown: false)
                }
                for entry in postmortem.timeline {
                    found += text.unredacted(entry.text, path: postmortem.path, bodyLine: entry.line, markdown: false)
                }
                if postmortem.status == .published {
                    // What `herald build` refuses (missing or unsafe files), and images it cannot copy.
                    let assets = PostmortemAssets.resolve(postmortem, layout: layout)
                    found += assets.problems + assets.remoteImages
                }
                if let state = states[postmortem.incidentID] {
                    found += PostmortemFacts(incident: state, postmortem: postmortem).warnings
                }
            }
            return found
        }
        // Events dated in the future: `futureProblems` (Linter+Records), one per event with its line.
        return suppress(found, disabled: settings.check.disabled).sortedForOutput()
    }

    /// One incident's warnings.
    func incidentProblems(_ state: IncidentState, settings: SiteSettings, text: TextRules) -> [Diagnostic] {
        var found: [Diagnostic] = []
        let incident = state.incident
        let folder = "content/incidents/\(incident.id)"
        let mainPath = folder + "/incident.md"
        if state.isStale(at: now, limit: settings.staleAfter) {
            found.append(
                warning(
                    mainPath, 0, "stale",
                    "no public update for \(DurationText.format(now.seconds - state.updatedAt.seconds)) (last \(state.updatedAt.display)); post at least every \(DurationText.format(settings.staleAfter)) while an incident is open, even if nothing changed"
                ))
        }
        found += withLine(lineOf("title", in: mainPath)) { text.localTime(incident.title, path: mainPath, line: $0) }
        found += withLine(bodyLine(mainPath)) { text.localTimeMarkdown(incident.summary, path: mainPath, bodyLine: $0) }
        found += withLine(bodyLine(mainPath)) { text.unredacted(incident.summary, path: mainPath, bodyLine: $0) }
        if let first = state.updates.first, !first.body.lowercased().contains(settings.support.lowercased()) {
            found.append(
                warning(
                    "\(folder)/\(first.messageFileName)", first.bodyLine, "first-contact",
                    "the first public update does not name the support address (\(settings.support)); tell readers how to reach you"))
        }
        for update in state.updates {
            let path = "\(folder)/\(update.messageFileName)"
            found += text.localTimeMarkdown(update.body, path: path, bodyLine: update.bodyLine)
            found += text.unredacted(update.body, path: path, bodyLine: update.bodyLine)
            let length = Markdown.plainText(update.body).count
            if length > settings.check.maxUpdateLength {
                found.append(
                    warning(
                        path, update.bodyLine, "length",
                        "update is \(length) characters (limit \(settings.check.maxUpdateLength)); keep updates short: what is affected, what we know, when the next update comes"
                    ))
            }
        }
        found += orderProblems(state, folder: folder)
        found += futureProblems(incident.events, folder: folder)
        if state.severity != .minor, let resolved = state.resolvedAt, state.postmortem == nil,
            now.seconds - resolved.seconds > Int64(settings.check.postmortemDueDays) * 86_400
        {
            found.append(
                warning(
                    mainPath, 0, "missing-postmortem",
                    "\(state.severity.rawValue) incident resolved \(resolved.date) has no published postmortem after \(settings.check.postmortemDueDays) days (run: herald postmortem new \(incident.id))"
                ))
        }
        return found
    }

    /// `rule`'s findings at the file line `line` gives; the line (which reads the file again) is
    /// only looked up when the rule finds something.
    func withLine(_ line: @autoclosure () -> Int, _ rule: (Int) -> [Diagnostic]) -> [Diagnostic] {
        let found = rule(0)
        return found.isEmpty ? found : rule(line())
    }

    /// `check` applied to `items` in chunks of 256 on both cores; the findings of all chunks.
    func inChunks<T: Sendable>(_ items: [T], _ check: @Sendable (ArraySlice<T>) -> [Diagnostic]) -> [Diagnostic] {
        let chunks = stride(from: 0, to: items.count, by: 256).map { $0..<min($0 + 256, items.count) }
        return parallelMap(chunks) { check(items[$0]) }.flatMap { $0 }
    }

    func warning(_ path: String, _ line: Int, _ code: String, _ message: String) -> Diagnostic {
        Diagnostic(path: path, line: line, severity: .warning, message: message, code: code)
    }

    func orderProblems(_ state: IncidentState, folder: String) -> [Diagnostic] {
        var found: [Diagnostic] = []
        let incident = state.incident
        if let start = incident.impactStarted {
            for event in incident.events where event.at < start && event.milestone != .impactStarted {
                found.append(warning("\(folder)/\(event.fileName)", 3, "order", "event at \(event.at.display) is before impact_started (\(start.display))"))
            }
        }
        var milestones: [(Milestone, Timestamp, String)] = []
        for event in incident.events { if let m = event.milestone { milestones.append((m, event.at, event.fileName)) } }
        let rank: [Milestone: Int] = [.impactStarted: 0, .detected: 1, .acknowledged: 2, .mitigated: 3, .resolved: 4]
        for a in milestones {
            for b in milestones where rank[a.0]! < rank[b.0]! && b.1 < a.1 {
                found.append(warning("\(folder)/\(b.2)", 0, "order", "\(b.0.rawValue) (\(b.1.display)) is before \(a.0.rawValue) (\(a.1.display))"))
            }
        }
        if let first = state.updates.first, first.status == IncidentStatus.resolved.rawValue, state.updates.count > 1 {
            found.append(warning("\(folder)/\(first.fileName)", 0, "order", "the first public update is 'resolved' but later updates follow; check the times"))
        }
        return found
    }

    /// Removes warnings disabled in site.yml or by `<!-- herald-ignore CODE -->` in their file.
    func suppress(_ diagnostics: [Diagnostic], disabled: Set<String>) -> [Diagnostic] {
        var ignoresByPath: [String: Set<String>] = [:]
        return diagnostics.filter { d in
            guard d.severity == .warning else { return true }
            if disabled.contains(d.code) { return false }
            if ignoresByPath[d.path] == nil { ignoresByPath[d.path] = ignores(in: d.path) }
            return !(ignoresByPath[d.path]!.contains(d.code) || ignoresByPath[d.path]!.contains("all"))
        }
    }

    /// Codes named in `<!-- herald-ignore CODE [CODE…] -->` comments of a file.
    func ignores(in path: String) -> Set<String> {
        guard let text = read(path) else { return [] }
        var codes: Set<String> = []
        var rest = Substring(text)
        while let open = rest.range(of: "<!-- herald-ignore") {
            let after = rest[open.upperBound...]
            guard let close = after.range(of: "-->") else { break }
            for word in after[..<close.lowerBound].split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\n" }) {
                codes.insert(String(word))
            }
            rest = after[close.upperBound...]
        }
        return codes
    }

    func read(_ path: String) -> String? {
        FileBytes.read(layout.root.path + "/" + path).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The file line of a front-matter key (`title:`), or 0.
    func lineOf(_ key: String, in path: String) -> Int {
        guard let text = read(path) else { return 0 }
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where line.hasPrefix(key + ":") {
            return index + 1
        }
        return 0
    }

    func bodyLine(_ path: String) -> Int {
        guard let text = read(path), case .success(let file) = FrontMatterFile.split(text, path: path) else { return 0 }
        return file.bodyLine
    }
}

/// The text rules: local times, blame, names that escaped people.yml.
struct TextRules: Sendable {
    let people: [Person]
    let support: String
    let localTimePattern: NSRegularExpression
    let zonePattern: NSRegularExpression
    let personWords: Set<String>
    let knownNames: [String]
    let blameRules: BlameRules
    let forgotten: ForgottenNames

    static let subjectWords: Set<String> = [
        "he", "she", "i", "engineer", "engineers", "operator", "operators", "developer", "developers", "admin", "administrator",
        "on-call", "oncall", "responder", "lead", "someone", "somebody", "person", "employee", "staff", "sre", "messenger", "his", "her"
    ]

    init(people: [Person], support: String) {
        self.people = people
        self.support = support
        localTimePattern = try! NSRegularExpression(
            pattern:
                #"(?<![\p{L}\p{N}])(this morning|this afternoon|this evening|tonight|last night|yesterday|tomorrow|overnight|\d{1,2}(?::\d{2})?\s?(?:am|pm|a\.m\.|p\.m\.)|a\.m\.|p\.m\.)(?![\p{L}\p{N}])"#,
            options: [.caseInsensitive])
        zonePattern = try! NSRegularExpression(
            pattern:
                #"(?<![\p{L}\p{N}])(EST|EDT|CST|CDT|MST|MDT|PST|PDT|AKST|HST|CET|CEST|EET|EEST|WET|WEST|BST|IST|JST|KST|AEST|AEDT|ACST|AWST|NZST|NZDT|GMT)(?![\p{L}\p{N}])"#
        )
        var words = Self.subjectWords
        var names: [String] = []
        for person in people {
            for alias in [person.name] + person.aliases where !alias.isEmpty {
                names.append(alias)
                for part in alias.split(separator: " ") { words.insert(part.lowercased()) }
            }
        }
        personWords = words
        knownNames = names
        blameRules = BlameRules(people: people)
        forgotten = ForgottenNames(people: people)
    }

    func matches(_ regex: NSRegularExpression, _ text: String) -> [(String, NSRange)] {
        regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { ((text as NSString).substring(with: $0.range), $0.range) }
    }

    /// Prose runs of a Markdown body with their file lines.
    func prose(_ markdown: String, bodyLine: Int) -> [(String, Int)] {
        Markdown.prose(markdown).map { ($0.text, bodyLine + $0.line - 1) }
    }

    func localTime(_ text: String, path: String, line: Int) -> [Diagnostic] {
        var found: [Diagnostic] = []
        for (word, _) in matches(localTimePattern, text) + matches(zonePattern, text) {
            found.append(
                Diagnostic(
                    path: path, line: line, severity: .warning,
                    message: "'\(word)' depends on where the reader is; give the time in UTC (e.g. 14:05 UTC) and a date", code: "local-time"))
        }
        return found
    }

    func localTimeMarkdown(_ markdown: String, path: String, bodyLine: Int) -> [Diagnostic] {
        prose(markdown, bodyLine: bodyLine).flatMap { localTime($0.0, path: path, line: $0.1) }
    }

    func blame(_ text: String, path: String, bodyLine: Int, markdown: Bool = true) -> [Diagnostic] {
        let runs = markdown ? prose(text, bodyLine: bodyLine) : [(text, bodyLine)]
        var found: [Diagnostic] = []
        let sourceLines = markdown ? text.split(separator: "\n", omittingEmptySubsequences: false) : []
        for (sentence, line) in runs {
            for finding in blameRules.findings(in: sentence) {
                let (at, column) = markdown ? Self.locate(finding, in: sentence, lines: sourceLines, from: line - bodyLine) : (line, nil)
                found.append(
                    Diagnostic(
                        path: path, line: markdown ? bodyLine + at : at, severity: .warning, message: finding.message, code: "blame", hint: finding.hint,
                        column: column))
            }
        }
        return found
    }

    /// The body line (0-based) and column (1-based) of a finding in a prose run that starts on body
    /// line `start`: the run's text has no markup and its line breaks are spaces, so the phrase's
    /// first word is looked for in the source, counting the times it occurs before it in the run.
    static func locate(_ finding: BlameRules.Finding, in run: String, lines: [Substring], from start: Int) -> (Int, Int?) {
        let ns = run as NSString
        let phrase = finding.phrase
        let word = String(phrase.prefix { $0.isLetter || $0 == "'" || $0 == "’" || $0 == "-" })
        guard !word.isEmpty, start >= 0, start < lines.count else { return (max(start, 0), nil) }
        let before = ns.substring(to: finding.location)
        var skip = before.lowercased().components(separatedBy: word.lowercased()).count - 1
        for index in start..<lines.count {
            var rest = Substring(lines[index])
            while let range = rest.range(of: word, options: .caseInsensitive) {
                if skip == 0 { return (index, lines[index].distance(from: lines[index].startIndex, to: range.lowerBound) + 1) }
                skip -= 1
                rest = rest[range.upperBound...]
            }
            if index > start && lines[index].allSatisfy(\.isWhitespace) { break }  // the paragraph ended
        }
        return (start, nil)
    }

    /// Probable names of people that people.yml does not list (`ForgottenNames`), each once per text.
    func unredacted(_ text: String, path: String, bodyLine: Int, markdown: Bool = true) -> [Diagnostic] {
        var found: [Diagnostic] = []
        var seen: Set<String> = []
        let runs = markdown ? prose(text, bodyLine: bodyLine) : [(text, bodyLine)]
        let sourceLines = markdown ? text.split(separator: "\n", omittingEmptySubsequences: false) : []
        for (sentence, line) in runs {
            for finding in forgotten.findings(in: sentence) where seen.insert(finding.name).inserted {
                let spot = BlameRules.Finding(location: finding.location, length: finding.name.utf16.count, phrase: finding.name, message: "", hint: "")
                let (at, column) = markdown ? Self.locate(spot, in: sentence, lines: sourceLines, from: line - bodyLine) : (line, nil)
                let message =
                    finding.name.hasPrefix("@") || finding.name.hasSuffix("@")
                    ? "handle '\(finding.name)' is not in people.yml; it is removed from public pages, but add it so it is shown as a role"
                    : "'\(finding.name)' looks like a person's name but is not in people.yml, so it would be published as is; add them to people.yml"
                found.append(
                    Diagnostic(
                        path: path, line: markdown ? bodyLine + at : at, severity: .warning, message: message, code: "unredacted",
                        hint:
                            "list them in content/people.yml (with a label such as 'a community member' for outsiders); if it is not a person, add <!-- herald-ignore unredacted --> to the file",
                        column: column))
            }
        }
        return found
    }
}
