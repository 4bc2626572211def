import Foundation
import Testing

@testable import HeraldCore

/// The parse cache codes records through their generated `CacheCodable` conformances: every
/// record type must come back as it was written, with every optional field both absent and
/// present, and bytes that are not a record must give nil, never a trap.
@Suite struct RecordCodecTests {
    static let at = Timestamp(seconds: 1_795_000_000)

    static func event(_ n: Int, kind: Event.Kind, full: Bool) -> Event {
        var event = Event(
            fileName: "20261122T140500.120Z-000\(n)-identified-k3f9.md", at: at.adding(seconds: Int64(n) * 60), seq: n, by: full ? "@dana" : nil,
            kind: kind, body: full ? "Grüße 🚒 <b>&amp;</b>\n" : "", bodyLine: n + 3, severity: full ? .critical : nil, cancelled: full,
            editedAt: full ? at.adding(seconds: 9_999) : nil)
        event.bodyFileName = full ? "20261122T150000Z-edit-a1b2.md" : nil
        return event
    }

    static func events(full: Bool) -> [Event] {
        [
            event(0, kind: .update(status: "investigating", components: []), full: full),
            event(
                1, kind: .update(status: "identified", components: [.init(id: "api", status: .majorOutage), .init(id: "web", status: .degradedPerformance)]),
                full: full),
            event(2, kind: .note(milestone: full ? .mitigated : nil), full: full),
            event(3, kind: .role(role: "incident-lead", person: "Dana Whitfield"), full: full)
        ]
    }

    static func correction(full: Bool) -> Correction {
        Correction(
            action: full ? .edit : .retract, fileName: "20261122T150000Z-edit-a1b2.md", at: at.adding(seconds: 600), seq: 7, by: full ? "@sam" : nil,
            target: "20261122T140500Z-identified-k3f9.md", components: full ? [.init(id: "api", status: .operational)] : nil, body: "Typo.\n",
            bodyLine: 5)
    }

    static func incident(full: Bool) -> Incident {
        Incident(
            id: "2026-11-22-api-errors", title: "API errors", severity: .major, components: full ? ["api", "web"] : [],
            impactStarted: full ? at.adding(seconds: -300) : nil, upstream: full, roles: full ? [.init(role: "incident-lead", person: "@dana")] : [],
            summary: full ? "What happened.\n" : "", events: events(full: full), corrections: full ? [correction(full: true), correction(full: false)] : [])
    }

    static func maintenance(full: Bool) -> Maintenance {
        Maintenance(
            id: "2026-11-30-db-upgrade", title: "Database upgrade", components: full ? ["db"] : [], scheduledStart: at, scheduledEnd: at.adding(seconds: 3_600),
            summary: full ? "Expect brief errors.\n" : "", events: events(full: full), corrections: full ? [correction(full: true)] : [])
    }

    static func postmortem(full: Bool) -> Postmortem {
        Postmortem(
            incidentID: "2026-11-22-api-errors", path: "content/postmortems/2026-11-22-api-errors.md", status: full ? .published : .draft,
            published: full ? at.adding(seconds: 86_400) : nil, summary: "A bad deploy.", authors: full ? ["incident-lead", "@dana"] : [],
            timeline: [
                .init(at: at, text: "Alerts fired.", milestone: full ? .detected : nil, line: 12),
                .init(at: at.adding(seconds: 60), text: "Rolled back.", milestone: nil, line: 13)
            ],
            actionItems: [
                .init(title: "Canary deploys", type: .prevent, owner: full ? "platform" : nil, status: .open, link: full ? "https://example.com/1" : nil),
                .init(title: "Page on error rate", type: .detect, owner: nil, status: .done, link: nil)
            ], body: "## Impact\n\nAll API calls failed.\n", bodyLine: 20)
    }

    @Test(arguments: [false, true]) func everyRecordTypeComesBackAsItWasWritten(full: Bool) throws {
        let incident = Self.incident(full: full)
        #expect(RecordCodec.decode(Incident.self, from: RecordCodec.encode(incident)) == incident)
        let maintenance = Self.maintenance(full: full)
        #expect(RecordCodec.decode(Maintenance.self, from: RecordCodec.encode(maintenance)) == maintenance)
        let postmortem = Self.postmortem(full: full)
        #expect(RecordCodec.decode(Postmortem.self, from: RecordCodec.encode(postmortem)) == postmortem)
        let facts = try #require(IncidentFacts(replaying: incident))
        #expect(RecordCodec.decode(IncidentFacts.self, from: RecordCodec.encode(facts)) == facts)
        // A cache entry: the facts now, the record when first asked for.
        let block = ContentCache.encode(LoadedIncident(incident))
        let loaded = try #require(ContentCache.incident(in: block.store, block.range, id: incident.id, stamp: 3) { nil })
        #expect(loaded.facts == facts && loaded.stamp == 3 && loaded.incident == incident)
    }

