import Foundation
import Testing

/// A rebuild keeps the last build's pages whose inputs did not change and writes only files whose
/// bytes changed, yet its output must always equal a cold build's, byte for byte.
@Suite("incremental builds")
struct IncrementalBuildTests {
    let now = "2026-11-22T15:00:00Z"
    let old = "content/incidents/2026-11-20-old"

    func site() throws -> TemporarySite {
        let site = try TemporarySite()
        try site.write("\(old)/incident.md", "---\ntitle: Old one\nseverity: minor\ncomponents: [web]\n---\n")
        try site.write("\(old)/20261120T100000Z-resolved-aaaa.md", "---\nstatus: resolved\nat: 2026-11-20T10:00:00Z\n---\nDone.\n")
        return site
    }

    /// Every file of `a` equals `b`'s, and both hold the same files (the marker aside).
    func expectSameSite(_ site: TemporarySite, _ a: String, _ b: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let files = site.files(under: a).filter { $0 != ".herald-output" }
        #expect(files == site.files(under: b).filter { $0 != ".herald-output" }, sourceLocation: sourceLocation)
        for path in files {
            #expect(try site.read("\(a)/\(path)") == site.read("\(b)/\(path)"), "\(path) differs", sourceLocation: sourceLocation)
        }
    }

    func modified(_ site: TemporarySite, _ path: String) throws -> Date {
        try FileManager.default.attributesOfItem(atPath: site.root.appendingPathComponent(path).path)[.modificationDate] as! Date
    }

    @Test func rebuildAfterAnUpdateEqualsAColdBuildAndKeepsOtherPages() throws {
        let site = try site()
        #expect(try site.herald("build", "--now", now).status == 0)
        let oldPage = "public/incidents/2026-11-20-old/index.html"
        let before = try modified(site, oldPage)
        let posted = try site.herald(
            "incident", "update", "2026-11-22-search-down", "--status", "monitoring", "--message", "A fix is live; watching error rates.",
            "--at", "2026-11-22T14:50:00Z", "--by", "Bob Smith")
        #expect(posted.status == 0, "\(posted.stderr)")
        let rebuild = try site.herald("build", "--now", now)
        #expect(rebuild.status == 0, "\(rebuild.stderr)")
        #expect(try site.read("public/incidents/2026-11-22-search-down/index.html").contains("A fix is live; watching error rates."))
        // The other incident's page was neither rendered nor written again.
        #expect(try modified(site, oldPage) == before)
        #expect(rebuild.stdout.contains("unchanged"), "\(rebuild.stdout)")
        #expect(!rebuild.stdout.contains(" 0 unchanged"), "\(rebuild.stdout)")
        #expect(try site.herald("build", "--now", now, "--out", "cold").status == 0)
        try expectSameSite(site, "public", "cold")
    }

    @Test func noOpRebuildWritesNothing() throws {
        let site = try site()
        #expect(try site.herald("build", "--now", now).status == 0)
        let again = try site.herald("build", "--now", now)
        #expect(again.stdout.contains("(0 written"), "\(again.stdout)")
    }

    /// A first build into a folder that does not exist is written beside it and renamed into place:
    /// it makes missing parents, leaves no staging folder, equals a build into an existing folder,
    /// and its manifest is right (the next build writes nothing).
    @Test func firstBuildIntoANewFolderIsRenamedIntoPlace() throws {
        let site = try site()
        let fresh = try site.herald("build", "--now", now, "--out", "out/deep/site")
        #expect(fresh.status == 0, "\(fresh.stderr)")
        // Beside it only its build state (`.site.herald`), no staging folder.
        #expect(try FileManager.default.contentsOfDirectory(atPath: site.root.appendingPathComponent("out/deep").path).sorted() == [".site.herald", "site"])
        try FileManager.default.createDirectory(at: site.root.appendingPathComponent("existing"), withIntermediateDirectories: false)
        #expect(try site.herald("build", "--now", now, "--out", "existing").status == 0)
        try expectSameSite(site, "out/deep/site", "existing")
        let again = try site.herald("build", "--now", now, "--out", "out/deep/site")
        #expect(again.stdout.contains("(0 written, \(site.files(under: "existing").count) unchanged"), "\(again.stdout)")

        // A folder that cannot be made: the error names it, and nothing is left behind.
        try site.write("blocker", "a file, not a folder")
        let blocked = try site.herald("build", "--now", now, "--out", "blocker/site")
        #expect(blocked.status == 1)
        #expect(blocked.stderr.contains("cannot create \(site.root.path)/blocker/site"), "\(blocked.stderr)")
        #expect(try site.read("blocker") == "a file, not a folder")
        #expect(try FileManager.default.contentsOfDirectory(atPath: site.root.path).filter { $0.contains("herald-tmp") }.isEmpty)
    }

