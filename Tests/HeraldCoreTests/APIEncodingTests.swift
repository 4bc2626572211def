import Foundation
import Testing

@testable import HeraldCore

/// The Statuspage API is written by `JSONBytes`, not JSONEncoder (which took ten times as long);
/// every file must still be byte for byte what JSONEncoder with sorted keys writes.
@Suite struct APIEncodingTests {
    typealias A = AssemblerTests

    func expectSameBytes(_ context: RenderContext) throws {
        let envelopes = StatuspageAPIRenderer().envelopes(context)
        #expect(envelopes.count == 8)
        let files = Dictionary(uniqueKeysWithValues: StatuspageAPIRenderer().render(context).map { ($0.path, $0.bytes) })
        for (name, envelope) in envelopes {
            let reference = try StatuspageAPIRenderer.encodedWithFoundation(envelope)
            let written = try #require(files["api/v2/" + name])
            let same = written == reference
            #expect(same, "\(name): \(String(decoding: written, as: UTF8.self))\nJSONEncoder: \(String(decoding: reference, as: UTF8.self))")
        }
    }

    @Test func theExampleSiteIsEncodedAsJSONEncoderWouldEncodeIt() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let content = try ContentLoader(layout: SiteLayout(root: root)).load()
        let model = SiteAssembler().assemble(content, now: A.t("2026-11-22T15:00:00Z"))
        #expect(!model.incidents.isEmpty && !model.maintenances.isEmpty)
        try expectSameBytes(RenderContext(model: model, theme: .builtIn()))
    }

    @Test func everyEscapeAndAbsentFieldMatches() throws {
        // Every control character, quotes, backslashes, slashes, non-ASCII; an open and a resolved
        // incident with component changes; maintenance past, running and upcoming; a component
        // with a description and one in no group.
        var tricky = "say \"hi\" \\ a/b é😀 \u{2028}\u{7F}"
        for byte in 0..<32 { tricky.unicodeScalars.append(Unicode.Scalar(UInt8(byte))) }
        var update = A.update("investigating", "2026-11-22T14:00:00Z", ["api": .majorOutage, "web": .degradedPerformance])
        update.body = tricky
        let open = Incident(
            id: "2026-11-22-tricky", title: tricky, severity: .major, components: ["api", "web"], impactStarted: nil, upstream: true,
            roles: [], summary: tricky, events: [update, A.update("identified", "2026-11-22T14:20:00Z", ["api": .partialOutage])])
        let resolved = A.incident(
            "2026-11-20-done", severity: .minor, components: ["search"],
            events: [
                A.update("investigating", "2026-11-20T10:00:00Z"), A.update("monitoring", "2026-11-20T10:30:00Z"),
                A.update("resolved", "2026-11-20T11:00:00Z")
            ])
        func maintenance(_ id: String, _ start: String, _ end: String, events: [Event] = []) -> Maintenance {
            Maintenance(
                id: id, title: id + " \"window\"", components: ["web"], scheduledStart: A.t(start), scheduledEnd: A.t(end), summary: tricky, events: events)
        }
        var settings = A.settings
        settings.components[0].description = "The \"public\" API\n"
        let content = SiteContent(
            settings: settings, people: [], incidents: [open, resolved],
            maintenances: [
                maintenance("2026-11-01-past", "2026-11-01T01:00:00Z", "2026-11-01T02:00:00Z"),
                maintenance("2026-11-22-now", "2026-11-22T14:30:00Z", "2026-11-22T16:00:00Z", events: [A.update("in_progress", "2026-11-22T14:30:00Z")]),
                maintenance("2026-11-30-later", "2026-11-30T01:00:00Z", "2026-11-30T02:00:00Z")
            ],
            postmortems: [])
        let model = SiteAssembler().assemble(content, now: A.t("2026-11-22T15:00:00Z"))
        try expectSameBytes(RenderContext(model: model, theme: .builtIn()))
        // And the escapes really were exercised.
        let summary = try #require(StatuspageAPIRenderer().render(RenderContext(model: model, theme: .builtIn())).first { $0.path == "api/v2/summary.json" })
        let text = String(decoding: summary.bytes, as: UTF8.self)
        #expect(text.contains(#"say \"hi\" \\ a/b é😀"#) && text.contains(#"\u0000\u0001"#) && text.contains(#"\b\t\n\u000b\f\r"#))
        #expect(text.contains(#""description":"The \"public\" API\n""#) && text.contains(#""group_id":null"#))
    }
}
