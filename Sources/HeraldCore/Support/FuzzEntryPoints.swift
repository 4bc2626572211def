import Foundation
import HeraldMarkdown

/// What the fuzz targets in `Fuzz/` call (scripts/fuzz, docs/security.md): each reader of
/// hostile bytes, run exactly as a build runs it. A crash, a trap, a hang or a sanitizer report
/// in any of them is a bug. Not used by Herald itself.
public enum FuzzEntryPoints {
    /// A record file: split, YAML (FlatYAML, else the alias and depth guard and Yams), every
    /// typed accessor a loader uses, and the conflict-marker scan.
    public static func frontMatter(_ bytes: UnsafeRawBufferPointer) {
        guard let text = String(validating: bytes.bindMemory(to: UInt8.self), as: UTF8.self) else { return }
        _ = InputRules.conflictMarker(in: text)
        guard case .success(let file) = FrontMatterFile.split(text, path: "fuzz.md") else { return }
        let fields = YAMLFields(yaml: file.yaml, path: "fuzz.md", lineOffset: 1)
        for key in ["title", "status", "at", "by", "link", "components", "roles", "action_items", "timeline"] {
            _ = fields.string(key)
            _ = fields.time(key)
            _ = fields.strings(key)
            _ = fields.pairs(key)
            _ = fields.int(key, in: 0...100)
            for entry in fields.mappings(key) ?? [] {
                if let link = entry.string("link") { _ = InputRules.linkProblem(link) }
            }
        }
        _ = InputRules.baseURLProblem(text)
        _ = InputRules.emailProblem(text)
        _ = DurationText.parse(text)
    }

    /// people.yml, read by the loader of a scratch site in `folder` (one file written per input).
    public static func people(_ bytes: UnsafeRawBufferPointer, folder: URL) {
        let content = folder.appendingPathComponent("content", isDirectory: true)
        try? FileManager.default.createDirectory(at: content, withIntermediateDirectories: true)
        FileBytes.write(Array(bytes.bindMemory(to: UInt8.self)), to: content.appendingPathComponent("people.yml").path)
        var problems: [Diagnostic] = []
        _ = ContentLoader(layout: SiteLayout(root: folder)).loadPeople(into: &problems)
    }

    /// A Markdown body: HTML, plain text and prose, as pages, feeds and `herald check` make them.
    public static func markdown(_ bytes: UnsafeRawBufferPointer) {
        let text = String(decoding: bytes.bindMemory(to: UInt8.self), as: UTF8.self)
        _ = Markdown.render(text)
        _ = Markdown.plainText(text)
    }

    /// The output folder's manifest (`.herald-output`).
    public static func manifest(_ bytes: UnsafeRawBufferPointer) {
        _ = SiteWriter.parseManifest(Array(bytes.bindMemory(to: UInt8.self)))
    }

    /// A parse cache file, read with the key it names (so the fuzzer gets past the header), and
    /// every record it indexes decoded.
    public static func parseCache(_ bytes: UnsafeRawBufferPointer, file: URL) {
        let array = Array(bytes.bindMemory(to: UInt8.self))
        FileBytes.write(array, to: file.path)
        var reader = ByteReader(array)
        _ = reader.string()
        let key = reader.uint64() ?? 0
        let cache = ContentCache.read(file, key: key)
        for section in [cache.incidents, cache.maintenances, cache.postmortems] {
            for slot in section.slots {
                if let (_, record) = ContentCache.incidentParts(cache.store, slot.range) {
                    _ = RecordCodec.decode(Incident.self, from: cache.store, range: record)
                }
                _ = cache.maintenance(slot)
                _ = cache.postmortem(slot)
            }
        }
    }
}
