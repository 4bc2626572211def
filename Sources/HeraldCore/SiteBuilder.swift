import Foundation

/// The whole pipeline: load → assemble → render → scan → write. Only the first and last stages
/// touch the disk.
public struct SiteBuilder: Sendable {
    public struct Options: Sendable {
        public var now: Timestamp
        public var output: URL?
        /// Markup for every page's head (used by `herald serve`); never set for `herald build`.
        public var headExtra: String = ""
        public init(now: Timestamp, output: URL? = nil, headExtra: String = "") {
            self.now = now
            self.output = output
            self.headExtra = headExtra
        }
    }

    public struct Report: Sendable {
        public var files: Int
        public var write: SiteWriter.Report
        public var output: URL
        public var incidents: Int
        public var maintenances: Int
    }

    public var layout: SiteLayout
    public var renderer: SiteRenderer

    public init(layout: SiteLayout, renderer: SiteRenderer = SiteRenderer()) {
        self.layout = layout
        self.renderer = renderer
    }

    /// Renders the site in memory; throws `DiagnosticsError` listing every problem.
    public func render(_ options: Options) throws -> (SiteModel, [OutputFile]) {
        let content = try ContentLoader(layout: layout).load()
        let theme = try Theme.load(overrides: layout.templates, layout: layout)
        let model = SiteAssembler().assemble(content, now: options.now)
        let context = RenderContext(model: model, theme: theme, headExtra: options.headExtra)
        let files = try renderer.render(context)
        let leaks = LeakScanner(people: content.people, support: content.settings.support).scan(files)
        if !leaks.isEmpty {
            let output = layout.relativePath(options.output ?? layout.defaultOutput)
            throw DiagnosticsError(leaks.map { var d = $0; d.path = output + "/" + d.path; return d })
        }
        return (model, files)
    }

    /// Renders and writes the site; on any error the previous output stays untouched.
    @discardableResult
    public func build(_ options: Options) throws -> Report {
        let (model, files) = try render(options)
        let output = options.output ?? layout.defaultOutput
        let write = try SiteWriter(output: output).write(files)
        return Report(files: files.count, write: write, output: output, incidents: model.incidents.count, maintenances: model.maintenances.count)
    }
}