    /// Only the status page and the pages that show an open incident's duration "so far" (its own
    /// page, history/ and its month) depend on the build time: a later build renders those (the
    /// latter only once the duration's text changed) and keeps every other page.
    @Test func laterBuildRendersOnlyPagesThatShowTheTime() throws {
        let site = try site()
        let first = try site.herald("build", "--now", now)
        #expect(first.stdout.contains(" 0 pages kept"), "\(first.stdout)")
        // The pages, and the sitemap (kept while the site has the same pages).
        let pages = site.files(under: "public").filter { $0.hasSuffix(".html") || $0 == "sitemap.xml" }.count
        // Half a minute later the open incident's duration still reads "55m": only the status page
        // (its "Status as of" time) is rendered.
        let soon = try site.herald("build", "--now", "2026-11-22T15:00:30Z")
        #expect(soon.stdout.contains(" \(pages - 1) pages kept without rendering"), "\(soon.stdout) of \(pages) pages")
        #expect(try site.herald("build", "--now", "2026-11-22T15:00:30Z", "--out", "cold").status == 0)
        try expectSameSite(site, "public", "cold")
        let later = try site.herald("build", "--now", "2026-11-22T16:00:00Z")
        #expect(later.status == 0)
        #expect(later.stdout.contains(" \(pages - 4) pages kept without rendering"), "\(later.stdout) of \(pages) pages")
        // With nothing open, every page but the status page is kept.
        try site.write(
            "content/incidents/2026-11-22-search-down/20261122T150000Z-resolved-ffff.md", "---\nstatus: resolved\nat: 2026-11-22T15:00:00Z\n---\nFixed.\n")
        #expect(try site.herald("build", "--now", "2026-11-22T16:00:00Z").status == 0)
        let latest = try site.herald("build", "--now", "2026-11-22T17:00:00Z")
        #expect(latest.stdout.contains(" \(pages - 1) pages kept without rendering"), "\(latest.stdout) of \(pages) pages")
    }

    @Test func aPageEditedByHandIsRestored() throws {
        let site = try site()
        #expect(try site.herald("build", "--now", now).status == 0)
        let page = "public/incidents/2026-11-20-old/index.html"
        let original = try site.read(page)
        try site.write(page, "defaced")
        #expect(try site.herald("build", "--now", now).status == 0)
        #expect(try site.read(page) == original)
        try FileManager.default.removeItem(at: site.root.appendingPathComponent(page))
        #expect(try site.herald("build", "--now", now).status == 0)
        #expect(try site.read(page) == original)
    }

