import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file reads with plain system calls, for the tens of thousands of small record files.
enum FileBytes {
    static func read(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        var result: [UInt8] = []
        var capacity = max(Int(info.st_size), 0) + 1
        var buffer = [UInt8](repeating: 0, count: capacity)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, capacity) }
            if n < 0 { return nil }
            if n == 0 { break }
            result.append(contentsOf: buffer[0..<n])
            if n == capacity { capacity *= 2; buffer = [UInt8](repeating: 0, count: capacity) }
        }
        return result
    }
}
