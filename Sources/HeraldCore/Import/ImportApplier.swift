import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Applies an `ImportPlan` to a site, all or nothing.
///
/// Everything is first written through `RecordWriter` into a hidden staging site inside the site
/// folder (`.herald-import-PID-XXXX/`: the new site.yml, the new records, copies of the records
/// that get new events) and loaded there by `ContentLoader`, so what an import writes passes the
/// same checks as a build before any of it reaches `content/`. Then the staged record folders are
/// renamed into place, the new events and postmortems created, site.yml and the ledger replaced;
/// if any step fails, the steps before it are undone and the store is as it was.
package struct ImportApplier {
    package var layout: SiteLayout
    /// Told how far the staging has come on long imports (a line of text).
    package var progress: ((String) -> Void)?

    package init(layout: SiteLayout, progress: ((String) -> Void)? = nil) {
        self.layout = layout
        self.progress = progress
    }

    /// Stages, validates and (unless `dryRun`) applies `plan`. Throws `DiagnosticsError` when the
    /// staged records do not load, `HeraldError` when the disk refuses; nothing is left behind.
    package func apply(_ plan: ImportPlan, dryRun: Bool) throws {
        let fm = FileManager.default
        let staging = layout.root.appendingPathComponent(".herald-import-\(getpid())-\(RecordWriter.randomSuffix())", isDirectory: true)
        try fm.createDirectory(at: staging.appendingPathComponent("content"), withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: staging) }
        let staged = SiteLayout(root: staging)
        var stagedWriter = RecordWriter(layout: staged)
        // Tens of thousands of files: one flush (sync) before they move into place,
        // not one per file (fsync each took 10,000 incidents to minutes on a busy disk); and the
        // staging folder is this import's alone (no temporary names, no leftovers to look for).
        stagedWriter.syncsEachFile = false
        stagedWriter.ownsFolders = true

        // site.yml (with the new components) and people.yml.
        let oldSite = try Data(contentsOf: layout.siteFile)
        let newSite =
            plan.components.isEmpty
            ? oldSite : Data(try SiteYAMLEditor.adding(plan.components, to: String(decoding: oldSite, as: UTF8.self)).utf8)
        try newSite.write(to: staged.siteFile)
        if fm.fileExists(atPath: layout.peopleFile.path) { try fm.copyItem(at: layout.peopleFile, to: staged.peopleFile) }

        // New records.
        var eventNames: [String: String] = [:]  // ledger key → path under content/
        let total = plan.records.count
        var madeParents: Set<String> = []
        for (index, record) in plan.records.enumerated() {
            let parent = record.kind == .incident ? staged.incidents : staged.maintenance
            let mainFile = record.kind == .incident ? "incident.md" : "maintenance.md"
            let folderName = record.kind == .incident ? "incidents" : "maintenance"
            // Each event through the writer, oldest first, with its posting sequence (1, 2, …): the
            // export's order for events at the same millisecond, named as every command names them.
            // The folder is created in place: the staging folder is this import's alone.
            guard !record.events.isEmpty else { throw HeraldError("import: record '\(record.id)' has no event") }
            if madeParents.insert(parent.path).inserted { try fm.createDirectory(at: parent, withIntermediateDirectories: true) }
            let folder = parent.appendingPathComponent(record.id)
            guard mkdir(folder.path, 0o755) == 0 else {
                throw HeraldError("import: cannot create the staged record '\(record.id)': \(String(cString: strerror(errno)))")
            }
            guard try stagedWriter.createExclusively(folder.appendingPathComponent(mainFile), text: RecordWriter.eventText(record.fields, body: record.summary))
            else {
                throw HeraldError("import: record id '\(record.id)' was taken while staging")
            }
            for (n, event) in record.events.enumerated() {
                let name = try stagedWriter.createEvent(
                    inFolder: folder, at: event.at.timestamp, seq: n + 1, kind: event.kind, fields: event.allFields, body: event.body)
                for key in [event.source] + event.aliases { eventNames[key] = "\(folderName)/\(record.id)/\(name)" }
            }
            if let progress, total >= 1000, (index + 1) % 1000 == 0 || index + 1 == total {
                progress("staged \(index + 1) of \(total) records")
            }
        }

        // Copies of the records that get new events or a postmortem, so the loader sees them whole.
        var copied: Set<String> = []
        func copyRecord(_ kind: ImportPlan.RecordKind, _ id: String) throws {
            let key = kind.rawValue + "/" + id
            guard copied.insert(key).inserted else { return }
            let source = kind == .incident ? layout.incidentFolder(id) : layout.maintenanceFolder(id)
            let target = kind == .incident ? staged.incidentFolder(id) : staged.maintenanceFolder(id)
            guard !fm.fileExists(atPath: target.path) else { return }
            try fm.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try fm.copyItem(at: source, to: target)
        }
        for group in plan.added where !group.events.isEmpty {
            try copyRecord(group.kind, group.id)
            let folder = group.kind == .incident ? staged.incidentFolder(group.id) : staged.maintenanceFolder(group.id)
            let next = RecordWriter.nextSequence(inFolder: folder)
            for (n, event) in group.events.enumerated() {
                try stagedWriter.createEvent(
                    inFolder: folder, at: event.at.timestamp, seq: next + n, kind: event.kind, fields: event.allFields, body: event.body)
            }
        }
        for postmortem in plan.postmortems {
            if !plan.records.contains(where: { $0.kind == .incident && $0.id == postmortem.incidentID }) { try copyRecord(.incident, postmortem.incidentID) }
            try fm.createDirectory(at: staged.postmortems, withIntermediateDirectories: true)
            guard try stagedWriter.createExclusively(staged.postmortems.appendingPathComponent(postmortem.incidentID + ".md"), text: postmortem.text) else {
                throw HeraldError("import: two postmortems for '\(postmortem.incidentID)'")
            }
        }

        // The staged site must load as a build would load it.
        progress.map { _ in if total >= 1000 { progress?("checking the staged records") } }
        let (_, diagnostics) = ContentLoader(layout: staged).loadCollecting()
        let errors = diagnostics.filter { $0.severity == .error }
        if !errors.isEmpty { throw DiagnosticsError(errors) }
        if dryRun { return }

        // Everything staged reaches the disk before any of it is moved into content/.
        sync()

        // Apply, remembering how to undo each step.
        var undo: [() -> Void] = []
        do {
            if newSite != oldSite {
                try replaceFile(layout.siteFile, with: newSite)
                undo.append { try? self.replaceFile(self.layout.siteFile, with: oldSite) }
            }
            for record in plan.records {
                let from = record.kind == .incident ? staged.incidentFolder(record.id) : staged.maintenanceFolder(record.id)
                let to = record.kind == .incident ? layout.incidentFolder(record.id) : layout.maintenanceFolder(record.id)
                try fm.createDirectory(at: to.deletingLastPathComponent(), withIntermediateDirectories: true)
                guard rename(from.path, to.path) == 0 else {
                    throw HeraldError("cannot create \(layout.relativePath(to)): \(String(cString: strerror(errno)))")
                }
                undo.append { _ = rename(to.path, from.path) }
            }
            let writer = RecordWriter(layout: layout)
            for group in plan.added {
                let folder = group.kind == .incident ? layout.incidentFolder(group.id) : layout.maintenanceFolder(group.id)
                let folderName = group.kind == .incident ? "incidents" : "maintenance"
                for event in group.events {
                    let name = try writer.createEvent(inFolder: folder, at: event.at.timestamp, kind: event.kind, fields: event.allFields, body: event.body)
                    let url = folder.appendingPathComponent(name)
                    undo.append { unlink(url.path) }
                    for key in [event.source] + event.aliases { eventNames[key] = "\(folderName)/\(group.id)/\(name)" }
                }
            }
            for postmortem in plan.postmortems {
                try fm.createDirectory(at: layout.postmortems, withIntermediateDirectories: true)
                let url = layout.postmortems.appendingPathComponent(postmortem.incidentID + ".md")
                guard try writer.createExclusively(url, text: postmortem.text) else {
                    throw HeraldError("\(layout.relativePath(url)) exists already; it was left as it was")
                }
                undo.append { unlink(url.path) }
            }
            var lines = plan.extraLedger
            for record in plan.records { lines.append((record.source, "\(record.kind == .incident ? "incidents" : "maintenance")/\(record.id)")) }
            for postmortem in plan.postmortems { lines.append((postmortem.source, "postmortems/\(postmortem.incidentID).md")) }
            for (key, path) in eventNames { lines.append((key, path)) }
            if !lines.isEmpty {
                let ledger = try ImportLedger.read(layout: layout, name: plan.ledgerName)
                try fm.createDirectory(at: ledger.url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try replaceFile(ledger.url, with: Data(ledger.text(adding: lines).utf8))
            }
        } catch {
            for step in undo.reversed() { step() }
            throw error
        }
    }

    /// Replaces a file's contents at once: a temporary file beside it, renamed over it.
    func replaceFile(_ url: URL, with data: Data) throws {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        do {
            try data.write(to: temporary)
        } catch {
            throw HeraldError("cannot write \(layout.relativePath(url)): \(error.localizedDescription)")
        }
        guard rename(temporary.path, url.path) == 0 else {
            unlink(temporary.path)
            throw HeraldError("cannot replace \(layout.relativePath(url)): \(String(cString: strerror(errno)))")
        }
    }
}