    @Test func changedTemplateOrPeopleReRendersEveryPage() throws {
        let site = try site()
        #expect(try site.herald("build", "--now", now).status == 0)
        let footer = String(
            decoding: try #require(
                FileManager.default.contents(atPath: repositoryRoot.appendingPathComponent("Sources/HeraldCore/Render/Theme/Templates/footer.mustache").path)),
            as: UTF8.self)
        try site.write("templates/footer.mustache", footer.replacingOccurrences(of: "All times are in UTC.", with: "All times are in UTC (changed)."))
        #expect(try site.herald("build", "--now", now).status == 0)
        #expect(try site.read("public/incidents/2026-11-20-old/index.html").contains("All times are in UTC (changed)."))
        // A template text that names someone added to people.yml later is caught although the page's data did not change.
        try site.write("templates/footer.mustache", footer.replacingOccurrences(of: "All times are in UTC.", with: "All times are in UTC. Ask Quentin Blake."))
        #expect(try site.herald("build", "--now", now).status == 0)
        let people = try site.read("content/people.yml")
        try site.write("content/people.yml", people + "\n- name: Quentin Blake\n")
        let refused = try site.herald("build", "--now", now)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("incidents/2026-11-20-old/index.html"), "\(refused.stderr)")
    }

    /// The new site is made beside the live one, so a file put by hand where a new page's folder
    /// must go is no obstacle: the build succeeds, and the file is not deleted (it stays in the
    /// old tree, now the spare in `.public.herald/previous`).
    @Test func aFileInTheWayOfANewPageIsNoObstacleAndIsNotDeleted() throws {
        let site = try site()
        #expect(try site.herald("build", "--now", now).status == 0)
        try site.write("public/incidents/2026-11-22-new-one", "in the way")
        try site.write("content/incidents/2026-11-22-new-one/incident.md", "---\ntitle: New one\nseverity: major\ncomponents: [web]\n---\n")
        try site.write(
            "content/incidents/2026-11-22-new-one/20261122T140000Z-investigating-bbbb.md",
            "---\nstatus: investigating\nat: 2026-11-22T14:00:00Z\n---\nLooking.\n")
        let built = try site.herald("build", "--now", now)
        #expect(built.status == 0, "\(built.stderr)")
        #expect(try site.read(".public.herald/previous/incidents/2026-11-22-new-one") == "in the way")
        #expect(try site.herald("build", "--now", now, "--out", "cold").status == 0)
        try expectSameSite(site, "public", "cold")
    }

    /// A build that cannot keep its state (a file where the state folder must be) fails before it
    /// changes anything: the old site stays exactly as it was.
    @Test func aFailedWriteLeavesTheOldSiteAsItWas() throws {
        let site = try site()
        #expect(try site.herald("build", "--now", now).status == 0)
        let before = site.files(under: "public")
        let index = try site.read("public/index.html")
        try FileManager.default.removeItem(at: site.root.appendingPathComponent(".public.herald"))
        try site.write(".public.herald", "in the way")
        try site.write("content/incidents/2026-11-22-new-one/incident.md", "---\ntitle: New one\nseverity: major\ncomponents: [web]\n---\n")
        try site.write(
            "content/incidents/2026-11-22-new-one/20261122T140000Z-investigating-bbbb.md",
            "---\nstatus: investigating\nat: 2026-11-22T14:00:00Z\n---\nLooking.\n")
        let failed = try site.herald("build", "--now", now)
        #expect(failed.status == 1)
        #expect(failed.stderr.contains(".public.herald is not a folder"), "\(failed.stderr)")
        #expect(site.files(under: "public") == before)
        #expect(try site.read("public/index.html") == index)
    }

    // MARK: - The parse cache (.herald-cache)

    @Test func editedEventIsReadAgainAndEqualsAColdBuild() throws {
        let site = try site()
        #expect(try site.herald("build", "--now", now).status == 0)
        #expect(site.exists(".herald-cache/cache"))
        // Same size, new text: the file's time (and the folder's stamp) changed.
        try site.write("\(old)/20261120T100000Z-resolved-aaaa.md", "---\nstatus: resolved\nat: 2026-11-20T10:00:00Z\n---\nFine.\n")
        #expect(try site.herald("build", "--now", now).status == 0)
        #expect(try site.read("public/incidents/2026-11-20-old/index.html").contains("Fine."))
        // A new event file in the folder.
        try site.write("\(old)/20261120T110000Z-note-bbbb.md", "---\nkind: note\nat: 2026-11-20T11:00:00Z\n---\nInternal.\n")
        try site.write("\(old)/20261120T120000Z-investigating-cccc.md", "---\nstatus: investigating\nat: 2026-11-20T12:00:00Z\n---\nIt is back.\n")
        #expect(try site.herald("build", "--now", now).status == 0)
        #expect(try site.read("public/incidents/2026-11-20-old/index.html").contains("It is back."))
        #expect(try site.herald("build", "--now", now, "--out", "cold").status == 0)
        try expectSameSite(site, "public", "cold")
    }

    @Test func aRemovedEventFileIsSeenAndNoTemporaryFileIsLeft() throws {
        let site = try site()
        try site.write("\(old)/20261120T090000Z-investigating-bbbb.md", "---\nstatus: investigating\nat: 2026-11-20T09:00:00Z\n---\nLooking into it.\n")
        #expect(try site.herald("build", "--now", now).status == 0)
        #expect(try site.read("public/incidents/2026-11-20-old/index.html").contains("Looking into it."))
        // Builds stat the files a record folder held rather than list it again: a file gone
        // changes the folder's times.
        try FileManager.default.removeItem(at: site.root.appendingPathComponent("\(old)/20261120T090000Z-investigating-bbbb.md"))
        let rebuilt = try site.herald("build", "--now", now)
        #expect(rebuilt.status == 0)
        #expect(try !site.read("public/incidents/2026-11-20-old/index.html").contains("Looking into it."))
        // A build that changed nothing writes no cache; neither leaves the file it took the time from.
        #expect(try site.herald("build", "--now", now).status == 0)
        let names = try FileManager.default.contentsOfDirectory(atPath: site.root.path)
        #expect(names.filter { $0.hasPrefix(".herald-cache") } == [".herald-cache"])
        let cacheFiles = try FileManager.default.contentsOfDirectory(atPath: site.root.appendingPathComponent(".herald-cache").path)
        #expect(cacheFiles.allSatisfy { !$0.contains(".tmp-") }, "\(cacheFiles)")
        #expect(try site.herald("build", "--now", now, "--out", "cold").status == 0)
        try expectSameSite(site, "public", "cold")
    }

    /// Older Herald versions kept the parse cache as a file named `.herald-cache`; the next build
    /// replaces it by the folder, uses the folder from then on, and builds what a cold build does.
    @Test func anOlderCacheFileIsReplacedByTheFolder() throws {
        let site = try site()
        try site.write(".herald-cache", "a cache file of an older Herald version")
        let first = try site.herald("build", "--now", now)
        #expect(first.status == 0, "\(first.stderr)")
        var info = stat()
        #expect(lstat(site.root.appendingPathComponent(".herald-cache").path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR)
        #expect(site.exists(".herald-cache/cache"))
        // The folder's cache is read back: a rebuild keeps every page.
        let second = try site.herald("build", "--now", now)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.contains("(0 written"), "\(second.stdout)")
        #expect(try site.herald("build", "--now", now, "--out", "cold").status == 0)
        try expectSameSite(site, "public", "cold")
    }

    /// A record changed since the cache was written is parsed once: that build writes the cache
    /// again, and the next build, with nothing changed, reads it without writing it; the output
    /// is a cold build's throughout.
    @Test func aChangedRecordIsParsedOnceAndCachedAgain() throws {
        let site = try TemporarySite()
        let ids = (0..<40).map { String(format: "2026-10-%02d-outage-%d", 1 + $0 % 28, $0) }
        for (i, id) in ids.enumerated() {
            let day = String(id.dropFirst(8).prefix(2))
            try site.write("content/incidents/\(id)/incident.md", "---\ntitle: Outage number \(i)\nseverity: minor\ncomponents: [api]\n---\n")
            try site.write(
                "content/incidents/\(id)/202610\(day)T100000Z-resolved-a\(i).md", "---\nstatus: resolved\nat: 2026-10-\(day)T10:00:00Z\n---\nFixed.\n")
        }
        func cacheInode() -> UInt64? {
            var info = stat()
            return lstat(site.root.appendingPathComponent(".herald-cache/cache").path, &info) == 0 ? UInt64(info.st_ino) : nil
        }
        #expect(try site.herald("build", "--now", now).status == 0)
        var written = try #require(cacheInode())
        for round in 0..<2 {
            let posted = try site.herald(
                "incident", "update", ids[0], "--status", "resolved", "--message", "Still fine, round \(round).", "--at", "2026-10-01T12:0\(round):00Z",
                "--force")
            #expect(posted.status == 0, "\(posted.stderr)")
            #expect(try site.herald("build", "--now", now).status == 0)
            let rewritten = try #require(cacheInode())
            #expect(rewritten != written, "round \(round): the cache was not written again for a changed record")
            written = rewritten
            #expect(try site.herald("build", "--now", now).status == 0)
            #expect(cacheInode() == written, "round \(round): the cache was written again with nothing changed")
            #expect(try site.read("public/incidents/\(ids[0])/index.html").contains("Still fine, round \(round)."))
        }
        // Every record changed: the cache is written, and the one it replaces keeps a name until
        // the next is written (see ContentCache.write).
        for (i, id) in ids.enumerated() {
            try site.write("content/incidents/\(id)/incident.md", "---\ntitle: Outage number \(i), renamed\nseverity: minor\ncomponents: [api]\n---\n")
        }
        #expect(try site.herald("build", "--now", now).status == 0)
        #expect(cacheInode() != written)
        #expect(site.exists(".herald-cache/cache.previous"))
        #expect(try site.read("public/incidents/\(ids[39])/index.html").contains("renamed"))
        #expect(try site.herald("build", "--now", now, "--out", "cold").status == 0)
        try expectSameSite(site, "public", "cold")
    }

    @Test func anEditThatRestoresTheModificationTimeIsStillSeen() throws {
        let site = try site()
        let url = site.root.appendingPathComponent("\(old)/20261120T100000Z-resolved-aaaa.md")
        var before = stat()
        #expect(lstat(url.path, &before) == 0)
        #expect(try site.herald("build", "--now", now).status == 0)
        // Same size, same inode, and the old modification time put back to the nanosecond: only
        // the change time, which no tool can set, tells the edit apart.
        Thread.sleep(forTimeInterval: 0.05)
        let handle = try FileHandle(forWritingTo: url)
        try handle.write(contentsOf: Data("---\nstatus: resolved\nat: 2026-11-20T10:00:00Z\n---\nFine.\n".utf8))
        try handle.close()
        var times = [before.st_atim, before.st_mtim]
        #expect(utimensat(AT_FDCWD, url.path, &times, 0) == 0)
        var after = stat()
        #expect(lstat(url.path, &after) == 0)
        #expect(after.st_size == before.st_size && after.st_ino == before.st_ino)
        #expect(after.st_mtim.tv_sec == before.st_mtim.tv_sec && after.st_mtim.tv_nsec == before.st_mtim.tv_nsec)
        #expect(try site.herald("build", "--now", now).status == 0)
        #expect(try site.read("public/incidents/2026-11-20-old/index.html").contains("Fine."))
    }

    @Test func brokenCacheIsIgnored() throws {
        let site = try site()
        #expect(try site.herald("build", "--now", now).status == 0)
        let page = try site.read("public/incidents/2026-11-20-old/index.html")
        for garbage in ["", "herald-content-cache 1\n", String(repeating: "\u{1}", count: 300)] {
            try site.write(".herald-cache/cache", garbage)
            try FileManager.default.removeItem(at: site.root.appendingPathComponent("public"))
            let result = try site.herald("build", "--now", now)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(try site.read("public/incidents/2026-11-20-old/index.html") == page)
        }
        // A record whose bytes changed in the cache (same length, still decodable) is parsed anew.
        #expect(try site.herald("build", "--now", now).status == 0)
        let cacheURL = site.root.appendingPathComponent(".herald-cache/cache")
        var bytes = try #require(FileManager.default.contents(atPath: cacheURL.path))
        let title = try #require(bytes.firstRange(of: Data("Old one".utf8)))
        bytes.replaceSubrange(title, with: Data("Odd one".utf8))
        try bytes.write(to: cacheURL)
        #expect(try site.herald("build", "--now", now, "--out", "flipped").status == 0)
        #expect(try site.read("flipped/incidents/2026-11-20-old/index.html") == page)
        // Truncated at every length: never a crash, never a wrong page.
        let whole = try #require(FileManager.default.contents(atPath: cacheURL.path))
        for length in stride(from: 0, to: whole.count, by: max(1, whole.count / 7)) {
            try whole.prefix(length).write(to: cacheURL)
            #expect(try site.herald("build", "--now", now, "--out", "t").status == 0)
            #expect(try site.read("t/incidents/2026-11-20-old/index.html") == page)
        }
        // A cache file where the folder belongs (Herald before the cache had a folder) is replaced.
        try FileManager.default.removeItem(at: site.root.appendingPathComponent(".herald-cache"))
        try site.write(".herald-cache", String(decoding: whole, as: UTF8.self))
        let replaced = try site.herald("build", "--now", now, "--out", "u")
        #expect(replaced.status == 0, "\(replaced.stderr)")
        #expect(try site.read("u/incidents/2026-11-20-old/index.html") == page)
        #expect(site.exists(".herald-cache/cache"))
    }

    @Test func cachedRecordsAreCheckedAgainstAChangedSiteYML() throws {
        let site = try site()
        #expect(try site.herald("build", "--now", now).status == 0)
        // The old incident uses component 'web'; remove it from site.yml.
        try site.write("content/site.yml", TemporarySite.minimalSiteYML.replacingOccurrences(of: "  - id: web\n    name: Website", with: ""))
        let result = try site.herald("build", "--now", now)
        #expect(result.status == 1)
        #expect(result.stderr.contains("2026-11-20-old/incident.md:"), "\(result.stderr)")
        #expect(result.stderr.contains("unknown component 'web'"), "\(result.stderr)")
    }

    @Test func aBrokenRecordIsReportedOnEveryBuild() throws {
        let site = try site()
        try site.write("\(old)/20261120T110000Z-x-dddd.md", "---\nstatus: fixed\nat: 2026-11-20T11:00:00Z\n---\nx\n")
        for _ in 0..<2 {
            let result = try site.herald("build", "--now", now)
            #expect(result.status == 1)
            #expect(result.stderr.contains("20261120T110000Z-x-dddd.md:2: error: unknown status 'fixed'"), "\(result.stderr)")
        }
    }

    /// Things an incident's page shows that live outside its folder: a published postmortem, the
    /// site's settings and people.yml. Each rebuild must equal a cold build.
    @Test func changesOutsideTheRecordReachItsPages() throws {
        let site = try site()
        try site.write(
            "\(old)/20261120T090000Z-investigating-eeee.md", "---\nstatus: investigating\nat: 2026-11-20T09:00:00Z\n---\nCarol is checking the logs.\n")
        #expect(try site.herald("build", "--now", now).status == 0)
        #expect(try site.read("public/incidents/2026-11-20-old/index.html").contains("Carol is checking"))
        let steps: [(String, String)] = [
            (
                "content/postmortems/2026-11-20-old.md",
                "---\nstatus: published\npublished: 2026-11-21T10:00:00Z\nsummary: A short outage.\n---\n\n## What happened\n\nIt broke.\n"
            ),
            // The postmortem's own text, then the incident it tells of: its page and the list follow.
            (
                "content/postmortems/2026-11-20-old.md",
                "---\nstatus: published\npublished: 2026-11-21T10:00:00Z\nsummary: A longer outage.\n---\n\n## What happened\n\nIt broke after a deploy.\n"
            ),
            ("\(old)/20261120T093000Z-identified-ffff.md", "---\nstatus: identified\nat: 2026-11-20T09:30:00Z\n---\nA bad deploy; rolling back.\n"),
            ("content/site.yml", TemporarySite.minimalSiteYML.replacingOccurrences(of: "name: Website", with: "name: Public website")),
            (
                "content/people.yml",
                "- name: Jane Doe\n  aliases: [\"@jane\", jane@corp.test, Jane]\n- name: Bob Smith\n  aliases: [Bob]\n- name: Carol Kim\n  aliases: [Carol]\n"
            )
        ]
        for (index, (path, text)) in steps.enumerated() {
            try site.write(path, text)
            let result = try site.herald("build", "--now", now)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(try site.herald("build", "--now", now, "--out", "cold-\(index)").status == 0)
            try expectSameSite(site, "public", "cold-\(index)")
        }
        #expect(try site.read("public/incidents/2026-11-20-old/index.html").contains("Read the postmortem"))
        #expect(try site.read("public/incidents/2026-11-20-old/index.html").contains("Public website"))
        #expect(try !site.read("public/incidents/2026-11-20-old/index.html").contains("Carol"))
        let postmortem = try site.read("public/postmortems/2026-11-20-old/index.html")
        #expect(postmortem.contains("It broke after a deploy.") && postmortem.contains("A bad deploy; rolling back."))
        #expect(try site.read("public/postmortems/index.html").contains("A longer outage."))
    }

    /// The list of record folders is kept from the last build while the folder's times are the
    /// same: a record added, removed or renamed since must still be seen (each rebuild equals a
    /// cold build), and a stray file, which makes a listing that is never kept, is reported on
    /// every build until it goes.
    @Test func recordsAddedRemovedOrRenamedAfterABuildAreSeen() throws {
        let site = try site()
        let root = site.root.path + "/"
        let fm = FileManager.default
        #expect(try site.herald("build", "--now", now).status == 0)
        #expect(try site.herald("build", "--now", now).status == 0)  // now with the kept listing
        var step = 0
        func rebuildEqualsCold(_ expectation: (String) -> Bool, sourceLocation: SourceLocation = #_sourceLocation) throws {
            step += 1
            let result = try site.herald("build", "--now", now)
            #expect(result.status == 0, "\(result.stderr)", sourceLocation: sourceLocation)
            #expect(try site.herald("build", "--now", now, "--out", "cold-\(step)").status == 0, sourceLocation: sourceLocation)
            try expectSameSite(site, "public", "cold-\(step)", sourceLocation: sourceLocation)
            #expect(expectation(try site.read("public/history/index.html")), sourceLocation: sourceLocation)
        }
        let new = "content/incidents/2026-11-21-new"
        try site.write("\(new)/incident.md", "---\ntitle: Brand new\nseverity: minor\ncomponents: [web]\n---\n")
        try site.write("\(new)/20261121T100000Z-resolved-bbbb.md", "---\nstatus: resolved\nat: 2026-11-21T10:00:00Z\n---\nDone.\n")
        try rebuildEqualsCold { $0.contains("Brand new") }
        try fm.moveItem(atPath: root + new, toPath: root + "content/incidents/2026-11-21-renamed")
        try rebuildEqualsCold { $0.contains("2026-11-21-renamed") && !$0.contains("2026-11-21-new") }
        #expect(!site.exists("public/incidents/2026-11-21-new/index.html"))
        try fm.removeItem(atPath: root + "content/incidents/2026-11-21-renamed")
        try rebuildEqualsCold { !$0.contains("Brand new") }
        try site.write("content/incidents/notes.txt", "not a record\n")
        for _ in 0..<2 {
            let result = try site.herald("build", "--now", now)
            #expect(result.status == 1)
            #expect(result.stderr.contains("content/incidents/notes.txt: error: unexpected file"), "\(result.stderr)")
        }
        try fm.removeItem(atPath: root + "content/incidents/notes.txt")
        try rebuildEqualsCold { $0.contains("Old one") }
    }
}
