import Foundation
import HeraldMarkdown

/// Replaces people's names with the roles they held, so that no name from people.yml reaches a
/// public page. Records keep real names; only rendering goes through here.
///
/// Rules (docs/postmortems.md): whole words only, longest match first ("Priya Raman" before
/// "Priya"); names and plain aliases are case-sensitive, `@handles` and e-mail addresses are not;
/// unknown `@handles` and e-mail addresses are removed too, except the site's support address.
public struct Redactor: Sendable {
    public let people: [Person]
    public let support: String
    /// Every name and alias, with the person it belongs to.
    let aliases: [(text: [UInt8], person: Int, caseInsensitive: Bool)]
    let matcher: NeedleSet
    /// Texts without any of these cannot need redaction: checked first, in one fast pass.
    let precheck: NeedleSet

    public init(people: [Person], support: String) {
        self.people = people
        self.support = support
        var aliases: [(text: [UInt8], person: Int, caseInsensitive: Bool)] = []
        for (index, person) in people.enumerated() {
            for text in [person.name] + person.aliases where !text.isEmpty {
                aliases.append((Array(text.utf8), index, text.contains("@")))
            }
        }
        self.aliases = aliases
        matcher = NeedleSet(aliases.map { String(decoding: $0.text, as: UTF8.self) })
        precheck = NeedleSet(aliases.map { String(decoding: $0.text, as: UTF8.self) } + ["@"])
    }

    /// False when `text` certainly holds nothing to redact: most texts, found in one fast pass.
    public func mightRedact(_ text: String) -> Bool { precheck.occurs(in: text) }

    /// Index in `people` of the person called `name` (by name or alias), if any.
    public func person(named name: String) -> Int? {
        let bytes = Array(name.utf8)
        for alias in aliases {
            if alias.caseInsensitive {
                if alias.text.count == bytes.count && zip(alias.text, bytes).allSatisfy({ NeedleSet.fold($0) == NeedleSet.fold($1) }) { return alias.person }
            } else if alias.text == bytes {
                return alias.person
            }
        }
        return nil
    }

    /// A redactor for one record: people are shown by the role they held in it.
    /// `roles` are in time order; `start` is when the record began (to word handoff times).
    public func forRecord(roles: [(role: String, person: String, since: Timestamp?)], start: Timestamp? = nil) -> RecordRedactor {
        RecordRedactor(base: self, roles: roles, start: start)
    }
}

/// Redaction within one record (an incident and its postmortem): a person becomes the role they
/// held ("the incident lead"; after a handoff "the incident lead (from 10:30 UTC)"), else
/// "Responder N", numbered by first appearance and stable for the record.
public final class RecordRedactor: MarkdownRewriter, @unchecked Sendable {
    let base: Redactor
    private var labels: [Int: String] = [:]
    private var responders = 0
    private let lock = NSLock()

    init(base: Redactor, roles: [(role: String, person: String, since: Timestamp?)], start: Timestamp?) {
        self.base = base
        var holders: [String: Int] = [:]  // role → how many people have held it so far
        for entry in roles {
            guard let index = base.person(named: entry.person), labels[index] == nil else {
                if let role = Optional(entry.role) { holders[role, default: 0] += 1 }
                continue
            }
            let roleName = entry.role.split(separator: "-", omittingEmptySubsequences: false).joined(separator: " ")  // Foundation's replacingOccurrences: 4.7 ms per rebuild
            var label = "the " + roleName
            if holders[entry.role, default: 0] > 0, let since = entry.since {
                let sameDay = start.map { $0.startOfDay == since.startOfDay } ?? true
                label += " (from \(sameDay ? since.displayTime : since.display))"
            }
            holders[entry.role, default: 0] += 1
            labels[index] = label
        }
    }

    /// The public label of a person given by name or alias; other text is redacted as usual.
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

