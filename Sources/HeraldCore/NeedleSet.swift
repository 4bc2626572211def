/// Finds any of many short strings in UTF-8 bytes in one pass, ASCII letters folded to lower case.
///
/// Used where every page or every update must be checked against every name and alias (the leak
/// scan, the redaction pre-check): a table of first bytes means each position of the text costs one
/// lookup, however many needles there are.
public struct NeedleSet: Sendable {
    let needles: [[UInt8]]
    /// For each first byte, the needles starting with it, longest first.
    let byFirstByte: [[Int]]
    /// One bit per pair of bytes, as they are in the text, that some needle starts with once folded
    /// (both cases of a letter are marked; a one-byte needle marks every pair it begins): most
    /// positions of a page are passed over with one bit test, without folding.
    let pairs: [UInt64]

    public init(_ strings: [String]) {
        let folded = strings.map { Array($0.utf8).map(Self.fold) }.filter { !$0.isEmpty }
        needles = folded
        var table = [[Int]](repeating: [], count: 256)
        var pairs = [UInt64](repeating: 0, count: 65536 / 64)
        // The bytes that fold to `byte`: itself, and its capital if it is a lowercase letter.
        func unfolded(_ byte: UInt8) -> [UInt8] { byte >= 97 && byte <= 122 ? [byte, byte - 32] : [byte] }
        for (index, needle) in folded.enumerated() {
            table[Int(needle[0])].append(index)
            let seconds = needle.count > 1 ? unfolded(needle[1]) : (0...255).map { UInt8($0) }
            for first in unfolded(needle[0]) {
                for second in seconds {
                    let pair = Int(first) << 8 | Int(second)
                    pairs[pair >> 6] |= 1 << UInt64(pair & 63)
                }
            }
        }
        for i in 0..<256 { table[i].sort { folded[$0].count > folded[$1].count } }
        byFirstByte = table
        self.pairs = pairs
    }

    public var isEmpty: Bool { needles.isEmpty }

    @inline(__always) static func fold(_ byte: UInt8) -> UInt8 { byte >= 65 && byte <= 90 ? byte + 32 : byte }

    /// Whether any needle occurs anywhere in `text` (ignoring ASCII case and word boundaries).
    public func occurs(in text: String) -> Bool {
        if needles.isEmpty { return false }
        var text = text
        return text.withUTF8 { firstMatch(in: $0, wholeWord: false) != nil }
    }

    /// The first occurrence: (needle index, byte offset). With `wholeWord`, a match must not be
    /// preceded or followed by a letter or digit (any non-ASCII byte counts as a letter).
    public func firstMatch(
        in h: UnsafeBufferPointer<UInt8>, wholeWord: Bool, accept: (_ needle: Int, _ offset: Int) -> Bool = { _, _ in true }
    ) -> (needle: Int, offset: Int)? {
        let count = h.count
        guard count > 0 else { return nil }
        // The leak scan runs this over every byte of every page (7 % of a cold build's instructions
        // at 10,000 incidents): the pair filter is read through one pointer and tests bytes as
        // they are; only a position that passes it is folded and compared.
        @inline(__always) func candidates(at index: Int, _ first: UInt8) -> (needle: Int, offset: Int)? {
            for n in byFirstByte[Int(first)] {
                let needle = needles[n]
                if index + needle.count > count { continue }
                var k = 1
                while k < needle.count && Self.fold(h[index + k]) == needle[k] { k += 1 }
                if k == needle.count,
                    !wholeWord || (Self.isBoundary(h, index - 1) && Self.isBoundary(h, index + needle.count)),
                    accept(n, index)
                {
                    return (n, index)
                }
            }
            return nil
        }
        return pairs.withUnsafeBufferPointer { bits -> (needle: Int, offset: Int)? in
            let last = count - 1
            var index = 0
            var first = h[0]
            while index < last {
                let second = h[index + 1]
                let pair = Int(first) << 8 | Int(second)
                if bits[pair >> 6] & (1 << UInt64(pair & 63)) != 0, let match = candidates(at: index, Self.fold(first)) { return match }
                first = second
                index += 1
            }
            // The last byte can only begin a one-byte needle (no pair to filter on).
            return candidates(at: last, Self.fold(first))
        }
    }

    @inline(__always) static func isBoundary(_ h: UnsafeBufferPointer<UInt8>, _ index: Int) -> Bool {
        guard index >= 0, index < h.count else { return true }
        let b = h[index]
        return !((b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b >= 128)
    }
}
