import Foundation

/// Stage 4: renders the whole site to files in memory. Pure: same model and theme → same bytes.
package struct SiteRenderer: Sendable {
    package var renderers: [any OutputRenderer]

    /// Every renderer of a normal build, in no particular order (paths never overlap).
    package static let standard: [any OutputRenderer] = [
        HTMLRenderer(), PostmortemRenderer(), StatuspageAPIRenderer(), FeedRenderer(), CalendarRenderer(), SiteFilesRenderer()
    ]

    package init(renderers: [any OutputRenderer] = SiteRenderer.standard) {
        self.renderers = renderers
    }

    package func render(_ context: RenderContext) throws -> [OutputFile] {
        // The large renderers (pages, postmortems) spread their pages over every core themselves
        // and run one after another: running them in parallel too would nest one parallel loop in
        // another, and libdispatch runs a nested loop on one thread (the 10,000 incident pages
        // rendered on one core while the other finished the feeds and sat idle: render took 1.2
        // cores' worth of time instead of 2). The small ones (API, feeds, calendar, robots) run
        // meanwhile on one background thread, filling the gaps a rebuild leaves when it renders
        // only a few large pages.
        let smallRenderers = renderers.filter { !$0.spreadsOverCores }
        let small = Background { smallRenderers.flatMap { $0.render(context) } }
        var files = renderers.filter(\.spreadsOverCores).flatMap { $0.render(context) }
        files += small.value
        files = Self.sortedByPath(files)
        // The sitemap lists the pages in path order: made from the sorted files (its own sort then
        // finds them in order), and put in its place among them.
        let sitemap = SiteFilesRenderer.sitemap(for: files, baseURL: context.settings.baseURL, salt: context.cacheSalt, lastKeys: context.lastKeys)
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

extension SiteRenderer {
    /// `files` in order of their paths' bytes (the same order as String's for these ASCII paths;
    /// any consistent order will do for the duplicate check). String's `<` compares Unicode
    /// scalars, and sorting 11,000 files of a hundred bytes each moved them around and retained
    /// and released their paths at every comparison: 22 ms on one core in a rebuild at 10,000.
    /// Here the paths are copied once into one buffer and only their indices are sorted.
    static func sortedByPath(_ files: [OutputFile]) -> [OutputFile] {
        var bytes: [UInt8] = []
        var starts: [Int] = []
        starts.reserveCapacity(files.count + 1)
        for file in files {
            starts.append(bytes.count)
            bytes += file.path.utf8
        }
        starts.append(bytes.count)
        var order = Array(0..<files.count)
        bytes.withUnsafeBufferPointer { buffer in
            let base = buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!
            starts.withUnsafeBufferPointer { starts in
                order.sort { a, b in
                    let aCount = starts[a + 1] - starts[a]
                    let bCount = starts[b + 1] - starts[b]
                    let common = min(aCount, bCount)
                    let order = common == 0 ? 0 : memcmp(base + starts[a], base + starts[b], common)
                    return order != 0 ? order < 0 : aCount < bCount
                }
            }
        }
        return order.map { files[$0] }
    }
}
