import Testing

@testable import HeraldCore

@Suite struct LeakScannerTests {
    let scanner = LeakScanner(
        people: [
            Person(name: "Jane Doe", aliases: ["@jane", "jane@corp.test", "Jane"], line: 1),
            Person(name: "Søren Ås", aliases: ["O'Neil"], line: 3),
            Person(name: "May Lin", aliases: ["May", "Jan"], line: 5),
            Person(name: "Ada Public", aliases: [], isPublic: true, line: 7)
        ],
        support: "help@corp.test")

    func leaks(_ text: String, path: String = "x.html") -> [String] {
        scanner.scan([OutputFile(path: path, text: text)]).map(\.message)
    }

    @Test(arguments: [
        "Hello Jane Doe.", "ping @JANE now", "mail JANE@corp.TEST", "by Jane", "Søren Ås said", "O&#39;Neil", "href=\"mailto:jane%40corp.test\"",
        "line1\nJane yes", "JANE DOE", "Soren As", "S&#248;ren &Aring;s", "Jane&nbsp;Doe", "Ja\u{200B}ne", "May said so", "Jan and John",
        "Jane’s laptop", "“Jane”", "Jane—", "Søren\u{00A0}Ås"
    ])
    func findsNamesInEveryForm(text: String) {
        #expect(!leaks(text).isEmpty, "\(text)")
    }

    @Test func jsonAndCalendarEscapes() {
        #expect(!leaks(#"{"body":"S\u00f8ren \u00c5s"}"#, path: "a.json").isEmpty)
        #expect(!leaks("DESCRIPTION:Ja\r\n ne Doe was here", path: "m.ics").isEmpty)
    }

    @Test(arguments: [
        "Janet was here", "mary-jane", "Søren Åsa", "contact help@corp.test", "janedoe", "04 Jan 2022 10:00", "Tue, 04 Jan 2022",
        "History: May 2023", "22 May 2026", "Ada Public reported it", "may cause", "january"
    ])
    func leavesOtherWordsAlone(text: String) {
        #expect(leaks(text).isEmpty, "\(text)")
    }

    @Test func reportsTheLineButNeverTheName() {
        let diagnostics = scanner.scan([OutputFile(path: "a/b.html", text: "one\ntwo\nthree Jane Doe\n")])
        #expect(diagnostics.map(\.line) == [3])
        #expect(diagnostics.first?.message == "output contains the name or an alias of the person at content/people.yml:1; it must be shown as a role")
    }
}
