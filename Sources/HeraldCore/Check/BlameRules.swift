import Foundation

/// The `blame` rule of `herald check` (docs/check.md): finds blaming language in one run of
/// prose, each finding with a blameless rewrite hint. Tuned on a labelled corpus of real and
/// written sentences (Tests/Fixtures/blame-corpus.tsv); its precision and recall are in the docs.
///
/// Four kinds of finding:
/// - judgement: "human error", "stupid", "sloppy", "negligent", "lack of attention by", "at fault"
///   (never when negated: "was not at fault");
/// - a person as the subject of a mistake: "Jan accidentally deleted", "the engineer forgot to",
///   "did not bother", "ignored the alert" (never with a system as the subject: "the worker
///   failed to start");
/// - counterfactuals: "should have been caught", "if X had checked…, it would not have", "X should
///   have known" (never normative or possessive: "action items should have an owner");
/// - hindsight: "in hindsight … should/obvious".
struct BlameRules: Sendable {
    struct Finding: Sendable, Equatable {
        /// UTF-16 range in the text.
        var location: Int
        var length: Int
        var phrase: String
        var message: String
        var hint: String
    }

    let personWords: Set<String>
    let judgement: NSRegularExpression
    let adverbs: NSRegularExpression
    let failures: NSRegularExpression
    let modals: NSRegularExpression
    let ifHad: NSRegularExpression
    let hadInverted: NSRegularExpression
    let ifOnly: NSRegularExpression
    let hindsight: NSRegularExpression

    static let roleWords: Set<String> = [
        "he", "she", "i", "we", "they", "him", "her", "his", "someone", "somebody", "engineer", "engineers", "operator", "operators",
        "developer", "developers", "dev", "devs", "admin", "admins", "administrator", "sysadmin", "on-call", "oncall", "sre", "sres",
        "lead", "responder", "responders", "messenger", "employee", "staff", "reviewer", "reviewers", "author", "maintainer",
        "maintainers", "contributor", "person", "human", "intern", "teammate", "colleague", "manager", "team", "i'm"
    ]

    /// Words that end a clause: the subject of a verb is after the last of them.
    static let clauseBreaks: Set<String> = [
        "and", "but", "because", "so", "when", "while", "after", "then", "since", "although", "though", "as", "until", "before"
    ]

    /// Words between a subject and its verb that say nothing about who.
    static let fillers: Set<String> = [
        "had", "has", "have", "was", "were", "is", "are", "been", "then", "also", "just", "simply", "completely", "apparently",
        "probably", "later", "again", "once", "still", "never", "already", "initially", "first", "unfortunately"
    ]

    /// Capitalised words at the start of a sentence that are not names.
    static let sentenceStarters: Set<String> = [
        "the", "this", "that", "these", "those", "it", "a", "an", "our", "their", "its", "some", "all", "users", "customers", "one",
        "each", "every", "no", "any", "most", "many", "several", "both", "there", "here", "what", "which", "who", "nobody", "everyone"
    ]

    static let detectionVerbs =
        "caught|noticed|spotted|detected|seen|found|tested|checked|reviewed|verified|prevented|avoided|flagged|escalated|reported|picked up|identified|addressed sooner|fixed sooner|handled differently|done differently|known"

