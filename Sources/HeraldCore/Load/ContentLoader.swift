import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Stage 1 and 2: reads `content/` and parses it into `SiteContent`, collecting every problem in
/// every file before failing, so a user fixes everything in one pass.
package struct ContentLoader: Sendable {
    package var layout: SiteLayout
    /// Where to keep parsed records between builds (`ContentCache`); nil reads everything anew.
    package var cacheURL: URL?

    package init(layout: SiteLayout, cacheURL: URL? = nil) {
        self.layout = layout
        self.cacheURL = cacheURL
    }

    /// A loader that keeps parsed records in the site's `.herald-cache`, as builds do: commands that
    /// read the whole store (`incident list`, `herald check`) then parse only what changed since.
    package static func cached(_ layout: SiteLayout) -> ContentLoader {
        ContentLoader(layout: layout, cacheURL: ContentCache.url(inSite: layout.root))
    }

    /// Loads as `loadCollecting` does and waits for the next parse cache to be written.
    package func loadCollectingAndCache() -> (SiteContent?, [Diagnostic]) {
        defer { ContentCache.finishWriting() }
        return loadCollecting()
    }

    /// Loads the whole site. Throws `DiagnosticsError` with every error found.
    package func load() throws -> SiteContent {
        let (content, diagnostics) = loadCollecting()
        if let content, !diagnostics.hasErrors { return content }
        throw DiagnosticsError(diagnostics)
    }

    /// Loads as much as possible; returns the content (when site.yml could be read) and all problems.
    /// The next parse cache is written on a background thread: call `ContentCache.finishWriting()`
    /// before another load of the same site.
    package func loadCollecting() -> (SiteContent?, [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        guard let settings = loadSettings(into: &diagnostics) ?? lenientSettings else {
            return (nil, (diagnostics + recordProblemsWithoutSettings()).sortedForOutput())
        }
        // people.yml goes through Yams (a few milliseconds): read meanwhile, on a thread of its own.
        // Records parsed anew wait for it: their people fields are checked against it (a record
        // from the cache was checked when it was parsed; people.yml is part of the cache key).
        let loadingPeople = Background<([Person], [Diagnostic])> {
            var problems: [Diagnostic] = []
            let people = loadPeople(into: &problems)
            return (people, problems)
        }
        let known = Deferred { KnownPeople(loadingPeople.value.0) }
        let root = layout.root.path + "/"

        // Records whose files are unchanged since the last build come from the cache; a record
        // parsed anew is encoded for the next cache on the same thread.
        let cache = cacheURL.map {
            ContentCache.read(
                $0,
                key: ContentCache.key(
                    settingsBytes: (FileBytes.read(absolute("content/site.yml")) ?? []) + [0] + (FileBytes.read(absolute("content/people.yml")) ?? [])))
        }
        // Taken before any record is stamped (see ContentCache's stamps).
        let reference = cacheURL.map { ContentCache.Reference.take(beside: $0) }
        var next = ContentCache.Next()
        var misses = 0

        let incidentList = list("content/incidents", cache: cache, section: \.incidents, reference: reference) {
            recordFolders("content/incidents", kind: "incidents", into: &$0)
        }
        diagnostics += incidentList.problems
        let incidentIDs = incidentList.names
        let incidentsFolder = OpenFolder(absolute("content/incidents"))
        let loadedIncidents = loadRecords(
            incidentIDs, slots: incidentList.slots, stamps: reference.map { _ in FolderStamps(folder: incidentsFolder) }, cache: cache,
            cached: { cache, slot, id in
                // Should the record not decode when it is first asked for (a cache forged to pass
                // its checksum), it is read again from its folder.
                cache.incident(slot, id: id) {
                    loadIncident(id, settings: settings, folder: RecordFolder.read(id, in: incidentsFolder.descriptor, reference: nil)).0
                }
            },
            parse: { id in
                let folder = RecordFolder.read(id, in: incidentsFolder.descriptor, reference: reference)
                let (incident, problems) = loadIncident(id, settings: settings, folder: folder)
                guard let incident else { return (nil, problems, folder.stamp) }
                let more = problems + known.value.problems(incident, root: root)
                // Its facts are replayed here, on the loader's threads, rather than by the assembler
                // on one (and kept in the parse cache with the record).
                return (LoadedIncident(incident, stamp: more.isEmpty ? folder.stamp?.value : nil), more, folder.stamp)
            }, encode: ContentCache.encode, misses: &misses, into: &diagnostics)
        let incidents = loadedIncidents.map(\.value)
        (next.incidents, next.listings[0]) = Self.cacheEntries(loadedIncidents, listed: incidentList)

        let maintenanceList = list("content/maintenance", cache: cache, section: \.maintenances, reference: reference) {
            recordFolders("content/maintenance", kind: "maintenance", into: &$0)
        }
        diagnostics += maintenanceList.problems
        let maintenanceFolder = OpenFolder(absolute("content/maintenance"))
        let loadedMaintenances = loadRecords(
            maintenanceList.names, slots: maintenanceList.slots, stamps: reference.map { _ in FolderStamps(folder: maintenanceFolder) }, cache: cache,
            cached: { cache, slot, _ in cache.maintenance(slot) },
            parse: { id in
                let folder = RecordFolder.read(id, in: maintenanceFolder.descriptor, reference: reference)
                var (maintenance, problems) = loadMaintenance(id, settings: settings, folder: folder)
                if let parsed = maintenance { problems += known.value.problems(parsed, root: root) }
                return (maintenance, problems, folder.stamp)
            }, encode: ContentCache.encode, misses: &misses, into: &diagnostics)
        let maintenances = loadedMaintenances.map(\.value)
        (next.maintenances, next.listings[1]) = Self.cacheEntries(loadedMaintenances, listed: maintenanceList)

        let knownIDs = Set(incidentIDs)
        let postmortemList = list("content/postmortems", cache: cache, section: \.postmortems, reference: reference) { _ in
            markdownFiles(in: "content/postmortems")
        }
        let loadedPostmortems = loadRecords(
            postmortemList.names, slots: postmortemList.slots, stamps: reference.map { _ in FileStamps(root: root) }, cache: cache,
            // A postmortem is checked against the incident ids too.
            cached: { cache, slot, _ in cache.postmortem(slot).flatMap { knownIDs.contains($0.incidentID) ? $0 : nil } },
            parse: { path in
                // Stamped before it is read: a change made meanwhile shows in the next build's stamp.
                let stamp = reference.flatMap { ContentCache.fileStamp(root + path, reference: $0) }
                var (postmortem, problems) = loadPostmortem(path, incidents: knownIDs)
                if let parsed = postmortem { problems += known.value.problems(parsed, root: root) }
                return (postmortem, problems, stamp.map { ContentCache.FolderStamp(value: $0, names: []) })
            }, encode: ContentCache.encode, misses: &misses, into: &diagnostics)
        let postmortems = loadedPostmortems.map(\.value)
        (next.postmortems, next.listings[2]) = Self.cacheEntries(loadedPostmortems, listed: postmortemList)
        let postmortemStamps = Dictionary(loadedPostmortems.compactMap { loaded in loaded.stamp.map { (loaded.value.incidentID, $0) } }) { a, _ in a }
        let listingsChanged = [incidentList, maintenanceList, postmortemList].contains { !$0.reused }

        // Written again when any record was parsed anew or a listing changed (the unchanged
        // records' blocks are copied from the mapped file: see ContentCache.write).
        if let cacheURL, let cache,
            misses > 0 || listingsChanged
                || cache.count != (next.incidents.count, next.maintenances.count, next.postmortems.count)
        {
            ContentCache.writeInBackground(next, key: cache.key, to: cacheURL, temporary: reference?.temporary)
        } else if let temporary = reference?.temporary {
            unlink(temporary)
        }

        let (people, peopleProblems) = loadingPeople.value
        diagnostics += peopleProblems
        var content = SiteContent(
            settings: settings, people: people, incidents: incidents, maintenances: maintenances,
            postmortems: postmortems)
        content.sourceKey = cache?.key
        content.postmortemStamps = postmortemStamps
        content.loadWarnings = diagnostics.filter { $0.severity == .warning }
        return (content, diagnostics.sortedForOutput())
    }

    /// Set only by `recordProblemsWithoutSettings`: the settings to check records against when
    /// site.yml cannot be read.
    var lenientSettings: SiteSettings?

    /// The problems of every record, people.yml and the postmortems when site.yml cannot be read
    /// at all, so a broken site.yml does not hide them: records are read without the parse cache,
    /// and what only site.yml could tell (its components and roles) is not checked.
    func recordProblemsWithoutSettings() -> [Diagnostic] {
        var lenient = ContentLoader(layout: layout)
        lenient.lenientSettings = SiteSettings(
            title: "", baseURL: "https://status.example.com/", support: "", staleAfter: 30 * 60, description: nil,
            components: [], groups: [], roles: [], messages: Self.defaultMessages, check: CheckSettings())
        let (_, problems) = lenient.loadCollecting()
        return problems.filter { problem in
            problem.path != "content/site.yml" && !problem.message.hasPrefix("unknown component '") && !problem.message.hasPrefix("unknown role '")
        }
    }
}
