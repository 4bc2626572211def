import ArgumentParser
import Foundation
import HeraldCore

#if canImport(Glibc)
    import Glibc
#endif

/// Options shared by every command that writes an event.
struct PostingOptions: ParsableArguments {
    // `.unconditional` so that `--at -15m` is read as a value, not as an option.
    @Option(
        name: .long, parsing: .unconditional,
        help: ArgumentHelp("When it happened: RFC 3339 with offset (milliseconds kept), HH:MM (the most recent, UTC) or -15m. Default: now.", valueName: "time")
    )
    var at: String?

    @Flag(name: .long, help: "Post even if the time is in the future, or the incident is already resolved.")
    var force = false

    @Flag(name: .long, help: "Refuse to post a public message that `herald check` would warn about (local-time, first-contact, length).")
    var strict = false

    @Option(
        name: .long,
        help: ArgumentHelp("Who posts it (never published; must be in people.yml). Default: git config user.name, if people.yml lists it.", valueName: "name"))
    var by: String?

    @Flag(name: .long, help: "Add the person named by --by (or --person) to content/people.yml if it does not list them.")
    var addPerson = false
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

    /// How far ahead of "now" an event may be: clock skew between machines, not a plan.
    static let skew: Int64 = 60

    /// `--at`, else now. A time more than a minute ahead of now is refused without `--force`:
    /// an update describes what happened, and a future one would show as the latest.
    func time(_ options: PostingOptions) throws -> Timestamp {
        guard let text = options.at else { return now }
        let at: Timestamp
        do { at = try TimeInput.parse(text, now: now) } catch let error as HeraldError { throw CLIError("--at: \(error.message)") }
        if at > now.adding(seconds: Self.skew), !options.force {
            throw CLIError("--at \(at.rfc3339) is in the future (now is \(now.rfc3339)); events are posted when they happen (use --force to post it anyway)")
        }
        return at
    }

    /// `--by`, else `git config user.name` in the site folder if people.yml lists it, else nobody.
    func author(_ options: PostingOptions) throws -> String? {
        if let by = options.by, !by.isEmpty {
            try requireKnown(by, option: "--by", add: options.addPerson)
            return by
        }
        guard let output = Self.run(["git", "-C", layout.root.path, "config", "user.name"]) else { return nil }
        let name = output.trimmingCharacters(in: .whitespacesAndNewlines)
        if name.isEmpty { return nil }
        if options.addPerson {
            try requireKnown(name, option: "--by", add: true)
            return name
        }
        guard try known().knows(name) else {
            // Never block a messenger mid-incident: the update is posted without `by:`.
            FileHandle.standardError.write(
                Data("note: git's user.name is not in content/people.yml, so 'by:' is left out (use --by with a listed name, or --add-person)\n".utf8))
            return nil
        }
        return name
    }

    /// Who people.yml knows.
    func known() throws -> KnownPeople {
        try KnownPeople(ContentLoader(layout: layout).loadPeople())
    }

    /// Refuses a person people.yml does not list (their name would be published), or adds them.
    func requireKnown(_ name: String, option: String, add: Bool) throws {
        guard try !known().knows(name) else { return }
        if add {
            try ContentLoader(layout: layout).addPerson(name)
            FileHandle.standardError.write(Data("added to content/people.yml; give them aliases (@handle, first name) there so those are redacted too\n".utf8))
            return
        }
        throw CLIError(
            "\(option): this person is not in content/people.yml, so the build could not show them as a role; add them there (name, aliases), or repeat the command with --add-person"
        )
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

    /// The front-matter lines every event starts with: its kind or status, `at`, and `by` when known
    /// (`RecordWriter` adds `seq`).
    func eventFields(_ first: (String, String), at: Timestamp, _ options: PostingOptions) throws -> [(String, String)] {
        var fields = [first, ("at", at.rfc3339)]
        if let by = try author(options) { fields.append(("by", RecordWriter.yamlScalar(by))) }
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
                throw CLIError("unknown component status '\(parts[1])' (expected \(allowed.joined(separator: ", ")))\(didYouMean(parts[1], allowed))")
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

    /// The message: `--message TEXT`, `--message -` (standard input), else text piped to standard
    /// input, else `$EDITOR` on a terminal prefilled with the canned text (closing it unchanged
    /// aborts), else the canned text. An empty message aborts. With `required`, there is no canned
    /// text: a message must be given.
    func message(_ option: String?, canned: String, what: String, required: Bool = false) throws -> String {
        var text: String
        if let option {
            if option == "-" {
                // Never more than a record may hold (and one byte to tell it was more).
                text = String(decoding: FileHandle.standardInput.readData(ofLength: InputRules.maxFileSize + 1), as: UTF8.self)
            } else {
                text = option
            }
        } else if let piped = Self.pipedInput() {
            text = piped
        } else if isatty(0) == 1 || ProcessInfo.processInfo.environment["HERALD_FORCE_EDITOR"] == "1" {
            text = try Editor.edit(canned, what: what)
            if !canned.isEmpty, text.trimmingCharacters(in: .whitespacesAndNewlines) == canned.trimmingCharacters(in: .whitespacesAndNewlines) {
                throw CLIError("aborted: the editor was closed without changes; nothing was written (use --message to post the canned text as it is)")
            }
        } else if required {
            throw CLIError("no \(what) given (expected --message TEXT, --message - or text on standard input); nothing was written")
        } else {
            text = canned
        }
        text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw CLIError("aborted: the message is empty; nothing was written") }
        // The record must stay under the size `herald build` reads (with room for its front matter).
        guard text.utf8.count <= InputRules.maxFileSize - 4096 else {
            throw CLIError(
                "the message is over \(InputRules.maxFileSize - 4096) bytes (a record file may be at most \(InputRules.maxFileSizeText)); nothing was written")
        }
        return text
    }

    /// What was piped or redirected to standard input, when it is not a terminal and something
    /// arrives: a file is read at once; a pipe or socket is waited for up to a second (a pipe kept
    /// open without data, as some schedulers do, must not hang a posting). Nil for a terminal,
    /// /dev/null, or nothing.
    static func pipedInput() -> String? {
        guard isatty(0) == 0 else { return nil }
        var info = stat()
        guard fstat(0, &info) == 0 else { return nil }
        let type = info.st_mode & S_IFMT
        if type == S_IFIFO || type == S_IFSOCK {
            var poller = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 1000) > 0 else { return nil }
        } else if type != S_IFREG {
            return nil
        }
        let text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        return text.allSatisfy(\.isWhitespace) ? nil : text
    }

    /// Runs the communication lints on a message about to be posted, prints each finding as a
    /// warning, and with `strict` refuses (nothing is written).
    func lint(_ message: String, first: Bool, strict: Bool) throws {
        let found = Linter.messageWarnings(message, settings: settings, first: first)
        for (code, text) in found { Console.error("herald: warning: \(text) [\(code)]") }
        if strict, !found.isEmpty {
            throw CLIError("--strict: \(found.count) warning\(found.count == 1 ? "" : "s"); nothing was written")
        }
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

/// `; did you mean 'x'?` when a known word is close to `text`, else nothing.
func didYouMean(_ text: String, _ known: [String]) -> String {
    closest(text, in: known).map { "; did you mean '\($0)'?" } ?? ""
}

/// Edit distance with a bonus for shared words, for "did you mean" lists of ids.
func editDistanceForSuggestion(_ a: String, _ b: String) -> Int {
    let wordsA = Set(a.split(separator: "-"))
    let wordsB = Set(b.split(separator: "-"))
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
