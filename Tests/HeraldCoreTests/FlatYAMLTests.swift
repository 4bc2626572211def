import Testing
import Yams
@testable import HeraldCore

/// The fast front-matter reader must agree with the full YAML parser whenever it answers at all.
@Suite struct FlatYAMLTests {
    static func describe(_ value: YAMLValue?) -> String {
        guard let value else { return "nil" }
        switch value {
        case .scalar(let s, let plain, let line): return "\(plain ? "plain" : "quoted")(\(s))@\(line)"
        case .sequence(let items, let line): return "[\(items.map { describe($0) }.joined(separator: ","))]@\(line)"
        case .mapping(let pairs, let line): return "{\(pairs.map { "\($0.key):\(describe($0.value))" }.joined(separator: ","))}@\(line)"
        }
    }

    /// A whole document as the loader sees it: no document and an empty mapping are the same
    /// (no fields), and the top mapping's own line is never used.
    static func document(_ value: YAMLValue?) -> String {
        guard let value else { return describe(.mapping([], line: 0)) }
        if case .mapping(let pairs, _) = value { return describe(.mapping(pairs, line: 0)) }
        return describe(value)
    }

    static let samples: [String] = [
        "status: identified\nat: 2026-11-22T14:05:00Z\nby: Jane Doe",
        "title: \"Search: degraded\"\nseverity: major\ncomponents: [search, api]",
        "components: {search: major_outage, api: degraded_performance}\nstatus: monitoring",
        "title: 'It''s slow'\nupstream: true\n# a comment\n\nroles: {incident-lead: Jane Doe}",
        "title: Search  # trailing comment\nseverity: minor",
        "by: \"Søren \\\"the\\\" Dane\"",
        "title: x\ntitle: y",
        "title: a: b",
        "components:\n  - api\n  - search",
        "title: [unclosed",
        "title: &anchor x",
        "title: |\n  block",
        "at: -15m",
        "empty:\nnext: value",
        "list: []\nmap: {}",
        "title: \"unterminated",
        "title: @handle",
        "k: {a: [1, 2]}",
        "title: Ünïcödé — dash",
        "name: 'a, b'\nlist: ['x, y', \"z\"]",
        "title: x\r\nseverity: minor\r\n",
        "title: \"a\\nb\\t/\\\\c\"",
        "list: [ a ,b ]  # note",
        "title: x\tof tabs",
        "title: caf\u{E9}\u{301}",
        "k: '\u{301}x'",
        "title:\u{A0}x",
        "list: [\u{A0}]",
        "   \n\ntitle: x\n\t\n",
    ]

    /// Random front matter built from the pieces that trip readers up; the fast reader must agree
    /// with Yams on every document it accepts.
    @Test func agreesWithYamsOnGeneratedDocuments() throws {
        let keys = ["title", "at", "by", "x-y", "k_1", "Key", "", "a b"]
        let separators = [": ", ":", " : ", ":  ", ":\t"]
        let values = [
            "plain", "'q''uote'", "\"dq\\\"x\"", "[a, b]", "{a: b, c: d}", "[ 'x, y' , \"z\" ]", "-1", "- x", "#c", "a # c",
            "a#b", "\u{E9} \u{FC}", "a: b", "\"\"", "''", "[]", "{ }", "x\t", "@h", "~", "true", "[a, [b]]", "{a: [b]}",
            "'unclosed", "\"\\q\"", "x:", "[a,]", "{a}", "&x y", "*x", "!tag x", "|", ">", "%x", "`x`", "x  ", "[a, b] #c", "[a] b",
        ]
        var seed: UInt64 = 42
        func next(_ n: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(n))
        }
        var accepted = 0
        for _ in 0..<3000 {
            var lines: [String] = []
            for _ in 0..<(1 + next(4)) {
                switch next(10) {
                case 0: lines.append("# comment")
                case 1: lines.append("")
                case 2: lines.append("  - item")
                default: lines.append(keys[next(keys.count)] + separators[next(separators.count)] + values[next(values.count)])
                }
            }
            let yaml = lines.joined(separator: next(5) == 0 ? "\r\n" : "\n")
            guard let fast = FlatYAML.parse(yaml) else { continue }
            accepted += 1
            let full: YAMLValue?
            do {
                full = try Yams.compose(yaml: yaml).map(YAMLValue.convert)
            } catch {
                Issue.record("fast reader accepted YAML that Yams rejects: \(yaml.debugDescription)")
                continue
            }
            #expect(Self.document(fast) == Self.document(full), "\(yaml.debugDescription)")
        }
        #expect(accepted > 200)
    }

    @Test(arguments: samples)
    func agreesWithYams(yaml: String) throws {
        guard let fast = FlatYAML.parse(yaml) else { return }  // declined: Yams handles it
        let full: YAMLValue?
        do {
            full = try Yams.compose(yaml: yaml).map(YAMLValue.convert)
        } catch {
            Issue.record("fast reader accepted YAML that Yams rejects: \(yaml)")
            return
        }
        #expect(Self.document(fast) == Self.document(full), "\(yaml)")
    }

    @Test func declinesWhatItDoesNotFullyUnderstand() {
        for yaml in ["components:\n  - api", "title: |\n  block", "title: &a x", "title: a: b", "title: x\ntitle: y", "k: {a: [1, 2]}"] {
            #expect(FlatYAML.parse(yaml) == nil, "\(yaml)")
        }
    }

    @Test func typicalEventTakesTheFastPath() {
        #expect(FlatYAML.parse("status: identified\nat: 2026-11-22T14:05:00Z\nby: Jane Doe\ncomponents: {search: major_outage}") != nil)
    }
}
