import Foundation
import Yams

/// A fast reader for the YAML that front matter nearly always is: top-level `key: value` lines
/// whose values are plain or quoted scalars, `[a, b]` lists or `{a: b}` maps of scalars, or a block
/// list indented by two spaces whose items are such values or flat `key: value` maps (a
/// postmortem's timeline and action items).
/// Returns nil for anything else (nested blocks, anchors, multi-line scalars, odd quoting), which
/// then goes to the full YAML parser — so this is only ever a shortcut, never a dialect.
enum FlatYAML {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    static func parse(_ yaml: String) -> YAMLValue? {
        var yaml = yaml
        return yaml.withUTF8 { parse(bytes: $0) }
    }

    // Works on UTF-8 bytes: every byte it looks for is ASCII, which never occurs inside a
    // multi-byte sequence, so the ranges it cuts are whole characters.
    static func parse(bytes b: Bytes) -> YAMLValue? {
        var pairs: [(key: String, value: YAMLValue)] = []
        var seen: Set<String> = []
        var lineNumber = 0
        var start = 0
        while true {
            let end = lineEnd(b, from: start)
            lineNumber += 1
            var next = end + 1
            if start < end, b[start] != UInt8(ascii: "#") {
                if b[start] == 32 || b[start] == 9 {
                    // Blank lines pass; an indented block, or a tab where YAML forbids one, goes to Yams.
                    for i in start..<end where b[i] != 32 { return nil }
                } else {
                    guard let (key, valueRange) = keyValue(b, start..<end), seen.insert(key).inserted else { return nil }
                    if valueRange.isEmpty, next < b.count, startsItem(b, at: next) {
                        guard let block = blockSequence(b, from: next, line: lineNumber + 1) else { return nil }
                        pairs.append((key, block.value))
                        next = block.next
                        lineNumber = block.lastLine
                    } else {
                        guard let value = scalarOrFlow(b, valueRange, line: lineNumber) else { return nil }
                        pairs.append((key, value))
                    }
                }
            }
            if next > b.count { break }
            start = next
        }
        return .mapping(pairs, line: 1)
    }

    /// Where the line starting at `start` ends (its newline, or the end of the text).
    static func lineEnd(_ b: Bytes, from start: Int) -> Int {
        var end = start
        while end < b.count, b[end] != 10 { end += 1 }
        return end
    }

    /// `key: value` (or `key:`): the key, made of key bytes, and the value's range, spaces skipped.
    static func keyValue(_ b: Bytes, _ range: Range<Int>) -> (String, Range<Int>)? {
        guard let colon = firstIndex(of: UInt8(ascii: ":"), in: b, range) else { return nil }
        guard colon > range.lowerBound, (range.lowerBound..<colon).allSatisfy({ isKeyByte(b[$0]) }) else { return nil }
        var valueStart = colon + 1
        guard valueStart == range.upperBound || b[valueStart] == 32 else { return nil }
        while valueStart < range.upperBound, b[valueStart] == 32 { valueStart += 1 }
        return (string(b, range.lowerBound..<colon), valueStart..<range.upperBound)
    }

    /// Whether the line at `start` is `  - …`: an item of a block list indented by two spaces.
    static func startsItem(_ b: Bytes, at start: Int) -> Bool {
        start + 3 < b.count && b[start] == 32 && b[start + 1] == 32 && b[start + 2] == UInt8(ascii: "-") && b[start + 3] == 32
    }

