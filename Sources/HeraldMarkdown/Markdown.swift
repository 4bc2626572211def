internal import CCmark

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Rewrites the text of a Markdown document before it is rendered.
///
/// Used for redaction: every piece of literal text (paragraph text, headings, code, link text)
/// and every link destination passes through the rewriter, so a name cannot hide anywhere.
package protocol MarkdownRewriter: Sendable {
    /// Returns the text to render instead of `text`. `startsBlock` is true when the text opens a
    /// paragraph, heading or list item (so a replacement there starts a sentence).
    func rewriteText(_ text: String, startsBlock: Bool) -> String
    /// Returns the destination to keep, or `nil` to drop the link and keep only its text.
    func rewriteDestination(_ url: String) -> String?
}

/// One run of prose in a Markdown document, with the line it starts on (1-based, in the body).
package struct MarkdownProse: Sendable, Equatable {
    package var line: Int
    package var text: String
    package init(line: Int, text: String) {
        self.line = line
        self.text = text
    }
}

/// A link or image destination as written in a document, with its line (1-based, in the body).
package struct MarkdownLink: Sendable, Equatable {
    package var url: String
    package var isImage: Bool
    /// Made by the autolink extension from a bare address in the text.
    package var isAutolink: Bool
    package var line: Int
    package init(url: String, isImage: Bool, isAutolink: Bool = false, line: Int) {
        self.url = url
        self.isImage = isImage
        self.isAutolink = isAutolink
        self.line = line
    }
}

