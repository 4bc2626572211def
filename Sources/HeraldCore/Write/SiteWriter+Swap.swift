import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension SiteWriter {
    // MARK: - Writing

    /// What a build does with one file of the new site in the spare tree.
    enum Plan: Sendable {
        /// Its bytes equal the live file's: the spare gets a hard link to that very file, unless
        /// it has one already (`inSpare`).
        case live(Manifest.Entry, inSpare: Bool)
        /// The spare already holds these bytes.
        case spare(Manifest.Entry)
        /// To be written; its hash.
        case write(UInt64)
    }

    /// What the spare tree holds that Herald may rely on and may remove.
    struct Spare {
        /// Files as its manifest recorded them (checked on disk): may be kept.
        var entries: [String: Manifest.Entry] = [:]
        /// Names Herald wrote there: removed when the new site does not have them.
        var names: [String] = []
        /// The file each name must still be to be removed; nil when a stopped build's journal
        /// named them (Herald's names, written or half-written, whatever they hold now).
        var identities: [String: Manifest.Entry]? = [:]
        /// Made by this build: nothing of the last builds in it.
        var fresh = true
    }

    /// Writes `files` (sorted by path, as `SiteRenderer` returns them) and swaps them in. `previous`
    /// is `readPrevious()`, read before rendering; files marked `reused` must be among its
    /// verified entries.
    package func write(_ files: [OutputFile], previous: Previous = Previous()) throws -> Report {
        let path = output.path
        guard path != "/", !Self.name(of: path).isEmpty else { throw HeraldError("cannot build into /; choose a folder for the site") }
        if let unsafe = files.first(where: { !Self.isSafePath($0.path) }) {
            throw HeraldError("internal error: the output path '\(unsafe.path)' is not a plain relative path")
        }
        var info = stat()
        if lstat(path, &info) != 0 {
            guard errno == ENOENT else { throw HeraldError("cannot create \(path): \(Self.lastError())") }
            guard !files.contains(where: \.reused) else { throw HeraldError("internal error: pages were kept from an output that is gone") }
            return try writeFresh(files)
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else { throw HeraldError("\(path) exists and is not a folder") }
        var stateInfo = stat()
        let hasState = lstat(stateFolder, &stateInfo) == 0
        if hasState, (stateInfo.st_mode & S_IFMT) != S_IFDIR { throw stateFolderIsNotAFolder() }
        let live = Tree(path)
        let recognised = live != nil && previous.live == live && previous.liveManifest != nil
        var unknownLive = false
        if !recognised {
            guard !files.contains(where: \.reused) else { throw HeraldError("internal error: pages were kept from an output herald does not know") }
            let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            if !names.isEmpty {
                // Older Herald versions kept their manifest inside the folder: such a folder is
                // replaced, and its old contents moved aside, not deleted.
                // So is a folder whose state folder Herald made but whose manifest is gone or
                // damaged.
                let state = hasState ? (try? FileManager.default.contentsOfDirectory(atPath: stateFolder)) ?? [] : []
                let herald = state.contains("previous") || state.contains { $0.hasPrefix("manifest-") || $0.hasPrefix("set-aside-") }
                guard herald || names.contains(Self.legacyMarker) || names.contains(Self.legacyPending) else {
                    throw HeraldError(
                        "\(path) is not empty and was not made by herald build; refusing to replace it (if it is an earlier build whose state folder \(stateFolder) was deleted, delete it as well)"
                    )
                }
                unknownLive = true
            }
        }
        try makeStateFolder()
        let verified = recognised ? previous.verified : [:]
        // Each file's entry in the live manifest, looked up once. A kept page is the live file its
        // key was read from (`Previous.keys`): it must still be there.
        let liveEntries = files.map { verified[$0.path] }
        guard !zip(files, liveEntries).contains(where: { $0.reused && $1 == nil }) else {
            throw HeraldError("internal error: a page was kept that the last build's output does not hold")
        }
        let hashes = parallelMap(Array(files.indices)) { index -> UInt64 in
            files[index].reused ? (liveEntries[index]?.hash ?? 0) : StableHasher.hash(files[index].bytes)
        }

        /// What to do with each file, given what the spare holds.
        func plans(_ spare: [String: Manifest.Entry]) -> [Plan] {
            files.indices.map { index -> Plan in
                let file = files[index]
                let hash = hashes[index]
                let inSpare = spare[file.path]
                if let live = liveEntries[index], live.hash == hash, file.reused || live.size == file.bytes.count {
                    var entry = live
                    if entry.key != file.key {
                        entry.key = file.key
                        entry.line = nil
                    }
                    return .live(entry, inSpare: inSpare.map { $0.sameFile(as: live) } ?? false)
                }
                if var kept = inSpare, kept.hash == hash, kept.size == file.bytes.count {
                    kept.key = file.key
                    kept.line = nil  // its line is in the spare's manifest, not the live one's
                    return .spare(kept)
                }
                return .write(hash)
            }
        }
        var plan = plans(previous.spareVerified)
        var report = Report()
        // Usually the same paths in the same (sorted) order: then nothing is gone, without
        // hashing 11,000 paths.
        let sameAsLive = previous.liveManifest.map { $0.paths.count == files.count && zip($0.paths, files).allSatisfy { $0 == $1.path } } ?? false
        if recognised, !sameAsLive, let manifest = previous.liveManifest {
            let current = Set(files.map(\.path))
            report.removed = manifest.paths.count(where: { !current.contains($0) })
        }

        // Nothing changed: the live tree stays as it is; only keys may need recording.
        if recognised, sameAsLive, let live, let manifest = previous.liveManifest {
            var entries: [(String, Manifest.Entry)] = []
            entries.reserveCapacity(files.count)
            var unchanged = true
            for (file, step) in zip(files, plan) {
                guard case .live(let entry, _) = step else {
                    unchanged = false
                    break
                }
                entries.append((file.path, entry))
            }
            if unchanged {
                let bytes = Self.manifestBytes(entries, source: manifest.bytes)
                if bytes != manifest.bytes { try writeManifest(bytes, of: live) }
                report.unchanged = files.count
                return report
            }
        }

        // 1. The spare tree, brought up to date. Should that fail in a spare the last builds left
        // (something in its way), the spare is moved aside whole and made afresh, once.
        var spare = try prepareSpare(previous, report: &report)
        var entries: [(String, Manifest.Entry)] = []
        var spareTree: Tree
        while true {
            if spare.entries.count != previous.spareVerified.count { plan = plans(spare.entries) }
            do {
                (spareTree, entries) = try fillSpare(files, hashes: hashes, plan: plan, spare: spare)
                break
            } catch let error as HeraldError {
                guard !spare.fresh else { throw error }
                try setAside(spareFolder, report: &report)
                try makeFolder(spareFolder)
                spare = Spare()
                plan = plans([:])
            }
        }
        report.written = zip(files, plan).count(where: { if case .write = $1 { return true } else { return false } })
        report.unchanged = files.count - report.written

        // 2. The spare's manifest.
        try writeManifest(Self.manifestBytes(entries, source: previous.liveManifest?.bytes ?? []), of: spareTree)
        unlink(journalPath(spareTree))
        simulateCrash("before-exchange")

        // 3. One step: the new site is live, the old one is the next build's spare.
        guard Self.exchange(spareFolder, path) else {
            let code = errno
            let reason = Self.lastError()
            let hint: String
            switch code {
            case EBUSY, EXDEV: hint = " (it is a mount point: build into a folder inside it, e.g. --out \(path)/site, and serve that)"
            case EINVAL, ENOSYS, ENOTSUP:
                hint =
                    " (this file system cannot exchange two folders in one step; herald needs Linux 3.15 or later and a local file system such as ext4, xfs, btrfs or tmpfs)"
            default: hint = ""
            }
            throw HeraldError("cannot swap the new site into \(path): \(reason)\(hint); \(path) is unchanged")
        }
        simulateCrash("after-exchange")
        if unknownLive { try setAside(spareFolder, report: &report) }
        removeOtherState(keeping: [spareTree, unknownLive ? nil : live].compactMap { $0 })
        return report
    }

    /// Brings the spare tree to `files` as `plan` says: folders made (each one there must be a real
    /// folder), a journal of the names about to change written first, files linked or written,
    /// then the spare's files that the new site does not have removed. Its identity and the
    /// entries of its new manifest.
    func fillSpare(_ files: [OutputFile], hashes: [UInt64], plan: [Plan], spare: Spare) throws -> (Tree, [(String, Manifest.Entry)]) {
        let toWrite = files.indices.filter { index in
            switch plan[index] {
            case .live(_, let inSpare): return !inSpare
            case .spare: return false
            case .write: return true
            }
        }
        if let obstacle = makeFolders(Self.folders(of: toWrite.map { files[$0].path }), in: spareFolder) { throw HeraldError(obstacle) }
        guard let spareTree = Tree(spareFolder) else { throw HeraldError("cannot read \(spareFolder): \(Self.lastError())") }
        // The journal names what is about to change, before anything does: a build stopped from
        // here on leaves names the next one knows to be Herald's.
        var journal = Array((Self.journalVersion + "\n").utf8)
        for index in toWrite {
            journal.append(contentsOf: files[index].path.utf8)
            journal.append(10)
        }
        guard FileBytes.write(journal, to: journalPath(spareTree)) != nil else {
            throw HeraldError("cannot write \(journalPath(spareTree)): \(Self.lastError())")
        }
        let base = spareFolder + "/"
        let liveBase = output.path + "/"
        func fill(_ indices: ArraySlice<Int>) -> [(Int, Result<Manifest.Entry, HeraldError>)] {
            parallelMap(Array(indices)) { index -> (Int, Result<Manifest.Entry, HeraldError>) in
                let file = files[index]
                let target = base + file.path
                unlink(target)
                if case .live(let entry, _) = plan[index] {
                    if link(liveBase + file.path, target) == 0 { return (index, .success(entry)) }
                    if file.reused { return (index, .failure(HeraldError("cannot link \(liveBase + file.path) into \(target): \(Self.lastError())"))) }
                }
                guard let written = FileBytes.write(file.bytes, to: target, exclusive: true) else {
                    let reason = Self.lastError()
                    return (index, .failure(HeraldError("cannot write \(target): \(reason)")))
                }
                let mtime = Int64(written.st_mtim.tv_sec) * 1_000_000_000 + Int64(written.st_mtim.tv_nsec)
                return (
                    index, .success(Manifest.Entry(size: file.bytes.count, mtime: mtime, inode: UInt64(written.st_ino), hash: hashes[index], key: file.key))
                )
            }
        }
        var filled = fill(toWrite[..<(toWrite.count / 2)])
        simulateCrash("mid-fill")
        filled += fill(toWrite[(toWrite.count / 2)...])
        let failures = filled.compactMap { if case .failure(let error) = $0.1 { return error.message } else { return nil } }
        if !failures.isEmpty { throw Self.writeFailures(failures) }  // the journal stays: the next build knows these names
        var written: [Int: Manifest.Entry] = [:]
        for (index, result) in filled { if case .success(let entry) = result { written[index] = entry } }

        // Files of the spare's last build that this one does not have.
        if spare.names.count != files.count || !zip(spare.names, files).allSatisfy({ $0 == $1.path }) {
            let current = Set(files.map(\.path))
            let folder = OpenFolder(spareFolder)
            var checked: [String: Bool] = [:]  // folder → a real folder, not a link
            var emptied: Set<String> = []
            for name in spare.names where !current.contains(name) && Self.underRealFolders(name, in: spareFolder, checked: &checked) {
                if let identities = spare.identities {
                    guard let entry = identities[name], let status = Self.status(name, in: folder.descriptor),
                        status.size == entry.size, status.mtime == entry.mtime, status.inode == entry.inode
                    else { continue }
                } else {
                    var status = stat()
                    guard fstatat(folder.descriptor, name, &status, AT_SYMLINK_NOFOLLOW) == 0, (status.st_mode & S_IFMT) == S_IFREG else { continue }
                }
                unlinkat(folder.descriptor, name, 0)
                var dir = Self.folder(of: name)
                while !dir.isEmpty, emptied.insert(dir).inserted { dir = Self.folder(of: dir) }
            }
            // Fails, harmlessly, unless the folder is empty.
            for dir in emptied.sorted(by: { $0.count > $1.count }) where checked[dir] == true { unlinkat(folder.descriptor, dir, AT_REMOVEDIR) }
        }

        var entries: [(String, Manifest.Entry)] = []
        entries.reserveCapacity(files.count)
        for (index, file) in files.enumerated() {
            switch plan[index] {
            case .live(let entry, true), .spare(let entry): entries.append((file.path, entry))
            case .live, .write:
                guard let entry = written[index] else { throw HeraldError("internal error: \(file.path) was not written") }
                entries.append((file.path, entry))
            }
        }
        return (spareTree, entries)
    }

    /// Replaces the manifest of `tree` in the state folder (written aside, then renamed).
    func writeManifest(_ bytes: [UInt8], of tree: Tree) throws {
        let target = manifestPath(tree)
        let temporary = target + ".tmp-\(getpid())"
        guard FileBytes.write(bytes, to: temporary) != nil, rename(temporary, target) == 0 else {
            let reason = Self.lastError()
            unlink(temporary)
            throw HeraldError("cannot write \(target): \(reason)")
        }
    }

    /// Makes the state folder if it does not exist; it must be a real folder, never a link. A
    /// first build's staging tree left by a stopped build (`new`) is removed.
    func makeStateFolder() throws {
        var info = stat()
        if lstat(stateFolder, &info) != 0 {
            guard errno == ENOENT else { throw HeraldError("cannot read \(stateFolder): \(Self.lastError())") }
            try makeFolder(stateFolder)
        } else if (info.st_mode & S_IFMT) != S_IFDIR {
            throw stateFolderIsNotAFolder()
        }
        if lstat(freshFolder, &info) == 0 { try? FileManager.default.removeItem(atPath: freshFolder) }
        // Staging folders of first builds of older Herald versions that were stopped.
        Self.removeStale(in: Self.folder(of: output.path), prefix: Self.name(of: output.path) + ".herald-tmp-")
    }

    func stateFolderIsNotAFolder() -> HeraldError {
        HeraldError("\(stateFolder) is not a folder (herald keeps the build state of \(output.path) there, and never follows a link); remove it")
    }

    func makeFolder(_ path: String) throws {
        guard mkdir(path, 0o755) == 0 else { throw HeraldError("cannot create \(path): \(Self.lastError())") }
    }

    /// The spare tree as the last builds left it: what of it can be kept and removed. A spare
    /// Herald does not recognise (no sound manifest or journal for that very folder) is moved
    /// aside unless it is empty.
    func prepareSpare(_ previous: Previous, report: inout Report) throws -> Spare {
        var info = stat()
        guard lstat(spareFolder, &info) == 0 else {
            guard errno == ENOENT else { throw HeraldError("cannot read \(spareFolder): \(Self.lastError())") }
            try makeFolder(spareFolder)
            return Spare()
        }
        if let tree = Tree(spareFolder), tree == previous.spare, tree != previous.live, !previous.spareJournalBroken {
            if let manifest = previous.spareManifest {
                if let journal = previous.spareJournal { return Spare(entries: [:], names: manifest.paths + journal, identities: nil, fresh: false) }
                return Spare(entries: previous.spareVerified, names: manifest.paths, identities: manifest.entries, fresh: false)
            }
            if let journal = previous.spareJournal { return Spare(entries: [:], names: journal, identities: nil, fresh: false) }
        }
        if (info.st_mode & S_IFMT) == S_IFDIR, (try? FileManager.default.contentsOfDirectory(atPath: spareFolder))?.isEmpty == true {
            return Spare(fresh: false)  // a folder not made by this build: checked like any other
        }
        try setAside(spareFolder, report: &report)
        try makeFolder(spareFolder)
        return Spare()
    }

    /// Moves `path` to the first free `set-aside-N` in the state folder.
    func setAside(_ path: String, report: inout Report) throws {
        for number in 1...10_000 {
            let target = stateFolder + "/set-aside-\(number)"
            var info = stat()
            guard lstat(target, &info) != 0 else { continue }
            guard rename(path, target) == 0 else { throw HeraldError("cannot move \(path) aside to \(target): \(Self.lastError())") }
            report.setAside.append(target)
            return
        }
        throw HeraldError("cannot move \(path) aside: \(stateFolder) holds 10,000 set-aside folders; delete them")
    }

    /// Removes manifests and journals of trees other than `trees` from the state folder.
    func removeOtherState(keeping trees: [Tree]) {
        let kept = Set(trees.flatMap { ["manifest-" + $0.name, "writing-" + $0.name] })
        let folder = OpenFolder(stateFolder)
        guard folder.descriptor >= 0 else { return }
        var stale: [String] = []
        _ = FileBytes.forEachEntry(in: stateFolder) { name, _, _ in
            if (name.hasPrefix("manifest-") || name.hasPrefix("writing-")) && !kept.contains(name) { stale.append(name) }
            return true
        }
        for name in stale { unlinkat(folder.descriptor, name, 0) }
    }

    /// Makes `folders` (relative, parents first) under `root`; an existing one must be a real
    /// folder. The problem, if one is in the way or cannot be made.
    func makeFolders(_ folders: [String], in root: String) -> String? {
        for dir in folders {
            let path = root + "/" + dir
            if mkdir(path, 0o755) == 0 { continue }
            guard errno == EEXIST else { return "cannot create \(path): \(Self.lastError())" }
            var info = stat()
            guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else { return "\(path) is not a folder" }
        }
        return nil
    }

    /// Whether every folder on the way to `name` under `root` is a real folder (no link).
    static func underRealFolders(_ name: String, in root: String, checked: inout [String: Bool]) -> Bool {
        var dir = folder(of: name)
        var chain: [String] = []
        while !dir.isEmpty {
            chain.append(dir)
            dir = folder(of: dir)
        }
        for dir in chain.reversed() {
            if let known = checked[dir] {
                if !known { return false }
                continue
            }
            var info = stat()
            let real = lstat(root + "/" + dir, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
            checked[dir] = real
            if !real { return false }
        }
        return true
    }

    typealias Renameat2 = @convention(c) (Int32, UnsafePointer<CChar>?, Int32, UnsafePointer<CChar>?, UInt32) -> Int32
    /// glibc's renameat2 (2.28 and later), looked up at run time: Swift's Glibc module does not
    /// declare it.
    static let renameat2: Renameat2? = dlsym(nil, "renameat2").map { unsafeBitCast($0, to: Renameat2.self) }

    /// Exchanges the folders at `a` and `b` in one step (`RENAME_EXCHANGE`); false with `errno`.
    static func exchange(_ a: String, _ b: String) -> Bool {
        guard let renameat2 else {
            errno = ENOSYS
            return false
        }
        return renameat2(AT_FDCWD, a, AT_FDCWD, b, 2) == 0  // RENAME_EXCHANGE
    }

    /// The folder of an output path (relative, `/`-separated): everything before the last `/`, or
    /// "" at the top. (Foundation's `deletingLastPathComponent` traps on a name over 255 bytes.)
    static func folder(of path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return "" }
        return String(path[..<slash])
    }

    /// The last part of a path.
    static func name(of path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return path }
        return String(path[path.utf8.index(after: slash)...])
    }

    /// The folders (relative paths) that hold `paths`, parents first (a folder sorts before the
    /// paths inside it).
    static func folders(of paths: [String]) -> [String] {
        var directories: Set<String> = []
        for path in paths {
            var dir = folder(of: path)
            while !dir.isEmpty, directories.insert(dir).inserted { dir = folder(of: dir) }
        }
        return directories.sorted()
    }

    static func folders(for files: [OutputFile]) -> [String] { folders(of: files.map(\.path)) }
}
