import ArgumentParser
import Foundation
import HeraldCore
import HeraldServe

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

        let server = try PreviewServer(site: output, state: state, port: UInt16(port))
        let (actual, running) = try await server.start()
        Console.say("herald serve: http://127.0.0.1:\(actual)/ (watching \(layout.relativePath(layout.content))/ and templates/; Ctrl-C to stop)")
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
        // Ctrl-C or a SIGTERM ends the server gracefully, so the temporary folder is removed. The
        // signals are taken through libdispatch (signalfd on Linux), which also sees them when the
        // process started with them blocked, as children of some test runners and supervisors do.
        let signals = [SIGINT, SIGTERM].map { number -> any DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { running.cancel() }
            source.resume()
            return source
        }
        defer { for signal in signals { signal.cancel() } }
        do {
            try await running.value
        } catch is CancellationError {
            Console.say("herald serve: stopped")
        } catch  where running.isCancelled {
            Console.say("herald serve: stopped")
        }
    }
}
