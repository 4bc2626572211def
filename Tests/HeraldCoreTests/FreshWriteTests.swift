import Foundation
import Testing

@testable import HeraldCore

/// A first build into a missing output folder: its folders are made on one thread while the files
/// are written on the others, each file once its own folder exists (`SiteWriter.FolderMaker`).
@Suite("first write into a new folder")
final class FreshWriteTests {
    let root: URL

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("herald-fresh-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    /// Deep and wide: thousands of files in nested folders, in path order as the renderer gives
    /// them, every one where it belongs with its bytes, and a manifest entry for each.
    @Test func everyFileLandsInItsFolder() throws {
        var files: [OutputFile] = [OutputFile(path: "index.html", text: "home")]
        for i in 0..<3_000 {
            files.append(OutputFile(path: "incidents/2026-11-\(i)/index.html", text: "incident \(i)"))
            if i % 10 == 0 { files.append(OutputFile(path: "history/\(i / 100)/\(i % 100)/index.html", text: "month \(i)")) }
        }
        files.sort { $0.path < $1.path }
        let output = root.appendingPathComponent("public")
        let report = try SiteWriter(output: output).write(files)
        #expect(report.written == files.count)
        for file in files {
            let bytes = try Data(contentsOf: output.appendingPathComponent(file.path))
            #expect(Array(bytes) == file.bytes, "\(file.path)")
        }
        let writer = SiteWriter(output: output)
        let previous = writer.readPrevious()
        #expect(previous.liveManifest?.paths.count == files.count)
        #expect(previous.verified.count == files.count)
        // The build state is beside the output, not in it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).sorted() == [".public.herald", "public"])
        #expect(!FileManager.default.fileExists(atPath: output.appendingPathComponent(".herald-output").path))
    }

    /// A folder that cannot be made (its name is too long for the file system): the error names
    /// it once, however many files it would have held, and nothing is left behind.
    @Test func aFolderThatCannotBeMadeFailsTheWholeWrite() throws {
        let long = String(repeating: "x", count: 300)
        var files = [OutputFile(path: "a/index.html", text: "a"), OutputFile(path: "z/index.html", text: "z")]
        for i in 0..<20 { files.append(OutputFile(path: "m/\(long)/\(i).html", text: "\(i)")) }
        files.sort { $0.path < $1.path }
        let output = root.appendingPathComponent("public")
        #expect {
            try SiteWriter(output: output).write(files)
        } throws: { error in
            let message = "\(error)"
            return message.contains("cannot create \(output.path)/m/\(long)") && !message.contains("more")
                && message.components(separatedBy: "cannot create").count == 2
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).isEmpty)
    }
}