    init(people: [Person]) {
        var words = Self.roleWords
        for person in people {
            for alias in [person.name] + person.aliases where !alias.isEmpty {
                for part in alias.split(whereSeparator: { $0 == " " || $0 == "-" }) { words.insert(part.lowercased()) }
            }
        }
        personWords = words
        func regex(_ pattern: String) -> NSRegularExpression { try! NSRegularExpression(pattern: pattern, options: [.caseInsensitive]) }
        let l = "(?<![\\p{L}\\p{N}])"
        let r = "(?![\\p{L}\\p{N}])"
        judgement = regex(
            l
                + "(human error|operator error|user error|human mistake|careless(?:ly|ness)?|negligen(?:t|tly|ce)|sloppy|sloppiness|stupid|dumb|lazy|laziness|incompeten(?:t|ce)|reckless(?:ly|ness)?|lack of (?:attention|care|diligence|focus|discipline|competence)(?: (?:by|from|of|on the part of))?|inattenti(?:on|ve)|at fault|fault of|[\\p{L}]+['’]s fault|to blame|rookie mistake|silly mistake|(?:a|an|his|her|their) (?:obvious|simple|basic) mistake)"
                + r)
        adverbs = regex(l + "(accidentally|unintentionally|inadvertently|mistakenly|by mistake|by accident|absent-mindedly)" + r)
        failures = regex(
            l
                + "(did not bother|didn['’]t bother|could not be bothered|couldn['’]t be bothered|did not care|didn['’]t care|forgot(?: to)?|ignored|neglected(?: to)?|overlooked|failed to|did not (?:notice|check|follow|read|test|verify)|didn['’]t (?:notice|check|follow|read|test|verify)|missed|should['’]ve known)"
                + r)
        modals = regex(l + "(should|could|ought to|shouldn['’]t|could['’]ve|should['’]ve) have(?: been)? (\\p{L}+)" + r)
        ifHad = regex(l + "if\\s+(?!only\\s)[^.;!?]*?\\bhad\\b[^.;!?]*?\\b(?:would|could|might)(?:\\s+not|n['’]t)?\\s+have" + r)
        hadInverted = regex("(?:^|[.;:]\\s*)(had\\s+\\p{L}+\\s[^.;!?]*?\\b(?:would|could|might)(?:\\s+not|n['’]t)?\\s+have)" + r)
        ifOnly = regex(l + "(if only\\s+(?:\\S+\\s+){0,2}had)" + r)
        hindsight = regex(
            l + "(in hindsight|in retrospect|with hindsight|looking back|with the benefit of hindsight)" + r
                + "(?=[^.!?]*\\b(?:should|could|obvious|obviously|clearly)\\b)")
    }

    func findings(in text: String) -> [Finding] {
        let ns = text as NSString
        let whole = NSRange(location: 0, length: ns.length)
        var found: [Finding] = []
        func add(_ range: NSRange, _ message: String, _ hint: String) {
            guard !found.contains(where: { NSIntersectionRange($0.range, range).length > 0 }) else { return }
            found.append(Finding(location: range.location, length: range.length, phrase: ns.substring(with: range), message: message, hint: hint))
        }
        for match in judgement.matches(in: text, range: whole) where !negated(ns, before: match.range.location) {
            let phrase = ns.substring(with: match.range).lowercased()
            add(
                match.range, "'\(phrase)' judges a person; blameless postmortems describe conditions, not character",
                "say what made the action likely and what will change (e.g. 'the command ran against production because both environments share one prompt; we will color the prompt')"
            )
        }
        for match in ifOnly.matches(in: text, range: whole) {
            add(
                match.range, "'\(ns.substring(with: match.range))' is regret in hindsight",
                "state what happened and the action item that makes it less likely")
        }
        for match in ifHad.matches(in: text, range: whole) {
            add(
                match.range, "a counterfactual ('if … had …, … would have') judges with hindsight",
                "describe what was known at the time and why the action made sense then; put the change in an action item")
        }
        for match in hadInverted.matches(in: text, range: whole) {
            add(
                match.range(at: 1), "a counterfactual ('had … , … would have') judges with hindsight",
                "describe what was known at the time and why the action made sense then; put the change in an action item")
        }
        for match in hindsight.matches(in: text, range: whole) {
            add(
                match.range, "'\(ns.substring(with: match.range))' with 'should' or 'obvious' judges with hindsight",
                "say what the signals were at the time and what will make them clearer")
        }
        for match in modals.matches(in: text, range: whole) {
            let verb = ns.substring(with: match.range(at: 2)).lowercased()
            let phrase = ns.substring(with: match.range)
            let passive = phrase.lowercased().contains(" been ")
            if passive {
                // "should have been caught": hindsight about people who did not catch it.
                guard Self.isDetectionVerb(verb) else { continue }
                add(
                    match.range, "'\(phrase)' judges with hindsight",
                    "say why it was not caught at the time (no test, no alert, a noisy signal) and which action item will catch it")
            } else if Self.isParticiple(verb), personSubject(ns, before: match.range.location) != nil {
                add(
                    match.range, "'\(phrase)' makes a person the subject of a failure, in hindsight",
                    "describe what the person knew and saw at the time, and what will make the right action easier")
            }
        }
        for match in adverbs.matches(in: text, range: whole) {
            let subject = subjectWords(ns, before: match.range.location)
            if isSystemSubject(subject) { continue }
            let phrase = ns.substring(with: match.range)
            add(
                match.range, "'\(phrase)' makes a person the subject of a mistake",
                "name the action and what made it easy to get wrong (e.g. 'the cleanup script matched every prefix, so it deleted the volume')")
        }
        for match in failures.matches(in: text, range: whole) {
            guard let who = personSubject(ns, before: match.range.location) else { continue }
            let phrase = ns.substring(with: match.range)
            add(
                match.range, "'\(who) \(phrase.lowercased())' makes a person the subject of a failure",
                "describe what happened and why it made sense at the time (e.g. 'the alert went to a channel nobody watched at night')")
        }
        return found.sorted { $0.location < $1.location }
    }

