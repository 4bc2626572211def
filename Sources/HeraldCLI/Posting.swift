import ArgumentParser
import Foundation
import HeraldCore

#if canImport(Glibc)
import Glibc
#endif

/// Options shared by every command that writes an event.
struct PostingOptions: ParsableArguments {
    // `.unconditional` so that `--at -15m` is read as a value, not as an option.
    @Option(name: .long, parsing: .unconditional, help: ArgumentHelp("When it happened: RFC 3339 with offset, HH:MM (today, UTC) or -15m. Default: now.", valueName: "time"))
    var at: String?

    @Option(name: .long, help: ArgumentHelp("Who posts it (never published). Default: git config user.name.", valueName: "name"))
    var by: String?
}

/// Turns what a messenger typed into the values a record needs.
struct Posting {
    var layout: SiteLayout
    var settings: SiteSettings
    var now: Timestamp

    init(global: GlobalOptions) throws {
        layout = try global.layout()
        settings = try ContentLoader(layout: layout).loadSettings()
        now = try global.resolvedNow()
    }

    func time(_ options: PostingOptions) throws -> Timestamp {
        guard let text = options.at else { return now }
        do { return try TimeInput.parse(text, now: now) } catch let error as HeraldError { throw CLIError("--at: \(error.message)") }
    }

    /// `--by`, else `git config user.name` in the site folder, else nobody.
    func author(_ options: PostingOptions) -> String? {
        if let by = options.by, !by.isEmpty { return by }
        guard let output = Self.run(["git", "-C", layout.root.path, "config", "user.name"]) else { return nil }
        let name = output.trimmingCharacters(in: .whitespacesAndNewlines)
        return name.isEmpty ? nil : name
    }

    /// What a program found on PATH prints, or nil if it cannot be started or fails. Started with
    /// posix_spawn and reaped with waitpid: Foundation's `Process.waitUntilExit` polls every 50 ms
    /// on Linux, which made `herald incident update` take 80 ms instead of 30 (the target is 50).
    static func run(_ arguments: [String]) -> String? {
        var pipe: [Int32] = [0, 0]
        guard Glibc.pipe(&pipe) == 0 else { return nil }
        defer { close(pipe[0]) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipe[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addclose(&actions, pipe[0])
        posix_spawn_file_actions_addclose(&actions, pipe[1])
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        var pid = pid_t()
        let spawned = posix_spawnp(&pid, arguments[0], &actions, nil, &argv, environ)
        close(pipe[1])
        guard spawned == 0 else { return nil }
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(pipe[0], &buffer, buffer.count)
            if count > 0 {
                output.append(contentsOf: buffer[0..<count])
            } else if count == 0 || errno != EINTR {
                break
            }
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        // Exited normally (low 7 bits 0) with status 0.
        guard status & 0x7f == 0, (status >> 8) & 0xff == 0 else { return nil }
        return String(decoding: output, as: UTF8.self)
    }

    /// The front-matter lines every event starts with: its kind or status, `at`, and `by` when known.
    func eventFields(_ first: (String, String), at: Timestamp, _ options: PostingOptions) -> [(String, String)] {
        var fields = [first, ("at", at.rfc3339)]
        if let by = author(options) { fields.append(("by", RecordWriter.yamlScalar(by))) }
        return fields
    }

    func checkComponent(_ id: String) throws {
        let known = settings.components.map(\.id)
        guard known.contains(id) else {
            let guess = closest(id, in: known).map { "; did you mean '\($0)'?" } ?? ""
            throw CLIError("unknown component '\(id)' (expected one of \(known.joined(separator: ", ")))\(guess)")
        }
    }

    /// Component ids from repeated or comma-separated `--component` values, validated.
    func componentIDs(_ values: [String]) throws -> [String] {
        let ids = values.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty }
        try ids.forEach(checkComponent)
        return ids
    }

    /// `search=major_outage` pairs, validated.
    func componentChanges(_ values: [String]) throws -> [(String, String)] {
        try values.flatMap { $0.split(separator: ",").map(String.init) }.map { value in
            let parts = value.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2 else {
                throw CLIError("--component '\(value)' must be id=status (e.g. search=major_outage)")
            }
            try checkComponent(parts[0])
            let allowed = ComponentStatus.writable.map(\.rawValue)
            guard allowed.contains(parts[1]) else {
                throw CLIError("unknown component status '\(parts[1])' (expected \(allowed.joined(separator: ", ")))")
            }
            return (parts[0], parts[1])
        }
    }

    /// The canned text for `status`, with {components} and {support} filled in.
    func cannedText(_ status: String, components: [String]) -> String {
        let template = settings.messages[status] ?? ContentLoader.defaultMessages[status] ?? ""
        let names = components.compactMap { settings.component($0)?.name }
        let list: String
        switch names.count {
        case 0: list = "our services"
        case 1: list = names[0]
        default: list = names.dropLast().joined(separator: ", ") + " and " + names.last!
        }
        return template.replacingOccurrences(of: "{components}", with: list).replacingOccurrences(of: "{support}", with: settings.support)
    }

    /// The message: `--message TEXT`, `--message -` (standard input), else `$EDITOR` on a terminal
    /// prefilled with the canned text, else the canned text. An empty message aborts.
    func message(_ option: String?, canned: String, what: String) throws -> String {
        var text: String
        if let option {
            if option == "-" {
                // Never more than a record may hold (and one byte to tell it was more).
                text = String(decoding: FileHandle.standardInput.readData(ofLength: InputRules.maxFileSize + 1), as: UTF8.self)
            } else {
                text = option
            }
        } else if isatty(0) == 1 || ProcessInfo.processInfo.environment["HERALD_FORCE_EDITOR"] == "1" {
            text = try Editor.edit(canned, what: what)
        } else {
            text = canned
        }
        text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw CLIError("aborted: the message is empty; nothing was written") }
        // The record must stay under the size `herald build` reads (with room for its front matter).
        guard text.utf8.count <= InputRules.maxFileSize - 4096 else {
            throw CLIError("the message is over \(InputRules.maxFileSize - 4096) bytes (a record file may be at most \(InputRules.maxFileSizeText)); nothing was written")
        }
        return text
    }

