import Foundation
import Testing

@testable import HeraldCore

/// An incident read back from the parse cache must be the incident that was written (decoded when
/// first asked for), with the facts the assembler would have replayed from its events (which a
/// rebuild takes from the cache instead).
@Suite struct ParseCacheTests {
    /// A seeded generator (RandomViews' SplitMix64), so a failure names a case that can be run again.
    struct Random {
        var base: RandomViews
        init(state: UInt64) { base = RandomViews(state: state) }
        mutating func next() -> UInt64 { base.next() }
        mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
        mutating func bool() -> Bool { next() & 1 == 1 }
        mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }
        mutating func text() -> String {
            let words = ["", "db", "Grüße", "a long sentence about the replica lag that goes past fifteen bytes", "<b>&amp;</b>", "🚒 fire", "@dana"]
            return (0..<int(0...3)).map { _ in pick(words) }.joined(separator: " ")
        }
    }

    static let components = ["api", "search", "web", "a-component-with-a-long-id"]

    static func incident(_ random: inout Random, index: Int) -> Incident {
        var at = Timestamp(seconds: 1_700_000_000 + Int64(index) * 86_400)
        var events: [Event] = []
        for n in 0..<random.int(0...7) {
            at = at.adding(seconds: Int64(random.int(0...3_600)))
            let kind: Event.Kind
            switch random.int(0...5) {
            case 0: kind = .note(milestone: random.bool() ? random.pick(Milestone.allCases) : nil)
            case 1: kind = .role(role: random.pick(["incident-lead", "messenger"]), person: random.text())
            default:
                // Unknown statuses too: the assembler reads them as investigating.
                let status = random.pick(IncidentStatus.allCases.map(\.rawValue) + ["unknown"])
                let changes = (0..<random.int(0...3)).map { _ in
                    Event.ComponentChange(id: random.pick(components), status: random.pick(ComponentStatus.writable))
                }
                kind = .update(status: status, components: changes)
            }
            events.append(
                Event(
                    fileName: "\(n)-event.md", at: at, by: random.bool() ? random.text() : nil, kind: kind, body: random.text(),
                    bodyLine: random.int(1...9)))
        }
        return Incident(
            id: "2026-11-\(index)-incident", title: random.text(), severity: random.pick(Severity.allCases),
            components: (0..<random.int(0...2)).map { _ in random.pick(components) },
            impactStarted: random.bool() ? Timestamp(seconds: 1_699_000_000 + Int64(index)) : nil, upstream: random.bool(),
            roles: (0..<random.int(0...2)).map { _ in Incident.Role(role: random.pick(["incident-lead", "responder"]), person: random.text()) },
            summary: random.text(), events: events)
    }

    static func encode(_ incident: Incident) -> ContentCache.Block { ContentCache.encode(LoadedIncident(incident)) }

    /// An incident as the cache gives it back: the record itself is decoded when first asked for.
    static func decode(_ block: ContentCache.Block, id: String) -> LoadedIncident? {
        ContentCache.incident(in: block.store, block.range, id: id, stamp: nil) {
            Issue.record("the record of \(id) did not decode")
            return nil
        }
    }

    @Test func anIncidentReadBackIsTheIncidentWritten() throws {
        var random = Random(state: 42)
        var withState = 0
        for index in 0..<2_000 {
            let written = Self.incident(&random, index: index)
            let loaded = try #require(Self.decode(Self.encode(written), id: written.id), "case \(index)")
            #expect(loaded.id == written.id && loaded.incident == written, "case \(index)")
            // The facts the cache kept are the ones a replay of the events gives.
            let replayed = IncidentFacts(replaying: written)
            #expect(loaded.facts == replayed, "case \(index)")
            guard let kept = SiteAssembler.state(of: loaded.incident, postmortem: nil), let fresh = SiteAssembler.state(of: written, postmortem: nil) else {
                #expect(replayed == nil, "case \(index)")
                continue
            }
            withState += 1
            #expect(kept.status == fresh.status && kept.reopened == fresh.reopened, "case \(index)")
            #expect(kept.componentStatus == fresh.componentStatus && kept.affectedComponents == fresh.affectedComponents, "case \(index)")
            for id in Self.components + ["unknown"] {
                #expect(kept.componentStatus(of: id) == fresh.componentStatus[id], "case \(index), \(id)")
            }
        }
        // The generator makes open, resolved and reopened incidents, and ones with no update.
        #expect(withState > 1_000 && withState < 2_000)
    }

    /// The incidents that take the paths the facts must get right.
    @Test func theGeneratorCoversReopenedAndOpenIncidents() {
        var random = Random(state: 42)
        var reopened = 0
        var open = 0
        var withOpenStatuses = 0
        for index in 0..<2_000 {
            guard let facts = IncidentFacts(replaying: Self.incident(&random, index: index)) else { continue }
            if facts.reopened { reopened += 1 }
            if facts.status != .resolved { open += 1 }
            if !facts.openComponentStatus.isEmpty { withOpenStatuses += 1 }
        }
        #expect(reopened > 20 && open > 200 && withOpenStatuses > 200)
    }

    /// Facts are what a rebuild's assembler trusts: they must agree with a replay of the events on
    /// which components each incident leaves in which state.
    @Test func aModelAssembledFromTheCacheIsTheModelAssembledFromTheFiles() throws {
        var random = Random(state: 7)
        let written = (0..<500).map { Self.incident(&random, index: $0) }
        let read = try written.map { try #require(Self.decode(Self.encode($0), id: $0.id)) }
        let settings = AssemblerTests.settings
        let now = Timestamp(seconds: 1_800_000_000)
        let fresh = SiteAssembler().assemble(SiteContent(settings: settings, people: [], incidents: written, maintenances: [], postmortems: []), now: now)
        let kept = SiteAssembler().assemble(SiteContent(settings: settings, people: [], incidents: read, maintenances: [], postmortems: []), now: now)
        #expect(kept.componentStatus == fresh.componentStatus)
        #expect(kept.overall == fresh.overall)
        #expect(kept.incidents.map(\.id) == fresh.incidents.map(\.id))
        #expect(kept.incidents.map(\.createdAt) == fresh.incidents.map(\.createdAt))
        #expect(kept.incidents.map(\.startedAt) == fresh.incidents.map(\.startedAt))
        #expect(kept.incidents.map(\.updatedAt) == fresh.incidents.map(\.updatedAt))
        #expect(kept.incidents.map(\.monitoringAt) == fresh.incidents.map(\.monitoringAt))
        #expect(kept.incidents.map(\.resolvedAt) == fresh.incidents.map(\.resolvedAt))
    }

    /// Blocks are checked with `StableHasher`, eight bytes at a time: a changed bit anywhere, in
    /// the words or in the 1–7 bytes after them, changes the hash, and so does moving a string's
    /// boundary.
    @Test func theChecksumSeesEveryBitAndEveryBoundary() {
        var random = Random(state: 3)
        for length in 0...40 {
            let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            let original = StableHasher.hash(bytes)
            #expect(StableHasher.hash(bytes + [0]) != original, "length \(length)")
            for index in bytes.indices {
                for bit in 0..<8 {
                    var changed = bytes
                    changed[index] ^= 1 << bit
                    #expect(StableHasher.hash(changed) != original, "length \(length), byte \(index), bit \(bit)")
                }
            }
        }
        var ab = StableHasher()
        var a = StableHasher()
        ab.combine("ab")
        ab.combine("c")
        a.combine("a")
        a.combine("bc")
        #expect(ab.value != a.value)
    }

    /// The next cache is written from pieces: entries encoded anew and runs of unchanged entries
    /// copied from the mapped cache they were read from. Three generations, each keeping some
    /// records and replacing others, must read back record for record, with their stamps, folder
    /// names and listings.
    @Test func aCacheWrittenFromKeptAndFreshEntriesReadsBack() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-cache-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent(".herald-cache")
        var random = Random(state: 11)
        var records = (0..<300).map { Self.incident(&random, index: $0) }
        var stamps = records.indices.map { UInt64($0) * 7 }
        func names(_ index: Int) -> [UInt8] { Array("incident.md\u{0}\(index)-event.md\u{0}".utf8) }
        func fresh(_ index: Int) -> ContentCache.Entry {
            ContentCache.Entry(name: records[index].id, stamp: stamps[index], names: names(index), block: Self.encode(records[index]))
        }
        var next = ContentCache.Next()
        next.incidents = records.indices.map(fresh)
        next.listings[0] = (stamp: 99, entries: records.indices.map { (records[$0].id, $0) })
        ContentCache.write(next, key: 5, to: url, temporary: nil)
        for generation in 1...3 {
            let cache = ContentCache.read(url, key: 5)
            try #require(cache.incidents.slots.count == records.count, "generation \(generation)")
            for (index, slot) in cache.incidents.slots.enumerated() {
                #expect(slot.stamp == stamps[index], "generation \(generation), record \(index)")
                #expect(cache.withNames(slot) { Array($0) } == names(index), "generation \(generation), record \(index)")
                let read = try #require(cache.incident(slot, id: records[index].id) { nil }, "generation \(generation), record \(index)")
                #expect(read.incident == records[index], "generation \(generation), record \(index)")
            }
            let listed = try #require(cache.listed(cache.incidents, stamp: 99))
            #expect(listed.names == records.map(\.id) && listed.slots.map { $0?.stamp } == stamps.map { $0 })
            #expect(cache.listed(cache.incidents, stamp: 98) == nil)
            // The next generation: every third record changes (runs of kept entries between).
            var kept = ContentCache.Next()
            for index in records.indices {
                if index % 3 == generation % 3 {
                    records[index] = Self.incident(&random, index: index)
                    stamps[index] += 1
                    kept.incidents.append(fresh(index))
                } else {
                    kept.incidents.append(cache.kept(cache.incidents.slots[index]))
                }
            }
            kept.listings[0] = (stamp: 99, entries: records.indices.map { (records[$0].id, $0) })
            ContentCache.write(kept, key: 5, to: url, temporary: nil)
        }
        #expect(ContentCache.read(url, key: 6).incidents.slots.isEmpty)
    }
}