    /// A block list from `start`, its first item on line `line`:
    ///
    ///     timeline:
    ///       - at: 2026-11-22T14:05:00Z
    ///         text: Deployed.
    ///       - plain item
    ///
    /// Each item is a value as above, or a flat map whose further keys are indented by four spaces.
    /// The list ends at a line that does not start with a space (the next key, a comment, a blank
    /// line). Nil for any other shape (deeper nesting, other indentation, tabs), left to Yams.
    static func blockSequence(_ b: Bytes, from start: Int, line first: Int) -> (value: YAMLValue, next: Int, lastLine: Int)? {
        var items: [YAMLValue] = []
        var map: (pairs: [(key: String, value: YAMLValue)], keys: Set<String>, line: Int)?
        func finishMap() {
            if let m = map { items.append(.mapping(m.pairs, line: m.line)) }
            map = nil
        }
        var position = start
        var line = first - 1
        while position < b.count, b[position] == 32 {
            let end = lineEnd(b, from: position)
            line += 1
            if startsItem(b, at: position) {
                finishMap()
                let content = (position + 4)..<end
                guard !content.isEmpty, b[content.lowerBound] != 32 else { return nil }
                if let (key, valueRange) = keyValue(b, content) {
                    guard let value = scalarOrFlow(b, valueRange, line: line) else { return nil }
                    map = ([(key, value)], [key], line)
                } else {
                    guard let value = scalarOrFlow(b, content, line: line) else { return nil }
                    items.append(value)
                }
            } else {
                // `    key: value`, continuing the map of the item above.
                guard map != nil, end - position > 4, b[position + 1] == 32, b[position + 2] == 32, b[position + 3] == 32,
                    b[position + 4] != 32, let (key, valueRange) = keyValue(b, (position + 4)..<end), map!.keys.insert(key).inserted,
                    let value = scalarOrFlow(b, valueRange, line: line)
                else { return nil }
                map!.pairs.append((key, value))
            }
            position = end + 1
        }
        finishMap()
        return (.sequence(items, line: first), position, line)
    }

    static func isKeyByte(_ b: UInt8) -> Bool {
        (b >= 97 && b <= 122) || (b >= 65 && b <= 90) || (b >= 48 && b <= 57) || b == 95 || b == 45
    }

    static func string(_ b: Bytes, _ range: Range<Int>) -> String {
        String(decoding: Bytes(rebasing: b[range]), as: UTF8.self)
    }

    static func firstIndex(of byte: UInt8, in b: Bytes, _ range: Range<Int>) -> Int? {
        for i in range where b[i] == byte { return i }
        return nil
    }

    static func trimmed(_ b: Bytes, _ range: Range<Int>) -> Range<Int> {
        var lower = range.lowerBound
        var upper = range.upperBound
        while lower < upper, b[lower] == 32 { lower += 1 }
        while upper > lower, b[upper - 1] == 32 { upper -= 1 }
        return lower..<upper
    }

    static func scalarOrFlow(_ b: Bytes, _ range: Range<Int>, line: Int) -> YAMLValue? {
        if !range.isEmpty, b[range.lowerBound] == UInt8(ascii: "[") {
            guard let items = flowItems(b, range, close: UInt8(ascii: "]")) else { return nil }
            var values: [YAMLValue] = []
            for item in items {
                guard let value = scalar(b, item, line: line, inFlow: true) else { return nil }
                values.append(value)
            }
            return .sequence(values, line: line)
        }
        if !range.isEmpty, b[range.lowerBound] == UInt8(ascii: "{") {
            guard let items = flowItems(b, range, close: UInt8(ascii: "}")) else { return nil }
            var pairs: [(key: String, value: YAMLValue)] = []
            for item in items {
                guard let colon = firstIndex(of: UInt8(ascii: ":"), in: b, item) else { return nil }
                var keyEnd = colon
                while keyEnd > item.lowerBound, b[keyEnd - 1] == 32 { keyEnd -= 1 }
                let key = item.lowerBound..<keyEnd
                var after = colon + 1
                guard !key.isEmpty, key.allSatisfy({ isKeyByte(b[$0]) }), after == item.upperBound || b[after] == 32 else { return nil }
                while after < item.upperBound, b[after] == 32 { after += 1 }
                guard let value = scalar(b, after..<item.upperBound, line: line, inFlow: true) else { return nil }
                pairs.append((string(b, key), value))
            }
            return .mapping(pairs, line: line)
        }
        return scalar(b, range, line: line, inFlow: false)
    }