/// Adds components to site.yml's `components:` list without touching anything else in the file
/// (comments, order, quoting): new entries go after the last one, indented as the first one is.
package enum SiteYAMLEditor {
    package static func adding(_ components: [ImportPlan.NewComponent], to text: String) throws -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let start = lines.firstIndex(where: { $0.hasPrefix("components:") }) else {
            throw HeraldError("content/site.yml has no 'components:' list to add the imported components to")
        }
        let rest = lines[start].dropFirst("components:".count).trimmingCharacters(in: .whitespaces)
        guard rest.isEmpty || rest.hasPrefix("#") else {
            throw HeraldError(
                "content/site.yml lists its components in flow style ('components: [...]'); write them as a block list ('- id: …' lines) so the import can add to it"
            )
        }
        // The block: every following line that is indented, a list item, blank or a comment.
        var end = start + 1
        var lastItem = start
        var indent: String?
        while end < lines.count {
            let line = lines[end]
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") {
                end += 1
                continue
            }
            guard line.hasPrefix(" ") || line.hasPrefix("-") else { break }
            if indent == nil, trimmed.hasPrefix("- ") { indent = String(line.prefix { $0 == " " }) }
            lastItem = end
            end += 1
        }
        let pad = indent ?? "  "
        var added: [String] = []
        for component in components {
            added.append("\(pad)- id: \(RecordWriter.yamlScalar(component.id))")
            added.append("\(pad)  name: \(RecordWriter.yamlScalar(component.name))")
            if let group = component.group { added.append("\(pad)  group: \(RecordWriter.yamlScalar(group))") }
            if let description = component.description, !description.isEmpty {
                added.append("\(pad)  description: \(RecordWriter.yamlScalar(description))")
            }
        }
        lines.insert(contentsOf: added, at: lastItem + 1)
        var result = lines.joined(separator: "\n")
        if !result.hasSuffix("\n") { result += "\n" }
        return result
    }
}
