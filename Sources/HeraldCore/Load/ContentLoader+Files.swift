import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension ContentLoader {
    // MARK: - Files

    /// Reads a site-relative file as UTF-8 text (with plain system calls: this runs for every file).
    /// The file's text; `missing` is the problem to report when it does not exist.
    /// A file that is not a regular file (a FIFO, socket or device) is an error, or with
    /// `skippable` a warning and skipped; a file over `InputRules.maxFileSize` is an error.
    func readText(_ path: String, missing: String = "file is missing", skippable: Bool = false, into diagnostics: inout [Diagnostic]) -> String? {
        guard let bytes = FileBytes.read(absolute(path), limit: InputRules.maxFileSize) else {
            diagnostics.append(FileManager.default.fileExists(atPath: absolute(path)) ? readProblem(path, skippable: skippable) : .error(path, 0, missing))
            return nil
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            diagnostics.append(.error(path, 0, "file is not UTF-8 text"))
            return nil
        }
        return text
    }

    /// Why the file at `path` could not be read (asked only after a read failed).
    func readProblem(_ path: String, skippable: Bool) -> Diagnostic {
        var info = stat()
        if stat(absolute(path), &info) == 0 {
            let type = info.st_mode & S_IFMT
            if type != S_IFREG {
                let what = "not a regular file (a FIFO, socket, device or folder); Herald reads only regular files"
                return skippable ? Diagnostic(path: path, line: 0, severity: .warning, message: "skipped: " + what) : .error(path, 0, what)
            }
            if Int(info.st_size) > InputRules.maxFileSize {
                return .error(
                    path, 0,
                    "file is \(info.st_size) bytes, over the limit of \(InputRules.maxFileSizeText) for a file in content/ (expected a shorter record; split a long text into several updates)"
                )
            }
        }
        return .error(path, 0, "cannot read file")
    }

    func readFrontMatter(_ path: String, missing: String, into diagnostics: inout [Diagnostic]) -> FrontMatterFile? {
        guard let text = readText(path, missing: missing.isEmpty ? "file is missing" : missing, skippable: true, into: &diagnostics) else { return nil }
        return frontMatter(text: text, path: path, into: &diagnostics)
    }

    /// The main file of a record folder (`incident.md`, `maintenance.md`), split.
    func mainFile(_ record: RecordFolder, folder: String, name: String, missing: String, into diagnostics: inout [Diagnostic]) -> FrontMatterFile? {
        guard record.listed else {
            diagnostics.append(.error(folder, 0, "cannot read folder"))
            return nil
        }
        guard let entry = record.file(name) else {
            diagnostics.append(.error(folder + "/" + name, 0, missing))
            return nil
        }
        return frontMatter(entry.bytes, path: folder + "/" + name, skippable: false, into: &diagnostics)
    }

    /// A file read from a record folder (nil bytes: it could not be read), split. An event file
    /// that is not a regular file is skipped with a warning (`skippable`).
    func frontMatter(_ bytes: [UInt8]?, path: String, skippable: Bool = true, into diagnostics: inout [Diagnostic]) -> FrontMatterFile? {
        guard let bytes else {
            diagnostics.append(readProblem(path, skippable: skippable))
            return nil
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            diagnostics.append(.error(path, 0, "file is not UTF-8 text"))
            return nil
        }
        return frontMatter(text: text, path: path, into: &diagnostics)
    }

    func frontMatter(text: String, path: String, into diagnostics: inout [Diagnostic]) -> FrontMatterFile? {
        // A merge left half done: one error naming the conflict, rather than a YAML error or a
        // published `<<<<<<< HEAD`.
        if let conflict = InputRules.conflictMarker(in: text) {
            diagnostics.append(.error(path, conflict.line, InputRules.conflictMessage(conflict.marker)))
            return nil
        }
        switch FrontMatterFile.split(text, path: path) {
        case .success(let file): return file
        case .failure(let problem):
            diagnostics.append(problem)
            return nil
        }
    }
}
