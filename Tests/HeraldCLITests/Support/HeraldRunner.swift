import Foundation
import Testing

/// Runs the built `herald` executable as a user would, in a given folder.
struct HeraldRunner {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// `.build/<config>/herald`, beside the test bundle.
    static let executable: URL = {
        if let path = ProcessInfo.processInfo.environment["HERALD_BIN"] { return URL(fileURLWithPath: path) }
        var dir = Bundle.main.bundleURL
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("herald")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        let fallback = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(".build/debug/herald")
        return fallback
    }()

    @discardableResult
    static func run(_ arguments: [String], in directory: URL, stdin: String? = nil, environment: [String: String] = [:], executable program: URL? = nil) throws
        -> Result
    {
        let process = Process()
        process.executableURL = program ?? executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "SOURCE_DATE_EPOCH")
        env["EDITOR"] = nil
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        let input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try? input.fileHandleForWriting.close()
        // Read before waiting so a large output cannot fill the pipe and block the child.
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }
}

/// A site in a fresh temporary folder, removed when the test ends.
final class TemporarySite {
    let root: URL

    init(files: [String: String] = TemporarySite.minimal) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("herald-test-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        for (path, text) in files { try write(path, text) }
    }

    /// A copy of a fixture folder (`Tests/Fixtures/NAME`) or of the repo's example site (`example`).
    init(copying source: URL) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("herald-test-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.copyItem(at: source, to: root)
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    func write(_ path: String, _ text: String) throws {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    func read(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: root.appendingPathComponent(path).path) }

    @discardableResult
    func herald(_ arguments: String..., stdin: String? = nil, environment: [String: String] = [:]) throws -> HeraldRunner.Result {
        try HeraldRunner.run(arguments, in: root, stdin: stdin, environment: environment)
    }

    /// Every file under `folder`, relative paths sorted.
    func files(under folder: String) -> [String] {
        let base = root.appendingPathComponent(folder)
        guard let enumerator = FileManager.default.enumerator(atPath: base.path) else { return [] }
        var result: [String] = []
        while let path = enumerator.nextObject() as? String {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: base.appendingPathComponent(path).path, isDirectory: &isDir), !isDir.boolValue {
                result.append(path)
            }
        }
        return result.sorted()
    }

    static let minimalSiteYML = """
        title: Test Status
        base_url: https://status.test/
        support: help@status.test
        stale_after: 30m
        components:
          - id: api
            name: API
            group: Core
          - id: search
            name: Search
            group: Core
          - id: web
            name: Website
        """

    static let minimal: [String: String] = [
        "content/site.yml": minimalSiteYML,
        "content/people.yml": "- name: Jane Doe\n  aliases: [\"@jane\", jane@corp.test, Jane]\n- name: Bob Smith\n  aliases: [Bob]\n",
        "content/incidents/2026-11-22-search-down/incident.md":
            "---\ntitle: Search is unavailable\nseverity: major\ncomponents: [search]\nroles: {incident-lead: Jane Doe}\n---\n",
        "content/incidents/2026-11-22-search-down/20261122T140500Z-investigating-ab12.md":
            "---\nstatus: investigating\nat: 2026-11-22T14:05:00Z\nby: Jane Doe\n---\nSearch requests fail. We are investigating. Contact help@status.test.\n"
    ]
}

/// The repository's root folder (where Package.swift is).
let repositoryRoot: URL = {
    var url = URL(fileURLWithPath: #filePath)
    while url.path != "/" {
        url = url.deletingLastPathComponent()
        if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
    }
    return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
}()
