import Testing
@testable import HeraldCore

/// NeedleSet's one-pass search (first-byte table, pair filter) against a plain search of every
/// needle at every position, on random texts built from pieces of the needles.
@Suite struct NeedleSetTests {
    /// The first (offset, longest needle) match, found the slow way.
    func naive(_ needles: [String], _ text: String, wholeWord: Bool) -> (needle: Int, offset: Int)? {
        let h = Array(text.utf8).map(NeedleSet.fold)
        let folded = needles.map { Array($0.utf8).map(NeedleSet.fold) }
        func boundary(_ i: Int) -> Bool {
            guard i >= 0, i < h.count else { return true }
            let b = h[i]
            return !((b >= 48 && b <= 57) || (b >= 97 && b <= 122) || b >= 128)
        }
        for offset in h.indices {
            let order = folded.indices.filter { !folded[$0].isEmpty }.sorted { folded[$0].count > folded[$1].count }
            for n in order where offset + folded[n].count <= h.count && Array(h[offset..<(offset + folded[n].count)]) == folded[n] {
                if !wholeWord || (boundary(offset - 1) && boundary(offset + folded[n].count)) { return (n, offset) }
            }
        }
        return nil
    }

    @Test func findsWhatAPlainSearchFinds() {
        let needles = ["Jane Doe", "jane", "@jd", "x", "Bob", "bo", "Zoë", "a%20b"]
        let pieces = ["Jane", " ", "Doe", "JANE", "@", "jd", "x", "y", "Bob", "bo", "b", "Zo", "ë", "a%20b", "-", "\n", "é", "7"]
        let set = NeedleSet(needles)
        var seed: UInt64 = 11
        for _ in 0..<3000 {
            var text = ""
            seed = seed &* 6_364_136_223_846_793_005 &+ 1
            for _ in 0..<Int(1 + (seed >> 60)) {
                seed = seed &* 6_364_136_223_846_793_005 &+ 1
                text += pieces[Int((seed >> 33) % UInt64(pieces.count))]
            }
            for wholeWord in [false, true] {
                var bytes = text
                let found = bytes.withUTF8 { set.firstMatch(in: $0, wholeWord: wholeWord) }
                let expected = naive(needles, text, wholeWord: wholeWord)
                #expect(found?.needle == expected?.needle && found?.offset == expected?.offset, "\(text.debugDescription) wholeWord: \(wholeWord)")
            }
        }
        // A match in the last byte (one-byte needle) and none in an empty text.
        #expect(set.occurs(in: "yyx"))
        #expect(!set.occurs(in: ""))
        #expect(!NeedleSet(["Jane"]).occurs(in: "Jan"))
    }
}
