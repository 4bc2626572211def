import Foundation

/// The last line of defence of blameless publishing: refuses output that contains any name or
/// alias from people.yml, in plain, HTML-escaped or URL-encoded form.
public struct LeakScanner: Sendable {
    struct Needle: Sendable {
        var bytes: [UInt8]
        var original: String
        var caseInsensitive: Bool
        var wholeWord: Bool
    }

    let needles: [Needle]

    public init(people: [Person], support: String) {
        var needles: [Needle] = []
        var seen: Set<String> = []
        for person in people {
            for text in [person.name] + person.aliases where !text.isEmpty && text.lowercased() != support.lowercased() {
                let insensitive = text.contains("@")
                for form in Self.forms(of: text) where seen.insert((insensitive ? form.lowercased() : form)).inserted {
                    let bytes = Array((insensitive ? form.lowercased() : form).utf8)
                    needles.append(Needle(bytes: bytes, original: text, caseInsensitive: insensitive, wholeWord: true))
                }
            }
        }
        self.needles = needles
    }

    /// The text, and how it looks HTML-escaped and percent-encoded.
    static func forms(of text: String) -> [String] {
        var forms = [text]
        let html = text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "'", with: "&#39;")
        forms.append(html)
        if let encoded = text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) { forms.append(encoded) }
        return Array(Set(forms)).sorted()
    }

    /// A problem per file that contains a name: `public/x.html: error: contains 'Jane Doe'`.
    public func scan(_ files: [OutputFile]) -> [Diagnostic] {
        guard !needles.isEmpty else { return [] }
        let results = parallelMap(files) { file -> [Diagnostic] in
            var found: [Diagnostic] = []
            var lowered: [UInt8]?
            for needle in needles {
                let haystack: [UInt8]
                if needle.caseInsensitive {
                    if lowered == nil { lowered = file.bytes.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 } }
                    haystack = lowered!
                } else {
                    haystack = file.bytes
                }
                if let line = Self.find(needle, in: haystack) {
                    found.append(Diagnostic(path: file.path, line: line, message: "output contains a name from people.yml ('\(needle.original)'); it must be shown as a role", code: "leak"))
                    break
                }
            }
            return found
        }
        return results.flatMap { $0 }
    }

    /// Line (1-based) of the first whole-word occurrence of `needle`, if any.
    static func find(_ needle: Needle, in haystack: [UInt8]) -> Int? {
        let n = needle.bytes
        guard let first = n.first, n.count <= haystack.count else { return nil }
        return haystack.withUnsafeBufferPointer { h -> Int? in
            var index = 0
            let last = h.count - n.count
            while index <= last {
                if h[index] == first {
                    var match = true
                    for k in 1..<n.count where h[index + k] != n[k] {
                        match = false
                        break
                    }
                    if match && (!needle.wholeWord || (isBoundary(h, index - 1) && isBoundary(h, index + n.count))) {
                        return h[0..<index].reduce(1) { $1 == 10 ? $0 + 1 : $0 }
                    }
                }
                index += 1
            }
            return nil
        }
    }

    /// True when the byte at `index` does not continue a word (ASCII letters and digits, or
    /// any non-ASCII byte, which may be part of a letter such as "ø").
    static func isBoundary(_ h: UnsafeBufferPointer<UInt8>, _ index: Int) -> Bool {
        guard index >= 0, index < h.count else { return true }
        let b = h[index]
        let isWord = (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b >= 128
        return !isWord
    }
}
