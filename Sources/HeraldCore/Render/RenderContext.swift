import Foundation
import HeraldMarkdown

/// One file of the generated site: a path relative to the output folder and its bytes.
package struct OutputFile: Sendable, Equatable {
    package var path: String
    package var bytes: [UInt8]
    /// The render-cache key of a page: a hash of its template, theme and view model.
    package var key: UInt64?
    /// True when the last build's file, with the same key, is kept as it is: `bytes` is empty then.
    package var reused = false

    package init(path: String, bytes: [UInt8], key: UInt64? = nil) {
        self.path = path
        self.bytes = bytes
        self.key = key
    }

    package init(path: String, text: String, key: UInt64? = nil) {
        self.init(path: path, bytes: Array(text.utf8), key: key)
    }

    /// The last build's file at `path`, kept without rendering it again (it was rendered with
    /// `key`, the same key this build has for it).
    package static func reused(_ path: String, key: UInt64) -> OutputFile {
        var file = OutputFile(path: path, bytes: [], key: key)
        file.reused = true
        return file
    }
}

/// Produces some of the site's files from the render context. Renderers are independent of each
/// other and pure (see SiteRenderer for how they are run).
package protocol OutputRenderer: Sendable {
    func render(_ context: RenderContext) -> [OutputFile]
    /// Whether the renderer spreads its own work over every core (with `parallelMap`).
    var spreadsOverCores: Bool { get }
}

extension OutputRenderer {
    package var spreadsOverCores: Bool { false }
}

/// An incident's public texts, redacted and rendered at most once per build and shared by every
/// page, feed and API file that shows it. They are made on first use: a rebuild that keeps most
/// pages never needs the texts of most incidents.
package final class PreparedIncident: Sendable {
    package let state: IncidentState
    /// Its place in `RenderContext.incidents`.
    package let position: Int
    /// The names of the components it affects (site.yml's names, else the ids).
    package var componentNames: [String] { texts.componentNames }
    package var id: String { state.id }

    struct Texts: Sendable {
        var title: String
        var updates: [PreparedUpdate]
        var summaryHTML: String
        var componentNames: [String]
    }

    private let made: Deferred<Texts>

    init(state: IncidentState, position: Int, make: @escaping @Sendable () -> Texts) {
        self.state = state
        self.position = position
        made = Deferred(make)
    }

    private var texts: Texts { made.value }

    package var title: String { texts.title }
    /// Public updates oldest first, message as HTML and plain text, redacted.
    package var updates: [PreparedUpdate] { texts.updates }
    package var summaryHTML: String { texts.summaryHTML }
}

package struct PreparedUpdate: Sendable {
    package var event: Event
    package var status: String
    package var html: String
    package var text: String
}

package struct PreparedMaintenance: Sendable {
    package var state: MaintenanceState
    package var title: String
    package var updates: [PreparedUpdate]
    package var summaryHTML: String
    package var componentNames: [String]
    package var id: String { state.id }
}

