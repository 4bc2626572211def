import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes new records and events without ever touching an existing file.
///
/// Every event is its own file, created once: the content goes to a hidden temporary file in the
/// same folder, which is then hard-linked to its final, unique name (link(2) fails rather than
/// replace an existing file) and unlinked. A reader therefore sees either no file or the whole file,
/// even if the process is killed, and any number of messengers posting at the same second each
/// keep their update.
package struct RecordWriter: Sendable {
    package var layout: SiteLayout
    /// Whether each file is flushed to disk before it is linked into place. An import turns this
    /// off for its staging folder and flushes the whole file system once before moving it in.
    package var syncsEachFile = true
    /// Whether the folders written to are this process's alone (an import's staging folder): files
    /// are then created at their final names directly (no temporary file, link and unlink) and no
    /// other writer's leftovers are looked for. Tens of thousands of files: a third of the calls.
    package var ownsFolders = false

    package init(layout: SiteLayout) { self.layout = layout }

    // MARK: - Event text

    /// The text of an event file: YAML front matter, then the Markdown body.
    package static func eventText(_ fields: [(String, String)], body: String) -> String {
        var text = "---\n"
        for (key, value) in fields { text += "\(key): \(value)\n" }
        text += "---\n"
        if !body.isEmpty { text += body.hasSuffix("\n") ? body : body + "\n" }
        return text
    }

    /// A YAML scalar that reads back exactly as `value`: plain when that is safe, else double-quoted.
    package static func yamlScalar(_ value: String) -> String {
        let reserved: Set<String> = [
            "", "~", "null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE", "yes", "no", "on", "off", "Yes", "No", "On", "Off"
        ]
        let safe =
            !reserved.contains(value) && value.first.map { !"-?:,[]{}#&*!|>'\"%@` \t".contains($0) } == true
            && value.last != " " && !value.contains(": ") && !value.contains(" #") && !value.hasSuffix(":")
            && value.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F && $0 != "," && $0 != "[" && $0 != "]" && $0 != "{" && $0 != "}" }
            && Double(value) == nil
        if safe { return value }
        var quoted = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case "\n": quoted += "\\n"
            case "\t": quoted += "\\t"
            case "\r": quoted += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    quoted += String(format: "\\x%02X", scalar.value)
                } else {
                    quoted.unicodeScalars.append(scalar)
                }
            }
        }
        return quoted + "\""
    }

    /// `{search: major_outage, api: operational}`
    package static func yamlFlowMap(_ pairs: [(String, String)]) -> String {
        "{" + pairs.map { "\(yamlScalar($0.0)): \(yamlScalar($0.1))" }.joined(separator: ", ") + "}"
    }

    /// `[search, api]`
    package static func yamlFlowList(_ items: [String]) -> String {
        "[" + items.map(yamlScalar).joined(separator: ", ") + "]"
    }

    // MARK: - Files

    /// Creates the event `<folder>/<time with ms>-<seq>-<kind>-<4 random chars>.md`
    /// (`20261122T140500.120Z-0003-identified-k3f9.md`) from its front-matter `fields` and `body`,
    /// with `seq:` (the folder's next posting sequence, `nextSequence`) inserted after `at:`.
    /// Returns the file name. This is how every command posts an event (docs/content.md).
    @discardableResult
    package func createEvent(inFolder folder: URL, at: Timestamp, kind: String, fields: [(String, String)], body: String) throws -> String {
        try createEvent(inFolder: folder, at: at, seq: Self.nextSequence(inFolder: folder), kind: kind, fields: fields, body: body)
    }

    func createEvent(inFolder folder: URL, at: Timestamp, seq: Int, kind: String, fields: [(String, String)], body: String) throws -> String {
        if !ownsFolders { Self.removeStaleTemporaries(in: folder) }
        var fields = fields.filter { $0.0 != "seq" }
        let position = (fields.firstIndex { $0.0 == "at" }).map { $0 + 1 } ?? fields.count
        fields.insert(("seq", String(seq)), at: position)
        let text = Self.eventText(fields, body: body)
        for _ in 0..<50 {
            let name = "\(at.basicMilliseconds)-\(pad(seq, 4))-\(kind)-\(Self.randomSuffix()).md"
            if try createExclusively(folder.appendingPathComponent(name), text: text) { return name }
        }
        throw HeraldError("could not find a free file name in \(layout.relativePath(folder))")
    }

    /// One more than the highest posting sequence among the event file names in `folder` (names
    /// written before sequences existed count as 0). Reads only the folder's listing.
    package static func nextSequence(inFolder folder: URL) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        var highest = 0
        for name in names where !name.hasPrefix(".") && name.hasSuffix(".md") {
            if let value = sequence(inName: name) { highest = max(highest, value) }
        }
        return highest + 1
    }

    /// The sequence in an event file name (`…Z-0003-identified-k3f9.md` → 3), nil for older names.
    package static func sequence(inName name: String) -> Int? {
        let parts = name.split(separator: "-", maxSplits: 2)
        guard parts.count == 3, parts[0].hasSuffix("Z"), !parts[1].isEmpty, parts[1].count <= 9,
            parts[1].allSatisfy({ $0.isASCII && $0.isNumber })
        else { return nil }
        return Int(parts[1])
    }

    /// Creates `<folder>/<basic time>-<kind>-<4 random chars>.md` holding `text`; returns its name.
    /// The older form, without a sequence: new events go through `createEvent(inFolder:at:kind:fields:body:)`.
    @discardableResult
    package func createEvent(inFolder folder: URL, at: Timestamp, kind: String, text: String) throws -> String {
        Self.removeStaleTemporaries(in: folder)
        for _ in 0..<50 {
            let name = "\(at.basic)-\(kind)-\(Self.randomSuffix()).md"
            if try createExclusively(folder.appendingPathComponent(name), text: text) { return name }
        }
        throw HeraldError("could not find a free file name in \(layout.relativePath(folder))")
    }

    /// Writes `text` to `url` only if no file of that name exists. Returns false when one does.
    package func createExclusively(_ url: URL, text: String) throws -> Bool {
        let folder = url.deletingLastPathComponent()
        let temporary = ownsFolders ? url : folder.appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(Self.randomSuffix()).tmp")
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else {
            if ownsFolders && errno == EEXIST { return false }
            throw HeraldError("cannot write in \(layout.relativePath(folder)): \(String(cString: strerror(errno)))")
        }
        var written = false
        defer { if !ownsFolders || !written { unlink(temporary.path) } }
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if n <= 0 {
                close(fd)
                throw HeraldError("cannot write \(layout.relativePath(url)): \(String(cString: strerror(errno)))")
            }
            offset += n
        }
        if syncsEachFile { fsync(fd) }
        close(fd)
        written = true
        if ownsFolders { return true }
        if link(temporary.path, url.path) == 0 { return true }
        if errno == EEXIST { return false }
        throw HeraldError("cannot create \(layout.relativePath(url)): \(String(cString: strerror(errno)))")
    }

    /// Creates a record folder (`incidents/<id>`) with its main file and first event, all at once:
    /// everything is written into a hidden folder that is then renamed into place. Returns the id,
    /// which gets `-2`, `-3`… when taken.
    package func createRecord(in parent: URL, id base: String, mainFile: String, mainText: String, firstEvent: (at: Timestamp, kind: String, text: String)?)
        throws -> String
    {
        try createRecord(in: parent, id: base, mainFile: mainFile, mainText: mainText) { staging in
            if let event = firstEvent {
                try createEvent(inFolder: staging, at: event.at, kind: event.kind, text: event.text)
            }
        }
    }

    /// Creates a record folder with its main file and its first event (sequence 1), as
    /// `createEvent(inFolder:at:kind:fields:body:)` writes events. Returns the id.
    package func createRecord(
        in parent: URL, id base: String, mainFile: String, mainText: String,
        firstUpdate: (at: Timestamp, kind: String, fields: [(String, String)], body: String)
    ) throws -> String {
        try createRecord(in: parent, id: base, mainFile: mainFile, mainText: mainText) { staging in
            try createEvent(inFolder: staging, at: firstUpdate.at, seq: 1, kind: firstUpdate.kind, fields: firstUpdate.fields, body: firstUpdate.body)
        }
    }

    private func createRecord(in parent: URL, id base: String, mainFile: String, mainText: String, events: (URL) throws -> Void) throws -> String {
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        Self.removeStaleTemporaries(in: parent)
        for _ in 0..<100 {
            let id = RecordID.unique(base) { FileManager.default.fileExists(atPath: parent.appendingPathComponent($0).path) }
            let staging = parent.appendingPathComponent(".new-\(id)-\(getpid())-\(Self.randomSuffix())")
            try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: false)
            defer { try? FileManager.default.removeItem(at: staging) }
            _ = try createExclusively(staging.appendingPathComponent(mainFile), text: mainText)
            try events(staging)
            // A rename onto an existing, non-empty folder fails: another messenger took this id first.
            if rename(staging.path, parent.appendingPathComponent(id).path) == 0 { return id }
            if errno != EEXIST && errno != ENOTEMPTY {
                throw HeraldError("cannot create \(layout.relativePath(parent.appendingPathComponent(id))): \(String(cString: strerror(errno)))")
            }
        }
        throw HeraldError("could not find a free id for '\(base)'")
    }

    /// Removes what writing commands stopped half-way (killed, power lost) left in `folder`: the
    /// files `.<name>.<pid>.<xxxx>.tmp` of `createExclusively` and the folders
    /// `.new-<id>-<pid>-<xxxx>` of `createRecord`, once their process is gone and a minute has
    /// passed, or an hour has passed (another machine's, on a shared folder). Only these exact
    /// names and kinds (a file, a real folder); nothing else is touched. Returns the names removed.
    @discardableResult
    package static func removeStaleTemporaries(in folder: URL, now: Date = Date()) -> [String] {
        var removed: [String] = []
        let path = folder.path
        var candidates: [(name: String, pid: Int32, isFolder: Bool)] = []
        _ = FileBytes.forEachEntry(in: path) { name, _, _ in
            if let pid = temporaryOwner(name) { candidates.append((name, pid, name.hasPrefix(".new-"))) }
            return true
        }
        for (name, pid, isFolder) in candidates {
            var info = stat()
            let entry = path + "/" + name
            guard lstat(entry, &info) == 0, (info.st_mode & S_IFMT) == (isFolder ? S_IFDIR : S_IFREG) else { continue }
            let age = now.timeIntervalSince1970 - Double(info.st_mtim.tv_sec)
            let gone = kill(pid, 0) != 0 && errno == ESRCH
            guard age > 3600 || (age > 60 && gone) else { continue }
            if isFolder {
                (try? FileManager.default.removeItem(atPath: entry)).map { removed.append(name) }
            } else if unlink(entry) == 0 {
                removed.append(name)
            }
        }
        return removed
    }

    /// The process id in a temporary name of a writing command, or nil when `name` is not one.
    static func temporaryOwner(_ name: String) -> Int32? {
        let parts: [Substring]
        if name.hasPrefix(".new-") {
            parts = name.dropFirst(5).split(separator: "-", omittingEmptySubsequences: false)
        } else if name.hasPrefix("."), name.hasSuffix(".tmp") {
            parts = name.dropFirst().dropLast(4).split(separator: ".", omittingEmptySubsequences: false)
        } else {
            return nil
        }
        guard parts.count >= 3, let random = parts.last, let pid = parts.dropLast().last, !parts.dropLast(2).joined().isEmpty,
            random.count == 4, random.utf8.allSatisfy({ (97...122).contains($0) || (48...57).contains($0) }),
            !pid.isEmpty, pid.count <= 10, pid.utf8.allSatisfy({ (48...57).contains($0) }), let value = Int32(pid), value > 0
        else { return nil }
        return value
    }

    static func randomSuffix() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<4).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] })
    }
}
