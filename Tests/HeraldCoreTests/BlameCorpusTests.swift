import Foundation
import Testing

@testable import HeraldCore

/// The blame lint on a labelled corpus (Tests/Fixtures/blame/corpus.tsv): half sentences that
/// blame, half traps, many from the real postmortems. docs/check.md reports these figures.
@Suite struct BlameCorpusTests {
    static let corpus: [(blame: Bool, sentence: String, source: String)] = {
        var url = URL(fileURLWithPath: #filePath)
        url.deleteLastPathComponent()
        url.deleteLastPathComponent()
        let text = try! String(contentsOf: url.appendingPathComponent("Fixtures/blame/corpus.tsv"), encoding: .utf8)
        return text.split(separator: "\n").compactMap { line in
            guard !line.hasPrefix("#") else { return nil }
            let parts = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 3, parts[0] == "blame" || parts[0] == "ok" else { return nil }
            return (parts[0] == "blame", parts[1], parts[2])
        }
    }()

    @Test func corpusIsLargeBalancedAndMostlyReal() {
        let blame = Self.corpus.filter(\.blame).count
        #expect(Self.corpus.count >= 60)
        #expect(abs(blame - (Self.corpus.count - blame)) <= 6)
        #expect(Self.corpus.filter { $0.source.hasPrefix("real/") }.count >= 20)
    }

    @Test func precisionAndRecall() {
        let rules = BlameRules(people: [])
        var truePositives = 0
        var falsePositives = 0
        var falseNegatives = 0
        var wrong: [String] = []
        for entry in Self.corpus {
            // Code spans are hidden from the lint, as `herald check` does (Markdown.prose).
            let text = entry.sentence.replacingOccurrences(of: #"`[^`]*`"#, with: "`code`", options: .regularExpression)
            let flagged = !rules.findings(in: text).isEmpty
            switch (entry.blame, flagged) {
            case (true, true): truePositives += 1
            case (false, true):
                falsePositives += 1
                wrong.append("false alarm: \(entry.sentence)")
            case (true, false):
                falseNegatives += 1
                wrong.append("missed: \(entry.sentence)")
            default: break
            }
        }
        let precision = Double(truePositives) / Double(max(1, truePositives + falsePositives))
        let recall = Double(truePositives) / Double(max(1, truePositives + falseNegatives))
        print("blame corpus: \(Self.corpus.count) sentences, precision \(precision), recall \(recall); \(wrong)")
        #expect(precision >= 0.95, "\(wrong)")
        #expect(recall >= 0.9, "\(wrong)")
    }

    @Test func everyFindingHasAHintAndItsPhrase() {
        let rules = BlameRules(people: [])
        for entry in Self.corpus where entry.blame {
            for finding in rules.findings(in: entry.sentence) {
                #expect(!finding.hint.isEmpty)
                #expect((entry.sentence as NSString).substring(with: finding.range) == finding.phrase)
            }
        }
    }
}
