import ArgumentParser
import Foundation
import HeraldCore

/// `herald postmortem new ID`
struct PostmortemCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "postmortem", abstract: "Start a blameless postmortem.", subcommands: [New.self])

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "new",
            abstract: "Write content/postmortems/ID.md from the template, with the timeline, impact window and durations filled in.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var posting: PostingOptions
        @Argument(help: "The incident id.") var id: String

        func run() throws {
            try Console.run {
                let p = try Posting(global: global)
                let incident = try loadIncident(p, id)
                let target = p.layout.postmortems.appendingPathComponent("\(id).md")
                if FileManager.default.fileExists(atPath: target.path) {
                    throw CLIError("content/postmortems/\(id).md already exists; refusing to overwrite it")
                }
                let templateURL = p.layout.templates.appendingPathComponent("postmortem.md")
                let template = FileManager.default.contents(atPath: templateURL.path).map { String(decoding: $0, as: UTF8.self) }
                let text = try PostmortemDraft.text(incident: incident, settings: p.settings, template: template, author: try p.author(posting), now: p.now)
                try FileManager.default.createDirectory(at: p.layout.postmortems, withIntermediateDirectories: true)
                guard try RecordWriter(layout: p.layout).createExclusively(target, text: text) else {
                    throw CLIError("content/postmortems/\(id).md already exists; refusing to overwrite it")
                }
                print("content/postmortems/\(id).md")
            }
        }
    }
}
