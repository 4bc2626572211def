import Foundation

/// Hostile HTML (a Statuspage feed's update bodies) turned into Markdown *text*: every character
/// of the HTML's text is escaped so that Markdown shows it as written (`<script>` stays the words
/// `<script>`, `*x*` stays with its stars), paragraphs and `<br>` become paragraph breaks and hard
/// breaks, `<li>` a list item, `<a href="https://…">` a Markdown link (http, https and mailto
/// only), and every other tag is dropped (the contents of script, style and the like with it).
/// Linear in the input; nothing of the HTML reaches the output as HTML.
enum HTMLText {
    enum Token: Equatable {
        case text(String)
        case open(String, [String: String])
        case close(String)
    }

    /// Elements whose contents are not text to show.
    static let dropped: Set<String> = ["script", "style", "template", "noscript", "iframe", "object", "svg", "math", "head", "title", "textarea", "select"]
    static let blocks: Set<String> = [
        "p", "div", "ul", "ol", "table", "tr", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "section", "article"
    ]

    // MARK: - Tokens

    static func tokens(_ html: String) -> [Token] {
        let s = Array(html.unicodeScalars)
        var tokens: [Token] = []
        var text = String.UnicodeScalarView()
        var i = 0
        func flush() {
            if !text.isEmpty {
                tokens.append(.text(decode(String(text))))
                text = String.UnicodeScalarView()
            }
        }
        func isLetter(_ c: Unicode.Scalar) -> Bool { (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") }
        while i < s.count {
            let c = s[i]
            guard c == "<", i + 1 < s.count else {
                text.append(c)
                i += 1
                continue
            }
            let next = s[i + 1]
            if next == "!" || next == "?" {
                // A comment (to -->), or a declaration / processing instruction (to >).
                let isComment = i + 3 < s.count && s[i + 2] == "-" && s[i + 3] == "-"
                var j = i + 2
                if isComment {
                    j = i + 4
                    while j + 2 < s.count && !(s[j] == "-" && s[j + 1] == "-" && s[j + 2] == ">") { j += 1 }
                    j = min(j + 3, s.count)
                } else {
                    while j < s.count && s[j] != ">" { j += 1 }
                    j = min(j + 1, s.count)
                }
                flush()
                i = j
                continue
            }
            let closing = next == "/"
            let nameStart = closing ? i + 2 : i + 1
            guard nameStart < s.count, isLetter(s[nameStart]) else {
                // `<1%`, `a < b`: text.
                text.append(c)
                i += 1
                continue
            }
            var j = nameStart
            while j < s.count, isLetter(s[j]) || (s[j] >= "0" && s[j] <= "9") || s[j] == "-" { j += 1 }
            let name = String(String.UnicodeScalarView(s[nameStart..<j])).lowercased()
            // Attributes, quoted values may hold '>'.
            var attributes: [String: String] = [:]
            var quote: Unicode.Scalar?
            let attributeStart = j
            while j < s.count {
                if let q = quote {
                    if s[j] == q { quote = nil }
                } else if s[j] == "\"" || s[j] == "'" {
                    quote = s[j]
                } else if s[j] == ">" {
                    break
                }
                j += 1
            }
            guard j < s.count else {
                // Never closed: the rest is text (and is not scanned again for each '<' in it,
                // which would be quadratic on a hostile body).
                text.append(contentsOf: s[i...])
                break
            }
            if !closing { attributes = parseAttributes(Array(s[attributeStart..<j])) }
            flush()
            tokens.append(closing ? .close(name) : .open(name, attributes))
            i = j + 1
            if !closing, dropped.contains(name) {
                // Skip to </name>.
                let end = Array("</\(name)".unicodeScalars)
                var k = i
                while k + end.count <= s.count {
                    var same = true
                    for m in 0..<end.count where (s[k + m].value >= 65 && s[k + m].value <= 90 ? s[k + m].value + 32 : s[k + m].value) != end[m].value {
                        same = false
                        break
                    }
                    if same { break }
                    k += 1
                }
                if k + end.count > s.count { k = s.count }
                var close = k
                while close < s.count && s[close] != ">" { close += 1 }
                i = min(close + 1, s.count)
                tokens.append(.close(name))
            }
        }
        flush()
        return tokens
    }

    static func parseAttributes(_ s: [Unicode.Scalar]) -> [String: String] {
        var result: [String: String] = [:]
        var i = 0
        func skipBlank() { while i < s.count && (s[i].properties.isWhitespace || s[i] == "/") { i += 1 } }
        while i < s.count {
            skipBlank()
            let start = i
            while i < s.count && !s[i].properties.isWhitespace && s[i] != "=" && s[i] != "/" { i += 1 }
            let name = String(String.UnicodeScalarView(s[start..<i])).lowercased()
            while i < s.count && s[i].properties.isWhitespace { i += 1 }
            var value = ""
            if i < s.count && s[i] == "=" {
                i += 1
                while i < s.count && s[i].properties.isWhitespace { i += 1 }
                if i < s.count && (s[i] == "\"" || s[i] == "'") {
                    let q = s[i]
                    i += 1
                    let vs = i
                    while i < s.count && s[i] != q { i += 1 }
                    value = String(String.UnicodeScalarView(s[vs..<min(i, s.count)]))
                    i += 1
                } else {
                    let vs = i
                    while i < s.count && !s[i].properties.isWhitespace { i += 1 }
                    value = String(String.UnicodeScalarView(s[vs..<i]))
                }
            }
            if !name.isEmpty && result[name] == nil { result[name] = decode(value) }
            if i == start { i += 1 }
        }
        return result
    }

    /// Decodes character references (`&amp;`, `&#39;`, `&#x27;`, the named ones
    /// `ReaderText.namedEntities` knows, as the leak scanner reads them); anything else stays as
    /// written. NUL and other control characters become blank space.
    static func decode(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var out: [UInt8] = []
        Array(text.utf8).withUnsafeBufferPointer { h in
            var i = 0
            while i < h.count {
                if h[i] == 38, let (scalar, next) = ReaderText.entity(h, i) {
                    if scalar.value >= 0x20 || scalar == "\n" || scalar == "\t" { out.append(contentsOf: String(scalar).utf8) } else { out.append(32) }
                    i = next
                } else {
                    out.append(h[i])
                    i += 1
                }
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: - Markdown

    /// Characters escaped wherever they are: what Markdown (with Herald's GFM extensions) reads
    /// as markup or HTML.
    static let escaped: Set<Character> = ["\\", "`", "*", "_", "[", "]", "<", ">", "&", "|", "~", "#", "!"]

    /// The Markdown text of `tokens`: paragraphs separated by a blank line, `<br>` a hard break.
    static func markdown(_ tokens: ArraySlice<Token>) -> String {
        var out = ""
        var pendingSpace = false
        var link: (href: String, text: String)?
        var skipping: String?

        func emitText(_ raw: String) {
            for ch in raw {
                if ch.isWhitespace || ch.unicodeScalars.allSatisfy({ $0.value < 0x20 || $0.value == 0x7F }) {
                    pendingSpace = true
                    continue
                }
                if pendingSpace {
                    if !(out.isEmpty || out.hasSuffix("\n")) {
                        if link != nil { link!.text += " " } else { out += " " }
                    }
                    pendingSpace = false
                }
                let piece = escape(ch, atLineStart: link == nil && (out.isEmpty || out.hasSuffix("\n")))
                if link != nil { link!.text += piece } else { out += piece }
            }
        }
        func lineBreak(paragraph: Bool) {
            pendingSpace = false
            while out.hasSuffix(" ") { out.removeLast() }
            if out.isEmpty { return }
            if paragraph {
                if out.hasSuffix("\\\n") {
                    out.removeLast(2)
                    out += "\n"
                }
                if !out.hasSuffix("\n") { out += "\n" }
                if !out.hasSuffix("\n\n") { out += "\n" }
            } else if !out.hasSuffix("\n") {
                out += "\\\n"
            } else if out.hasSuffix("\\\n") {
                // Two <br> in a row: a paragraph break.
                out.removeLast(2)
                out += "\n\n"
            }
        }
        func closeLink() {
            guard let l = link else { return }
            link = nil
            let label = l.text.isEmpty ? escapeAll(l.href) : l.text
            if let url = safeURL(l.href) { out += "[\(label)](\(url))" } else { out += label }
        }

        for token in tokens {
            if let name = skipping {
                if case .close(name) = token { skipping = nil }
                continue
            }
            switch token {
            case .text(let t):
                emitText(t)
            case .open(let name, let attributes):
                if dropped.contains(name) {
                    skipping = name
                } else if name == "br" {
                    closeLink()
                    lineBreak(paragraph: false)
                } else if name == "li" {
                    closeLink()
                    lineBreak(paragraph: true)
                    out += "- "
                } else if blocks.contains(name) {
                    closeLink()
                    lineBreak(paragraph: true)
                } else if name == "a" {
                    closeLink()
                    if pendingSpace, !(out.isEmpty || out.hasSuffix("\n")) { out += " " }
                    pendingSpace = false
                    link = (attributes["href"] ?? "", "")
                }
            case .close(let name):
                if name == "a" {
                    closeLink()
                } else if blocks.contains(name) || name == "li" {
                    closeLink()
                    lineBreak(paragraph: true)
                }
            }
        }
        closeLink()
        // No trailing breaks or blank space. A single "\n" is always a hard break's ("\\\n"):
        // paragraph breaks are "\n\n", and the text before one never ends in a hard break.
        while true {
            if out.hasSuffix("\n\n") {
                out.removeLast(2)
            } else if out.hasSuffix("\\\n") {
                out.removeLast(2)
            } else if out.hasSuffix(" ") {
                out.removeLast()
            } else {
                break
            }
        }
        // "1. " or "1) " at a line's start would be an ordered list: escape the dot.
        if out.contains(where: \.isNumber) {
            var lines = out.components(separatedBy: "\n")
            for (index, line) in lines.enumerated() {
                let digits = line.prefix { $0.isASCII && $0.isNumber }
                if !digits.isEmpty, digits.count <= 9, let mark = line.dropFirst(digits.count).first, mark == "." || mark == ")" {
                    lines[index] = String(digits) + "\\" + line.dropFirst(digits.count)
                }
            }
            out = lines.joined(separator: "\n")
        }
        return ImportFiles.trimmed(out)
    }

    static func escape(_ ch: Character, atLineStart: Bool) -> String {
        if escaped.contains(ch) { return "\\" + String(ch) }
        // Line starts that Markdown reads as a list, a heading underline or a code block.
        if atLineStart, ch == "-" || ch == "+" || ch == "=" { return "\\" + String(ch) }
        return String(ch)
    }

    static func escapeAll(_ text: String) -> String { text.map { escape($0, atLineStart: false) }.joined() }

    /// An http, https or mailto URL without blank space or characters that would end a Markdown
    /// link; nil otherwise (the link text is kept alone).
    static func safeURL(_ href: String) -> String? {
        let url = href.trimmingCharacters(in: .whitespacesAndNewlines)
        let lower = url.lowercased()
        guard lower.hasPrefix("https://") || lower.hasPrefix("http://") || lower.hasPrefix("mailto:"), url.count <= 2000,
            url.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F && !"()<>\"'`\\".unicodeScalars.contains($0) })
        else { return nil }
        return url
    }
}
