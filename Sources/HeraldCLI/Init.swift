import ArgumentParser
import Foundation
import HeraldCore

/// `herald init [DIR]`: a new site that builds at once.
struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "init", abstract: "Create a new site: site.yml, people.yml and an example incident.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Folder for the new site (default: the current folder).") var directory: String?

    @Option(name: .long, help: "The site's title.") var title = "Example Status"

    func run() throws {
        try Console.run {
            let root = URL(fileURLWithPath: directory ?? global.site ?? FileManager.default.currentDirectoryPath, isDirectory: true)
            let layout = SiteLayout(root: root)
            if FileManager.default.fileExists(atPath: layout.siteFile.path) {
                throw CLIError("\(layout.siteFile.path) already exists; refusing to overwrite a site")
            }
            let now = try global.resolvedNow()
            try FileManager.default.createDirectory(at: layout.content, withIntermediateDirectories: true)
            let writer = RecordWriter(layout: layout)
            let site = """
                title: \(RecordWriter.yamlScalar(title))
                base_url: https://status.example.com/     # where the site will be served (absolute)
                support: support@example.com              # named in first updates; the one public address
                stale_after: 30m                          # post at least this often while an incident is open
                components:
                  - id: api
                    name: API
                    group: Core platform
                  - id: website
                    name: Website
                    group: Core platform
                roles: [incident-lead, messenger, responder]

                """
            guard try writer.createExclusively(layout.siteFile, text: site) else {
                throw CLIError("\(layout.siteFile.path) already exists; refusing to overwrite a site")
            }
            _ = try writer.createExclusively(
                layout.peopleFile,
                text: """
                    # Who may be named in records (by, roles, postmortems). Never published:
                    # public pages show roles instead. Example:
                    # - name: Jane Doe
                    #   aliases: ["@jane", jane@example.com, Jane]
                    []

                    """)
            let main = RecordWriter.eventText([("title", "Example incident"), ("severity", "minor"), ("components", "[website]")], body: "")
            let first = RecordWriter.eventText(
                [("status", "resolved"), ("at", now.rfc3339)],
                body: "This example incident shows how records look. Delete content/incidents/ to start afresh.")
            let id = try writer.createRecord(
                in: layout.incidents, id: RecordID.make(date: now, title: "Example incident"), mainFile: "incident.md",
                mainText: main, firstEvent: (now, "resolved", first))
            // The built site, its build state and the build's parse cache are made from content/:
            // never commit them; nor what a writing command killed half-way left (`.new-*`
            // folders, `.*.tmp` files: removed by the next command that writes there).
            let ignored = try writer.createExclusively(
                root.appendingPathComponent(".gitignore"), text: "/public/\n/.public.herald/\n/.herald-cache\n/.herald-lock\n.new-*\n.*.tmp\n")
            print("created \(layout.root.path): content/site.yml, content/people.yml, content/incidents/\(id)/\(ignored ? ", .gitignore" : "")")
            print("next: edit content/site.yml, then run `herald build`")
        }
    }
}
