import Foundation
import HeraldMarkdown

/// `herald check` rules about the records themselves (issue #24): events dated in the future.
extension Linter {
    static let recordRules: [Rule] = [
        Rule(code: "future", summary: "an event is dated more than a minute after now"),
    ]

    /// One warning per event of a record more than a minute (clock skew) after `now`: it would show
    /// as the latest update before it happened. Maintenance windows may lie ahead; their events not.
    func futureProblems(_ events: [Event], folder: String) -> [Diagnostic] {
        events.filter { $0.at > now.adding(seconds: 60) }.map { event in
            let path = "\(folder)/\(event.fileName)"
            return warning(path, lineOf("at", in: path), "future", "event at \(event.at.rfc3339) is in the future (now \(now.rfc3339)); it shows as the latest update before it happened")
        }
    }
}

extension Linter {
    /// The communication rules `herald check` applies to a public message (`local-time`, `length`,
    /// and for an incident's first update `first-contact`), run by the posting commands on the
    /// message before it is written: one line per finding, `CODE: message`. Rules disabled in
    /// site.yml are skipped. Needs only site.yml, so posting stays fast.
    public static func messageWarnings(_ message: String, settings: SiteSettings, first: Bool) -> [(code: String, message: String)] {
        var found: [(String, String)] = []
        let disabled = settings.check.disabled
        if !disabled.contains("local-time") {
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
}
