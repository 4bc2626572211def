import Foundation
import Testing

@Suite("herald build, end to end")
struct BuildCommandTests {
    @Test func buildsMinimalSite() throws {
        let site = try TemporarySite()
        let result = try site.herald("build", "--now", "2026-11-22T15:00:00Z")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(site.exists("public/index.html"))
        #expect(site.exists("public/incidents/2026-11-22-search-down/index.html"))
        let index = try site.read("public/index.html")
        #expect(index.contains("Search is unavailable"))
        #expect(!index.contains("Jane"))
    }
}
