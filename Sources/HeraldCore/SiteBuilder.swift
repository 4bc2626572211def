import Foundation
import Synchronization

/// The whole pipeline: load → assemble → render → scan → write. Only the first and last stages
/// touch the disk.
package struct SiteBuilder: Sendable {
    package struct Options: Sendable {
        package var now: Timestamp
        package var output: URL?
        /// Markup for every page's head (used by `herald serve`); never set for `herald build`.
        package var headExtra: String = ""
        /// Called when another build of the site holds its `BuildLock`, with that build's process
        /// id; this build then waits for it.
        package var waiting: (@Sendable (_ holder: Int32?) -> Void)?
        /// Whether the build gives its memory back when it ends (on a background thread). `herald
        /// build` exits right after and sets this to false: the model, the prepared incidents and
        /// the files are then kept until the process exits and the kernel reclaims them at once
        /// (as compilers do), which saved freeing 10,000 incidents' worth of objects at the end of
        /// every rebuild, on the main thread whenever it happened to let the last reference go.
        package var freesMemory = true
        /// For tests of stopped builds: the build ends its process on the spot at this point of
        /// writing (see `SiteWriter.crashPoint`). `herald build` sets it from `HERALD_TEST_CRASH`.
        package var crashPoint: String?
        /// Renders every page with swift-mustache instead of the compiled theme (the reference the
        /// compiled theme is tested against; `herald build --interpreted-theme`).
        package var interpretedTheme = false
        package init(now: Timestamp, output: URL? = nil, headExtra: String = "", waiting: (@Sendable (_ holder: Int32?) -> Void)? = nil) {
            self.now = now
            self.output = output
            self.headExtra = headExtra
            self.waiting = waiting
        }
    }

    package struct Report: Sendable {
        /// Wall-clock seconds per stage, in pipeline order.
        package var timings: [(stage: String, seconds: Double, cpu: Double)] = []
        package var files: Int
        /// Pages whose render-cache key matched the last build's: kept without rendering.
        package var kept: Int
        package var write: SiteWriter.Report
        package var output: URL
        package var incidents: Int
        package var maintenances: Int
        /// Pages rendered by the compiled theme and by swift-mustache (kept pages are in neither).
        package var rendered: (compiled: Int, mustache: Int) = (0, 0)
        /// Problems that do not stop a build (contradictory times in a postmortem).
        package var warnings: [Diagnostic]
    }

    /// Warnings about what is published: postmortems whose records contradict each other.
    package static func warnings(_ model: SiteModel) -> [Diagnostic] {
        (model.incidents.flatMap { state in
            state.postmortem.map { PostmortemFacts(incident: state, postmortem: $0).warnings } ?? []
        } + ClockSkew.warnings(model) + model.content.loadWarnings).sortedForOutput()
    }

    /// Probable names of people that people.yml does not list, in published postmortems (as
    /// `herald check`'s `unredacted` rule finds them, with its suppressions). `only`: the incident
    /// ids of the postmortems to read (nil: all). A build reads the postmortems whose pages it
    /// rendered, as a compiler warns about the files it compiled: reading all 1,000 of a large
    /// store took 0.2–0.3 s of every rebuild; `herald check` reads them all.
    package static func nameWarnings(_ model: SiteModel, layout: SiteLayout, only: Set<String>? = nil) -> [Diagnostic] {
        let postmortems = model.incidents.compactMap(\.postmortem).filter { only?.contains($0.incidentID) ?? true }
        guard !postmortems.isEmpty else { return [] }
        let text = TextRules(people: model.content.people, support: model.settings.support)
        var found: [Diagnostic] = []
        for postmortem in postmortems {
            found += text.unredacted(postmortem.body, path: postmortem.path, bodyLine: postmortem.bodyLine)
            for entry in postmortem.timeline { found += text.unredacted(entry.text, path: postmortem.path, bodyLine: entry.line, markdown: false) }
        }
        return Linter(layout: layout, now: model.now).suppress(found, disabled: model.settings.check.disabled)
    }

    package var layout: SiteLayout
    package var renderer: SiteRenderer

    package init(layout: SiteLayout, renderer: SiteRenderer = SiteRenderer()) {
        self.layout = layout
        self.renderer = renderer
    }

    /// Renders the site in memory; throws `DiagnosticsError` listing every problem.
    package func render(_ options: Options) throws -> (SiteModel, [OutputFile]) {
        var timings: [(stage: String, seconds: Double, cpu: Double)] = []
        defer { ContentCache.finishWriting() }
        var engines = (compiled: 0, mustache: 0)
        return try render(options, lastKeys: { [:] }, timings: &timings, engines: &engines)
    }

    /// `lastKeys` is asked for once the content is assembled (`build` checks the last build's
    /// files meanwhile).
    func render(
        _ options: Options, lastKeys: () -> [String: UInt64], timings: inout [(stage: String, seconds: Double, cpu: Double)],
        engines: inout (compiled: Int, mustache: Int)
    ) throws -> (SiteModel, [OutputFile]) {
        var clock = Stopwatch()
        let loaded = Result { try ContentLoader.cached(layout).load() }
        timings.append(clock.lap("load"))
        let themed = Result { try Theme.load(overrides: layout.templates, layout: layout, interpreted: options.interpretedTheme) }
        // Every problem at once: broken content and a broken template are reported together.
        if case .failure(let content as DiagnosticsError) = loaded, case .failure(let theme as DiagnosticsError) = themed {
            throw DiagnosticsError(content.diagnostics + theme.diagnostics)
        }
        let content = try loaded.get()
        let theme = try themed.get()
        let model = SiteAssembler().assemble(content, now: options.now)
        // Images and files of published postmortems: a missing one stops the build here.
        let assets = try PostmortemAssets.published(model, layout: layout)
        timings.append(clock.lap("assemble"))
        let context = RenderContext(model: model, theme: theme, headExtra: options.headExtra, lastKeys: lastKeys())
        timings.append(clock.lap("prepare"))
        var files = try renderer.render(context)
        engines = (theme.tally.compiled.load(ordering: .relaxed), theme.tally.mustache.load(ordering: .relaxed))
        if !assets.isEmpty { files += try PostmortemAssets.files(assets) }
        retire(consume context, options)
        timings.append(clock.lap("render"))
        // Images are not text: the scanner reads everything else, copied text files included.
        let scanned = assets.isEmpty ? files : files.filter { !PostmortemAssets.isBinary($0.path) }
        let leaks = LeakScanner(people: content.people, support: content.settings.support, publicAddresses: content.settings.publicAddresses).scan(scanned)
        timings.append(clock.lap("scan"))
        if !leaks.isEmpty {
            let output = layout.relativePath(options.output ?? layout.defaultOutput)
            throw DiagnosticsError(
                leaks.map {
                    var d = $0
                    d.path = output + "/" + d.path
                    return d
                })
        }
        retire((consume content, consume loaded), options)
        return (model, files)
    }

    /// Renders and writes the site; on any error the previous output stays untouched. Pages whose
    /// render-cache key matches the last build's (and whose files are untouched) are kept, not
    /// rendered; files whose bytes did not change are not written.
    @discardableResult
    package func build(_ options: Options) throws -> Report {
        var timings: [(stage: String, seconds: Double, cpu: Double)] = []
        let output = options.output ?? layout.defaultOutput
        try Self.checkOutput(output, layout: layout)
        let writer = SiteWriter(output: output, crashPoint: options.crashPoint)
        // Held until the new manifest is written (see BuildLock).
        let lock = BuildLock(root: layout.root) { options.waiting?($0) }
        defer { withExtendedLifetime(lock) {} }
        // The parse cache is written while the site renders; done before the lock is let go.
        defer { ContentCache.finishWriting() }
        // A parse cache being written when its build was stopped.
        SiteWriter.removeStale(in: layout.root.path + "/" + ContentCache.folderName, prefix: ContentCache.fileName + ".tmp-")
        SiteWriter.removeStale(in: layout.root.path, prefix: ContentCache.folderName + ".tmp-")  // older Herald versions
        // Pages of the last build that are still on disk as written can be kept instead of
        // rendered. They are checked on a thread of their own while the content loads: the load
        // begins with work for one core (reading the parse cache, listing the records), which
        // leaves the other free for most of this.
        let verification = Background { writer.readPrevious() }
        // A build that fails still lets the check finish before it returns.
        defer { _ = verification.value }
        var clock = Stopwatch()
        var waited = 0.0
        var engines = (compiled: 0, mustache: 0)
        let (model, files) = try render(
            options,
            lastKeys: {
                var wait = Stopwatch()
                defer { waited = wait.lap().seconds }
                return verification.value.keys
            }, timings: &timings, engines: &engines)
        // What the render waited for the check, once its content was assembled.
        timings.insert(("verify", waited, 0), at: 0)
        clock.lap()
        let previous = verification.value
        // Worked out while the files are written (it reads the events of every incident with a
        // published postmortem).
        let layout = self.layout
        var rendered = Set<String>()
        for file in files where !file.reused && file.path.hasPrefix("postmortems/") && file.path.hasSuffix("/index.html") {
            rendered.insert(String(file.path.dropFirst("postmortems/".count).dropLast("/index.html".count)))
        }
        let warnings = Background { [rendered] in
            (Self.warnings(model) + Self.nameWarnings(model, layout: layout, only: rendered)).sortedForOutput()
        }
        let write = try writer.write(files, previous: previous)
        timings.append(clock.lap("write"))
        let report = Report(
            timings: timings, files: files.count, kept: files.count(where: \.reused), write: write, output: output, incidents: model.incidents.count,
            maintenances: model.maintenances.count, rendered: engines, warnings: warnings.value)
        retire((consume model, consume files, previous, verification), options)
        return report
    }
}

