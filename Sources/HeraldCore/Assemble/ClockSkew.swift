import Foundation

/// Records dated after "now": a clock set wrong on the machine that posted them, a typo in a
/// year, or `--now` set years before the records. A public update dated in the future keeps its
/// incident from ever looking stale and sorts above every real update, so `herald build` and
/// `herald check` both warn (rule `future`, docs/check.md). Cheap: it reads each record's latest
/// update time, which the parse cache keeps without decoding the updates.
package enum ClockSkew {
    /// How far after "now" a record may be dated before it is reported (clocks drift; a messenger
    /// may post a minute ahead).
    package static let tolerance: Int64 = 15 * 60

    package static func warnings(_ model: SiteModel) -> [Diagnostic] {
        let limit = model.now.adding(seconds: tolerance)
        var found: [Diagnostic] = []
        for state in model.incidents where state.updatedAt > limit {
            found.append(warning("content/incidents/\(state.id)", state.updatedAt, now: model.now, what: "the incident's latest public update"))
        }
        for state in model.maintenances where !state.updates.isEmpty && state.updatedAt > limit {
            found.append(warning("content/maintenance/\(state.id)", state.updatedAt, now: model.now, what: "the maintenance's latest update"))
        }
        return found
    }

    static func warning(_ path: String, _ time: Timestamp, now: Timestamp, what: String) -> Diagnostic {
        Diagnostic(
            path: path, line: 0, severity: .warning,
            message:
                "\(what) is dated \(time.display), after now (\(now.display)); a clock set wrong, a mistyped year or --now too early? An update from the future keeps an incident from going stale",
            code: "future")
    }
}
