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
        do {
            guard let node = try Yams.compose(yaml: yaml) else { return .success(nil) }
            return .success(try convert(node))
        } catch let error as YamlError {
            return .failure(YAMLParseError(error))
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

    init(_ error: YamlError) {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let what = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
            self.init(line: mark.line, message: "broken YAML: \(what)")
        default:
            self.init(line: 1, message: "broken YAML: \(error)")
        }
    }
}

/// A fast reader for the YAML that front matter nearly always is: top-level `key: value` lines
/// whose values are plain or quoted scalars, `[a, b]` lists or `{a: b}` maps of scalars.
/// Returns nil for anything else (nested blocks, anchors, multi-line scalars, odd quoting), which
/// then goes to the full YAML parser — so this is only ever a shortcut, never a dialect.
enum FlatYAML {
    static func parse(_ yaml: String) -> YAMLValue? {
        var pairs: [(key: String, value: YAMLValue)] = []
        var seen: Set<String> = []
        var lineNumber = 0
        for rawLine in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.utf8
            guard let first = line.first else { continue }
            if first == UInt8(ascii: "#") { continue }
            if first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
                if rawLine.allSatisfy({ $0 == " " || $0 == "\t" }) { continue }
                return nil  // an indented block: leave it to Yams
            }
            guard let colon = rawLine.firstIndex(of: ":") else { return nil }
            let key = rawLine[..<colon]
            guard !key.isEmpty, key.utf8.allSatisfy(isKeyByte), seen.insert(String(key)).inserted else { return nil }
            let rest = rawLine[rawLine.index(after: colon)...]
            guard rest.isEmpty || rest.first == " " else { return nil }
            guard let value = scalarOrFlow(rest.drop { $0 == " " }, line: lineNumber) else { return nil }
            pairs.append((String(key), value))
        }
        return .mapping(pairs, line: 1)
    }

    static func isKeyByte(_ b: UInt8) -> Bool {
        (b >= 97 && b <= 122) || (b >= 65 && b <= 90) || (b >= 48 && b <= 57) || b == 95 || b == 45
    }

    static func scalarOrFlow(_ text: Substring, line: Int) -> YAMLValue? {
        var text = text
        if text.hasPrefix("[") {
            guard let items = flowItems(&text, open: "[", close: "]") else { return nil }
            var values: [YAMLValue] = []
            for item in items {
                guard let value = scalar(item, line: line, inFlow: true) else { return nil }
                values.append(value)
            }
            return .sequence(values, line: line)
        }
        if text.hasPrefix("{") {
            guard let items = flowItems(&text, open: "{", close: "}") else { return nil }
            var pairs: [(key: String, value: YAMLValue)] = []
            for item in items {
                guard let colon = item.firstIndex(of: ":") else { return nil }
                var key = item[..<colon]
                while key.last == " " { key = key.dropLast() }
                let after = item[item.index(after: colon)...]
                guard !key.isEmpty, key.utf8.allSatisfy(isKeyByte), after.first == " " || after.isEmpty,
                    let value = scalar(after.drop { $0 == " " }, line: line, inFlow: true)
                else { return nil }
                pairs.append((String(key), value))
            }
            return .mapping(pairs, line: line)
        }
        return scalar(text, line: line, inFlow: false)
    }

    /// Splits `[a, b]` / `{a: b, c: d}` into items; nil when nesting or quoting makes it non-trivial.
    static func flowItems(_ text: inout Substring, open: Character, close: Character) -> [Substring]? {
        var body = text.dropFirst()
        var trailing = body
        // The flow collection must close on this line, optionally followed by a comment.
        guard let end = body.lastIndex(of: close) else { return nil }
        trailing = body[body.index(after: end)...]
        let after = trailing.drop { $0 == " " }
        guard after.isEmpty || after.hasPrefix("#") else { return nil }
        body = body[..<end]
        if body.contains(where: { "[]{}#&*!|>%`".contains($0) }) { return nil }
        if body.trimmingCharacters(in: .whitespaces).isEmpty { return [] }
        var items: [Substring] = []
        var current = body.startIndex
        var quote: Character?
        var index = body.startIndex
        while index < body.endIndex {
            let c = body[index]
            if let q = quote {
                if c == q { quote = nil }
            } else if c == "\"" || c == "'" {
                quote = c
            } else if c == "," {
                items.append(body[current..<index])
                current = body.index(after: index)
            }
            index = body.index(after: index)
        }
        guard quote == nil else { return nil }
        items.append(body[current..<body.endIndex])
        return items.map { $0.drop { $0 == " " } }.map { item in
            var item = item
            while item.last == " " { item = item.dropLast() }
            return item
        }
    }

    static func scalar(_ raw: Substring, line: Int, inFlow: Bool) -> YAMLValue? {
        var text = raw
        while text.last == " " || text.last == "\t" || text.last == "\r" { text = text.dropLast() }
        guard let first = text.first else { return inFlow ? nil : .scalar("", plain: true, line: line) }
        if first == "\"" {
            guard text.count >= 2, text.last == "\"" else { return nil }
            let inner = text.dropFirst().dropLast()
            if inner.contains("\"") { return nil }
            if inner.contains("\\") {
                // Only the common escapes; anything else goes to Yams.
                var out = ""
                var escaping = false
                for c in inner {
                    if escaping {
                        switch c {
                        case "\\": out.append("\\")
                        case "\"": out.append("\"")
                        case "n": out.append("\n")
                        case "t": out.append("\t")
                        case "/": out.append("/")
                        default: return nil
                        }
                        escaping = false
                    } else if c == "\\" {
                        escaping = true
                    } else {
                        out.append(c)
                    }
                }
                return escaping ? nil : .scalar(out, plain: false, line: line)
            }
            return .scalar(String(inner), plain: false, line: line)
        }
        if first == "'" {
            guard text.count >= 2, text.last == "'" else { return nil }
            let inner = text.dropFirst().dropLast()
            var out = ""
            var pendingQuote = false
            for c in inner {
                if c == "'" {
                    if pendingQuote { out.append("'"); pendingQuote = false } else { pendingQuote = true }
                } else {
                    if pendingQuote { return nil }
                    out.append(c)
                }
            }
            return pendingQuote ? nil : .scalar(out, plain: false, line: line)
        }
        if "[]{}#&*!|>%@`,?:-".contains(first) {
            // Indicators (and '-' / '?' / ':' which may start block structures): only a few are safe.
            if first == "-", let second = text.dropFirst().first, second != " " {
                // "-15m", "-1": an ordinary scalar.
            } else {
                return nil
            }
        }
        // A comment ends a plain scalar; ": " inside one means a nested mapping.
        var previous: Character = "x"
        var cut: Substring.Index?
        for index in text.indices {
            let c = text[index]
            if c == "#" && previous == " " {
                cut = text.index(before: index)
                break
            }
            if (previous == ":" && c == " ") || c == "\t" { return nil }
            previous = c
        }
        if let cut { text = text[..<cut] }
        while text.last == " " { text = text.dropLast() }
        if text.hasSuffix(":") { return nil }
        if inFlow, text.contains(where: { $0 == "," || $0 == "[" || $0 == "]" || $0 == "{" || $0 == "}" }) { return nil }
        return .scalar(String(text), plain: true, line: line)
    }
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

    /// An RFC 3339 time; a time without zone is an error (never guessed).
    public func time(_ key: String, required: Bool = false) -> Timestamp? {
        guard let text = string(key, required: required) else { return nil }
        do {
            return try Timestamp.parse(rfc3339: text)
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
