import Foundation

/// Finds probable names of people in public text that people.yml does not list (`herald check`'s
/// `unredacted` rule, and build warnings for published postmortems): they would be published as
/// written. See docs/check.md, "Forgotten names".
///
/// A capitalised word is a probable name when it is a common given name (1990 US Census list,
/// `GivenNames`) in the middle of a sentence, or when its context says "person" wherever it is:
/// a people-verb after it ("Tim signs off", "Carol online", "Yuvi said"), a word before it that
/// takes a person ("from", "by", "thanks to", "paged"), "X and Y" followed by a verb, a surname
/// after it ("Sarika de Bruyn"), or parentheses after a role ("incident manager (Søren Iversen)").
/// Handles (`@name`, `name@`) are names too.
struct ForgottenNames: Sendable {
    struct Finding: Sendable, Equatable {
        var name: String
        /// UTF-16 offset in the text.
        var location: Int
    }

    let known: Set<String>

    init(people: [Person]) {
        var known: Set<String> = []
        for person in people {
            for alias in [person.name] + person.aliases where !alias.isEmpty {
                for part in ReaderText.key(alias).split(separator: " ") { known.insert(String(part)) }
                known.insert(ReaderText.key(alias))
            }
        }
        self.known = known
    }

    static let personVerbs: Set<String> = [
        "said", "says", "asked", "asks", "paged", "pages", "noticed", "notices", "joined", "joins", "signs", "signed", "online", "offline",
        "back", "left", "reported", "reports", "suggested", "suggests", "discussed", "discuss", "discussing", "confirmed", "confirms",
        "wrote", "writes", "pinged", "pings", "decided", "decides", "took", "takes", "replied", "replies", "agreed", "agrees",
        "mentioned", "mentions", "helped", "helps", "restarted", "deployed", "rolled", "investigated", "investigates", "checked",
        "checks", "thinks", "thought", "believes", "proposed", "proposes", "approved", "reviewed", "merged", "arrives", "arrived",
        "responded", "responds", "escalated", "acknowledged", "acked", "appointed", "volunteered", "handed", "hands", "starts",
        "started", "finished", "logs", "logged", "is", "was", "will", "has", "had", "and", "who", "'s", "’s"
    ]

    static let personBefore: Set<String> = [
        "from", "by", "thanks", "thank", "paged", "pinged", "asked", "ask", "ping", "page", "told", "tell", "cc", "with", "and",
        "manager", "lead", "commander", "engineer", "responder", "messenger", "contact", "contacted", "to", "via"
    ]

    static let strongBefore: Set<String> = [
        "thanks", "thank", "paged", "pinged", "asked", "told", "cc", "ping", "page", "contacted", "credit", "kudos", "shoutout"
    ]

    static let roleWords: Set<String> = [
        "manager", "lead", "commander", "engineer", "responder", "messenger", "on-call", "oncall", "sre", "coordinator", "scribe", "liaison", "owner",
        "reporter"
    ]

    static let particles: Set<String> = ["de", "van", "von", "da", "di", "le", "la", "del", "der", "den", "ten", "ter", "bin", "al", "du", "dos", "das"]

    /// Words that are never names here: sentence words, days and months, common tech words.
    static let notNames: Set<String> = [
        "the", "this", "that", "these", "those", "it", "we", "they", "our", "a", "an", "and", "or", "but", "if", "when", "then", "after",
        "before", "all", "some", "no", "not", "one", "two", "first", "next", "last", "user", "users", "customer", "customers", "team",
        "teams", "incident", "status", "update", "note", "action", "summary", "impact", "timeline", "root", "cause", "detection",
        "resolution", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "utc", "api", "dns", "cdn", "aws",
        "google", "amazon", "microsoft", "github", "gitlab", "slack", "kubernetes", "docker", "linux", "python", "java", "grafana",
        "prometheus", "travis", "jenkins", "redis", "postgres", "mysql", "nginx", "chrome", "firefox", "safari", "windows", "android",
        "apple", "reddit", "twitter", "gitter", "jupyter", "jupyterhub", "binder", "helm", "terraform", "azure", "gcp", "eks", "gke",
        "etcd", "hellman", "date", "time", "event", "events", "notice", "noticed", "decide", "decided", "find", "found", "connect", "note", "noted", "check",
        "using"
    ]

