import FlyingFox
import Foundation
import Synchronization

/// The HTTP side of `herald serve`: the built site's files and `/__herald/status`, on 127.0.0.1
/// only, to requests that name this server as their host (a page on another site that rebinds its
/// DNS name to 127.0.0.1 sends its own name as `Host` and gets 403), for GET and HEAD only.
package final class PreviewServer: Sendable {
    private let server: HTTPServer
    private let requestedPort: UInt16

    /// `port` 0 picks a free one; `start` returns the port in use.
    package init(site: URL, state: PreviewState, port: UInt16) throws {
        let hosts = AllowedHosts()
        let handler = PreviewHandler(files: StaticFiles(root: site), state: state, hosts: hosts)
        server = HTTPServer(address: try .inet(ip4: "127.0.0.1", port: port), timeout: 15, logger: .disabled, handler: handler)
        requestedPort = port
        self.hosts = hosts
    }

    private let hosts: AllowedHosts

    /// Starts listening; returns the port, once the socket accepts connections.
    package func start() async throws -> (port: UInt16, running: Task<Void, any Error>) {
        let running = Task { [server] in try await server.run() }
        try await server.waitUntilListening(timeout: 10)
        var port = requestedPort
        if case .ip4(_, let actual) = await server.listeningAddress { port = actual }
        hosts.allow(port: port)
        return (port, running)
    }
}

/// The `Host` values a request may carry: this server's loopback names with its port (the port
/// may be left out only when it is 80). A request without `Host` is refused too: HTTP/1.1 requires
/// it, and a rebinding page cannot be told from this machine's own pages without it.
final class AllowedHosts: Sendable {
    private let names = Mutex<Set<String>>([])

    func allow(port: UInt16) {
        let hosts = ["127.0.0.1", "localhost", "[::1]"]
        names.withLock { $0 = Set(hosts.map { "\($0):\(port)" } + (port == 80 ? hosts : [])) }
    }

    func permits(_ host: String?) -> Bool {
        guard let host, !host.isEmpty else { return false }
        return names.withLock { $0.contains(host.lowercased()) }
    }

    var description: String { names.withLock { $0.sorted().first { $0.hasPrefix("127.") } ?? "127.0.0.1" } }
}

struct PreviewHandler: HTTPHandler {
    let files: StaticFiles
    let state: PreviewState
    let hosts: AllowedHosts

    func handleRequest(_ request: HTTPRequest) async throws -> HTTPResponse {
        guard hosts.permits(request.headers[.host]) else {
            return Self.plain(.forbidden, "herald serve answers only to http://\(hosts.description)/ (or localhost, [::1])\n")
        }
        guard request.method == .GET || request.method == .HEAD else {
            return Self.plain(.methodNotAllowed, "herald serve only reads.\n", extra: [HTTPHeader("Allow"): "GET, HEAD"])
        }
        let path = request.target.path()
        if path == "/__herald/status" {
            let body = try JSONEncoder().encode(await state.snapshot())
            return Self.response(.ok, "application/json", body, head: request.method == .HEAD)
        }
        switch files.lookup(path) {
        case .file(let url, let contentType):
            guard let body = try? Data(contentsOf: url) else { return Self.plain(.notFound, "Not found.\n") }
            return Self.response(.ok, contentType, body, head: request.method == .HEAD)
        case .redirect(let location):
            return HTTPResponse(statusCode: .movedPermanently, headers: HTTPHeaders([.location: location, .cacheControl: "no-store"]))
        case .notFound:
            let page = files.root.appendingPathComponent("404.html")
            if let body = try? Data(contentsOf: page) {
                return Self.response(.notFound, "text/html; charset=utf-8", body, head: request.method == .HEAD)
            }
            return Self.plain(.notFound, "Not found.\n")
        case .refused:
            return Self.plain(.badRequest, "Not a path of this site.\n")
        }
    }

    private static func response(_ status: HTTPStatusCode, _ contentType: String, _ body: Data, head: Bool) -> HTTPResponse {
        var headers: HTTPHeaders = [.contentType: contentType, .cacheControl: "no-store", HTTPHeader("X-Content-Type-Options"): "nosniff"]
        if head { headers[.contentLength] = String(body.count) }
        return HTTPResponse(statusCode: status, headers: headers, body: head ? Data() : body)
    }

    private static func plain(_ status: HTTPStatusCode, _ text: String, extra: [HTTPHeader: String] = [:]) -> HTTPResponse {
        var headers: HTTPHeaders = [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"]
        for (name, value) in extra { headers[name] = value }
        return HTTPResponse(statusCode: status, headers: headers, body: Data(text.utf8))
    }
}
