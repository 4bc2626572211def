internal import CCmark

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// GFM task list items: `- [ ] text` and `- [x] text` become a disabled checkbox labelled by the
/// item's text.
enum TaskItems {
    static func convert(in root: OpaquePointer, source: SourceText) {
        let items = Node.collect(root) { Node.type($0) == CMARK_NODE_ITEM }
        for item in items {
            guard let paragraph = cmark_node_first_child(item), Node.type(paragraph) == CMARK_NODE_PARAGRAPH,
                let first = cmark_node_first_child(paragraph), Node.type(first) == CMARK_NODE_TEXT
            else { continue }
            // The marker must be in the source as written (not `\[ ]`, not a reference link).
            let line = source.line(Int(cmark_node_get_start_line(paragraph)))
            let start = line.dropFirst(max(Int(cmark_node_get_start_column(paragraph)) - 1, 0))
            let marker = Array(start.prefix(4))
            guard marker.count == 4, marker[0] == UInt8(ascii: "["), marker[2] == UInt8(ascii: "]"),
                marker[1] == 32 || marker[1] == 9 || marker[1] == UInt8(ascii: "x") || marker[1] == UInt8(ascii: "X"),
                marker[3] == 32 || marker[3] == 9
            else { continue }
            let literal = Node.literal(first)
            guard literal.count >= 3, literal[0] == marker[0], literal[1] == marker[1], literal[2] == marker[2] else { continue }
            var cut = 3
            while cut < literal.count, literal[cut] == 32 || literal[cut] == 9 { cut += 1 }
            if cut == literal.count {
                cmark_node_unlink(first)
                cmark_node_free(first)
            } else {
                Node.setLiteral(first, literal[cut...])
            }
            let checked = marker[1] == UInt8(ascii: "x") || marker[1] == UInt8(ascii: "X")
            let label = Node.custom(
                CMARK_NODE_CUSTOM_INLINE,
                "<label class=\"task\"><input type=\"checkbox\" disabled" + (checked ? " checked" : "") + "> ", "</label>", .task,
                line: checked ? 1 : 0)
            Node.moveChildren(paragraph, to: label)
            _ = cmark_node_append_child(paragraph, label)
        }
    }
}

/// Extended autolinks and strikethrough, on the inline nodes libcmark made.
enum Inlines {
    static func convert(in root: OpaquePointer, features: GFM.Features, source: SourceText?) {
        if features.contains(.url) {
            for container in containers(root, includingLinks: false) { autolinkURLs(in: container) }
        }
        if features.contains(.tilde) {
            let escapes = source.map { mayEscapeTildes($0.bytes) } ?? false
            for container in containers(root, includingLinks: true) { strikethrough(in: container, source: escapes ? source : nil) }
        }
        if features.contains(.at) {
            // Only text holding an '@' (looked for in libcmark's own buffer) is looked at further.
            let texts = Node.collect(root) { node in
                guard Node.type(node) == CMARK_NODE_TEXT, let literal = cmark_node_get_literal(node), strchr(literal, 64) != nil else { return false }
                return !insideLink(node)
            }
            for text in texts { autolinkEmails(in: text) }
        }
    }

    static func containers(_ root: OpaquePointer, includingLinks: Bool) -> [OpaquePointer] {
        Node.collect(root) { node in
            switch Node.type(node) {
            case CMARK_NODE_PARAGRAPH, CMARK_NODE_HEADING, CMARK_NODE_EMPH, CMARK_NODE_STRONG, CMARK_NODE_CUSTOM_INLINE:
                return !insideLink(node)
            case CMARK_NODE_LINK:
                return includingLinks && GFMKind.of(node)?.kind != .autolink && !insideLink(node)
            default:
                return false
            }
        }
    }

    static func insideLink(_ node: OpaquePointer) -> Bool {
        var parent = cmark_node_parent(node)
        while let current = parent {
            let type = Node.type(current)
            if type == CMARK_NODE_LINK || type == CMARK_NODE_IMAGE { return true }
            parent = cmark_node_parent(current)
        }
        return false
    }

    // MARK: Autolinks