    /// Every cut of an encoding, and the encoding with a byte more, is not a record; a record
    /// never decodes as another type.
    @Test func bytesThatAreNotARecordGiveNil() {
        let bytes = RecordCodec.encode(Self.incident(full: true))
        for end in 0..<bytes.count {
            #expect(RecordCodec.decode(Incident.self, from: Array(bytes[..<end])) == nil, "cut at \(end) of \(bytes.count)")
        }
        #expect(RecordCodec.decode(Incident.self, from: bytes + [0]) == nil)
        #expect(RecordCodec.decode(Maintenance.self, from: bytes) == nil)
        #expect(RecordCodec.decode(Postmortem.self, from: RecordCodec.encode(Self.maintenance(full: true))) == nil)
    }

    /// A count or a length that the bytes left cannot hold is refused before anything is
    /// allocated for it; a byte that is neither 0 nor 1 is not a Bool; an unknown status is not one.
    @Test func liesInTheBytesAreRefused() throws {
        var huge = ByteWriter()
        huge.string("2026-11-22-api-errors")
        huge.uint64(UInt64.max)  // the title's length
        #expect(RecordCodec.decode(Incident.self, from: huge.bytes) == nil)

        var items = ByteWriter()
        items.string("x")
        items.string("x")
        items.string("major")
        items.uint64(1 << 60)  // components' count
        #expect(RecordCodec.decode(Incident.self, from: items.bytes) == nil)

        // `upstream` is the byte after the components' count and `impactStarted`'s presence.
        var bytes = RecordCodec.encode(Self.incident(full: false))
        var writer = ByteWriter()
        writer.string("2026-11-22-api-errors")
        writer.string("API errors")
        writer.string("major")
        writer.uint64(0)
        writer.bool(false)
        let offset = writer.bytes.count
        #expect(bytes[offset] == 0, "the layout this test assumes")
        bytes[offset] = 2
        #expect(RecordCodec.decode(Incident.self, from: bytes) == nil)

        var status = RecordCodec.encode(Self.maintenance(full: false))
        let range = try #require(status.firstRange(of: Array("investigating".utf8)))
        status.replaceSubrange(range, with: Array("investigatinG".utf8))
        let maintenance = RecordCodec.decode(Maintenance.self, from: status)
        #expect(maintenance?.events.first?.status == "investigatinG", "an event's status is a string the loader checked; it stays as written")
        var milestone = RecordCodec.encode(Self.postmortem(full: true))
        let detected = try #require(milestone.firstRange(of: Array("detected".utf8)))
        milestone.replaceSubrange(detected, with: Array("Detected".utf8))
        #expect(RecordCodec.decode(Postmortem.self, from: milestone) == nil, "a milestone is one of its cases")
    }

    /// A dictionary is coded in key order, so equal ones code alike; one whose bytes name a key
    /// twice is refused.
    @Test func dictionariesCodeInKeyOrderAndRefuseAKeyTwice() {
        let statuses: [String: ComponentStatus] = ["web": .majorOutage, "api": .degradedPerformance, "db": .operational]
        var reversed: [String: ComponentStatus] = [:]
        for key in statuses.keys.sorted().reversed() { reversed[key] = statuses[key] }
        #expect(RecordCodec.encode(statuses) == RecordCodec.encode(reversed))
        #expect(RecordCodec.decode([String: ComponentStatus].self, from: RecordCodec.encode(statuses)) == statuses)
        var twice = ByteWriter()
        twice.uint64(2)
        for _ in 0..<2 {
            twice.string("api")
            twice.string("operational")
        }
        #expect(RecordCodec.decode([String: ComponentStatus].self, from: twice.bytes) == nil)
    }

    /// Flipped bits anywhere give a record or nil, never a trap (the fuzz target does the same
    /// with coverage, in CI).
    @Test func flippedBitsNeverTrap() {
        let bytes = RecordCodec.encode(Self.incident(full: true))
        var state: UInt64 = 1
        for _ in 0..<3_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            var changed = bytes
            let index = Int(state >> 33) % changed.count
            changed[index] ^= UInt8(1 << (state >> 20 & 7))
            _ = RecordCodec.decode(Incident.self, from: changed)
        }
    }

    /// A block that passes its checksum but whose record does not decode (a forged cache) is read
    /// again from its folder when first asked for.
    @Test func aRecordThatDoesNotDecodeIsReadAgain() throws {
        let incident = Self.incident(full: true)
        var writer = ByteWriter()
        writer.optional(IncidentFacts(replaying: incident)) { $0.span(RecordCodec.encode($1)) }
        writer.span(Array(RecordCodec.encode(incident).dropLast()))
        let block = ContentCache.Block(writer.bytes)
        let loaded = try #require(ContentCache.incident(in: block.store, block.range, id: incident.id, stamp: nil) { Self.incident(full: false) })
        #expect(loaded.incident == Self.incident(full: false))
        // One with another id is not believed either.
        var other = incident
        other.id = "2026-11-23-other"
        let moved = ContentCache.encode(LoadedIncident(other))
        let read = try #require(ContentCache.incident(in: moved.store, moved.range, id: incident.id, stamp: nil) { Self.incident(full: false) })
        #expect(read.incident == Self.incident(full: false))
    }
}