    /// "not", "no", "never", "nobody", "n't", "without" among the four words before `location`.
    func negated(_ ns: NSString, before location: Int) -> Bool {
        let before = ns.substring(to: location).lowercased()
        let words = before.split(whereSeparator: { !$0.isLetter && $0 != "'" && $0 != "’" }).suffix(4)
        return words.contains {
            ["not", "no", "never", "nobody", "without", "none", "neither", "nor"].contains($0) || $0.hasSuffix("n't") || $0.hasSuffix("n’t")
        }
    }

    /// The words of the clause before `location` (its subject and helpers), original case.
    func subjectWords(_ ns: NSString, before location: Int) -> [Substring] {
        let before = ns.substring(to: location)
        // The clause: after the last sentence end or clause punctuation.
        var clause = Substring(before)
        if let cut = clause.lastIndex(where: { ".;:!?(,—–\n".contains($0) }) { clause = clause[clause.index(after: cut)...] }
        var words = clause.split(whereSeparator: { !$0.isLetter && $0 != "-" && $0 != "'" && $0 != "’" })
        if let cut = words.lastIndex(where: { Self.clauseBreaks.contains($0.lowercased()) }) { words = Array(words[(cut + 1)...]) }
        return words.filter { !Self.fillers.contains($0.lowercased()) }
    }

    /// The person (a word) the clause before `location` is about, if it is about one: a pronoun or
    /// role word, a name from people.yml, or a name-like subject of one or two capitalised words.
    func personSubject(_ ns: NSString, before location: Int) -> String? {
        let words = subjectWords(ns, before: location)
        if let word = words.last(where: { personWords.contains($0.lowercased()) }) {
            // "users who forgot…", "the team's alert": the person word must be the subject, not
            // what a relative clause or a possessive hangs on.
            if words.last.map({ ["who", "whose", "that"].contains($0.lowercased()) }) ?? false { return nil }
            return String(word)
        }
        if (1...2).contains(words.count), words.allSatisfy(Self.isNameLike), !Self.sentenceStarters.contains(words[0].lowercased()) {
            return words.joined(separator: " ")
        }
        return nil
    }

    /// Whether a clause's subject is a thing: a determiner and no person ("the script", "a bug").
    func isSystemSubject(_ words: [Substring]) -> Bool {
        guard let first = words.first else { return false }
        if words.contains(where: { personWords.contains($0.lowercased()) }) { return false }
        if ["the", "a", "an", "this", "that", "its", "these", "those", "our", "their", "some", "another", "it", "which"].contains(first.lowercased()) {
            return true
        }
        return !words.allSatisfy(Self.isNameLike)
    }

    static func isNameLike(_ word: Substring) -> Bool {
        guard let first = word.first, first.isUppercase, word.count >= 2 else { return false }
        return word.dropFirst().contains(where: \.isLowercase)  // not an acronym (CI, DNS)
    }

    static func isDetectionVerb(_ verb: String) -> Bool {
        [
            "caught", "noticed", "spotted", "detected", "seen", "found", "tested", "checked", "reviewed", "verified", "prevented",
            "avoided", "flagged", "escalated", "reported", "identified", "known", "obvious", "clear", "picked", "foreseen", "anticipated"
        ].contains(verb)
    }

    /// A past participle after "should have": "known", "checked"; not "a", "an", "at", "assigned priority" is fine.
    static func isParticiple(_ verb: String) -> Bool {
        if [
            "known", "seen", "done", "caught", "run", "taken", "read", "written", "gone", "been", "told", "asked", "paid", "made", "kept", "left", "thought",
            "stopped", "rolled", "waited"
        ].contains(verb) {
            return true
        }
        return verb.hasSuffix("ed") && verb.count > 3 && !["need", "feed", "seed", "speed", "bed", "red", "shed"].contains(verb)
    }
}

extension BlameRules.Finding {
    var range: NSRange { NSRange(location: location, length: length) }
}
