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
    mutating func time(_ t: Timestamp) { uint64(UInt64(bitPattern: t.milliseconds)) }

    mutating func event(_ e: Event) {
        string(e.fileName)
        time(e.at)
        int(e.seq)
        optional(e.by) { $0.string($1) }
        switch e.kind {
        case .update(let status, let components):
            bytes.append(0)
            string(status)
            array(components) { w, c in
                w.string(c.id)
                w.string(c.status.rawValue)
            }
        case .note(let milestone):
            bytes.append(1)
            optional(milestone) { $0.string($1.rawValue) }
        case .role(let role, let person):
            bytes.append(2)
            string(role)
            string(person)
        }
        string(e.body)
        int(e.bodyLine)
        optional(e.severity) { $0.string($1.rawValue) }
        bool(e.cancelled)
        optional(e.editedAt) { $0.time($1) }
        optional(e.bodyFileName) { $0.string($1) }
    }

    mutating func correction(_ c: Correction) {
        string(c.action.rawValue)
        string(c.fileName)
        time(c.at)
        int(c.seq)
        optional(c.by) { $0.string($1) }
        string(c.target)
        optional(c.components) { w, changes in
            w.array(changes) { w, c in
                w.string(c.id)
                w.string(c.status.rawValue)
            }
        }
        string(c.body)
        int(c.bodyLine)
    }

    /// An incident: what every build needs (its id, severity, components, times and the facts its
    /// events establish), then the rest (title, roles, summary, events) after its length, so that
    /// reading can leave it for later (`ByteReader.incident`).
    mutating func incident(_ i: Incident) {
        string(i.id)
        string(i.severity.rawValue)
        array(i.components) { $0.string($1) }
        optional(i.impactStarted) { $0.time($1) }
        bool(i.upstream)
        optional(i.facts ?? IncidentFacts(replaying: i)) { $0.facts($1) }
        var details = ByteWriter()
        details.string(i.title)
        details.array(i.roles) { w, r in
            w.string(r.role)
            w.string(r.person)
        }
        details.string(i.summary)
        details.array(i.events) { $0.event($1) }
        details.array(i.corrections) { $0.correction($1) }
        uint64(UInt64(details.bytes.count))
        bytes.append(contentsOf: details.bytes)
    }

    mutating func facts(_ f: IncidentFacts) {
        string(f.status.rawValue)
        bool(f.reopened)
        time(f.startedAt)
        time(f.createdAt)
        time(f.updatedAt)
        optional(f.monitoringAt) { $0.time($1) }
        optional(f.resolvedAt) { $0.time($1) }
        array(f.openComponentStatus.sorted { $0.key < $1.key }) { w, pair in
            w.string(pair.key)
            w.string(pair.value.rawValue)
        }
        array(f.affectedComponents) { $0.string($1) }
        string(f.severity.rawValue)
    }

    mutating func maintenance(_ m: Maintenance) {
        string(m.id)
        string(m.title)
        array(m.components) { $0.string($1) }
        time(m.scheduledStart)
        time(m.scheduledEnd)
        string(m.summary)
        array(m.events) { $0.event($1) }
        array(m.corrections) { $0.correction($1) }
    }

    mutating func postmortem(_ p: Postmortem) {
        string(p.incidentID)
        string(p.path)
        string(p.status.rawValue)
        optional(p.published) { $0.time($1) }
        string(p.summary)
        array(p.authors) { $0.string($1) }
        array(p.timeline) { w, t in
            w.time(t.at)
            w.string(t.text)
            w.optional(t.milestone) { $0.string($1.rawValue) }
            w.int(t.line)
        }
        array(p.actionItems) { w, a in
            w.string(a.title)
            w.string(a.type.rawValue)
            w.optional(a.owner) { $0.string($1) }
            w.string(a.status.rawValue)
            w.optional(a.link) { $0.string($1) }
        }
        string(p.body)
        int(p.bodyLine)
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
    mutating func time() -> Timestamp? { uint64().map { Timestamp(milliseconds: Int64(bitPattern: $0)) } }
    mutating func raw<T: RawRepresentable>(_: T.Type) -> T? where T.RawValue == String { string().flatMap(T.init(rawValue:)) }

    mutating func event() -> Event? {
        guard let fileName = string(), let at = time(), let seq = int(), let by = optional({ $0.string() }), let tag = byte() else { return nil }
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
        guard let body = string(), let bodyLine = int(), let severity = optional({ $0.raw(Severity.self) }), let cancelled = bool(),
            let editedAt = optional({ $0.time() }), let bodyFileName = optional({ $0.string() })
        else { return nil }
        var event = Event(
            fileName: fileName, at: at, seq: seq, by: by, kind: kind, body: body, bodyLine: bodyLine, severity: severity, cancelled: cancelled,
            editedAt: editedAt)
        event.bodyFileName = bodyFileName
        return event
    }

    mutating func correction() -> Correction? {
        guard let action = raw(Correction.Action.self), let fileName = string(), let at = time(), let seq = int(), let by = optional({ $0.string() }),
            let target = string(),
            let components = optional({ r in
                r.array({ r -> Event.ComponentChange? in
                    guard let id = r.string(), let status = r.raw(ComponentStatus.self) else { return nil }
                    return Event.ComponentChange(id: id, status: status)
                })
            }),
            let body = string(), let bodyLine = int()
        else { return nil }
        return Correction(action: action, fileName: fileName, at: at, seq: seq, by: by, target: target, components: components, body: body, bodyLine: bodyLine)
    }

    /// An incident whose title, roles, summary and events are decoded when first asked for: a
    /// rebuild reads those of the few incidents it shows. The block's checksum has matched, and
    /// the cache's key covers the Herald binary that wrote it, so what is left for later decodes.
    mutating func incident(id known: String? = nil) -> Incident? {
        let id: String
        if var known {
            guard let stored = span(), known.withUTF8({ $0.elementsEqual(self.store[stored]) }) else { return nil }
            id = known
        } else {
            guard let stored = string() else { return nil }
            id = stored
        }
        guard let severity = raw(Severity.self), let components = array({ $0.string() }),
            let impactStarted = optional({ $0.time() }), let upstream = bool(), let facts = optional({ $0.facts() }),
            let length = uint64(), length <= UInt64(end - offset)
        else { return nil }
        let range = offset..<(offset + Int(length))
        offset = range.upperBound
        let store = self.store
        let details = Deferred<IncidentDetails> {
            var reader = ByteReader(store, range: range)
            guard let details = reader.incidentDetails(), reader.atEnd else {
                preconditionFailure("a record in .herald-cache/cache passed its checksum but does not decode; delete .herald-cache and build again")
            }
            return details
        }
        return Incident(id: id, severity: severity, components: components, impactStarted: impactStarted, upstream: upstream, details: details, facts: facts)
    }

    mutating func incidentDetails() -> IncidentDetails? {
        guard let title = string(),
            let roles = array({ r -> (role: String, person: String)? in
                guard let role = r.string(), let person = r.string() else { return nil }
                return (role, person)
            }),
            let summary = string(), let events = array({ $0.event() }), let corrections = array({ $0.correction() })
        else { return nil }
        return IncidentDetails(title: title, roles: roles, summary: summary, events: events, corrections: corrections)
    }

    mutating func facts() -> IncidentFacts? {
        guard let status = raw(IncidentStatus.self), let reopened = bool(), let started = time(), let created = time(), let updated = time(),
            let monitoring = optional({ $0.time() }), let resolved = optional({ $0.time() }),
            let open = array({ r -> (String, ComponentStatus)? in
                guard let id = r.string(), let status = r.raw(ComponentStatus.self) else { return nil }
                return (id, status)
            }),
            let affected = array({ $0.string() }), let severity = raw(Severity.self)
        else { return nil }
        return IncidentFacts(
            status: status, reopened: reopened, startedAt: started, createdAt: created, updatedAt: updated, monitoringAt: monitoring,
            resolvedAt: resolved, openComponentStatus: Dictionary(open) { a, _ in a }, affectedComponents: affected, severity: severity)
    }

    mutating func maintenance() -> Maintenance? {
        guard let id = string(), let title = string(), let components = array({ $0.string() }), let start = time(), let end = time(),
            let summary = string(), let events = array({ $0.event() }), let corrections = array({ $0.correction() })
        else { return nil }
        return Maintenance(
            id: id, title: title, components: components, scheduledStart: start, scheduledEnd: end, summary: summary, events: events, corrections: corrections)
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
