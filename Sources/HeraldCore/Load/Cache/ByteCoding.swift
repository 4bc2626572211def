import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// MARK: - A small binary format

struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func uint64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func int(_ v: Int) { uint64(UInt64(bitPattern: Int64(v))) }
    mutating func bool(_ v: Bool) { bytes.append(v ? 1 : 0) }
    mutating func byte(_ v: UInt8) { bytes.append(v) }
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
    /// A length-prefixed run of bytes (`ByteReader.span`).
    mutating func span(_ run: [UInt8]) {
        uint64(UInt64(run.count))
        bytes.append(contentsOf: run)
    }
    /// Writes `v` over the eight bytes at `offset` (a count written before what it counts).
    mutating func set(_ v: UInt64, at offset: Int) {
        withUnsafeBytes(of: v.littleEndian) { bytes.replaceSubrange(offset..<(offset + 8), with: $0) }
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
}