/// Everything a renderer may use. Built once per build by `SiteRenderer`.
package struct RenderContext: Sendable {
    package var model: SiteModel
    package var theme: Theme
    package var redactor: Redactor
    /// Same order as `model.incidents` (newest first).
    package var incidents: [PreparedIncident]
    package var maintenances: [PreparedMaintenance]
    /// Markup added to every page's head (the live-reload script of `herald serve`); empty for builds.
    package var headExtra: String
    /// The render-cache key of each of the last build's files that are still as it wrote them
    /// (`SiteWriter.Previous.keys`, handed in by `SiteBuilder`): a page whose key matches is kept
    /// instead of rendered. Empty for `herald serve`.
    package var lastKeys: [String: UInt64] = [:]

    /// Renders a page with the theme, or keeps the last build's identical page (see `Theme.page`).
    package func page<View: Fingerprintable>(_ path: String, _ template: String, _ view: View) -> OutputFile {
        theme.page(path, template, view, salt: cacheSalt, lastKeys: lastKeys)
    }

    /// A key for what an incident's views are made of, from its sources rather than its views (so a
    /// rebuild need not build 10,000 views to find the one that changed): the files of its folder,
    /// site.yml, the Herald binary, the theme, people.yml's names, whether a postmortem is
    /// published, and while it is open its duration so far as shown. Nil without a parse
    /// cache; pages then fall back to keys of their view models.
    package func sourceKey(_ prepared: PreparedIncident) -> UInt64? {
        guard let site = model.content.sourceKey, let stamp = prepared.state.loaded.stamp else { return nil }
        var hasher = StableHasher()
        hasher.combine("incident-sources")
        hasher.combine(theme.key)
        hasher.combine(cacheSalt)
        hasher.combine(site)
        hasher.combine(stamp)
        hasher.combine(headExtra)
        hasher.combine(prepared.state.postmortem == nil ? 0 : 1)
        // An open incident's pages show its duration so far, the only thing on them that depends
        // on the build time: they are rendered again when that text changes (each minute for the
        // first day, then each hour), not on every build.
        hasher.combine(prepared.state.isOpen ? DurationText.format(now.seconds - prepared.state.startedAt.seconds) : "")
        return hasher.value
    }

    /// A published postmortem's page: its incident's sources and its own file.
    package func postmortemSourceKey(_ prepared: PreparedIncident) -> UInt64? {
        guard let incident = sourceKey(prepared), let stamp = model.content.postmortemStamps[prepared.id] else { return nil }
        var hasher = StableHasher()
        hasher.combine("postmortem-sources")
        hasher.combine(incident)
        hasher.combine(stamp)
        return hasher.value
    }

    /// Keeps the last build's page at `path` if it was made from the same sources, else renders it
    /// with `view()` and records `key`.
    package func page<View: Fingerprintable>(_ path: String, _ template: String, sourceKey key: UInt64?, _ view: () -> View) -> OutputFile {
        guard let key else { return page(path, template, view()) }
        if lastKeys[path] == key { return .reused(path, key: key) }
        return OutputFile(path: path, text: theme.render(template, view()), key: key)
    }

    /// What else a kept page must have been checked against: the names the leak scanner looks for
    /// (a template's own text could hold a name added to people.yml since).
    var cacheSalt: UInt64

    package var settings: SiteSettings { model.settings }
    package var now: Timestamp { model.now }

    /// Absolute URL of a site path (`incidents/x/`) under base_url.
    package func absoluteURL(_ path: String) -> String { settings.baseURL + path }

    /// The prepared incident with `id`.
    package func incident(_ id: String) -> PreparedIncident? { incidentIndex.value[id].map { incidents[$0] } }

    /// Made when first asked for: the build's own pages find an incident by its `position`.
    let incidentIndex: Deferred<[String: Int]>

    package init(model: SiteModel, theme: Theme, headExtra: String = "", lastKeys: [String: UInt64] = [:]) {
        self.model = model
        self.lastKeys = lastKeys
        var salt = StableHasher()
        salt.combine(model.settings.support)
        for person in model.content.people {
            salt.combine(person.name)
            for alias in person.aliases { salt.combine(alias) }
            salt.combine("\(person.label ?? "\u{0}") \(person.isPublic) \(person.ignoresCase)")
        }
        for address in model.settings.publicAddresses { salt.combine(address) }
        self.cacheSalt = salt.value
        self.theme = theme
        self.headExtra = headExtra
        let redactor = Redactor(people: model.content.people, settings: model.settings)
        self.redactor = redactor
        let settings = model.settings
        @Sendable func names(_ ids: [String]) -> [String] { ids.map { settings.component($0)?.name ?? $0 } }
        @Sendable func prepare(_ events: [Event], _ record: Deferred<RecordRedactor>) -> [PreparedUpdate] {
            events.map { event in
                let (html, text) =
                    redactor.mightRedact(event.body)
                    ? Markdown.render(record.value.prepareMarkdown(event.body), rewriter: record.value) : Markdown.render(event.body)
                return PreparedUpdate(event: event, status: event.status ?? "", html: html, text: text)
            }
        }
        @Sendable func html(_ markdown: String, _ record: Deferred<RecordRedactor>) -> String {
            if markdown.isEmpty { return "" }
            return redactor.mightRedact(markdown) ? Markdown.html(record.value.prepareMarkdown(markdown), rewriter: record.value) : Markdown.html(markdown)
        }
        @Sendable func text(_ plain: String, _ record: Deferred<RecordRedactor>) -> String {
            redactor.mightRedact(plain) ? record.value.redact(plain) : plain
        }
        // On both cores: a rebuild prepares nothing else of most of its 10,000 incidents.
        self.incidents = parallelMap(Array(model.incidents.indices)) { position in
            let state = model.incidents[position]
            return PreparedIncident(state: state, position: position) {
                // Most records name nobody: their redactor is only built when a text might need it.
                let record = Deferred<RecordRedactor> { redactor.forRecord(roles: Self.roles(of: state.incident), texts: Self.texts(of: state.incident)) }
                return PreparedIncident.Texts(
                    title: text(state.incident.title, record), updates: prepare(state.updates, record),
                    summaryHTML: html(state.incident.summary, record), componentNames: names(state.affectedComponents))
            }
        }
        self.maintenances = parallelMap(model.maintenances) { state in
            let record = Deferred<RecordRedactor> {
                redactor.forRecord(roles: [], texts: state.maintenance.events.map(\.body) + [state.maintenance.title, state.maintenance.summary])
            }
            return PreparedMaintenance(
                state: state, title: text(state.maintenance.title, record), updates: prepare(state.updates, record),
                summaryHTML: html(state.maintenance.summary, record), componentNames: names(state.maintenance.components))
        }
        let incidents = self.incidents
        self.incidentIndex = Deferred {
            var index: [String: Int] = [:]
            for incident in incidents { index[incident.id] = incident.position }
            return index
        }
    }

    /// The texts people are numbered by in an incident: its events in time order, then its title
    /// and summary (then, on its postmortem's page, the postmortem's).
    package static func texts(of incident: Incident) -> [String] {
        incident.events.map(\.body) + [incident.title, incident.summary]
    }

    /// Every role assignment of an incident: starting roles, then role events in time order.
    package static func roles(of incident: Incident) -> [(role: String, person: String, since: Timestamp?)] {
        var result: [(role: String, person: String, since: Timestamp?)] = incident.roles.map { ($0.role, $0.person, nil) }
        for event in incident.events {
            if case .role(let role, let person) = event.kind { result.append((role, person, event.at)) }
        }
        return result
    }
}
