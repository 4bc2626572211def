import Testing
@testable import HeraldCore

@Suite struct LeakScannerTests {
    let scanner = LeakScanner(
        people: [
            Person(name: "Jane Doe", aliases: ["@jane", "jane@corp.test", "Jane"]),
            Person(name: "Søren Ås", aliases: ["O'Neil"]),
        ],
        support: "help@corp.test")

    func leaks(_ text: String) -> [String] {
        scanner.scan([OutputFile(path: "x.html", text: text)]).map(\.message)
    }

    @Test(arguments: [
        "Hello Jane Doe.", "ping @JANE now", "mail JANE@corp.TEST", "by Jane", "Søren Ås said", "O&#39;Neil", "href=\"mailto:jane%40corp.test\"",
        "line1\nJANE no, Jane yes",
    ])
    func findsNamesInEveryForm(text: String) {
        #expect(!leaks(text).isEmpty, "\(text)")
    }

    @Test(arguments: ["Janet was here", "JANE shouting is not the name", "mary-jane", "Søren Åsa", "contact help@corp.test", "janedoe"])
    func leavesOtherWordsAlone(text: String) {
        #expect(leaks(text).isEmpty, "\(text)")
    }

    @Test func reportsTheLine() {
        let diagnostics = scanner.scan([OutputFile(path: "a/b.html", text: "one\ntwo\nthree Jane Doe\n")])
        #expect(diagnostics.map(\.line) == [3])
        #expect(diagnostics.first?.message == "output contains a name from people.yml ('Jane Doe'); it must be shown as a role")
    }
}
