import Foundation

/// One problem found in a site, compiler-style: `path:line: severity: message [code]`.
package struct Diagnostic: Error, Sendable, Hashable, Codable {
    package enum Severity: String, Sendable, Codable, Comparable {
        case error, warning
        package static func < (a: Severity, b: Severity) -> Bool { a == .error && b == .warning }
    }

    /// Path relative to the site folder, e.g. `content/incidents/x/y.md`.
    package var path: String
    /// 1-based line in the file, or 0 when the problem concerns the whole file.
    package var line: Int
    package var severity: Severity
    package var message: String
    /// Stable rule code (`herald check`), e.g. `stale`; empty for plain load errors.
    package var code: String
    package var hint: String?
    /// 1-based column (in characters) of what the problem is about, when known.
    package var column: Int?

    package init(path: String, line: Int, severity: Severity = .error, message: String, code: String = "", hint: String? = nil, column: Int? = nil) {
        self.path = path
        self.line = line
        self.severity = severity
        self.message = message
        self.code = code
        self.hint = hint
        self.column = column
    }

    package static func error(_ path: String, _ line: Int, _ message: String, code: String = "") -> Diagnostic {
        Diagnostic(path: path, line: line, severity: .error, message: message, code: code)
    }

    /// `content/incidents/x/y.md:3: error: unknown status 'resolvd' (expected …)`
    package var formatted: String {
        let location = line > 0 ? "\(path):\(line)" + (column.map { ":\($0)" } ?? "") : path
        var text = "\(location): \(severity.rawValue): \(message)"
        if !code.isEmpty { text += " [\(code)]" }
        if let hint { text += "\n  hint: \(hint)" }
        return text
    }
}

extension Array where Element == Diagnostic {
    /// Sorted by path, then line, then message, so output is stable across runs and machines.
    package func sortedForOutput() -> [Diagnostic] {
        sorted { a, b in
            if a.path != b.path { return a.path < b.path }
            if a.line != b.line { return a.line < b.line }
            if a.column != b.column { return (a.column ?? 0) < (b.column ?? 0) }
            return a.message < b.message
        }
    }

    package var hasErrors: Bool { contains { $0.severity == .error } }
}

/// Thrown by a stage that found problems in the content; carries every one of them.
package struct DiagnosticsError: Error, CustomStringConvertible, Sendable {
    package var diagnostics: [Diagnostic]
    package init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics.sortedForOutput() }
    package var description: String { diagnostics.map(\.formatted).joined(separator: "\n") }
}

/// A failure that is not about content (disk, permissions, a missing site): one clear sentence.
package struct HeraldError: Error, CustomStringConvertible, Sendable {
    package var message: String
    package init(_ message: String) { self.message = message }
    package var description: String { message }
}

/// Lists the valid values for an error message: `investigating, identified, monitoring, resolved`.
func expected<S: Sequence>(_ values: S) -> String where S.Element == String {
    values.joined(separator: ", ")
}
