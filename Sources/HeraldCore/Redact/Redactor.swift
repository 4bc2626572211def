import Foundation
import HeraldMarkdown

/// Replaces people's names with the roles they held, so that no name from people.yml reaches a
/// public page. Records keep real names; only rendering goes through here.
///
/// Rules (docs/postmortems.md): names are found as a reader sees the text (`ReaderText`: Unicode
/// forms, diacritics and invisible characters folded), whole words only, longest match first
/// ("Priya Raman" before "Priya"); names and plain aliases keep their case (or are all capitals)
/// unless people.yml says `match_case: false`; `@handles` and e-mail addresses ignore case.
/// Unknown `@handles` and e-mail addresses are removed too, except the site's support address,
/// site.yml's `public_addresses` and those of people marked `public: true`. One pass over the
/// text, whatever it holds.
package struct Redactor: Sendable {
    package let people: [Person]
    package let support: String
    /// Every name and alias of people who are not public; owners are indexes in `people`.
    let matcher: NameMatcher
    /// The same, case ignored: for link destinations, where case means nothing to a reader.
    let urlMatcher: NameMatcher
    /// Folded names and aliases (lower case) → person.
    let byKey: [String: Int]
    /// Addresses and handles that stay (lower case).
    let kept: Set<String>

    package init(people: [Person], support: String, publicAddresses: [String] = []) {
        self.people = people
        self.support = support
        var entries: [(text: String, owner: Int, ignoresCase: Bool)] = []
        var byKey: [String: Int] = [:]
        var kept: Set<String> = [support.lowercased()]
        for address in publicAddresses { kept.insert(address.lowercased()) }
        for (index, person) in people.enumerated() {
            for text in [person.name] + person.aliases where !text.isEmpty {
                let key = ReaderText.key(text).lowercased()
                if byKey[key] == nil { byKey[key] = index }
                if person.isPublic {
                    kept.insert(text.lowercased())
                } else {
                    entries.append((text, index, person.ignoresCase || text.contains("@")))
                }
            }
        }
        self.byKey = byKey
        self.kept = kept
        matcher = NameMatcher(entries)
        urlMatcher = NameMatcher(entries.map { ($0.text, $0.owner, true) })
    }

    package init(people: [Person], settings: SiteSettings) {
        self.init(people: people, support: settings.support, publicAddresses: settings.publicAddresses)
    }

    /// False when `text` certainly holds nothing to redact: most texts, found in one fast pass.
    package func mightRedact(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { h in h.contains(64) || matcher.firstMatch(in: h) != nil }
    }

    /// Index in `people` of the person called `name` (by name or alias, as a reader sees it), if any.
    package func person(named name: String) -> Int? {
        byKey[ReaderText.key(name).lowercased()]
    }

    /// A redactor for one record: people are shown by the role they held in it. `roles` are in
    /// time order; `texts` are the record's texts in the order people are numbered (its events in
    /// time order, then its title and summary, then its postmortem's).
    package func forRecord(roles: [(role: String, person: String, since: Timestamp?)], texts: [String] = []) -> RecordRedactor {
        RecordRedactor(base: self, roles: roles, texts: texts)
    }
}

