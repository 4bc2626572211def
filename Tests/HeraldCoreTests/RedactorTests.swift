import HeraldMarkdown
import Testing
@testable import HeraldCore

@Suite struct RedactorTests {
    static let people = [
        Person(name: "Priya Raman", aliases: ["@priya", "priya@acme.test", "Priya"]),
        Person(name: "Priya", aliases: []),
        Person(name: "Søren Østergaard", aliases: ["Søren"]),
        Person(name: "Bob Smith", aliases: ["Bob", "@bob"]),
        Person(name: "Dana Kim", aliases: []),
    ]
    static let base = Redactor(people: people, support: "support@acme.test")
    static func t(_ s: String) -> Timestamp { try! Timestamp.parse(rfc3339: s) }

    func record() -> RecordRedactor {
        Self.base.forRecord(
            roles: [("incident-lead", "Priya Raman", nil), ("messenger", "Dana Kim", Self.t("2026-11-17T09:19:00Z")), ("incident-lead", "Søren Østergaard", Self.t("2026-11-17T10:30:00Z"))],
            start: Self.t("2026-11-17T09:02:00Z"))
    }

    @Test func rolesHandoffsAndResponders() {
        let r = record()
        #expect(r.redact("Paged by Priya Raman, then Søren took over; Bob and @bob helped, then Bob again.") ==
            "Paged by the incident lead, then the incident lead (from 10:30 UTC) took over; Responder 1 and Responder 1 helped, then Responder 1 again.")
        #expect(r.redact("Dana Kim posted.") == "The messenger posted.")
    }

    @Test func longestMatchFirstAndWholeWordsOnly() {
        let r = record()
        #expect(r.redact("Priya Raman and Priya") == "The incident lead and the incident lead")
        #expect(r.redact("Bobby and Bobsled and Smithson are not Bob.") == "Bobby and Bobsled and Smithson are not Responder 1.")
        #expect(r.redact("Sørensen is another word") == "Sørensen is another word")
    }

    @Test func caseRules() {
        let r = record()
        #expect(r.redact("bob is a verb here, BOB too") == "bob is a verb here, BOB too")
        #expect(r.redact("ask @PRIYA or PRIYA@ACME.TEST") == "ask the incident lead or the incident lead")
    }

    @Test func unknownHandlesAndAddressesButNotSupport() {
        let r = record()
        #expect(r.redact("@marco paged ops@acme.test; write to support@acme.test.") == "A responder paged [address removed]; write to support@acme.test.")
        #expect(r.redact("Email Support@Acme.test") == "Email Support@Acme.test")
    }

    @Test func markdownEverywhere() {
        let r = record()
        let html = Markdown.html("## Priya Raman\n\n> Bob said hi\n\n**Søren** fixed it. [mail Bob](mailto:bob@x.test) [@bob](https://chat.test/@bob) `Dana Kim`\n\n- Priya Raman led", rewriter: r)
        for name in ["Priya", "Bob", "Søren", "Dana", "bob@"] { #expect(!html.contains(name), "\(name) in \(html)") }
        #expect(html.contains("<h2>The incident lead</h2>"))
        #expect(html.contains("<strong>The incident lead (from 10:30 UTC)</strong> fixed it."))
        #expect(html.contains("<li>The incident lead led</li>"))
        #expect(html.contains("mail Responder 1"))
        #expect(!html.contains("mailto:"))
    }

    @Test func respondersNumberedByFirstAppearanceStablePerRecord() {
        let r = Self.base.forRecord(roles: [])
        #expect(r.redact("Dana Kim, Bob, Dana Kim") == "Responder 1, Responder 2, Responder 1")
        #expect(r.label(for: "Bob Smith") == "Responder 2")
        #expect(r.label(for: "Someone Else") == "Someone Else")
    }

    @Test func textWithoutNamesIsUntouched() {
        #expect(!Self.base.mightRedact("Search is unavailable for most projects."))
        #expect(record().redact("Search is unavailable.") == "Search is unavailable.")
    }
}
