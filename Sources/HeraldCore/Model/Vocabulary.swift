import Foundation
import Synchronization

// MARK: - Vocabulary

public enum Severity: String, CaseIterable, Sendable, Codable, Comparable {
    case critical, major, minor

    var rank: Int { self == .critical ? 3 : self == .major ? 2 : 1 }
    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }

    /// The component status an open incident implies unless an update says otherwise.
    public var defaultComponentStatus: ComponentStatus {
        switch self {
        case .critical: .majorOutage
        case .major: .partialOutage
        case .minor: .degradedPerformance
        }
    }
}

public enum IncidentStatus: String, CaseIterable, Sendable, Codable {
    case investigating, identified, monitoring, resolved
    public var label: String { rawValue.capitalized }
}

public enum MaintenanceStatus: String, CaseIterable, Sendable, Codable {
    case scheduled, inProgress = "in_progress", verifying, completed
    public var label: String {
        switch self {
        case .scheduled: "Scheduled"
        case .inProgress: "In progress"
        case .verifying: "Verifying"
        case .completed: "Completed"
        }
    }
}

public enum ComponentStatus: String, CaseIterable, Sendable, Codable {
    case operational
    case underMaintenance = "under_maintenance"
    case degradedPerformance = "degraded_performance"
    case partialOutage = "partial_outage"
    case majorOutage = "major_outage"

    /// Badness, for "worst of": maintenance ranks above operational, below any outage.
    public var rank: Int {
        switch self {
        case .operational: 0
        case .underMaintenance: 1
        case .degradedPerformance: 2
        case .partialOutage: 3
        case .majorOutage: 4
        }
    }

    public var label: String {
        switch self {
        case .operational: "Operational"
        case .underMaintenance: "Under maintenance"
        case .degradedPerformance: "Degraded performance"
        case .partialOutage: "Partial outage"
        case .majorOutage: "Major outage"
        }
    }

    /// Values allowed in content files (maintenance state is derived, not written).
    public static let writable: [ComponentStatus] = [.operational, .degradedPerformance, .partialOutage, .majorOutage]
}

public enum Milestone: String, CaseIterable, Sendable, Codable {
    case impactStarted = "impact-started", detected, acknowledged, mitigated, resolved
}
