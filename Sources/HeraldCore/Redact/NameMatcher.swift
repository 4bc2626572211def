import Foundation

/// Finds names and aliases in UTF-8 text as a reader sees it (`ReaderText`), whole words only,
/// longest first, in one pass: every position of the text is passed over with one bit test of
/// its two bytes, and only a position that may begin a name is read further. The redactor and
/// the leak scan share it, so what one replaces the other looks for.
package struct NameMatcher: Sendable {
    struct Needle: Sendable {
        var folded: [UInt8]
        var upper: [Bool]
        /// Handles, e-mail addresses and people.yml's `match_case: false`.
        var ignoresCase: Bool
        /// A month or weekday name ("May", "Jan"): not a name where it is part of a date.
        var isCalendarWord: Bool
        /// Index of the person (or whatever the caller counts).
        var owner: Int
    }

    let needles: [Needle]
    let byFirstByte: [[Int]]
    let pairs: [UInt64]
    let longest: Int

    package struct Match: Sendable, Equatable {
        package var needle: Int
        package var owner: Int
        /// Raw byte range in the text.
        package var start: Int
        package var end: Int
    }

    /// `entries`: the text to find, who it belongs to, and whether case is ignored.
    init(_ entries: [(text: String, owner: Int, ignoresCase: Bool)]) {
        var needles: [Needle] = []
        var seen: Set<[UInt8]> = []
        for entry in entries {
            let (bytes, upper) = ReaderText.folded(entry.text)
            guard !bytes.isEmpty, ReaderText.isWordByte(bytes[0]) || bytes[0] == 64 else { continue }
            // The same folded text with the same case twice is one needle (the first owner wins).
            let signature = bytes + [entry.ignoresCase ? 1 : 0] + upper.map { $0 ? 1 : 0 }
            guard seen.insert(signature).inserted else { continue }
            needles.append(
                Needle(
                    folded: bytes, upper: upper, ignoresCase: entry.ignoresCase,
                    isCalendarWord: Self.calendarWords.contains(String(decoding: bytes, as: UTF8.self)), owner: entry.owner))
        }
        self.needles = needles
        var table = [[Int]](repeating: [], count: 256)
        var pairs = [UInt64](repeating: 0, count: 65536 / 64)
        func mark(_ a: UInt8, _ b: UInt8) {
            let pair = Int(a) << 8 | Int(b)
            pairs[pair >> 6] |= 1 << UInt64(pair & 63)
        }
        // Bytes a folded byte can be written as, raw: itself and its capital.
        func raw(_ byte: UInt8) -> [UInt8] { byte >= 97 && byte <= 122 ? [byte, byte - 32] : [byte] }
        // Raw bytes that may read as something else: non-ASCII, entities, escapes, emphasis, spaces.
        // (Whitespace, '-' and '_' only where the needle's second byte is a space: "J Doe".)
        let special: [UInt8] = Array(128...255) + [38, 37, 42, 92]
        for (index, needle) in needles.enumerated() {
            table[Int(needle.folded[0])].append(index)
            guard needle.folded[0] < 128 else { continue }  // non-ASCII first bytes are always read
            let spaces: [UInt8] = needle.folded.count > 1 && needle.folded[1] == 32 ? [32, 9, 10, 13, 45, 95] : []
            let seconds = needle.folded.count > 1 ? raw(needle.folded[1]) + special + spaces : (0...255).map { UInt8($0) }
            for first in raw(needle.folded[0]) { for second in seconds { mark(first, second) } }
        }
        // Bytes that may begin a name written otherwise: a UTF-8 lead byte, an entity, a
        // percent-escape, a JSON escape. Marked for every second byte: one bit test a position.
        if !needles.isEmpty {
            for first in [UInt8(38), 37, 92] + Array(UInt8(0xC0)...UInt8(0xFF)) { for second in 0...255 { mark(first, UInt8(second)) } }
        }
        for i in 0..<256 { table[i].sort { needles[$0].folded.count > needles[$1].folded.count } }
        byFirstByte = table
        self.pairs = pairs
        longest = needles.map(\.folded.count).max() ?? 0
    }

    package var isEmpty: Bool { needles.isEmpty }

    static let calendarWords: Set<String> = [
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december",
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "mon", "tue", "wed", "thu", "fri", "sat", "sun"
    ]

    /// Calls `found` for each match, left to right, never overlapping; `found` returns false to stop.
    func forEachMatch(in h: UnsafeBufferPointer<UInt8>, mode: ReaderText.Mode = .text, _ found: (Match) -> Bool) {
        let count = h.count
        guard count > 0, !needles.isEmpty else { return }
        // The folded units read at a candidate position (reused).
        var folded: [UInt8] = []
        var upper: [Bool] = []
        var ends: [Int] = []
        folded.reserveCapacity(longest + 8)
        var index = 0
        pairs.withUnsafeBufferPointer { bits in
            while index < count {
                let first = h[index]
                let candidate: Bool
                if index + 1 < count {
                    let pair = Int(first) << 8 | Int(h[index + 1])
                    candidate = bits[pair >> 6] & (1 << UInt64(pair & 63)) != 0
                } else {
                    candidate = first >= 0xC0 || first == 38 || first == 37 || !byFirstByte[Int(first | (first >= 65 && first <= 90 ? 32 : 0))].isEmpty
                }
                guard candidate, let match = match(at: index, h, mode, &folded, &upper, &ends) else {
                    index += 1
                    continue
                }
                if !found(match) { return }
                index = match.end
            }
        }
    }

    /// The first match, if any.
    func firstMatch(in h: UnsafeBufferPointer<UInt8>, mode: ReaderText.Mode = .text) -> Match? {
        var first: Match?
        forEachMatch(in: h, mode: mode) {
            first = $0
            return false
        }
        return first
    }

    /// Every match in `text`.
    func matches(in text: String) -> [Match] {
        var text = text
        var result: [Match] = []
        text.withUTF8 { h in
            forEachMatch(in: h) {
                result.append($0)
                return true
            }
        }
        return result
    }

    func occurs(in text: String) -> Bool {
        var text = text
        return text.withUTF8 { firstMatch(in: $0) != nil }
    }

    /// The longest needle that matches at raw `start`, read lazily unit by unit.
    @inline(__always)
    func match(at start: Int, _ h: UnsafeBufferPointer<UInt8>, _ mode: ReaderText.Mode, _ folded: inout [UInt8], _ upper: inout [Bool], _ ends: inout [Int])
        -> Match?
    {
        let firstUnit = ReaderText.unit(h, start, mode)
        guard firstUnit.kind == .word || (firstUnit.count == 1 && firstUnit.b0 == 64), firstUnit.count > 0 else { return nil }
        let candidates = byFirstByte[Int(firstUnit.b0)]
        guard !candidates.isEmpty, Self.boundaryBefore(h, start) else { return nil }
        folded.removeAll(keepingCapacity: true)
        upper.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        var position = start
        var done = false
        func append(_ u: ReaderText.Unit) {
            switch u.kind {
            case .invisible: break
            case .space:
                if folded.last != 32 {
                    folded.append(32)
                    upper.append(false)
                    ends.append(u.next)
                }
            default:
                for k in 0..<Int(u.count) {
                    folded.append(u[k])
                    upper.append(u.upper)
                    ends.append(u.next)
                }
            }
        }
        append(firstUnit)
        position = firstUnit.next
        // Reads until `n` folded bytes are known (or the text ends).
        func ensure(_ n: Int) {
            while folded.count < n && !done {
                if position >= h.count {
                    done = true
                    return
                }
                let u = ReaderText.unit(h, position, mode)
                position = u.next
                append(u)
            }
        }
        for n in candidates {
            let needle = needles[n]
            let length = needle.folded.count
            ensure(length + 1)
            guard folded.count >= length else { continue }
            var k = 1
            while k < length && folded[k] == needle.folded[k] { k += 1 }
            guard k == length else { continue }
            // Whole words: the next unit must not be a letter or digit.
            if folded.count > length && ReaderText.isWordByte(folded[length]) && ReaderText.isWordByte(needle.folded[length - 1]) { continue }
            if !needle.ignoresCase && !Self.sameCase(needle, upper, length) { continue }
            let end = ends[length - 1]
            if needle.isCalendarWord && Self.isDate(h, start, end) { continue }
            return Match(needle: n, owner: needle.owner, start: start, end: end)
        }
        return nil
    }

    /// Same case as written in people.yml, or all capitals ("SØREN"); only letters count.
    @inline(__always) static func sameCase(_ needle: Needle, _ actual: [Bool], _ length: Int) -> Bool {
        var same = true
        var allUpper = true
        var letters = 0
        for k in 0..<length {
            let b = needle.folded[k]
            guard (b >= 97 && b <= 122) || b >= 128 else { continue }
            letters += 1
            if needle.upper[k] != actual[k] { same = false }
            if !actual[k] { allUpper = false }
        }
        return same || (allUpper && letters > 1)
    }

    /// Whether the raw text before `start` ends a word: its last visible character is not a letter
    /// or digit.
    static func boundaryBefore(_ h: UnsafeBufferPointer<UInt8>, _ start: Int) -> Bool {
        var i = start
        var skipped = 0
        while i > 0 && skipped < 16 {
            // The start of the scalar before `i`.
            var j = i - 1
            while j > 0 && h[j] & 0xC0 == 0x80 && i - j < 4 { j -= 1 }
            let u = ReaderText.unit(h, j, .text)
            if u.kind == .invisible && u.next == i {
                i = j
                skipped += 1
                continue
            }
            if u.next != i { return true }  // an entity or escape ending here: punctuation
            return u.kind != .word
        }
        return true
    }

    /// A month or weekday name as part of a date Herald or a person wrote: a number before it ("4
    /// May", "04 Jan 2022") or after it ("May 2023", "May 4", "Tue, 04 Jan").
    static func isDate(_ h: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        var i = start - 1
        var gap = 0
        while i >= 0, gap < 3, h[i] == 32 || h[i] == 44 || h[i] == 46 || h[i] == 45 {
            i -= 1
            gap += 1
        }
        if i >= 0, gap > 0, h[i] >= 48, h[i] <= 57 { return true }
        var j = end
        gap = 0
        while j < h.count, gap < 3, h[j] == 32 || h[j] == 44 || h[j] == 46 || h[j] == 45 {
            j += 1
            gap += 1
        }
        return j < h.count && gap > 0 && h[j] >= 48 && h[j] <= 57
    }
}