/// Redaction within one record (an incident and its postmortem). Each person gets one label for
/// the whole record, from the records alone, so it never changes when later records arrive:
/// the first role they held ("the incident lead"; a later holder of the same role "the second
/// incident lead"), else their people.yml `label`, else "Responder N", numbered by first
/// appearance in the record's texts in time order (anyone else: "a responder").
package final class RecordRedactor: MarkdownRewriter, Sendable {
    let base: Redactor
    private let labels: [Int: String]

    init(base: Redactor, roles: [(role: String, person: String, since: Timestamp?)], texts: [String]) {
        self.base = base
        var labels: [Int: String] = [:]
        var holders: [String: Int] = [:]  // role → how many people have held it so far
        for entry in roles {
            guard let index = base.person(named: entry.person), !base.people[index].isPublic else { continue }
            if labels[index] != nil { continue }
            // Not Foundation's replacingOccurrences: that took 4.7 ms per rebuild.
            let roleName = entry.role.split(separator: "-", omittingEmptySubsequences: false).joined(separator: " ")
            let count = holders[entry.role, default: 0] + 1
            holders[entry.role] = count
            labels[index] = "the " + (count == 1 ? "" : Self.ordinal(count) + " ") + roleName
        }
        var responders = 0
        func number(_ index: Int) {
            guard labels[index] == nil else { return }
            if let label = base.people[index].label {
                labels[index] = label
            } else {
                responders += 1
                labels[index] = "Responder \(responders)"
            }
        }
        for text in texts where !text.isEmpty {
            for match in base.matcher.matches(in: text) { number(match.owner) }
        }
        self.labels = labels
    }

    static func ordinal(_ n: Int) -> String {
        let words = ["", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"]
        return n < words.count ? words[n] : "\(n)th"
    }

    /// The public label of a person given by name or alias. A name people.yml does not know is
    /// never shown (the build refuses records that name one; this is the last guard).
    package func label(for name: String) -> String {
        guard let index = base.person(named: name) else { return "a responder" }
        return label(index)
    }

    func label(_ index: Int) -> String {
        if base.people[index].isPublic { return base.people[index].name }
        return labels[index] ?? "a responder"
    }

    /// `text` with every name, alias, unknown handle and e-mail address replaced.
    package func redact(_ text: String, startsSentence: Bool = true) -> String {
        guard !text.isEmpty, base.mightRedact(text) else { return text }
        var text = text
        return text.withUTF8 { h in
            let replacements = self.replacements(in: h)
            if replacements.isEmpty { return String(decoding: h, as: UTF8.self) }
            var out: [UInt8] = []
            out.reserveCapacity(h.count + 16 * replacements.count)
            var position = 0
            for r in replacements {
                out.append(contentsOf: h[position..<r.start])
                out.append(contentsOf: Self.capitalised(r.text, atSentenceStart: Self.sentenceStart(h, r.start, textStart: startsSentence)).utf8)
                position = r.end
            }
            out.append(contentsOf: h[position...])
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// Replacements in text order, not overlapping: known names (a name written twice in a row,
    /// "Priya Raman (@priya)", becomes one label), then unknown handles and addresses between them.
    func replacements(in h: UnsafeBufferPointer<UInt8>) -> [(start: Int, end: Int, text: String)] {
        var known: [NameMatcher.Match] = []
        base.matcher.forEachMatch(in: h) {
            known.append($0)
            return true
        }
        var result: [(start: Int, end: Int, text: String)] = []
        var previous: NameMatcher.Match?
        for match in known {
            // "X (X)": the parenthesis only repeats the label.
            if let p = previous, p.owner == match.owner, Self.isOpenParen(h, from: p.end, to: match.start), match.end < h.count, h[match.end] == 41 {
                result[result.count - 1].end = match.end + 1
                previous = nil
                continue
            }
            result.append((match.start, match.end, label(match.owner)))
            previous = match
        }
        // Unknown handles and addresses, in one pass, outside the names found.
        var merged: [(start: Int, end: Int, text: String)] = []
        var next = 0
        for unknown in Self.handlesAndAddresses(in: h, kept: base.kept) {
            while next < result.count && result[next].end <= unknown.start {
                merged.append(result[next])
                next += 1
            }
            if next < result.count && result[next].start < unknown.start + unknown.length { continue }  // overlaps a name
            merged.append((unknown.start, unknown.start + unknown.length, unknown.isAddress ? "[address removed]" : "a responder"))
        }
        merged.append(contentsOf: result[next...])
        return merged
    }

    static func isOpenParen(_ h: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Bool {
        let between = h[from..<to]
        return between.elementsEqual(" (".utf8) || between.elementsEqual("(".utf8)
    }

    /// Every `@handle` or e-mail address in `h` that is not kept, left to right.
    static func handlesAndAddresses(in h: UnsafeBufferPointer<UInt8>, kept: Set<String>) -> [(start: Int, length: Int, isAddress: Bool)] {
        func isLocal(_ b: UInt8) -> Bool { (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == 46 || b == 95 || b == 45 || b == 43 }
        func isHandle(_ b: UInt8) -> Bool { (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == 95 || b == 45 }
        func text(_ range: Range<Int>) -> String { String(decoding: h[range], as: UTF8.self).lowercased() }
        var found: [(start: Int, length: Int, isAddress: Bool)] = []
        var index = 0
        var lastEnd = 0
        while index < h.count {
            guard h[index] == 64 else {
                index += 1
                continue
            }  // '@'
            var start = index
            // Never look back past the previous find (keeps the pass linear).
            while start > lastEnd, isLocal(h[start - 1]) { start -= 1 }
            var end = index + 1
            if start < index {
                // local@domain.tld
                while end < h.count, isLocal(h[end]) { end += 1 }
                while end > index + 1, h[end - 1] == 46 || h[end - 1] == 45 { end -= 1 }  // trailing "." ends a sentence
                let domain = h[(index + 1)..<end]
                if domain.contains(46), domain.count >= 3, !kept.contains(text(start..<end)) {
                    found.append((start, end - start, true))
                    lastEnd = end
                }
                index = max(end, index + 1)
                continue
            }
            while end < h.count, isHandle(h[end]) { end += 1 }
            if end > index + 1, index == 0 || !isLocal(h[index - 1]), !kept.contains(text(index..<end)) {
                found.append((index, end - index, false))
                lastEnd = end
            }
            index = end
        }
        return found
    }

    /// Whether the byte at `index` starts a sentence: the text's start, or after ". ", "! ", "? ", a newline.
    static func sentenceStart(_ h: UnsafeBufferPointer<UInt8>, _ index: Int, textStart: Bool) -> Bool {
        var i = index - 1
        while i >= 0, h[i] == 32 || h[i] == 9 || h[i] == 42 || h[i] == 95 || h[i] == 34 { i -= 1 }
        if i < 0 { return textStart }
        return h[i] == 46 || h[i] == 33 || h[i] == 63 || h[i] == 10
    }

    static func capitalised(_ text: String, atSentenceStart: Bool) -> String {
        guard atSentenceStart, let first = text.first, first.isLowercase else { return text }
        return first.uppercased() + text.dropFirst()
    }

    /// Markdown source with the names that Markdown markup splits (`Kw*a*me`) replaced before it is
    /// parsed; everything else is redacted node by node (`rewriteText`, `rewriteDestination`).
    package func prepareMarkdown(_ source: String) -> String {
        guard source.utf8.contains(42) else { return source }
        var source = source
        return source.withUTF8 { h in
            var out: [UInt8] = []
            var position = 0
            base.matcher.forEachMatch(in: h) { match in
                if h[match.start..<match.end].contains(42) {
                    out.append(contentsOf: h[position..<match.start])
                    out.append(contentsOf: label(match.owner).utf8)
                    position = match.end
                }
                return true
            }
            if position == 0 { return String(decoding: h, as: UTF8.self) }
            out.append(contentsOf: h[position...])
            return String(decoding: out, as: UTF8.self)
        }
    }

    package func rewriteText(_ text: String, startsBlock: Bool) -> String { redact(text, startsSentence: startsBlock) }

    /// Links whose destination names someone (a `mailto:` to a responder, a profile URL) keep
    /// their text only; a destination is never rewritten (that would break it).
    package func rewriteDestination(_ url: String) -> String? {
        keepsDestination(url) ? url : nil
    }

    /// Whether a URL names nobody: no name or alias in any case or encoding, no unknown handle or address.
    package func keepsDestination(_ url: String) -> Bool {
        var url = url
        return url.withUTF8 { h in
            base.urlMatcher.firstMatch(in: h) == nil && Self.handlesAndAddresses(in: h, kept: base.kept).isEmpty
        }
    }
}
