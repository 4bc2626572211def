internal import CCmark

/// GFM tables (spec section 4.10) made from the paragraphs libcmark leaves them in.
enum Tables {
    /// Markup around a table: a focusable region that scrolls sideways on a narrow screen
    /// (keyboard users can scroll it too), styled by the theme's `.table-wrap`.
    static let open = "<div class=\"table-wrap\" role=\"region\" aria-label=\"Table\" tabindex=\"0\">\n<table>"
    static let close = "</table>\n</div>"

    /// Replaces every paragraph (or setext heading) of `root` that holds a table by the table,
    /// with what came before it as a paragraph and what follows it parsed again as blocks.
    /// `lineOffset` is added to `source`'s line numbers (a fragment parsed again starts later);
    /// only blocks starting up to `maxLine` are looked at.
    /// `depth` counts fragments parsed again inside fragments: bounded, so that no document can
    /// make the work grow with the square of its length.
    static func convert(in root: OpaquePointer, source: SourceText, lineOffset: Int, references: References, maxLine: Int = .max, depth: Int = 0) {
        let candidates = Node.collect(root) { node in
            let type = Node.type(node)
            guard type == CMARK_NODE_PARAGRAPH || type == CMARK_NODE_HEADING else { return false }
            let start = Int(cmark_node_get_start_line(node))
            let end = Int(cmark_node_get_end_line(node))
            // Only setext headings (two lines or more) can hide a table.
            guard start >= 1, start <= maxLine, end > start || type == CMARK_NODE_PARAGRAPH else { return false }
            for line in start...end where source.line(line).contains(UInt8(ascii: "|")) { return true }
            return false
        }
        for node in candidates {
            convertBlock(node, source: source, lineOffset: lineOffset, references: references, depth: depth)
        }
    }

    struct Line {
        /// The line without container markers (`>`), indentation kept.
        var raw: ArraySlice<UInt8>
        /// Without leading and trailing white space.
        var text: ArraySlice<UInt8>
        var indent: Int
    }

