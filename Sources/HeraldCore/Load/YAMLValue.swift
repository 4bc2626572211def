import Foundation
import Yams

/// A parsed YAML value with the line it starts on (1-based, within the YAML text).
package indirect enum YAMLValue: Sendable {
    case scalar(String, plain: Bool, line: Int)
    case sequence([YAMLValue], line: Int)
    case mapping([(key: String, value: YAMLValue)], line: Int)

    package var line: Int {
        switch self {
        case .scalar(_, _, let line), .sequence(_, let line), .mapping(_, let line): line
        }
    }

    package subscript(key: String) -> YAMLValue? {
        guard case .mapping(let pairs, _) = self else { return nil }
        return pairs.first { $0.key == key }?.value
    }

    /// Parses a YAML document. Front matter is almost always flat `key: value` lines, which
    /// `FlatYAML` reads directly; anything else goes to Yams (libyaml), which also words the errors.
    package static func parse(_ yaml: String) -> Result<YAMLValue?, YAMLParseError> {
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

package struct YAMLParseError: Error, Sendable {
    package var line: Int
    package var message: String

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
            while let first = rest.first, first == " " || first == "-" {
                rest = rest.dropFirst()
                indent += 1
            }
            for quoted in [key, "\"\(key)\"", "'\(key)'"] where rest.hasPrefix(quoted + ":") {
                if !seen.insert(indent).inserted { return index + 1 }
            }
        }
        return nil
    }
}
