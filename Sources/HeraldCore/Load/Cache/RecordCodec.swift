import Foundation

/// A value the parse cache stores, in `ByteWriter`'s format: written in full, read back with
/// nil for any byte that is not what was written (a cache file is hostile input: it can be forged
/// to pass its checksum). The records' conformances — every field in declaration order — are
/// generated from their declarations by scripts/generate-record-codec.py
/// (RecordCodec+Generated.swift), so a field added to a record is cached with no edit here.
protocol CacheCodable {
    func write(to writer: inout ByteWriter)
    init?(reading reader: inout ByteReader)
}

enum RecordCodec {
    static func encode<T: CacheCodable>(_ value: T) -> [UInt8] {
        var writer = ByteWriter()
        value.write(to: &writer)
        return writer.bytes
    }

    /// The value coded in `range` of `store`, which must end there; nil when the bytes are not one.
    static func decode<T: CacheCodable>(_ type: T.Type, from store: ByteStore, range: Range<Int>) -> T? {
        var reader = ByteReader(store, range: range)
        guard let value = T(reading: &reader), reader.atEnd else { return nil }
        return value
    }

    static func decode<T: CacheCodable>(_ type: T.Type, from bytes: [UInt8]) -> T? {
        let store = ByteStore(bytes)
        return decode(type, from: store, range: 0..<store.count)
    }
}

extension String: CacheCodable {
    func write(to writer: inout ByteWriter) { writer.string(self) }
    init?(reading reader: inout ByteReader) {
        guard let value = reader.string() else { return nil }
        self = value
    }
}

extension Int: CacheCodable {
    func write(to writer: inout ByteWriter) { writer.int(self) }
    init?(reading reader: inout ByteReader) {
        guard let value = reader.int() else { return nil }
        self = value
    }
}

extension Int64: CacheCodable {
    func write(to writer: inout ByteWriter) { writer.uint64(UInt64(bitPattern: self)) }
    init?(reading reader: inout ByteReader) {
        guard let value = reader.uint64() else { return nil }
        self = Int64(bitPattern: value)
    }
}

extension UInt64: CacheCodable {
    func write(to writer: inout ByteWriter) { writer.uint64(self) }
    init?(reading reader: inout ByteReader) {
        guard let value = reader.uint64() else { return nil }
        self = value
    }
}

extension Bool: CacheCodable {
    func write(to writer: inout ByteWriter) { writer.bool(self) }
    init?(reading reader: inout ByteReader) {
        guard let value = reader.bool() else { return nil }
        self = value
    }
}

extension Timestamp: CacheCodable {
    func write(to writer: inout ByteWriter) { milliseconds.write(to: &writer) }
    init?(reading reader: inout ByteReader) {
        guard let milliseconds = Int64(reading: &reader) else { return nil }
        self.init(milliseconds: milliseconds)
    }
}

/// An enum with a `String` raw value is its raw value; one the enum does not have is refused.
extension CacheCodable where Self: RawRepresentable, RawValue == String {
    func write(to writer: inout ByteWriter) { writer.string(rawValue) }
    init?(reading reader: inout ByteReader) {
        guard let raw = reader.string(), let value = Self(rawValue: raw) else { return nil }
        self = value
    }
}

/// A presence byte (0 or 1), then the value.
extension Optional: CacheCodable where Wrapped: CacheCodable {
    func write(to writer: inout ByteWriter) {
        writer.bool(self != nil)
        self?.write(to: &writer)
    }
    init?(reading reader: inout ByteReader) {
        guard let present = reader.bool() else { return nil }
        guard present else {
            self = .none
            return
        }
        guard let value = Wrapped(reading: &reader) else { return nil }
        self = .some(value)
    }
}

/// The count, then the elements; a count past the bytes left (every element takes one at least)
/// is refused before anything is allocated for it.
extension Array: CacheCodable where Element: CacheCodable {
    func write(to writer: inout ByteWriter) {
        writer.uint64(UInt64(count))
        for element in self { element.write(to: &writer) }
    }
    init?(reading reader: inout ByteReader) {
        guard let count = reader.uint64(), count <= UInt64(reader.end - reader.offset) else { return nil }
        var elements: [Element] = []
        elements.reserveCapacity(Int(count))
        for _ in 0..<count {
            guard let element = Element(reading: &reader) else { return nil }
            elements.append(element)
        }
        self = elements
    }
}

/// The count, then each key and its value in key order (so equal dictionaries code alike); a key
/// that comes twice is refused.
extension Dictionary: CacheCodable where Key: CacheCodable & Comparable, Value: CacheCodable {
    func write(to writer: inout ByteWriter) {
        writer.uint64(UInt64(count))
        for key in keys.sorted() {
            key.write(to: &writer)
            self[key]!.write(to: &writer)
        }
    }
    init?(reading reader: inout ByteReader) {
        guard let count = reader.uint64(), count <= UInt64(reader.end - reader.offset) else { return nil }
        var pairs: [Key: Value] = [:]
        pairs.reserveCapacity(Int(count))
        for _ in 0..<count {
            guard let key = Key(reading: &reader), let value = Value(reading: &reader), pairs.updateValue(value, forKey: key) == nil else { return nil }
        }
        self = pairs
    }
}
