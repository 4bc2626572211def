import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One build of a site at a time: `herald build` (and `herald serve`'s rebuilds) hold an exclusive
/// lock on `.herald-lock` in the site folder from reading the last build's manifest until the new
/// one is written. A second build waits for the first instead of interleaving its files with it.
///
/// The lock is flock(2): the kernel drops it when its holder exits, however it exits, so a killed
/// build never leaves a stale lock behind. The file itself holds the holder's process id, only to
/// name it in the waiting message. Where the file cannot be made (a read-only site folder) builds
/// run unlocked.
package final class BuildLock {
    package static let fileName = ".herald-lock"

    private var descriptor: Int32

    /// Takes the lock of the site at `root`, calling `waiting` with the holder's process id (when
    /// known) if another build holds it, then blocking until it is free.
    package init(root: URL, waiting: (_ holder: Int32?) -> Void) {
        let path = root.appendingPathComponent(Self.fileName).path
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return }
        if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK else { return }
            var buffer = [UInt8](repeating: 0, count: 32)
            let count = pread(descriptor, &buffer, buffer.count, 0)
            waiting(count > 0 ? Int32(String(decoding: buffer.prefix(count), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) : nil)
            while flock(descriptor, LOCK_EX) != 0 {
                guard errno == EINTR else { return }
            }
        }
        let pid = Array("\(getpid())\n".utf8)
        if ftruncate(descriptor, 0) == 0 { _ = pwrite(descriptor, pid, pid.count, 0) }
    }

    deinit {
        // Closing the descriptor releases the lock. The file stays: deleting it would let a waiting
        // build lock a file no later build can see.
        if descriptor >= 0 { close(descriptor) }
    }
}
