import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Whole-file reads with plain system calls, for the tens of thousands of small record files.
enum FileBytes {
    static func read(_ path: String, limit: Int = .max) -> [UInt8]? { read(in: AT_FDCWD, path, limit: limit)?.bytes }

    /// Reads the regular file `name` inside the open folder `folder` (a path from the working
    /// directory with `AT_FDCWD`), following symbolic links: its bytes, and its status as `fstat`
    /// gave it before the read (a change after that shows in the next status taken). Nil when it
    /// cannot be opened or read, or is not a regular file.
    /// A file larger than `limit` bytes is not read (nil; `InputRules.maxFileSize` for content).
    static func read(in folder: Int32, _ name: String, limit: Int = .max) -> (bytes: [UInt8], status: stat)? {
        // O_NONBLOCK: opening a FIFO must not wait for a writer (it is then refused as not regular).
        let fd = openat(folder, name, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, Int(info.st_size) <= limit else { return nil }
        // Straight into the result, without zeroing it first (the 13 MB parse cache is read on
        // every build), as many bytes as fstat gave: one read for a record file, not a second one
        // to see the end. A file that grows meanwhile is read up to that size; its status then
        // differs from `info`, so a stamp taken from `info` makes the next build read it again.
        let capacity = max(Int(info.st_size), 0)
        var failed = false
        var result = [UInt8](unsafeUninitializedCapacity: capacity) { buffer, count in
            while count < capacity {
                let n = Glibc.read(fd, buffer.baseAddress! + count, capacity - count)
                if n < 0 && errno == EINTR { continue }
                if n < 0 { failed = true }
                if n <= 0 { return }
                count += n
            }
        }
        guard !failed else { return nil }
        // A size of 0 may not be the truth (files the kernel makes up as they are read): read to the end.
        if capacity == 0 {
            var chunk = [UInt8](repeating: 0, count: 65_536)
            while true {
                let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n < 0 { return nil }
                if n == 0 { break }
                result.append(contentsOf: chunk[0..<n])
                if result.count > limit { return nil }
            }
        }
        return (result, info)
    }

    /// Creates or replaces the file at `path` with `bytes` and returns its status as written (for
    /// its modification time). Nil when any step fails, with `errno` from the step that failed.
    /// `exclusive`: only a new file (never through a link, never into a file that exists, which
    /// could be a hard link to a file elsewhere).
    @discardableResult
    static func write(_ bytes: [UInt8], to path: String, exclusive: Bool = false) -> stat? {
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (exclusive ? O_EXCL | O_NOFOLLOW : O_TRUNC), 0o644)
        guard fd >= 0 else { return nil }
        var info = stat()
        let ok = bytes.withUnsafeBytes { buffer -> Bool in
            var done = 0
            while done < buffer.count {
                let n = Glibc.write(fd, buffer.baseAddress! + done, buffer.count - done)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return false }
                done += n
            }
            return fstat(fd, &info) == 0
        }
        let failure = errno
        guard close(fd) == 0, ok else {
            if !ok { errno = failure }
            return nil
        }
        return info
    }

    /// Creates or replaces the file at `path` with the pieces one after another (each written
    /// from where it lies). Nil when any step fails.
    @discardableResult
    static func write(_ pieces: [UnsafeBufferPointer<UInt8>], to path: String) -> stat? {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return nil }
        var ok = true
        pieces: for piece in pieces where !piece.isEmpty {
            var done = 0
            while done < piece.count {
                let n = Glibc.write(fd, piece.baseAddress! + done, piece.count - done)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 {
                    ok = false
                    break pieces
                }
                done += n
            }
        }
        var info = stat()
        if ok { ok = fstat(fd, &info) == 0 }
        let failure = errno
        guard close(fd) == 0, ok else {
            if !ok { errno = failure }
            return nil
        }
        return info
    }

    /// Calls `body` with every entry of a folder (not `.` and `..`): its name, its `d_type` and the
    /// folder's descriptor, for `fstatat`. False when the folder cannot be read or `body` stops.
    static func forEachEntry(in path: String, _ body: (_ name: String, _ type: Int32, _ folder: Int32) -> Bool) -> Bool {
        forEachEntry(in: AT_FDCWD, path, body)
    }

    /// The same for the folder `name` inside the open folder `parent` (the path is not looked up
    /// from the root again: stamping 10,000 record folders this way takes a fifth less time).
    static func forEachEntry(in parent: Int32, _ name: String, _ body: (_ name: String, _ type: Int32, _ folder: Int32) -> Bool) -> Bool {
        let descriptor = openat(parent, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        guard let dir = fdopendir(descriptor) else {
            close(descriptor)
            return false
        }
        defer { closedir(dir) }
        let fd = dirfd(dir)
        // A record from readdir is only `d_reclen` bytes long, often shorter than `dirent`: read its
        // fields through a raw pointer, never by copying `entry.pointee` (that reads past the record).
        let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
        let typeOffset = MemoryLayout<dirent>.offset(of: \dirent.d_type)!
        while let entry = readdir(dir) {
            let record = UnsafeRawPointer(entry)
            let name = String(cString: record.advanced(by: nameOffset).assumingMemoryBound(to: CChar.self))
            if name == "." || name == ".." { continue }
            let type = Int32(record.load(fromByteOffset: typeOffset, as: UInt8.self))
            if !body(name, type, fd) { return false }
        }
        return true
    }
}

/// A folder held open so that paths inside it are looked up from it (`openat`, `fstatat`) rather
/// than from the root; closed when released. A folder that cannot be opened gives -1, on which
/// every lookup fails (record folders are then parsed rather than taken from the cache, and the
/// last build's files count as changed).
final class OpenFolder: Sendable {
    let descriptor: Int32
    init(_ path: String) { descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
    deinit { if descriptor >= 0 { close(descriptor) } }
}
