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
        let groups = parallelMap(renderers.indices.map { $0 }) { [renderers] index in renderers[index].render(context) }
        var files = groups.flatMap { $0 }
        files.append(SiteFilesRenderer.sitemap(for: files, baseURL: context.settings.baseURL))
        files.sort { $0.path < $1.path }
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