    static func convertBlock(_ node: OpaquePointer, source: SourceText, lineOffset: Int, references: References, depth: Int) {
        let first = Int(cmark_node_get_start_line(node))
        let last = Int(cmark_node_get_end_line(node))
        let column = Int(cmark_node_get_start_column(node))
        let isSetext = Node.type(node) == CMARK_NODE_HEADING
        var quotes = 0
        var inItem = false
        var parent = cmark_node_parent(node)
        while let current = parent {
            switch Node.type(current) {
            case CMARK_NODE_BLOCK_QUOTE: quotes += 1
            case CMARK_NODE_ITEM: inItem = true
            default: break
            }
            parent = cmark_node_parent(current)
        }
        var lines: [Line] = []
        for number in first...last {
            var line = source.line(number)
            if number == first {
                line = line.dropFirst(max(column - 1, 0))
            } else {
                for _ in 0..<quotes {
                    var index = line.startIndex
                    var spaces = 0
                    while spaces < 3, index < line.endIndex, line[index] == 32 {
                        index += 1
                        spaces += 1
                    }
                    guard index < line.endIndex, line[index] == UInt8(ascii: ">") else { break }
                    index += 1
                    if index < line.endIndex, line[index] == 32 || line[index] == 9 { index += 1 }
                    line = line[index...]
                }
            }
            var indent = 0
            for byte in line {
                if byte == 32 { indent += 1 } else if byte == 9 { indent += 4 - indent % 4 } else { break }
            }
            lines.append(Line(raw: line, text: trimmed(line), indent: indent))
        }
        let contentCount = isSetext ? lines.count - 1 : lines.count
        guard contentCount >= 2 else { return }

        // The header row: the first line followed by a delimiter row with as many cells.
        var headerIndex: Int?
        var header: [ArraySlice<UInt8>] = []
        var alignments: [UInt8] = []
        for h in 0..<(contentCount - 1) {
            guard isDelimiterRow(lines[h + 1].text), let delimiters = cells(lines[h + 1].text),
                let cells = cells(lines[h].text), cells.count == delimiters.count
            else { continue }
            headerIndex = h
            header = cells
            alignments = delimiters.map { cell in
                let left = cell.first == UInt8(ascii: ":")
                let right = cell.last == UInt8(ascii: ":")
                return left && right ? UInt8(ascii: "c") : left ? UInt8(ascii: "l") : right ? UInt8(ascii: "r") : 0
            }
            break
        }
        guard let h = headerIndex else { return }
        var rows: [[ArraySlice<UInt8>]] = []
        var next = h + 2
        while next < lines.count, !startsBlock(lines[next], inItem: inItem), let row = cells(lines[next].text) {
            rows.append(row)
            next += 1
        }

        // Every piece of inline Markdown (the text before the table, each non-empty cell) is
        // parsed by libcmark in one document: each piece a paragraph led by "a " (so that it
        // cannot open a block and emphasis flanks as at a line start), then the whole source
        // document's link reference definitions so that reference links resolve.
        var pieces: [[UInt8]] = []
        let columns = header.count
        if h > 0 {
            var leading: [UInt8] = []
            for index in 0..<h {
                if index > 0 { leading.append(10) }
                leading.append(contentsOf: lines[index].text)
            }
            pieces.append(unescapePipes(leading[...]))
        }
        let headerPieces = header.map { unescapePipes($0) }
        let rowPieces = rows.map { row in (0..<columns).map { $0 < row.count ? unescapePipes(row[$0]) : [] } }
        for piece in headerPieces where !piece.isEmpty { pieces.append(piece) }
        for row in rowPieces { for piece in row where !piece.isEmpty { pieces.append(piece) } }
        var aux: [UInt8] = []
        for piece in pieces {
            aux.append(contentsOf: [UInt8(ascii: "a"), 32])
            aux.append(contentsOf: piece)
            aux.append(contentsOf: [10, 10])
        }
        aux.append(contentsOf: references.bytes)
        guard let document = Node.parse(aux) else { return }
        defer { cmark_node_free(document) }
        let paragraphs = Array(Node.children(document).prefix(pieces.count))
        guard paragraphs.count == pieces.count, paragraphs.allSatisfy({ Node.type($0) == CMARK_NODE_PARAGRAPH }) else { return }
        for paragraph in paragraphs { dropPrefix(paragraph, count: 2) }
        var nextParagraph = 0

        if h > 0 {
            let leading = cmark_node_new(CMARK_NODE_PARAGRAPH)!
            Node.moveChildren(paragraphs[nextParagraph], to: leading)
            nextParagraph += 1
            _ = cmark_node_insert_before(node, leading)
        }
        let headerLine = lineOffset + first + h
        let table = Node.custom(CMARK_NODE_CUSTOM_BLOCK, open, close, .table, line: headerLine)
        func style(_ column: Int) -> String {
            switch alignments[column] {
            case UInt8(ascii: "l"): return " style=\"text-align: left\""
            case UInt8(ascii: "r"): return " style=\"text-align: right\""
            case UInt8(ascii: "c"): return " style=\"text-align: center\""
            default: return ""
            }
        }
        func row(_ pieces: [[UInt8]], line: Int, isHeader: Bool) -> OpaquePointer {
            let tr = Node.custom(CMARK_NODE_CUSTOM_BLOCK, "<tr>", "</tr>", .row, line: line)
            for (index, piece) in pieces.enumerated() {
                let cell =
                    isHeader
                    ? Node.custom(CMARK_NODE_CUSTOM_INLINE, "<th scope=\"col\"\(style(index))>", "</th>\n", .headerCell, line: line)
                    : Node.custom(CMARK_NODE_CUSTOM_INLINE, "<td\(style(index))>", "</td>\n", .cell, line: line)
                if !piece.isEmpty {
                    Node.moveChildren(paragraphs[nextParagraph], to: cell)
                    nextParagraph += 1
                }
                _ = cmark_node_append_child(tr, cell)
            }
            return tr
        }
        let head = Node.custom(CMARK_NODE_CUSTOM_BLOCK, "<thead>", "</thead>", .section)
        _ = cmark_node_append_child(head, row(headerPieces, line: headerLine, isHeader: true))
        _ = cmark_node_append_child(table, head)
        if !rowPieces.isEmpty {
            let body = Node.custom(CMARK_NODE_CUSTOM_BLOCK, "<tbody>", "</tbody>", .section)
            for (index, pieces) in rowPieces.enumerated() {
                _ = cmark_node_append_child(body, row(pieces, line: headerLine + 2 + index, isHeader: false))
            }
            _ = cmark_node_append_child(table, body)
        }
        _ = cmark_node_insert_before(node, table)

        // What follows the table inside libcmark's paragraph starts a block of its own in GFM
        // (a list item, a thematic break, indented code, or lines that are no row): parse it again.
        if next < lines.count {
            var rest: [UInt8] = []
            for index in next..<lines.count {
                if index > next { rest.append(10) }
                rest.append(contentsOf: inItem ? lines[index].text : lines[index].raw)
            }
            let restLines = lines.count - next
            rest.append(contentsOf: [10, 10])
            rest.append(contentsOf: references.bytes)
            if let fragment = Node.parse(rest) {
                let restSource = rest.withUnsafeBufferPointer { SourceText($0) }
                if depth < 4 {
                    convert(
                        in: fragment, source: restSource, lineOffset: lineOffset + first + next - 1, references: references, maxLine: restLines,
                        depth: depth + 1)
                }
                var anchor = table
                for child in Node.children(fragment) {
                    let line = Int(cmark_node_get_start_line(child))
                    if line > restLines { break }
                    _ = cmark_node_insert_after(anchor, child)
                    anchor = child
                }
                cmark_node_free(fragment)
            }
        }
        cmark_node_unlink(node)
        cmark_node_free(node)
    }

