import Mustache
import Testing
@testable import HeraldCore

/// The built-in theme escapes with Herald's byte-level escaper; it must write exactly what
/// swift-mustache's own HTML escaping writes.
@Suite struct FastEscapeTests {
    @Test func sameBytesAsSwiftMustache() throws {
        _ = FastHTMLContentType.registered
        let plain = try MustacheTemplate(string: "{{x}}|{{#y}}{{.}}{{/y}}")
        let fast = try MustacheTemplate(string: FastHTMLContentType.pragma + "\n{{x}}|{{#y}}{{.}}{{/y}}")
        let pieces = ["a", "<", ">", "&", "\"", "'", "é", "🙂", "e\u{301}", "&amp;", " ", "\n", "<script>", "\u{0}", "ü<>"]
        var seed: UInt64 = 7
        for _ in 0..<500 {
            var text = ""
            for _ in 0..<8 {
                seed = seed &* 6_364_136_223_846_793_005 &+ 1
                text += pieces[Int((seed >> 33) % UInt64(pieces.count))]
            }
            let context: [String: Any] = ["x": text, "y": [text, "plain"]]
            #expect(fast.render(context) == plain.render(context), "\(text.debugDescription)")
        }
        #expect(fast.render(["x": "<a href=\"x\">'&'</a>"]) == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;|")
    }
}
