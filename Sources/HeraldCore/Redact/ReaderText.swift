import Foundation

/// Text as a reader sees it, one unit at a time, for finding names (docs/postmortems.md, "How
/// names are matched"): Unicode compatibility forms folded (NFKC/NFKD: `Ｐｒｉｙａ`, `ﬁ`),
/// diacritics removed (`Søren` = `Soren`, NFC = NFD), case folded (the original case is kept
/// beside it for names matched case-sensitively), invisible characters dropped (zero-width
/// characters, soft hyphens, combining marks, `*` of Markdown emphasis), whitespace, `-` and `_`
/// runs read as one space, curly quotes as straight ones, HTML entities and percent-escapes
/// decoded. Letters and digits of every script are word characters; everything else (punctuation,
/// symbols, emoji, CJK punctuation) ends a word.
///
/// Each unit maps back to the bytes it was read from, so a match can be replaced in the original.
enum ReaderText {
    enum Kind: UInt8 { case word, space, other, invisible }

    /// One unit: up to four folded UTF-8 bytes, whether the original was upper case, its kind, and
    /// the raw byte after it.
    struct Unit {
        var b0: UInt8 = 0, b1: UInt8 = 0, b2: UInt8 = 0, b3: UInt8 = 0
        var count: UInt8 = 0
        var upper = false
        var kind = Kind.other
        var next = 0

        subscript(i: Int) -> UInt8 { i == 0 ? b0 : i == 1 ? b1 : i == 2 ? b2 : b3 }
    }

    /// Extra decoding for the leak scan of output files: JSON and iCalendar escapes (`\n`,
    /// `\u00f8`) and iCalendar's folded lines.
    struct Mode: Sendable {
        var backslashEscapes = false
        var unfoldLines = false
        static let text = Mode()
    }

    @inline(__always) static func isWordByte(_ b: UInt8) -> Bool {
        (b >= 48 && b <= 57) || (b >= 97 && b <= 122) || (b >= 65 && b <= 90) || b >= 128
    }

    /// The unit starting at raw byte `i` (which is < h.count).
    @inline(__always) static func unit(_ h: UnsafeBufferPointer<UInt8>, _ i: Int, _ mode: Mode) -> Unit {
        let b = h[i]
        if b < 128 {
            if mode.unfoldLines, b == 13 || b == 10 {
                // iCalendar folds long lines: CRLF followed by one space or tab continues the line.
                var j = i
                if h[j] == 13, j + 1 < h.count, h[j + 1] == 10 { j += 1 }
                if j + 1 < h.count, h[j + 1] == 32 || h[j + 1] == 9 { return Unit(kind: .invisible, next: j + 2) }
            }
            switch b {
            case 97...122, 48...57: return Unit(b0: b, count: 1, kind: .word, next: i + 1)
            case 65...90: return Unit(b0: b + 32, count: 1, upper: true, kind: .word, next: i + 1)
            case 32, 9, 10, 13, 11, 12, 45, 95: return Unit(b0: 32, count: 1, kind: .space, next: i + 1)
            case 42: return Unit(kind: .invisible, next: i + 1)  // '*': Markdown emphasis inside a word
            case 38:  // '&'
                if let (scalar, next) = entity(h, i) { return fold(scalar, next: next) }
            case 37:  // '%'
                if let (scalar, next) = percent(h, i) { return fold(scalar, next: next) }
            case 92 where mode.backslashEscapes:  // '\'
                if i + 1 < h.count {
                    switch h[i + 1] {
                    case 110, 116, 114: return Unit(b0: 32, count: 1, kind: .space, next: i + 2)  // \n \t \r
                    case 117:  // \uXXXX
                        if i + 6 <= h.count, let value = hex(h, i + 2, 4), let scalar = Unicode.Scalar(value) { return fold(scalar, next: i + 6) }
                    case 44, 59, 92, 34, 47: return unit(h, i + 1, .text).moved(to: i + 2)  // \, \; \\ \" \/
                    default: break
                    }
                }
            default: break
            }
            return Unit(b0: b == 96 ? 39 : b, count: 1, kind: .other, next: i + 1)
        }
        // A UTF-8 sequence; invalid bytes read as punctuation.
        var length = 1
        var value: UInt32 = 0
        if b & 0xE0 == 0xC0 {
            length = 2
            value = UInt32(b & 0x1F)
        } else if b & 0xF0 == 0xE0 {
            length = 3
            value = UInt32(b & 0x0F)
        } else if b & 0xF8 == 0xF0 {
            length = 4
            value = UInt32(b & 0x07)
        } else {
            return Unit(b0: 63, count: 1, kind: .other, next: i + 1)
        }
        guard i + length <= h.count else { return Unit(b0: 63, count: 1, kind: .other, next: h.count) }
        for k in 1..<length {
            let c = h[i + k]
            guard c & 0xC0 == 0x80 else { return Unit(b0: 63, count: 1, kind: .other, next: i + k) }
            value = value << 6 | UInt32(c & 0x3F)
        }
        guard let scalar = Unicode.Scalar(value) else { return Unit(b0: 63, count: 1, kind: .other, next: i + length) }
        return fold(scalar, next: i + length)
    }