    /// The cells of a table row (GFM: optional leading and trailing pipe, `\|` inside cells),
    /// trimmed; nil when the line has none.
    static func cells(_ line: ArraySlice<UInt8>) -> [ArraySlice<UInt8>]? {
        var index = line.startIndex
        let end = line.endIndex
        func pipe() -> Bool {
            guard index < end, line[index] == UInt8(ascii: "|") else { return false }
            index += 1
            while index < end, isSpaceChar(line[index]) { index += 1 }
            return true
        }
        _ = pipe()
        var result: [ArraySlice<UInt8>] = []
        while index < end {
            let start = index
            while index < end, line[index] != UInt8(ascii: "|") {
                if line[index] == UInt8(ascii: "\\"), index + 1 < end, isASCIIPunctuation(line[index + 1]) { index += 2 } else { index += 1 }
            }
            let cell = line[start..<index]
            let hadPipe = pipe()
            if !cell.isEmpty || hadPipe { result.append(trimmed(cell)) }
            if !hadPipe { break }
        }
        return result.isEmpty ? nil : result
    }

    /// `|? marker (| marker)* |?` where a marker is `:?-+:?` with spaces around.
    static func isDelimiterRow(_ line: ArraySlice<UInt8>) -> Bool {
        var index = line.startIndex
        let end = line.endIndex
        guard line.contains(UInt8(ascii: "-")) else { return false }
        if index < end, line[index] == UInt8(ascii: "|") { index += 1 }
        while true {
            while index < end, isSpaceChar(line[index]) { index += 1 }
            if index < end, line[index] == UInt8(ascii: ":") { index += 1 }
            let dashes = index
            while index < end, line[index] == UInt8(ascii: "-") { index += 1 }
            guard index > dashes else { return false }
            if index < end, line[index] == UInt8(ascii: ":") { index += 1 }
            while index < end, isSpaceChar(line[index]) { index += 1 }
            if index == end { return true }
            guard line[index] == UInt8(ascii: "|") else { return false }
            index += 1
            var after = index
            while after < end, isSpaceChar(line[after]) { after += 1 }
            if after == end { return true }
        }
    }

