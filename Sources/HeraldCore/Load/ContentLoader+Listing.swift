import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A record the loader kept, with its stamp and encoded block when it may be cached.
struct Loaded<Value: Sendable>: Sendable {
    var name: String
    var value: Value
    var stamp: UInt64?
    /// The record's entry for the next cache, when it may be cached.
    var cacheEntry: ContentCache.Entry?
}

/// How a kind of record is stamped from what the cache kept (see ContentCache's stamps), to tell
/// whether its cached parse is still good. (A record parsed anew is stamped by its `parse`, as it
/// is read.)
protocol Stamps: Sendable {
    func quick(_ name: String, _ slot: ContentCache.Slot, in cache: ContentCache) -> UInt64?
}

/// Record folders inside `folder` (incidents, maintenance).
struct FolderStamps: Stamps {
    let folder: OpenFolder
    func quick(_ name: String, _ slot: ContentCache.Slot, in cache: ContentCache) -> UInt64? {
        cache.withNames(slot) { ContentCache.folderStamp(name, in: folder.descriptor, names: $0) }
    }
}

/// Single files by their path from the site's root (postmortems).
struct FileStamps: Stamps {
    let root: String
    // A file is stamped the same way every time; it was trusted when it was cached.
    func quick(_ path: String, _ slot: ContentCache.Slot, in cache: ContentCache) -> UInt64? {
        ContentCache.fileStamp(root + path, reference: ContentCache.Reference(nanoseconds: .max))
    }
}

/// The records of one folder: their names, their slots in the parse cache, and whether the last
/// build's listing was reused (see ContentCache's "Listings").
struct RecordList {
    var names: [String]
    var slots: [ContentCache.Slot?]
    var problems: [Diagnostic] = []
    var reused = false
    /// The folder's stamp, when its listing may be kept for the next build.
    var stamp: UInt64?
}

extension ContentLoader {
    /// The records in `folder`: the last build's listing when the folder's stamp is the same, else
    /// listed anew by `list`.
    func list(
        _ folder: String, cache: ContentCache?, section: KeyPath<ContentCache, ContentCache.Section>, reference: ContentCache.Reference?,
        _ list: (inout [Diagnostic]) -> [String]
    ) -> RecordList {
        let stamp = reference.flatMap { ContentCache.listingStamp(absolute(folder), reference: $0) }
        if let cache, let (names, slots) = cache.listed(cache[keyPath: section], stamp: stamp) {
            return RecordList(names: names, slots: slots, reused: true, stamp: stamp)
        }
        var problems: [Diagnostic] = []
        let names = list(&problems)
        let slots = cache.map { $0.slots($0[keyPath: section], for: names) } ?? names.map { _ in nil }
        return RecordList(names: names, slots: slots, problems: problems, stamp: problems.isEmpty ? stamp : nil)
    }

    /// The next cache's entries for what was loaded, and the folder's listing to keep with them.
    static func cacheEntries<Value>(_ loaded: [Loaded<Value>], listed: RecordList) -> (
        [ContentCache.Entry], (stamp: UInt64, entries: [(name: String, entry: Int)])?
    ) {
        var entries: [ContentCache.Entry] = []
        entries.reserveCapacity(loaded.count)
        // `loaded` follows `listed.names`, leaving out records that did not load.
        var listing: [(name: String, entry: Int)] = []
        listing.reserveCapacity(listed.names.count)
        var position = 0
        for name in listed.names {
            var index = -1
            if position < loaded.count, loaded[position].name == name {
                if let entry = loaded[position].cacheEntry {
                    index = entries.count
                    entries.append(entry)
                }
                position += 1
            }
            listing.append((name, index))
        }
        return (entries, listed.stamp.map { ($0, listing) })
    }

    /// Loads the records named by `names` (folder ids, or paths) on both cores: from `cache` when a
    /// record's stamp matches, else with `parse` (which returns the record's stamp too, when it
    /// can be trusted), encoding what parsed cleanly for the next cache.
    /// Counts records not taken from the cache in `misses`; problems go to `diagnostics`.
    func loadRecords<Value: Sendable>(
        _ names: [String], slots: [ContentCache.Slot?], stamps: (any Stamps)?, cache: ContentCache?,
        cached: @Sendable (ContentCache, ContentCache.Slot, String) -> Value?,
        parse: @Sendable (String) -> (Value?, [Diagnostic], ContentCache.FolderStamp?), encode: @Sendable (Value) -> ContentCache.Block,
        misses: inout Int, into diagnostics: inout [Diagnostic]
    ) -> [Loaded<Value>] {
        let results = parallelMap(Array(names.indices)) { index -> (Loaded<Value>?, [Diagnostic], hit: Bool) in
            let name = names[index]
            if let stamps, let cache, let slot = slots[index], let stamp = stamps.quick(name, slot, in: cache), stamp == slot.stamp,
                let value = cached(cache, slot, name)
            {
                return (Loaded(name: name, value: value, stamp: stamp, cacheEntry: cache.kept(slot)), [], true)
            }
            let (value, problems, stamped) = parse(name)
            guard let value else { return (nil, problems, false) }
            guard let stamped, problems.isEmpty else { return (Loaded(name: name, value: value), problems, false) }
            let entry = ContentCache.Entry(name: name, stamp: stamped.value, names: stamped.names, block: encode(value))
            return (Loaded(name: name, value: value, stamp: stamped.value, cacheEntry: entry), [], false)
        }
        var loaded: [Loaded<Value>] = []
        loaded.reserveCapacity(results.count)
        for (record, problems, hit) in results {
            diagnostics += problems
            if !hit { misses += 1 }
            if let record { loaded.append(record) }
        }
        return loaded
    }
}
