import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension ContentCache {
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

        var bytes: UnsafeBufferPointer<UInt8> { store[range] }
    }

    /// The entry names stored with `slot`, for `folderStamp(_:in:names:)`.
    func withNames<R>(_ slot: Slot, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R { body(store[slot.names]) }

    /// An unchanged record's entry for the next cache: the bytes of its entry in this one.
    func kept(_ slot: Slot) -> Entry { Entry(kept: store, range: slot.entry) }

    /// The record a slot holds (its stamp already matched); nil when its block does not check out.
    /// An incident's block holds its facts, decoded now, and its record, decoded when first asked
    /// for; should that fail (bytes forged to pass the checksum), `reread` reads it from its folder.
    func incident(_ slot: Slot, id: String, reread: @escaping @Sendable () -> Incident?) -> LoadedIncident? {
        guard checks(slot) else { return nil }
        return Self.incident(in: store, slot.range, id: id, stamp: slot.stamp, reread: reread)
    }

    /// The incident whose block lies at `range` of `store`.
    static func incident(in store: ByteStore, _ range: Range<Int>, id: String, stamp: UInt64?, reread: @escaping @Sendable () -> Incident?)
        -> LoadedIncident?
    {
        guard let (facts, record) = incidentParts(store, range) else { return nil }
        return LoadedIncident(id: id, facts: facts, stamp: stamp) {
            if let incident = RecordCodec.decode(Incident.self, from: store, range: record), incident.id == id { return incident }
            if let incident = reread() { return incident }
            // The build has gone past reporting errors: it stops here, before anything is written.
            FileHandle.standardError.write(
                Data(
                    "error: content/incidents/\(id): its copy in .herald-cache does not decode, and its folder no longer reads; delete .herald-cache and build again\n"
                        .utf8))
            exit(1)
        }
    }

    /// An incident's block: its facts, and where its record lies.
    static func incidentParts(_ store: ByteStore, _ range: Range<Int>) -> (facts: IncidentFacts?, record: Range<Int>)? {
        var reader = ByteReader(store, range: range)
        guard let facts = reader.optional({ $0.span() }), let record = reader.span(), reader.atEnd else { return nil }
        guard let facts else { return (nil, record) }
        guard let decoded = RecordCodec.decode(IncidentFacts.self, from: store, range: facts) else { return nil }
        return (decoded, record)
    }

    func maintenance(_ slot: Slot) -> Maintenance? { decode(Maintenance.self, slot) }
    func postmortem(_ slot: Slot) -> Postmortem? { decode(Postmortem.self, slot) }

    /// Whether a slot's block matches its checksum.
    func checks(_ slot: Slot) -> Bool { StableHasher.checksum(store[slot.range]) == slot.checksum }

    func decode<T: CacheCodable>(_ type: T.Type, _ slot: Slot) -> T? {
        guard checks(slot) else { return nil }
        return RecordCodec.decode(type, from: store, range: slot.range)
    }

    static func encode(_ loaded: LoadedIncident) -> Block {
        var writer = ByteWriter()
        writer.optional(loaded.facts) { $0.span(RecordCodec.encode($1)) }
        writer.span(RecordCodec.encode(loaded.incident))
        return Block(writer.bytes)
    }
    static func encode(_ maintenance: Maintenance) -> Block { Block(RecordCodec.encode(maintenance)) }
    static func encode(_ postmortem: Postmortem) -> Block { Block(RecordCodec.encode(postmortem)) }

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
    static let writing = DispatchGroup()

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
                w.array(listing.entries) { w, entry in
                    w.string(entry.name)
                    w.int(entry.entry)
                }
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
