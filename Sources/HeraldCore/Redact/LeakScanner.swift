import Foundation

/// The last line of defence of blameless publishing: refuses output that contains any name or
/// alias from people.yml, read as a reader sees it (`ReaderText`: any Unicode form, entity,
/// percent-escape, JSON or iCalendar escape). Herald's own words are not names: a month or
/// weekday name that is part of a date ("04 May 2022", "May 2023") is passed over, so a person
/// called May or Jan never makes a site unbuildable, while "May said…" is still caught.
/// Its errors never quote the name: they give the person's line in people.yml.
package struct LeakScanner: Sendable {
    let matcher: NameMatcher
    let people: [Person]

    package init(people: [Person], support: String, publicAddresses: [String] = []) {
        self.people = people
        var entries: [(text: String, owner: Int, ignoresCase: Bool)] = []
        let kept = Set(([support] + publicAddresses).map { $0.lowercased() })
        for (index, person) in people.enumerated() where !person.isPublic {
            for text in [person.name] + person.aliases where !text.isEmpty && !kept.contains(text.lowercased()) {
                entries.append((text, index, person.ignoresCase || text.contains("@")))
            }
        }
        matcher = NameMatcher(entries)
    }

    /// How an output file's text is read: JSON and iCalendar escapes, iCalendar's folded lines.
    static func mode(_ path: String) -> ReaderText.Mode {
        if path.hasSuffix(".ics") { return ReaderText.Mode(backslashEscapes: true, unfoldLines: true) }
        if path.hasSuffix(".json") { return ReaderText.Mode(backslashEscapes: true, unfoldLines: false) }
        return .text
    }

    /// A problem per file that contains a name: `public/x.html:3: error: output contains …`.
    package func scan(_ files: [OutputFile]) -> [Diagnostic] {
        guard !matcher.isEmpty else { return [] }
        let results = parallelMap(files) { file -> [Diagnostic] in
            file.bytes.withUnsafeBufferPointer { h -> [Diagnostic] in
                guard let match = matcher.firstMatch(in: h, mode: Self.mode(file.path)) else { return [] }
                let line = h[0..<match.start].reduce(1) { $1 == 10 ? $0 + 1 : $0 }
                return [Diagnostic(path: file.path, line: line, message: Self.message(people[match.owner]), code: "leak")]
            }
        }
        return results.flatMap { $0 }
    }

    static func message(_ person: Person) -> String {
        "output contains the name or an alias of the person at content/people.yml:\(person.line); it must be shown as a role"
    }
}
