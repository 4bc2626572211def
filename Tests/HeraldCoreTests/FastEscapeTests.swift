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

/// The feeds' XML escaping works on bytes; it must write what escaping scalar by scalar writes.
@Suite struct XMLEscapeTests {
    /// The escaping as XML 1.0 defines it, one Unicode scalar at a time (the former implementation).
    static func reference(_ value: String) -> String {
        var out = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                let v = scalar.value
                if v == 0x9 || v == 0xA || v == 0xD || (v >= 0x20 && v <= 0xD7FF) || (v >= 0xE000 && v <= 0xFFFD) || v >= 0x10000 {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    @Test func sameAsEscapingScalarByScalar() {
        let pieces = [
            "a", "<p>", ">", "&", "\"", "'", "é", "🙂", "e\u{301}", "&amp;", " ", "\n", "\t", "\r", "\u{0}", "\u{1}",
            "\u{1F}", "\u{7F}", "\u{85}", "\u{D7FF}", "\u{E000}", "\u{FFFD}", "\u{FFFE}", "\u{FFFF}", "\u{10000}", "\u{EFBF}", "ï¿"
        ]
        var seed: UInt64 = 11
        for _ in 0..<2000 {
            var text = ""
            for _ in 0..<((seed >> 40) % 9) {
                seed = seed &* 6_364_136_223_846_793_005 &+ 1
                text += pieces[Int((seed >> 33) % UInt64(pieces.count))]
            }
            seed = seed &* 6_364_136_223_846_793_005 &+ 1
            #expect(XMLEscape.text(text) == Self.reference(text), "\(text.debugDescription)")
        }
        #expect(XMLEscape.text("a\u{FFFE}b\u{FFFF}c\u{FFFD}<\u{8}>") == "abc\u{FFFD}&lt;&gt;")
        #expect(XMLEscape.text("plain text") == "plain text")
    }
}