/// The only door to libcmark. Everything here is a pure function from Swift values to Swift values;
/// every C allocation is freed before returning.
package enum Markdown {
    /// Renders CommonMark to HTML in libcmark's safe mode: raw HTML is omitted and
    /// `javascript:`, `vbscript:`, `file:` and non-image `data:` destinations are dropped.
    /// With `title`, a first heading that repeats it (see `repeatsTitle`) is left out.
    package static func html(_ source: String, rewriter: (any MarkdownRewriter)? = nil, title: String? = nil) -> String {
        guard let document = parse(source) else { return "" }
        defer { cmark_node_free(document) }
        if let title { omitHeading(repeating: title, in: document) }
        if let rewriter { rewrite(document, with: rewriter) }
        guard let rendered = cmark_render_html(document, CMARK_OPT_DEFAULT) else { return "" }
        defer { free(rendered) }
        return String(cString: rendered)
    }

    /// HTML and plain text from one parse (what a page and a feed or API both need).
    package static func render(_ source: String, rewriter: (any MarkdownRewriter)? = nil) -> (html: String, text: String) {
        guard let document = parse(source) else { return ("", "") }
        defer { cmark_node_free(document) }
        if let rewriter { rewrite(document, with: rewriter) }
        var html = ""
        if let rendered = cmark_render_html(document, CMARK_OPT_DEFAULT) {
            html = String(cString: rendered)
            free(rendered)
        }
        return (html, text(of: document))
    }

    /// The visible text of a document, blocks separated by blank lines, without markup.
    package static func plainText(_ source: String, rewriter: (any MarkdownRewriter)? = nil) -> String {
        guard let document = parse(source) else { return "" }
        defer { cmark_node_free(document) }
        if let rewriter { rewrite(document, with: rewriter) }
        return text(of: document)
    }

    private static func text(of document: OpaquePointer) -> String {
        var blocks: [String] = []
        var current = ""
        var cells: [String] = []
        var rows: [String] = []
        walk(document) { node, entering in
            let type = cmark_node_get_type(node)
            if let tag = GFMKind.of(node) {
                // A table is one block, a line per row, cells between " | ".
                switch tag.kind {
                case .table:
                    if !entering {
                        blocks.append(rows.joined(separator: "\n"))
                        rows = []
                    }
                case .row:
                    if !entering {
                        rows.append(cells.joined(separator: " | "))
                        cells = []
                    }
                case .headerCell, .cell:
                    if entering {
                        current = ""
                    } else {
                        cells.append(current)
                        current = ""
                    }
                case .task:
                    if entering { current += tag.line == 1 ? "[x] " : "[ ] " }
                default:
                    break
                }
                return
            }
            switch type {
            case CMARK_NODE_TEXT, CMARK_NODE_CODE:
                if entering { current += literal(node) }
            case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK:
                if entering { current += " " }
            case CMARK_NODE_CODE_BLOCK:
                if entering {
                    blocks.append(literal(node).trimmingTrailingNewlines())
                }
            case CMARK_NODE_PARAGRAPH, CMARK_NODE_HEADING:
                if !entering {
                    blocks.append(current)
                    current = ""
                }
            default:
                break
            }
        }
        if !current.isEmpty { blocks.append(current) }
        return blocks.filter { !$0.isEmpty }.joined(separator: "\n\n")
    }

    /// Runs of prose a reader sees as sentences: text outside code spans, code blocks, raw HTML and
    /// block quotes (which in incident writing usually quote logs or other people).
    /// Each run is one paragraph, heading or table-free line group, with its starting line.
    package static func prose(_ source: String) -> [MarkdownProse] {
        guard let document = parse(source) else { return [] }
        defer { cmark_node_free(document) }
        var result: [MarkdownProse] = []
        var quoteDepth = 0
        var current = ""
        var currentLine = 0
        walk(document) { node, entering in
            let type = cmark_node_get_type(node)
            if let tag = GFMKind.of(node), tag.kind == .headerCell || tag.kind == .cell {
                // Each table cell is a run of its own, on its row's line.
                if entering {
                    current = ""
                    currentLine = tag.line
                } else if quoteDepth == 0, !current.isEmpty {
                    result.append(MarkdownProse(line: currentLine, text: current))
                }
                return
            }
            switch type {
            case CMARK_NODE_BLOCK_QUOTE:
                quoteDepth += entering ? 1 : -1
            case CMARK_NODE_PARAGRAPH, CMARK_NODE_HEADING:
                if entering {
                    current = ""
                    currentLine = Int(cmark_node_get_start_line(node))
                } else if quoteDepth == 0, !current.isEmpty {
                    result.append(MarkdownProse(line: currentLine, text: current))
                }
            case CMARK_NODE_TEXT:
                if entering { current += literal(node) }
            case CMARK_NODE_CODE:
                // Keep the sentence shape but hide what the code says.
                if entering { current += "`code`" }
            case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK:
                if entering { current += " " }
            default:
                break
            }
        }
        return result
    }

    /// Every link and image of a document (after the GFM extensions), in order, with the line
    /// (1-based, in the body) where its destination is written.
    package static func links(_ source: String) -> [MarkdownLink] {
        guard let document = parse(source) else { return [] }
        defer { cmark_node_free(document) }
        var found: [(url: String, isImage: Bool, line: Int, auto: Bool)] = []
        walk(document) { node, entering in
            guard entering else { return }
            let type = cmark_node_get_type(node)
            guard type == CMARK_NODE_LINK || type == CMARK_NODE_IMAGE else { return }
            let url = cmark_node_get_url(node).map { String(cString: $0) } ?? ""
            found.append((url, type == CMARK_NODE_IMAGE, line(of: node), GFMKind.of(node)?.kind == .autolink))
        }
        guard !found.isEmpty else { return [] }
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        return found.map { link in
            var line = link.line
            // Nodes made from table cells know their row; others search the source for the address.
            if line < 1 || line > lines.count || !lines[line - 1].contains(link.url) {
                if let index = lines.firstIndex(where: { $0.contains(link.url) }) { line = index + 1 }
            }
            return MarkdownLink(url: link.url, isImage: link.isImage, isAutolink: link.auto, line: max(line, 1))
        }
    }

    private static func line(of node: OpaquePointer) -> Int {
        var current: OpaquePointer? = node
        while let candidate = current {
            if let tag = GFMKind.of(candidate), tag.kind == .cell || tag.kind == .headerCell { return tag.line }
            current = cmark_node_parent(candidate)
        }
        current = node
        while let candidate = current {
            let line = Int(cmark_node_get_start_line(candidate))
            if line > 0 { return line }
            current = cmark_node_parent(candidate)
        }
        return 0
    }

    /// Whether a heading's text repeats a title: equal once case, punctuation and spacing are
    /// ignored, also with "Postmortem" (or "Post-mortem", "Incident report") before or after.
    package static func repeatsTitle(_ heading: String, _ title: String) -> Bool {
        func words(_ text: String) -> [String] {
            text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map(String.init)
        }
        let h = words(heading)
        let t = words(title)
        if h == t { return true }
        for affix in [["postmortem"], ["post", "mortem"], ["incident", "report"], ["incident", "postmortem"]] {
            if h.count > affix.count, Array(h.prefix(affix.count)) == affix {
                var rest = Array(h.dropFirst(affix.count))
                if rest.first == "for" || rest.first == "of" { rest.removeFirst() }
                if rest == t { return true }
            }
            if h.count > affix.count, Array(h.suffix(affix.count)) == affix, Array(h.dropLast(affix.count)) == t { return true }
        }
        return false
    }

    /// Removes the document's first block when it is a heading repeating `title`.
    private static func omitHeading(repeating title: String, in document: OpaquePointer) {
        guard let first = cmark_node_first_child(document), cmark_node_get_type(first) == CMARK_NODE_HEADING else { return }
        var text = ""
        walk(first) { node, entering in
            guard entering else { return }
            switch cmark_node_get_type(node) {
            case CMARK_NODE_TEXT, CMARK_NODE_CODE: text += literal(node)
            case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK: text += " "
            default: break
            }
        }
        if repeatsTitle(text, title) {
            cmark_node_unlink(first)
            cmark_node_free(first)
        }
    }

    // MARK: - libcmark plumbing

    /// Parses CommonMark and applies the GFM extensions (GFM.swift).
    private static func parse(_ source: String) -> OpaquePointer? {
        var source = source
        return source.withUTF8 { buffer in
            let document = buffer.withMemoryRebound(to: CChar.self) { chars in
                cmark_parse_document(chars.baseAddress, chars.count, CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8)
            }
            if let document { GFM.extend(document, source: buffer) }
            return document
        }
    }

    private static func literal(_ node: OpaquePointer) -> String {
        guard let pointer = cmark_node_get_literal(node) else { return "" }
        return String(cString: pointer)
    }

    private static func walk(_ document: OpaquePointer, _ visit: (OpaquePointer, Bool) -> Void) {
        guard let iterator = cmark_iter_new(document) else { return }
        defer { cmark_iter_free(iterator) }
        while true {
            let event = cmark_iter_next(iterator)
            if event == CMARK_EVENT_DONE { break }
            guard let node = cmark_iter_get_node(iterator) else { continue }
            visit(node, event == CMARK_EVENT_ENTER)
        }
    }

    /// Whether `node` is the first inline of a paragraph or heading (possibly inside emphasis).
    private static func startsBlock(_ node: OpaquePointer) -> Bool {
        var current = node
        while cmark_node_previous(current) == nil, let parent = cmark_node_parent(current) {
            switch cmark_node_get_type(parent) {
            case CMARK_NODE_PARAGRAPH, CMARK_NODE_HEADING: return true
            case CMARK_NODE_EMPH, CMARK_NODE_STRONG, CMARK_NODE_LINK: current = parent
            case CMARK_NODE_CUSTOM_INLINE:
                // A table cell starts a block; a task's label or a strikethrough is inside one.
                switch GFMKind.of(parent)?.kind {
                case .headerCell?, .cell?: return true
                case .task?, .strike?: current = parent
                default: return false
                }
            default: return cmark_node_get_type(node) == CMARK_NODE_CODE_BLOCK
            }
        }
        return false
    }

    private static func rewrite(_ document: OpaquePointer, with rewriter: any MarkdownRewriter) {
        var toUnlink: [OpaquePointer] = []
        walk(document) { node, entering in
            guard entering else { return }
            switch cmark_node_get_type(node) {
            case CMARK_NODE_TEXT, CMARK_NODE_CODE, CMARK_NODE_CODE_BLOCK, CMARK_NODE_HTML_INLINE,
                CMARK_NODE_HTML_BLOCK:
                let old = literal(node)
                let new = rewriter.rewriteText(old, startsBlock: startsBlock(node))
                if new != old { _ = cmark_node_set_literal(node, new) }
            case CMARK_NODE_LINK, CMARK_NODE_IMAGE:
                let url = cmark_node_get_url(node).map { String(cString: $0) } ?? ""
                if let kept = rewriter.rewriteDestination(url) {
                    if kept != url { _ = cmark_node_set_url(node, kept) }
                } else {
                    toUnlink.append(node)
                }
                if let titlePointer = cmark_node_get_title(node) {
                    let title = String(cString: titlePointer)
                    let new = rewriter.rewriteText(title, startsBlock: false)
                    if new != title { _ = cmark_node_set_title(node, new) }
                }
            default:
                break
            }
        }
        // Replace dropped links by their children (the link text stays, the destination goes).
        // For an image the children are its alt text.
        for link in toUnlink {
            while let child = cmark_node_first_child(link) {
                _ = cmark_node_insert_before(link, child)
            }
            cmark_node_unlink(link)
            cmark_node_free(link)
        }
    }
}

extension String {
    fileprivate func trimmingTrailingNewlines() -> String {
        var copy = self
        while copy.hasSuffix("\n") { copy.removeLast() }
        return copy
    }
}
