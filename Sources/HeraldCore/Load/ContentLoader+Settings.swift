import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension ContentLoader {
    // MARK: - site.yml and people.yml

    func loadSettings(into diagnostics: inout [Diagnostic]) -> SiteSettings? {
        let path = "content/site.yml"
        guard let text = readText(path, into: &diagnostics).flatMap({ yamlFileText($0, path: path, into: &diagnostics) }) else { return nil }
        let fields = YAMLFields(yaml: text, path: path, lineOffset: 0)
        defer { diagnostics += fields.problems }
        guard fields.isValid else { return nil }

        let title = fields.string("title", required: true) ?? ""
        var baseURL = fields.string("base_url", required: true) ?? "https://status.example.com/"
        if InputRules.baseURLProblem(baseURL) == nil {
            if !baseURL.hasSuffix("/") { baseURL += "/" }
        } else if fields.has("base_url") {
            let problem = InputRules.baseURLProblem(baseURL) ?? ""
            fields.error(
                fields.line("base_url"),
                "base_url \(InputRules.quoted(baseURL)) must be an absolute http(s) URL, e.g. https://status.example.com/ (it \(problem))")
            baseURL = "https://status.example.com/"
        }
        var support = fields.string("support", required: true) ?? ""
        if !support.isEmpty, let problem = InputRules.emailProblem(support) {
            fields.error(
                fields.line("support"),
                "support \(InputRules.quoted(support)) \(problem) (expected the public support e-mail address, e.g. support@example.com)")
            support = ""
        }
        var staleAfter: Int64 = 30 * 60
        if let text = fields.string("stale_after") {
            if let seconds = DurationText.parse(text), seconds > 0, seconds <= InputRules.maxDuration {
                staleAfter = seconds
            } else if DurationText.parse(text) != nil || DurationText.overflows(text) {
                fields.error(fields.line("stale_after"), "stale_after '\(text)' is out of range (expected a duration from 1s to 36600d, e.g. 30m)")
            } else {
                fields.error(fields.line("stale_after"), "stale_after '\(text)' is not a duration (expected e.g. 30m, 1h, 45m)")
            }
        }
        let description = fields.string("description")

        var components: [Component] = []
        var groups: [ComponentGroup] = []
        var seen: Set<String> = []
        for (index, entry) in (fields.mappings("components") ?? []).enumerated() {
            let line = entry.rootLine
            let id = entry.string("id", required: true) ?? ""
            let name = entry.string("name") ?? id
            let group = entry.string("group")
            let componentDescription = entry.string("description")
            entry.rejectUnknownKeys(expected: ["id", "name", "group", "description"])
            fields.absorb(entry)
            if id.isEmpty { continue }
            if !Self.isComponentID(id) {
                fields.error(line, "component id '\(id)' may only hold lowercase a-z, 0-9, '-' and '_'")
                continue
            }
            if !seen.insert(id).inserted {
                fields.error(line, "component id '\(id)' is used twice")
                continue
            }
            components.append(Component(id: id, name: name, group: group, description: componentDescription, position: index + 1))
            if let group {
                if let at = groups.firstIndex(where: { $0.name == group }) {
                    groups[at].componentIDs.append(id)
                } else {
                    groups.append(ComponentGroup(name: group, componentIDs: [id]))
                }
            }
        }
        if components.isEmpty, !fields.problems.hasErrors {
            fields.error(fields.line("components"), "site.yml lists no components (expected at least one under 'components:')")
        }

        var roles = fields.strings("roles") ?? []
        for builtIn in ["incident-lead", "messenger", "responder"] where !roles.contains(builtIn) {
            roles.append(builtIn)
        }
        var messages = Self.defaultMessages
        for pair in fields.pairs("messages") ?? [] {
            let known = IncidentStatus.allCases.map(\.rawValue) + MaintenanceStatus.allCases.map(\.rawValue)
            if !known.contains(pair.key) {
                fields.error(pair.line, "unknown message '\(pair.key)' (expected \(expected(known)))")
                continue
            }
            messages[pair.key] = pair.value
        }

        var check = CheckSettings()
        if let section = fields.mapping("check") {
            check.disabled = Set(section.strings("disable") ?? [])
            if let length = section.int("max_update_length", in: 1...1_000_000) { check.maxUpdateLength = length }
            if let days = section.int("postmortem_due_days", in: 0...36_500) { check.postmortemDueDays = days }
            section.rejectUnknownKeys(expected: ["disable", "max_update_length", "postmortem_due_days"])
            fields.absorb(section)
        }
        let publicAddresses = fields.strings("public_addresses") ?? []
        fields.rejectUnknownKeys(expected: [
            "title", "base_url", "support", "stale_after", "description", "components", "roles", "messages", "check", "public_addresses",
            "notify", "publish"  // read by NotifySettings (herald notify, publish, check)
        ])
        var settings = SiteSettings(
            title: title, baseURL: baseURL, support: support, staleAfter: staleAfter, description: description,
            components: components, groups: groups, roles: roles, messages: messages, check: check)
        settings.publicAddresses = publicAddresses
        return settings
    }

    static func isComponentID(_ id: String) -> Bool {
        !id.isEmpty && id.count <= 64
            && id.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 || $0 == 95 }
    }

    /// Used when site.yml names no canned text for a status.
    package static let defaultMessages: [String: String] = [
        "investigating":
            "We are aware of an issue affecting {components} and are investigating. If you need help, contact {support}.",
        "identified": "We have identified the cause of the issue affecting {components} and are working on a fix.",
        "monitoring": "A fix has been applied to {components}. We are monitoring the results.",
        "resolved": "This incident has been resolved.",
        "scheduled": "Maintenance of {components} is scheduled.",
        "in_progress": "Scheduled maintenance of {components} is in progress.",
        "verifying": "Maintenance of {components} is complete; we are verifying the results.",
        "completed": "The scheduled maintenance has been completed."
    ]

    func loadPeople(into diagnostics: inout [Diagnostic]) -> [Person] {
        let path = "content/people.yml"
        guard FileManager.default.fileExists(atPath: absolute(path)) else { return [] }
        guard let text = readText(path, into: &diagnostics).flatMap({ yamlFileText($0, path: path, into: &diagnostics) }) else { return [] }
        let (people, problems) = Self.parsePeople(text, path: path)
        diagnostics += problems
        return people
    }

    /// people.yml's entries. Its problems never quote it: every value in it is private, so an
    /// error names the line and the key only (docs/postmortems.md).
    static func parsePeople(_ text: String, path: String) -> ([Person], [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        let value: YAMLValue
        switch YAMLValue.parse(text) {
        case .success(.some(let parsed)): value = parsed
        case .success(.none): return ([], [])
        case .failure(let error):
            return ([], [.error(path, error.line, PeopleFile.privateMessage(error, text: text))])
        }
        guard case .sequence(let list, _) = value else {
            return ([], [.error(path, value.line, "people.yml must be a list of '- name: …' entries")])
        }
        var people: [Person] = []
        var seen: [String: Int] = [:]
        for item in list {
            guard case .mapping(let map, let line) = item else {
                diagnostics.append(
                    .error(path, item.line, "each person must be a mapping with 'name:' and optional 'aliases:', 'label:', 'public:', 'match_case:'"))
                continue
            }
            var entry = PeopleFile.Entry(line: line)
            for (key, value) in map {
                switch (key, value) {
                case ("name", .scalar(let text, _, _)): entry.name = text
                case ("label", .scalar(let text, _, _)): entry.label = text
                case ("aliases", .sequence(let items, _)):
                    for alias in items {
                        if case .scalar(let text, _, _) = alias {
                            entry.aliases.append(text)
                        } else {
                            diagnostics.append(.error(path, alias.line, "each alias must be one text (expected a name, @handle or e-mail address)"))
                        }
                    }
                case ("aliases", .scalar(let text, _, _)) where text.isEmpty: break
                case ("public", .scalar(let text, _, let line)), ("match_case", .scalar(let text, _, let line)):
                    guard let flag = ["true": true, "false": false, "yes": true, "no": false][text.lowercased()] else {
                        diagnostics.append(.error(path, line, "'\(key)' must be true or false"))
                        continue
                    }
                    if key == "public" { entry.isPublic = flag } else { entry.ignoresCase = !flag }
                case ("name", _), ("label", _), ("aliases", _), ("public", _), ("match_case", _):
                    diagnostics.append(.error(path, value.line, "'\(key)' has the wrong shape (expected \(key == "aliases" ? "a list" : "one value"))"))
                default:
                    let guess = closest(key, in: PeopleFile.keys).map { "; did you mean '\($0)'?" } ?? ""
                    diagnostics.append(.error(path, value.line, "unknown key '\(key)' (expected \(PeopleFile.keys.joined(separator: ", ")))\(guess)"))
                }
            }
            guard let name = entry.name?.trimmingCharacters(in: .whitespacesAndNewlines), !name.isEmpty else {
                diagnostics.append(.error(path, line, "a person has no name (expected 'name:' with the person's full name)"))
                continue
            }
            if let label = entry.label, ReaderText.key(label).isEmpty {
                diagnostics.append(.error(path, line, "'label' is empty (expected a public description such as 'a community member')"))
            }
            for text in [name] + entry.aliases where !text.isEmpty {
                let key = ReaderText.key(text).lowercased()
                if let other = seen[key], other != line {
                    diagnostics.append(
                        Diagnostic(
                            path: path, line: line, severity: .warning,
                            message: "a name or alias here is also listed at line \(other); the first entry's label is used"))
                } else {
                    seen[key] = line
                }
            }
            people.append(
                Person(
                    name: name, aliases: entry.aliases.filter { !$0.isEmpty }, label: entry.label, isPublic: entry.isPublic,
                    ignoresCase: entry.ignoresCase, line: line))
        }
        return (people, diagnostics)
    }

    /// site.yml or people.yml as YAML: without a byte order mark (accepted as in event files),
    /// nil with an error when it holds a git conflict.
    func yamlFileText(_ text: String, path: String, into diagnostics: inout [Diagnostic]) -> String? {
        if let conflict = InputRules.conflictMarker(in: text) {
            diagnostics.append(.error(path, conflict.line, InputRules.conflictMessage(conflict.marker)))
            return nil
        }
        return text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
    }
}
