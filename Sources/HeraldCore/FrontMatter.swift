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
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if let first = lines.first, first.hasPrefix("\u{FEFF}") {
            lines[0] = first.dropFirst()
        }
        guard let first = lines.first, first.trimmingCharacters(in: .whitespaces).trimmingCR() == "---" else {
            return .failure(.error(path, 1, "missing front matter (expected the file to start with a '---' line)"))
        }
        var closing: Int?
        for index in 1..<lines.count {
            let line = lines[index].trimmingCR()
            if line == "---" || line == "..." {
                closing = index
                break
            }
        }
        guard let closing else {
            return .failure(.error(path, 1, "front matter is not closed (expected a second '---' line)"))
        }
        let yaml = lines[1..<closing].map { String($0.trimmingCR()) }.joined(separator: "\n")
        let body = lines[(closing + 1)...].map { String($0.trimmingCR()) }.joined(separator: "\n")
        return .success(FrontMatterFile(path: path, yaml: yaml, body: body, bodyLine: closing + 2))
    }
}

extension Substring {
    fileprivate func trimmingCR() -> Substring { hasSuffix("\r") ? dropLast() : self }
}
extension String {
    fileprivate func trimmingCR() -> Substring { Substring(self).trimmingCR() }
}

/// Typed, line-aware reading of a YAML mapping. Every problem becomes a diagnostic in `problems`;
/// accessors return `nil` for a missing or bad value so loading continues and finds everything.
public final class YAMLFields {
    public let path: String
    let lineOffset: Int
    let mapping: Node.Mapping?
    let rootLine: Int
    public private(set) var problems: [Diagnostic] = []
    private var used: Set<String> = []

    /// Parses `yaml`; `lineOffset` is added to YAML line numbers (1 for front matter).
    public init(yaml: String, path: String, lineOffset: Int) {
        self.path = path
        self.lineOffset = lineOffset
        self.rootLine = 1 + lineOffset
        do {
            let node = try Yams.compose(yaml: yaml)
            switch node {
            case .some(.mapping(let m)): mapping = m
            case .none: mapping = Node.Mapping([])
            case .some(let other):
                mapping = nil
                problems.append(.error(path, line(of: other), "expected a mapping of 'key: value' lines"))
            }
        } catch let error as YamlError {
            mapping = nil
            problems.append(Self.diagnostic(for: error, path: path, lineOffset: lineOffset))
        } catch {
            mapping = nil
            problems.append(.error(path, rootLine, "could not read YAML: \(error)"))
        }
    }

    init(mapping: Node.Mapping, path: String, lineOffset: Int) {
        self.path = path
        self.lineOffset = lineOffset
        self.mapping = mapping
        self.rootLine = (mapping.mark?.line ?? 1) + lineOffset
    }

    public var isValid: Bool { mapping != nil }

    static func diagnostic(for error: YamlError, path: String, lineOffset: Int) -> Diagnostic {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _):
            let what = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
            return .error(path, mark.line + lineOffset, "broken YAML: \(what)")
        case .composer(let context, let problem, let mark, _):
            let what = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
            return .error(path, mark.line + lineOffset, "broken YAML: \(what)")
        default:
            return .error(path, 1 + lineOffset, "broken YAML: \(error)")
        }
    }

    func line(of node: Node) -> Int { (node.mark?.line ?? 1) + lineOffset }

    public func error(_ line: Int, _ message: String) {
        problems.append(.error(path, line, message))
    }

    /// The node for `key`, marking it as known.
    public func node(_ key: String) -> Node? {
        used.insert(key)
        return mapping?[key]
    }

    /// The file line of `key`'s value (or of the mapping when absent).
    public func line(_ key: String) -> Int {
        guard let mapping else { return rootLine }
        for (k, v) in mapping where k.string == key { return line(of: v) }
        return rootLine
    }

    public func has(_ key: String) -> Bool { mapping?[key] != nil }

    public func string(_ key: String, required: Bool = false) -> String? {
        guard let node = node(key) else {
            if required, mapping != nil { error(rootLine, "missing '\(key)'") }
            return nil
        }
        guard case .scalar(let scalar) = node else {
            error(line(of: node), "'\(key)' must be a single value")
            return nil
        }
        if scalar.string.isEmpty && scalar.style == .plain && required {
            error(line(of: node), "'\(key)' is empty")
            return nil
        }
        if scalar.style == .plain && (scalar.string == "~" || scalar.string == "null") { return nil }
        return scalar.string
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
        case .scalar(let scalar):
            return scalar.string.isEmpty ? [] : [scalar.string]
        case .sequence(let sequence):
            var result: [String] = []
            for item in sequence {
                if case .scalar(let scalar) = item {
                    result.append(scalar.string)
                } else {
                    error(line(of: item), "'\(key)' must be a list of single values")
                }
            }
            return result
        case .mapping, .alias:
            error(line(of: node), "'\(key)' must be a list, e.g. [a, b]")
            return nil
        }
    }

    /// A mapping of scalar keys to scalar values, in file order, with each value's line.
    public func pairs(_ key: String) -> [(key: String, value: String, line: Int)]? {
        guard let node = node(key) else { return nil }
        guard case .mapping(let map) = node else {
            if case .scalar(let s) = node, s.string.isEmpty { return [] }
            error(line(of: node), "'\(key)' must be a mapping, e.g. {a: b}")
            return nil
        }
        var result: [(String, String, Int)] = []
        for (k, v) in map {
            guard case .scalar(let ks) = k, case .scalar(let vs) = v else {
                error(line(of: v), "'\(key)' entries must be 'key: value'")
                continue
            }
            result.append((ks.string, vs.string, line(of: v)))
        }
        return result
    }

    /// A list of mappings (components, action items, timeline entries).
    public func mappings(_ key: String) -> [YAMLFields]? {
        guard let node = node(key) else { return nil }
        guard case .sequence(let sequence) = node else {
            if case .scalar(let s) = node, s.string.isEmpty { return [] }
            error(line(of: node), "'\(key)' must be a list of entries starting with '- '")
            return nil
        }
        var result: [YAMLFields] = []
        for item in sequence {
            guard case .mapping(let map) = item else {
                error(line(of: item), "each '\(key)' entry must be a mapping of 'key: value' lines")
                continue
            }
            result.append(YAMLFields(mapping: map, path: path, lineOffset: lineOffset))
        }
        return result
    }

    /// Adopts the problems found by a nested reader.
    public func absorb(_ other: YAMLFields) { problems += other.problems }

    /// Reports keys that no accessor asked for: usually typos (`staus:`).
    public func rejectUnknownKeys(expected known: [String]) {
        guard let mapping else { return }
        for (k, v) in mapping {
            guard let name = k.string else { continue }
            if !known.contains(name) {
                let guess = closest(name, in: known).map { "; did you mean '\($0)'?" } ?? ""
                error(line(of: v), "unknown field '\(name)' (expected \(expected(known)))\(guess)")
            }
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
