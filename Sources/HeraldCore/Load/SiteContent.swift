import Foundation

/// Everything read from `content/`: the loader's output and the input of every later stage.
package struct SiteContent: Sendable {
    package var settings: SiteSettings
    package var people: [Person]
    package var incidents: [LoadedIncident]
    package var maintenances: [Maintenance]
    package var postmortems: [Postmortem]
    /// Set when loaded with a parse cache: what the records were read from. `sourceKey` covers
    /// site.yml and the Herald binary; each incident's `stamp` its folder's files (`ContentCache`).
    package var sourceKey: UInt64?
    /// Each postmortem file's stamp, by incident id.
    package var postmortemStamps: [String: UInt64] = [:]
    /// What loading warned about (a FIFO skipped): `herald build` reports it too.
    package var loadWarnings: [Diagnostic] = []

    package init(
        settings: SiteSettings, people: [Person], incidents: [LoadedIncident], maintenances: [Maintenance], postmortems: [Postmortem]
    ) {
        self.settings = settings
        self.people = people
        self.incidents = incidents
        self.maintenances = maintenances
        self.postmortems = postmortems
    }

    /// Content made of records in memory (tests, `herald import`'s plan): no stamps, facts replayed.
    package init(settings: SiteSettings, people: [Person], incidents: [Incident], maintenances: [Maintenance], postmortems: [Postmortem]) {
        self.init(settings: settings, people: people, incidents: incidents.map { LoadedIncident($0) }, maintenances: maintenances, postmortems: postmortems)
    }
}

/// An incident as the loader hands it on: the record, what its events establish (`IncidentFacts`)
/// and the stamp of the folder it was read from.
///
/// A record from the parse cache is decoded when it is first asked for (`incident`): a rebuild
/// needs the facts of every incident but the records of only those whose pages it renders again.
/// Decoding all 10,000 records of the benchmark store at once made a rebuild after one update
/// 20 % slower (bench/README.md, "Complexity budget").
package struct LoadedIncident: Sendable {
    package let id: String
    /// nil when the incident has no public update (the loader reports that as an error).
    let facts: IncidentFacts?
    /// The stamp of its folder (`ContentCache`) when it can be trusted: part of its pages' render
    /// keys (`RenderContext.sourceKey`).
    package let stamp: UInt64?
    private let record: Deferred<Incident>

    /// The record: the corrected events, title, roles and summary.
    package var incident: Incident { record.value }

    /// A record in memory; its facts are replayed here.
    package init(_ incident: Incident, stamp: UInt64? = nil) {
        id = incident.id
        facts = IncidentFacts(replaying: incident)
        self.stamp = stamp
        record = Deferred(incident)
    }

    /// A record still to be decoded, with the facts and stamp kept beside it.
    init(id: String, facts: IncidentFacts?, stamp: UInt64?, decode: @escaping @Sendable () -> Incident) {
        self.id = id
        self.facts = facts
        self.stamp = stamp
        record = Deferred(decode)
    }
}
