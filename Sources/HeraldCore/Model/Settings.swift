import Foundation
import Synchronization

// MARK: - Site settings

package struct Component: Sendable, Hashable {
    package var id: String
    package var name: String
    package var group: String?
    package var description: String?
    /// 1-based order in site.yml.
    package var position: Int
}

package struct ComponentGroup: Sendable, Hashable {
    package var name: String
    package var componentIDs: [String]
}

/// Settings for `herald check`, read from site.yml's optional `check:` section.
package struct CheckSettings: Sendable, Hashable {
    package var disabled: Set<String> = []
    package var maxUpdateLength = 600
    package var postmortemDueDays = 7
}

package struct SiteSettings: Sendable {
    package var title: String
    /// Absolute, always ending in `/`.
    package var baseURL: String
    package var support: String
    package var staleAfter: Int64
    package var description: String?
    package var components: [Component]
    package var groups: [ComponentGroup]
    package var roles: [String]
    package var messages: [String: String]
    package var check: CheckSettings
    /// site.yml `public_addresses`: mailing lists and role mailboxes that stay on public pages
    /// (the support address always does).
    package var publicAddresses: [String] = []

    package func component(_ id: String) -> Component? { components.first { $0.id == id } }
}

/// One entry of people.yml (docs/postmortems.md, "people.yml").
package struct Person: Sendable, Hashable {
    package var name: String
    package var aliases: [String]
    /// Shown instead of "Responder N" when the person holds no role ("a community member").
    package var label: String?
    /// Credited by name (a security reporter who asked to be): never redacted.
    package var isPublic: Bool
    /// `match_case: false`: "priya" matches Priya too (handles and addresses always ignore case).
    package var ignoresCase: Bool
    /// The line of the entry in people.yml (errors name the line, never the person).
    package var line: Int

    package init(name: String, aliases: [String], label: String? = nil, isPublic: Bool = false, ignoresCase: Bool = false, line: Int = 0) {
        self.name = name
        self.aliases = aliases
        self.label = label
        self.isPublic = isPublic
        self.ignoresCase = ignoresCase
        self.line = line
    }
}