    /// Splits `[a, b]` / `{a: b, c: d}` into items; nil when nesting or quoting makes it non-trivial.
    static func flowItems(_ b: Bytes, _ range: Range<Int>, close: UInt8) -> [Range<Int>]? {
        // The flow collection must close on this line, optionally followed by a comment.
        var end = range.upperBound - 1
        while end > range.lowerBound, b[end] != close { end -= 1 }
        guard end > range.lowerBound else { return nil }
        var after = end + 1
        while after < range.upperBound, b[after] == 32 { after += 1 }
        guard after == range.upperBound || b[after] == UInt8(ascii: "#") else { return nil }
        let body = (range.lowerBound + 1)..<end
        let forbidden = Array("[]{}#&*!|>%`".utf8)
        if body.contains(where: { forbidden.contains(b[$0]) }) { return nil }
        if body.allSatisfy({ b[$0] == 32 || b[$0] == 9 }) { return [] }
        var items: [Range<Int>] = []
        var current = body.lowerBound
        var quote: UInt8 = 0
        for i in body {
            let c = b[i]
            if quote != 0 {
                if c == quote { quote = 0 }
            } else if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                quote = c
            } else if c == UInt8(ascii: ",") {
                items.append(trimmed(b, current..<i))
                current = i + 1
            }
        }
        guard quote == 0 else { return nil }
        items.append(trimmed(b, current..<body.upperBound))
        return items
    }

    static func scalar(_ b: Bytes, _ range: Range<Int>, line: Int, inFlow: Bool) -> YAMLValue? {
        let lower = range.lowerBound
        var upper = range.upperBound
        while upper > lower, b[upper - 1] == 32 || b[upper - 1] == 9 || b[upper - 1] == 13 { upper -= 1 }
        guard upper > lower else { return inFlow ? nil : .scalar("", plain: true, line: line) }
        let first = b[lower]
        if first == UInt8(ascii: "\"") {
            guard upper - lower >= 2, b[upper - 1] == UInt8(ascii: "\"") else { return nil }
            let inner = (lower + 1)..<(upper - 1)
            if inner.contains(where: { b[$0] == UInt8(ascii: "\"") }) { return nil }
            guard inner.contains(where: { b[$0] == UInt8(ascii: "\\") }) else { return .scalar(string(b, inner), plain: false, line: line) }
            // Only the common escapes; anything else goes to Yams.
            var out: [UInt8] = []
            var escaping = false
            for i in inner {
                let c = b[i]
                if escaping {
                    switch c {
                    case UInt8(ascii: "\\"), UInt8(ascii: "\""), UInt8(ascii: "/"): out.append(c)
                    case UInt8(ascii: "n"): out.append(10)
                    case UInt8(ascii: "t"): out.append(9)
                    default: return nil
                    }
                    escaping = false
                } else if c == UInt8(ascii: "\\") {
                    escaping = true
                } else {
                    out.append(c)
                }
            }
            return escaping ? nil : .scalar(String(decoding: out, as: UTF8.self), plain: false, line: line)
        }
        if first == UInt8(ascii: "'") {
            guard upper - lower >= 2, b[upper - 1] == UInt8(ascii: "'") else { return nil }
            var out: [UInt8] = []
            var pendingQuote = false
            for i in (lower + 1)..<(upper - 1) {
                if b[i] == UInt8(ascii: "'") {
                    if pendingQuote {
                        out.append(b[i])
                        pendingQuote = false
                    } else {
                        pendingQuote = true
                    }
                } else {
                    if pendingQuote { return nil }
                    out.append(b[i])
                }
            }
            return pendingQuote ? nil : .scalar(String(decoding: out, as: UTF8.self), plain: false, line: line)
        }
        if indicators.contains(first) {
            // Indicators (and '-' / '?' / ':' which may start block structures): only a few are safe.
            // "-15m", "-1": an ordinary scalar.
            guard first == UInt8(ascii: "-"), upper - lower >= 2, b[lower + 1] != 32 else { return nil }
        }
        // A comment ends a plain scalar; ": " inside one means a nested mapping.
        var previous = UInt8(ascii: "x")
        for i in lower..<upper {
            let c = b[i]
            if c == UInt8(ascii: "#") && previous == 32 {
                upper = i - 1
                break
            }
            if (previous == UInt8(ascii: ":") && c == 32) || c == 9 { return nil }
            previous = c
        }
        while upper > lower, b[upper - 1] == 32 { upper -= 1 }
        if upper > lower, b[upper - 1] == UInt8(ascii: ":") { return nil }
        let text = lower..<upper
        if inFlow, text.contains(where: { [44, 91, 93, 123, 125].contains(b[$0]) }) { return nil }
        return .scalar(string(b, text), plain: true, line: line)
    }

    static let indicators = Set("[]{}#&*!|>%@`,?:-".utf8)
}
