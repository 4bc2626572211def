import Foundation
import Yams

/// A content file split into its YAML front matter and Markdown body.
///
/// Line numbers are kept so that every diagnostic points into the real file: YAML line `n`
/// is file line `n + 1` (after the opening `---`), and the body starts after the closing fence.
public struct FrontMatterFile: Sendable {
    public var path: String
    public var yaml: String
    public var body: String
    /// 1-based file line of the first body line.
    public var bodyLine: Int

    /// Splits `text`; returns a diagnostic when the fences are missing.
    public static func split(_ text: String, path: String) -> Result<FrontMatterFile, Diagnostic> {
        var text = text
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        if text.utf8.contains(13) { text = text.replacingOccurrences(of: "\r\n", with: "\n") }
        // Work on UTF-8 offsets: this runs for every file of the store.
        let bytes = text.utf8
        func lineEnd(from start: String.Index) -> String.Index {
            bytes[start...].firstIndex(of: 10) ?? bytes.endIndex
        }
        func isFence(_ line: Substring.UTF8View, allowDots: Bool) -> Bool {
            var trimmed = line
            while let last = trimmed.last, last == 32 || last == 9 { trimmed = trimmed.dropLast() }
            return trimmed.elementsEqual("---".utf8) || (allowDots && trimmed.elementsEqual("...".utf8))
        }
        let firstEnd = lineEnd(from: text.startIndex)
        guard isFence(text[text.startIndex..<firstEnd].utf8, allowDots: false) else {
            return .failure(.error(path, 1, "missing front matter (expected the file to start with a '---' line)"))
        }
        var lineNumber = 1
        var cursor = firstEnd
        let yamlStart = firstEnd < text.endIndex ? text.utf8.index(after: firstEnd) : firstEnd
        while cursor < text.endIndex {
            let start = text.utf8.index(after: cursor)
            let end = lineEnd(from: start)
            lineNumber += 1
            if isFence(text[start..<end].utf8, allowDots: true) {
                let yamlEnd = start > yamlStart ? text.utf8.index(before: start) : yamlStart
                let body = end < text.endIndex ? String(text[text.utf8.index(after: end)...]) : ""
                return .success(FrontMatterFile(path: path, yaml: String(text[yamlStart..<yamlEnd]), body: body, bodyLine: lineNumber + 1))
            }
            cursor = end
        }
        return .failure(.error(path, 1, "front matter is not closed (expected a second '---' line)"))
    }
}

/// A parsed YAML value with the line it starts on (1-based, within the YAML text).
public indirect enum YAMLValue: Sendable {
    case scalar(String, plain: Bool, line: Int)
    case sequence([YAMLValue], line: Int)
    case mapping([(key: String, value: YAMLValue)], line: Int)

    public var line: Int {
        switch self {
        case .scalar(_, _, let line), .sequence(_, let line), .mapping(_, let line): line
        }
    }

    public subscript(key: String) -> YAMLValue? {
        guard case .mapping(let pairs, _) = self else { return nil }
        return pairs.first { $0.key == key }?.value
    }

    /// Parses a YAML document. Front matter is almost always flat `key: value` lines, which
    /// `FlatYAML` reads directly; anything else goes to Yams (libyaml), which also words the errors.
    public static func parse(_ yaml: String) -> Result<YAMLValue?, YAMLParseError> {
        if let fast = FlatYAML.parse(yaml) { return .success(fast) }
        // Aliases and nesting bounded before Yams builds (and hashes) any node.
        if let problem = YAMLGuard.check(yaml) { return .failure(problem) }
        do {
            guard let node = try Yams.compose(yaml: yaml) else { return .success(nil) }
            return .success(try convert(node))
        } catch let error as YamlError {
            return .failure(YAMLParseError(error, yaml: yaml))
        } catch let error as YAMLParseError {
            return .failure(error)
        } catch {
            return .failure(YAMLParseError(line: 1, message: "could not read YAML: \(error)"))
        }
    }

    static func convert(_ node: Node) throws -> YAMLValue {
        let line = node.mark?.line ?? 1
        switch node {
        case .scalar(let scalar):
            return .scalar(scalar.string, plain: scalar.style == .plain, line: line)
        case .sequence(let sequence):
            return .sequence(try sequence.map(convert), line: line)
        case .mapping(let mapping):
            var pairs: [(String, YAMLValue)] = []
            for (key, value) in mapping {
                guard case .scalar(let k) = key else {
                    throw YAMLParseError(line: key.mark?.line ?? line, message: "broken YAML: a key must be a single word")
                }
                pairs.append((k.string, try convert(value)))
            }
            return .mapping(pairs, line: line)
        case .alias:
            throw YAMLParseError(line: line, message: "broken YAML: aliases are not supported")
        }
    }
}

