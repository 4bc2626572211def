import Foundation
import Synchronization

// MARK: - Site settings

public struct Component: Sendable, Hashable {
    public var id: String
    public var name: String
    public var group: String?
    public var description: String?
    /// 1-based order in site.yml.
    public var position: Int
}

public struct ComponentGroup: Sendable, Hashable {
    public var name: String
    public var componentIDs: [String]
}

/// Settings for `herald check`, read from site.yml's optional `check:` section.
public struct CheckSettings: Sendable, Hashable {
    public var disabled: Set<String> = []
    public var maxUpdateLength = 600
    public var postmortemDueDays = 7
}

public struct SiteSettings: Sendable {
    public var title: String
    /// Absolute, always ending in `/`.
    public var baseURL: String
    public var support: String
    public var staleAfter: Int64
    public var description: String?
    public var components: [Component]
    public var groups: [ComponentGroup]
    public var roles: [String]
    public var messages: [String: String]
    public var check: CheckSettings
    /// site.yml `public_addresses`: mailing lists and role mailboxes that stay on public pages
    /// (the support address always does).
    public var publicAddresses: [String] = []

    public func component(_ id: String) -> Component? { components.first { $0.id == id } }
}

/// One entry of people.yml (docs/postmortems.md, "people.yml").
public struct Person: Sendable, Hashable {
    public var name: String
    public var aliases: [String]
    /// Shown instead of "Responder N" when the person holds no role ("a community member").
    public var label: String?
    /// Credited by name (a security reporter who asked to be): never redacted.
    public var isPublic: Bool
    /// `match_case: false`: "priya" matches Priya too (handles and addresses always ignore case).
    public var ignoresCase: Bool
    /// The line of the entry in people.yml (errors name the line, never the person).
    public var line: Int

    public init(name: String, aliases: [String], label: String? = nil, isPublic: Bool = false, ignoresCase: Bool = false, line: Int = 0) {
        self.name = name
        self.aliases = aliases
        self.label = label
        self.isPublic = isPublic
        self.ignoresCase = ignoresCase
        self.line = line
    }
}
