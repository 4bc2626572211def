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
    static let magic = "herald-content-cache 7\n"

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
    private let store: ByteStore
    private(set) var incidents = Section()
    private(set) var maintenances = Section()
    private(set) var postmortems = Section()

    private init(key: UInt64, store: ByteStore) {
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

    private func string(_ range: Range<Int>) -> String { String(decoding: store[range], as: UTF8.self) }

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

    // MARK: - Looking records up

    /// A record's encoded block and its checksum (a block that does not match is not used).
    struct Block: Sendable {
        let store: ByteStore
        let range: Range<Int>
        let checksum: UInt64

        /// A block just encoded.
        init(_ bytes: [UInt8]) {
            store = ByteStore(bytes)
            range = 0..<bytes.count
            checksum = StableHasher.checksum(store[range])
        }

        /// A block of the cache read, with its checksum worked out anew.
        init(_ store: ByteStore, _ range: Range<Int>) {
            self.store = store
            self.range = range
            checksum = StableHasher.checksum(store[range])
        }

        var bytes: UnsafeBufferPointer<UInt8> { store[range] }
    }

    /// The entry names stored with `slot`, for `folderStamp(_:in:names:)`.
    func withNames<R>(_ slot: Slot, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R { body(store[slot.names]) }

    /// An unchanged record's entry for the next cache: the bytes of its entry in this one.
    func kept(_ slot: Slot) -> Entry { Entry(kept: store, range: slot.entry) }

    /// The record a slot holds (its stamp already matched), and its block.
    /// `id` is the slot's name, which the block repeats: it is compared, not decoded again.
    func incident(_ slot: Slot, id: String) -> (Incident, Block)? { decode(slot) { $0.incident(id: id) } }
    func maintenance(_ slot: Slot) -> (Maintenance, Block)? { decode(slot) { $0.maintenance() } }
    func postmortem(_ slot: Slot) -> (Postmortem, Block)? { decode(slot) { $0.postmortem() } }

    private func decode<T>(_ slot: Slot, _ read: (inout ByteReader) -> T?) -> (T, Block)? {
        let block = Block(store, slot.range)
        guard block.checksum == slot.checksum else { return nil }
        var reader = ByteReader(store, range: slot.range)
        guard let value = read(&reader), reader.atEnd else { return nil }
        return (value, block)
    }

    static func encode(_ incident: Incident) -> Block { block { $0.incident(incident) } }
    static func encode(_ maintenance: Maintenance) -> Block { block { $0.maintenance(maintenance) } }
    static func encode(_ postmortem: Postmortem) -> Block { block { $0.postmortem(postmortem) } }

    private static func block(_ write: (inout ByteWriter) -> Void) -> Block {
        var writer = ByteWriter()
        write(&writer)
        return Block(writer.bytes)
    }

    // MARK: - Reading and writing

    /// The cache at `url` when it was written with `key`, else an empty one.
    static func read(_ url: URL, key: UInt64) -> ContentCache {
        let empty = ContentCache(key: key, store: ByteStore([]))
        // Mapped rather than read: a rebuild touches only the blocks of its records, and the next
        // cache copies unchanged entries from the mapping (see `write`).
        guard let store = ByteStore(mapping: url.path) else { return empty }
        var cache = ContentCache(key: key, store: store)
        var reader = ByteReader(store, range: 0..<store.count)
        guard reader.string() == magic, reader.uint64() == key,
            let incidents = reader.slots(), let maintenances = reader.slots(), let postmortems = reader.slots(),
            let incidentListing = reader.listing(), let maintenanceListing = reader.listing(), let postmortemListing = reader.listing(),
            reader.atEnd
        else { return empty }
        cache.incidents = Section(slots: incidents, listing: incidentListing)
        cache.maintenances = Section(slots: maintenances, listing: maintenanceListing)
        cache.postmortems = Section(slots: postmortems, listing: postmortemListing)
        return cache
    }

    /// A record of the next cache: its id (a postmortem's path), stamp, folder entries and block,
    /// or the bytes of its unchanged entry in the cache read.
    struct Entry: Sendable {
        enum Content: Sendable {
            case fresh(name: String, stamp: UInt64, names: [UInt8], block: Block)
            case kept(ByteStore, Range<Int>)
        }
        var content: Content

        init(name: String, stamp: UInt64, names: [UInt8], block: Block) {
            content = .fresh(name: name, stamp: stamp, names: names, block: block)
        }

        init(kept store: ByteStore, range: Range<Int>) { content = .kept(store, range) }
    }

    /// The records of the next cache.
    struct Next {
        var incidents: [Entry] = []
        var maintenances: [Entry] = []
        var postmortems: [Entry] = []
        /// Each folder's listing to keep (stamp; names with the index of their entry, or -1).
        var listings: [(stamp: UInt64, entries: [(name: String, entry: Int)])?] = [nil, nil, nil]
    }

    /// Writes run here while the build goes on rendering; `finishWriting` waits for them.
    private static let writing = DispatchGroup()

    /// `write` on a background thread (the next cache of 10,000 incidents is 13 MB).
    static func writeInBackground(_ next: Next, key: UInt64, to url: URL, temporary: String?) {
        DispatchQueue.global(qos: .userInitiated).async(group: writing) { write(next, key: key, to: url, temporary: temporary) }
    }

    /// Waits for every cache write started; a build calls it before it returns, so that the next
    /// one (in `herald serve`, the same process, with the same temporary file name) finds it done.
    static func finishWriting() { writing.wait() }

    /// Writes a cache atomically (into `temporary`, then renamed); a failure only costs the next
    /// build its head start.
    static func write(_ next: Next, key: UInt64, to url: URL, temporary: String?) {
        // The file as pieces: runs of bytes encoded here, and the entries of unchanged records as
        // they lie in the cache read (consecutive ones as one piece), so that a rebuild neither
        // copies 13 MB into a new buffer nor touches pages it did not read.
        var pieces: [(ByteStore, Range<Int>)] = []
        var w = ByteWriter()
        func flush() {
            guard !w.bytes.isEmpty else { return }
            let store = ByteStore(w.bytes)
            pieces.append((store, 0..<store.count))
            w.bytes.removeAll(keepingCapacity: true)
        }
        w.string(magic)
        w.uint64(key)
        for section in [next.incidents, next.maintenances, next.postmortems] {
            w.uint64(UInt64(section.count))
            for entry in section {
                switch entry.content {
                case .fresh(let name, let stamp, let names, let block):
                    w.string(name)
                    w.uint64(stamp)
                    w.uint64(UInt64(names.count))
                    w.bytes.append(contentsOf: names)
                    w.uint64(block.checksum)
                    w.uint64(UInt64(block.range.count))
                    w.bytes.append(contentsOf: block.bytes)
                case .kept(let store, let range):
                    flush()
                    if let last = pieces.last, last.0 === store, last.1.upperBound == range.lowerBound {
                        pieces[pieces.count - 1].1 = last.1.lowerBound..<range.upperBound
                    } else {
                        pieces.append((store, range))
                    }
                }
            }
        }
        for listing in next.listings {
            // Checksummed like the blocks: a listing is trusted without looking at the folder.
            let start = w.bytes.count
            w.optional(listing) { w, listing in
                w.uint64(listing.stamp)
                w.array(listing.entries) { w, entry in w.string(entry.name); w.int(entry.entry) }
            }
            let sum = w.bytes[start...].withUnsafeBufferPointer { StableHasher.checksum($0) }
            w.uint64(sum)
        }
        flush()
        let temporary = temporary ?? url.path + ".tmp-\(getpid())"
        guard FileBytes.write(pieces.map { $0.0[$0.1] }, to: temporary) != nil else {
            unlink(temporary)
            return
        }
        // The cache this build read is mapped (`ByteStore`): renaming the new one over it would
        // leave it nameless, and the kernel would free its blocks and pages when the process
        // unmaps it, which a `herald build` does as it exits — 8 ms of a rebuild at 10,000
        // incidents, after its last word. So it keeps a name, `cache.previous`, and the one that
        // had that name (mapped by no build now) is freed here, on this background thread.
        let previous = url.path + ".previous"
        unlink(previous)
        link(url.path, previous)
        if rename(temporary, url.path) != 0 { unlink(temporary) }
    }

    /// Makes the folder that holds `cache`, replacing a file of that name (older Herald versions
    /// kept the cache itself in `.herald-cache`).
    static func makeFolder(of cache: URL) {
        let folder = cache.deletingLastPathComponent().path
        var info = stat()
        if lstat(folder, &info) == 0 {
            guard (info.st_mode & S_IFMT) != S_IFDIR else { return }
            unlink(folder)
        }
        mkdir(folder, 0o755)
    }
}

/// Bytes that stay where they are while the store lives: a file mapped into memory read-only
/// (the parse cache: the file is only ever replaced by a rename, never changed in place, so the
/// mapping cannot shrink under a build), or a copy of an array.
final class ByteStore: @unchecked Sendable {
    private let base: UnsafeRawPointer?
    let count: Int
    private let mapped: Bool

    init(_ bytes: [UInt8]) {
        count = bytes.count
        mapped = false
        if bytes.isEmpty {
            base = nil
        } else {
            let copy = UnsafeMutableRawPointer.allocate(byteCount: bytes.count, alignment: 8)
            bytes.withUnsafeBytes { copy.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
            base = UnsafeRawPointer(copy)
        }
    }

    /// The regular file at `path`, mapped; nil when it cannot be (or is empty).
    init?(mapping path: String) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_size > 0 else { return nil }
        guard let address = mmap(nil, Int(info.st_size), PROT_READ, MAP_PRIVATE, fd, 0), address != MAP_FAILED else { return nil }
        base = UnsafeRawPointer(address)
        count = Int(info.st_size)
        mapped = true
    }

    deinit {
        guard let base else { return }
        if mapped { munmap(UnsafeMutableRawPointer(mutating: base), count) } else { base.deallocate() }
    }

    subscript(range: Range<Int>) -> UnsafeBufferPointer<UInt8> {
        precondition(range.lowerBound >= 0 && range.upperBound <= count)
        guard let base else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self) + range.lowerBound, count: range.count)
    }

    func loadUInt64(at offset: Int) -> UInt64 { UInt64(littleEndian: base!.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
    func byte(at offset: Int) -> UInt8 { base!.load(fromByteOffset: offset, as: UInt8.self) }
}

// MARK: - A small binary format

struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func uint64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func int(_ v: Int) { uint64(UInt64(bitPattern: Int64(v))) }
    mutating func bool(_ v: Bool) { bytes.append(v ? 1 : 0) }
    mutating func string(_ s: String) {
        var s = s
        s.withUTF8 { buffer in
            uint64(UInt64(buffer.count))
            bytes.append(contentsOf: buffer)
        }
    }
    mutating func optional<T>(_ v: T?, _ write: (inout ByteWriter, T) -> Void) {
        if let v {
            bool(true)
            write(&self, v)
        } else {
            bool(false)
        }
    }
    mutating func array<T>(_ items: [T], _ write: (inout ByteWriter, T) -> Void) {
        uint64(UInt64(items.count))
        for item in items { write(&self, item) }
    }
    mutating func time(_ t: Timestamp) { uint64(UInt64(bitPattern: t.milliseconds)) }

    mutating func event(_ e: Event) {
        string(e.fileName); time(e.at); int(e.seq); optional(e.by) { $0.string($1) }
        switch e.kind {
        case .update(let status, let components):
            bytes.append(0); string(status)
            array(components) { w, c in w.string(c.id); w.string(c.status.rawValue) }
        case .note(let milestone):
            bytes.append(1); optional(milestone) { $0.string($1.rawValue) }
        case .role(let role, let person):
            bytes.append(2); string(role); string(person)
        }
        string(e.body); int(e.bodyLine)
        optional(e.severity) { $0.string($1.rawValue) }; bool(e.cancelled); optional(e.editedAt) { $0.time($1) }; optional(e.bodyFileName) { $0.string($1) }
    }

    mutating func correction(_ c: Correction) {
        string(c.action.rawValue); string(c.fileName); time(c.at); int(c.seq); optional(c.by) { $0.string($1) }
        string(c.target); optional(c.components) { w, changes in w.array(changes) { w, c in w.string(c.id); w.string(c.status.rawValue) } }
        string(c.body); int(c.bodyLine)
    }

    /// An incident: what every build needs (its id, severity, components, times and the facts its
    /// events establish), then the rest (title, roles, summary, events) after its length, so that
    /// reading can leave it for later (`ByteReader.incident`).
    mutating func incident(_ i: Incident) {
        string(i.id); string(i.severity.rawValue); array(i.components) { $0.string($1) }
        optional(i.impactStarted) { $0.time($1) }; bool(i.upstream)
        optional(i.facts ?? SiteAssembler.facts(of: i)) { $0.facts($1) }
        var details = ByteWriter()
        details.string(i.title)
        details.array(i.roles) { w, r in w.string(r.role); w.string(r.person) }
        details.string(i.summary); details.array(i.events) { $0.event($1) }; details.array(i.corrections) { $0.correction($1) }
        uint64(UInt64(details.bytes.count))
        bytes.append(contentsOf: details.bytes)
    }

    mutating func facts(_ f: IncidentFacts) {
        string(f.status.rawValue); bool(f.reopened); time(f.startedAt); time(f.createdAt); time(f.updatedAt)
        optional(f.monitoringAt) { $0.time($1) }; optional(f.resolvedAt) { $0.time($1) }
        array(f.openComponentStatus.sorted { $0.key < $1.key }) { w, pair in w.string(pair.key); w.string(pair.value.rawValue) }
        array(f.affectedComponents) { $0.string($1) }; string(f.severity.rawValue)
    }

    mutating func maintenance(_ m: Maintenance) {
        string(m.id); string(m.title); array(m.components) { $0.string($1) }
        time(m.scheduledStart); time(m.scheduledEnd); string(m.summary); array(m.events) { $0.event($1) }; array(m.corrections) { $0.correction($1) }
    }

    mutating func postmortem(_ p: Postmortem) {
        string(p.incidentID); string(p.path); string(p.status.rawValue); optional(p.published) { $0.time($1) }
        string(p.summary); array(p.authors) { $0.string($1) }
        array(p.timeline) { w, t in
            w.time(t.at); w.string(t.text); w.optional(t.milestone) { $0.string($1.rawValue) }; w.int(t.line)
        }
        array(p.actionItems) { w, a in
            w.string(a.title); w.string(a.type.rawValue); w.optional(a.owner) { $0.string($1) }
            w.string(a.status.rawValue); w.optional(a.link) { $0.string($1) }
        }
        string(p.body); int(p.bodyLine)
    }
}

