import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Parsed records of the last build, so a rebuild parses only the records whose files changed.
///
/// Kept in `<site>/.herald-cache` (never published, never committed). A record is reused only when
/// its *stamp* is the same: the name, size, modification time and inode of every file in its
/// folder (or of its one file, for postmortems). The whole cache is ignored when site.yml, the
/// Herald binary or the format changed, and records whose loading reported anything are never
/// cached, so their diagnostics come back on every build. A cache that cannot be read is ignored.
struct ContentCache: Sendable {
    static let fileName = ".herald-cache"
    static let magic = "herald-content-cache 1\n"

    var key: UInt64
    var incidents: [String: (stamp: UInt64, value: Incident)] = [:]
    var maintenances: [String: (stamp: UInt64, value: Maintenance)] = [:]
    var postmortems: [String: (stamp: UInt64, value: Postmortem)] = [:]

    init(key: UInt64) { self.key = key }

    /// What every cached record depends on besides its own files: site.yml's bytes (records are
    /// checked against its components and roles) and the Herald binary that parsed them.
    static func key(settingsBytes: [UInt8]) -> UInt64 {
        var hasher = StableHasher()
        hasher.combine(magic)
        hasher.combine(settingsBytes)
        var info = stat()
        if stat("/proc/self/exe", &info) == 0 {
            hasher.combine(UInt64(bitPattern: Int64(info.st_size)))
            hasher.combine(UInt64(bitPattern: Int64(info.st_mtim.tv_sec) &* 1_000_000_000 &+ Int64(info.st_mtim.tv_nsec)))
        }
        return hasher.value
    }

    // MARK: - Stamps

    /// The stamp of a record folder: every entry's name, size, time and inode, in name order.
    static func folderStamp(_ path: String) -> UInt64? {
        var entries: [(name: String, info: stat)] = []
        let complete = FileBytes.forEachEntry(in: path) { name, _, folder in
            var info = stat()
            guard fstatat(folder, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { return false }
            entries.append((name, info))
            return true
        }
        guard complete else { return nil }
        entries.sort { $0.name < $1.name }
        var hasher = StableHasher()
        for (name, info) in entries { combine(&hasher, name, info) }
        return hasher.value
    }

    static func fileStamp(_ path: String) -> UInt64? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        var hasher = StableHasher()
        combine(&hasher, "", info)
        return hasher.value
    }

    static func combine(_ hasher: inout StableHasher, _ name: String, _ info: stat) {
        hasher.combine(name)
        hasher.combine(UInt64(info.st_mode))
        hasher.combine(UInt64(bitPattern: Int64(info.st_size)))
        hasher.combine(UInt64(info.st_ino))
        hasher.combine(UInt64(bitPattern: Int64(info.st_mtim.tv_sec) &* 1_000_000_000 &+ Int64(info.st_mtim.tv_nsec)))
    }

    // MARK: - Reading and writing

    /// The cache at `url` when it was written with `key`, else an empty one.
    static func read(_ url: URL, key: UInt64) -> ContentCache {
        var cache = ContentCache(key: key)
        guard let bytes = FileBytes.read(url.path) else { return cache }
        var reader = ByteReader(bytes)
        guard reader.string() == magic, reader.uint64() == key else { return cache }
        guard
            let incidents = reader.array({ r -> (String, UInt64, Incident)? in
                guard let id = r.string(), let stamp = r.uint64(), let value = r.incident() else { return nil }
                return (id, stamp, value)
            }),
            let maintenances = reader.array({ r -> (String, UInt64, Maintenance)? in
                guard let id = r.string(), let stamp = r.uint64(), let value = r.maintenance() else { return nil }
                return (id, stamp, value)
            }),
            let postmortems = reader.array({ r -> (String, UInt64, Postmortem)? in
                guard let path = r.string(), let stamp = r.uint64(), let value = r.postmortem() else { return nil }
                return (path, stamp, value)
            }),
            reader.atEnd
        else { return cache }
        for (id, stamp, value) in incidents { cache.incidents[id] = (stamp, value) }
        for (id, stamp, value) in maintenances { cache.maintenances[id] = (stamp, value) }
        for (path, stamp, value) in postmortems { cache.postmortems[path] = (stamp, value) }
        return cache
    }