    /// Probable names in one run of prose, each distinct name once (its first place).
    func findings(in text: String) -> [Finding] {
        let ns = text as NSString
        var words: [(text: String, lower: String, location: Int, sentenceStart: Bool, before: Character?)] = []
        // Words with their offsets; whether each starts a sentence; the character just before it.
        var index = 0
        let length = ns.length
        var sentenceStart = true
        while index < length {
            let c = ns.character(at: index)
            guard let scalar = Unicode.Scalar(c), CharacterSet.letters.contains(scalar) || c == 64 else {
                if c == 46 || c == 33 || c == 63 || c == 58 || c == 10 { sentenceStart = true }  // . ! ? : newline
                index += 1
                continue
            }
            var end = index + 1
            while end < length, let s = Unicode.Scalar(ns.character(at: end)),
                CharacterSet.letters.contains(s) || CharacterSet.decimalDigits.contains(s) || s == "-" || s == "_" || s == "@" || s == "'" || s == "’"
            {
                end += 1
            }
            var word = ns.substring(with: NSRange(location: index, length: end - index))
            while word.hasSuffix("'") || word.hasSuffix("’") || word.hasSuffix("-") { word.removeLast() }
            if word.hasSuffix("'s") || word.hasSuffix("’s") { word.removeLast(2) }
            let before: Character? = index > 0 ? Character(Unicode.Scalar(ns.character(at: index - 1)) ?? " ") : nil
            words.append((word, word.lowercased(), index, sentenceStart, before))
            sentenceStart = false
            index = end
        }
        var found: [Finding] = []
        var seen: Set<String> = []
        func report(_ name: String, at location: Int) {
            let key = ReaderText.key(name)
            guard !key.isEmpty, !known.contains(key), seen.insert(key).inserted else { return }
            found.append(Finding(name: name, location: location))
        }
        func isCapitalised(_ w: String) -> Bool {
            guard let first = w.first, first.isUppercase, w.count >= 2 else { return false }
            return w.dropFirst().allSatisfy { $0.isLowercase || $0 == "-" || $0 == "'" || $0 == "’" }
        }
        func candidate(_ i: Int) -> Bool {
            let w = words[i]
            return isCapitalised(w.text) && !Self.notNames.contains(w.lower) && !known.contains(ReaderText.key(w.text))
        }
        for i in words.indices {
            let w = words[i]
            // Handles: "@name" and "name@" (a mention in some trackers).
            if w.text.hasPrefix("@"), w.text.count > 2, w.before.map({ !$0.isLetter && !$0.isNumber }) ?? true {
                report(w.text, at: w.location)
                continue
            }
            if w.text.hasSuffix("@"), w.text.count > 2, !w.text.dropLast().contains("@"),
                i + 1 == words.count || words[i + 1].location > w.location + w.text.utf16.count
            {
                report(w.text, at: w.location)
                continue
            }
            guard candidate(i) else { continue }
            let next = i + 1 < words.count ? words[i + 1] : nil
            let previous = i > 0 ? words[i - 1] : nil
            // A month ("May", "Jan") is a name only where the context says "person".
            let isMonth = NameMatcher.calendarWords.contains(w.lower)
            let isGiven = GivenNames.all.contains(Substring(w.lower)) && !isMonth
            // A full name: a capitalised word (or a particle and one) right after it.
            var full = w.text
            var j = i + 1
            while j < words.count, words[j].location - (words[j - 1].location + words[j - 1].text.utf16.count) <= 1 {
                if Self.particles.contains(words[j].text), j + 1 < words.count, isCapitalised(words[j + 1].text) {
                    full += " " + words[j].text + " " + words[j + 1].text
                    j += 2
                } else if candidate(j) {
                    full += " " + words[j].text
                    j += 1
                } else {
                    break
                }
                if j - i >= 3 { break }
            }
            let nextWord = j < words.count ? words[j] : nil
            let afterVerb = nextWord.map { Self.personVerbs.contains($0.lower) } ?? false
            let beforePerson = previous.map { Self.personBefore.contains($0.lower) && !w.sentenceStart } ?? false
            // "thanks to Priya", "paged Priya": only a person is thanked or paged.
            let strongBefore =
                !w.sentenceStart && i >= 1
                && (Self.strongBefore.contains(words[i - 1].lower)
                    || (words[i - 1].lower == "to" && i >= 2 && Self.strongBefore.contains(words[i - 2].lower)))
            // "(Søren Iversen)" after a role word.
            let inRoleParentheses = w.before == "(" && (previous.map { Self.roleWords.contains($0.lower) } ?? false)
            // "X and Y <verb>", either way round.
            let pairedAnd =
                (next?.lower == "and" && i + 2 < words.count && candidate(i + 2))
                || (previous?.lower == "and" && i >= 2 && candidate(i - 2))
            let isFullName = full != w.text && (isGiven || full.contains(" de ") || full.contains(" van ") || beforePerson || inRoleParentheses)
            if (isGiven && !w.sentenceStart) || (isGiven && (afterVerb || pairedAnd)) || isFullName || inRoleParentheses
                || (pairedAnd && (afterVerb || GivenNames.all.contains(Substring((next?.lower == "and" ? words[i + 2] : words[i - 2]).lower))))
                || (beforePerson && afterVerb) || (strongBefore && !isMonth)
            {
                report(full, at: w.location)
            }
            _ = next
        }
        return found
    }
}