    /// Replaces runs of text nodes by text and links to the `http(s)://`, `ftp://` and `www.`
    /// addresses found in them.
    static func autolinkURLs(in container: OpaquePointer) {
        var child = cmark_node_first_child(container)
        while let start = child {
            guard Node.type(start) == CMARK_NODE_TEXT else {
                child = cmark_node_next(start)
                continue
            }
            var run = [start]
            var next = cmark_node_next(start)
            while let node = next, Node.type(node) == CMARK_NODE_TEXT {
                run.append(node)
                next = cmark_node_next(node)
            }
            child = next
            var bytes: [UInt8] = []
            for node in run { bytes.append(contentsOf: Node.literal(node)) }
            let startAllowed: Bool
            if let previous = cmark_node_previous(start) {
                let type = Node.type(previous)
                startAllowed = type == CMARK_NODE_SOFTBREAK || type == CMARK_NODE_LINEBREAK || type == CMARK_NODE_EMPH || type == CMARK_NODE_STRONG
            } else {
                startAllowed = true
            }
            let links = findURLs(bytes, startAllowed: startAllowed)
            guard !links.isEmpty else { continue }
            var position = 0
            for link in links {
                if link.range.lowerBound > position { _ = cmark_node_insert_before(start, Node.text(bytes[position..<link.range.lowerBound])) }
                _ = cmark_node_insert_before(start, makeLink(href: link.href, text: bytes[link.range]))
                position = link.range.upperBound
            }
            if position < bytes.count { _ = cmark_node_insert_before(start, Node.text(bytes[position...])) }
            for node in run {
                cmark_node_unlink(node)
                cmark_node_free(node)
            }
        }
    }