public struct YAMLParseError: Error, Sendable {
    public var line: Int
    public var message: String

    init(line: Int, message: String) {
        self.line = line
        self.message = message
    }

    /// Never quotes the YAML (people.yml is private): the problem, and the line it is on.
    init(_ error: YamlError, yaml: String = "") {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let what = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
            self.init(line: mark.line, message: "broken YAML: \(what)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            // Yams marks the mapping; the line is the key's second use.
            let line = duplicates.sorted().compactMap { Self.secondUse(of: $0, in: yaml, from: context.mark.line) }.min() ?? context.mark.line
            self.init(line: line, message: "broken YAML: a key is used twice in one mapping (expected each key once)")
        case .reader(let problem, _, _, _):
            self.init(line: 1, message: "broken YAML: \(problem)")
        default:
            self.init(line: 1, message: "broken YAML: the text could not be read as YAML")
        }
    }

    /// The line of the second `key:` at one indentation from line `start` on (1-based).
    static func secondUse(of key: String, in yaml: String, from start: Int) -> Int? {
        var seen: Set<Int> = []
        for (index, line) in yaml.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where index + 1 >= start {
            var rest = Substring(line)
            var indent = 0
            while let first = rest.first, first == " " || first == "-" { rest = rest.dropFirst(); indent += 1 }
            for quoted in [key, "\"\(key)\"", "'\(key)'"] where rest.hasPrefix(quoted + ":") {
                if !seen.insert(indent).inserted { return index + 1 }
            }
        }
        return nil
    }
}

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
        var lower = range.lowerBound, upper = range.upperBound
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
        var lower = range.lowerBound, upper = range.upperBound
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
                    if pendingQuote { out.append(b[i]); pendingQuote = false } else { pendingQuote = true }
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

/// Typed, line-aware reading of a YAML mapping. Every problem becomes a diagnostic in `problems`;
/// accessors return `nil` for a missing or bad value so loading continues and finds everything.
public final class YAMLFields {
    public let path: String
    let lineOffset: Int
    let pairs: [(key: String, value: YAMLValue)]?
    let rootLine: Int
    public private(set) var problems: [Diagnostic] = []

    /// Parses `yaml`; `lineOffset` is added to YAML line numbers (1 for front matter).
    public init(yaml: String, path: String, lineOffset: Int) {
        self.path = path
        self.lineOffset = lineOffset
        self.rootLine = 1 + lineOffset
        switch YAMLValue.parse(yaml) {
        case .success(.some(.mapping(let pairs, _))): self.pairs = pairs
        case .success(.none): self.pairs = []
        case .success(.some(let other)):
            self.pairs = nil
            problems.append(.error(path, other.line + lineOffset, "expected a mapping of 'key: value' lines"))
        case .failure(let error):
            self.pairs = nil
            problems.append(.error(path, error.line + lineOffset, error.message))
        }
    }

    init(pairs: [(key: String, value: YAMLValue)], line: Int, path: String, lineOffset: Int) {
        self.path = path
        self.lineOffset = lineOffset
        self.pairs = pairs
        self.rootLine = line + lineOffset
    }

    public var isValid: Bool { pairs != nil }

    func line(of value: YAMLValue) -> Int { value.line + lineOffset }

    public func error(_ line: Int, _ message: String) {
        problems.append(.error(path, line, message))
    }

    /// The value of `key`.
    public func node(_ key: String) -> YAMLValue? {
        pairs?.first { $0.key == key }?.value
    }

    /// The file line of `key`'s value (or of the mapping when absent).
    public func line(_ key: String) -> Int {
        node(key).map(line(of:)) ?? rootLine
    }

    public func has(_ key: String) -> Bool { node(key) != nil }

    public func string(_ key: String, required: Bool = false) -> String? {
        guard let node = node(key) else {
            if required, pairs != nil { error(rootLine, "missing '\(key)'") }
            return nil
        }
        guard case .scalar(let string, let plain, _) = node else {
            error(line(of: node), "'\(key)' must be a single value")
            return nil
        }
        if string.isEmpty && plain && required {
            error(line(of: node), "'\(key)' is empty")
            return nil
        }
        if plain && (string == "~" || string == "null" || string.isEmpty) { return nil }
        return string
    }

