import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Bytes that stay where they are while the store lives: a file mapped into memory read-only
/// (the parse cache: the file is only ever replaced by a rename, never changed in place, so the
/// mapping cannot shrink under a build), or a copy of an array. Unchecked Sendable: immutable
/// after `init`, and the bytes are only read.
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
