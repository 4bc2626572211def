import Foundation

/// A second front matter block at the start of a body: what a postmortem exported from another
/// tool (Jekyll, Hugo, a wiki) brings along under Herald's own. Rendered as Markdown it would show
/// as a rule and a heading made of its fields, so it is refused, naming the fields.
enum ForeignFrontMatter {
    /// The problem with `body` (starting at file line `bodyLine`), if it opens with `---` (YAML)
    /// or `+++` (TOML) followed by two or more `field: value` (or `field = value`) lines and a
    /// closing fence.
    static func problem(in body: String, path: String, bodyLine: Int) -> Diagnostic? {
        // Cheap first: the body must start (after blank lines) with a fence.
        let trimmed = body.drop(while: { $0 == "\n" || $0 == "\r" || $0 == " " || $0 == "\t" })
        guard trimmed.hasPrefix("---") || trimmed.hasPrefix("+++") else { return nil }
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
        var index = 0
        while index < lines.count, lines[index].allSatisfy({ $0 == " " || $0 == "\t" }) { index += 1 }
        guard index < lines.count else { return nil }
        let fence = lines[index].trimmingCharacters(in: .whitespaces)
        guard fence == "---" || fence == "+++" else { return nil }
        let toml = fence == "+++"
        let start = index
        var fields: [String] = []
        index += 1
        while index < lines.count {
            let line = lines[index]
            let text = line.trimmingCharacters(in: .whitespaces)
            if text == fence || (!toml && text == "...") {
                // One `Label: text` line between rules is a setext heading someone wrote; another
                // tool's front matter has several fields (title, date, tags…).
                guard fields.count >= 2 else { return nil }
                let list = fields.prefix(8).map { "'\($0)'" }.joined(separator: ", ") + (fields.count > 8 ? ", …" : "")
                return .error(
                    path, bodyLine + start,
                    "the body starts with a second front matter block (fields \(list)), probably from another tool (expected Markdown: move what Herald knows — summary, authors, published — into the front matter above and delete this block)"
                )
            }
            // Top-level fields only: `name:` / `name =` at the start of the line.
            if let first = line.first, first != " ", first != "\t", first != "#", first != "-", first != "[" {
                let separator: Character = toml ? "=" : ":"
                guard let cut = line.firstIndex(of: separator) else { return nil }
                let name = line[..<cut].trimmingCharacters(in: .whitespaces)
                guard !name.isEmpty, name.count <= 64,
                    name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == "." || $0 == "\"" || $0 == " " })
                else { return nil }
                fields.append(name.replacingOccurrences(of: "\"", with: ""))
            }
            index += 1
            if index - start > 200 { return nil }
        }
        return nil
    }
}
