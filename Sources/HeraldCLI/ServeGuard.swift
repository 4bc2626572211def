import Foundation
import HeraldCore
import Hummingbird
import Synchronization

/// What `herald serve` answers, besides binding 127.0.0.1 only (docs/security.md):
///
/// - only requests addressed to this machine by its loopback name and the server's own port
///   (`Host: 127.0.0.1:8090`, `localhost:8090`, `[::1]:8090`): a page on another site whose name
///   was re-bound to 127.0.0.1 (DNS rebinding) sends its own host name, and gets 403;
/// - only paths without control characters once percent-decoded (`/index.html%00.txt` would
///   otherwise be cut at the NUL by the file system and serve `index.html` as text): 400.
struct LocalRequestGuard<Context: RequestContext>: RouterMiddleware {
    let port: ServePort

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard Self.isLocal(authority: request.head.authority, port: port.value) else {
            return Self.refusal(.forbidden, "herald serve answers only to http://127.0.0.1:\(port.value)/ (or localhost, [::1])\n")
        }
        guard Self.isSafe(path: request.uri.path) else {
            return Self.refusal(.badRequest, "bad path\n")
        }
        return try await next(request, context)
    }

    static func refusal(_ status: HTTPResponse.Status, _ text: String) -> Response {
        Response(
            status: status, headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// Whether a Host header names this server: a loopback name with the server's port (the port
    /// may be left out only when it is 80).
    static func isLocal(authority: String?, port: Int) -> Bool {
        guard let authority = authority?.lowercased(), !authority.isEmpty else { return false }
        for host in ["127.0.0.1", "localhost", "[::1]"] {
            if authority == "\(host):\(port)" || (port == 80 && authority == host) { return true }
        }
        return false
    }

    /// Whether a request path (as sent, percent-encoded) decodes to text without control characters.
    static func isSafe(path: String) -> Bool {
        guard let decoded = path.removingPercentEncoding else { return false }
        return !decoded.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F || $0 == "\\" }
    }
}

/// The port `herald serve` listens on, known once the server runs (`--port 0` picks one).
final class ServePort: Sendable {
    private let port: Mutex<Int>
    init(_ value: Int) { port = Mutex(value) }
    var value: Int { port.withLock { $0 } }
    func set(_ value: Int) { port.withLock { $0 = value } }
}
