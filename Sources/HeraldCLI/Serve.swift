import ArgumentParser
import Foundation
import HeraldCore
import Hummingbird

/// `herald serve`: a live preview. Builds into a private folder (never public/), serves it on
/// 127.0.0.1, watches content/ and templates/, rebuilds on change and reloads open pages. Build
/// errors go to the terminal and to an overlay in the browser; the server keeps running.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Build, serve on 127.0.0.1, rebuild and reload on change.")

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "Port on 127.0.0.1 (0 picks a free one).")
    var port: Int = 8090

    @Option(name: .long, help: ArgumentHelp("How often to look for changes, in milliseconds.", valueName: "ms"))
    var interval: Int = 500

    func run() async throws {
        let layout = try Console.run { try global.layout() }
        guard (0...65_535).contains(port) else { throw Console.refuse("--port \(port) is out of range (expected 0 to 65535)") }
        guard (1...3_600_000).contains(interval) else { throw Console.refuse("--interval \(interval) is out of range (expected 1 to 3600000 ms)") }
        let fixedNow = try Console.run { global.now == nil ? nil : try global.resolvedNow() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("herald-serve-\(getpid())", isDirectory: true)
        let output = folder.appendingPathComponent("site", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }

        let state = PreviewState()
        let rebuild: @Sendable () async -> Void = {
            let now = fixedNow ?? Timestamp(seconds: Int64(Date().timeIntervalSince1970))
            do {
                let report = try SiteBuilder(layout: layout).build(.init(now: now, output: output, headExtra: LiveReload.script, waiting: Build.announceWait))
                await state.succeeded()
                Console.say("herald serve: rebuilt \(report.files) files (\(report.write.written) changed)")
            } catch let error as DiagnosticsError {
                let lines = error.diagnostics.map(\.formatted)
                lines.forEach(Console.error)
                Console.error("herald serve: build failed; still serving the last good site")
                await state.failed(lines, output: output)
            } catch {
                Console.error("herald serve: build failed: \(error)")
                await state.failed(["\(error)"], output: output)
            }
        }
        await rebuild()

        let router = Router()
        let servePort = ServePort(port)
        router.middlewares.add(LocalRequestGuard(port: servePort))
        router.get("/__herald/status") { _, _ -> Response in
            let status = await state.snapshot()
            let body = try JSONEncoder().encode(status)
            return Response(
                status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
        router.middlewares.add(FileMiddleware<BasicRequestContext, LocalFileSystem>(output.path, cacheControl: .init([(MediaType(type: .any), [.noStore])]), searchForIndexHtml: true))
        let requestedPort = port
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: requestedPort), serverName: "herald"),
            onServerRunning: { channel in
                let actual = channel.localAddress?.port ?? requestedPort
                servePort.set(actual)
                Console.say("herald serve: http://127.0.0.1:\(actual)/ (watching \(layout.relativePath(layout.content))/ and templates/; Ctrl-C to stop)")
            }
        )
        let pause = max(50, interval)
        let watcher = Task { [layout, rebuild] in
            var last = ChangeWatcher.fingerprint(layout)
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(pause))
                let current = ChangeWatcher.fingerprint(layout)
                if current != last {
                    last = current
                    await rebuild()
                }
            }
        }
        defer { watcher.cancel() }
        try await app.runService()
    }
}

/// What the browser polls: a version that changes on every rebuild, and the last build's errors.
actor PreviewState {
    struct Status: Codable, Sendable {
        var version: Int
        var errors: [String]
    }

    private var status = Status(version: 0, errors: [])
    private var everSucceeded = false

    func succeeded() {
        everSucceeded = true
        status = Status(version: status.version + 1, errors: [])
    }

    func failed(_ errors: [String], output: URL) {
        status = Status(version: status.version + 1, errors: errors)
        if !everSucceeded {
            // Nothing to show yet: a page that lists the errors and reloads once they are fixed.
            try? FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
            let page = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Build failed</title>\(LiveReload.script)</head><body><h1>herald build failed</h1></body></html>\n"
            try? Data(page.utf8).write(to: output.appendingPathComponent("index.html"))
        }
    }

    func snapshot() -> Status { status }
}

/// The script `herald serve` adds to every page it serves (and never to public/).
enum LiveReload {
    static let script = """
        <script>/* herald serve: live reload */(function(){var v=null;function show(e){var o=document.getElementById("herald-errors");if(o)o.remove();if(!e||!e.length)return;var d=document.createElement("pre");d.id="herald-errors";d.setAttribute("role","alert");d.style.cssText="position:fixed;left:0;right:0;bottom:0;max-height:50vh;overflow:auto;margin:0;padding:1em;background:#8b0000;color:#fff;font:14px/1.4 monospace;white-space:pre-wrap;z-index:2147483647";d.textContent="herald build failed \\u2014 showing the last good build:\\n\\n"+e.join("\\n");document.body.appendChild(d)}function poll(){fetch("/__herald/status",{cache:"no-store"}).then(function(r){return r.json()}).then(function(s){if(v===null){v=s.version;show(s.errors)}else if(s.version!==v){location.reload()}}).catch(function(){}).then(function(){setTimeout(poll,500)})}poll()})();</script>
        """
}

/// Notices changes under content/ and templates/ by their paths, sizes and modification times.
enum ChangeWatcher {
    static func fingerprint(_ layout: SiteLayout) -> [String: String] {
        var result: [String: String] = [:]
        for folder in [layout.content, layout.templates] {
            guard let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.contentModificationDateKey, .fileSizeKey]) else { continue }
            for case let url as URL in enumerator {
                let values = try? url.resourceValues(forKeys: [.contentModificationDateKey, .fileSizeKey])
                result[url.path] = "\(values?.contentModificationDate?.timeIntervalSince1970 ?? 0)/\(values?.fileSize ?? -1)"
            }
        }
        return result
    }
}
