import Foundation

/// Stage 4: renders the whole site to files in memory. Pure: same model and theme → same bytes.
public struct SiteRenderer: Sendable {
    public var renderers: [any OutputRenderer]

    /// Every renderer of a normal build, in no particular order (paths never overlap).
    public static let standard: [any OutputRenderer] = [
        HTMLRenderer(), PostmortemRenderer(), StatuspageAPIRenderer(), FeedRenderer(), CalendarRenderer(), SiteFilesRenderer(),
    ]

    public init(renderers: [any OutputRenderer] = SiteRenderer.standard) {
        self.renderers = renderers
    }

    public func render(_ context: RenderContext) throws -> [OutputFile] {
        // The large renderers (pages, postmortems) spread their pages over every core themselves
        // and run one after another: running them in parallel too would nest one parallel loop in
        // another, and libdispatch runs a nested loop on one thread (the 10,000 incident pages
        // rendered on one core while the other finished the feeds and sat idle: render took 1.2
        // cores' worth of time instead of 2). The small ones (API, feeds, calendar, robots) run
        // meanwhile on one background thread, filling the gaps a rebuild leaves when it renders
        // only a few large pages.
        let small = SmallRenderers(renderers: renderers.filter { !$0.spreadsOverCores })
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { small.run(context) }
        var files = renderers.filter(\.spreadsOverCores).flatMap { $0.render(context) }
        group.wait()
        files += small.files
        // By the paths' bytes (the same order as String's for these ASCII paths, and any
        // consistent order will do below): String's `<` compares Unicode scalars, a fifth of
        // a millisecond per thousand comparisons, and sorting 11,000 files makes 150,000.
        files.sort { a, b in
            var a = a.path, b = b.path
            return a.withUTF8 { x in b.withUTF8 { y in
                let common = min(x.count, y.count)
                let order = common == 0 ? 0 : memcmp(x.baseAddress!, y.baseAddress!, common)
                return order != 0 ? order < 0 : x.count < y.count
            } }
        }
        // The sitemap lists the pages in path order: made from the sorted files (its own sort then
        // finds them in order), and put in its place among them.
        let sitemap = SiteFilesRenderer.sitemap(for: files, baseURL: context.settings.baseURL, salt: context.cacheSalt, previous: context.previous)
        files.insert(sitemap, at: files.firstIndex { $0.path > sitemap.path } ?? files.endIndex)
        var duplicates: [String] = []
        for index in files.indices.dropFirst() where files[index].path == files[index - 1].path {
            duplicates.append(files[index].path)
        }
        if !duplicates.isEmpty {
            throw HeraldError("internal error: two renderers produced \(duplicates.joined(separator: ", "))")
        }
        return files
    }
}

/// The small renderers' files, written by the background thread before it leaves the dispatch
/// group and read only after `wait()`.
private final class SmallRenderers: @unchecked Sendable {
    let renderers: [any OutputRenderer]
    var files: [OutputFile] = []
    init(renderers: [any OutputRenderer]) { self.renderers = renderers }
    func run(_ context: RenderContext) { files = renderers.flatMap { $0.render(context) } }
}
