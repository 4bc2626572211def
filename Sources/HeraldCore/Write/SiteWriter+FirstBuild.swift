import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension SiteWriter {
    /// The first build into `output`, which does not exist: every file goes into a new tree in the
    /// state folder, renamed to `output` when all are written. On failure that tree is removed
    /// again, with any parent folders this made.
    func writeFresh(_ files: [OutputFile]) throws -> Report {
        let fm = FileManager.default
        var created: [String] = []
        var missing: [String] = []
        var parent = Self.folder(of: output.path)
        while !parent.isEmpty, !fm.fileExists(atPath: parent) {
            missing.append(parent)
            parent = Self.folder(of: parent)
        }
        let staging = freshFolder
        var madeState = false
        func undo() {
            if created.contains(staging) { try? fm.removeItem(atPath: staging) }
            if let tree = Tree(staging) { unlink(manifestPath(tree)) }
            if madeState { rmdir(stateFolder) }
            for dir in created.reversed() where dir != staging { rmdir(dir) }
        }
        do {
            for dir in missing.reversed() {
                guard mkdir(dir, 0o755) == 0 || errno == EEXIST else { throw HeraldError("cannot create \(dir): \(Self.lastError())") }
                created.append(dir)
            }
            var info = stat()
            madeState = lstat(stateFolder, &info) != 0
            try makeStateFolder()
            guard mkdir(staging, 0o755) == 0 else { throw HeraldError("cannot create \(staging): \(Self.lastError())") }
            created.append(staging)
        } catch {
            undo()
            throw error
        }
        let shownBase = output.path + "/"
        // The folders are made on one thread while the files are written on the others, each file
        // as soon as its own folder exists: making 11,000 folders in one parent is serialised by
        // the kernel, and writing the files only after all of them kept a core idle for a third of
        // the write stage.
        let maker = FolderMaker(Self.folders(for: files), base: staging + "/", shownBase: shownBase)
        // A thread of its own, not one of libdispatch's: the writers block until it has made
        // their folders, so it must not wait for a pool thread they occupy.
        let making = Background { maker.run() }
        let outcomes = parallelMap(Array(files.indices)) { index -> Result<Manifest.Entry, HeraldError> in
            let file = files[index]
            if let failure = maker.wait(forFolderOf: file.path) { return .failure(HeraldError(failure)) }
            guard let written = FileBytes.write(file.bytes, to: staging + "/" + file.path, exclusive: true) else {
                return .failure(HeraldError("cannot write \(shownBase + file.path): \(Self.lastError())"))
            }
            let mtime = Int64(written.st_mtim.tv_sec) * 1_000_000_000 + Int64(written.st_mtim.tv_nsec)
            return .success(
                Manifest.Entry(size: file.bytes.count, mtime: mtime, inode: UInt64(written.st_ino), hash: StableHasher.hash(file.bytes), key: file.key))
        }
        making.value
        var entries: [(String, Manifest.Entry)] = []
        var failures: [String] = []
        var seen: Set<String> = []  // a folder that could not be made fails every file in it alike
        for (file, outcome) in zip(files, outcomes) {
            switch outcome {
            case .success(let entry): entries.append((file.path, entry))
            case .failure(let error): if seen.insert(error.message).inserted { failures.append(error.message) }
            }
        }
        if !failures.isEmpty {
            undo()
            throw Self.writeFailures(failures)
        }
        guard let tree = Tree(staging) else {
            undo()
            throw HeraldError("cannot read \(staging): \(Self.lastError())")
        }
        do { try writeManifest(Self.manifestBytes(entries), of: tree) } catch {
            undo()
            throw error
        }
        simulateCrash("before-moving-staging")
        // Fails if another build made the output folder meanwhile; that build's output stays.
        guard rename(staging, output.path) == 0 else {
            let reason = Self.lastError()
            undo()
            throw HeraldError("cannot move \(staging) to \(output.path): \(reason)")
        }
        removeOtherState(keeping: [tree])
        return Report(written: files.count, unchanged: 0, removed: 0)
    }

    /// Makes folders in order on one thread (`run`) while other threads wait for the folder of the
    /// file they are about to write (`wait(forFolderOf:)`). Unchecked Sendable: its mutable fields
    /// are read and written only while holding `condition`.
    final class FolderMaker: @unchecked Sendable {
        let folders: [String]
        let base: String
        let shownBase: String
        private let index: [String: Int]
        private let condition = NSCondition()
        private var made = 0  // folders[..<made] exist
        private var waiting = 0
        private var failure: String?

        init(_ folders: [String], base: String, shownBase: String) {
            self.folders = folders
            self.base = base
            self.shownBase = shownBase
            index = Dictionary(uniqueKeysWithValues: folders.enumerated().map { ($1, $0) })
        }

        func run() {
            for (position, dir) in folders.enumerated() {
                let ok = mkdir(base + dir, 0o755) == 0 || errno == EEXIST
                let reason = ok ? "" : SiteWriter.lastError()
                condition.lock()
                if ok { made = position + 1 } else { failure = "cannot create \(shownBase + dir): \(reason)" }
                if waiting > 0 { condition.broadcast() }
                condition.unlock()
                if !ok { return }
            }
        }

        /// Waits until the folder holding `path` exists; the problem when it cannot be made.
        func wait(forFolderOf path: String) -> String? {
            let dir = SiteWriter.folder(of: path)
            guard !dir.isEmpty, let position = index[dir] else { return nil }
            condition.lock()
            defer { condition.unlock() }
            while made <= position, failure == nil {
                waiting += 1
                condition.wait()
                waiting -= 1
            }
            return made > position ? nil : failure
        }
    }
}
