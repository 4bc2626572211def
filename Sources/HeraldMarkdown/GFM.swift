internal import CCmark

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// GitHub-flavoured Markdown on libcmark's AST: tables, task list items, strikethrough and extended
// autolinks (https://github.github.com/gfm/, the `table`, `tasklist`, `strikethrough` and
// `autolink` extensions). libcmark parses CommonMark; these passes then reshape its tree:
//
// - Tables: libcmark leaves a table as a paragraph (or, with a `===`/`---` line under it, a
//   setext heading). Its source lines are taken back from the source positions, split into rows
//   and cells as the GFM spec says, and every cell's inline Markdown is parsed by libcmark.
//   Tables are custom nodes whose markup is fixed here; everything from the author stays in
//   ordinary text, code and link nodes, so safe mode, redaction and plain text see it as usual.
// - Task list items: a list item whose first paragraph starts with `[ ]`, `[x]` or `[X]`.
// - Strikethrough: `~text~` and `~~text~~`, with the flanking rules of emphasis.
// - Autolinks: `http://`, `https://`, `ftp://`, `www.` and e-mail addresses in text, never inside
//   code, links or images.
//
// The passes cost nothing for a text without `|`, `[`, `~`, `://`, `www.` or `@` (checked in one
// pass over the bytes first), which is most status updates.

/// What a node made by these passes is, kept in libcmark's `user_data` (kind in the low 4 bits,
/// the source line of a table row above them).
enum GFMKind: Int {
    case table = 1
    case section, row, headerCell, cell, strike, task, autolink

    static func of(_ node: OpaquePointer) -> (kind: GFMKind, line: Int)? {
        guard let data = cmark_node_get_user_data(node) else { return nil }
        let value = Int(bitPattern: data)
        guard let kind = GFMKind(rawValue: value & 15) else { return nil }
        return (kind, value >> 4)
    }

    func tag(_ node: OpaquePointer, line: Int = 0) {
        _ = cmark_node_set_user_data(node, UnsafeMutableRawPointer(bitPattern: rawValue | (max(line, 0) << 4)))
    }
}

enum GFM {
    struct Features: OptionSet {
        let rawValue: Int
        static let pipe = Features(rawValue: 1)
        static let bracket = Features(rawValue: 2)
        static let tilde = Features(rawValue: 4)
        static let url = Features(rawValue: 8)
        static let at = Features(rawValue: 16)
    }

    /// For each byte, the feature it may start (0: none).
    private static let starts: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 256)
        table[Int(UInt8(ascii: "|"))] = 1
        table[Int(UInt8(ascii: "["))] = 2
        table[Int(UInt8(ascii: "~"))] = 3
        table[Int(UInt8(ascii: "@"))] = 4
        table[Int(UInt8(ascii: ":"))] = 5
        table[Int(UInt8(ascii: "w"))] = 6
        return table
    }()

    /// Which extensions `source` could use: one pass over its bytes, a table lookup each.
    static func features(_ s: UnsafeBufferPointer<UInt8>) -> Features {
        var found: Features = []
        let n = s.count
        starts.withUnsafeBufferPointer { table in
            var i = 0
            while i < n {
                let kind = table[Int(s[i])]
                if kind != 0 {
                    switch kind {
                    case 1: found.insert(.pipe)
                    case 2: found.insert(.bracket)
                    case 3: found.insert(.tilde)
                    case 4: found.insert(.at)
                    case 5:
                        if i + 2 < n, s[i + 1] == UInt8(ascii: "/"), s[i + 2] == UInt8(ascii: "/") { found.insert(.url) }
                    default:
                        if i + 3 < n, s[i + 1] == UInt8(ascii: "w"), s[i + 2] == UInt8(ascii: "w"), s[i + 3] == UInt8(ascii: ".") { found.insert(.url) }
                    }
                }
                i += 1
            }
        }
        return found
    }

    /// Applies every extension to `document`, parsed from `source`.
    static func extend(_ document: OpaquePointer, source: UnsafeBufferPointer<UInt8>) {
        let features = features(source)
        if features.isEmpty { return }
        // Source lines are only needed to find tables, task markers and escaped tildes.
        guard !features.isDisjoint(with: [.pipe, .bracket, .tilde]) else {
            Inlines.convert(in: document, features: features, source: nil)
            return
        }
        let text = SourceText(source)
        if features.contains(.pipe) {
            Tables.convert(in: document, source: text, lineOffset: 0, references: Tables.References(text))
        }
        if features.contains(.bracket) {
            TaskItems.convert(in: document, source: text)
        }
        if features.contains(.url) || features.contains(.tilde) || features.contains(.at) {
            Inlines.convert(in: document, features: features, source: text)
        }
    }
}

