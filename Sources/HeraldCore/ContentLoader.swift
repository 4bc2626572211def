import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Stage 1 and 2: reads `content/` and parses it into `SiteContent`, collecting every problem in
/// every file before failing, so a user fixes everything in one pass.
public struct ContentLoader: Sendable {
    public var layout: SiteLayout
    /// Where to keep parsed records between builds (`ContentCache`); nil reads everything anew.
    public var cacheURL: URL?

    public init(layout: SiteLayout, cacheURL: URL? = nil) {
        self.layout = layout
        self.cacheURL = cacheURL
    }

    /// A loader that keeps parsed records in the site's `.herald-cache`, as builds do: commands that
    /// read the whole store (`incident list`, `herald check`) then parse only what changed since.
    public static func cached(_ layout: SiteLayout) -> ContentLoader {
        ContentLoader(layout: layout, cacheURL: ContentCache.url(inSite: layout.root))
    }

    /// Loads as `loadCollecting` does and waits for the next parse cache to be written.
    public func loadCollectingAndCache() -> (SiteContent?, [Diagnostic]) {
        defer { ContentCache.finishWriting() }
        return loadCollecting()
    }

    /// Loads the whole site. Throws `DiagnosticsError` with every error found.
    public func load() throws -> SiteContent {
        let (content, diagnostics) = loadCollecting()
        if let content, !diagnostics.hasErrors { return content }
        throw DiagnosticsError(diagnostics)
    }