    /// An unknown id, with the closest existing ids suggested.
    func unknownRecord(_ id: String, kind: String) -> CLIError {
        let ids = ContentLoader(layout: layout).recordIDs(kind == "incident" ? "incidents" : "maintenance")
        let ranked = ids.map { ($0, editDistanceForSuggestion(id, $0)) }.sorted { ($0.1, $0.0) < ($1.1, $1.0) }.prefix(3).map(\.0)
        let hint = ranked.isEmpty ? "" : " (closest: \(ranked.joined(separator: ", ")))"
        return CLIError("unknown \(kind) '\(id)'\(hint)")
    }

    /// Refuses ids that are not ids (`../x`, `a/b`) before they touch a path.
    func checkID(_ id: String, kind: String) throws {
        if let problem = RecordID.problem(id) { throw CLIError("\(kind) \(problem)") }
    }
}

/// Edit distance with a bonus for shared words, for "did you mean" lists of ids.
func editDistanceForSuggestion(_ a: String, _ b: String) -> Int {
    let wordsA = Set(a.split(separator: "-")), wordsB = Set(b.split(separator: "-"))
    return max(a.count, b.count) - 4 * wordsA.intersection(wordsB).count
}

/// Opens `$EDITOR` (then `$VISUAL`, then `vi`) on a temporary file.
enum Editor {
    static func edit(_ initial: String, what: String) throws -> String {
        let env = ProcessInfo.processInfo.environment
        let editor = [env["EDITOR"], env["VISUAL"]].compactMap { $0 }.first { !$0.isEmpty } ?? "vi"
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("herald-message-\(getpid()).md")
        let header = """
            \(initial)

            # Write the \(what) above. Lines starting with '#' are ignored.
            # Times in UTC; no local references ("this morning"). Saving an empty message aborts.

            """
        try Data(header.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "\(editor) \"$1\"", "sh", file.path]
        process.standardInput = FileHandle.standardInput
        process.standardOutput = FileHandle.standardOutput
        process.standardError = FileHandle.standardError
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CLIError("aborted: the editor exited with status \(process.terminationStatus); nothing was written") }
        let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
        return text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("#") }.joined(separator: "\n")
    }
}