extension SiteBuilder {
    /// Refuses an output folder inside the site's `content/` or `templates/` (the site would be
    /// published into its own sources, and read back as records), or one that holds them.
    /// Compared after resolving symbolic links, for the part of the path that exists.
    static func checkOutput(_ output: URL, layout: SiteLayout) throws {
        let out = realPath(output)
        for (name, folder) in [("content/", layout.content), ("templates/", layout.templates)] {
            let source = realPath(folder)
            if out == source || out.hasPrefix(source + "/") {
                throw HeraldError("the output folder \(output.path) is inside the site's \(name); choose a folder outside it (default: public/ in the site)")
            }
            if out == "/" || source.hasPrefix(out + "/") {
                throw HeraldError("the output folder \(output.path) holds the site's \(name); choose a folder of its own (default: public/ in the site)")
            }
        }
    }

    /// `url`'s path with symbolic links resolved in the part that exists.
    static func realPath(_ url: URL) -> String {
        var rest: [String] = []
        var path = url.standardizedFileURL.path
        while path.count > 1 {
            if let resolved = realpath(path, nil) {
                defer { free(resolved) }
                let base = String(cString: resolved)
                return ([base == "/" ? "" : base] + rest.reversed()).joined(separator: "/")
            }
            rest.append(SiteWriter.name(of: path))
            path = SiteWriter.folder(of: path)
            if path.isEmpty { path = "/" }
        }
        return "/" + rest.reversed().joined(separator: "/")
    }
}

/// Lets `value` go when the build is done with it: on a background thread, or never when the
/// process is about to exit (`Options.freesMemory`). Kept values stay reachable from here, so a
/// leak checker does not count them.
func retire<T: Sendable>(_ value: T, _ options: SiteBuilder.Options) {
    if options.freesMemory {
        releaseInBackground(value)
    } else {
        keptUntilExit.withLock { $0.append(value) }
    }
}
private let keptUntilExit = Mutex<[any Sendable]>([])