    /// Loads as much as possible; returns the content (when site.yml could be read) and all problems.
    /// The next parse cache is written on a background thread: call `ContentCache.finishWriting()`
    /// before another load of the same site.
    public func loadCollecting() -> (SiteContent?, [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        guard let settings = loadSettings(into: &diagnostics) ?? lenientSettings else {
            return (nil, (diagnostics + recordProblemsWithoutSettings()).sortedForOutput())
        }
        // people.yml goes through Yams (a few milliseconds): read meanwhile, on a thread of its own.
        // Records parsed anew wait for it: their people fields are checked against it (a record
        // from the cache was checked when it was parsed; people.yml is part of the cache key).
        let loadingPeople = Deferred<([Person], [Diagnostic])> {
            var problems: [Diagnostic] = []
            let people = loadPeople(into: &problems)
            return (people, problems)
        }
        Thread.detachNewThread { _ = loadingPeople.value }
        let known = Deferred { KnownPeople(loadingPeople.value.0) }
        let root = layout.root.path + "/"

        // Records whose files are unchanged since the last build come from the cache; a record
        // parsed anew is encoded for the next cache on the same thread.
        let cache = cacheURL.map { ContentCache.read($0, key: ContentCache.key(settingsBytes: (FileBytes.read(absolute("content/site.yml")) ?? []) + [0] + (FileBytes.read(absolute("content/people.yml")) ?? []))) }
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
                cache.incident(slot, id: id).map { incident, block in
                    var incident = incident
                    incident.stamp = slot.stamp
                    return (incident, block)
                }
            },
            parse: { id in
                let folder = RecordFolder.read(id, in: incidentsFolder.descriptor, reference: reference)
                var (incident, problems) = loadIncident(id, settings: settings, folder: folder)
                if let parsed = incident { problems += known.value.problems(parsed, root: root) }
                if problems.isEmpty { incident?.stamp = folder.stamp?.value }
                return (incident, problems, folder.stamp)
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
            cached: { cache, slot, _ in cache.postmortem(slot).flatMap { knownIDs.contains($0.0.incidentID) ? $0 : nil } },
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

        // A few records parsed anew are left out of the cache, and parsed anew by each build until
        // more have changed: writing the whole cache again (16 MB at 10,000 incidents, and freeing
        // the one before it) cost a rebuild after one update more than parsing that one record
        // does. A changed listing (a record added or removed) is always written.
        if let cacheURL, let cache,
            misses > Self.missesLeftOutOfCache || listingsChanged
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
    private var lenientSettings: SiteSettings?

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

    /// How many records whose files changed since the cache was written a build parses anew
    /// rather than write the cache again (see docs/outputs.md).
    static let missesLeftOutOfCache = 32

    // MARK: - One record at a time (for the CLI, which must not read the whole store)

    /// site.yml alone.
    public func loadSettings() throws -> SiteSettings {
        var diagnostics: [Diagnostic] = []
        let settings = loadSettings(into: &diagnostics)
        if let settings, !diagnostics.hasErrors { return settings }
        throw DiagnosticsError(diagnostics)
    }

    /// One incident, validated against `settings`.
    public func loadIncident(id: String, settings: SiteSettings) throws -> Incident {
        let (incident, diagnostics) = loadIncident(id, settings: settings, folder: readRecord(id, kind: "incidents"))
        if let incident, !diagnostics.hasErrors { return incident }
        throw DiagnosticsError(diagnostics)
    }

    /// One maintenance, validated against `settings`.
    public func loadMaintenance(id: String, settings: SiteSettings) throws -> Maintenance {
        let (maintenance, diagnostics) = loadMaintenance(id, settings: settings, folder: readRecord(id, kind: "maintenance"))
        if let maintenance, !diagnostics.hasErrors { return maintenance }
        throw DiagnosticsError(diagnostics)
    }

    /// One record folder of a kind (`incidents` or `maintenance`), read without stamping it.
    func readRecord(_ id: String, kind: String) -> RecordFolder {
        let parent = OpenFolder(absolute("content/" + kind))
        return withExtendedLifetime(parent) { RecordFolder.read(id, in: parent.descriptor, reference: nil) }
    }

    /// The ids of the record folders of a kind (`incidents` or `maintenance`), without reading them.
    public func recordIDs(_ kind: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: absolute("content/" + kind))) ?? [])
            .filter { !$0.hasPrefix(".") }.sorted()
    }

    // MARK: - site.yml and people.yml

    func loadSettings(into diagnostics: inout [Diagnostic]) -> SiteSettings? {
        let path = "content/site.yml"
        guard let text = readText(path, into: &diagnostics).flatMap({ yamlFileText($0, path: path, into: &diagnostics) }) else { return nil }
        let fields = YAMLFields(yaml: text, path: path, lineOffset: 0)
        defer { diagnostics += fields.problems }
        guard fields.isValid else { return nil }

        let title = fields.string("title", required: true) ?? ""
        var baseURL = fields.string("base_url", required: true) ?? "https://status.example.com/"
        if InputRules.baseURLProblem(baseURL) == nil {
            if !baseURL.hasSuffix("/") { baseURL += "/" }
        } else if fields.has("base_url") {
            let problem = InputRules.baseURLProblem(baseURL) ?? ""
            fields.error(fields.line("base_url"), "base_url \(InputRules.quoted(baseURL)) must be an absolute http(s) URL, e.g. https://status.example.com/ (it \(problem))")
            baseURL = "https://status.example.com/"
        }
        var support = fields.string("support", required: true) ?? ""
        if !support.isEmpty, let problem = InputRules.emailProblem(support) {
            fields.error(fields.line("support"), "support \(InputRules.quoted(support)) \(problem) (expected the public support e-mail address, e.g. support@example.com)")
            support = ""
        }
        var staleAfter: Int64 = 30 * 60
        if let text = fields.string("stale_after") {
            if let seconds = DurationText.parse(text), seconds > 0, seconds <= InputRules.maxDuration {
                staleAfter = seconds
            } else if DurationText.parse(text) != nil || DurationText.overflows(text) {
                fields.error(fields.line("stale_after"), "stale_after '\(text)' is out of range (expected a duration from 1s to 36600d, e.g. 30m)")
            } else {
                fields.error(fields.line("stale_after"), "stale_after '\(text)' is not a duration (expected e.g. 30m, 1h, 45m)")
            }
        }
        let description = fields.string("description")

        var components: [Component] = []
        var groups: [ComponentGroup] = []
        var seen: Set<String> = []
        for (index, entry) in (fields.mappings("components") ?? []).enumerated() {
            let line = entry.rootLine
            let id = entry.string("id", required: true) ?? ""
            let name = entry.string("name") ?? id
            let group = entry.string("group")
            let componentDescription = entry.string("description")
            entry.rejectUnknownKeys(expected: ["id", "name", "group", "description"])
            fields.absorb(entry)
            if id.isEmpty { continue }
            if !Self.isComponentID(id) {
                fields.error(line, "component id '\(id)' may only hold lowercase a-z, 0-9, '-' and '_'")
                continue
            }
            if !seen.insert(id).inserted {
                fields.error(line, "component id '\(id)' is used twice")
                continue
            }
            components.append(Component(id: id, name: name, group: group, description: componentDescription, position: index + 1))
            if let group {
                if let at = groups.firstIndex(where: { $0.name == group }) {
                    groups[at].componentIDs.append(id)
                } else {
                    groups.append(ComponentGroup(name: group, componentIDs: [id]))
                }
            }
        }
        if components.isEmpty, !fields.problems.hasErrors {
            fields.error(fields.line("components"), "site.yml lists no components (expected at least one under 'components:')")
        }

        var roles = fields.strings("roles") ?? []
        for builtIn in ["incident-lead", "messenger", "responder"] where !roles.contains(builtIn) {
            roles.append(builtIn)
        }
        var messages = Self.defaultMessages
        for pair in fields.pairs("messages") ?? [] {
            let known = IncidentStatus.allCases.map(\.rawValue) + MaintenanceStatus.allCases.map(\.rawValue)
            if !known.contains(pair.key) {
                fields.error(pair.line, "unknown message '\(pair.key)' (expected \(expected(known)))")
                continue
            }
            messages[pair.key] = pair.value
        }

        var check = CheckSettings()
        if let section = fields.mapping("check") {
            check.disabled = Set(section.strings("disable") ?? [])
            if let length = section.int("max_update_length", in: 1...1_000_000) { check.maxUpdateLength = length }
            if let days = section.int("postmortem_due_days", in: 0...36_500) { check.postmortemDueDays = days }
            section.rejectUnknownKeys(expected: ["disable", "max_update_length", "postmortem_due_days"])
            fields.absorb(section)
        }
        let publicAddresses = fields.strings("public_addresses") ?? []
        fields.rejectUnknownKeys(expected: [
            "title", "base_url", "support", "stale_after", "description", "components", "roles", "messages", "check", "public_addresses",
            "notify", "publish",  // read by NotifySettings (herald notify, publish, check)
        ])
        var settings = SiteSettings(
            title: title, baseURL: baseURL, support: support, staleAfter: staleAfter, description: description,
            components: components, groups: groups, roles: roles, messages: messages, check: check)
        settings.publicAddresses = publicAddresses
        return settings
    }

    static func isComponentID(_ id: String) -> Bool {
        !id.isEmpty && id.count <= 64
            && id.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 || $0 == 95 }
    }

    /// Used when site.yml names no canned text for a status.
    public static let defaultMessages: [String: String] = [
        "investigating":
            "We are aware of an issue affecting {components} and are investigating. If you need help, contact {support}.",
        "identified": "We have identified the cause of the issue affecting {components} and are working on a fix.",
        "monitoring": "A fix has been applied to {components}. We are monitoring the results.",
        "resolved": "This incident has been resolved.",
        "scheduled": "Maintenance of {components} is scheduled.",
        "in_progress": "Scheduled maintenance of {components} is in progress.",
        "verifying": "Maintenance of {components} is complete; we are verifying the results.",
        "completed": "The scheduled maintenance has been completed.",
    ]

    func loadPeople(into diagnostics: inout [Diagnostic]) -> [Person] {
        let path = "content/people.yml"
        guard FileManager.default.fileExists(atPath: absolute(path)) else { return [] }
        guard let text = readText(path, into: &diagnostics).flatMap({ yamlFileText($0, path: path, into: &diagnostics) }) else { return [] }
        let (people, problems) = Self.parsePeople(text, path: path)
        diagnostics += problems
        return people
    }

    /// people.yml's entries. Its problems never quote it: every value in it is private, so an
    /// error names the line and the key only (docs/postmortems.md).
    static func parsePeople(_ text: String, path: String) -> ([Person], [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        let value: YAMLValue
        switch YAMLValue.parse(text) {
        case .success(.some(let parsed)): value = parsed
        case .success(.none): return ([], [])
        case .failure(let error):
            return ([], [.error(path, error.line, PeopleFile.privateMessage(error, text: text))])
        }
        guard case .sequence(let list, _) = value else {
            return ([], [.error(path, value.line, "people.yml must be a list of '- name: …' entries")])
        }
        var people: [Person] = []
        var seen: [String: Int] = [:]
        for item in list {
            guard case .mapping(let map, let line) = item else {
                diagnostics.append(.error(path, item.line, "each person must be a mapping with 'name:' and optional 'aliases:', 'label:', 'public:', 'match_case:'"))
                continue
            }
            var entry = PeopleFile.Entry(line: line)
            for (key, value) in map {
                switch (key, value) {
                case ("name", .scalar(let text, _, _)): entry.name = text
                case ("label", .scalar(let text, _, _)): entry.label = text
                case ("aliases", .sequence(let items, _)):
                    for alias in items {
                        if case .scalar(let text, _, _) = alias { entry.aliases.append(text) } else {
                            diagnostics.append(.error(path, alias.line, "each alias must be one text (expected a name, @handle or e-mail address)"))
                        }
                    }
                case ("aliases", .scalar(let text, _, _)) where text.isEmpty: break
                case ("public", .scalar(let text, _, let line)), ("match_case", .scalar(let text, _, let line)):
                    guard let flag = ["true": true, "false": false, "yes": true, "no": false][text.lowercased()] else {
                        diagnostics.append(.error(path, line, "'\(key)' must be true or false"))
                        continue
                    }
                    if key == "public" { entry.isPublic = flag } else { entry.ignoresCase = !flag }
                case ("name", _), ("label", _), ("aliases", _), ("public", _), ("match_case", _):
                    diagnostics.append(.error(path, value.line, "'\(key)' has the wrong shape (expected \(key == "aliases" ? "a list" : "one value"))"))
                default:
                    let guess = closest(key, in: PeopleFile.keys).map { "; did you mean '\($0)'?" } ?? ""
                    diagnostics.append(.error(path, value.line, "unknown key '\(key)' (expected \(PeopleFile.keys.joined(separator: ", ")))\(guess)"))
                }
            }
            guard let name = entry.name?.trimmingCharacters(in: .whitespacesAndNewlines), !name.isEmpty else {
                diagnostics.append(.error(path, line, "a person has no name (expected 'name:' with the person's full name)"))
                continue
            }
            if let label = entry.label, ReaderText.key(label).isEmpty {
                diagnostics.append(.error(path, line, "'label' is empty (expected a public description such as 'a community member')"))
            }
            for text in [name] + entry.aliases where !text.isEmpty {
                let key = ReaderText.key(text).lowercased()
                if let other = seen[key], other != line {
                    diagnostics.append(Diagnostic(path: path, line: line, severity: .warning, message: "a name or alias here is also listed at line \(other); the first entry's label is used"))
                } else {
                    seen[key] = line
                }
            }
            people.append(Person(
                name: name, aliases: entry.aliases.filter { !$0.isEmpty }, label: entry.label, isPublic: entry.isPublic,
                ignoresCase: entry.ignoresCase, line: line))
        }
        return (people, diagnostics)
    }

    /// site.yml or people.yml as YAML: without a byte order mark (accepted as in event files),
    /// nil with an error when it holds a git conflict.
    func yamlFileText(_ text: String, path: String, into diagnostics: inout [Diagnostic]) -> String? {
        if let conflict = InputRules.conflictMarker(in: text) {
            diagnostics.append(.error(path, conflict.line, InputRules.conflictMessage(conflict.marker)))
            return nil
        }
        return text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
    }

    // MARK: - Records

    /// The absolute path of a site-relative path.
    func absolute(_ relative: String) -> String { layout.root.path + "/" + relative }

    func recordFolders(_ folder: String, kind: String, into diagnostics: inout [Diagnostic]) -> [String] {
        guard let entries = Self.directoryEntries(absolute(folder)) else { return [] }
        var ids: [String] = []
        for (name, isDirectory) in entries where !name.hasPrefix(".") {
            let path = folder + "/" + name
            if !isDirectory {
                diagnostics.append(.error(path, 0, "unexpected file (expected one folder per record: content/\(kind)/<id>/)"))
                continue
            }
            if let problem = RecordID.problem(name) {
                diagnostics.append(.error(path, 0, problem))
                continue
            }
            ids.append(name)
        }
        return ids
    }

    /// The entries of a folder, sorted by name, each with whether it is a folder (following
    /// symbolic links); one readdir(3) pass, a stat only where the file system does not say.
    static func directoryEntries(_ path: String) -> [(name: String, isDirectory: Bool)]? {
        var entries: [(name: String, isDirectory: Bool)] = []
        let complete = FileBytes.forEachEntry(in: path) { name, type, folder in
            var isDirectory = type == Int32(DT_DIR)
            if type == Int32(DT_UNKNOWN) || type == Int32(DT_LNK) {
                var info = stat()
                guard fstatat(folder, name, &info, 0) == 0 else { return true }  // a broken link: skipped
                isDirectory = (info.st_mode & S_IFMT) == S_IFDIR
            }
            entries.append((name, isDirectory))
            return true
        }
        return complete ? entries.sorted { $0.name < $1.name } : nil
    }

    /// Site-relative paths of the Markdown files in `folder`, sorted.
    func markdownFiles(in folder: String) -> [String] {
        var names: [String] = []
        _ = FileBytes.forEachEntry(in: absolute(folder)) { name, _, _ in
            if name.hasSuffix(".md"), !name.hasPrefix(".") { names.append(name) }
            return true
        }
        return names.sorted().map { folder + "/" + $0 }
    }

    func loadIncident(_ id: String, settings: SiteSettings, folder record: RecordFolder) -> (Incident?, [Diagnostic]) {
        let folder = "content/incidents/" + id
        var diagnostics: [Diagnostic] = []
        let mainPath = folder + "/incident.md"
        guard let file = mainFile(record, folder: folder, name: "incident.md", missing: "incident folder has no incident.md", into: &diagnostics) else {
            return (nil, diagnostics)
        }
        let fields = YAMLFields(yaml: file.yaml, path: mainPath, lineOffset: 1)
        let title = fields.string("title", required: true)
        var severity: Severity?
        if let text = fields.string("severity", required: true) {
            severity = Severity(rawValue: text)
            if severity == nil {
                fields.error(fields.line("severity"), "unknown severity '\(text)' (expected \(expected(Severity.allCases.map(\.rawValue))))")
            }
        }
        let components = checkComponents(fields, settings: settings)
        let impactStarted = fields.time("impact_started")
        let upstream = fields.bool("upstream") ?? false
        var roles: [(String, String)] = []
        for pair in fields.pairs("roles") ?? [] {
            if !settings.roles.contains(pair.key) {
                fields.error(pair.line, "unknown role '\(pair.key)' (expected \(expected(settings.roles)))")
            }
            roles.append((pair.key, pair.value))
        }
        fields.rejectUnknownKeys(expected: ["title", "severity", "components", "impact_started", "upstream", "roles"])
        diagnostics += fields.problems

        var corrections: [Correction] = []
        let events = loadEvents(in: folder, record, statuses: IncidentStatus.allCases.map(\.rawValue), otherKind: MaintenanceStatus.allCases.map(\.rawValue), recordKind: "incident", settings: settings, corrections: &corrections, into: &diagnostics)
        if events.allSatisfy({ !$0.isPublic || $0.isFollowUp }) && !diagnostics.hasErrors {
            let retracted = corrections.contains { $0.action == .retract }
            diagnostics.append(.error(mainPath, 0, "incident has no public update\(retracted ? " left after retractions" : "") (expected at least one event file with 'status:')"))
        }
        guard let title, let severity, !diagnostics.hasErrors else { return (nil, diagnostics) }
        var incident = Incident(
            id: id, title: title, severity: severity, components: components, impactStarted: impactStarted,
            upstream: upstream, roles: roles, summary: file.body, events: events, corrections: corrections)
        // Replayed here, on the loader's threads, rather than by the assembler on one (and kept in
        // the parse cache with the record).
        incident.facts = SiteAssembler.facts(of: incident)
        return (incident, diagnostics)
    }

    func loadMaintenance(_ id: String, settings: SiteSettings, folder record: RecordFolder) -> (Maintenance?, [Diagnostic]) {
        let folder = "content/maintenance/" + id
        var diagnostics: [Diagnostic] = []
        let mainPath = folder + "/maintenance.md"
        guard let file = mainFile(record, folder: folder, name: "maintenance.md", missing: "maintenance folder has no maintenance.md", into: &diagnostics) else {
            return (nil, diagnostics)
        }
        let fields = YAMLFields(yaml: file.yaml, path: mainPath, lineOffset: 1)
        let title = fields.string("title", required: true)
        let components = checkComponents(fields, settings: settings)
        let start = fields.time("scheduled_start", required: true)
        let end = fields.time("scheduled_end", required: true)
        if let start, let end, end <= start {
            fields.error(fields.line("scheduled_end"), "scheduled_end \(end.rfc3339) is not after scheduled_start \(start.rfc3339)")
        }
        fields.rejectUnknownKeys(expected: ["title", "components", "scheduled_start", "scheduled_end"])
        diagnostics += fields.problems
        var corrections: [Correction] = []
        let events = loadEvents(in: folder, record, statuses: MaintenanceStatus.allCases.map(\.rawValue), otherKind: IncidentStatus.allCases.map(\.rawValue), recordKind: "maintenance", settings: settings, corrections: &corrections, into: &diagnostics)
        guard let title, let start, let end, !diagnostics.hasErrors else { return (nil, diagnostics) }
        return (Maintenance(id: id, title: title, components: components, scheduledStart: start, scheduledEnd: end, summary: file.body, events: events, corrections: corrections), diagnostics)
    }

    func checkComponents(_ fields: YAMLFields, settings: SiteSettings) -> [String] {
        guard let ids = fields.strings("components") else { return [] }
        let known = settings.components.map(\.id)
        var result: [String] = []
        for id in ids {
            if known.contains(id) {
                if !result.contains(id) { result.append(id) }
            } else {
                fields.error(fields.line("components"), unknownComponent(id, known: known))
            }
        }
        return result
    }

    func unknownComponent(_ id: String, known: [String]) -> String {
        let guess = closest(id, in: known).map { "; did you mean '\($0)'?" } ?? ""
        return "unknown component '\(id)' (expected one of \(expected(known)))\(guess)"
    }

    static let eventFields = ["status", "kind", "at", "seq", "by", "components", "milestone", "role", "person", "target", "severity", "cancelled"]

    /// The component statuses of an update's or an edit's `components:` map, checked.
    func componentChanges(_ fields: YAMLFields, settings: SiteSettings) -> [Event.ComponentChange] {
        var changes: [Event.ComponentChange] = []
        for pair in fields.pairs("components") ?? [] {
            let known = settings.components.map(\.id)
            guard known.contains(pair.key) else {
                fields.error(pair.line, unknownComponent(pair.key, known: known))
                continue
            }
            guard let value = ComponentStatus(rawValue: pair.value), ComponentStatus.writable.contains(value) else {
                fields.error(pair.line, "unknown component status '\(pair.value)' (expected \(expected(ComponentStatus.writable.map(\.rawValue))))\(didYouMean(pair.value, in: ComponentStatus.writable.map(\.rawValue)))")
                continue
            }
            changes.append(Event.ComponentChange(id: pair.key, status: value))
        }
        return changes
    }

    func didYouMean(_ text: String, in known: [String]) -> String {
        closest(text, in: known).map { "; did you mean '\($0)'?" } ?? ""
    }

    func loadEvents(in folder: String, _ record: RecordFolder, statuses: [String], otherKind: [String], recordKind: String, settings: SiteSettings, into diagnostics: inout [Diagnostic]) -> [Event] {
        var corrections: [Correction] = []
        return loadEvents(in: folder, record, statuses: statuses, otherKind: otherKind, recordKind: recordKind, settings: settings, corrections: &corrections, into: &diagnostics)
    }

    /// A record's events, in order (`Event.ordered`), with its corrections applied; the
    /// corrections themselves go to `corrections`.
    func loadEvents(in folder: String, _ record: RecordFolder, statuses: [String], otherKind: [String], recordKind: String, settings: SiteSettings, corrections: inout [Correction], into diagnostics: inout [Diagnostic]) -> [Event] {
        let mainName = recordKind == "incident" ? "incident.md" : "maintenance.md"
        var events: [Event] = []
        var severity: Severity?
        var cancelled = false
        var correction: (action: Correction.Action, target: String, components: [Event.ComponentChange]?)?
        for entry in record.markdown where entry.name != mainName {
            let fileName = entry.name
            let path = folder + "/" + fileName
            guard let file = frontMatter(entry.bytes, path: path, into: &diagnostics) else { continue }
            let fields = YAMLFields(yaml: file.yaml, path: path, lineOffset: 1)
            guard fields.isValid else {
                diagnostics += fields.problems
                continue
            }
            let at = fields.time("at", required: true)
            var seq = 0
            if let value = fields.int("seq") {
                if value >= 0 {
                    seq = value
                } else {
                    fields.error(fields.line("seq"), "seq \(value) is negative (expected the posting sequence, 0 or more, e.g. seq: 3)")
                }
            }
            let by = fields.string("by")
            let kindText = fields.string("kind") ?? (fields.has("status") ? "update" : nil)
            var kind: Event.Kind?
            severity = nil
            cancelled = false
            correction = nil
            switch kindText {
            case "update":
                if let status = fields.string("status", required: true) {
                    if statuses.contains(status) {
                        kind = .update(status: status, components: componentChanges(fields, settings: settings))
                    } else if otherKind.contains(status) {
                        fields.error(fields.line("status"), "'\(status)' is not a \(recordKind) status (expected \(expected(statuses)))")
                    } else {
                        fields.error(fields.line("status"), "unknown status '\(status)' (expected \(expected(statuses)))\(didYouMean(status, in: statuses))")
                    }
                }
                if let text = fields.string("severity") {
                    if recordKind != "incident" {
                        fields.error(fields.line("severity"), "a maintenance update has no severity (expected no 'severity:')")
                    } else if let value = Severity(rawValue: text) {
                        severity = value
                    } else {
                        fields.error(fields.line("severity"), "unknown severity '\(text)' (expected \(expected(Severity.allCases.map(\.rawValue))))\(didYouMean(text, in: Severity.allCases.map(\.rawValue)))")
                    }
                }
                if let value = fields.bool("cancelled"), value {
                    if recordKind != "maintenance" || fields.string("status") != MaintenanceStatus.completed.rawValue {
                        fields.error(fields.line("cancelled"), "only a maintenance update with status completed can be cancelled (expected status: completed)")
                    } else {
                        cancelled = true
                    }
                }
                if file.body.allSatisfy(\.isWhitespace) {
                    fields.error(file.bodyLine, "public update has no message (expected the text below the front matter)")
                }
            case Event.followUp:
                if recordKind != "incident" {
                    fields.error(fields.line("kind"), "follow-ups are for incidents (expected kind: update, note or role)")
                }
                kind = .update(status: Event.followUp, components: [])
                if file.body.allSatisfy(\.isWhitespace) {
                    fields.error(file.bodyLine, "follow-up has no message (expected the text below the front matter)")
                }
            case "edit", "retract":
                let action: Correction.Action = kindText == "edit" ? .edit : .retract
                if let target = fields.string("target", required: true) {
                    let changes = action == .edit && fields.has("components") ? componentChanges(fields, settings: settings) : nil
                    if action == .retract && fields.has("components") {
                        fields.error(fields.line("components"), "a retraction has no components (expected kind: edit to change them)")
                    }
                    if action == .edit && changes == nil && file.body.allSatisfy(\.isWhitespace) {
                        fields.error(file.bodyLine, "edit changes nothing (expected a new message below the front matter, or components:)")
                    }
                    correction = (action, target, changes)
                }
            case "note":
                var milestone: Milestone?
                if let text = fields.string("milestone") {
                    milestone = Milestone(rawValue: text)
                    if milestone == nil {
                        fields.error(fields.line("milestone"), "unknown milestone '\(text)' (expected \(expected(Milestone.allCases.map(\.rawValue))))")
                    }
                }
                kind = .note(milestone: milestone)
            case "role":
                let role = fields.string("role", required: true)
                let person = fields.string("person", required: true)
                if let role, !settings.roles.contains(role) {
                    fields.error(fields.line("role"), "unknown role '\(role)' (expected \(expected(settings.roles)))")
                }
                if let role, let person { kind = .role(role: role, person: person) }
            case nil:
                fields.error(1, "event has neither 'status:' (a public update) nor 'kind:' (note or role)")
            case let other?:
                let kinds = ["update", "note", "role", Event.followUp, "edit", "retract"]
                fields.error(fields.line("kind"), "unknown kind '\(other)' (expected \(expected(kinds)))\(didYouMean(other, in: kinds))")
            }
            for key in ["severity", "cancelled"] where fields.has(key) && kindText != "update" {
                fields.error(fields.line(key), "'\(key)' belongs to a public update (expected status:)")
            }
            if fields.has("target") && correction == nil && kindText != "edit" && kindText != "retract" {
                fields.error(fields.line("target"), "'target' belongs to a correction (expected kind: edit or kind: retract)")
            }
            fields.rejectUnknownKeys(expected: Self.eventFields)
            diagnostics += fields.problems
            if let at, !fields.problems.hasErrors {
                if let kind {
                    events.append(Event(fileName: fileName, at: at, seq: seq, by: by, kind: kind, body: file.body, bodyLine: file.bodyLine, severity: severity, cancelled: cancelled))
                } else if let correction {
                    var made = Correction(
                        action: correction.action, fileName: fileName, at: at, seq: seq, by: by, target: correction.target,
                        components: correction.components, body: file.body, bodyLine: file.bodyLine)
                    made.targetLine = fields.line("target")
                    corrections.append(made)
                }
            }
        }
        events.sort(by: Event.ordered)
        corrections.sort(by: Correction.ordered)
        return Self.apply(corrections, to: events, folder: folder, into: &diagnostics)
    }

    /// Applies edits and retractions, oldest first, to the updates they name: an edit replaces the
    /// message (when it has one) and the component statuses (when it has `components:`) and marks
    /// the update edited; a retraction removes it. A correction that names no public update of
    /// the record is an error at its `target:` line.
    static func apply(_ corrections: [Correction], to events: [Event], folder: String, into diagnostics: inout [Diagnostic]) -> [Event] {
        guard !corrections.isEmpty else { return events }
        var events = events
        var retracted: Set<String> = []
        for correction in corrections {
            guard let index = events.firstIndex(where: { $0.fileName == correction.target }), events[index].isPublic else {
                let corrected = Set(corrections.map(\.fileName))
                let why = corrected.contains(correction.target) ? "a correction cannot be corrected" : events.contains { $0.fileName == correction.target } ? "only public updates can be corrected" : "no such event in this folder"
                diagnostics.append(.error(folder + "/" + correction.fileName, correction.targetLine, "\(correction.action.rawValue) target '\(correction.target)': \(why) (expected the file name of a public update of this record)"))
                continue
            }
            switch correction.action {
            case .retract:
                retracted.insert(correction.target)
            case .edit:
                if !correction.body.allSatisfy(\.isWhitespace) {
                    events[index].body = correction.body
                    events[index].bodyLine = correction.bodyLine
                    events[index].bodyFileName = correction.fileName
                }
                if let changes = correction.components, case .update(let status, _) = events[index].kind {
                    events[index].kind = .update(status: status, components: changes)
                }
                events[index].editedAt = correction.at
            }
        }
        return retracted.isEmpty ? events : events.filter { !retracted.contains($0.fileName) }
    }

    func loadPostmortem(_ path: String, incidents: Set<String>) -> (Postmortem?, [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        let stem = String(path.dropFirst("content/postmortems/".count).dropLast(3))
        guard let file = readFrontMatter(path, missing: "", into: &diagnostics) else { return (nil, diagnostics) }
        let fields = YAMLFields(yaml: file.yaml, path: path, lineOffset: 1)
        let incident = fields.string("incident") ?? stem
        if incident != stem {
            fields.error(fields.line("incident"), "incident '\(incident)' does not match the file name (expected '\(stem)')")
        } else if !incidents.contains(incident) {
            let guess = closest(incident, in: Array(incidents)).map { "; did you mean '\($0)'?" } ?? ""
            fields.error(fields.line("incident"), "postmortem for unknown incident '\(incident)'\(guess)")
        }
        var status = PostmortemStatus.draft
        if let text = fields.string("status", required: true) {
            if let value = PostmortemStatus(rawValue: text) {
                status = value
            } else {
                fields.error(fields.line("status"), "unknown postmortem status '\(text)' (expected \(expected(PostmortemStatus.allCases.map(\.rawValue))))")
            }
        }
        var published: Timestamp?
        if let text = fields.string("published") {
            published = Timestamp.parse(date: text) ?? (try? Timestamp.parse(rfc3339: text))
            if published == nil {
                fields.error(fields.line("published"), "published '\(text)' is not a date (expected YYYY-MM-DD)")
            }
        }
        let summary = fields.string("summary") ?? ""
        let authors = fields.strings("authors") ?? []
        var timeline: [Postmortem.TimelineEntry] = []
        for entry in fields.mappings("timeline") ?? [] {
            let at = entry.time("at", required: true)
            let text = entry.string("text", required: true)
            var milestone: Milestone?
            if let m = entry.string("milestone") {
                milestone = Milestone(rawValue: m)
                if milestone == nil {
                    entry.error(entry.line("milestone"), "unknown milestone '\(m)' (expected \(expected(Milestone.allCases.map(\.rawValue))))")
                }
            }
            entry.rejectUnknownKeys(expected: ["at", "text", "milestone"])
            fields.absorb(entry)
            if let at, let text { timeline.append(.init(at: at, text: text, milestone: milestone, line: entry.rootLine)) }
        }
        var actions: [Postmortem.ActionItem] = []
        for entry in fields.mappings("action_items") ?? [] {
            let title = entry.string("title", required: true)
            var type = Postmortem.ActionType.prevent
            if let t = entry.string("type", required: true) {
                if let value = Postmortem.ActionType(rawValue: t) { type = value } else {
                    entry.error(entry.line("type"), "unknown action item type '\(t)' (expected \(expected(Postmortem.ActionType.allCases.map(\.rawValue))))")
                }
            }
            var itemStatus = Postmortem.ActionStatus.open
            if let s = entry.string("status") {
                if let value = Postmortem.ActionStatus(rawValue: s) { itemStatus = value } else {
                    entry.error(entry.line("status"), "unknown action item status '\(s)' (expected \(expected(Postmortem.ActionStatus.allCases.map(\.rawValue))))")
                }
            }
            let owner = entry.string("owner")
            var link = entry.string("link")
            if let text = link, let problem = InputRules.linkProblem(text) {
                entry.error(entry.line("link"), "link \(InputRules.quoted(text)) \(problem)")
                link = nil
            }
            entry.rejectUnknownKeys(expected: ["title", "type", "owner", "status", "link"])
            fields.absorb(entry)
            if let title { actions.append(.init(title: title, type: type, owner: owner, status: itemStatus, link: link)) }
        }
        fields.rejectUnknownKeys(expected: ["incident", "status", "published", "summary", "authors", "timeline", "action_items", "title"])
        diagnostics += fields.problems
        if let problem = ForeignFrontMatter.problem(in: file.body, path: path, bodyLine: file.bodyLine) { diagnostics.append(problem) }
        guard !diagnostics.hasErrors else { return (nil, diagnostics) }
        return (Postmortem(incidentID: incident, path: path, status: status, published: published, summary: summary, authors: authors, timeline: timeline, actionItems: actions, body: file.body, bodyLine: file.bodyLine), diagnostics)
    }

    // MARK: - Files

    /// Reads a site-relative file as UTF-8 text (with plain system calls: this runs for every file).
    /// The file's text; `missing` is the problem to report when it does not exist.
    /// A file that is not a regular file (a FIFO, socket or device) is an error, or with
    /// `skippable` a warning and skipped; a file over `InputRules.maxFileSize` is an error.
    func readText(_ path: String, missing: String = "file is missing", skippable: Bool = false, into diagnostics: inout [Diagnostic]) -> String? {
        guard let bytes = FileBytes.read(absolute(path), limit: InputRules.maxFileSize) else {
            diagnostics.append(FileManager.default.fileExists(atPath: absolute(path)) ? readProblem(path, skippable: skippable) : .error(path, 0, missing))
            return nil
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            diagnostics.append(.error(path, 0, "file is not UTF-8 text"))
            return nil
        }
        return text
    }

    /// Why the file at `path` could not be read (asked only after a read failed).
    func readProblem(_ path: String, skippable: Bool) -> Diagnostic {
        var info = stat()
        if stat(absolute(path), &info) == 0 {
            let type = info.st_mode & S_IFMT
            if type != S_IFREG {
                let what = "not a regular file (a FIFO, socket, device or folder); Herald reads only regular files"
                return skippable ? Diagnostic(path: path, line: 0, severity: .warning, message: "skipped: " + what) : .error(path, 0, what)
            }
            if Int(info.st_size) > InputRules.maxFileSize {
                return .error(path, 0, "file is \(info.st_size) bytes, over the limit of \(InputRules.maxFileSizeText) for a file in content/ (expected a shorter record; split a long text into several updates)")
            }
        }
        return .error(path, 0, "cannot read file")
    }

    func readFrontMatter(_ path: String, missing: String, into diagnostics: inout [Diagnostic]) -> FrontMatterFile? {
        guard let text = readText(path, missing: missing.isEmpty ? "file is missing" : missing, skippable: true, into: &diagnostics) else { return nil }
        return frontMatter(text: text, path: path, into: &diagnostics)
    }

    /// The main file of a record folder (`incident.md`, `maintenance.md`), split.
    func mainFile(_ record: RecordFolder, folder: String, name: String, missing: String, into diagnostics: inout [Diagnostic]) -> FrontMatterFile? {
        guard record.listed else {
            diagnostics.append(.error(folder, 0, "cannot read folder"))
            return nil
        }
        guard let entry = record.file(name) else {
            diagnostics.append(.error(folder + "/" + name, 0, missing))
            return nil
        }
        return frontMatter(entry.bytes, path: folder + "/" + name, skippable: false, into: &diagnostics)
    }

    /// A file read from a record folder (nil bytes: it could not be read), split. An event file
    /// that is not a regular file is skipped with a warning (`skippable`).
    func frontMatter(_ bytes: [UInt8]?, path: String, skippable: Bool = true, into diagnostics: inout [Diagnostic]) -> FrontMatterFile? {
        guard let bytes else {
            diagnostics.append(readProblem(path, skippable: skippable))
            return nil
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            diagnostics.append(.error(path, 0, "file is not UTF-8 text"))
            return nil
        }
        return frontMatter(text: text, path: path, into: &diagnostics)
    }

    func frontMatter(text: String, path: String, into diagnostics: inout [Diagnostic]) -> FrontMatterFile? {
        // A merge left half done: one error naming the conflict, rather than a YAML error or a
        // published `<<<<<<< HEAD`.
        if let conflict = InputRules.conflictMarker(in: text) {
            diagnostics.append(.error(path, conflict.line, InputRules.conflictMessage(conflict.marker)))
            return nil
        }
        switch FrontMatterFile.split(text, path: path) {
        case .success(let file): return file
        case .failure(let problem):
            diagnostics.append(problem)
            return nil
        }
    }
}

/// A record the loader kept, with its stamp and encoded block when it may be cached.
private struct Loaded<Value: Sendable>: Sendable {
    var name: String
    var value: Value
    var stamp: UInt64?
    /// The record's entry for the next cache, when it may be cached.
    var cacheEntry: ContentCache.Entry?
}

/// How a kind of record is stamped from what the cache kept (see ContentCache's stamps), to tell
/// whether its cached parse is still good. (A record parsed anew is stamped by its `parse`, as it
/// is read.)
private protocol Stamps: Sendable {
    func quick(_ name: String, _ slot: ContentCache.Slot, in cache: ContentCache) -> UInt64?
}

/// Record folders inside `folder` (incidents, maintenance).
private struct FolderStamps: Stamps {
    let folder: OpenFolder
    func quick(_ name: String, _ slot: ContentCache.Slot, in cache: ContentCache) -> UInt64? {
        cache.withNames(slot) { ContentCache.folderStamp(name, in: folder.descriptor, names: $0) }
    }
}

/// Single files by their path from the site's root (postmortems).
private struct FileStamps: Stamps {
    let root: String
    // A file is stamped the same way every time; it was trusted when it was cached.
    func quick(_ path: String, _ slot: ContentCache.Slot, in cache: ContentCache) -> UInt64? {
        ContentCache.fileStamp(root + path, reference: ContentCache.Reference(nanoseconds: .max))
    }
}

/// The records of one folder: their names, their slots in the parse cache, and whether the last
/// build's listing was reused (see ContentCache's "Listings").
struct RecordList {
    var names: [String]
    var slots: [ContentCache.Slot?]
    var problems: [Diagnostic] = []
    var reused = false
    /// The folder's stamp, when its listing may be kept for the next build.
    var stamp: UInt64?
}

extension ContentLoader {
    /// The records in `folder`: the last build's listing when the folder's stamp is the same, else
    /// listed anew by `list`.
    func list(
        _ folder: String, cache: ContentCache?, section: KeyPath<ContentCache, ContentCache.Section>, reference: ContentCache.Reference?,
        _ list: (inout [Diagnostic]) -> [String]
    ) -> RecordList {
        let stamp = reference.flatMap { ContentCache.listingStamp(absolute(folder), reference: $0) }
        if let cache, let (names, slots) = cache.listed(cache[keyPath: section], stamp: stamp) {
            return RecordList(names: names, slots: slots, reused: true, stamp: stamp)
        }
        var problems: [Diagnostic] = []
        let names = list(&problems)
        let slots = cache.map { $0.slots($0[keyPath: section], for: names) } ?? names.map { _ in nil }
        return RecordList(names: names, slots: slots, problems: problems, stamp: problems.isEmpty ? stamp : nil)
    }

    /// The next cache's entries for what was loaded, and the folder's listing to keep with them.
    fileprivate static func cacheEntries<Value>(_ loaded: [Loaded<Value>], listed: RecordList) -> ([ContentCache.Entry], (stamp: UInt64, entries: [(name: String, entry: Int)])?) {
        var entries: [ContentCache.Entry] = []
        entries.reserveCapacity(loaded.count)
        // `loaded` follows `listed.names`, leaving out records that did not load.
        var listing: [(name: String, entry: Int)] = []
        listing.reserveCapacity(listed.names.count)
        var position = 0
        for name in listed.names {
            var index = -1
            if position < loaded.count, loaded[position].name == name {
                if let entry = loaded[position].cacheEntry {
                    index = entries.count
                    entries.append(entry)
                }
                position += 1
            }
            listing.append((name, index))
        }
        return (entries, listed.stamp.map { ($0, listing) })
    }

    /// Loads the records named by `names` (folder ids, or paths) on both cores: from `cache` when a
    /// record's stamp matches, else with `parse` (which returns the record's stamp too, when it
    /// can be trusted), encoding what parsed cleanly for the next cache.
    /// Counts records not taken from the cache in `misses`; problems go to `diagnostics`.
    fileprivate func loadRecords<Value: Sendable>(
        _ names: [String], slots: [ContentCache.Slot?], stamps: (any Stamps)?, cache: ContentCache?,
        cached: @Sendable (ContentCache, ContentCache.Slot, String) -> (Value, ContentCache.Block)?,
        parse: @Sendable (String) -> (Value?, [Diagnostic], ContentCache.FolderStamp?), encode: @Sendable (Value) -> ContentCache.Block,
        misses: inout Int, into diagnostics: inout [Diagnostic]
    ) -> [Loaded<Value>] {
        let results = parallelMap(Array(names.indices)) { index -> (Loaded<Value>?, [Diagnostic], hit: Bool) in
            let name = names[index]
            if let stamps, let cache, let slot = slots[index], let stamp = stamps.quick(name, slot, in: cache), stamp == slot.stamp,
                let (value, block) = cached(cache, slot, name)
            {
                _ = block
                return (Loaded(name: name, value: value, stamp: stamp, cacheEntry: cache.kept(slot)), [], true)
            }
            let (value, problems, stamped) = parse(name)
            guard let value else { return (nil, problems, false) }
            guard let stamped, problems.isEmpty else { return (Loaded(name: name, value: value), problems, false) }
            let entry = ContentCache.Entry(name: name, stamp: stamped.value, names: stamped.names, block: encode(value))
            return (Loaded(name: name, value: value, stamp: stamped.value, cacheEntry: entry), [], false)
        }
        var loaded: [Loaded<Value>] = []
        loaded.reserveCapacity(results.count)
        for (record, problems, hit) in results {
            diagnostics += problems
            if !hit { misses += 1 }
            if let record { loaded.append(record) }
        }
        return loaded
    }
}

/// Maps `items` with `transform` on all cores, keeping order.
func parallelMap<T: Sendable, R: Sendable>(_ items: [T], _ transform: @Sendable (T) -> R) -> [R] {
    if items.count < 2 { return items.map(transform) }
    let box = ResultBox<R>(count: items.count)
    DispatchQueue.concurrentPerform(iterations: items.count) { index in
        box.set(index, transform(items[index]))
    }
    return box.values()
}

/// Slots written once each from concurrent iterations; distinct indices never race. The slots are
/// one fixed allocation: a Swift array here would not do, as every write to it checks (and may
/// copy) its buffer, and those checks race between threads.
private final class ResultBox<R>: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<R?>
    init(count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil)
    }
    deinit {
        slots.deinitialize()
        slots.deallocate()
    }
    func set(_ index: Int, _ value: R) { slots[index] = value }
    func values() -> [R] { slots.map { $0! } }
}