    /// Writes the cache atomically; a failure only costs the next build its head start.
    func write(to url: URL) {
        var w = ByteWriter()
        w.string(Self.magic)
        w.uint64(key)
        w.array(incidents.sorted { $0.key < $1.key }) { w, item in
            w.string(item.key); w.uint64(item.value.stamp); w.incident(item.value.value)
        }
        w.array(maintenances.sorted { $0.key < $1.key }) { w, item in
            w.string(item.key); w.uint64(item.value.stamp); w.maintenance(item.value.value)
        }
        w.array(postmortems.sorted { $0.key < $1.key }) { w, item in
            w.string(item.key); w.uint64(item.value.stamp); w.postmortem(item.value.value)
        }
        let temporary = url.path + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(w.bytes)) else { return }
        if rename(temporary, url.path) != 0 { unlink(temporary) }
    }
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
    mutating func time(_ t: Timestamp) { uint64(UInt64(bitPattern: t.seconds)) }

    mutating func event(_ e: Event) {
        string(e.fileName); time(e.at); optional(e.by) { $0.string($1) }
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
    }

    mutating func incident(_ i: Incident) {
        string(i.id); string(i.title); string(i.severity.rawValue); array(i.components) { $0.string($1) }
        optional(i.impactStarted) { $0.time($1) }; bool(i.upstream)
        array(i.roles) { w, r in w.string(r.role); w.string(r.person) }
        string(i.summary); array(i.events) { $0.event($1) }
    }

    mutating func maintenance(_ m: Maintenance) {
        string(m.id); string(m.title); array(m.components) { $0.string($1) }
        time(m.scheduledStart); time(m.scheduledEnd); string(m.summary); array(m.events) { $0.event($1) }
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
    let bytes: [UInt8]
    var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { offset == bytes.count }

    mutating func uint64() -> UInt64? {
        guard offset + 8 <= bytes.count else { return nil }
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
        offset += 8
        return v
    }
    mutating func int() -> Int? { uint64().map { Int(Int64(bitPattern: $0)) } }
    mutating func byte() -> UInt8? {
        guard offset < bytes.count else { return nil }
        defer { offset += 1 }
        return bytes[offset]
    }
    mutating func bool() -> Bool? { byte().flatMap { $0 == 0 ? false : $0 == 1 ? true : nil } }
    mutating func string() -> String? {
        guard let count = uint64(), count <= UInt64(bytes.count - offset) else { return nil }
        let end = offset + Int(count)
        let s = bytes.withUnsafeBufferPointer { String(validating: UnsafeBufferPointer(rebasing: $0[offset..<end]), as: UTF8.self) }
        offset = end
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
        guard let count = uint64(), count <= UInt64(bytes.count - offset) else { return nil }
        var items: [T] = []
        items.reserveCapacity(Int(count))
        for _ in 0..<count {
            guard let item = read(&self) else { return nil }
            items.append(item)
        }
        return items
    }
    mutating func time() -> Timestamp? { uint64().map { Timestamp(seconds: Int64(bitPattern: $0)) } }
    mutating func raw<T: RawRepresentable>(_: T.Type) -> T? where T.RawValue == String { string().flatMap(T.init(rawValue:)) }

    mutating func event() -> Event? {
        guard let fileName = string(), let at = time(), let by = optional({ $0.string() }), let tag = byte() else { return nil }
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
        guard let body = string(), let bodyLine = int() else { return nil }
        return Event(fileName: fileName, at: at, by: by, kind: kind, body: body, bodyLine: bodyLine)
    }

    mutating func incident() -> Incident? {
        guard let id = string(), let title = string(), let severity = raw(Severity.self), let components = array({ $0.string() }),
            let impactStarted = optional({ $0.time() }), let upstream = bool(),
            let roles = array({ r -> (role: String, person: String)? in
                guard let role = r.string(), let person = r.string() else { return nil }
                return (role, person)
            }),
            let summary = string(), let events = array({ $0.event() })
        else { return nil }
        return Incident(
            id: id, title: title, severity: severity, components: components, impactStarted: impactStarted, upstream: upstream,
            roles: roles, summary: summary, events: events)
    }

    mutating func maintenance() -> Maintenance? {
        guard let id = string(), let title = string(), let components = array({ $0.string() }), let start = time(), let end = time(),
            let summary = string(), let events = array({ $0.event() })
        else { return nil }
        return Maintenance(id: id, title: title, components: components, scheduledStart: start, scheduledEnd: end, summary: summary, events: events)
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
