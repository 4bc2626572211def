import Testing
@testable import HeraldCore

/// An incident read back from the parse cache must be the incident that was written: its header at
/// once, its title, roles, summary and events when first asked for, and the facts the assembler
/// would have replayed from its events (which a rebuild takes from the cache instead).
@Suite struct ParseCacheTests {
    /// A seeded generator (SplitMix64), so a failure names a case that can be run again.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
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
            events.append(Event(
                fileName: "\(n)-event.md", at: at, by: random.bool() ? random.text() : nil, kind: kind, body: random.text(),
                bodyLine: random.int(1...9)))
        }
        return Incident(
            id: "2026-11-\(index)-incident", title: random.text(), severity: random.pick(Severity.allCases),
            components: (0..<random.int(0...2)).map { _ in random.pick(components) },
            impactStarted: random.bool() ? Timestamp(seconds: 1_699_000_000 + Int64(index)) : nil, upstream: random.bool(),
            roles: (0..<random.int(0...2)).map { _ in (random.pick(["incident-lead", "responder"]), random.text()) },
            summary: random.text(), events: events)
    }

    static func decode(_ block: ContentCache.Block) -> Incident? {
        var reader = ByteReader(Array(block.bytes))
        guard let incident = reader.incident(), reader.atEnd else { return nil }
        return incident
    }

    @Test func anIncidentReadBackIsTheIncidentWritten() throws {
        var random = Random(state: 42)
        var withState = 0
        for index in 0..<2_000 {
            let written = Self.incident(&random, index: index)
            let read = try #require(Self.decode(ContentCache.encode(written)), "case \(index)")
            #expect(read.id == written.id && read.severity == written.severity && read.components == written.components, "case \(index)")
            #expect(read.impactStarted == written.impactStarted && read.upstream == written.upstream, "case \(index)")
            #expect(read.title == written.title && read.summary == written.summary, "case \(index)")
            #expect(read.roles.map(\.role) == written.roles.map(\.role) && read.roles.map(\.person) == written.roles.map(\.person), "case \(index)")
            #expect(read.events == written.events && read.updates == written.updates, "case \(index)")
            // The facts the cache kept are the ones a replay of the events gives.
            let replayed = SiteAssembler.facts(of: written)
            #expect(read.facts == replayed, "case \(index)")
            guard let kept = SiteAssembler.state(of: read, postmortem: nil), let fresh = SiteAssembler.state(of: written, postmortem: nil) else {
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
        var reopened = 0, open = 0, withOpenStatuses = 0
        for index in 0..<2_000 {
            guard let facts = SiteAssembler.facts(of: Self.incident(&random, index: index)) else { continue }
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
        let read = try written.map { try #require(Self.decode(ContentCache.encode($0))) }
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
        var ab = StableHasher(), a = StableHasher()
        ab.combine("ab"); ab.combine("c")
        a.combine("a"); a.combine("bc")
        #expect(ab.value != a.value)
    }
}