    /// The folded unit of one scalar.
    static func fold(_ scalar: Unicode.Scalar, next: Int) -> Unit {
        var unit: Unit
        let v = scalar.value
        if v < 128 {
            let b = UInt8(v)
            switch b {
            case 97...122, 48...57: unit = Unit(b0: b, count: 1, kind: .word)
            case 65...90: unit = Unit(b0: b + 32, count: 1, upper: true, kind: .word)
            case 32, 9, 10, 13, 11, 12, 45, 95: unit = Unit(b0: 32, count: 1, kind: .space)
            default: unit = Unit(b0: b == 96 ? 39 : b, count: 1, kind: .other)  // an escaped '*' is visible
            }
        } else if let table = Table.shared.lookup(v) {
            unit = table
        } else {
            // CJK and other scripts beyond U+3000 have no diacritics to fold (fullwidth forms do).
            unit = Table.compute(scalar, full: v < 0x3000 || (v >= 0xFF00 && v <= 0xFFEF))
        }
        unit.next = next
        return unit
    }

    /// `&name;`, `&#NN;` or `&#xHH;` at `i`: the scalar and the byte after `;`.
    static func entity(_ h: UnsafeBufferPointer<UInt8>, _ i: Int) -> (Unicode.Scalar, Int)? {
        var j = i + 1
        let limit = min(h.count, i + 12)
        while j < limit, h[j] != 59 { j += 1 }
        guard j < limit, j > i + 1 else { return nil }
        let body = UnsafeBufferPointer(rebasing: h[(i + 1)..<j])
        // The entities every HTML page is full of, without a dictionary look-up.
        switch body.count {
        case 2 where body[1] == 116 && (body[0] == 108 || body[0] == 103): return (Unicode.Scalar(body[0] == 108 ? 60 : 62), j + 1)  // lt gt
        case 3 where body[0] == 97 && body[1] == 109 && body[2] == 112: return (Unicode.Scalar(38), j + 1)  // amp
        case 4 where body[0] == 113 && body[1] == 117 && body[2] == 111 && body[3] == 116: return (Unicode.Scalar(34), j + 1)  // quot
        default: break
        }
        if body[0] == 35 {  // '#'
            var value: UInt32 = 0
            if body.count > 1, body[1] == 120 || body[1] == 88 {
                guard body.count > 2, let v = hex(body, 2, body.count - 2) else { return nil }
                value = v
            } else {
                for d in body.dropFirst() {
                    guard d >= 48, d <= 57, value < 0x110000 else { return nil }
                    value = value * 10 + UInt32(d - 48)
                }
            }
            guard let scalar = Unicode.Scalar(value) else { return nil }
            return (scalar, j + 1)
        }
        guard let value = namedEntities[String(decoding: body, as: UTF8.self)] else { return nil }
        return (Unicode.Scalar(value)!, j + 1)
    }

    static let namedEntities: [String: UInt32] = [
        "amp": 38, "lt": 60, "gt": 62, "quot": 34, "apos": 39, "nbsp": 0xA0, "shy": 0xAD, "ensp": 0x2002, "emsp": 0x2003,
        "thinsp": 0x2009, "zwsp": 0x200B, "zwnj": 0x200C, "zwj": 0x200D, "ndash": 0x2013, "mdash": 0x2014, "lsquo": 0x2018,
        "rsquo": 0x2019, "ldquo": 0x201C, "rdquo": 0x201D, "hellip": 0x2026, "NoBreak": 0x2060, "Aring": 0xC5, "aring": 0xE5, "Oslash": 0xD8, "oslash": 0xF8,
        "Auml": 0xC4, "auml": 0xE4, "Ouml": 0xD6, "ouml": 0xF6, "Uuml": 0xDC, "uuml": 0xFC, "Eacute": 0xC9, "eacute": 0xE9,
        "egrave": 0xE8, "aacute": 0xE1, "iacute": 0xED, "oacute": 0xF3, "uacute": 0xFA, "ntilde": 0xF1, "Ntilde": 0xD1,
        "ccedil": 0xE7, "Ccedil": 0xC7, "szlig": 0xDF, "aelig": 0xE6, "AElig": 0xC6, "atilde": 0xE3, "otilde": 0xF5,
        "copy": 0xA9, "reg": 0xAE, "trade": 0x2122, "middot": 0xB7, "bull": 0x2022, "laquo": 0xAB, "raquo": 0xBB, "euro": 0x20AC,
        "times": 0xD7, "deg": 0xB0
    ]

