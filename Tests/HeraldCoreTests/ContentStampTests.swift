import Foundation
import Testing

@testable import HeraldCore

/// A record folder's stamp: taken by listing the folder when it is parsed, then by stat'ing the
/// folder and the entries it held (`names`) on later builds. The two must agree while nothing
/// changes and differ after any change, and a stamp of anything changed after the build began is
/// not trusted.
@Suite("content stamps")
final class ContentStampTests {
    let root: URL
    let folder: OpenFolder
    let record = "2026-11-22-search-down"

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("herald-stamp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent(record), withIntermediateDirectories: true)
        folder = OpenFolder(root.path)
        try write("incident.md", "---\ntitle: Search\n---\n")
        try write("20261122T140500Z-investigating-ab12.md", "---\nstatus: investigating\n---\nLooking.\n")
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: root.appendingPathComponent(record).appendingPathComponent(name))
    }

    var path: String { root.appendingPathComponent(record).path }

    /// A reference after everything written so far (the file system's clock has moved on).
    func settled() -> ContentCache.Reference {
        Thread.sleep(forTimeInterval: 0.03)
        return ContentCache.Reference(nanoseconds: .max)
    }

    func listed() throws -> ContentCache.FolderStamp {
        try #require(ContentCache.folderStamp(record, in: folder.descriptor, reference: settled()))
    }

    func quick(_ names: [UInt8]) -> UInt64? {
        names.withUnsafeBufferPointer { ContentCache.folderStamp(record, in: folder.descriptor, names: $0) }
    }

    @Test func listingAndQuickStampAgreeWhileNothingChanges() throws {
        let stamp = try listed()
        #expect(String(decoding: stamp.names, as: UTF8.self) == "20261122T140500Z-investigating-ab12.md\0incident.md\0")
        #expect(quick(stamp.names) == stamp.value)
        #expect(quick(stamp.names) == stamp.value)
        #expect(try listed().value == stamp.value)
    }

    @Test func anAddedFileChangesTheQuickStamp() throws {
        let stamp = try listed()
        try write("20261122T141000Z-identified-cd34.md", "---\nstatus: identified\n---\nFound it.\n")
        #expect(quick(stamp.names) != stamp.value)
        #expect(try listed().value != stamp.value)
    }

    @Test func aRemovedOrRenamedFileChangesTheQuickStamp() throws {
        let stamp = try listed()
        let event = "\(path)/20261122T140500Z-investigating-ab12.md"
        #expect(rename(event, "\(path)/20261122T140500Z-investigating-zz99.md") == 0)
        #expect(quick(stamp.names) != stamp.value)
        let renamed = try listed()
        #expect(unlink("\(path)/20261122T140500Z-investigating-zz99.md") == 0)
        #expect(quick(renamed.names) != renamed.value)
    }

    @Test func anEditInPlaceThatRestoresTheTimesChangesTheQuickStamp() throws {
        let stamp = try listed()
        let event = "\(path)/20261122T140500Z-investigating-ab12.md"
        var before = stat()
        #expect(lstat(event, &before) == 0)
        Thread.sleep(forTimeInterval: 0.03)
        let handle = try #require(FileHandle(forWritingAtPath: event))
        try handle.write(contentsOf: Data("---\nstatus: investigating\n---\nLookinG.\n".utf8))
        try handle.close()
        var times = [before.st_atim, before.st_mtim]
        #expect(utimensat(AT_FDCWD, event, &times, 0) == 0)
        #expect(quick(stamp.names) != stamp.value)
    }

    @Test func whatChangedAfterTheBuildBeganIsNotTrusted() throws {
        // The reference is the change time of a file made beside the cache as the build starts.
        let cache = root.appendingPathComponent(".herald-cache")
        Thread.sleep(forTimeInterval: 0.03)
        let reference = ContentCache.Reference.take(beside: cache)
        defer { reference.temporary.map { _ = unlink($0) } }
        #expect(reference.temporary == cache.path + ".tmp-\(getpid())")
        #expect(ContentCache.folderStamp(record, in: folder.descriptor, reference: reference) != nil)
        // Changed after it (or within the same tick of the file system's clock): a second change
        // in that tick could leave every time as it is, so the record is parsed and not cached.
        try write("incident.md", "---\ntitle: Search down\n---\n")
        #expect(ContentCache.folderStamp(record, in: folder.descriptor, reference: reference) == nil)
        #expect(ContentCache.fileStamp("\(path)/incident.md", reference: reference) == nil)
        Thread.sleep(forTimeInterval: 0.03)
        let later = ContentCache.Reference.take(beside: cache)
        defer { later.temporary.map { _ = unlink($0) } }
        #expect(ContentCache.folderStamp(record, in: folder.descriptor, reference: later) != nil)
        #expect(ContentCache.fileStamp("\(path)/incident.md", reference: later) != nil)
    }

    @Test func theCacheKeyStatsTheBinaryByItsPath() throws {
        // The key names the binary by the path /proc/self/exe links to (valgrind answers readlink
        // with the program's path, but stat on the link would reach valgrind's own binary).
        let path = ContentCache.executablePath()
        #expect(path.hasPrefix("/") && path != "/proc/self/exe")
        var byPath = stat()
        var byLink = stat()
        #expect(stat(path, &byPath) == 0 && stat("/proc/self/exe", &byLink) == 0)
        #expect(byPath.st_ino == byLink.st_ino && byPath.st_dev == byLink.st_dev)
    }
}
