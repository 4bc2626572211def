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
        forms.append(text.replacingOccurrences(of: "@", with: "%40").replacingOccurrences(of: " ", with: "%20"))
        return Array(Set(forms)).sorted()
    }

    /// A problem per file that contains a name: `public/x.html: error: contains 'Jane Doe'`.
    public func scan(_ files: [OutputFile]) -> [Diagnostic] {
        guard !needles.isEmpty else { return [] }
        // One pass per file over all needles (ASCII case folded); names, which are case-sensitive,
        // are then confirmed byte for byte.
        let set = NeedleSet(needles.map { String(decoding: $0.bytes, as: UTF8.self) })
        let results = parallelMap(files) { file -> [Diagnostic] in
            file.bytes.withUnsafeBufferPointer { h -> [Diagnostic] in
                let match = set.firstMatch(in: h, wholeWord: true) { n, at in
                    let needle = needles[n]
                    return needle.caseInsensitive || needle.bytes.elementsEqual(h[at..<(at + needle.bytes.count)])
                }
                guard let match else { return [] }
                let line = h[0..<match.offset].reduce(1) { $1 == 10 ? $0 + 1 : $0 }
                let name = needles[match.needle].original
                return [Diagnostic(path: file.path, line: line, message: "output contains a name from people.yml ('\(name)'); it must be shown as a role", code: "leak")]
            }
        }
        return results.flatMap { $0 }
    }
}
