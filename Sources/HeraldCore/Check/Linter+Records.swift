import Foundation
import HeraldMarkdown

/// `herald check` rules about the records themselves (issue #24): events dated in the future.
extension Linter {
    static let recordRules: [Rule] = [
        Rule(code: "future", summary: "an event is dated more than a minute after now")
    ]

    /// One warning per event of a record more than a minute (clock skew) after `now`: it would show
    /// as the latest update before it happened. Maintenance windows may lie ahead; their events not.
    func futureProblems(_ events: [Event], folder: String) -> [Diagnostic] {
        events.filter { $0.at > now.adding(seconds: 60) }.map { event in
            let path = "\(folder)/\(event.fileName)"
            return warning(
                path, lineOf("at", in: path), "future",
                "event at \(event.at.rfc3339) is in the future (now \(now.rfc3339)); it shows as the latest update before it happened")
        }
    }
}

extension Linter {
    /// The communication rules `herald check` applies to a public message (`local-time`, `length`,
    /// and for an incident's first update `first-contact`), run by the posting commands on the
    /// message before it is written: one line per finding, `CODE: message`. Rules disabled in
    /// site.yml are skipped. Needs only site.yml, so posting stays fast.
    package static func messageWarnings(_ message: String, settings: SiteSettings, first: Bool) -> [(code: String, message: String)] {
        var found: [(String, String)] = []
        let disabled = settings.check.disabled
        if !disabled.contains("local-time"), mayMentionLocalTime(message) {
            for d in TextRules(people: [], support: settings.support).localTimeMarkdown(message, path: "", bodyLine: 1) {
                found.append(("local-time", d.message))
            }
        }
        if !disabled.contains("first-contact"), first, !message.lowercased().contains(settings.support.lowercased()) {
            found.append(("first-contact", "the first public update does not name the support address (\(settings.support)); tell readers how to reach you"))
        }
        let length = Markdown.plainText(message).count
        if !disabled.contains("length"), length > settings.check.maxUpdateLength {
            found.append(("length", "update is \(length) characters (limit \(settings.check.maxUpdateLength)); keep updates short"))
        }
        return found
    }

    /// False only when the `local-time` rule cannot match: none of its words, no am/pm after a
    /// digit, no zone abbreviation. Most updates pass by here without compiling the rule's
    /// regular expressions (3 ms of a 10 ms `incident update`).
    static func mayMentionLocalTime(_ message: String) -> Bool {
        let lower = message.lowercased()
        let words = ["morning", "afternoon", "evening", "tonight", "night", "yesterday", "tomorrow", "a.m.", "p.m."]
        if words.contains(where: lower.contains) { return true }
        if lower.contains(where: \.isNumber), lower.contains("am") || lower.contains("pm") { return true }
        let zones = [
            "EST", "EDT", "CST", "CDT", "MST", "MDT", "PST", "PDT", "AKST", "HST", "CET", "CEST", "EET", "EEST", "WET", "WEST", "BST", "IST", "JST", "KST",
            "AEST", "AEDT", "ACST", "AWST", "NZST", "NZDT", "GMT"
        ]
        return zones.contains(where: message.contains)
    }
}
