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
    ]

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
        #expect(Self.describe(fast) == Self.describe(full), "\(yaml)")
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
