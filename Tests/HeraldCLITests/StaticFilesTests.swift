import Foundation
import HeraldServe
import Testing

/// The path rules of `herald serve`, on a real folder with links and special files.
@Suite("herald serve: which file a path names")
struct StaticFilesTests {
    let base: URL
    let site: URL

    init() throws {
        base = FileManager.default.temporaryDirectory.appendingPathComponent("herald-static-\(UUID().uuidString)")
        site = base.appendingPathComponent("site")
        let fm = FileManager.default
        try fm.createDirectory(at: site.appendingPathComponent("incidents/x"), withIntermediateDirectories: true)
        try Data("<p>home</p>".utf8).write(to: site.appendingPathComponent("index.html"))
        try Data("<p>x</p>".utf8).write(to: site.appendingPathComponent("incidents/x/index.html"))
        try Data("{}".utf8).write(to: site.appendingPathComponent("summary.json"))
        try Data("secret".utf8).write(to: base.appendingPathComponent("secret.txt"))
        // Links that lead out of the site folder, and a FIFO that would block whoever opens it.
        try fm.createSymbolicLink(at: site.appendingPathComponent("leak.txt"), withDestinationURL: base.appendingPathComponent("secret.txt"))
        try fm.createSymbolicLink(at: site.appendingPathComponent("outside"), withDestinationURL: base)
        #expect(mkfifo(site.appendingPathComponent("pipe").path, 0o600) == 0)
    }

    func lookup(_ path: String) -> StaticFiles.Lookup { StaticFiles(root: site).lookup(path) }

    @Test func servesPagesFoldersAndTypes() {
        #expect(lookup("/") == .file(site.appendingPathComponent("index.html"), contentType: "text/html; charset=utf-8"))
        #expect(lookup("/incidents/x/") == .file(site.appendingPathComponent("incidents/x/index.html"), contentType: "text/html; charset=utf-8"))
        #expect(lookup("/incidents/x") == .redirect("/incidents/x/"))
        #expect(lookup("/summary.json") == .file(site.appendingPathComponent("summary.json"), contentType: "application/json"))
        #expect(lookup("/incidents/%78/") == .file(site.appendingPathComponent("incidents/x/index.html"), contentType: "text/html; charset=utf-8"))
        #expect(lookup("/missing") == .notFound)
    }

    @Test(arguments: [
        "/leak.txt", "/outside/secret.txt", "/../secret.txt", "/%2e%2e/secret.txt", "/index.html%00.txt",
        "/.herald-output", "/incidents/..%2F..%2Fsecret.txt", "/a\\b", "relative", "/%zz", "/x%0a"
    ])
    func refusesWhatIsNotAPageOfTheSite(path: String) {
        #expect(lookup(path) == .refused || lookup(path) == .notFound, "\(path)")
    }

    @Test func neverOpensSpecialFiles() {
        #expect(lookup("/pipe") == .notFound)
    }
}
