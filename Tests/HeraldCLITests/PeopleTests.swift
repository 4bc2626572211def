import Foundation
import Testing

/// Issue #23.1, #23.3, #29.3, #29.8: every person the records know is redacted or refused, names
/// are found in every form a reader sees, people.yml's errors never show its contents.
@Suite("people and names") struct PeopleTests {
    let id = "2026-11-22-search-down"
    let now = "2026-11-25T12:00:00Z"

    func update(_ site: TemporarySite, _ name: String, _ body: String, at: String = "2026-11-22T14:20:00Z", by: String = "Jane Doe") throws {
        try site.write("content/incidents/\(id)/\(name).md", "---\nstatus: identified\nat: \(at)\nby: \(by)\n---\n\(body)\n")
    }

    /// Every output file's text, lower-cased, with entities of the names spelled out.
    func output(_ site: TemporarySite) throws -> [(String, String)] {
        try site.files(under: "public").map { path in
            (path, try String(contentsOf: site.root.appendingPathComponent("public/" + path), encoding: .utf8))
        }
    }

    @Test func cliRefusesUnknownPersonWithAHintAndAddsOnRequest() throws {
        let site = try TemporarySite()
        let refused = try site.herald("incident", "assign", id, "--role", "responder", "--person", "Carlos Diaz", "--by", "Jane Doe", "--now", now)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("--person: this person is not in content/people.yml"))
        #expect(refused.stderr.contains("--add-person"))
        #expect(site.files(under: "content/incidents/\(id)").count == 2, "nothing written")
        let byRefused = try site.herald("incident", "update", id, "--status", "identified", "--message", "Found it.", "--by", "Carlos Diaz", "--now", now)
        #expect(byRefused.status != 0)
        #expect(byRefused.stderr.contains("--by: this person is not in content/people.yml"))

        let added = try site.herald(
            "incident", "assign", id, "--role", "responder", "--person", "Carlos Diaz", "--by", "Jane Doe", "--add-person", "--now", now)
        #expect(added.status == 0, "\(added.stderr)")
        #expect(try site.read("content/people.yml").contains("- name: Carlos Diaz\n"))
        try update(site, "20261122T143000Z-identified-cd01", "Carlos Diaz found the cause.")
        let build = try site.herald("build", "--now", now)
        #expect(build.status == 0, "\(build.stderr)")
        let page = try site.read("public/incidents/\(id)/index.html")
        #expect(page.contains("The responder found the cause."))
        for (path, text) in try output(site) { #expect(!text.contains("Carlos"), "\(path)") }
    }

    @Test func buildRefusesUnknownPeopleFieldsWithPathAndLineButNoName() throws {
        let site = try TemporarySite()
        try site.write(
            "content/incidents/\(id)/20261122T141000Z-role-aaaa.md",
            "---\nkind: role\nat: 2026-11-22T14:10:00Z\nrole: incident-lead\nperson: Carlos Diaz\n---\n")
        try site.write(
            "content/incidents/\(id)/20261122T141500Z-identified-bbbb.md",
            "---\nstatus: identified\nat: 2026-11-22T14:15:00Z\nby: Marek Siarkowicz\n---\nFound.\n")
        try site.write(
            "content/postmortems/\(id).md",
            """
            ---
            incident: \(id)
            status: published
            summary: A summary.
            authors:
              - Jane Doe
              - Marek Siarkowicz
            action_items:
              - title: Alert sooner
                type: detect
                owner: Ann Other
            ---
            Body.
            """)
        let build = try site.herald("build", "--now", now)
        #expect(build.status == 1)
        #expect(
            build.stderr.contains("content/incidents/\(id)/20261122T141000Z-role-aaaa.md:5: error: 'person' names a person who is not in content/people.yml"))
        #expect(build.stderr.contains("content/incidents/\(id)/20261122T141500Z-identified-bbbb.md:4: error: 'by' names a person"))
        #expect(build.stderr.contains("content/postmortems/\(id).md:7: error: 'authors' names a person"))
        #expect(build.stderr.contains("content/postmortems/\(id).md:11: error: 'owner' names a person"))
        #expect(build.stderr.contains("hint: add them to content/people.yml"))
        for name in ["Carlos", "Marek", "Ann Other"] { #expect(!build.stderr.contains(name)) }
        #expect(!site.exists("public"))
        let check = try site.herald("check", "--now", now)
        #expect(check.status == 1)
        #expect(check.stdout.contains("'by' names a person") || check.stderr.contains("'by' names a person"))
    }

