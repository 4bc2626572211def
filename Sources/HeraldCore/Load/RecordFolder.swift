import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One record folder (`content/incidents/<id>/`, `content/maintenance/<id>/`) read in a single
/// pass: listed once, each Markdown file opened from the folder's descriptor and read, and, when
/// the loader keeps a parse cache, the folder's stamp taken from the same listing and the same
/// `fstat`s (see ContentCache's stamps). Listing the folder a second time to stamp it, and opening
/// every file by its full path, cost a third of a cold build's load stage in system calls.
struct RecordFolder: Sendable {
    struct File: Sendable {
        var name: String
        /// Nil when the file could not be opened or read, or is not a regular file.
        var bytes: [UInt8]?
    }

    /// The Markdown files (names ending in `.md`, not hidden), sorted by name.
    var markdown: [File] = []
    /// False when the folder could not be opened or listed.
    var listed = false
    /// The folder's stamp: nil unless a reference was given, and when anything in the folder
    /// changed at or after it (or could not be stat'ed).
    var stamp: ContentCache.FolderStamp?

    /// The Markdown file called `name`, if the folder holds one.
    func file(_ name: String) -> File? { markdown.first { $0.name == name } }

    /// Reads the folder `name` inside the open folder `parent`. With a `reference`, also stamps
    /// it: the folder's inode and times (stat'ed before it is listed: an entry added meanwhile
    /// changes the folder after this), then every entry's name, mode, size, inode and times, in
    /// byte order of the names; byte for byte the stamp `ContentCache.folderStamp(_:in:names:)`
    /// computes from the stored names without listing. A Markdown file read is stamped with the
    /// `fstat` made before it is read, any other entry with `fstatat`; both follow symbolic links,
    /// as the quick stamp does.
    static func read(_ name: String, in parent: Int32, reference: ContentCache.Reference?) -> RecordFolder {
        var result = RecordFolder()
        var folder = stat()
        var trusted = false
        if let reference {
            trusted = fstatat(parent, name, &folder, 0) == 0 && ContentCache.nanoseconds(folder.st_ctim) < reference.nanoseconds
        }
        var entries: [(name: [UInt8], info: stat)] = []
        result.listed = FileBytes.forEachEntry(in: parent, name) { entry, _, descriptor in
            var info = stat()
            var stated = false
            if entry.hasSuffix(".md") && !entry.hasPrefix(".") {
                let read = FileBytes.read(in: descriptor, entry, limit: InputRules.maxFileSize)
                result.markdown.append(File(name: entry, bytes: read?.bytes))
                if let read {
                    info = read.status
                    stated = true
                }
            }
            guard trusted, let reference else { return true }
            if !stated && fstatat(descriptor, entry, &info, 0) != 0 {
                trusted = false
            } else if ContentCache.nanoseconds(info.st_ctim) >= reference.nanoseconds {
                trusted = false
            } else {
                entries.append((Array(entry.utf8), info))
            }
            return true
        }
        result.markdown.sort { $0.name < $1.name }
        guard result.listed, trusted else { return result }
        entries.sort { $0.name.lexicographicallyPrecedes($1.name) }
        var hasher = StableHasher()
        ContentCache.combineFolder(&hasher, folder)
        var names: [UInt8] = []
        for (entry, info) in entries {
            entry.withUnsafeBufferPointer { ContentCache.combine(&hasher, $0, info) }
            names += entry
            names.append(0)
        }
        result.stamp = ContentCache.FolderStamp(value: hasher.value, names: names)
        return result
    }
}
