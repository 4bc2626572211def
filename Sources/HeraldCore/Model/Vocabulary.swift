import Foundation
import Synchronization

// MARK: - Vocabulary

package enum Severity: String, CaseIterable, Sendable, Codable, Comparable {
    case critical, major, minor

    var rank: Int { self == .critical ? 3 : self == .major ? 2 : 1 }
    package static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }

    /// The component status an open incident implies unless an update says otherwise.
    package var defaultComponentStatus: ComponentStatus {
        switch self {
        case .critical: .majorOutage
        case .major: .partialOutage
        case .minor: .degradedPerformance
        }
    }
}

package enum IncidentStatus: String, CaseIterable, Sendable, Codable {
    case investigating, identified, monitoring, resolved
    package var label: String { rawValue.capitalized }
}

package enum MaintenanceStatus: String, CaseIterable, Sendable, Codable {
    case scheduled
    case inProgress = "in_progress"
    case verifying, completed
    package var label: String {
        switch self {
        case .scheduled: "Scheduled"
        case .inProgress: "In progress"
        case .verifying: "Verifying"
        case .completed: "Completed"
        }
    }
}

package enum ComponentStatus: String, CaseIterable, Sendable, Codable {
    case operational
    case underMaintenance = "under_maintenance"
    case degradedPerformance = "degraded_performance"
    case partialOutage = "partial_outage"
    case majorOutage = "major_outage"

    /// Badness, for "worst of": maintenance ranks above operational, below any outage.
    package var rank: Int {
        switch self {
        case .operational: 0
        case .underMaintenance: 1
        case .degradedPerformance: 2
        case .partialOutage: 3
        case .majorOutage: 4
        }
    }

    package var label: String {
        switch self {
        case .operational: "Operational"
        case .underMaintenance: "Under maintenance"
        case .degradedPerformance: "Degraded performance"
        case .partialOutage: "Partial outage"
        case .majorOutage: "Major outage"
        }
    }

    /// Values allowed in content files (maintenance state is derived, not written).
    package static let writable: [ComponentStatus] = [.operational, .degradedPerformance, .partialOutage, .majorOutage]
}

package enum Milestone: String, CaseIterable, Sendable, Codable {
    case impactStarted = "impact-started"
    case detected, acknowledged, mitigated, resolved
}