/// The output manifest is parsed by hand and written again from the lines it was read from:
/// both must agree with formatting every entry anew.
@Suite struct ManifestTests {
    @Test func aManifestWrittenFromItsOwnLinesEqualsOneFormattedAnew() {
        var random = ParseCacheTests.Random(state: 5)
        var entries: [(String, SiteWriter.Manifest.Entry)] = []
        for index in 0..<500 {
            let path = "incidents/2026-11-\(index)-x\(random.int(0...9))/index.html"
            let key: UInt64? = random.bool() ? random.next() : nil
            entries.append(
                (
                    path,
                    SiteWriter.Manifest.Entry(
                        size: random.int(0...1_000_000), mtime: Int64(random.int(0...Int(Int32.max))) * 1_000_000_007, inode: random.next() >> 20,
                        hash: random.next(), key: key)
                ))
        }
        let formatted = SiteWriter.manifestBytes(entries)
        let parsed = SiteWriter.parseManifest(formatted)!
        #expect(parsed.paths == entries.map(\.0))
        for (path, entry) in entries { #expect(parsed.entries[path] == entry, "\(path)") }
        // Written again: every other entry kept (with its line), the rest changed (formatted).
        var next: [(String, SiteWriter.Manifest.Entry)] = []
        for (index, (path, _)) in entries.enumerated() {
            var entry = parsed.entries[path]!
            if index % 2 == 1 {
                entry = SiteWriter.Manifest.Entry(size: entry.size + 1, mtime: entry.mtime, inode: entry.inode, hash: entry.hash, key: entry.key)
            }
            next.append((path, entry))
        }
        let reused = SiteWriter.manifestBytes(next, source: parsed.bytes)
        // Compared as one Bool: a failed comparison of the bytes would print all 60 KB of them.
        let same =
            reused
            == SiteWriter.manifestBytes(
                next.map { ($0.0, SiteWriter.Manifest.Entry(size: $0.1.size, mtime: $0.1.mtime, inode: $0.1.inode, hash: $0.1.hash, key: $0.1.key)) })
        #expect(same)
        // A line that does not belong to the path is not copied.
        var wrong = parsed.entries[entries[0].0]!
        wrong.line = parsed.entries[entries[2].0]!.line
        let refused = SiteWriter.manifestBytes([(entries[0].0, wrong)], source: parsed.bytes) == SiteWriter.manifestBytes([(entries[0].0, entries[0].1)])
        #expect(refused)
    }
}