/// A Markdown source with its lines (1-based), as libcmark numbers them.
struct SourceText {
    let bytes: [UInt8]
    /// Offset of the first byte of each line; `lineStarts[0]` is line 1.
    let lineStarts: [Int]

    init(_ source: UnsafeBufferPointer<UInt8>) {
        bytes = Array(source)
        var starts = [0]
        for (index, byte) in bytes.enumerated() where byte == 10 { starts.append(index + 1) }
        lineStarts = starts
    }

    var lineCount: Int { lineStarts.count }

    /// Line `number` (1-based) without its line ending.
    func line(_ number: Int) -> ArraySlice<UInt8> {
        guard number >= 1, number <= lineStarts.count else { return [] }
        let start = lineStarts[number - 1]
        var end = number < lineStarts.count ? lineStarts[number] - 1 : bytes.count
        if end > start, bytes[end - 1] == 13 { end -= 1 }
        return bytes[start..<max(start, end)]
    }
}

// MARK: - Small byte helpers

@inline(__always) func isSpaceChar(_ b: UInt8) -> Bool { b == 32 || b == 9 || b == 11 || b == 12 }
@inline(__always) func isASCIIPunctuation(_ b: UInt8) -> Bool {
    (b >= 33 && b <= 47) || (b >= 58 && b <= 64) || (b >= 91 && b <= 96) || (b >= 123 && b <= 126)
}
@inline(__always) func isAlnum(_ b: UInt8) -> Bool { (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) }
@inline(__always) func isAlpha(_ b: UInt8) -> Bool { (b >= 65 && b <= 90) || (b >= 97 && b <= 122) }

func trimmed(_ s: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
    var start = s.startIndex
    var end = s.endIndex
    while start < end, isSpaceChar(s[start]) { start += 1 }
    while end > start, isSpaceChar(s[end - 1]) { end -= 1 }
    return s[start..<end]
}

// MARK: - libcmark helpers

enum Node {
    static func type(_ node: OpaquePointer) -> cmark_node_type { cmark_node_get_type(node) }

    static func literal(_ node: OpaquePointer) -> [UInt8] {
        guard let pointer = cmark_node_get_literal(node) else { return [] }
        return Array(UnsafeBufferPointer(start: UnsafeRawPointer(pointer).assumingMemoryBound(to: UInt8.self), count: strlen(pointer)))
    }

    static func setLiteral(_ node: OpaquePointer, _ bytes: some Collection<UInt8>) {
        var copy = Array(bytes)
        copy.append(0)
        copy.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { _ = cmark_node_set_literal(node, $0.baseAddress) }
        }
    }

    static func text(_ bytes: some Collection<UInt8>) -> OpaquePointer {
        let node = cmark_node_new(CMARK_NODE_TEXT)!
        setLiteral(node, bytes)
        return node
    }

    static func custom(_ type: cmark_node_type, _ enter: String, _ exit: String, _ kind: GFMKind, line: Int = 0) -> OpaquePointer {
        let node = cmark_node_new(type)!
        _ = cmark_node_set_on_enter(node, enter)
        _ = cmark_node_set_on_exit(node, exit)
        kind.tag(node, line: line)
        return node
    }

    static func children(_ node: OpaquePointer) -> [OpaquePointer] {
        var result: [OpaquePointer] = []
        var child = cmark_node_first_child(node)
        while let current = child {
            result.append(current)
            child = cmark_node_next(current)
        }
        return result
    }

    /// Moves every child of `from` to the end of `to`.
    static func moveChildren(_ from: OpaquePointer, to: OpaquePointer) {
        while let child = cmark_node_first_child(from) {
            _ = cmark_node_append_child(to, child)
        }
    }

    /// Every node of `root` (entering events), collected first so the tree may change afterwards.
    static func collect(_ root: OpaquePointer, _ keep: (OpaquePointer) -> Bool) -> [OpaquePointer] {
        guard let iterator = cmark_iter_new(root) else { return [] }
        defer { cmark_iter_free(iterator) }
        var result: [OpaquePointer] = []
        while true {
            let event = cmark_iter_next(iterator)
            if event == CMARK_EVENT_DONE { break }
            guard event == CMARK_EVENT_ENTER, let node = cmark_iter_get_node(iterator) else { continue }
            if keep(node) { result.append(node) }
        }
        return result
    }

    static func parse(_ bytes: [UInt8]) -> OpaquePointer? {
        bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) {
                cmark_parse_document($0.baseAddress, $0.count, CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8)
            }
        }
    }
}