    /// `%XX` (a whole UTF-8 sequence of them for a non-ASCII letter) at `i`.
    static func percent(_ h: UnsafeBufferPointer<UInt8>, _ i: Int) -> (Unicode.Scalar, Int)? {
        guard i + 3 <= h.count, let first = hex(h, i + 1, 2) else { return nil }
        if first < 0x80 { return (Unicode.Scalar(first)!, i + 3) }
        let length = first & 0xE0 == 0xC0 ? 2 : first & 0xF0 == 0xE0 ? 3 : first & 0xF8 == 0xF0 ? 4 : 0
        guard length > 0 else { return nil }
        var value = first & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
        var j = i + 3
        for _ in 1..<length {
            guard j + 3 <= h.count, h[j] == 37, let c = hex(h, j + 1, 2), c & 0xC0 == 0x80 else { return nil }
            value = value << 6 | (c & 0x3F)
            j += 3
        }
        guard let scalar = Unicode.Scalar(value) else { return nil }
        return (scalar, j)
    }

    static func hex(_ h: UnsafeBufferPointer<UInt8>, _ start: Int, _ count: Int) -> UInt32? {
        guard count > 0, count <= 6, start + count <= h.count else { return nil }
        var value: UInt32 = 0
        for k in start..<(start + count) {
            let d = h[k]
            let digit: UInt32
            switch d {
            case 48...57: digit = UInt32(d - 48)
            case 97...102: digit = UInt32(d - 87)
            case 65...70: digit = UInt32(d - 55)
            default: return nil
            }
            value = value << 4 | digit
        }
        return value
    }

    /// The folded form of a whole string (a name from people.yml): its bytes and upper-case marks.
    static func folded(_ text: String) -> (bytes: [UInt8], upper: [Bool]) {
        var bytes: [UInt8] = []
        var upper: [Bool] = []
        var copy = text
        copy.withUTF8 { h in
            var i = 0
            while i < h.count {
                let u = unit(h, i, .text)
                i = u.next
                switch u.kind {
                case .invisible: continue
                case .space:
                    if let last = bytes.last, last != 32 {
                        bytes.append(32)
                        upper.append(false)
                    }
                default:
                    for k in 0..<Int(u.count) {
                        bytes.append(u[k])
                        upper.append(u.upper)
                    }
                }
            }
        }
        while bytes.last == 32 {
            bytes.removeLast()
            upper.removeLast()
        }
        return (bytes, upper)
    }

    /// The folded form as a string (for comparing names from records with people.yml).
    static func key(_ text: String) -> String { String(decoding: folded(text).bytes, as: UTF8.self) }

    // MARK: - Non-ASCII scalars

    /// Folded units of the scalars most text uses, computed once.
    final class Table: Sendable {
        static let shared = Table()
        let ranges: [(base: UInt32, units: [Unit])]

        init() {
            var ranges: [(UInt32, [Unit])] = []
            // Decomposing takes microseconds a scalar: only the ranges most text uses are made at
            // once (Latin, general punctuation); others are decomposed when met.
            for (low, high) in [(0x80, 0x24F), (0x2000, 0x206F)] {
                ranges.append((UInt32(low), (low...high).map { Table.compute(Unicode.Scalar(UInt32($0)) ?? " ", full: true) }))
            }
            self.ranges = ranges
        }

        @inline(__always) func lookup(_ v: UInt32) -> Unit? {
            for range in ranges where v >= range.base && v < range.base + UInt32(range.units.count) {
                return range.units[Int(v - range.base)]
            }
            return nil
        }

