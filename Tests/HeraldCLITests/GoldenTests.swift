import Foundation
import Testing

/// Golden snapshots: the example site (`content/` and `templates/` at the top of the repository) and
/// each fixture site built with a fixed "now", compared file by file and byte for byte with the
/// output checked in under `Tests/Golden/<site>/`. A change to any page, feed or API file then
/// shows in review as a diff of that folder.
///
/// After an intended change, record the new output with `scripts/record-golden` (it runs this
/// suite with `HERALD_RECORD_GOLDEN=1`, which replaces the folders) and review the diff.
@Suite("golden snapshots", .serialized)
struct GoldenTests {
    static let now = "2026-11-22T15:00:00Z"
    static let golden = repositoryRoot.appendingPathComponent("Tests/Golden")
    static let recording = ProcessInfo.processInfo.environment["HERALD_RECORD_GOLDEN"] == "1"

    /// (name of the snapshot, folders copied into the site)
    static let sites: [(String, [String])] = [
        ("example", ["content", "templates"]),
        ("outputs-site", ["Tests/Fixtures/outputs-site/content"])
    ]

    @Test(arguments: sites.map(\.0))
    func outputMatchesTheSnapshot(name: String) throws {
        let folders = try #require(Self.sites.first { $0.0 == name }).1
        let site = try TemporarySite(files: [:])
        for folder in folders {
            let source = repositoryRoot.appendingPathComponent(folder)
            guard FileManager.default.fileExists(atPath: source.path) else { continue }
            try FileManager.default.copyItem(at: source, to: site.root.appendingPathComponent(source.lastPathComponent))
        }
        let build = try site.herald("build", "--now", Self.now)
        try #require(build.status == 0, "\(build.stderr)")
        let built = site.root.appendingPathComponent("public")
        let expected = Self.golden.appendingPathComponent(name)

        if Self.recording {
            try? FileManager.default.removeItem(at: expected)
            try FileManager.default.createDirectory(at: expected.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: built, to: expected)
            return
        }
        let actualFiles = site.files(under: "public")
        let expectedFiles = Self.files(under: expected)
        #expect(!expectedFiles.isEmpty, "no snapshot in Tests/Golden/\(name): run scripts/record-golden")
        #expect(
            actualFiles == expectedFiles,
            "files differ: only built \(Set(actualFiles).subtracting(expectedFiles).sorted()), only in the snapshot \(Set(expectedFiles).subtracting(actualFiles).sorted())"
        )
        var changed: [String] = []
        for path in Set(actualFiles).intersection(expectedFiles).sorted() {
            let a = try Data(contentsOf: built.appendingPathComponent(path))
            let b = try Data(contentsOf: expected.appendingPathComponent(path))
            if a != b { changed.append(path) }
        }
        #expect(
            changed.isEmpty,
            "\(changed.count) files differ from Tests/Golden/\(name) (run scripts/record-golden after an intended change and review the diff): \(changed.prefix(10))"
        )
    }

    static func files(under base: URL) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: base.path) else { return [] }
        var result: [String] = []
        while let path = enumerator.nextObject() as? String {
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: base.appendingPathComponent(path).path, isDirectory: &isFolder), !isFolder.boolValue {
                result.append(path)
            }
        }
        return result.sorted()
    }
}
