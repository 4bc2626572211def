import Foundation
import Yams

/// Typed, line-aware reading of a YAML mapping. Every problem becomes a diagnostic in `problems`;
/// accessors return `nil` for a missing or bad value so loading continues and finds everything.
package final class YAMLFields {
    package let path: String
    let lineOffset: Int
    let pairs: [(key: String, value: YAMLValue)]?
    let rootLine: Int
    package private(set) var problems: [Diagnostic] = []

    /// Parses `yaml`; `lineOffset` is added to YAML line numbers (1 for front matter).
    package init(yaml: String, path: String, lineOffset: Int) {
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

    package var isValid: Bool { pairs != nil }

    func line(of value: YAMLValue) -> Int { value.line + lineOffset }

    package func error(_ line: Int, _ message: String) {
        problems.append(.error(path, line, message))
    }

    /// The value of `key`.
    package func node(_ key: String) -> YAMLValue? {
        pairs?.first { $0.key == key }?.value
    }

    /// The file line of `key`'s value (or of the mapping when absent).
    package func line(_ key: String) -> Int {
        node(key).map(line(of:)) ?? rootLine
    }

    package func has(_ key: String) -> Bool { node(key) != nil }

    package func string(_ key: String, required: Bool = false) -> String? {
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

    package func bool(_ key: String) -> Bool? {
        guard let text = string(key) else { return nil }
        switch text.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            error(line(key), "'\(key)' must be true or false, not '\(text)'")
            return nil
        }
    }

    package func int(_ key: String) -> Int? {
        guard let text = string(key) else { return nil }
        guard let value = Int(text) else {
            error(line(key), "'\(key)' must be a whole number, not '\(text)'")
            return nil
        }
        return value
    }

    /// A whole number within `range`; anything outside is an error naming the range.
    package func int(_ key: String, in range: ClosedRange<Int>) -> Int? {
        guard let text = string(key) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            error(line(key), "'\(key)' must be a whole number from \(range.lowerBound) to \(range.upperBound), not \(InputRules.quoted(text))")
            return nil
        }
        return value
    }

    /// An RFC 3339 time; a time without zone is an error (never guessed), and so is one outside
    /// 1970–9999 (year 0000 is a typo, and every time is counted in seconds since 1970).
    package func time(_ key: String, required: Bool = false) -> Timestamp? {
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
    package func strings(_ key: String) -> [String]? {
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
    package func pairs(_ key: String) -> [(key: String, value: String, line: Int)]? {
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
    package func mapping(_ key: String) -> YAMLFields? {
        guard let node = node(key) else { return nil }
        guard case .mapping(let map, let line) = node else {
            error(line(of: node), "'\(key)' must be a mapping of 'key: value' lines")
            return nil
        }
        return YAMLFields(pairs: map, line: line, path: path, lineOffset: lineOffset)
    }

    /// A list of mappings (components, action items, timeline entries).
    package func mappings(_ key: String) -> [YAMLFields]? {
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
    package func absorb(_ other: YAMLFields) { problems += other.problems }

    /// Reports keys that no accessor knows: usually typos (`staus:`).
    package func rejectUnknownKeys(expected known: [String]) {
        for (name, value) in pairs ?? [] where !known.contains(name) {
            let guess = closest(name, in: known).map { "; did you mean '\($0)'?" } ?? ""
            error(line(of: value), "unknown field '\(name)' (expected \(expected(known)))\(guess)")
        }
    }
}