    @Test func peopleYmlErrorsGiveTheLineAndNeverItsContents() throws {
        let site = try TemporarySite()
        try site.write("content/people.yml", "- name: Jane Doe\n  aliases: [Jane]\n- name: Secret Person\n  aliases: [\"@secret\"]\n  name: Other Secret\n")
        let build = try site.herald("build", "--now", now)
        #expect(build.status == 1)
        #expect(build.stderr.contains("content/people.yml:5: error: broken YAML: a key is used twice"), "\(build.stderr)")
        for text in ["Secret", "secret", "Jane", "Other"] { #expect(!build.stderr.contains(text), "\(build.stderr)") }
        try site.write("content/people.yml", "- name: Jane Doe\n  aliases: [Jane\n- name: Hidden Name\n")
        let broken = try site.herald("build", "--now", now)
        #expect(broken.status == 1)
        #expect(!broken.stderr.contains("Hidden") && !broken.stderr.contains("Jane"), "\(broken.stderr)")
        try site.write("content/people.yml", "- name: Jane Doe\n  alias: [Jane]\n- name: \"\"\n")
        let keys = try site.herald("build", "--now", now)
        #expect(keys.stderr.contains("content/people.yml:2: error: unknown key 'alias'"), "\(keys.stderr)")
        #expect(keys.stderr.contains("content/people.yml:3: error: a person has no name"), "\(keys.stderr)")
    }

    /// A person called May or Jan: Herald's own dates are not names, their name in an update is.
    @Test func calendarNamesDoNotBreakTheBuildButAreStillRedacted() throws {
        var files = TemporarySite.minimal
        files["content/people.yml"]! +=
            "- name: May Tanaka\n  aliases: [May]\n- name: Jan Novak\n  aliases: [Jan]\n- name: June Park\n  aliases: [June]\n- name: March Li\n  aliases: [March]\n"
        let site = try TemporarySite(files: files)
        try site.write("content/incidents/2022-01-04-db/incident.md", "---\ntitle: Database slow\nseverity: minor\ncomponents: [api]\n---\n")
        try site.write(
            "content/incidents/2022-01-04-db/20220104T100000Z-resolved-aaaa.md",
            "---\nstatus: resolved\nat: 2022-01-04T10:00:00Z\n---\nFixed on 4 January 2022. Contact help@status.test.\n")
        try site.write("content/incidents/2023-05-02-db/incident.md", "---\ntitle: Database slow in May\nseverity: minor\ncomponents: [api]\n---\n")
        try site.write(
            "content/incidents/2023-05-02-db/20230502T100000Z-resolved-aaaa.md",
            "---\nstatus: resolved\nat: 2023-05-02T10:00:00Z\n---\nFixed. Contact help@status.test.\n")
        try update(site, "20261122T142000Z-identified-mm01", "May said the fix is in; Jan and June agreed.")
        let build = try site.herald("build", "--now", now)
        #expect(build.status == 0, "\(build.stderr)")
        let page = try site.read("public/incidents/\(id)/index.html")
        #expect(page.contains("Responder 1 said the fix is in; Responder 2 and Responder 3 agreed."), "\(page)")
        #expect(try site.read("public/history.rss").contains("Jan 2022"))
        let check = try site.herald("check", "--now", now)
        #expect(!check.stdout.contains("leak"))
    }

    /// #29.3: the forms of a name that slipped through before.
    @Test func namesInEveryUnicodeFormAreRedactedEverywhere() throws {
        var files = TemporarySite.minimal
        files["content/people.yml"]! += "- name: Priya Raman\n  aliases: [Priya, \"@priya\"]\n- name: Søren Iversen\n  aliases: [Søren]\n- name: Kwame Mensah\n"
        let site = try TemporarySite(files: files)
        let forms = [
            "Priya’s laptop", "“Priya”", "Priya…", "Priya—", "Priya\u{00A0}Raman", "Priya\u{2009}Raman", "Priya 🚀", "Priya™", "Priya。",
            "So\u{0308}ren", "Soren", "SØREN", "Sø\u{200B}ren", "Sø\u{00AD}ren", "Kwame&nbsp;Mensah", "Kwame  Mensah", "Kwame\tMensah",
            "Kw*a*me Mensah", "Kwame-Mensah", "Kwame_Mensah", "[link](https://example.test/S%C3%B8ren)", "P&#114;iya"
        ]
        for (index, form) in forms.enumerated() {
            try update(
                site, "20261122T1420\(String(format: "%02d", index))Z-identified-u\(String(format: "%03d", index))", "Update: \(form) done.",
                at: "2026-11-22T14:20:\(String(format: "%02d", index))Z")
        }
        try site.write(
            "content/maintenance/2026-11-30-db/maintenance.md",
            "---\ntitle: Database upgrade\ncomponents: [api]\nscheduled_start: 2026-11-30T02:00:00Z\nscheduled_end: 2026-11-30T03:00:00Z\n---\nRun by S&#248;ren and Kw*a*me Mensah.\n"
        )
        let build = try site.herald("build", "--now", now)
        #expect(build.status == 0, "\(build.stderr)")
        for (path, text) in try output(site) {
            let folded = text.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)
            for name in ["priya", "soren", "kwame", "mensah", "s%c3%b8ren", "kw<em>a</em>me", "p&#114;iya", "s&#248;ren"] {
                #expect(!folded.contains(name), "\(name) in \(path)")
            }
        }
        #expect(try site.read("public/incidents/\(id)/index.html").contains("Update: link done."))
    }

