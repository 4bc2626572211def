import Foundation
import Testing

/// Postmortems as people write them (issue 25): GFM in the built page, images and files beside
/// the postmortem, a first heading repeating the title, another tool's front matter.
@Suite("postmortem content")
struct PostmortemContentTests {
    let now = "2026-11-22T15:00:00Z"
    let id = "2026-11-22-search-down"
    let base = PostmortemTests()

    /// 8 bytes of a PNG signature and a little more: a file a browser would take for an image.
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0x4A, 0x61, 0x6E, 0x65]

    func writeBytes(_ site: TemporarySite, _ path: String, _ bytes: [UInt8]) throws {
        let url = site.root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }

    @Test func tablesTasksAutolinksAndStrikethroughInThePage() throws {
        let site = try base.site(
            postmortem: """
                # Search is unavailable

                | Time | Who | What |
                |:-----|-----|-----:|
                | 14:10 | Bob | paged @jane via https://chat.test/room |
                | 14:20 | Søren | ~~restarted~~ rolled back |

                - [x] Roll back
                - [ ] Alert sooner, see www.tracker.test/1
                """)
        let build = try site.herald("build", "--now", now)
        #expect(build.status == 0, "\(build.stderr)")
        let page = try site.read("public/postmortems/\(id)/index.html")
        #expect(page.contains("<th scope=\"col\" style=\"text-align: left\">Time</th>"))
        #expect(page.contains("<td>Responder 1</td>") || page.contains("<td>The "))  // Bob is shown by a role
        #expect(page.contains("<a href=\"https://chat.test/room\">https://chat.test/room</a>"))
        #expect(page.contains("<del>restarted</del> rolled back"))
        #expect(page.contains("<input type=\"checkbox\" disabled checked> Roll back</label>"))
        #expect(page.contains("<a href=\"http://www.tracker.test/1\">www.tracker.test/1</a>"))
        // The body's first heading repeats the title: the page shows it once.
        #expect(!page.contains("<h1>Search is unavailable</h1>"))
        for (path, text) in try base.allOutput(site) {
            for name in PostmortemTests.rosterStrings { #expect(!base.containsWord(text, name), "\(name) in \(path)") }
        }
    }

    @Test func imagesAndFilesBesideThePostmortemAreCopied() throws {
        let site = try base.site(
            postmortem: "![Pods over time](img/pods.png)\n\nSee [the log](files/api.log), ![shared](shared.png) and [the runbook](../../incidents/\(id)/).\n")
        try writeBytes(site, "content/postmortems/\(id)/img/pods.png", Self.png)
        try site.write("content/postmortems/\(id)/files/api.log", "14:10 error rate 40%\n")
        try writeBytes(site, "content/postmortems/shared.png", Self.png)
        let build = try site.herald("build", "--now", now)
        #expect(build.status == 0, "\(build.stderr)")
        let page = try site.read("public/postmortems/\(id)/index.html")
        #expect(page.contains("<img src=\"img/pods.png\" alt=\"Pods over time\" />"))
        #expect(try Data(contentsOf: site.root.appendingPathComponent("public/postmortems/\(id)/img/pods.png")) == Data(Self.png))
        #expect(try site.read("public/postmortems/\(id)/files/api.log") == "14:10 error rate 40%\n")
        #expect(site.exists("public/postmortems/\(id)/shared.png"))
        // A rebuild keeps them; a removed reference removes the copy.
        #expect(try site.herald("build", "--now", now).status == 0)
        #expect(site.exists("public/postmortems/\(id)/img/pods.png"))
        let text = try site.read("content/postmortems/\(id).md").replacingOccurrences(of: "![Pods over time](img/pods.png)", with: "No chart.")
        try site.write("content/postmortems/\(id).md", text)
        #expect(try site.herald("build", "--now", now).status == 0)
        #expect(!site.exists("public/postmortems/\(id)/img/pods.png"))
        #expect(site.exists("public/postmortems/\(id)/shared.png"))
    }

    /// The leak guard reads copied text files like pages: a log naming someone stops the build.
    @Test func theLeakGuardReadsCopiedTextFiles() throws {
        let site = try base.site(postmortem: "[The log](files/api.log)\n")
        try site.write("content/postmortems/\(id)/files/api.log", "14:10 restarted by Bob Smith\n")
        let build = try site.herald("build", "--now", now)
        #expect(build.status == 1)
        #expect(
            build.stderr.contains("postmortems/\(id)/files/api.log:1: error: output contains the name or an alias of the person at content/people.yml"),
            "\(build.stderr)")
        #expect(!site.exists("public/index.html"))
    }

    @Test func aMissingImageIsAnErrorNamingTheExpectedFile() throws {
        let site = try base.site(postmortem: "Intro.\n\n![pods](img/2022-01-27-pods.png)\n\n| a |\n|---|\n| [log](files/gone.txt) |\n")
        let build = try site.herald("build", "--now", now)
        #expect(build.status == 1)
        // The body starts on line 18 of the file (17 lines of front matter with its fences).
        let path = "content/postmortems/\(id).md"
        #expect(
            build.stderr.contains(
                "\(path):20: error: image 'img/2022-01-27-pods.png' not found (expected content/postmortems/\(id)/img/2022-01-27-pods.png or content/postmortems/img/2022-01-27-pods.png)"
            ), "\(build.stderr)")
        #expect(build.stderr.contains("\(path):24: error: file 'files/gone.txt' not found"), "\(build.stderr)")
        #expect(!site.exists("public/index.html"))
        let check = try site.herald("check", "--now", now)
        #expect(check.status == 1)
        #expect(check.stdout.contains("\(path):20: error: image 'img/2022-01-27-pods.png' not found"))
    }

    @Test func nothingOutsideContentIsEverRead() throws {
        let site = try base.site(
            postmortem: "![a](../../secret.png) ![b](/etc/passwd.png) ![c](img/link.png) [d](page.html) ![e](img/x.svg) ![f](.hidden.png)\n")
        try writeBytes(site, "secret.png", Self.png)
        let outside = FileManager.default.temporaryDirectory.appendingPathComponent("herald-outside-\(UUID().uuidString).png")
        try Data(Self.png).write(to: outside)
        defer { try? FileManager.default.removeItem(at: outside) }
        try FileManager.default.createDirectory(at: site.root.appendingPathComponent("content/postmortems/\(id)/img"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: site.root.appendingPathComponent("content/postmortems/\(id)/img/link.png"), withDestinationURL: outside)
        let build = try site.herald("build", "--now", now)
        #expect(build.status == 1)
        #expect(build.stderr.contains("image '../../secret.png' leads out of the postmortem's folder"))
        #expect(build.stderr.contains("image '/etc/passwd.png' is an absolute path"))
        #expect(build.stderr.contains("image 'img/link.png' is a symbolic link that leads out of content/"))
        #expect(build.stderr.contains("file 'page.html' is of a type Herald does not publish"))
        #expect(build.stderr.contains("image 'img/x.svg' is of a type Herald does not publish"))
        #expect(build.stderr.contains("image '.hidden.png' names a hidden file"))
        #expect(!site.exists("public"))
    }

    @Test func imagesFromOtherHostsStayAndAreListedByCheck() throws {
        let site = try base.site(postmortem: "Graph: ![errors](https://grafana.example.com/render/errors.png)\n")
        let build = try site.herald("build", "--now", now)
        #expect(build.status == 0, "\(build.stderr)")
        #expect(try site.read("public/postmortems/\(id)/index.html").contains("<img src=\"https://grafana.example.com/render/errors.png\" alt=\"errors\" />"))
        let check = try site.herald("check", "--now", now)
        #expect(
            check.stdout.contains("content/postmortems/\(id).md:18: warning: image from another host: https://grafana.example.com/render/errors.png"),
            "\(check.stdout)")
        #expect(check.stdout.contains("[remote-image]") || check.stdout.contains("remote-image"))
    }

    @Test func frontMatterFromAnotherToolIsAnError() throws {
        let site = try base.site(postmortem: "---\nlayout: post\ntitle: \"Search outage\"\ndate: 2026-11-22\ntags: [search]\n---\n\n## Summary\n")
        let build = try site.herald("build", "--now", now)
        #expect(build.status == 1)
        #expect(
            build.stderr.contains(
                "content/postmortems/\(id).md:18: error: the body starts with a second front matter block (fields 'layout', 'title', 'date', 'tags')"),
            "\(build.stderr)")
        // A thematic break that opens a body, or a rule over one `Label: text` heading, is no front matter.
        let fine = try base.site(postmortem: "---\n\nJust a rule, then text.\n")
        #expect(try fine.herald("build", "--now", now).status == 0)
        let heading = try base.site(postmortem: "---\nStatus: resolved\n---\n\nText.\n")
        #expect(try heading.herald("build", "--now", now).status == 0)
    }
}
