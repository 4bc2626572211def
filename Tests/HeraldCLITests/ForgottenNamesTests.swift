import Foundation
import Testing

/// #23.2: people a team forgot to list in people.yml are found before publishing, on real
/// postmortems, with at most one false alarm per document.
@Suite("forgotten names")
struct ForgottenNamesTests {
    let now = "2026-11-23T00:00:00Z"
    let id = "2026-11-22-search-down"

    /// The forgotten people of each document (a handle counts as a person), as a reader finds them.
    static let documents: [(file: String?, text: String?, people: [String])] = [
        ("mybinder_2018-01-18-reddit-hug.md", nil, ["Tim", "Carol", "Yuvi"]),
        ("etcd_v3.5-data-inconsistency.md", nil, ["serathius@"]),
        ("dfds_PM2019-009_kubernetes-ip-starvation.md", nil, []),
        // The sentences issue #23 quotes from real postmortems, with traps (places, products, CI).
        (
            nil,
            """
            ## Timeline

            - 09:02 incident manager (Søren Iversen) appointed.
            - 09:10 Jan and John discussing the rollback in the channel.
            - 09:15 First reports of failed logins arrive from Sarika de Bruyn.
            - 09:40 Tim signs off, Carol online.
            - 09:45 Paged Marek Siarkowicz about the database.
            - 10:00 The Kubernetes cluster in Frankfurt was drained by Jenkins.
            - 10:05 Grafana showed the error rate falling; Chrome users were fine.
            - 10:10 Thanks to Priya for the quick fix.
            - 10:20 Dependabot opened a pull request; Travis ran the tests in May 2023 style.
            """, ["Søren Iversen", "Jan", "John", "Sarika de Bruyn", "Tim", "Carol", "Marek Siarkowicz", "Priya"]
        )
    ]

    func site(_ body: String, status: String = "draft") throws -> TemporarySite {
        let site = try TemporarySite()
        try site.write(
            "content/incidents/\(id)/20261122T145000Z-resolved-cd34.md",
            "---\nstatus: resolved\nat: 2026-11-22T14:50:00Z\n---\nFixed. Contact help@status.test.\n")
        try site.write("content/postmortems/\(id).md", "---\nincident: \(id)\nstatus: \(status)\n---\n\(body)\n")
        return site
    }

    func flagged(_ result: HeraldRunner.Result) -> [String] {
        (result.stdout + result.stderr).split(separator: "\n").compactMap { line -> String? in
            guard line.hasSuffix("[unredacted]"), let open = line.firstIndex(of: "'") else { return nil }
            let rest = line[line.index(after: open)...]
            return rest.firstIndex(of: "'").map { String(rest[..<$0]) }
        }
    }

    @Test func atLeastNineInTenForgottenPeopleAndAtMostOneFalseAlarmPerDocument() throws {
        var people = 0
        var found = 0
        for document in Self.documents {
            let body = try document.text ?? String(contentsOf: realFixtures.appendingPathComponent("postmortems/\(document.file!)"), encoding: .utf8)
            let site = try site(body)
            let result = try site.herald("check", "--now", now)
            let names = flagged(result)
            people += document.people.count
            found += document.people.filter(names.contains).count
            let falseAlarms = names.filter { !document.people.contains($0) }
            #expect(falseAlarms.count <= 1, "\(document.file ?? "issue sentences"): \(falseAlarms)")
            #expect(
                document.people.allSatisfy(names.contains), "\(document.file ?? "issue sentences"): missed \(document.people.filter { !names.contains($0) })")
        }
        #expect(people >= 10)
        #expect(Double(found) >= 0.9 * Double(people), "\(found) of \(people)")
    }

    @Test func pointsAtTheNameStrictFailsListedPeopleAndSuppressionSilence() throws {
        let site = try site("Intro line.\n\nThe rollout went on\nuntil Tim signs off.")
        let result = try site.herald("check", "--now", now)
        #expect(
            result.stdout.contains("content/postmortems/\(id).md:8:7: warning: 'Tim' looks like a person's name but is not in people.yml"), "\(result.stdout)")
        #expect(result.status == 0)
        #expect(try site.herald("check", "--now", now, "--strict").status == 1)
        // Listed: not a forgotten name any more.
        try site.write("content/people.yml", try site.read("content/people.yml") + "- name: Tim Head\n  aliases: [Tim]\n")
        #expect(!(try site.herald("check", "--now", now)).stdout.contains("[unredacted]"))
        // Not a person: suppressed in the file.
        let other = try self.site("Later Tim signs off.\n\n<!-- herald-ignore unredacted -->")
        #expect(!(try other.herald("check", "--now", now)).stdout.contains("[unredacted]"))
    }

    @Test func theBuildWarnsAboutForgottenNamesInPublishedPostmortems() throws {
        let site = try site("## Timeline\n\nYuvi and Carol discuss the situation.", status: "published")
        let build = try site.herald("build", "--now", now)
        #expect(build.status == 0, "\(build.stderr)")
        #expect(build.stderr.contains("warning: 'Yuvi' looks like a person's name but is not in people.yml"), "\(build.stderr)")
        #expect(build.stderr.contains("'Carol'"))
    }
}
