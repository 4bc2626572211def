import Foundation

/// Times typed on the command line: RFC 3339 with an offset (`2026-11-22T15:05:00+01:00`, with or
/// without milliseconds), `HH:MM` or `HH:MM:SS` (UTC: the most recent such time that is not after
/// `now`, so `23:55` typed at 00:05 is five past midnight's yesterday), relative (`-15m`, `-1h30m`)
/// or `now`.
package enum TimeInput {
    /// With `upcoming` (maintenance windows), `HH:MM` is the next such time that is not before
    /// `now` instead: at 22:00, `02:00` is four hours ahead, tomorrow.
    package static func parse(_ text: String, now: Timestamp, upcoming: Bool = false) throws -> Timestamp {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed == "now" { return now }
        if trimmed.hasPrefix("-") || trimmed.hasPrefix("+") {
            let duration = String(trimmed.dropFirst())
            guard let seconds = DurationText.parse(duration) else {
                if DurationText.overflows(duration) { throw HeraldError("'\(text)' is out of range (expected a time from 1970 to 9999)") }
                throw HeraldError("'\(text)' is not a relative time (expected e.g. -15m, -1h30m)")
            }
            // Both in range, so the sum cannot overflow; the result is checked below.
            guard seconds <= InputRules.maxDuration else { throw HeraldError("'\(text)' is out of range (expected a time from 1970 to 9999)") }
            return try inRange(now.adding(seconds: trimmed.hasPrefix("-") ? -seconds : seconds), text)
        }
        let parts = trimmed.split(separator: ":", omittingEmptySubsequences: false)
        if trimmed.count <= 8, parts.count == 2 || parts.count == 3, parts.allSatisfy({ $0.allSatisfy(\.isASCII) }),
            (1...2).contains(parts[0].count), let hour = Int(parts[0]), let minute = Int(parts[1]),
            (0..<24).contains(hour), (0..<60).contains(minute), parts[1].count == 2
        {
            var second = 0
            if parts.count == 3 {
                guard parts[2].count == 2, let value = Int(parts[2]), (0..<60).contains(value) else {
                    throw HeraldError("'\(text)' is not a time (expected HH:MM or HH:MM:SS in UTC)")
                }
                second = value
            }
            let today = now.startOfDay.adding(seconds: Int64(hour * 3600 + minute * 60 + second))
            if upcoming { return today < now ? today.adding(seconds: 86_400) : today }
            // The most recent such time that is not in the future: at 00:05, 23:55 is yesterday's.
            // Within a minute ahead (clock skew between machines) it is still this minute.
            return today > now.adding(seconds: 60) ? today.adding(seconds: -86_400) : today
        }
        do {
            return try inRange(Timestamp.parse(rfc3339: trimmed), text)
        } catch let error as HeraldError {
            throw error
        } catch Timestamp.ParseError.missingZone {
            throw HeraldError("time '\(text)' has no zone (expected RFC 3339 with Z or an offset, HH:MM in UTC, or -15m)")
        } catch {
            throw HeraldError("'\(text)' is not a time (expected RFC 3339 such as 2026-11-22T14:05:00Z, HH:MM in UTC, or -15m)")
        }
    }

    /// "Now" for this process: `--now`, else `SOURCE_DATE_EPOCH`, else the clock.
    package static func now(option: String?, environment: [String: String]) throws -> Timestamp {
        let clock = Timestamp(milliseconds: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
        if let option { return try parse(option, now: clock) }
        if let epoch = environment["SOURCE_DATE_EPOCH"], !epoch.isEmpty {
            guard let seconds = Int64(epoch) else {
                throw HeraldError("SOURCE_DATE_EPOCH '\(epoch)' is not a number of seconds")
            }
            return try inRange(Timestamp(seconds: seconds), "SOURCE_DATE_EPOCH \(epoch)")
        }
        return clock
    }

    /// `time`, or an error when it is outside 1970–9999 (`InputRules.timeRangeProblem`).
    static func inRange(_ time: Timestamp, _ text: String) throws -> Timestamp {
        if InputRules.timeRangeProblem(time) != nil {
            throw HeraldError("'\(text)' is \(time < InputRules.earliest ? "before 1970" : "after 9999") (expected a time from 1970-01-01 to 9999-12-31)")
        }
        return time
    }
}