/// Reads what `ByteWriter` wrote; every method returns nil past the end or on a bad value.
struct ByteReader {
    let store: ByteStore
    var offset: Int
    /// Where reading stops: the end of the store or of the range given.
    let end: Int

    init(_ bytes: [UInt8]) {
        let store = ByteStore(bytes)
        self.init(store, range: 0..<store.count)
    }
    init(_ store: ByteStore, range: Range<Int>) {
        self.store = store
        offset = range.lowerBound
        end = range.upperBound
    }

    var atEnd: Bool { offset == end }

    /// A cache section's index: per record its name, stamp and where its block lies (not decoded).
    mutating func slots() -> [ContentCache.Slot]? {
        guard let count = uint64(), count <= UInt64(end - offset) else { return nil }
        var slots: [ContentCache.Slot] = []
        slots.reserveCapacity(Int(count))
        for _ in 0..<count {
            let start = offset
            guard let name = span(), let stamp = uint64(), let names = span(), let checksum = uint64(), let range = span() else { return nil }
            slots.append(ContentCache.Slot(name: name, stamp: stamp, names: names, checksum: checksum, range: range, entry: start..<offset))
        }
        return slots
    }

    /// A folder's listing: `.some(nil)` when none was kept; nil when it is damaged (its checksum
    /// does not match).
    mutating func listing() -> ContentCache.Listing?? {
        let start = offset
        let listing = listingContent()
        let checked = offset
        guard listing != nil, let sum = uint64(), sum == StableHasher.checksum(store[start..<checked]) else { return nil }
        return listing
    }

