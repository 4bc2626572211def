import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Builds that are stopped half-way (killed, power lost) or run two at once: the next build
/// removes what a stopped one left, and builds of one site take turns.
@Suite("stopped and simultaneous builds")
struct InterruptedBuildTests {
    let now = "2026-11-22T15:00:00Z"

    /// The minimal site plus `count` resolved incidents, so that a build takes a moment.
    func site(incidents count: Int = 0) throws -> TemporarySite {
        let site = try TemporarySite()
        for i in 0..<count {
            let day = String(format: "%02d", 1 + i % 28)
            let id = "2026-10-\(day)-outage-\(i)"
            try site.write("content/incidents/\(id)/incident.md", "---\ntitle: Outage number \(i)\nseverity: minor\ncomponents: [api]\n---\n")
            try site.write(
                "content/incidents/\(id)/202610\(day)T100000Z-investigating-a\(i).md",
                "---\nstatus: investigating\nat: 2026-10-\(day)T10:00:00Z\ncomponents: {api: partial_outage}\n---\nRequests to the API fail for some customers. Contact help@status.test.\n")
            try site.write("content/incidents/\(id)/202610\(day)T110000Z-resolved-b\(i).md", "---\nstatus: resolved\nat: 2026-10-\(day)T11:00:00Z\n---\nFixed.\n")
        }
        return site
    }

    /// Every path under the site folder holding `.herald-tmp` or `.herald-writing`.
    func leftovers(_ site: TemporarySite) -> [String] {
        var found: [String] = []
        let enumerator = FileManager.default.enumerator(atPath: site.root.path)
        while let path = enumerator?.nextObject() as? String {
            if path.contains(".herald-tmp") || path.hasSuffix(".herald-writing") { found.append(path) }
        }
        return found
    }

    /// Both folders hold the same files with the same bytes (manifests aside).
    func expectSameSite(_ site: TemporarySite, _ a: String, _ b: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let files = site.files(under: a).filter { $0 != ".herald-output" }
        #expect(files == site.files(under: b).filter { $0 != ".herald-output" }, sourceLocation: sourceLocation)
        for path in files where try site.read("\(a)/\(path)") != site.read("\(b)/\(path)") {
            Issue.record("\(path) differs", sourceLocation: sourceLocation)
        }
    }

    /// What a build stopped while swapping files in leaves: the pending marker, temporary files
    /// beside their targets, and pages already replaced. The next build removes the temporaries and
    /// the marker and rewrites what differs from its manifest.
    @Test func aStoppedRebuildsTemporaryFilesAreRemoved() throws {
        let site = try site()
        #expect(try site.herald("build", "--now", now).status == 0)
        try site.write("public/.herald-writing", "999999\n")
        try site.write("public/index.html.herald-tmp-999999", "<p>half")
        try site.write("public/incidents/2026-11-22-search-down/index.html.herald-tmp-999999", "<p>half")
        try site.write("public/history/index.html", "<p>a page from the stopped build")
        // A file that merely looks similar is not ours to remove.
        try site.write("public/notes.herald-tmp-draft", "kept")
        #expect(leftovers(site).count == 4)

        let rebuild = try site.herald("build", "--now", now)
        #expect(rebuild.status == 0, "\(rebuild.stderr)")
        #expect(leftovers(site) == ["public/notes.herald-tmp-draft"])
        try FileManager.default.removeItem(at: site.root.appendingPathComponent("public/notes.herald-tmp-draft"))
        #expect(try site.herald("build", "--now", now, "--out", "cold").status == 0)
        try expectSameSite(site, "public", "cold")
    }

    /// A first build stopped before renaming its staging folder into place, or one stopped while
    /// writing the parse cache: the next build deletes those and builds normally.
    @Test func aStoppedFirstBuildsStagingFolderIsRemoved() throws {
        let site = try site()
        try site.write("public.herald-tmp-999999/index.html", "<p>half")
        try site.write("public.herald-tmp-999998/incidents/x/index.html", "<p>half")
        try site.write(".herald-cache/cache.tmp-999999", "half a cache")
        try site.write(".herald-cache.tmp-999998", "half a cache of an older Herald")
        try site.write("public.herald-tmp-notes/keep.txt", "not a build's")
        let build = try site.herald("build", "--now", now)
        #expect(build.status == 0, "\(build.stderr)")
        #expect(leftovers(site).sorted() == ["public.herald-tmp-notes", "public.herald-tmp-notes/keep.txt"])
        #expect(!site.exists(".herald-cache/cache.tmp-999999"))
        #expect(!site.exists(".herald-cache.tmp-999998"))
        #expect(site.exists(".herald-cache/cache"))
        #expect(site.exists("public/index.html"))
    }

