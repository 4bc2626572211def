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
public protocol MarkdownRewriter: Sendable {
    /// Returns the text to render instead of `text`. `startsBlock` is true when the text opens a
    /// paragraph, heading or list item (so a replacement there starts a sentence).
    func rewriteText(_ text: String, startsBlock: Bool) -> String
    /// Returns the destination to keep, or `nil` to drop the link and keep only its text.
    func rewriteDestination(_ url: String) -> String?
}

/// One run of prose in a Markdown document, with the line it starts on (1-based, in the body).
public struct MarkdownProse: Sendable, Equatable {
    public var line: Int
    public var text: String
    public init(line: Int, text: String) {
        self.line = line
        self.text = text
    }
}

/// The only door to libcmark. Everything here is a pure function from Swift values to Swift values;
/// every C allocation is freed before returning.
public enum Markdown {
    /// Renders CommonMark to HTML in libcmark's safe mode: raw HTML is omitted and
    /// `javascript:`, `vbscript:`, `file:` and non-image `data:` destinations are dropped.
    public static func html(_ source: String, rewriter: (any MarkdownRewriter)? = nil) -> String {
        guard let document = parse(source) else { return "" }
        defer { cmark_node_free(document) }
        if let rewriter { rewrite(document, with: rewriter) }
        guard let rendered = cmark_render_html(document, CMARK_OPT_DEFAULT) else { return "" }
        defer { free(rendered) }
        return String(cString: rendered)
    }

    /// HTML and plain text from one parse (what a page and a feed or API both need).
    public static func render(_ source: String, rewriter: (any MarkdownRewriter)? = nil) -> (html: String, text: String) {
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
    public static func plainText(_ source: String, rewriter: (any MarkdownRewriter)? = nil) -> String {
        guard let document = parse(source) else { return "" }
        defer { cmark_node_free(document) }
        if let rewriter { rewrite(document, with: rewriter) }
        return text(of: document)
    }

    private static func text(of document: OpaquePointer) -> String {
        var blocks: [String] = []
        var current = ""
        walk(document) { node, entering in
            let type = cmark_node_get_type(node)
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
    public static func prose(_ source: String) -> [MarkdownProse] {
        guard let document = parse(source) else { return [] }
        defer { cmark_node_free(document) }
        var result: [MarkdownProse] = []
        var quoteDepth = 0
        var current = ""
        var currentLine = 0
        walk(document) { node, entering in
            let type = cmark_node_get_type(node)
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

    // MARK: - libcmark plumbing

    private static func parse(_ source: String) -> OpaquePointer? {
        var source = source
        return source.withUTF8 { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                cmark_parse_document(chars.baseAddress, chars.count, CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8)
            }
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
