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

    /// `--timings` names every stage with its wall-clock and CPU seconds (the benchmark reads them).
    @Test func timingsNameEveryStageWithWallAndCPUTime() throws {
        let site = try TemporarySite()
        let result = try site.herald("build", "--now", "2026-11-22T15:00:00Z", "--timings")
        #expect(result.status == 0, "\(result.stderr)")
        let line = try #require(result.stderr.split(separator: "\n").first { $0.hasPrefix("timings: ") })
        let stages = line.dropFirst("timings: ".count).split(separator: ", ").map { part -> (String, Double, Double)? in
            let match = part.wholeMatch(of: /(\w+) (\d+\.\d{3})s \(cpu (\d+\.\d{2})s\)/)
            return match.flatMap { m in Double(m.2).flatMap { wall in Double(m.3).map { (String(m.1), wall, $0) } } }
        }
        #expect(stages.allSatisfy { $0 != nil }, "\(line)")
        #expect(stages.compactMap { $0?.0 } == ["verify", "load", "assemble", "prepare", "render", "scan", "write"])
        #expect(stages.compactMap { $0 }.allSatisfy { $0.1 >= 0 && $0.1 < 60 && $0.2 >= 0 && $0.2 < 120 })
    }
}