    public func bool(_ key: String) -> Bool? {
        guard let text = string(key) else { return nil }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            error(line(key), "'\(key)' must be true or false, not '\(text)'")
            return nil
        }
    }

    public func int(_ key: String) -> Int? {
        guard let text = string(key) else { return nil }
        guard let value = Int(text) else {
            error(line(key), "'\(key)' must be a whole number, not '\(text)'")
            return nil
        }
        return value
    }

    /// A whole number within `range`; anything outside is an error naming the range.
    public func int(_ key: String, in range: ClosedRange<Int>) -> Int? {
        guard let text = string(key) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            error(line(key), "'\(key)' must be a whole number from \(range.lowerBound) to \(range.upperBound), not \(InputRules.quoted(text))")
            return nil
        }
        return value
    }

    /// An RFC 3339 time; a time without zone is an error (never guessed), and so is one outside
    /// 1970–9999 (year 0000 is a typo, and every time is counted in seconds since 1970).
    public func time(_ key: String, required: Bool = false) -> Timestamp? {
        guard let text = string(key, required: required) else { return nil }
        do {
            let time = try Timestamp.parse(rfc3339: text)
            if let problem = InputRules.timeRangeProblem(time) {
                self.error(line(key), "time '\(text)' \(problem)")
                return nil
            }
            return time
        } catch .missingZone {
            self.error(line(key), "time '\(text)' has no zone (expected RFC 3339 with Z or an offset, e.g. 2026-11-22T14:05:00Z)")
        } catch {
            self.error(line(key), "'\(text)' is not a time (expected RFC 3339, e.g. 2026-11-22T14:05:00Z)")
        }
        return nil
    }

    /// A list of scalars; a single scalar is accepted as a one-element list.
    public func strings(_ key: String) -> [String]? {
        guard let node = node(key) else { return nil }
        switch node {
        case .scalar(let string, _, _):
            return string.isEmpty ? [] : [string]
        case .sequence(let items, _):
            var result: [String] = []
            for item in items {
                if case .scalar(let string, _, _) = item {
                    result.append(string)
                } else {
                    error(line(of: item), "'\(key)' must be a list of single values")
                }
            }
            return result
        case .mapping:
            error(line(of: node), "'\(key)' must be a list, e.g. [a, b]")
            return nil
        }
    }

    /// A mapping of scalar keys to scalar values, in file order, with each value's line.
    public func pairs(_ key: String) -> [(key: String, value: String, line: Int)]? {
        guard let node = node(key) else { return nil }
        guard case .mapping(let map, _) = node else {
            if case .scalar(let s, _, _) = node, s.isEmpty { return [] }
            error(line(of: node), "'\(key)' must be a mapping, e.g. {a: b}")
            return nil
        }
        var result: [(String, String, Int)] = []
        for (k, v) in map {
            guard case .scalar(let value, _, _) = v else {
                error(line(of: v), "'\(key)' entries must be 'key: value'")
                continue
            }
            result.append((k, value, line(of: v)))
        }
        return result
    }

    /// A nested mapping (`check:` in site.yml).
    public func mapping(_ key: String) -> YAMLFields? {
        guard let node = node(key) else { return nil }
        guard case .mapping(let map, let line) = node else {
            error(line(of: node), "'\(key)' must be a mapping of 'key: value' lines")
            return nil
        }
        return YAMLFields(pairs: map, line: line, path: path, lineOffset: lineOffset)
    }

    /// A list of mappings (components, action items, timeline entries).
    public func mappings(_ key: String) -> [YAMLFields]? {
        guard let node = node(key) else { return nil }
        guard case .sequence(let items, _) = node else {
            if case .scalar(let s, _, _) = node, s.isEmpty { return [] }
            error(line(of: node), "'\(key)' must be a list of entries starting with '- '")
            return nil
        }
        var result: [YAMLFields] = []
        for item in items {
            guard case .mapping(let map, let line) = item else {
                error(line(of: item), "each '\(key)' entry must be a mapping of 'key: value' lines")
                continue
            }
            result.append(YAMLFields(pairs: map, line: line, path: path, lineOffset: lineOffset))
        }
        return result
    }

    /// Adopts the problems found by a nested reader.
    public func absorb(_ other: YAMLFields) { problems += other.problems }

    /// Reports keys that no accessor knows: usually typos (`staus:`).
    public func rejectUnknownKeys(expected known: [String]) {
        for (name, value) in pairs ?? [] where !known.contains(name) {
            let guess = closest(name, in: known).map { "; did you mean '\($0)'?" } ?? ""
            error(line(of: value), "unknown field '\(name)' (expected \(expected(known)))\(guess)")
        }
    }
}

/// The closest candidate by edit distance, if it is close enough to be a plausible typo.
public func closest(_ word: String, in candidates: [String], maxDistance: Int? = nil) -> String? {
    let limit = maxDistance ?? max(2, word.count / 3)
    var best: (String, Int)?
    for candidate in candidates {
        let distance = editDistance(word, candidate)
        if distance <= limit, distance < (best?.1 ?? Int.max) { best = (candidate, distance) }
    }
    return best?.0
}

func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = previous
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}