    private mutating func listingContent() -> ContentCache.Listing?? {
        optional { r -> ContentCache.Listing? in
            guard let stamp = r.uint64(),
                let entries = r.array({ r -> (name: Range<Int>, slot: Int)? in
                    guard let name = r.span(), let slot = r.int() else { return nil }
                    return (name, slot)
                })
            else { return nil }
            return ContentCache.Listing(stamp: stamp, entries: entries)
        }
    }

    /// A length-prefixed run of bytes, skipped: where it lies.
    mutating func span() -> Range<Int>? {
        guard let count = uint64(), count <= UInt64(end - offset) else { return nil }
        defer { offset += Int(count) }
        return offset..<(offset + Int(count))
    }

    mutating func uint64() -> UInt64? {
        guard offset + 8 <= end else { return nil }
        defer { offset += 8 }
        return store.loadUInt64(at: offset)
    }
    mutating func int() -> Int? { uint64().map { Int(Int64(bitPattern: $0)) } }
    mutating func byte() -> UInt8? {
        guard offset < end else { return nil }
        defer { offset += 1 }
        return store.byte(at: offset)
    }
    mutating func bool() -> Bool? { byte().flatMap { $0 == 0 ? false : $0 == 1 ? true : nil } }
    mutating func string() -> String? {
        guard let count = uint64(), count <= UInt64(end - offset) else { return nil }
        let stop = offset + Int(count)
        // `decoding` rather than `validating`: a block is only read after its checksum matched, so
        // its strings are the valid UTF-8 that ByteWriter wrote, and `decoding` takes the standard
        // library's fast path for UTF-8 (`validating` went through its generic one: 7 % of the
        // instructions of a rebuild after one update at 10,000 incidents).
        let s = String(decoding: store[offset..<stop], as: UTF8.self)
        offset = stop
        return s
    }
    /// `.some(nil)` for an absent value, nil for a broken one.
    mutating func optional<T>(_ read: (inout ByteReader) -> T?) -> T?? {
        guard let present = bool() else { return nil }
        if !present { return .some(nil) }
        guard let value = read(&self) else { return nil }
        return .some(value)
    }
    mutating func array<T>(_ read: (inout ByteReader) -> T?) -> [T]? {
        guard let count = uint64(), count <= UInt64(end - offset) else { return nil }
        var items: [T] = []
        items.reserveCapacity(Int(count))
        for _ in 0..<count {
            guard let item = read(&self) else { return nil }
            items.append(item)
        }
        return items
    }
    mutating func time() -> Timestamp? { uint64().map { Timestamp(milliseconds: Int64(bitPattern: $0)) } }
    mutating func raw<T: RawRepresentable>(_: T.Type) -> T? where T.RawValue == String { string().flatMap(T.init(rawValue:)) }

