import Foundation
import Testing

/// #23.6: the blame lint on real prose, with the exact line and column and a rewrite hint.
@Suite("blame lint")
struct BlameLintTests {
    let now = "2026-11-22T15:00:00Z"
    let path = "content/postmortems/2026-11-22-search-down.md"

    func site(_ body: String) throws -> TemporarySite {
        let site = try TemporarySite()
        try site.write(
            "content/incidents/2026-11-22-search-down/20261122T145000Z-resolved-cd34.md",
            "---\nstatus: resolved\nat: 2026-11-22T14:50:00Z\n---\nFixed. Contact help@status.test.\n")
        try site.write(path, "---\nincident: 2026-11-22-search-down\nstatus: draft\n---\n\(body)\n")
        return site
    }

    @Test func pointsAtTheLineAndColumnOfThePhraseWithAHint() throws {
        // The paragraph starts on file line 5; the phrase is on its third line, after emphasis.
        let site = try site(
            "The deploy began at 14:00 UTC and\nthe cache emptied *quickly*. Later\nthe **engineer** accidentally ran the script.\n\nIt was not human error.")
        let result = try HeraldRunner.run(["check", "--now", now], in: site.root)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let warning = try #require(lines.first { $0.hasSuffix("[blame]") }, "\(result.stdout)")
        #expect(warning.hasPrefix("\(path):7:18: warning: 'accidentally' makes a person the subject of a mistake"), "\(warning)")
        #expect(lines.contains { $0.hasPrefix("  hint: name the action and what made it easy to get wrong") })
        // "not human error" is a negation: one warning only.
        #expect(lines.filter { $0.hasSuffix("[blame]") }.count == 1, "\(result.stdout)")
        #expect(result.status == 0)
        #expect(try HeraldRunner.run(["check", "--now", now, "--strict"], in: site.root).status == 1)
    }

    @Test func jsonHasHintLineAndColumn() throws {
        let site = try site("Root cause: the rollout.\n\nThis should have been caught in review.")
        let result = try HeraldRunner.run(["check", "--now", now, "--format", "json"], in: site.root)
        let items = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        let blame = try #require(items.first { $0["code"] as? String == "blame" })
        #expect(blame["line"] as? Int == 7)
        #expect(blame["column"] as? Int == 6)
        #expect((blame["hint"] as? String)?.contains("action item") == true)
        #expect((blame["message"] as? String)?.contains("'should have been caught' judges with hindsight") == true)
    }

    @Test(arguments: [
        ("Jan unintentionally deleted the volume.", true), ("If Carol had checked, it would not have happened.", true),
        ("The operator did not bother to read the runbook.", true), ("A stupid mistake.", true), ("A lack of attention by the lead.", true),
        ("In hindsight we should have known.", true), ("The worker failed to start.", false), ("The deploy failed health checks.", false),
        ("Action items should have an owner.", false), ("The engineer was not at fault.", false), ("Skipped (if only CI is updated).", false),
        ("The careful rollout helped.", false), ("Users who forgot their password could not log in.", false), ("The database did fail over.", false)
    ])
    func issueExamples(text: String, flagged: Bool) throws {
        let site = try site(text)
        let result = try HeraldRunner.run(["check", "--now", now], in: site.root)
        #expect(result.stdout.contains("[blame]") == flagged, "\(text): \(result.stdout)")
    }
}
