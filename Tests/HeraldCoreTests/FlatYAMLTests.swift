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

    /// What the fast reader makes of `yaml`, after checking that Yams agrees; nil when it declined.
    static func agreement(_ yaml: String, sourceLocation: SourceLocation = #_sourceLocation) -> YAMLValue? {
        guard let fast = FlatYAML.parse(yaml) else { return nil }
        do {
            let full = try Yams.compose(yaml: yaml).map(YAMLValue.convert)
            #expect(document(fast) == document(full), "\(yaml.debugDescription)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("fast reader accepted YAML that Yams rejects: \(yaml.debugDescription)", sourceLocation: sourceLocation)
        }
        return fast
    }

    /// A seeded linear congruential generator: the same documents on every run.
    struct Seeded {
        var seed: UInt64
        init(_ seed: UInt64) { self.seed = seed }
        mutating func next(_ n: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(n))
        }
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
        "components:\n  - api\n  - search",
        "components:\n  - api\n  - search\nnext: x",
        "components:\n  - api\n\n  - search",
        "components:\n  - api\n# c\n  - search",
        "components:\n- api",
        "components:\n    - api",
        "components:\n  -  api",
        "components:\n  -\n  - api",
        "components:\n  - - api",
        "components:\n  - [a, b]\n  - {k: v}\n  - 'q, r'",
        "timeline:\n  - at: 2026-11-22T14:05:00Z\n    text: Deployed.\n    milestone: impact-started\n  - at: x\nauthors: [A B]",
        "action_items:\n  - title: Canary timeout changes\n    type: prevent\n    owner: Person17 Example17\n    status: open\n    link: https://tracker.bench.test/8248\n",
        "list:\n  - a: 1\n    a: 2",
        "list:\n  - a: 1\n      b: 2",
        "list:\n  - a: 1\n   b: 2",
        "list:\n  - a:\n    b: 2",
        "list:\n  - a:\n      - x",
        "list:\n  - a: b: c",
        "list:\n  - a: x # note\n    b: 'y' # note",
        "list:\n  - x\n    b: 2",
        "list:\n  - http://example.com/a:b\n  - a:b",
        "list:\n  - a: 1\n    \n    b: 2",
        "list:\n  - a: 1\n\tb: 2",
        "list:  \n  - x",
        "list: # c\n  - x",
        "list:\r\n  - x\r\n",
        "a:\n  - x\nb:\n  - y\n  - k: v\n    j: w\nc: z"
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
            "", "", ""
        ]
        var random = Seeded(42)
        func next(_ n: Int) -> Int { random.next(n) }
        var accepted = 0
        for _ in 0..<3000 {
            var lines: [String] = []
            for _ in 0..<(1 + next(4)) {
                switch next(10) {
                case 0: lines.append("# comment")
                case 1: lines.append("")
                case 2:
                    let items = [
                        "  - item", "  - k: v", "    k: v", "    j: 'w'", "  - [a, b]", "  -", "   - x", "    - y", "  - k:", "      deep: x", "  - a: b: c",
                        "\t- x", "  - x # c"
                    ]
                    lines.append(items[next(items.count)])
                default: lines.append(keys[next(keys.count)] + separators[next(separators.count)] + values[next(values.count)])
                }
            }
            let yaml = lines.joined(separator: next(5) == 0 ? "\r\n" : "\n")
            guard Self.agreement(yaml) != nil else { continue }
            accepted += 1
        }
        #expect(accepted > 200)
    }

    /// Random block lists (the shape of a postmortem's timeline and action items), with the
    /// indentation, nesting and comment mistakes people make; wherever the fast reader answers,
    /// Yams must agree (and it must read a good share of them itself: over 120 with lists).
    @Test func agreesWithYamsOnGeneratedBlockLists() throws {
        let heads = ["timeline:", "action_items:", "list:  ", "x: y", "# comment", "", "k: [a]"]
        let items = [
            "  - plain", "  - at: 2026-11-22T14:05:00Z", "    text: Deployed.", "    milestone: impact-started", "    text: 'It''s: fine'",
            "    link: https://example.com/a?b=c#d", "  - [a, b]", "  - {k: v}", "  - k:", "    j:", "    j: w # c", "  - \"q\"",
            "  -", "   - x", "    - y", "      deep: x", "  - a: b: c", "\t- x", "  - x # c", "  -  two", "   ", "    k2: v2"
        ]
        var random = Seeded(7)
        func next(_ n: Int) -> Int { random.next(n) }
        var accepted = 0
        var lists = 0
        for _ in 0..<3000 {
            var lines: [String] = []
            for _ in 0..<(1 + next(3)) {
                lines.append(heads[next(heads.count)])
                for _ in 0..<next(5) {
                    // Mostly well-formed: an item, then its further keys.
                    lines.append(next(4) == 0 ? items[next(items.count)] : items[next(4)])
                }
            }
            let yaml = lines.joined(separator: "\n")
            guard let fast = Self.agreement(yaml) else { continue }
            accepted += 1
            if Self.describe(fast).contains("[{") || Self.describe(fast).contains("[plain") { lists += 1 }
        }
        #expect(accepted > 300, "\(accepted)")
        #expect(lists > 120, "\(lists)")
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
        for yaml in [
            "components:\n- api", "components:\n    - api", "list:\n  - a:\n      b: c", "list:\n  - a: 1\n    a: 2",
            "title: |\n  block", "title: &a x", "title: a: b", "title: x\ntitle: y", "k: {a: [1, 2]}"
        ] {
            #expect(FlatYAML.parse(yaml) == nil, "\(yaml)")
        }
    }

    /// A postmortem's front matter (nested lists of flat maps) is read without Yams, and the
    /// loader's view of it is exactly Yams's.
    @Test func typicalPostmortemTakesTheFastPath() throws {
        let yaml = """
            incident: 2026-11-22-search-down
            status: published
            published: 2026-11-25
            summary: A faulty timeout change caused search errors.
            authors: [Jane Doe, "Sam O'Neil"]
            timeline:
              - at: 2026-11-22T13:55:00Z
                text: The timeout change was deployed.
                milestone: impact-started
              - at: 2026-11-22T14:20:00Z
                text: 'Rolled back: errors stopped.'
            action_items:
              - title: Canary timeout changes
                type: prevent
                owner: Jane Doe
                status: open
                link: https://tracker.example.com/8248
            """
        let fast = try #require(FlatYAML.parse(yaml))
        let full = try Yams.compose(yaml: yaml).map(YAMLValue.convert)
        #expect(Self.document(fast) == Self.document(full))
    }

    @Test func typicalEventTakesTheFastPath() {
        #expect(FlatYAML.parse("status: identified\nat: 2026-11-22T14:05:00Z\nby: Jane Doe\ncomponents: {search: major_outage}") != nil)
    }
}