    mutating func event() -> Event? {
        guard let fileName = string(), let at = time(), let seq = int(), let by = optional({ $0.string() }), let tag = byte() else { return nil }
        let kind: Event.Kind
        switch tag {
        case 0:
            guard let status = string(),
                let components = array({ r -> Event.ComponentChange? in
                    guard let id = r.string(), let status = r.raw(ComponentStatus.self) else { return nil }
                    return Event.ComponentChange(id: id, status: status)
                })
            else { return nil }
            kind = .update(status: status, components: components)
        case 1:
            guard let milestone = optional({ $0.raw(Milestone.self) }) else { return nil }
            kind = .note(milestone: milestone)
        case 2:
            guard let role = string(), let person = string() else { return nil }
            kind = .role(role: role, person: person)
        default: return nil
        }
        guard let body = string(), let bodyLine = int(), let severity = optional({ $0.raw(Severity.self) }), let cancelled = bool(),
            let editedAt = optional({ $0.time() }), let bodyFileName = optional({ $0.string() })
        else { return nil }
        var event = Event(fileName: fileName, at: at, seq: seq, by: by, kind: kind, body: body, bodyLine: bodyLine, severity: severity, cancelled: cancelled, editedAt: editedAt)
        event.bodyFileName = bodyFileName
        return event
    }

