import Testing

@testable import HeraldCore

@Suite struct FrontMatterTests {
    func split(_ text: String) -> FrontMatterFile? {
        try? FrontMatterFile.split(text, path: "x.md").get()
    }

    @Test func splitsYAMLAndBodyWithLineNumbers() throws {
        let file = try #require(split("---\nstatus: identified\nat: 2026-11-22T14:05:00Z\n---\nBody line one\nline two\n"))
        #expect(file.yaml == "status: identified\nat: 2026-11-22T14:05:00Z")
        #expect(file.body == "Body line one\nline two\n")
        #expect(file.bodyLine == 5)
    }

    @Test func handlesCRLFByteOrderMarkEmptyYAMLAndDotsFence() throws {
        let crlf = try #require(split("\u{FEFF}---\r\ntitle: x\r\n---\r\nhello\r\n"))
        #expect(crlf.yaml == "title: x")
        #expect(crlf.body == "hello\n")
        let empty = try #require(split("---\n---\n"))
        #expect(empty.yaml == "")
        #expect(empty.body == "")
        #expect(empty.bodyLine == 3)
        #expect(split("---  \ntitle: x\n...\nbody")?.body == "body")
        #expect(split("---\ntitle: x\n---")?.body == "")
    }

    @Test func reportsMissingFences() {
        #expect(throws: Diagnostic.self) { try FrontMatterFile.split("title: x\n", path: "x.md").get() }
        #expect(throws: Diagnostic.self) { try FrontMatterFile.split("---\ntitle: x\n", path: "x.md").get() }
        #expect(throws: Diagnostic.self) { try FrontMatterFile.split("", path: "x.md").get() }
    }

    @Test func yamlLineNumbersPointIntoTheFile() {
        let fields = YAMLFields(yaml: "title: x\nseverity: huge\n", path: "x.md", lineOffset: 1)
        #expect(fields.line("severity") == 3)
        let broken = YAMLFields(yaml: "title: x\nat: [oops\nmore: y", path: "x.md", lineOffset: 1)
        #expect(!broken.isValid)
        #expect(broken.problems.first?.message.hasPrefix("broken YAML") == true)
    }
}