        static let special: [UInt32: String] = [
            0xF8: "o", 0xD8: "o", 0x111: "d", 0x110: "d", 0x142: "l", 0x141: "l", 0x127: "h", 0x126: "h", 0x167: "t", 0x166: "t",
            0x131: "i", 0xDF: "ss", 0x1E9E: "ss", 0xE6: "ae", 0xC6: "ae", 0x153: "oe", 0x152: "oe", 0xFE: "th", 0xDE: "th", 0xF0: "d",
            0xD0: "d", 0x140: "l", 0x13F: "l", 0x138: "k", 0x14B: "n", 0x14A: "n"
        ]

        /// The unit of a scalar; `full` decomposes it (Foundation, slow: only while building the table).
        static func compute(_ scalar: Unicode.Scalar, full: Bool) -> Unit {
            let properties = scalar.properties
            let v = scalar.value
            switch v {
            case 0x2018, 0x2019, 0x201A, 0x201B, 0x2032, 0x2035, 0x02BC, 0x02BB, 0xFF07: return Unit(b0: 39, count: 1, kind: .other)
            case 0x201C, 0x201D, 0x201E, 0x201F, 0x2033, 0x00AB, 0x00BB, 0xFF02: return Unit(b0: 34, count: 1, kind: .other)
            case 0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180E, 0x200B...0x200F, 0x202A...0x202E, 0x2060...0x206F, 0xFEFF, 0xFE00...0xFE0F:
                return Unit(kind: .invisible)
            case 0x2010...0x2015, 0x2212, 0xFE58, 0xFE63, 0xFF0D, 0xFF3F: return Unit(b0: 32, count: 1, kind: .space)
            case 0xFF0A: return Unit(kind: .invisible)  // fullwidth '*'
            default: break
            }
            switch properties.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark, .format: return Unit(kind: .invisible)
            case .spaceSeparator, .lineSeparator, .paragraphSeparator, .connectorPunctuation, .dashPunctuation, .control:
                return properties.isWhitespace || properties.generalCategory != .control ? Unit(b0: 32, count: 1, kind: .space) : Unit(kind: .invisible)
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .decimalNumber, .letterNumber, .otherNumber:
                let isUpper = properties.isUppercase || properties.generalCategory == .titlecaseLetter
                var text: String
                if let special = special[v] {
                    text = special
                } else if full {
                    text = String(String.UnicodeScalarView([scalar])).decomposedStringWithCompatibilityMapping
                    text = String(
                        String.UnicodeScalarView(
                            text.unicodeScalars.filter {
                                let c = $0.properties.generalCategory
                                return c != .nonspacingMark && c != .spacingMark && c != .enclosingMark
                            }))
                    if text.unicodeScalars.count == 1, let only = text.unicodeScalars.first, let again = special[only.value] { text = again }
                } else {
                    text = String(String.UnicodeScalarView([scalar]))
                }
                text = text.lowercased()
                let bytes = Array(text.utf8.prefix(4))
                // Compatibility forms may decompose into spaces or punctuation ("½" → "1⁄2"): keep
                // only a result made of word bytes.
                guard !bytes.isEmpty, bytes.allSatisfy(ReaderText.isWordByte) else {
                    return Unit(b0: 63, count: 1, kind: .other)
                }
                var unit = Unit(count: UInt8(bytes.count), upper: isUpper, kind: .word)
                unit.b0 = bytes[0]
                if bytes.count > 1 { unit.b1 = bytes[1] }
                if bytes.count > 2 { unit.b2 = bytes[2] }
                if bytes.count > 3 { unit.b3 = bytes[3] }
                return unit
            default:
                // Punctuation, symbols, emoji: end a word. Compatibility forms of ASCII punctuation
                // (fullwidth) read as that punctuation.
                if full, v >= 0xFF01, v <= 0xFF5E { return Unit(b0: UInt8(v - 0xFF01 + 0x21), count: 1, kind: .other) }
                return Unit(b0: 35, count: 1, kind: .other)
            }
        }
    }
}

extension ReaderText.Unit {
    func moved(to next: Int) -> ReaderText.Unit {
        var copy = self
        copy.next = next
        return copy
    }
}

/// Helpers for people.yml, whose every value is private.
enum PeopleFile {
    static let keys = ["name", "aliases", "label", "public", "match_case"]

    struct Entry {
        var line: Int
        var name: String?
        var aliases: [String] = []
        var label: String?
        var isPublic = false
        var ignoresCase = false
    }

    /// A YAML error about people.yml, without any of its text.
    static func privateMessage(_ error: YAMLParseError, text: String) -> String {
        error.message + " (people.yml's contents are not shown: they are private)"
    }
}