    mutating func correction() -> Correction? {
        guard let action = raw(Correction.Action.self), let fileName = string(), let at = time(), let seq = int(), let by = optional({ $0.string() }),
            let target = string(),
            let components = optional({ r in
                r.array({ r -> Event.ComponentChange? in
                    guard let id = r.string(), let status = r.raw(ComponentStatus.self) else { return nil }
                    return Event.ComponentChange(id: id, status: status)
                })
            }),
            let body = string(), let bodyLine = int()
        else { return nil }
        return Correction(action: action, fileName: fileName, at: at, seq: seq, by: by, target: target, components: components, body: body, bodyLine: bodyLine)
    }

    /// An incident whose title, roles, summary and events are decoded when first asked for: a
    /// rebuild reads those of the few incidents it shows. The block's checksum has matched, and
    /// the cache's key covers the Herald binary that wrote it, so what is left for later decodes.
    mutating func incident(id known: String? = nil) -> Incident? {
        let id: String
        if var known {
            guard let stored = span(), known.withUTF8({ $0.elementsEqual(self.store[stored]) }) else { return nil }
            id = known
        } else {
            guard let stored = string() else { return nil }
            id = stored
        }
        guard let severity = raw(Severity.self), let components = array({ $0.string() }),
            let impactStarted = optional({ $0.time() }), let upstream = bool(), let facts = optional({ $0.facts() }),
            let length = uint64(), length <= UInt64(end - offset)
        else { return nil }
        let range = offset..<(offset + Int(length))
        offset = range.upperBound
        let store = self.store
        let details = Deferred<IncidentDetails> {
            var reader = ByteReader(store, range: range)
            guard let details = reader.incidentDetails(), reader.atEnd else {
                preconditionFailure("a record in .herald-cache/cache passed its checksum but does not decode; delete .herald-cache and build again")
            }
            return details
        }
        return Incident(id: id, severity: severity, components: components, impactStarted: impactStarted, upstream: upstream, details: details, facts: facts)
    }

