import CYaml

/// Bounds what a YAML document may make Herald build, before Yams builds anything: a 490-byte
/// "billion laughs" document (anchors whose aliases refer to aliases) expands to a billion nodes
/// when its tree is walked, and Yams hashes a mapping's keys as it composes it (an alias as a key
/// is hashed whole). Deeply nested collections overflow the stack of a recursive composer.
///
/// One pass over libyaml's events (no nodes): counts the values each alias stands for, and the
/// nesting depth. Only documents that `FlatYAML` declines get here (site.yml, people.yml, and
/// front matter with nested blocks), so plain records never pay for it.
enum YAMLGuard {
    /// How many values all aliases of a document may stand for together. A site.yml that reuses
    /// a few mappings stays far below; a billion-laughs document passes it within its third level.
    static let maxAliasedValues = 10_000
    /// How deep collections may nest (Herald's own formats nest three levels at most).
    static let maxDepth = 64

    /// The problem with `yaml`, or nil when it may be composed. Syntax errors are left to Yams,
    /// which words them.
    static func check(_ yaml: String) -> YAMLParseError? {
        var text = yaml
        return text.withUTF8 { check(bytes: $0) }
    }

    static func check(bytes: UnsafeBufferPointer<UInt8>) -> YAMLParseError? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return nil }
        defer { yaml_parser_delete(&parser) }
        yaml_parser_set_input_string(&parser, bytes.baseAddress, bytes.count)
        yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)

        // Values per anchor; values of each open collection (itself included) and its anchor.
        var anchored: [String: Int] = [:]
        var open: [(values: Int, anchor: String?)] = []
        var aliased = 0
        func add(_ values: Int) {
            if !open.isEmpty { open[open.count - 1].values += values }
        }
        func anchorName(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
            pointer.map { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
        }
        while true {
            var event = yaml_event_t()
            guard yaml_parser_parse(&parser, &event) == 1 else {
                // libyaml stops at its own nesting limit while scanning ahead; worded as ours.
                if let problem = parser.problem, String(cString: problem).contains("nesting level") {
                    return YAMLParseError(
                        line: Int(parser.problem_mark.line) + 1, message: "YAML nested more than \(maxDepth) levels deep (expected Herald's flat format)")
                }
                return nil
            }
            defer { yaml_event_delete(&event) }
            let line = Int(event.start_mark.line) + 1
            switch event.type {
            case YAML_STREAM_END_EVENT, YAML_NO_EVENT:
                return nil
            case YAML_SCALAR_EVENT:
                if let anchor = anchorName(event.data.scalar.anchor) { anchored[anchor] = 1 }
                add(1)
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                let anchor = anchorName(event.type == YAML_SEQUENCE_START_EVENT ? event.data.sequence_start.anchor : event.data.mapping_start.anchor)
                open.append((1, anchor))
                if open.count > maxDepth {
                    return YAMLParseError(line: line, message: "YAML nested more than \(maxDepth) levels deep (expected Herald's flat format)")
                }
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard let closed = open.popLast() else { return nil }
                if let anchor = closed.anchor { anchored[anchor] = closed.values }
                add(closed.values)
            case YAML_ALIAS_EVENT:
                // An undefined alias is left to Yams (it reports it).
                let values = anchorName(event.data.alias.anchor).flatMap { anchored[$0] } ?? 0
                aliased += values
                if aliased > maxAliasedValues {
                    return YAMLParseError(
                        line: line,
                        message: "YAML aliases stand for more than \(maxAliasedValues) values (an alias bomb?); write the values out instead of using *aliases")
                }
                add(values)
            default:
                break
            }
        }
    }
}
