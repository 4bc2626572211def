import Testing

@testable import HeraldCore

/// The rules behind SecurityInputTests, case by case (docs/security.md).
@Suite struct InputRulesTests {
    @Test func conflictMarkers() {
        #expect(InputRules.conflictMarker(in: "a\n<<<<<<< HEAD\nb\n=======\nc\n>>>>>>> x\n")?.line == 2)
        #expect(InputRules.conflictMarker(in: "a\r\n<<<<<<<\r\n")?.line == 2)
        #expect(InputRules.conflictMarker(in: "a\n>>>>>>> theirs")?.marker == ">>>>>>>")
        #expect(InputRules.conflictMarker(in: "<<<<<<<")?.line == 1)
        // Not markers: a heading underline, eight signs, a marker inside a line, six signs.
        #expect(InputRules.conflictMarker(in: "Title\n=======\n") == nil)
        #expect(InputRules.conflictMarker(in: "<<<<<<<< eight\n") == nil)
        #expect(InputRules.conflictMarker(in: "text <<<<<<< HEAD\n") == nil)
        #expect(InputRules.conflictMarker(in: ">>>>>> six\n|||||||\n") == nil)
        #expect(InputRules.conflictMarker(in: "") == nil)
    }

    @Test func links() {
        for good in ["https://x.test/a?b=c#d", "http://x.test", "mailto:help@x.test", "/about/", "#top", "notes.html", "//x.test/", "https://bücher.test/ü"] {
            #expect(InputRules.linkProblem(good) == nil, "\(good)")
        }
        for bad in [
            "javascript:alert(1)", "JAVASCRIPT:x", "data:text/html,x", "vbscript:x", "file:///etc", "ftp://x.test", "https:x.test",
            "https:///x", "java\tscript:x", " https://x.test", "https://x.test/\u{202E}", "https://x.test/\u{00A0}", "x\"onmouseover=", ""
        ] {
            #expect(InputRules.linkProblem(bad) != nil, "\(bad)")
        }
    }

    @Test func addressesAndBaseURLs() {
        #expect(InputRules.emailProblem("support+status@mail.example.com") == nil)
        for bad in ["a@b", "@x.test", "a@@x.test", "a b@x.test", "a@x.test\r\nBcc: c@x.test", "a@-x.test", ".a@x.test", "a@x..test"] {
            #expect(InputRules.emailProblem(bad) != nil, "\(bad)")
        }
        #expect(InputRules.baseURLProblem("https://status.example.com/sub/") == nil)
        for bad in ["https://x.test/\nDisallow: /", "https://x.test/?a", "https://u@x.test/", "javascript://x.test/", "https://"] {
            #expect(InputRules.baseURLProblem(bad) != nil, "\(bad)")
        }
    }

    @Test func durationsNeverTrap() {
        #expect(DurationText.parse("9223372036854775807s") == Int64.max)
        #expect(DurationText.parse("9223372036854775808s") == nil)
        #expect(DurationText.overflows("9223372036854775808s"))
        #expect(DurationText.parse("106751991167301d") == nil)
        #expect(DurationText.parse("99999999999999999999999h") == nil)
        #expect(!DurationText.overflows("soon"))
        #expect(DurationText.parse("1h30m") == 5400)
    }

    @Test func terminalText() {
        #expect(InputRules.terminalSafe("a\u{1B}[2Jb\u{9B}c\u{7F}\nd\te") == "a\u{FFFD}[2Jb\u{FFFD}c\u{FFFD}\nd\te")
        #expect(InputRules.terminalSafe("a\nb", lines: false) == "a\u{FFFD}b")
        #expect(InputRules.quoted("x\r\ny") == "'x\\u{000D}\\u{000A}y'")
    }

    @Test func yamlGuard() {
        #expect(YAMLGuard.check("a: &a [1, 2]\nb: *a\nc: *a\n") == nil)
        #expect(
            YAMLGuard.check(
                "a: &a [" + Array(repeating: "x", count: 200).joined(separator: ",") + "]\nb: [" + Array(repeating: "*a", count: 60).joined(separator: ",")
                    + "]\n")?.line == 2)
        #expect(YAMLGuard.check(String(repeating: "- ", count: 100) + "x\n")?.message.contains("nested") == true)
        #expect(YAMLGuard.check("a: [unclosed\n") == nil)  // syntax errors are Yams's to word
    }
}