    mutating func incidentDetails() -> IncidentDetails? {
        guard let title = string(),
            let roles = array({ r -> (role: String, person: String)? in
                guard let role = r.string(), let person = r.string() else { return nil }
                return (role, person)
            }),
            let summary = string(), let events = array({ $0.event() }), let corrections = array({ $0.correction() })
        else { return nil }
        return IncidentDetails(title: title, roles: roles, summary: summary, events: events, corrections: corrections)
    }

    mutating func facts() -> IncidentFacts? {
        guard let status = raw(IncidentStatus.self), let reopened = bool(), let started = time(), let created = time(), let updated = time(),
            let monitoring = optional({ $0.time() }), let resolved = optional({ $0.time() }),
            let open = array({ r -> (String, ComponentStatus)? in
                guard let id = r.string(), let status = r.raw(ComponentStatus.self) else { return nil }
                return (id, status)
            }),
            let affected = array({ $0.string() }), let severity = raw(Severity.self)
        else { return nil }
        return IncidentFacts(
            status: status, reopened: reopened, startedAt: started, createdAt: created, updatedAt: updated, monitoringAt: monitoring,
            resolvedAt: resolved, openComponentStatus: Dictionary(open) { a, _ in a }, affectedComponents: affected, severity: severity)
    }

    mutating func maintenance() -> Maintenance? {
        guard let id = string(), let title = string(), let components = array({ $0.string() }), let start = time(), let end = time(),
            let summary = string(), let events = array({ $0.event() }), let corrections = array({ $0.correction() })
        else { return nil }
        return Maintenance(id: id, title: title, components: components, scheduledStart: start, scheduledEnd: end, summary: summary, events: events, corrections: corrections)
    }

    mutating func postmortem() -> Postmortem? {
        guard let incidentID = string(), let path = string(), let status = raw(PostmortemStatus.self), let published = optional({ $0.time() }),
            let summary = string(), let authors = array({ $0.string() }),
            let timeline = array({ r -> Postmortem.TimelineEntry? in
                guard let at = r.time(), let text = r.string(), let milestone = r.optional({ $0.raw(Milestone.self) }), let line = r.int() else { return nil }
                return Postmortem.TimelineEntry(at: at, text: text, milestone: milestone, line: line)
            }),
            let actionItems = array({ r -> Postmortem.ActionItem? in
                guard let title = r.string(), let type = r.raw(Postmortem.ActionType.self), let owner = r.optional({ $0.string() }),
                    let status = r.raw(Postmortem.ActionStatus.self), let link = r.optional({ $0.string() })
                else { return nil }
                return Postmortem.ActionItem(title: title, type: type, owner: owner, status: status, link: link)
            }),
            let body = string(), let bodyLine = int()
        else { return nil }
        return Postmortem(
            incidentID: incidentID, path: path, status: status, published: published, summary: summary, authors: authors,
            timeline: timeline, actionItems: actionItems, body: body, bodyLine: bodyLine)
    }
}
