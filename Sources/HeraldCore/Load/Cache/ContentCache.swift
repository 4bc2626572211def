import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Parsed records of the last build, so a rebuild parses only the records whose files changed.
///
/// Kept in `<site>/.herald-cache/cache` (never published, never committed; see "Files" below). A record is reused only when
/// its *stamp* is the same: the inode and times of its folder, and the name, size, times and inode
/// of every file in it (for postmortems, of their one file; see "Stamps" below). The whole cache
/// is ignored when site.yml, the Herald binary or the format changed, and records whose loading
/// reported anything are never cached, so their diagnostics come back on every build. A cache that cannot be read is ignored,
/// and so is a record in it that does not decode.
///
/// Each record is a length-prefixed block. Reading the file only indexes the blocks; a record is
/// decoded when its stamp matches (on the loader's threads, in parallel), and the next cache copies
/// the blocks of unchanged records as they are, so a rebuild encodes only what it parsed.
struct ContentCache: Sendable {
    /// The site's folder for the cache: `cache`, the cache a build reads; `cache.previous`, the one
    /// before it; `cache.tmp-<pid>`, a cache being written.
    static let folderName = ".herald-cache"
    static let fileName = "cache"

    /// The cache file of the site whose folder is `root`.
    static func url(inSite root: URL) -> URL { root.appendingPathComponent(folderName).appendingPathComponent(fileName) }
    static let magic = "herald-content-cache 8\n"

    struct Slot: Sendable {
        /// The record's id (a postmortem's path), as bytes of the cache.
        var name: Range<Int>
        var stamp: UInt64
        /// The entries of the record's folder when it was stamped, each name ending in a NUL, in
        /// stamp order (empty for a postmortem, which is one file).
        var names: Range<Int>
        var checksum: UInt64
        var range: Range<Int>
        /// The whole entry (id, stamp, names, checksum, block), which the next cache copies as it is
        /// while the record is unchanged.
        var entry: Range<Int>
    }

    /// One kind of record: its cached records in the order they were loaded, and the listing of
    /// its folder when that can be reused.
    struct Section: Sendable {
        var slots: [Slot] = []
        var listing: Listing?
    }

    /// A folder of records as the last build listed it (see "Listings" below): per entry its name
    /// and the index of its slot, or -1 for a record that is not cached.
    struct Listing: Sendable {
        var stamp: UInt64
        var entries: [(name: Range<Int>, slot: Int)]
    }

    let key: UInt64
    let store: ByteStore
    var incidents = Section()
    var maintenances = Section()
    var postmortems = Section()

    init(key: UInt64, store: ByteStore) {
        self.key = key
        self.store = store
    }

    var count: (incidents: Int, maintenances: Int, postmortems: Int) { (incidents.slots.count, maintenances.slots.count, postmortems.slots.count) }

    // MARK: - Listings
    //
    // Listing a folder of 10,000 records (reading its entries, checking each id, sorting them) took
    // 12 ms of a rebuild on one core. The next cache keeps the listing with a stamp of the folder
    // (its inode, modification and change times, taken before listing it): adding, removing or
    // renaming a record changes them, so while the stamp is the same the listing is too. As with
    // record stamps, a folder changed at or after the build's reference time is listed and its
    // listing not kept; a listing that reported a problem (a stray file, a bad id) is never kept,
    // so the problem is reported on every build. Not seen without a listing: a record folder that is a symbolic link
    // whose target turns into a file (its record then fails to read, with its own error).

    /// The stamp of the folder at `path` (following links), or nil when it cannot be stat-ed or
    /// changed at or after `reference`.
    static func listingStamp(_ path: String, reference: Reference) -> UInt64? {
        var info = stat()
        var hasher = StableHasher()
        guard stat(path, &info) == 0 else {
            // A folder that is not there (a site without maintenance or postmortems) lists nothing
            // until it is made.
            guard errno == ENOENT else { return nil }
            hasher.combine("no listing")
            return hasher.value
        }
        guard nanoseconds(info.st_ctim) < reference.nanoseconds else { return nil }
        hasher.combine("listing")
        combineFolder(&hasher, info)
        return hasher.value
    }

    /// The names the last build listed in a folder and their slots, when its stamp is `stamp`.
    func listed(_ section: Section, stamp: UInt64?) -> (names: [String], slots: [Slot?])? {
        guard let stamp, let listing = section.listing, listing.stamp == stamp else { return nil }
        var names: [String] = []
        var slots: [Slot?] = []
        names.reserveCapacity(listing.entries.count)
        slots.reserveCapacity(listing.entries.count)
        for (name, slot) in listing.entries {
            names.append(string(name))
            slots.append(slot >= 0 && slot < section.slots.count ? section.slots[slot] : nil)
        }
        return (names, slots)
    }

    /// The slot of each of `names`, looked up by name.
    func slots(_ section: Section, for names: [String]) -> [Slot?] {
        var index: [String: Slot] = [:]
        index.reserveCapacity(section.slots.count)
        for slot in section.slots { index[string(slot.name)] = slot }
        return names.map { index[$0] }
    }

    func string(_ range: Range<Int>) -> String { String(decoding: store[range], as: UTF8.self) }

    /// What every cached record depends on besides its own files: site.yml's bytes (records are
    /// checked against its components and roles) and the Herald binary that parsed them.
    static func key(settingsBytes: [UInt8]) -> UInt64 {
        var hasher = StableHasher()
        hasher.combine(magic)
        hasher.combine(settingsBytes)
        var info = stat()
        if stat(executablePath(), &info) == 0 {
            hasher.combine(UInt64(bitPattern: Int64(info.st_size)))
            hasher.combine(UInt64(bitPattern: Int64(info.st_mtim.tv_sec) &* 1_000_000_000 &+ Int64(info.st_mtim.tv_nsec)))
        }
        return hasher.value
    }

    /// The running binary's path, read from /proc/self/exe. Stat-ing the link itself would give
    /// the same answer, except under valgrind (bench/callgrind.sh), which answers readlink with the
    /// program's path but lets stat reach valgrind's own binary: every build under valgrind would
    /// then find the cache of a native build stale. A binary replaced while it runs keeps the link.
    static func executablePath() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, Int(PATH_MAX))
        guard length > 0 else { return "/proc/self/exe" }
        let path = String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return path.hasSuffix(" (deleted)") ? "/proc/self/exe" : path
    }
}