    /// `text` with every name, alias, unknown handle and e-mail address replaced.
    public func redact(_ text: String, startsSentence: Bool = true) -> String {
        guard !text.isEmpty, base.mightRedact(text) else { return text }
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 16)
        var position = 0
        bytes.withUnsafeBufferPointer { h in
            while position < h.count {
                let rest = UnsafeBufferPointer(rebasing: h[position...])
                let known = base.matcher.firstMatch(in: rest, wholeWord: true) { n, at in
                    let alias = base.aliases[n]
                    return alias.caseInsensitive || alias.text.elementsEqual(rest[at..<(at + alias.text.count)])
                }
                let unknown = Self.handleOrAddress(in: rest, support: base.support)
                // Whichever comes first; a known name wins a tie (it is the longer, more exact match).
                if let known, unknown == nil || known.offset <= unknown!.start {
                    let start = position + known.offset
                    out.append(contentsOf: h[position..<start])
                    let replacement = label(base.aliases[known.needle].person)
                    out.append(contentsOf: Self.capitalised(replacement, atSentenceStart: Self.sentenceStart(h, start, textStart: startsSentence)).utf8)
                    position = start + base.aliases[known.needle].text.count
                } else if let unknown {
                    let start = position + unknown.start
                    out.append(contentsOf: h[position..<start])
                    let replacement = unknown.isAddress ? "[address removed]" : "a responder"
                    out.append(contentsOf: Self.capitalised(replacement, atSentenceStart: Self.sentenceStart(h, start, textStart: startsSentence)).utf8)
                    position = start + unknown.length
                } else {
                    out.append(contentsOf: h[position...])
                    position = h.count
                }
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The first `@handle` or e-mail address in `h` that is not the support address.
    static func handleOrAddress(in h: UnsafeBufferPointer<UInt8>, support: String) -> (start: Int, length: Int, isAddress: Bool)? {
        func isLocal(_ b: UInt8) -> Bool { (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == 46 || b == 95 || b == 45 || b == 43 }
        func isHandle(_ b: UInt8) -> Bool { (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == 95 || b == 45 }
        let supportBytes = Array(support.lowercased().utf8)
        var index = 0
        while index < h.count {
            guard h[index] == 64 else { index += 1; continue }  // '@'
            var start = index
            while start > 0, isLocal(h[start - 1]) { start -= 1 }
            var end = index + 1
            if start < index {
                // local@domain.tld
                while end < h.count, isLocal(h[end]) { end += 1 }
                while end > index + 1, h[end - 1] == 46 || h[end - 1] == 45 { end -= 1 }  // trailing "." ends a sentence
                let domain = h[(index + 1)..<end]
                if domain.contains(46), domain.count >= 3 {
                    let address = h[start..<end].map(NeedleSet.fold)
                    if address != supportBytes { return (start, end - start, true) }
                }
                index = end
                continue
            }
            while end < h.count, isHandle(h[end]) { end += 1 }
            if end > index + 1, start == index, index == 0 || !isLocal(h[index - 1]) {
                return (index, end - index, false)
            }
            index = end
        }
        return nil
    }

    /// Whether the byte at `index` starts a sentence: the text's start, or after ". ", "! ", "? ", a newline.
    static func sentenceStart(_ h: UnsafeBufferPointer<UInt8>, _ index: Int, textStart: Bool) -> Bool {
        var i = index - 1
        while i >= 0, h[i] == 32 || h[i] == 9 { i -= 1 }
        if i < 0 { return textStart }
        return h[i] == 46 || h[i] == 33 || h[i] == 63 || h[i] == 10
    }

    static func capitalised(_ text: String, atSentenceStart: Bool) -> String {
        guard atSentenceStart, let first = text.first, first.isLowercase else { return text }
        return first.uppercased() + text.dropFirst()
    }

    public func rewriteText(_ text: String, startsBlock: Bool) -> String { redact(text, startsSentence: startsBlock) }

    /// Links whose destination names someone (a `mailto:` to a responder) keep their text only.
    public func rewriteDestination(_ url: String) -> String? {
        let redacted = redact(url, startsSentence: false)
        return redacted == url ? url : nil
    }
}
