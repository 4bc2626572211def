import Foundation
import HeraldMarkdown

/// Replaces people's names with the roles they held, so that no name from people.yml reaches a
/// public page. Records keep real names; only rendering goes through here.
public struct Redactor: Sendable {
    struct Needle: Sendable {
        var text: String
        var person: Int
        var caseInsensitive: Bool
    }

    public let people: [Person]
    public let support: String
    let needles: [Needle]

    public init(people: [Person], support: String) {
        self.people = people
        self.support = support
        var needles: [Needle] = []
        for (index, person) in people.enumerated() {
            needles.append(Needle(text: person.name, person: index, caseInsensitive: false))
            for alias in person.aliases {
                needles.append(Needle(text: alias, person: index, caseInsensitive: alias.contains("@")))
            }
        }
        // Longest first, so "Priya Raman" wins over "Priya".
        self.needles = needles.filter { !$0.text.isEmpty }.sorted { $0.text.count > $1.text.count }
        // Any "@" may be a handle or an e-mail address to redact, so texts with one always go through.
        self.precheck = NeedleSet(self.needles.map(\.text) + ["@"])
    }

    let precheck: NeedleSet

    /// False when `text` certainly holds nothing to redact: most texts, found in one fast pass.
    public func mightRedact(_ text: String) -> Bool { precheck.occurs(in: text) }

    /// Index in `people` of the person called `name` (by name or alias), if any.
    public func person(named name: String) -> Int? {
        for needle in needles where needle.caseInsensitive ? needle.text.lowercased() == name.lowercased() : needle.text == name {
            return needle.person
        }
        return nil
    }

    /// A redactor for one record: people are shown by the role they held in it.
    public func forRecord(roles: [(role: String, person: String, since: Timestamp?)]) -> RecordRedactor {
        RecordRedactor(base: self, roles: roles)
    }
}

/// Redaction within one incident (or postmortem): names become "the incident lead" or
/// "Responder N", numbered by first appearance and stable within one page.
public final class RecordRedactor: MarkdownRewriter, @unchecked Sendable {
    let base: Redactor
    var labels: [Int: String] = [:]
    var responders = 0
    let lock = NSLock()

    init(base: Redactor, roles: [(role: String, person: String, since: Timestamp?)]) {
        self.base = base
        var byPerson: [Int: [String]] = [:]
        for entry in roles {
            guard let index = base.person(named: entry.person) else { continue }
            let label = "the " + entry.role.replacingOccurrences(of: "-", with: " ")
            if !(byPerson[index] ?? []).contains(label) { byPerson[index, default: []].append(label) }
        }
        for (index, roleLabels) in byPerson { labels[index] = roleLabels.joined(separator: " and ") }
    }

    /// The public label of a person (by name or alias); unknown names are shown as given.
    public func label(for name: String) -> String {
        guard let index = base.person(named: name) else { return redact(name) }
        return label(index)
    }

    func label(_ index: Int) -> String {
        lock.lock()
        defer { lock.unlock() }
        if let label = labels[index] { return label }
        responders += 1
        let label = "Responder \(responders)"
        labels[index] = label
        return label
    }

    /// `text` with every name and alias replaced, whole words only, longest match first.
    public func redact(_ text: String) -> String {
        guard !base.needles.isEmpty, !text.isEmpty else { return text }
        var result = text
        for needle in base.needles {
            var searchStart = result.startIndex
            while let range = result.range(of: needle.text, options: needle.caseInsensitive ? [.caseInsensitive] : [], range: searchStart..<result.endIndex) {
                if isWordBoundary(result, range) {
                    let replacement = label(needle.person)
                    result.replaceSubrange(range, with: replacement)
                    searchStart = result.index(range.lowerBound, offsetBy: replacement.count, limitedBy: result.endIndex) ?? result.endIndex
                } else {
                    searchStart = range.upperBound
                }
                if searchStart >= result.endIndex { break }
            }
        }
        return result
    }

    func isWordBoundary(_ text: String, _ range: Range<String.Index>) -> Bool {
        if range.lowerBound > text.startIndex {
            let before = text[text.index(before: range.lowerBound)]
            if before.isLetter || before.isNumber { return false }
        }
        if range.upperBound < text.endIndex {
            let after = text[range.upperBound]
            if after.isLetter || after.isNumber { return false }
        }
        return true
    }

    public func rewriteText(_ text: String) -> String { redact(text) }

    public func rewriteDestination(_ url: String) -> String? {
        let redacted = redact(url)
        return redacted == url ? url : nil
    }
}