    /// A build into an existing empty folder that was stopped leaves no manifest yet; the folder is
    /// still recognised as Herald's (by its pending marker) rather than refused as someone else's.
    @Test func aStoppedBuildIntoAnEmptyFolderIsResumed() throws {
        let site = try site()
        try site.write("out/.herald-writing", "999999\n")
        try site.write("out/index.html.herald-tmp-999999", "<p>half")
        let build = try site.herald("build", "--now", now, "--out", "out")
        #expect(build.status == 0, "\(build.stderr)")
        #expect(leftovers(site).isEmpty)
        #expect(site.exists("out/.herald-output"))
        // Without the marker, a folder of unknown files is still refused.
        try site.write("other/index.html", "someone else's")
        let refused = try site.herald("build", "--now", now, "--out", "other")
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("was not made by herald build"), "\(refused.stderr)")
    }

    /// A build stopped at each point of writing (simulated with HERALD_TEST_CRASH, which ends the
    /// process on the spot) leaves its temporary files or staging folder; the next build removes
    /// them and makes exactly what a cold build makes.
    @Test(arguments: [
        ("before-moving-staging", false), ("after-staging", true), ("mid-swap", true),
    ])
    func aBuildStoppedWhileWritingIsRepairedByTheNext(point: String, rebuild: Bool) throws {
        let site = try site(incidents: 40)
        if rebuild {
            #expect(try site.herald("build", "--now", "2026-11-22T14:00:00Z").status == 0)
            // Every incident changes, so every incident page is written again.
            try site.write("content/site.yml", TemporarySite.minimalSiteYML.replacingOccurrences(of: "title: Test Status", with: "title: Renamed Status"))
        }
        let stopped = try site.herald("build", "--now", now, environment: ["HERALD_TEST_CRASH": point])
        #expect(stopped.status == 137)
        let left = leftovers(site)
        #expect(left.count > 20, "\(left)")
        if rebuild { #expect(left.contains("public/.herald-writing")) }
        let next = try site.herald("build", "--now", now)
        #expect(next.status == 0, "\(next.stderr)")
        #expect(leftovers(site).isEmpty)
        #expect(try site.herald("build", "--now", now, "--out", "cold").status == 0)
        try expectSameSite(site, "public", "cold")
    }

    /// Starts `herald build` in the background; its error output goes to the returned file (in the
    /// site folder, outside `public/`).
    func startBuild(_ site: TemporarySite) throws -> (Process, URL) {
        let errors = site.root.appendingPathComponent("stderr-\(UUID().uuidString).txt")
        #expect(FileManager.default.createFile(atPath: errors.path, contents: nil))
        let process = Process()
        process.executableURL = HeraldRunner.executable
        process.arguments = ["build", "--now", now]
        process.currentDirectoryURL = site.root
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        return (process, errors)
    }

    /// While another build holds the site's lock, a build says so and waits, touching nothing.
    @Test func aBuildWaitsWhileAnotherHoldsTheLock() throws {
        let site = try site()
        let fd = open(site.root.appendingPathComponent(".herald-lock").path, O_RDWR | O_CREAT, 0o644)
        #expect(fd >= 0)
        _ = "4242\n".withCString { write(fd, $0, 5) }
        #expect(flock(fd, LOCK_EX) == 0)
        let (process, errors) = try startBuild(site)
        var said = ""
        for _ in 0..<200 where !said.contains("waiting") {
            Thread.sleep(forTimeInterval: 0.05)
            said = try String(contentsOf: errors, encoding: .utf8)
        }
        #expect(said.contains("waiting for another build of this site to finish (process 4242)"), "\(said)")
        Thread.sleep(forTimeInterval: 0.3)
        #expect(process.isRunning)
        #expect(!site.exists("public"))
        close(fd)  // releases the lock
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(site.exists("public/index.html"))
        #expect(try site.read(".herald-lock").trimmingCharacters(in: .whitespacesAndNewlines) == "\(process.processIdentifier)")
    }

    /// Two first builds of one site started together both succeed (unlocked, the second's rename of
    /// its staging folder would fail), and the result is a cold build's.
    @Test func simultaneousBuildsTakeTurns() throws {
        let site = try site(incidents: 60)
        let results = try [0, 1].map { _ in try startBuild(site) }
        for (process, errors) in results {
            process.waitUntilExit()
            let said = try String(contentsOf: errors, encoding: .utf8)
            #expect(process.terminationStatus == 0, "\(said)")
        }
        #expect(leftovers(site).isEmpty)
        #expect(try site.herald("build", "--now", now, "--out", "cold").status == 0)
        try expectSameSite(site, "public", "cold")
    }
}
