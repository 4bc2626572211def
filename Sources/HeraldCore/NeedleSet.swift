/// Finds any of many short strings in UTF-8 bytes in one pass, ASCII letters folded to lower case.
///
/// Used where every page or every update must be checked against every name and alias (the leak
/// scan, the redaction pre-check): a table of first bytes means each position of the text costs one
/// lookup, however many needles there are.
public struct NeedleSet: Sendable {
    let needles: [[UInt8]]
    /// For each first byte, the needles starting with it, longest first.
    let byFirstByte: [[Int]]
    /// One bit per pair of (folded) bytes that some needle starts with (a one-byte needle marks
    /// every pair it begins): most positions of a page are passed over with one bit test.
    let pairs: [UInt64]

    public init(_ strings: [String]) {
        let folded = strings.map { Array($0.utf8).map(Self.fold) }.filter { !$0.isEmpty }
        needles = folded
        var table = [[Int]](repeating: [], count: 256)
        var pairs = [UInt64](repeating: 0, count: 65536 / 64)
        for (index, needle) in folded.enumerated() {
            table[Int(needle[0])].append(index)
            let seconds = needle.count > 1 ? [needle[1]] : (0...255).map { UInt8($0) }
            for second in seconds {
                let pair = Int(needle[0]) << 8 | Int(second)
                pairs[pair >> 6] |= 1 << UInt64(pair & 63)
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
        var index = 0
        while index < count {
            if index + 1 < count {
                let pair = Int(Self.fold(h[index])) << 8 | Int(Self.fold(h[index + 1]))
                if pairs.withUnsafeBufferPointer({ $0[pair >> 6] & (1 << UInt64(pair & 63)) }) == 0 {
                    index += 1
                    continue
                }
            }
            let candidates = byFirstByte[Int(Self.fold(h[index]))]
            if !candidates.isEmpty {
                for n in candidates {
                    let needle = needles[n]
                    if index + needle.count > count { continue }
                    var k = 1
                    while k < needle.count && Self.fold(h[index + k]) == needle[k] { k += 1 }
                    if k == needle.count {
                        if !wholeWord || (Self.isBoundary(h, index - 1) && Self.isBoundary(h, index + needle.count)),
                            accept(n, index)
                        {
                            return (n, index)
                        }
                    }
                }
            }
            index += 1
        }
        return nil
    }

    @inline(__always) static func isBoundary(_ h: UnsafeBufferPointer<UInt8>, _ index: Int) -> Bool {
        guard index >= 0, index < h.count else { return true }
        let b = h[index]
        return !((b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b >= 128)
    }
}
