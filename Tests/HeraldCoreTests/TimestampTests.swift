import Foundation
import Testing

@testable import HeraldCore

@Suite struct TimestampTests {
    @Test(arguments: [
        ("2026-11-22T14:05:00Z", "2026-11-22T14:05:00Z"),
        ("2026-11-22T15:05:00+01:00", "2026-11-22T14:05:00Z"),
        ("2026-11-22T09:05:00-05:00", "2026-11-22T14:05:00Z"),
        ("2026-11-22t14:05:00.123z", "2026-11-22T14:05:00.123Z"),
        ("2026-11-22T14:05:00.5Z", "2026-11-22T14:05:00.500Z"),
        ("2026-11-22T14:05:00.1239Z", "2026-11-22T14:05:00.123Z"),
        ("2026-11-22T14:05:00.000Z", "2026-11-22T14:05:00Z"),
        ("1969-12-31T23:59:59.250Z", "1969-12-31T23:59:59.250Z"),
        ("2024-02-29T00:00:00Z", "2024-02-29T00:00:00Z"),
        ("2026-01-01T00:30:00+01:00", "2025-12-31T23:30:00Z")
    ])
    func parsesAndNormalisesToUTC(input: String, expected: String) throws {
        #expect(try Timestamp.parse(rfc3339: input).rfc3339 == expected)
    }

    @Test func refusesTimeWithoutZone() {
        #expect(throws: Timestamp.ParseError.missingZone) { try Timestamp.parse(rfc3339: "2026-11-22T14:05:00") }
    }

    @Test(arguments: ["2026-13-01T00:00:00Z", "2025-02-29T00:00:00Z", "yesterday", "2026-11-22 25:00:00Z", ""])
    func refusesMalformed(input: String) {
        #expect(throws: Timestamp.ParseError.self) { try Timestamp.parse(rfc3339: input) }
    }

    @Test func formats() throws {
        let t = try Timestamp.parse(rfc3339: "2026-11-22T14:05:09Z")
        #expect(t.display == "2026-11-22 14:05 UTC")
        #expect(t.basic == "20261122T140509Z")
        #expect(t.rfc822 == "Sun, 22 Nov 2026 14:05:09 +0000")
        #expect(t.longDate == "22 November 2026")
        #expect(t.startOfDay.rfc3339 == "2026-11-22T00:00:00Z")
    }

    @Test func civilRoundTripOverCenturies() {
        for days in stride(from: -800_000, to: 800_000, by: 997) {
            let t = Timestamp(seconds: Int64(days) * 86_400 + 3661)
            let c = t.civil
            #expect(Timestamp(year: c.year, month: c.month, day: c.day, hour: c.hour, minute: c.minute, second: c.second) == t)
        }
    }

    @Test(arguments: [("30m", 1800), ("1h", 3600), ("1h30m", 5400), ("2d", 172_800), ("45s", 45)])
    func durations(text: String, seconds: Int64) {
        #expect(DurationText.parse(text) == seconds)
    }

    @Test(arguments: ["", "m", "30", "30x", "-5m"])
    func badDurations(text: String) {
        #expect(DurationText.parse(text) == nil)
    }

    @Test func timeInput() throws {
        let now = try Timestamp.parse(rfc3339: "2026-11-22T15:00:00Z")
        #expect(try TimeInput.parse("-15m", now: now).rfc3339 == "2026-11-22T14:45:00Z")
        #expect(try TimeInput.parse("14:05", now: now).rfc3339 == "2026-11-22T14:05:00Z")
        #expect(try TimeInput.parse("2026-11-22T15:05:00+01:00", now: now).rfc3339 == "2026-11-22T14:05:00Z")
        #expect(throws: HeraldError.self) { try TimeInput.parse("2026-11-22T14:05:00", now: now) }
        #expect(throws: HeraldError.self) { try TimeInput.parse("this morning", now: now) }
    }
}

@Suite struct TimestampFormattingTests {
    /// The byte-level formatter against Foundation's ISO 8601 formatter, over 1970–2199.
    @Test func formatsLikeFoundation() {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        var seed: UInt64 = 3
        for _ in 0..<2000 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1
            let seconds = Int64(seed >> 31) % 7_258_118_400
            let t = Timestamp(seconds: seconds)
            let expected = formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
            #expect(t.rfc3339 == expected)
            #expect(t.date == String(expected.prefix(10)))
            #expect(t.display == "\(expected.prefix(10)) \(expected.dropFirst(11).prefix(5)) UTC")
            #expect(t.displayTime == "\(expected.dropFirst(11).prefix(5)) UTC")
        }
    }
}
