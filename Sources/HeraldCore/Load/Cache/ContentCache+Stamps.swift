import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension ContentCache {
    // MARK: - Stamps
    //
    // A record folder is stamped by listing it once, when it is parsed (`RecordFolder.read`, from
    // the same listing and `fstat`s that read its files); later builds stat the
    // folder and the entries it held then, without listing it again (a third fewer system calls:
    // no open, readdir or close per folder). An entry added, removed or renamed changes the
    // folder's times; an entry edited changes its own.
    //
    // A stamp is only trusted when everything it covers last changed before the build began, by
    // the file system's own clock (`Reference`): a file changed twice within one tick of that clock
    // could keep its times, and a stamp taken between the two changes would then hide the second
    // for good (git's "racily clean" files). A record that changed that recently is parsed, and is
    // neither cached nor given a render key until a later build finds it settled.
    //
    // Stamps follow symbolic links: what a link points to is what is parsed, so a record folder
    // that is a link changes its stamp when a file is added to the folder it points to, and an
    // event file that is a link when the file it points to is edited.

    /// The file system's clock when a build starts: the change time of a file made for the purpose
    /// beside the cache (the next cache's temporary file, which the build then writes or deletes),
    /// so it has the granularity of that file system. Where no file can be made, the system clock
    /// two seconds ago.
    struct Reference: Sendable {
        var nanoseconds: Int64
        /// The file made, to be written as the next cache or deleted.
        var temporary: String?

        static func take(beside cache: URL) -> Reference {
            ContentCache.makeFolder(of: cache)
            let temporary = cache.path + ".tmp-\(getpid())"
            let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            var info = stat()
            if descriptor >= 0 {
                defer { close(descriptor) }
                if fstat(descriptor, &info) == 0 { return Reference(nanoseconds: ContentCache.nanoseconds(info.st_ctim), temporary: temporary) }
                unlink(temporary)
            }
            var now = timespec()
            clock_gettime(CLOCK_REALTIME, &now)
            return Reference(nanoseconds: ContentCache.nanoseconds(now) - 2_000_000_000, temporary: nil)
        }
    }

    /// A record folder's stamp, and the names of the entries it covers (NUL-terminated, in order).
    struct FolderStamp: Sendable {
        var value: UInt64
        var names: [UInt8]
    }

    /// Stamps the record folder `name` from the entries it held when last stamped (`names`, from
    /// the cache), without listing it: equal to the listing's stamp when nothing changed.
    static func folderStamp(_ name: String, in parent: Int32, names: UnsafeBufferPointer<UInt8>) -> UInt64? {
        var folder = stat()
        guard fstatat(parent, name, &folder, 0) == 0 else { return nil }
        var hasher = StableHasher()
        combineFolder(&hasher, folder)
        // "<folder>/<entry>" with its NUL, looked up from `parent`.
        var path = Array(name.utf8)
        path.append(UInt8(ascii: "/"))
        let prefix = path.count
        var start = names.startIndex
        for end in names.indices where names[end] == 0 {
            let entry = UnsafeBufferPointer(rebasing: names[start..<end])
            path.removeSubrange(prefix...)
            path.append(contentsOf: entry)
            path.append(0)
            var info = stat()
            let found = path.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { fstatat(parent, $0.baseAddress!, &info, 0) == 0 }
            }
            guard found else { return nil }
            combine(&hasher, entry, info)
            start = end + 1
        }
        return hasher.value
    }

    /// The stamp of one file (a postmortem): nil when it cannot be read or changed at or after `reference`.
    static func fileStamp(_ path: String, reference: Reference) -> UInt64? {
        var info = stat()
        guard stat(path, &info) == 0, nanoseconds(info.st_ctim) < reference.nanoseconds else { return nil }
        var hasher = StableHasher()
        combine(&hasher, UnsafeBufferPointer(start: nil, count: 0), info)
        return hasher.value
    }

    static func nanoseconds(_ t: timespec) -> Int64 { Int64(t.tv_sec) &* 1_000_000_000 &+ Int64(t.tv_nsec) }

    static func combineFolder(_ hasher: inout StableHasher, _ info: stat) {
        hasher.combine(UInt64(info.st_ino))
        hasher.combine(UInt64(bitPattern: nanoseconds(info.st_mtim)))
        hasher.combine(UInt64(bitPattern: nanoseconds(info.st_ctim)))
    }

    static func combine(_ hasher: inout StableHasher, _ name: UnsafeBufferPointer<UInt8>, _ info: stat) {
        hasher.combine(name)
        hasher.combine(UInt64(info.st_mode))
        hasher.combine(UInt64(bitPattern: Int64(info.st_size)))
        hasher.combine(UInt64(info.st_ino))
        hasher.combine(UInt64(bitPattern: nanoseconds(info.st_mtim)))
        // The change time too: the kernel sets it on every write and no tool can set it back, so an
        // edit that keeps the size and restores the modification time (`touch -r`, `rsync -t` of
        // an older copy onto the same file) is still seen.
        hasher.combine(UInt64(bitPattern: nanoseconds(info.st_ctim)))
    }
}
