import Foundation

/// Who people.yml knows, for the fields of records that name a person (`by:`, role holders,
/// postmortem `authors`, action-item `owner`s): a name there that people.yml does not list would
/// be published as it is, so the build refuses it (docs/postmortems.md). Also refuses record ids
/// that hold a listed name (ids appear in every URL, the sitemap and the feeds).
///
/// Errors give the file and line, never the name (logs of CI are often public).
package struct KnownPeople: Sendable {
    let keys: Set<String>
    /// Names and aliases exactly as written: most records name people this way (no folding needed).
    let exact: Set<String>
    let idMatcher: NameMatcher
    let people: [Person]

    package init(_ people: [Person]) {
        self.people = people
        var keys: Set<String> = []
        var exact: Set<String> = []
        var entries: [(text: String, owner: Int, ignoresCase: Bool)] = []
        for (index, person) in people.enumerated() {
            for text in [person.name] + person.aliases where !text.isEmpty {
                keys.insert(ReaderText.key(text).lowercased())
                exact.insert(text)
                // In lower-case ids only full names and aliases of several words are looked for:
                // "may" or "mark" in an id is far more often a word than a person.
                if !person.isPublic, text == person.name || ReaderText.key(text).contains(" ") { entries.append((text, index, true)) }
            }
        }
        self.keys = keys
        self.exact = exact
        idMatcher = NameMatcher(entries)
    }

    /// Whether `name` is a name or alias in people.yml (compared as a reader sees it, case ignored).
    package func knows(_ name: String) -> Bool { exact.contains(name) || keys.contains(ReaderText.key(name).lowercased()) }

    static let hint = "add them to content/people.yml (name, and aliases such as @handle), or post with --add-person"

    /// Problems with an incident's people fields and id.
    func problems(_ incident: Incident, root: String) -> [Diagnostic] {
        var found: [Diagnostic] = []
        let folder = "content/incidents/\(incident.id)"
        found += idProblem(incident.id, path: folder)
        for holder in incident.roles where !knows(holder.person) {
            let path = folder + "/incident.md"
            found.append(unknown(path, Self.line(in: root + path, key: holder.role, value: holder.person), field: "roles: \(holder.role)"))
        }
        for event in incident.events {
            let path = "\(folder)/\(event.fileName)"
            if let by = event.by, !knows(by) { found.append(unknown(path, Self.line(in: root + path, key: "by", value: by), field: "by")) }
            if case .role(_, let person) = event.kind, !knows(person) {
                found.append(unknown(path, Self.line(in: root + path, key: "person", value: person), field: "person"))
            }
        }
        return found
    }

    func problems(_ maintenance: Maintenance, root: String) -> [Diagnostic] {
        let folder = "content/maintenance/\(maintenance.id)"
        var found = idProblem(maintenance.id, path: folder)
        for event in maintenance.events {
            let path = "\(folder)/\(event.fileName)"
            if let by = event.by, !knows(by) { found.append(unknown(path, Self.line(in: root + path, key: "by", value: by), field: "by")) }
        }
        return found
    }

    func problems(_ postmortem: Postmortem, root: String) -> [Diagnostic] {
        var found: [Diagnostic] = []
        let path = postmortem.path
        for author in postmortem.authors where !knows(author) {
            found.append(unknown(path, Self.line(in: root + path, key: "authors", value: author), field: "authors"))
        }
        for item in postmortem.actionItems {
            if let owner = item.owner, !knows(owner) {
                found.append(unknown(path, Self.line(in: root + path, key: "owner", value: owner), field: "owner"))
            }
        }
        return found
    }

    func idProblem(_ id: String, path: String) -> [Diagnostic] {
        guard !idMatcher.isEmpty, let match = idMatcher.matches(in: id).first else { return [] }
        return [
            .error(
                path, 0,
                "the id holds the name or an alias of the person at content/people.yml:\(people[match.owner].line); ids appear in every URL, feed and the sitemap (expected an id without names: rename the folder)"
            )
        ]
    }

    func unknown(_ path: String, _ line: Int, field: String) -> Diagnostic {
        Diagnostic(
            path: path, line: line, severity: .error,
            message: "'\(field)' names a person who is not in content/people.yml, so the name would be published (expected a name or alias listed there)",
            hint: Self.hint)
    }

    /// The file line holding `key:` and `value` (else `key:`), or 0. Read only when there is an error.
    static func line(in file: String, key: String, value: String) -> Int {
        guard let bytes = FileBytes.read(file) else { return 0 }
        let lines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        var keyLine = 0
        for (index, line) in lines.enumerated() {
            let hasKey = line.contains(key + ":")
            if hasKey && line.contains(value) { return index + 1 }
            if hasKey && keyLine == 0 { keyLine = index + 1 }
        }
        // A list written over several lines ("authors:" then "- Name").
        if keyLine > 0 {
            for index in keyLine..<lines.count where lines[index].contains(value) { return index + 1 }
        }
        return keyLine
    }
}

extension KnownPeople {
    /// `title` without the names and aliases of people.yml (for ids made from titles): "Priya
    /// Raman laptop" gives "laptop".
    package func withoutNames(_ title: String) -> String {
        var entries: [(text: String, owner: Int, ignoresCase: Bool)] = []
        for (index, person) in people.enumerated() where !person.isPublic {
            for text in [person.name] + person.aliases where !text.isEmpty { entries.append((text, index, person.ignoresCase || text.contains("@"))) }
        }
        let matcher = NameMatcher(entries)
        var out = ""
        var title = title
        title.withUTF8 { h in
            var position = 0
            matcher.forEachMatch(in: h) { match in
                out += String(decoding: h[position..<match.start], as: UTF8.self) + " "
                position = match.end
                return true
            }
            out += String(decoding: h[position...], as: UTF8.self)
        }
        // A possessive left behind ("Priya's laptop" → "'s laptop").
        return out.replacingOccurrences(of: " 's ", with: " ").replacingOccurrences(of: " ’s ", with: " ")
    }
}

extension ContentLoader {
    /// people.yml alone (for the CLI), or an error naming its line, never its contents.
    package func loadPeople() throws -> [Person] {
        var diagnostics: [Diagnostic] = []
        let people = loadPeople(into: &diagnostics)
        if diagnostics.hasErrors { throw DiagnosticsError(diagnostics) }
        return people
    }

    /// Adds a person to people.yml (`--add-person`): the file is written whole, beside it, then
    /// renamed over it, so a reader never sees half of it.
    package func addPerson(_ name: String) throws {
        let path = absolute("content/people.yml")
        var text = FileBytes.read(path).map { String(decoding: $0, as: UTF8.self) } ?? ""
        if !text.isEmpty && !text.hasSuffix("\n") { text += "\n" }
        text += "- name: \(RecordWriter.yamlScalar(name))\n"
        let temporary = path + ".tmp-\(getpid())"
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: temporary))
            guard rename(temporary, path) == 0 else { throw HeraldError("cannot replace content/people.yml") }
        } catch {
            unlink(temporary)
            throw HeraldError("cannot write content/people.yml: \(error)")
        }
    }
}
