import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What `herald notify` has delivered: `.herald-notify` in the site folder, an append-only text
/// file (docs/notify.md). Each line is one fact, written with one `write` and synced before the
/// next message goes out:
///
///     herald-notify 1
///     channel slack-1a2b3c 1764770400
///     sent slack-1a2b3c 1764770460 incidents/2026-12-03-api-errors/20261203T140500Z-identified-k3f9.md
///
/// `channel NAME TIME` is the first run that knew the channel (its horizon counts back from
/// there); `sent NAME TIME KEY` a delivery. Keys are percent-encoded beyond `A-Za-z0-9._-/#`. A
/// line that does not end in a newline (a run killed while writing it) is ignored.
///
/// Runs of one site take turns through an exclusive flock on `.herald-notify.lock`, held from
/// reading the state until the last delivery is recorded: two runs at once cannot both send.
/// Unchecked Sendable: the channels' threads share it, and every read or write of its fields is
/// behind `lock`.
package final class NotifyState: @unchecked Sendable {
    package static let fileName = ".herald-notify"
    package static let lockName = ".herald-notify.lock"

    /// Each channel's first run.
    package private(set) var channels: [String: Timestamp] = [:]
    /// Keys delivered, by channel.
    package private(set) var sent: [String: Set<String>] = [:]
    private let path: String
    private var descriptor: Int32 = -1
    /// Channels are served on threads of their own: one writer at a time.
    private let lock = NSLock()

    /// Reads the state of the site at `root` (nothing yet: empty).
    package init(root: URL) throws {
        path = root.appendingPathComponent(Self.fileName).path
        guard let data = FileManager.default.contents(atPath: path) else { return }
        let text = String(decoding: data, as: UTF8.self)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        lines.removeLast()  // after the last newline: empty, or a line cut short
        for line in lines {
            let parts = line.split(separator: " ", maxSplits: 3)
            switch parts.first {
            case "channel" where parts.count == 3:
                if let seconds = Int64(parts[2]), channels[String(parts[1])] == nil { channels[String(parts[1])] = Timestamp(seconds: seconds) }
            case "sent" where parts.count == 4:
                sent[String(parts[1]), default: []].insert(Self.decode(String(parts[3])))
            default:
                continue
            }
        }
    }

    deinit { if descriptor >= 0 { close(descriptor) } }

    /// Whether `key` was delivered to `channel`.
    package func wasSent(_ key: String, to channel: String) -> Bool { lock.withLock { sent[channel]?.contains(key) ?? false } }

    /// Records a channel's first run.
    package func add(channel: String, at time: Timestamp) throws {
        try lock.withLock {
            guard channels[channel] == nil else { return }
            try append("channel \(channel) \(time.seconds)\n")
            channels[channel] = time
        }
    }

    /// Records a delivery, on disk before this returns.
    package func record(_ key: String, to channel: String, at time: Timestamp) throws {
        try lock.withLock {
            try append("sent \(channel) \(time.seconds) \(Self.encode(key))\n")
            sent[channel, default: []].insert(key)
        }
    }

    private func append(_ line: String) throws {
        if descriptor < 0 {
            let existed = FileManager.default.fileExists(atPath: path)
            descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { throw HeraldError("cannot write \(Self.fileName): \(String(cString: strerror(errno)))") }
            if !existed { try write(Array("herald-notify 1\n".utf8)) }
        }
        try write(Array(line.utf8))
    }

    private func write(_ bytes: [UInt8]) throws {
        let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(descriptor) == 0 else {
            throw HeraldError("cannot write \(Self.fileName): \(String(cString: strerror(errno)))")
        }
    }

    static func encode(_ key: String) -> String {
        var out = ""
        for byte in key.utf8 {
            let c = Character(Unicode.Scalar(byte))
            if byte < 128, c.isLetter || c.isNumber || "._-/#".contains(c) {
                out.append(c)
            } else {
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    static func decode(_ text: String) -> String {
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == 37, utf8.count >= 2, let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// The exclusive lock of `herald notify` on a site (flock on `.herald-notify.lock`; the kernel
/// drops it when the process ends, however it ends).
package final class NotifyLock {
    private let descriptor: Int32

    package init(root: URL, waiting: () -> Void) throws {
        let path = root.appendingPathComponent(NotifyState.lockName).path
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw HeraldError("cannot open \(NotifyState.lockName): \(String(cString: strerror(errno)))") }
        if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK else { throw HeraldError("cannot lock \(NotifyState.lockName): \(String(cString: strerror(errno)))") }
            waiting()
            while flock(descriptor, LOCK_EX) != 0 {
                guard errno == EINTR else { throw HeraldError("cannot lock \(NotifyState.lockName): \(String(cString: strerror(errno)))") }
            }
        }
    }

    deinit { close(descriptor) }
}
