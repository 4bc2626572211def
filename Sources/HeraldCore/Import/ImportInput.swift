import Foundation

/// Problems found in the files of an import, every one of them, each with the file, the line and
/// (for JSON) the JSON pointer of the value: `export.json:41: error: /incidents/0/status: …`.
package struct ImportProblems {
    package var diagnostics: [Diagnostic] = []

    package init() {}

    package mutating func error(_ path: String, _ node: JSONNode, _ message: String) {
        diagnostics.append(.error(path, node.line, (node.pointer.isEmpty ? "/" : node.pointer) + ": " + message))
    }

    package mutating func error(_ path: String, line: Int, _ message: String) {
        diagnostics.append(.error(path, line, message))
    }

    package var isEmpty: Bool { diagnostics.isEmpty }

    package func throwIfAny() throws {
        if !diagnostics.isEmpty { throw DiagnosticsError(diagnostics) }
    }
}

/// Reading an export's files: bounded in size, as everything Herald reads.
package enum ImportFiles {
    /// Bigger than any real export (10,000 Statuspage incidents are about 30 MB).
    package static let maxBytes = 512 << 20

    package static func read(_ url: URL, shown path: String, problems: inout ImportProblems) -> [UInt8]? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            problems.error(path, line: 0, "no such file")
            return nil
        }
        guard !isDirectory.boolValue else {
            problems.error(path, line: 0, "is a folder (expected a file)")
            return nil
        }
        if let size = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? Int, size > maxBytes {
            problems.error(path, line: 0, "file is larger than \(maxBytes >> 20) MB")
            return nil
        }
        guard let bytes = FileBytes.read(url.path) else {
            problems.error(path, line: 0, "cannot read file")
            return nil
        }
        return bytes
    }

    package static func json(_ url: URL, shown path: String, problems: inout ImportProblems) -> JSONNode? {
        guard let bytes = read(url, shown: path, problems: &problems) else { return nil }
        do {
            return try JSONNode.parse(bytes)
        } catch {
            problems.error(path, line: error.line, "not valid JSON: \(error.message)")
            return nil
        }
    }

    /// `\r\n` and `\r` become `\n`; surrounding blank space is dropped.
    package static func normalisedBody(_ text: String) -> String {
        // Plain Swift rather than Foundation's replacing and trimming (which dominated an import).
        var text = text
        if text.utf8.contains(0x0D) {
            text = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        }
        return trimmed(text)
    }

    /// `text` without leading and trailing white space and newlines.
    package static func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        if first == scalars.startIndex && last == scalars.index(before: scalars.endIndex) { return text }
        return String(scalars[first...last])
    }

    /// A component id from a name: `Git Operations` → `git-operations`.
    package static func slug(_ name: String) -> String {
        var slug = RecordID.slug(name)
        if slug.count > 60 { slug = String(slug.prefix(60)) }
        while slug.hasSuffix("-") { slug.removeLast() }
        return slug.isEmpty ? "component" : slug
    }
}

/// Record ids for an import: unique against the site's folders and each other.
struct RecordIDAllocator {
    var taken: Set<String>

    init(existing: [String]) { taken = Set(existing) }

    mutating func make(date: Timestamp, title: String) -> String {
        let id = RecordID.unique(RecordID.make(date: date, title: title)) { taken.contains($0) }
        taken.insert(id)
        return id
    }
}
