import Foundation
import Yams

/// A content file split into its YAML front matter and Markdown body.
///
/// Line numbers are kept so that every diagnostic points into the real file: YAML line `n`
/// is file line `n + 1` (after the opening `---`), and the body starts after the closing fence.
package struct FrontMatterFile: Sendable {
    package var path: String
    package var yaml: String
    package var body: String
    /// 1-based file line of the first body line.
    package var bodyLine: Int

    /// Splits `text`; returns a diagnostic when the fences are missing.
    package static func split(_ text: String, path: String) -> Result<FrontMatterFile, Diagnostic> {
        var text = text
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        if text.utf8.contains(13) { text = text.replacingOccurrences(of: "\r\n", with: "\n") }
        // Work on UTF-8 offsets: this runs for every file of the store.
        let bytes = text.utf8
        func lineEnd(from start: String.Index) -> String.Index {
            bytes[start...].firstIndex(of: 10) ?? bytes.endIndex
        }
        func isFence(_ line: Substring.UTF8View, allowDots: Bool) -> Bool {
            var trimmed = line
            while let last = trimmed.last, last == 32 || last == 9 { trimmed = trimmed.dropLast() }
            return trimmed.elementsEqual("---".utf8) || (allowDots && trimmed.elementsEqual("...".utf8))
        }
        let firstEnd = lineEnd(from: text.startIndex)
        guard isFence(text[text.startIndex..<firstEnd].utf8, allowDots: false) else {
            return .failure(.error(path, 1, "missing front matter (expected the file to start with a '---' line)"))
        }
        var lineNumber = 1
        var cursor = firstEnd
        let yamlStart = firstEnd < text.endIndex ? text.utf8.index(after: firstEnd) : firstEnd
        while cursor < text.endIndex {
            let start = text.utf8.index(after: cursor)
            let end = lineEnd(from: start)
            lineNumber += 1
            if isFence(text[start..<end].utf8, allowDots: true) {
                let yamlEnd = start > yamlStart ? text.utf8.index(before: start) : yamlStart
                let body = end < text.endIndex ? String(text[text.utf8.index(after: end)...]) : ""
                return .success(FrontMatterFile(path: path, yaml: String(text[yamlStart..<yamlEnd]), body: body, bodyLine: lineNumber + 1))
            }
            cursor = end
        }
        return .failure(.error(path, 1, "front matter is not closed (expected a second '---' line)"))
    }
}
