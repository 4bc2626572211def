import HeraldMarkdown
import Testing

@Suite struct MarkdownTests {
    @Test func rendersCommonMark() {
        let html = Markdown.html("# Title\n\nSome *text* and `code`.\n\n- a\n- b\n")
        #expect(html == "<h1>Title</h1>\n<p>Some <em>text</em> and <code>code</code>.</p>\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n")
    }

    @Test func safeModeOmitsRawHTMLAndDangerousLinks() {
        let html = Markdown.html("<script>alert(1)</script>\n\nHi <b onclick=x>there</b> [x](javascript:alert(1)) [y](https://ok.test/)")
        #expect(!html.contains("<script"))
        #expect(!html.contains("<b onclick"))
        #expect(!html.contains("javascript:"))
        #expect(html.contains("href=\"https://ok.test/\""))
    }

    struct Upper: MarkdownRewriter {
        func rewriteText(_ text: String, startsBlock: Bool) -> String { text.replacingOccurrences(of: "Jane", with: "the lead") }
        func rewriteDestination(_ url: String) -> String? { url.contains("jane") ? nil : url }
    }

    @Test func rewriterReachesTextHeadingsCodeAndLinks() {
        let html = Markdown.html("## Jane\n\n> Jane said\n\n`Jane` [Jane](mailto:jane@x.test) [docs](https://d.test/)", rewriter: Upper())
        #expect(!html.contains("Jane"))
        #expect(!html.contains("jane@"))
        #expect(html.contains("<h2>the lead</h2>"))
        #expect(html.contains("<code>the lead</code>"))
        #expect(html.contains("href=\"https://d.test/\""))
    }

    @Test func plainTextAndProse() {
        #expect(Markdown.plainText("We **fixed** it.\n\nSee `log`.") == "We fixed it.\n\nSee log.")
        let prose = Markdown.prose("Line one\n\n```\nthis morning\n```\n\n> quoted this morning\n\nlast `code` here")
        #expect(prose == [MarkdownProse(line: 1, text: "Line one"), MarkdownProse(line: 9, text: "last `code` here")])
    }

    @Test func invalidUTF8AndEmptyInputAreSafe() {
        #expect(Markdown.html("") == "")
        #expect(Markdown.plainText("") == "")
    }
}
