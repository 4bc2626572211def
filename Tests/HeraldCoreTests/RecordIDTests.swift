import Testing

@testable import HeraldCore

/// Record folder names: `YYYY-MM-DD-words`, lowercase ASCII letters, digits and single dashes.
@Suite("record ids")
struct RecordIDTests {
    @Test(arguments: ["2026-11-22-search-down", "2026-11-22-a", "2026-02-28-db-2-of-3"])
    func validIDsPass(_ id: String) {
        #expect(RecordID.problem(id) == nil)
    }

    @Test(arguments: [
        "2026-11-22-search--down", "2026-11-22-search-", "2026-11-22-", "2026-11-22", "2026-11-2200-x", "2026-13-40-bad-date",
        "search-down", "2026-11-22--x"
    ])
    func malformedIDsAreNamed(_ id: String) {
        #expect(RecordID.problem(id) == "id '\(id)' is not of the form YYYY-MM-DD-words")
    }

    @Test func otherProblems() {
        #expect(RecordID.problem("") == "id is empty")
        #expect(RecordID.problem("2026-11-22-Search")?.contains("may only hold lowercase a-z, 0-9 and '-'") == true)
        #expect(RecordID.problem("2026-11-22-café")?.contains("may only hold lowercase") == true)
        let long = "2026-11-22-" + String(repeating: "a", count: RecordID.maxLength)
        #expect(RecordID.problem(long)?.contains("is longer than") == true)
    }
}