    @Test func idsMadeFromTitlesNeverHoldAName() throws {
        var files = TemporarySite.minimal
        files["content/people.yml"]! += "- name: Priya Raman\n  aliases: [Priya]\n"
        let site = try TemporarySite(files: files)
        let made = try site.herald(
            "incident", "new", "--title", "Priya Raman laptop", "--severity", "minor", "--component", "api", "--message",
            "Investigating. Contact help@status.test.", "--by", "Jane Doe", "--now", now)
        #expect(made.status == 0, "\(made.stderr)")
        #expect(made.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "2026-11-25-laptop")
        // An id written by hand that holds a listed full name is refused.
        try site.write("content/incidents/2026-11-23-priya-raman-laptop/incident.md", "---\ntitle: Laptop\nseverity: minor\ncomponents: [api]\n---\n")
        try site.write(
            "content/incidents/2026-11-23-priya-raman-laptop/20261123T100000Z-resolved-aaaa.md",
            "---\nstatus: resolved\nat: 2026-11-23T10:00:00Z\n---\nFixed. Contact help@status.test.\n")
        let build = try site.herald("build", "--now", now)
        #expect(build.status == 1)
        #expect(
            build.stderr.contains(
                "content/incidents/2026-11-23-priya-raman-laptop: error: the id holds the name or an alias of the person at content/people.yml:5"),
            "\(build.stderr)")
    }

    @Test func outsidersLabelsPublicPeopleAndPublicAddresses() throws {
        var files = TemporarySite.minimal
        files["content/site.yml"] = TemporarySite.minimalSiteYML + "\npublic_addresses: [dev@lists.status.test]\n"
        files["content/people.yml"]! += "- name: Lee Chen\n  label: a community member\n- name: Ada Lovelace\n  aliases: [ada@research.test]\n  public: true\n"
        let site = try TemporarySite(files: files)
        try update(
            site, "20261122T142000Z-identified-ou01",
            "Lee Chen reported it on dev@lists.status.test; thanks to Ada Lovelace (ada@research.test). Ask ops@corp.test.")
        let build = try site.herald("build", "--now", now)
        #expect(build.status == 0, "\(build.stderr)")
        let page = try site.read("public/incidents/\(id)/index.html")
        // Addresses that stay are linked as GFM's autolinks link them; the others are removed.
        #expect(
            page.contains(
                "A community member reported it on <a href=\"mailto:dev@lists.status.test\">dev@lists.status.test</a>; thanks to Ada Lovelace (<a href=\"mailto:ada@research.test\">ada@research.test</a>). Ask [address removed]."
            ), "\(page)")
    }
}
