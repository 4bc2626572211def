import Foundation

/// A point in time, in milliseconds since 1970-01-01T00:00:00Z (`seconds` rounds down).
///
/// Herald stores and shows every time in UTC, so it needs no calendar or time-zone database:
/// conversions use the proleptic Gregorian civil-date algorithms (H. Hinnant), which are exact,
/// fast and independent of the machine's locale and zone.
package struct Timestamp: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// Milliseconds since the epoch: event times keep the sub-second part they were posted with.
    package var milliseconds: Int64

    /// Whole seconds since the epoch (rounded down).
    package var seconds: Int64 {
        get { milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000 }
        set { milliseconds = newValue * 1000 + millisecond }
    }

    /// The milliseconds within the second, 0…999.
    package var millisecond: Int64 { milliseconds - seconds * 1000 }

    /// Saturates instead of trapping: a time of seconds beyond ±292 million years (a hostile
    /// `SOURCE_DATE_EPOCH`) becomes the farthest representable one, which every range check refuses.
    package init(seconds: Int64) {
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        milliseconds = overflow ? (seconds < 0 ? .min : .max) : product
    }

    package init(milliseconds: Int64) { self.milliseconds = milliseconds }

    package init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0, millisecond: Int = 0) {
        let days = Self.daysFromCivil(year: year, month: month, day: day)
        milliseconds = (Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second)) * 1000 + Int64(millisecond)
    }

    package static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.milliseconds < rhs.milliseconds }

    /// Saturating, like `init(seconds:)`: no input can make time arithmetic trap.
    package func adding(seconds delta: Int64) -> Timestamp {
        let (sum, overflow) = milliseconds.addingReportingOverflow(Timestamp(seconds: delta).milliseconds)
        return Timestamp(milliseconds: overflow ? (delta < 0 ? .min : .max) : sum)
    }

    /// The same time without its milliseconds.
    package var wholeSecond: Timestamp { Timestamp(seconds: seconds) }

    package var description: String { rfc3339 }

    // MARK: - Parsing

    package enum ParseError: Error, Equatable {
        case missingZone
        case malformed
    }

    /// Parses RFC 3339 (`2026-11-22T14:05:00Z`, `2026-11-22T15:05:00+01:00`, optional fraction).
    /// A time without a zone is refused: Herald never guesses one.
    package static func parse(rfc3339 text: String) throws(ParseError) -> Timestamp {
        let bytes = Array(text.utf8)
        func digits(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= bytes.count else { return nil }
            var value = 0
            for index in start..<(start + count) {
                let byte = bytes[index]
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard bytes.count >= 19,
            let year = digits(0, 4), bytes[4] == 45,
            let month = digits(5, 2), bytes[7] == 45,
            let day = digits(8, 2),
            bytes[10] == 84 || bytes[10] == 116 || bytes[10] == 32,
            let hour = digits(11, 2), bytes[13] == 58,
            let minute = digits(14, 2), bytes[16] == 58,
            let second = digits(17, 2)
        else { throw .malformed }
        guard (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month),
            hour < 24, minute < 60, second < 61
        else { throw .malformed }
        var index = 19
        var millisecond = 0
        if index < bytes.count, bytes[index] == 46 {  // fractional seconds: milliseconds kept, the rest dropped
            index += 1
            let start = index
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                if index - start < 3 { millisecond = millisecond * 10 + Int(bytes[index] - 48) }
                index += 1
            }
            guard index > start else { throw .malformed }
            for _ in min(index - start, 3)..<3 { millisecond *= 10 }
        }
        guard index < bytes.count else { throw .missingZone }
        var offset = 0
        switch bytes[index] {
        case 90, 122:  // Z z
            guard index + 1 == bytes.count else { throw .malformed }
        case 43, 45:  // + -
            guard index + 6 == bytes.count, let oh = digits(index + 1, 2), bytes[index + 3] == 58,
                let om = digits(index + 4, 2), oh < 24, om < 60
            else { throw .malformed }
            offset = (oh * 3600 + om * 60) * (bytes[index] == 43 ? 1 : -1)
        default:
            throw .malformed
        }
        let local = Timestamp(year: year, month: month, day: day, hour: hour, minute: minute, second: min(second, 59), millisecond: millisecond)
        return Timestamp(milliseconds: local.milliseconds - Int64(offset) * 1000)
    }

    /// Parses a calendar date `YYYY-MM-DD` as midnight UTC.
    package static func parse(date text: String) -> Timestamp? {
        var text = text
        return text.withUTF8 { parse(date: $0) }
    }

    /// `YYYY-MM-DD` in ASCII bytes (every record id starts with one, checked on every build).
    static func parse(date b: UnsafeBufferPointer<UInt8>) -> Timestamp? {
        guard b.count == 10, b[4] == 45, b[7] == 45 else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for i in range {
                guard b[i] >= 48, b[i] <= 57 else { return nil }
                value = value * 10 + Int(b[i] - 48)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            (1...12).contains(month), day >= 1, day <= daysInMonth(year: year, month: month)
        else { return nil }
        return Timestamp(year: year, month: month, day: day)
    }

    // MARK: - Civil fields

    package struct Civil: Sendable, Equatable {
        package var year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int
    }

    package var civil: Civil {
        let seconds = self.seconds
        let days = Int(seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
        let rest = Int(seconds - Int64(days) * 86_400)
        let (y, m, d) = Self.civilFromDays(days)
        return Civil(year: y, month: m, day: d, hour: rest / 3600, minute: rest % 3600 / 60, second: rest % 60)
    }

    /// Midnight UTC of this timestamp's day.
    package var startOfDay: Timestamp {
        let seconds = self.seconds
        return Timestamp(seconds: seconds - ((seconds % 86_400) + 86_400) % 86_400)
    }

    // MARK: - Formatting

    /// `2026-11-22T14:05:00Z`, or `2026-11-22T14:05:00.120Z` when the time has milliseconds.
    package var rfc3339: String {
        let ms = millisecond
        return ms == 0 ? rfc3339Seconds : rfc3339Seconds.dropLast() + "." + pad(Int(ms), 3) + "Z"
    }

    /// `2026-11-22T14:05:00.000Z`: always three digits of milliseconds (Statuspage's API format).
    package var rfc3339Milliseconds: String {
        rfc3339Seconds.dropLast() + "." + pad(Int(millisecond), 3) + "Z"
    }

    /// `2026-11-22T14:05:00Z`: the whole second, milliseconds dropped.
    package var rfc3339Seconds: String {
        let c = civil
        if let fast = Self.format(c, "YYYY-MM-DDThh:mm:ssZ") { return fast }
        return "\(pad(c.year, 4))-\(pad(c.month))-\(pad(c.day))T\(pad(c.hour)):\(pad(c.minute)):\(pad(c.second))Z"
    }

    /// `2026-11-22 14:05 UTC`
    package var display: String {
        let c = civil
        if let fast = Self.format(c, "YYYY-MM-DD hh:mm UTC") { return fast }
        return "\(pad(c.year, 4))-\(pad(c.month))-\(pad(c.day)) \(pad(c.hour)):\(pad(c.minute)) UTC"
    }

    /// Fills a pattern's YYYY, MM, DD, hh, mm and ss with digits, byte by byte (these run for every
    /// time on every page); nil for years outside 0…9999, which the slow path pads as before.
    static func format(_ c: Civil, _ pattern: StaticString) -> String? {
        guard (0...9999).contains(c.year) else { return nil }
        return pattern.withUTF8Buffer { p -> String in
            var out = [UInt8](p)
            var i = 0
            func put(_ value: Int, _ width: Int) {
                var v = value
                for k in stride(from: width - 1, through: 0, by: -1) {
                    out[i + k] = UInt8(48 + v % 10)
                    v /= 10
                }
                i += width
            }
            while i < out.count {
                switch out[i] {
                case UInt8(ascii: "Y"): put(c.year, 4)
                case UInt8(ascii: "M"): put(c.month, 2)
                case UInt8(ascii: "D"): put(c.day, 2)
                case UInt8(ascii: "h"): put(c.hour, 2)
                case UInt8(ascii: "m"): put(c.minute, 2)
                case UInt8(ascii: "s"): put(c.second, 2)
                default: i += 1
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// `14:05 UTC`
    package var displayTime: String {
        let c = civil
        if let fast = Self.format(c, "hh:mm UTC") { return fast }
        return "\(pad(c.hour)):\(pad(c.minute)) UTC"
    }

    /// `2026-11-22`
    package var date: String {
        let c = civil
        if let fast = Self.format(c, "YYYY-MM-DD") { return fast }
        return "\(pad(c.year, 4))-\(pad(c.month))-\(pad(c.day))"
    }

    /// `20261122T140500Z` (file names)
    package var basic: String {
        let c = civil
        return "\(pad(c.year, 4))\(pad(c.month))\(pad(c.day))T\(pad(c.hour))\(pad(c.minute))\(pad(c.second))Z"
    }

    /// `20261122T140500.120Z` (event file names): `basic` with the milliseconds.
    package var basicMilliseconds: String {
        basic.dropLast() + "." + pad(Int(millisecond), 3) + "Z"
    }

    /// `22 November 2026`
    package var longDate: String {
        let c = civil
        return "\(c.day) \(Self.monthNames[c.month - 1]) \(c.year)"
    }

    /// RFC 822 date for RSS: `Sun, 22 Nov 2026 14:05:00 +0000`
    package var rfc822: String {
        let c = civil
        let days = Int((startOfDay.seconds) / 86_400)
        let weekday = Self.weekdayNames[((days % 7) + 10) % 7]  // 1970-01-01 was a Thursday (index 3)
        let month = String(Self.monthNames[c.month - 1].prefix(3))
        return "\(weekday), \(pad(c.day)) \(month) \(c.year) \(pad(c.hour)):\(pad(c.minute)):\(pad(c.second)) +0000"
    }

    package static let monthNames = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September",
        "October", "November", "December"
    ]
    static let weekdayNames = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

    // MARK: - Civil algorithms

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }
}

@inline(__always)
func pad(_ value: Int, _ width: Int = 2) -> String {
    let text = String(value)
    return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
}

/// A length of time as written in site.yml (`30m`, `1h30m`, `2d`, `45s`).
package enum DurationText {
    /// The seconds `text` stands for; nil when it is not a duration or does not fit in 64 bits
    /// (`overflows` tells which).
    package static func parse(_ text: String) -> Int64? {
        parse(text, overflow: nil)
    }

    /// Whether `text` is written as a duration but is too long to count in seconds.
    package static func overflows(_ text: String) -> Bool {
        var overflowed = false
        _ = parse(text, overflow: &overflowed)
        return overflowed
    }

    static func parse(_ text: String, overflow: UnsafeMutablePointer<Bool>?) -> Int64? {
        var total: Int64 = 0
        var number: Int64 = 0
        var sawDigit = false
        var sawUnit = false
        // Every step checked: `9223372036854775808s` is refused, never a trap.
        func checked(_ result: (partialValue: Int64, overflow: Bool)) -> Int64? {
            if result.overflow { overflow?.pointee = true }
            return result.overflow ? nil : result.partialValue
        }
        for char in text.trimmingCharacters(in: .whitespaces) {
            if let digit = char.wholeNumberValue, char.isASCII {
                guard let tens = checked(number.multipliedReportingOverflow(by: 10)),
                    let sum = checked(tens.addingReportingOverflow(Int64(digit)))
                else { return nil }
                number = sum
                sawDigit = true
                continue
            }
            guard sawDigit else { return nil }
            let unit: Int64
            switch char {
            case "s": unit = 1
            case "m": unit = 60
            case "h": unit = 3600
            case "d": unit = 86_400
            default: return nil
            }
            guard let seconds = checked(number.multipliedReportingOverflow(by: unit)),
                let sum = checked(total.addingReportingOverflow(seconds))
            else { return nil }
            total = sum
            number = 0
            sawDigit = false
            sawUnit = true
        }
        if sawDigit { return nil }
        return sawUnit ? total : nil
    }

    /// `2h 05m`, `45m`, `3d 4h`: how long something lasted, for people.
    package static func format(_ seconds: Int64) -> String {
        let minutes = max(0, seconds) / 60
        let days = minutes / 1440
        let hours = minutes % 1440 / 60
        let mins = minutes % 60
        if days > 0 { return hours > 0 ? "\(days)d \(hours)h" : "\(days)d" }
        if hours > 0 { return mins > 0 ? "\(hours)h \(pad(Int(mins)))m" : "\(hours)h" }
        return "\(mins)m"
    }
}
