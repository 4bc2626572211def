import Foundation
import HeraldMarkdown
import Testing

/// The repository's root (Tests/HeraldCoreTests/GFMTests.swift is two folders below it).
private let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
private let real = repository.appendingPathComponent("Tests/Fixtures/real")

/// Puts Herald's and other renderers' HTML in one form: Herald's table wrapper, `scope` and
/// checkbox label, cmark-gfm's and the spec's checkbox attributes, white space between tags.
func normalisedHTML(_ html: String, alignAttributes: Bool = false) -> String {
    var s = html
    func replace(_ pattern: String, _ template: String) {
        s = try! NSRegularExpression(pattern: pattern).stringByReplacingMatches(in: s, range: NSRange(s.startIndex..., in: s), withTemplate: template)
    }
    replace(#"<div class="table-wrap"[^>]*>\s*<table>"#, "<table>")
    replace(#"</table>\s*</div>"#, "</table>")
    replace(#" scope="col""#, "")
    if alignAttributes { replace(#" style="text-align: (left|right|center)""#, #" align="$1""#) }
    replace(#"<label class="task">"#, "")
    replace(#"</label>"#, "")
    replace(#"<input (?=[^>]*checked)[^>]*>\s*"#, "[x] ")
    replace(#"<input [^>]*type="checkbox"[^>]*>\s*"#, "[ ] ")
    // cmark-gfm puts a loose task item's checkbox before the paragraph, Herald in its label inside it.
    replace(#"<li>\s*\[( |x)\] <p>"#, "<li><p>[$1] ")
    replace(#"\s+"#, " ")
    replace(#">\s+<"#, "><")
    replace(#">\s+"#, ">")
    replace(#"\s+<"#, "<")
    return s.trimmingCharacters(in: .whitespaces)
}

struct SpecExample: CustomStringConvertible {
    var number: Int
    var kind: String
    var markdown: String
    var html: String
    var description: String { "\(kind) example \(number)" }
}

/// The examples of the GFM spec's extension sections (Tests/Fixtures/real/gfm-spec, CC-BY-SA 4.0).
func specExamples() throws -> [SpecExample] {
    let text = try String(contentsOf: real.appendingPathComponent("gfm-spec/extensions-0.29-gfm.txt"), encoding: .utf8)
    var examples: [SpecExample] = []
    let fence = String(repeating: "`", count: 32)
    var lines = text.components(separatedBy: "\n")[...]
    while let line = lines.popFirst() {
        guard line.hasPrefix(fence + " example") else { continue }
        let kind = String(line.dropFirst(fence.count + " example".count)).trimmingCharacters(in: .whitespaces)
        var markdown: [String] = []
        var html: [String] = []
        var inHTML = false
        while let next = lines.popFirst(), next != fence {
            if next == "." && !inHTML {
                inHTML = true
                continue
            }
            if inHTML { html.append(next) } else { markdown.append(next) }
        }
        let source = markdown.map { $0 + "\n" }.joined().replacingOccurrences(of: "→", with: "\t")
        examples.append(SpecExample(number: examples.count + 1, kind: kind, markdown: source, html: html.joined(separator: "\n")))
    }
    return examples
}

@Suite struct GFMSpecTests {
    @Test func specHasTheExtensionExamples() throws {
        let examples = try specExamples()
        #expect(examples.filter { $0.kind == "table" }.count == 8)
        #expect(examples.filter { $0.kind == "strikethrough" }.count == 2)
        #expect(examples.filter { $0.kind == "autolink" }.count == 11)
        #expect(examples.filter { $0.kind == "disabled" }.count == 2)  // the task list examples
    }

    @Test(arguments: try specExamples())
    func specExample(_ example: SpecExample) {
        let html = Markdown.html(example.markdown)
        #expect(normalisedHTML(html, alignAttributes: true) == normalisedHTML(example.html), "\(example.markdown)")
    }
}

/// Debian's cmark-gfm as an oracle: on real postmortems Herald writes the same HTML.
@Suite struct GFMOracleTests {
    static let files = (try? FileManager.default.contentsOfDirectory(atPath: real.appendingPathComponent("postmortems").path).sorted()) ?? []

    static func cmarkGFM(_ markdown: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["cmark-gfm", "-e", "table", "-e", "tasklist", "-e", "strikethrough", "-e", "autolink", "--table-prefer-style-attributes"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        let writer = Thread {
            input.fileHandleForWriting.write(Data(markdown.utf8))
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "cmark-gfm is missing: scripts/test installs it (apt-get install cmark-gfm)")
        return String(decoding: data, as: UTF8.self)
    }

    @Test func thereAreRealPostmortems() {
        #expect(Self.files.count >= 6)
    }

    @Test(arguments: files)
    func sameHTMLAsCmarkGFM(_ file: String) throws {
        let markdown = try String(contentsOf: real.appendingPathComponent("postmortems/\(file)"), encoding: .utf8)
        let expected = normalisedHTML(try Self.cmarkGFM(markdown))
        let html = normalisedHTML(Markdown.html(markdown))
        #expect(html == expected)
        if html != expected {
            // Show where they part.
            let a = Array(html)
            let b = Array(expected)
            var index = 0
            while index < min(a.count, b.count), a[index] == b[index] { index += 1 }
            let from = max(0, index - 80)
            Issue.record("herald: …\(String(a[from..<min(a.count, index + 80)]))…\ncmark-gfm: …\(String(b[from..<min(b.count, index + 80)]))…")
        }
    }

    /// Hand-written documents with every extension, checked against the oracle too.
    @Test(arguments: [
        "| a | b |\n|:-|-:|\n| *x* | `y\\|z` |\n| [l](https://l.test/) www.x.test |\n",
        "Intro text\n| a | b |\n| - | - |\n| 1 | 2 |\n- item\n",
        "> | q | r |\n> |---|---|\n> | 1 | 2 |\n",
        "- [ ] open\n- [x] done ~~old~~ new\n  - [X] nested\n",
        "1. [ ] first\n2. [x] second\n",
        "~~gone~~ and ~one~ and ~~~three~~~ and ~~a ~b~ c~~\n",
        "See https://example.com/a_(b)_c, http://x.test/path?q=1. And www.commonmark.org/help.\n",
        "Mail ops@example.com or a.b-c_d@a.b. Not `https://code.test` nor [www.link.test](https://t.test/).\n",
        "| t |\n|---|\n| x |\n\n| u |\n|---|\n",
        "| a |\n|---|\n| b |\n    indented\n",
        "| a |\n|---|\n| b |\n---\n",
        "text\n\n| x | y |\n|---|:-:|\n| **bold | not** | ok |\n| \\| pipe | <b>raw</b> |\n",
        "| a | b |\n|---|---|\n| 1 | 2 |\n2. next\n",
        "- item\n\n  | a | b |\n  |---|---|\n  | 1 | ops@example.com |\n  lazy\n",
        "foo~~bar~~baz ~~**bold**~~ *~~in~~* ~~~ ~~a\nb~~\n",
        "http://localhost:8080/x and (www.example.com/path_(x)) and https://a.b/c?d=1&e=2;\nVisit http://a.b/c\nwww.x.y  \nhttps://z.test\n",
        "- [ ] loose\n\n  second paragraph\n- [x] tight [link](https://l.test/) and https://m.test\n",
        "> - [x] quoted task\n> - [ ] another\n",
        "| f\\|oo |\n| ------ |\n",
        "Table: | a | b |\n| - | - |\n| 1 | 2 |\n\nafter\n",
        "# ~~Title~~ www.title.test\n\n| h |\n|:-:|\n| `code ~~x~~` |\n| ~~y~~ |\n",
        "user@mail.example.com/path, x@y, a@b.c., name+tag@sub.example.org!\n"
    ])
    func handWrittenAgreeWithCmarkGFM(_ markdown: String) throws {
        #expect(normalisedHTML(Markdown.html(markdown)) == normalisedHTML(try Self.cmarkGFM(markdown)), "\(markdown)")
    }
}

@Suite struct GFMTests {
    @Test func tablesAreAccessibleAndScroll() {
        let html = Markdown.html("| Time | Event |\n|:--|--:|\n| 10:00 | *Deploy* |\n")
        #expect(html.contains("<div class=\"table-wrap\" role=\"region\" aria-label=\"Table\" tabindex=\"0\">"))
        #expect(
            html.contains("<thead>\n<tr>\n<th scope=\"col\" style=\"text-align: left\">Time</th>\n<th scope=\"col\" style=\"text-align: right\">Event</th>"))
        #expect(html.contains("<td style=\"text-align: right\"><em>Deploy</em></td>"))
        #expect(!html.contains("align="))
        #expect(!html.contains("|"))
    }

    @Test func taskItemsAreDisabledLabelledCheckboxes() {
        let html = Markdown.html("- [ ] Add an alert\n- [x] Roll back\n")
        #expect(html.contains("<li><label class=\"task\"><input type=\"checkbox\" disabled> Add an alert</label></li>"))
        #expect(html.contains("<li><label class=\"task\"><input type=\"checkbox\" disabled checked> Roll back</label></li>"))
        #expect(Markdown.plainText("- [ ] a\n- [x] b\n") == "[ ] a\n\n[x] b")
        // Not a task: escaped, no space, not first in the item.
        #expect(!Markdown.html("- \\[ ] a\n- [x]b\n- a [ ] b\n").contains("checkbox"))
    }

    @Test func safeModeHoldsInsideExtensions() {
        let html = Markdown.html(
            "| a | b |\n|---|---|\n| [x](javascript:alert(1)) | <script>alert(1)</script> |\n| ![i](data:text/html;base64,xx) | <img src=x onerror=alert(1)> |\n\n- [ ] [y](vbscript:msgbox) ~~[z](javascript:z)~~\n"
        )
        #expect(!html.contains("javascript:"))
        #expect(!html.contains("vbscript:"))
        #expect(!html.contains("data:text/html"))
        #expect(!html.contains("<script"))
        #expect(!html.contains("onerror"))
        #expect(html.contains("<td><a href=\"\">x</a></td>"))
    }

    struct Names: MarkdownRewriter {
        func rewriteText(_ text: String, startsBlock: Bool) -> String {
            text.replacingOccurrences(of: "Jane", with: startsBlock ? "The lead" : "the lead").replacingOccurrences(of: "jane", with: "[removed]")
        }
        func rewriteDestination(_ url: String) -> String? { url.lowercased().contains("jane") ? nil : url }
    }

    @Test func redactionSeesCellsAutolinksAndStrikethrough() {
        let html = Markdown.html(
            "| Who | What |\n|---|---|\n| Jane | paged https://chat.test/jane and jane@corp.test |\n\n- [ ] Jane ~~Jane~~ www.jane.test\n",
            rewriter: Names())
        #expect(!html.contains("Jane"))
        #expect(!html.contains("jane"))
        #expect(html.contains("<td>The lead</td>"))
        #expect(html.contains("<del>the lead</del>"))
        #expect(html.contains("The lead"))
    }

    @Test func autolinksNeverInCodeOrLinks() {
        let html = Markdown.html("`https://a.test` [https://b.test](https://c.test/) ![www.d.test](img.png)\n\n    https://e.test\n\nhttps://f.test.")
        #expect(!html.contains("href=\"https://a.test\""))
        #expect(!html.contains("href=\"https://b.test\""))
        #expect(!html.contains("href=\"http://www.d.test\""))
        #expect(!html.contains("href=\"https://e.test\""))
        #expect(html.contains("<a href=\"https://f.test\">https://f.test</a>."))
    }

    @Test func plainTextAndProseOfTables() {
        let source = "Before.\n\n| Time | Event |\n|---|---|\n| 10:00 | Jane restarted it |\n| 10:05 | fixed |\n"
        #expect(Markdown.plainText(source) == "Before.\n\nTime | Event\n10:00 | Jane restarted it\n10:05 | fixed")
        let prose = Markdown.prose(source)
        #expect(prose.contains(MarkdownProse(line: 5, text: "Jane restarted it")))
        #expect(prose.contains(MarkdownProse(line: 6, text: "fixed")))
        #expect(prose.contains(MarkdownProse(line: 3, text: "Time")))
    }

    @Test func tablesInsideContainers() {
        let quoted = Markdown.html("> | a | b |\n> |---|---|\n> | 1 | 2 |\n")
        #expect(quoted.hasPrefix("<blockquote>\n<div class=\"table-wrap\""))
        #expect(quoted.contains("<td>2</td>"))
        let listed = Markdown.html("- item\n\n  | a | b |\n  |---|---|\n  | 1 | 2 |\n")
        #expect(listed.contains("<li>"))
        #expect(listed.contains("<td>2</td>"))
        // A reference link inside a cell resolves against the whole document.
        let referenced = Markdown.html("| a |\n|---|\n| [doc][d] |\n\n[d]: https://d.test/\n")
        #expect(referenced.contains("<td><a href=\"https://d.test/\">doc</a></td>"))
    }

    @Test func linksWithLines() {
        let links = Markdown.links("Text\n\n![pods](img/pods.png)\n\n| a |\n|---|\n| [log](files/x.txt) |\n\nsee https://x.test\n")
        #expect(
            links == [
                MarkdownLink(url: "img/pods.png", isImage: true, line: 3),
                MarkdownLink(url: "files/x.txt", isImage: false, line: 7),
                MarkdownLink(url: "https://x.test", isImage: false, isAutolink: true, line: 9)
            ])
    }

    @Test func headingRepeatingTheTitleIsLeftOut() {
        #expect(Markdown.html("# Search is down\n\nText", title: "Search is down") == "<p>Text</p>\n")
        #expect(Markdown.html("# Postmortem: search is DOWN!\n\nText", title: "Search is down") == "<p>Text</p>\n")
        #expect(Markdown.html("## Search is down postmortem\n\nText", title: "Search is down") == "<p>Text</p>\n")
        #expect(Markdown.html("# Summary\n\nText", title: "Search is down") == "<h1>Summary</h1>\n<p>Text</p>\n")
        #expect(Markdown.html("Text\n\n# Search is down", title: "Search is down").contains("<h1>"))
    }

    /// Two documented differences from cmark-gfm: an escaped tilde keeps the text node it is in
    /// from being struck through; an autolink holds the character an entity stands for.
    @Test func escapedTildesAndEntitiesInAutolinks() {
        #expect(Markdown.html("\\~50% of requests failed, \\~20% after ~~noon~~\n") == "<p>~50% of requests failed, ~20% after ~~noon~~</p>\n")
        #expect(Markdown.html("ok ~~struck~~\n\n\\~ escaped\n") == "<p>ok <del>struck</del></p>\n<p>~ escaped</p>\n")
        #expect(Markdown.html("https://a.test/?a=1&amp;b=2") == "<p><a href=\"https://a.test/?a=1&amp;b=2\">https://a.test/?a=1&amp;b=2</a></p>\n")
    }

    /// Hostile input: tables that each end inside libcmark's paragraph, thousands of them, with
    /// reference definitions, render in time that grows with the length (not its square).
    @Test func manyTablesStayCheap() {
        var source = ""
        for index in 0..<3000 { source += "| a\(index) | [b][r\(index % 50)] |\n|---|---|\n| 1 | 2 |\n2. item\n" }
        for index in 0..<50 { source += "\n[r\(index)]: https://r.test/\(index)" }
        let clock = ContinuousClock()
        let started = clock.now
        let html = Markdown.html(source)
        let elapsed = clock.now - started
        #expect(html.contains("<a href=\"https://r.test/7\">b</a>"))
        #expect(elapsed < .seconds(10), "\(elapsed)")
    }

    @Test func textsWithoutExtensionsRenderAsBefore() {
        let source = "We are investigating errors on the API. Next update by 14:30 UTC.\n"
        #expect(Markdown.html(source) == "<p>We are investigating errors on the API. Next update by 14:30 UTC.</p>\n")
    }
}