    /// Whether a line after table rows begins a block of its own (which ends the table).
    static func startsBlock(_ line: Line, inItem: Bool) -> Bool {
        if line.indent >= 4, !inItem { return true }
        let text = line.text
        guard let first = text.first else { return true }
        let bytes = Array(text)
        switch first {
        case UInt8(ascii: ">"):
            return true
        case UInt8(ascii: "#"):
            var count = 0
            while count < bytes.count, bytes[count] == first { count += 1 }
            return count <= 6 && (count == bytes.count || isSpaceChar(bytes[count]))
        case UInt8(ascii: "`"), UInt8(ascii: "~"):
            return bytes.count >= 3 && bytes[1] == first && bytes[2] == first
        default:
            break
        }
        if first == UInt8(ascii: "-") || first == UInt8(ascii: "*") || first == UInt8(ascii: "_") {
            let marks = bytes.filter { $0 == first }.count
            if marks >= 3, bytes.allSatisfy({ $0 == first || isSpaceChar($0) }) { return true }
        }
        if first == UInt8(ascii: "-") || first == UInt8(ascii: "*") || first == UInt8(ascii: "+") {
            return bytes.count == 1 || isSpaceChar(bytes[1])
        }
        var digits = 0
        while digits < bytes.count, bytes[digits] >= 48, bytes[digits] <= 57 { digits += 1 }
        if digits >= 1, digits <= 9, digits < bytes.count, bytes[digits] == UInt8(ascii: ".") || bytes[digits] == UInt8(ascii: ")") {
            return digits + 1 == bytes.count || isSpaceChar(bytes[digits + 1])
        }
        return false
    }

    static func unescapePipes(_ cell: ArraySlice<UInt8>) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(cell.count)
        var index = cell.startIndex
        while index < cell.endIndex {
            if cell[index] == UInt8(ascii: "\\"), index + 1 < cell.endIndex, cell[index + 1] == UInt8(ascii: "|") { index += 1 }
            result.append(cell[index])
            index += 1
        }
        return result
    }

    /// The lines of `source` that may define link references (`[label]: destination`, with a
    /// title on the next line), so that a table cell parsed on its own can use them. At most
    /// 16 KB: parsing them again for each table must stay cheap.
    /// A document's reference definitions, looked for when the first table needs them.
    final class References {
        let source: SourceText
        init(_ source: SourceText) { self.source = source }
        lazy var bytes: [UInt8] = Tables.referenceDefinitions(source)
    }

    static func referenceDefinitions(_ source: SourceText) -> [UInt8] {
        var result: [UInt8] = []
        var previousWasDefinition = false
        for number in 1...source.lineCount {
            let line = source.line(number)
            var index = line.startIndex
            while index < line.endIndex, line[index] == 32 || line[index] == UInt8(ascii: ">") { index += 1 }
            let isDefinition =
                index < line.endIndex && line[index] == UInt8(ascii: "[")
                && zip(line[index...], line[index...].dropFirst()).contains { $0 == UInt8(ascii: "]") && $1 == UInt8(ascii: ":") }
            let isTitle =
                previousWasDefinition && index < line.endIndex
                && (line[index] == UInt8(ascii: "\"") || line[index] == UInt8(ascii: "'") || line[index] == UInt8(ascii: "("))
            if isDefinition || isTitle {
                result.append(contentsOf: line[index...])
                result.append(10)
                if result.count > 16 * 1024 { return [] }
            }
            previousWasDefinition = isDefinition
        }
        if !result.isEmpty { result.insert(10, at: 0) }
        return result
    }

    /// Removes the first `count` bytes of text from the start of `container` (the "a " lead).
    static func dropPrefix(_ container: OpaquePointer, count: Int) {
        var left = count
        while left > 0, let child = cmark_node_first_child(container), Node.type(child) == CMARK_NODE_TEXT {
            let literal = Node.literal(child)
            if literal.count <= left {
                left -= literal.count
                cmark_node_unlink(child)
                cmark_node_free(child)
            } else {
                Node.setLiteral(child, literal[left...])
                left = 0
            }
        }
    }
}
