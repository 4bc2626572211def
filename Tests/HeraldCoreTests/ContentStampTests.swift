import Foundation
import Testing

@testable import HeraldCore

/// A record folder's stamp: taken by `RecordFolder.read` as it lists and reads the folder to parse
/// it, then by stat'ing the folder and the entries it held (`names`) on later builds. The two must
/// agree while nothing changes and differ after any change, and a stamp of anything changed after
/// the build began is not trusted.
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
        try #require(stamp(settled()))
    }

    func stamp(_ reference: ContentCache.Reference) -> ContentCache.FolderStamp? {
        RecordFolder.read(record, in: folder.descriptor, reference: reference).stamp
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
        #expect(stamp(reference) != nil)
        // Changed after it (or within the same tick of the file system's clock): a second change
        // in that tick could leave every time as it is, so the record is parsed and not cached.
        try write("incident.md", "---\ntitle: Search down\n---\n")
        #expect(stamp(reference) == nil)
        #expect(ContentCache.fileStamp("\(path)/incident.md", reference: reference) == nil)
        Thread.sleep(forTimeInterval: 0.03)
        let later = ContentCache.Reference.take(beside: cache)
        defer { later.temporary.map { _ = unlink($0) } }
        #expect(stamp(later) != nil)
        #expect(ContentCache.fileStamp("\(path)/incident.md", reference: later) != nil)
    }

    @Test func theReadHoldsEveryMarkdownFileSortedAndStampsEveryEntry() throws {
        try write("20261122T141000Z-note-cd34.md", "---\nkind: note\n---\nPaged.\n")
        try write(".draft.md", "hidden")
        try write("notes.txt", "not Markdown")
        // A link to a file outside: read and stamped through the link.
        let outside = root.appendingPathComponent("outside.md")
        try Data("---\nstatus: identified\n---\nLinked.\n".utf8).write(to: outside)
        #expect(symlink(outside.path, "\(path)/20261122T141500Z-identified-ef56.md") == 0)
        // Not a regular file: listed, but without bytes.
        try FileManager.default.createDirectory(atPath: "\(path)/folder.md", withIntermediateDirectories: false)
        let read = RecordFolder.read(record, in: folder.descriptor, reference: settled())
        #expect(read.listed)
        #expect(
            read.markdown.map(\.name) == [
                "20261122T140500Z-investigating-ab12.md", "20261122T141000Z-note-cd34.md", "20261122T141500Z-identified-ef56.md",
                "folder.md", "incident.md"
            ])
        #expect(read.file("incident.md")?.bytes == Array("---\ntitle: Search\n---\n".utf8))
        #expect(read.file("20261122T141500Z-identified-ef56.md")?.bytes == Array("---\nstatus: identified\n---\nLinked.\n".utf8))
        #expect(read.file("folder.md").map { $0.bytes == nil } == true)
        let stamp = try #require(read.stamp)
        #expect(
            String(decoding: stamp.names, as: UTF8.self).split(separator: "\0") == [
                ".draft.md", "20261122T140500Z-investigating-ab12.md", "20261122T141000Z-note-cd34.md",
                "20261122T141500Z-identified-ef56.md", "folder.md", "incident.md", "notes.txt"
            ])
        #expect(quick(stamp.names) == stamp.value)
        // Editing the file a link points to changes the stamp, as editing any entry does.
        Thread.sleep(forTimeInterval: 0.03)
        try Data("---\nstatus: identified\n---\nRelinked.\n".utf8).write(to: outside)
        #expect(quick(stamp.names) != stamp.value)
        let relinked = try listed()
        #expect(quick(relinked.names) == relinked.value)
        try write("notes.txt", "edited")
        #expect(quick(relinked.names) != relinked.value)
        // Without a reference (the CLI's one-record reads), nothing is stamped.
        #expect(RecordFolder.read(record, in: folder.descriptor, reference: nil).stamp == nil)
        #expect(!RecordFolder.read("2026-11-22-missing", in: folder.descriptor, reference: settled()).listed)
    }

    @Test func aRecordFolderThatIsALinkChangesItsStampWhenAFileIsAdded() throws {
        let elsewhere = root.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: false)
        try Data("---\ntitle: Linked\n---\n".utf8).write(to: elsewhere.appendingPathComponent("incident.md"))
        #expect(symlink(elsewhere.path, root.appendingPathComponent("2026-11-22-linked").path) == 0)
        let read = RecordFolder.read("2026-11-22-linked", in: folder.descriptor, reference: settled())
        #expect(read.markdown.map(\.name) == ["incident.md"])
        let stamp = try #require(read.stamp)
        let quick = { stamp.names.withUnsafeBufferPointer { ContentCache.folderStamp("2026-11-22-linked", in: self.folder.descriptor, names: $0) } }
        #expect(quick() == stamp.value)
        try Data("---\nstatus: investigating\n---\nLooking.\n".utf8).write(to: elsewhere.appendingPathComponent("20261122T140500Z-investigating-ab12.md"))
        #expect(quick() != stamp.value)
    }

    @Test func aFolderChangedAfterTheBuildBeganIsStillReadButNotStamped() throws {
        let cache = root.appendingPathComponent(".herald-cache")
        Thread.sleep(forTimeInterval: 0.03)
        let reference = ContentCache.Reference.take(beside: cache)
        defer { reference.temporary.map { _ = unlink($0) } }
        try write("20261122T141000Z-identified-cd34.md", "---\nstatus: identified\n---\nFound it.\n")
        let read = RecordFolder.read(record, in: folder.descriptor, reference: reference)
        #expect(read.stamp == nil)
        #expect(read.markdown.count == 3)
        #expect(read.file("20261122T141000Z-identified-cd34.md")?.bytes == Array("---\nstatus: identified\n---\nFound it.\n".utf8))
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