    static func makeLink(href: [UInt8], text: ArraySlice<UInt8>) -> OpaquePointer {
        let link = cmark_node_new(CMARK_NODE_LINK)!
        var url = href
        url.append(0)
        url.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { _ = cmark_node_set_url(link, $0.baseAddress) }
        }
        GFMKind.autolink.tag(link)
        _ = cmark_node_append_child(link, Node.text(text))
        return link
    }

    struct Found {
        var range: Range<Int>
        var href: [UInt8]
    }

    static func findURLs(_ d: [UInt8], startAllowed: Bool) -> [Found] {
        var found: [Found] = []
        var i = 0
        let n = d.count
        while i < n {
            let c = d[i]
            if c == UInt8(ascii: "w"), i + 4 <= n, d[i + 1] == c, d[i + 2] == c, d[i + 3] == UInt8(ascii: "."),
                i == 0
                    ? startAllowed
                    : (isCSpace(d[i - 1]) || d[i - 1] == UInt8(ascii: "*") || d[i - 1] == UInt8(ascii: "_") || d[i - 1] == UInt8(ascii: "~")
                        || d[i - 1] == UInt8(ascii: "("))
            {
                var end = checkDomain(d, i, allowShort: false)
                if end > 0 {
                    while i + end < n, !isCSpace(d[i + end]) { end += 1 }
                    end = delimit(d, i, end)
                    if end > 0 {
                        found.append(Found(range: i..<(i + end), href: Array("http://".utf8) + d[i..<(i + end)]))
                        i += end
                        continue
                    }
                }
            } else if c == UInt8(ascii: ":"), i + 3 < n, d[i + 1] == UInt8(ascii: "/"), d[i + 2] == UInt8(ascii: "/") {
                var rewind = 0
                let floor = found.last?.range.upperBound ?? 0
                while i - rewind - 1 >= floor, isAlpha(d[i - rewind - 1]) { rewind += 1 }
                let scheme = String(decoding: d[(i - rewind)..<i], as: UTF8.self).lowercased()
                if scheme == "http" || scheme == "https" || scheme == "ftp", isHostChar(d, i + 3) {
                    let domain = checkDomain(d, i + 3, allowShort: true)
                    if domain > 0 {
                        var end = 3 + domain
                        while i + end < n, !isCSpace(d[i + end]) { end += 1 }
                        end = delimit(d, i, end)
                        if end > 0 {
                            let range = (i - rewind)..<(i + end)
                            found.append(Found(range: range, href: Array(d[range])))
                            i += end
                            continue
                        }
                    }
                }
            }
            i += 1
        }
        return found
    }

    @inline(__always) static func isCSpace(_ b: UInt8) -> Bool { b == 32 || (b >= 9 && b <= 13) }

    /// Whether the character at `index` may be part of a host name: neither white space nor
    /// punctuation.
    static func isHostChar(_ d: [UInt8], _ index: Int) -> Bool {
        guard index < d.count else { return false }
        let b = d[index]
        if b < 128 { return !isCSpace(b) && !isASCIIPunctuation(b) && b != 32 }
        guard let scalar = scalar(d, index) else { return false }
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
            .finalPunctuation, .otherPunctuation, .spaceSeparator:
            return false
        default:
            return true
        }
    }

    static func scalar(_ d: [UInt8], _ index: Int) -> Unicode.Scalar? {
        var iterator = d[index...].makeIterator()
        var decoder = UTF8()
        if case .scalarValue(let scalar) = decoder.decode(&iterator) { return scalar }
        return nil
    }

    /// The length of the domain starting at `start` (0: none), as cmark-gfm's `check_domain`.
    static func checkDomain(_ d: [UInt8], _ start: Int, allowShort: Bool) -> Int {
        let size = d.count - start
        var i = 1
        var periods = 0
        var underscores1 = 0
        var underscores2 = 0
        while i < size - 1 {
            let c = d[start + i]
            if c == UInt8(ascii: "_") {
                underscores2 += 1
            } else if c == UInt8(ascii: ".") {
                underscores1 = underscores2
                underscores2 = 0
                periods += 1
            } else if !isHostChar(d, start + i), c != UInt8(ascii: "-") {
                break
            }
            i += 1
        }
        if underscores1 > 0 || underscores2 > 0 { return 0 }
        if allowShort { return max(i, 0) }
        return periods > 0 ? i : 0
    }

    /// Trailing punctuation is not part of an autolink; nor is an unbalanced `)` or an entity.
    static func delimit(_ d: [UInt8], _ start: Int, _ length: Int) -> Int {
        var end = length
        for index in 0..<end where d[start + index] == UInt8(ascii: "<") {
            end = index
            break
        }
        while end > 0 {
            let c = d[start + end - 1]
            switch c {
            case UInt8(ascii: "?"), UInt8(ascii: "!"), UInt8(ascii: "."), UInt8(ascii: ","), UInt8(ascii: ":"), UInt8(ascii: "*"),
                UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "'"), UInt8(ascii: "\""):
                end -= 1
            case UInt8(ascii: ";"):
                var newEnd = end - 2
                while newEnd > 0, isAlpha(d[start + newEnd]) { newEnd -= 1 }
                if newEnd >= 0, newEnd < end - 2, d[start + newEnd] == UInt8(ascii: "&") { end = newEnd } else { end -= 1 }
            case UInt8(ascii: ")"):
                var opening = 0
                var closing = 0
                for index in 0..<end {
                    if d[start + index] == UInt8(ascii: "(") { opening += 1 } else if d[start + index] == UInt8(ascii: ")") { closing += 1 }
                }
                if closing <= opening { return end }
                end -= 1
            default:
                return end
            }
        }
        return end
    }

    /// E-mail addresses in a text node (cmark-gfm's rules), as `mailto:` links.
    static func autolinkEmails(in node: OpaquePointer) {
        let d = Node.literal(node)
        guard d.contains(UInt8(ascii: "@")) else { return }
        var found: [Found] = []
        var offset = 0
        var at = offset
        while at < d.count {
            guard d[at] == UInt8(ascii: "@") else {
                at += 1
                continue
            }
            var rewind = 0
            var slash = false
            while at - rewind - 1 >= offset {
                let c = d[at - rewind - 1]
                if isAlnum(c) || c == UInt8(ascii: ".") || c == UInt8(ascii: "+") || c == UInt8(ascii: "-") || c == UInt8(ascii: "_") {
                    rewind += 1
                    continue
                }
                if c == UInt8(ascii: "/") { slash = true }
                break
            }
            guard rewind > 0, !slash else {
                at += 1
                continue
            }
            var end = 0
            var ats = 0
            var periods = 0
            let size = d.count - at
            while end < size {
                let c = d[at + end]
                if isAlnum(c) {
                    end += 1
                    continue
                }
                if c == UInt8(ascii: "@") {
                    ats += 1
                } else if c == UInt8(ascii: "."), end < size - 1, isAlnum(d[at + end + 1]) {
                    periods += 1
                } else if c != UInt8(ascii: "-"), c != UInt8(ascii: "_") {
                    break
                }
                end += 1
            }
            guard end >= 2, ats == 1, periods > 0, isAlpha(d[at + end - 1]) || d[at + end - 1] == UInt8(ascii: ".") else {
                at += 1
                continue
            }
            end = delimit(d, at, end)
            guard end > 0 else {
                at += 1
                continue
            }
            let range = (at - rewind)..<(at + end)
            found.append(Found(range: range, href: Array("mailto:".utf8) + d[range]))
            offset = at + end
            at = offset
        }
        guard !found.isEmpty else { return }
        var position = 0
        for link in found {
            if link.range.lowerBound > position { _ = cmark_node_insert_before(node, Node.text(d[position..<link.range.lowerBound])) }
            _ = cmark_node_insert_before(node, makeLink(href: link.href, text: d[link.range]))
            position = link.range.upperBound
        }
        if position < d.count { _ = cmark_node_insert_before(node, Node.text(d[position...])) }
        cmark_node_unlink(node)
        cmark_node_free(node)
    }

    // MARK: Strikethrough

    struct Delimiter {
        var node: Int  // index among the container's children
        var offset: Int  // byte offset in that text node
        var length: Int
        var canOpen: Bool
        var canClose: Bool
    }

    enum Around { case space, punctuation, other }

    static func classify(_ scalar: Unicode.Scalar?) -> Around {
        guard let scalar else { return .space }
        if scalar.value < 128 {
            let b = UInt8(scalar.value)
            if isCSpace(b) { return .space }
            return isASCIIPunctuation(b) ? .punctuation : .other
        }
        switch scalar.properties.generalCategory {
        case .spaceSeparator: return .space
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
            .finalPunctuation, .otherPunctuation:
            return .punctuation
        default: return .other
        }
    }

    /// What a reader of the source sees next to a sibling node: white space for breaks and the
    /// container's edges, punctuation for other inlines (their markup: `*`, `` ` ``, `[`, `)`…).
    static func neighbour(_ node: OpaquePointer?, last: Bool) -> Around {
        guard let node else { return .space }
        switch Node.type(node) {
        case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK:
            return .space
        case CMARK_NODE_TEXT:
            let literal = Node.literal(node)
            if literal.isEmpty { return .space }
            if last {
                var index = literal.count - 1
                while index > 0, literal[index] & 0xC0 == 0x80 { index -= 1 }
                return classify(scalar(literal, index))
            }
            return classify(scalar(literal, 0))
        default:
            return .punctuation
        }
    }

    /// Whether the source writes a tilde that is no delimiter: `\~` or a character reference.
    static func mayEscapeTildes(_ s: [UInt8]) -> Bool {
        var index = 1
        while index < s.count {
            if s[index] == UInt8(ascii: "~"), s[index - 1] == UInt8(ascii: "\\") { return true }
            if s[index] == UInt8(ascii: "#"), s[index - 1] == UInt8(ascii: "&") { return true }
            index += 1
        }
        return false
    }

    /// Whether the tildes of a text node are all written as tildes in the source. libcmark merges
    /// `\~` and `&#126;` into the text around them, so with `source` (given when the source has
    /// such escapes) the node's own source is read; a node whose source is unknown (a table cell,
    /// text split by an autolink) then makes no delimiters.
    static func tildesAreLiteral(_ node: OpaquePointer, source: SourceText?) -> Bool {
        guard let source else { return true }
        let line = Int(cmark_node_get_start_line(node))
        guard line > 0, line == Int(cmark_node_get_end_line(node)) else { return false }
        var parent = cmark_node_parent(node)
        while let current = parent {
            if let kind = GFMKind.of(current)?.kind, kind == .cell || kind == .headerCell { return false }
            parent = cmark_node_parent(current)
        }
        let text = source.line(line)
        let start = text.startIndex + Int(cmark_node_get_start_column(node)) - 1
        let end = min(text.endIndex, text.startIndex + Int(cmark_node_get_end_column(node)))
        guard start >= text.startIndex, start <= end else { return false }
        let raw = text[start..<end]
        var index = raw.startIndex + 1
        while index < raw.endIndex {
            if raw[index] == UInt8(ascii: "~"), raw[index - 1] == UInt8(ascii: "\\") { return false }
            if raw[index] == UInt8(ascii: "#"), raw[index - 1] == UInt8(ascii: "&") { return false }
            index += 1
        }
        return true
    }

    static func strikethrough(in container: OpaquePointer, source: SourceText?) {
        let children = Node.children(container)
        var delimiters: [Delimiter] = []
        for (index, child) in children.enumerated() where Node.type(child) == CMARK_NODE_TEXT {
            guard tildesAreLiteral(child, source: source) else { continue }
            let d = Node.literal(child)
            var i = 0
            while i < d.count {
                guard d[i] == UInt8(ascii: "~") else {
                    i += 1
                    continue
                }
                var j = i
                while j < d.count, d[j] == UInt8(ascii: "~") { j += 1 }
                let length = j - i
                if length <= 2 {
                    var before: Around
                    if i == 0 {
                        before = neighbour(index > 0 ? children[index - 1] : nil, last: true)
                    } else {
                        var k = i - 1
                        while k > 0, d[k] & 0xC0 == 0x80 { k -= 1 }
                        before = classify(scalar(d, k))
                    }
                    let after: Around = j == d.count ? neighbour(index + 1 < children.count ? children[index + 1] : nil, last: false) : classify(scalar(d, j))
                    if i == 0, index == 0 { before = .space }
                    let left = after != .space && (after != .punctuation || before != .other)
                    let right = before != .space && (before != .punctuation || after != .other)
                    if left || right {
                        delimiters.append(Delimiter(node: index, offset: i, length: length, canOpen: left, canClose: right))
                    }
                }
                i = j
            }
        }
        guard delimiters.count >= 2 else { return }
        var active = Array(repeating: true, count: delimiters.count)
        var pairs: [(Int, Int)] = []
        for closer in delimiters.indices where active[closer] && delimiters[closer].canClose {
            var opener = closer - 1
            var matched: Int?
            while opener >= 0 {
                let o = delimiters[opener]
                let c = delimiters[closer]
                if active[opener], o.canOpen,
                    !(c.canOpen || o.canClose) || c.length % 3 == 0 || (o.length + c.length) % 3 != 0
                {
                    matched = opener
                    break
                }
                opener -= 1
            }
            if let opener = matched {
                if delimiters[opener].length == delimiters[closer].length { pairs.append((opener, closer)) }
                for index in opener...closer { active[index] = false }
            } else if !delimiters[closer].canOpen {
                active[closer] = false
            }
        }
        guard !pairs.isEmpty else { return }
        // Split the text nodes so that every matched delimiter is a node of its own.
        var used = Set<Int>()
        for (o, c) in pairs {
            used.insert(o)
            used.insert(c)
        }
        var delimiterNodes: [Int: OpaquePointer] = [:]
        var byNode: [Int: [Int]] = [:]
        for index in used.sorted() { byNode[delimiters[index].node, default: []].append(index) }
        for (nodeIndex, indices) in byNode {
            let node = children[nodeIndex]
            let d = Node.literal(node)
            var position = 0
            for index in indices {
                let delimiter = delimiters[index]
                if delimiter.offset > position { _ = cmark_node_insert_before(node, Node.text(d[position..<delimiter.offset])) }
                let mark = Node.text(d[delimiter.offset..<(delimiter.offset + delimiter.length)])
                _ = cmark_node_insert_before(node, mark)
                delimiterNodes[index] = mark
                position = delimiter.offset + delimiter.length
            }
            if position < d.count { _ = cmark_node_insert_before(node, Node.text(d[position...])) }
            cmark_node_unlink(node)
            cmark_node_free(node)
        }
        // Inner pairs first (they were matched first).
        for (o, c) in pairs {
            guard let open = delimiterNodes[o], let close = delimiterNodes[c] else { continue }
            let strike = Node.custom(CMARK_NODE_CUSTOM_INLINE, "<del>", "</del>", .strike)
            _ = cmark_node_insert_before(open, strike)
            var node = cmark_node_next(open)
            while let current = node, current != close {
                node = cmark_node_next(current)
                _ = cmark_node_append_child(strike, current)
            }
            cmark_node_unlink(open)
            cmark_node_free(open)
            cmark_node_unlink(close)
            cmark_node_free(close)
        }
    }
}
