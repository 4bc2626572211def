import Foundation

/// A JSON document read for an import: every value keeps the line it starts on, so a problem is
/// reported as `path:line: error: /incidents/3/status: …` (line and JSON pointer).
///
/// A small byte-level parser of its own rather than JSONSerialization: that one reports neither
/// the line of a value nor where a truncated document ended, and an export is hostile input
/// (nesting is bounded, numbers are kept as text, bytes that are not UTF-8 become U+FFFD).
package struct JSONNode: Sendable {
    package indirect enum Value: Sendable {
        case null
        case bool(Bool)
        case number(String)
        case string(String)
        case array([JSONNode])
        case object([(key: String, value: JSONNode)])
    }

    package var value: Value
    /// 1-based line where the value starts.
    package var line: Int
    /// RFC 6901 pointer from the document's root, e.g. `/incidents/0/incident_updates/2`.
    package var pointer: String

    package subscript(key: String) -> JSONNode? {
        guard case .object(let pairs) = value else { return nil }
        for pair in pairs where pair.key == key { return pair.value }
        return nil
    }

    package var isNull: Bool { if case .null = value { true } else { false } }
    package var stringValue: String? { if case .string(let s) = value { s } else { nil } }
    package var arrayValue: [JSONNode]? { if case .array(let a) = value { a } else { nil } }
    package var isObject: Bool { if case .object = value { true } else { false } }
    package var boolValue: Bool? { if case .bool(let b) = value { b } else { nil } }

    /// What kind of value this is, for messages ("expected a string, found a number").
    package var kindName: String {
        switch value {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    static func escapePointer(_ key: String) -> String {
        // Keys almost never hold '~' or '/': check the bytes before asking Foundation.
        guard key.utf8.contains(where: { $0 == 0x7E || $0 == 0x2F }) else { return key }
        return key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }

    // MARK: - Parsing

    package struct SyntaxError: Error, Sendable {
        package var line: Int
        package var message: String
    }

    /// Deeper nesting than any export has; refusing it keeps a hostile file from exhausting the stack.
    static let maxDepth = 200

    package static func parse(_ bytes: [UInt8]) throws(SyntaxError) -> JSONNode {
        var parser = Parser(bytes: bytes)
        return try parser.document()
    }

    struct Parser {
        let bytes: [UInt8]
        var index = 0
        var line = 1

        init(bytes: [UInt8]) {
            self.bytes = bytes
            // A UTF-8 byte order mark is allowed before the value.
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
        }

        mutating func document() throws(SyntaxError) -> JSONNode {
            skipSpace()
            guard index < bytes.count else { throw SyntaxError(line: line, message: "the file is empty (expected a JSON object)") }
            let node = try value(pointer: "", depth: 0)
            skipSpace()
            guard index == bytes.count else { throw fail("unexpected '\(character(at: index))' after the end of the JSON value") }
            return node
        }

        func character(at index: Int) -> String {
            guard index < bytes.count else { return "end of file" }
            let byte = bytes[index]
            return byte >= 0x20 && byte < 0x7F ? String(UnicodeScalar(byte)) : String(format: "\\x%02X", byte)
        }

        func fail(_ message: String) -> SyntaxError { SyntaxError(line: line, message: message) }

        func truncated(_ what: String) -> SyntaxError {
            SyntaxError(line: line, message: "the JSON ends in the middle of \(what) (truncated file? expected the rest of the document)")
        }

        mutating func skipSpace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0D: index += 1
                case 0x0A:
                    line += 1
                    index += 1
                default: return
                }
            }
        }

        mutating func value(pointer: String, depth: Int) throws(SyntaxError) -> JSONNode {
            guard depth < JSONNode.maxDepth else { throw fail("JSON nested deeper than \(JSONNode.maxDepth) levels") }
            guard index < bytes.count else { throw truncated("a value") }
            let start = line
            switch bytes[index] {
            case UInt8(ascii: "{"):
                index += 1
                var pairs: [(key: String, value: JSONNode)] = []
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    return JSONNode(value: .object(pairs), line: start, pointer: pointer)
                }
                while true {
                    skipSpace()
                    guard index < bytes.count else { throw truncated("an object") }
                    guard bytes[index] == UInt8(ascii: "\"") else { throw fail("unexpected '\(character(at: index))' (expected a quoted key or '}')") }
                    let key = try string()
                    skipSpace()
                    guard index < bytes.count else { throw truncated("an object") }
                    guard bytes[index] == UInt8(ascii: ":") else { throw fail("unexpected '\(character(at: index))' after key \"\(key)\" (expected ':')") }
                    index += 1
                    skipSpace()
                    let child = try value(pointer: pointer + "/" + JSONNode.escapePointer(key), depth: depth + 1)
                    pairs.append((key, child))
                    skipSpace()
                    guard index < bytes.count else { throw truncated("an object") }
                    if bytes[index] == UInt8(ascii: ",") {
                        index += 1
                        continue
                    }
                    guard bytes[index] == UInt8(ascii: "}") else { throw fail("unexpected '\(character(at: index))' in an object (expected ',' or '}')") }
                    index += 1
                    return JSONNode(value: .object(pairs), line: start, pointer: pointer)
                }
            case UInt8(ascii: "["):
                index += 1
                var items: [JSONNode] = []
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    return JSONNode(value: .array(items), line: start, pointer: pointer)
                }
                while true {
                    skipSpace()
                    items.append(try value(pointer: pointer + "/" + String(items.count), depth: depth + 1))
                    skipSpace()
                    guard index < bytes.count else { throw truncated("an array") }
                    if bytes[index] == UInt8(ascii: ",") {
                        index += 1
                        continue
                    }
                    guard bytes[index] == UInt8(ascii: "]") else { throw fail("unexpected '\(character(at: index))' in an array (expected ',' or ']')") }
                    index += 1
                    return JSONNode(value: .array(items), line: start, pointer: pointer)
                }
            case UInt8(ascii: "\""):
                return JSONNode(value: .string(try string()), line: start, pointer: pointer)
            case UInt8(ascii: "t"):
                try literal("true")
                return JSONNode(value: .bool(true), line: start, pointer: pointer)
            case UInt8(ascii: "f"):
                try literal("false")
                return JSONNode(value: .bool(false), line: start, pointer: pointer)
            case UInt8(ascii: "n"):
                try literal("null")
                return JSONNode(value: .null, line: start, pointer: pointer)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                let begin = index
                index += 1
                while index < bytes.count, "0123456789.eE+-".utf8.contains(bytes[index]) { index += 1 }
                let text = String(decoding: bytes[begin..<index], as: UTF8.self)
                guard Double(text) != nil else { throw fail("'\(text)' is not a number") }
                return JSONNode(value: .number(text), line: start, pointer: pointer)
            default:
                throw fail("unexpected '\(character(at: index))' (expected a JSON value)")
            }
        }

        mutating func literal(_ word: String) throws(SyntaxError) {
            let utf8 = Array(word.utf8)
            guard index + utf8.count <= bytes.count else { throw truncated("'\(word)'") }
            guard Array(bytes[index..<(index + utf8.count)]) == utf8 else { throw fail("unexpected '\(character(at: index))' (expected a JSON value)") }
            index += utf8.count
        }

        /// A quoted string; `index` is at the opening quote.
        mutating func string() throws(SyntaxError) -> String {
            index += 1
            let begin = index
            // Fast path: no escapes.
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    let text = String(decoding: bytes[begin..<index], as: UTF8.self)
                    index += 1
                    return text
                }
                if byte == UInt8(ascii: "\\") { break }
                if byte < 0x20 {
                    throw fail(
                        byte == 0x0A
                            ? "a string runs past the end of its line (expected a closing '\"')" : "control character in a string (expected it escaped)")
                }
                index += 1
            }
            var out = Array(bytes[begin..<index])
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    index += 1
                    return String(decoding: out, as: UTF8.self)
                }
                if byte < 0x20 {
                    throw fail(
                        byte == 0x0A
                            ? "a string runs past the end of its line (expected a closing '\"')" : "control character in a string (expected it escaped)")
                }
                guard byte == UInt8(ascii: "\\") else {
                    out.append(byte)
                    index += 1
                    continue
                }
                index += 1
                guard index < bytes.count else { break }
                let escaped = bytes[index]
                index += 1
                switch escaped {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        // A high surrogate must be followed by a low one.
                        if index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") {
                            index += 2
                            let low = try hex4()
                            scalar = (0xDC00..<0xE000).contains(low) ? 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00) : 0xFFFD
                        } else {
                            scalar = 0xFFFD
                        }
                    } else if (0xDC00..<0xE000).contains(scalar) {
                        scalar = 0xFFFD
                    }
                    out.append(contentsOf: Array(String(UnicodeScalar(scalar).map(Character.init) ?? "\u{FFFD}").utf8))
                default:
                    throw fail("unknown escape '\\\(character(at: index - 1))' in a string")
                }
            }
            throw truncated("a string")
        }

        mutating func hex4() throws(SyntaxError) -> UInt32 {
            guard index + 4 <= bytes.count else { throw truncated("a \\u escape") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[index]
                let digit: UInt32
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - 48)
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - 87)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - 55)
                default: throw fail("'\\u' must be followed by four hex digits")
                }
                value = value * 16 + digit
                index += 1
            }
            return value
        }
    }
}
