import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `herald serve` with a real HTTP client: serves the site, reloads on change, survives bad content.
@Suite("herald serve", .serialized)
struct ServeCommandTests {
    final class Server {
        let process = Process()
        let output = Pipe()
        var port = 0

        init(site: TemporarySite) throws {
            process.executableURL = HeraldRunner.executable
            process.arguments = ["serve", "--port", "0", "--interval", "100", "--now", "2026-11-22T15:00:00Z"]
            process.currentDirectoryURL = site.root
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            // Read the "http://127.0.0.1:PORT/" line.
            var buffer = ""
            let deadline = Date().addingTimeInterval(20)
            while port == 0, Date() < deadline {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                buffer += String(decoding: chunk, as: UTF8.self)
                if let range = buffer.range(of: #"127\.0\.0\.1:(\d+)/"#, options: .regularExpression) {
                    port = Int(buffer[range].dropFirst("127.0.0.1:".count).dropLast()) ?? 0
                }
            }
        }

        deinit {
            process.terminate()
            process.waitUntilExit()
        }

        func get(_ path: String) async throws -> (Int, String) {
            let url = URL(string: "http://127.0.0.1:\(port)\(path)")!
            let (data, response) = try await URLSession.shared.data(from: url)
            return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
        }

        func status() async throws -> [String: Any] {
            let (_, body) = try await get("/__herald/status")
            return try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] ?? [:]
        }

        /// Polls the status until `condition` holds (rebuilds are asynchronous).
        func waitFor(_ condition: ([String: Any]) -> Bool) async throws -> [String: Any] {
            for _ in 0..<100 {
                let s = try await status()
                if condition(s) { return s }
                try await Task.sleep(for: .milliseconds(100))
            }
            return try await status()
        }
    }

    @Test func servesRebuildsAndReportsErrorsWithoutStopping() async throws {
        let site = try TemporarySite()
        let server = try Server(site: site)
        try #require(server.port > 0)

        let (code, index) = try await server.get("/")
        #expect(code == 200)
        #expect(index.contains("Search is unavailable"))
        #expect(index.contains("herald serve: live reload"))
        #expect(try await server.get("/assets/style.css").0 == 200)
        let first = try await server.status()
        let version = first["version"] as? Int ?? -1

        // A new update appears after a rebuild.
        try site.write(
            "content/incidents/2026-11-22-search-down/20261122T143000Z-identified-zz11.md",
            "---\nstatus: identified\nat: 2026-11-22T14:30:00Z\n---\nWe found a broken index.\n")
        let rebuilt = try await server.waitFor { ($0["version"] as? Int ?? 0) > version }
        #expect((rebuilt["errors"] as? [String])?.isEmpty == true)
        #expect(try await server.get("/incidents/2026-11-22-search-down/").1.contains("We found a broken index."))

        // Broken content: errors are reported, the last good site is still served.
        try site.write("content/incidents/2026-11-22-search-down/20261122T144000Z-x-zz22.md", "---\nstatus: fixd\nat: 2026-11-22T14:40:00Z\n---\nx\n")
        let failed = try await server.waitFor { !(($0["errors"] as? [String]) ?? []).isEmpty }
        let errors = failed["errors"] as? [String] ?? []
        #expect(errors.contains { $0.contains("20261122T144000Z-x-zz22.md:2: error: unknown status 'fixd'") })
        #expect(try await server.get("/").1.contains("We found a broken index."))

        // The reload script never reaches public/: serve does not write there at all.
        #expect(!site.exists("public"))
    }

    /// Treats every request as hostile: only the site's own files, only to pages that name this
    /// server as their host (DNS rebinding), only GET and HEAD.
    @Test func refusesPathsOutsideTheSiteOtherHostsAndWrites() async throws {
        let site = try TemporarySite()
        // A secret beside the site and a link to it inside content: neither may be served.
        try site.write("secret.txt", "private\n")
        let server = try Server(site: site)
        try #require(server.port > 0)
        let host = "127.0.0.1:\(server.port)"
        func get(_ path: String, _ host: String, method: String = "GET") throws -> Int {
            let response = try SecurityInputTests.rawGet(path, host: host, port: server.port, method: method)
            return Int(response.split(separator: " ").dropFirst().first ?? "") ?? 0
        }
        #expect(try get("/", host) == 200)
        #expect(try get("/", "localhost:\(server.port)") == 200)
        #expect(try get("/index.html", host) == 200)
        #expect(try get("/incidents/2026-11-22-search-down", host) == 301)
        for hostile in [
            "/index.html%00.txt", "/../secret.txt", "/%2e%2e/%2e%2e/secret.txt", "/..%2fsecret.txt",
            "/.herald-output", "/assets/%2e%2e/index.html", "/a%0d%0aSet-Cookie:x", "/%ff%fe"
        ] {
            let code = try get(hostile, host)
            #expect(code == 400 || code == 404, "\(hostile) answered \(code)")
        }
        // A page on another site that points its name at 127.0.0.1 sends that name as Host.
        #expect(try get("/__herald/status", "attacker.example:\(server.port)") == 403)
        #expect(try get("/", "attacker.example") == 403)
        #expect(try get("/__herald/status", host) == 200)
        #expect(try get("/", host, method: "POST") == 405)
        #expect(try get("/", host, method: "HEAD") == 200)
    }
}
