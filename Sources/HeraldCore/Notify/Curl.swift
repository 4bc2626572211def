internal import CCurl
import Foundation

/// What one attempt to hand a message to a channel came to.
package enum DeliveryOutcome: Sendable, Equatable {
    case delivered
    /// Worth trying again: the connection was refused or timed out, HTTP 5xx or 429, SMTP 4yz.
    case unavailable(String)
    /// The channel refused the message (HTTP 3xx/4xx, SMTP 5yz, a certificate that does not
    /// verify, credentials refused): trying again will not help. The text is the channel's answer.
    case rejected(String)
}

/// The only code that calls libcurl (Debian's libcurl4-openssl-dev): HTTPS POSTs for webhooks and
/// SMTP for e-mail. One session per channel, so its connection is kept between messages.
final class CurlSession {
    private let handle: UnsafeMutableRawPointer?

    private static let initialised: Bool = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK }()

    init() {
        _ = Self.initialised
        handle = curl_easy_init()
    }

    deinit { if let handle { curl_easy_cleanup(handle) } }

    /// Collects what the server answers, up to `limit` bytes (a hostile server cannot fill memory).
    private final class Sink {
        var bytes: [UInt8] = []
        let limit = 8192
        var text: String { String(decoding: bytes, as: UTF8.self) }
    }

    /// What curl reads the message to send from.
    private final class Source {
        let bytes: [UInt8]
        var offset = 0
        init(_ bytes: [UInt8]) { self.bytes = bytes }
    }

    private static let collect: herald_curl_io = { data, size, count, context in
        let total = size * count
        guard let data, let context else { return total }
        let sink = Unmanaged<Sink>.fromOpaque(context).takeUnretainedValue()
        let room = max(0, sink.limit - sink.bytes.count)
        if room > 0 {
            data.withMemoryRebound(to: UInt8.self, capacity: total) { sink.bytes.append(contentsOf: UnsafeBufferPointer(start: $0, count: min(room, total))) }
        }
        return total
    }

    private static let supply: herald_curl_io = { buffer, size, count, context in
        guard let buffer, let context else { return 0 }
        let source = Unmanaged<Source>.fromOpaque(context).takeUnretainedValue()
        let n = min(size * count, source.bytes.count - source.offset)
        guard n > 0 else { return 0 }
        source.bytes.withUnsafeBufferPointer { bytes in
            UnsafeMutableRawPointer(buffer).copyMemory(from: bytes.baseAddress! + source.offset, byteCount: n)
        }
        source.offset += n
        return n
    }

    /// POSTs `body` to an http(s) URL. No redirects are followed (a 3xx is a refusal, as for
    /// Statuspage's own webhooks).
    func post(url: String, body: [UInt8], contentType: String, timeout: Double) -> DeliveryOutcome {
        guard let handle else { return .unavailable("libcurl could not start") }
        curl_easy_reset(handle)
        let answer = Sink()
        var headers: UnsafeMutablePointer<curl_slist>?
        for header in ["Content-Type: " + contentType, "Expect:"] { headers = curl_slist_append(headers, header) }
        defer { curl_slist_free_all(headers) }
        let errors = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errors.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        defer { errors.deallocate() }
        common(handle, url: url, protocols: "http,https", timeout: timeout, errors: errors)
        herald_curl_setopt_long(handle, CURLOPT_POST, 1)
        herald_curl_setopt_long(handle, CURLOPT_POSTFIELDSIZE, body.count)
        // COPYPOSTFIELDS copies POSTFIELDSIZE bytes: the body need not outlive this call.
        let copy = body.map { CChar(bitPattern: $0) } + [0]
        copy.withUnsafeBufferPointer { _ = herald_curl_setopt_string(handle, CURLOPT_COPYPOSTFIELDS, $0.baseAddress) }
        herald_curl_setopt_list(handle, CURLOPT_HTTPHEADER, headers)
        herald_curl_setopt_io(handle, CURLOPT_WRITEFUNCTION, Self.collect)
        let sink = Unmanaged.passUnretained(answer).toOpaque()
        herald_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, sink)
        let code = withExtendedLifetime(answer) { curl_easy_perform(handle) }
        guard code == CURLE_OK else { return Self.failure(code, errors) }
        var status = 0
        herald_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        let said = Self.shortened(answer.text)
        switch status {
        case 200..<300: return .delivered
        case 429, 500..<600: return .unavailable("HTTP \(status)" + (said.isEmpty ? "" : ": " + said))
        default: return .rejected("HTTP \(status)" + (said.isEmpty ? "" : ": " + said))
        }
    }

    enum MailSecurity { case startTLS, tls, none }

    /// Sends one message over SMTP to every address in `to`.
    func mail(
        host: String, port: Int, security: MailSecurity, username: String?, password: String?, caFile: String?,
        from: String, to: [String], message: [UInt8], timeout: Double
    ) -> DeliveryOutcome {
        guard let handle else { return .unavailable("libcurl could not start") }
        curl_easy_reset(handle)
        let hostPart = host.contains(":") ? "[\(host)]" : host
        let url = (security == .tls ? "smtps://" : "smtp://") + "\(hostPart):\(port)"
        let errors = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errors.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        defer { errors.deallocate() }
        common(handle, url: url, protocols: "smtp,smtps", timeout: timeout, errors: errors)
        switch security {
        case .startTLS: herald_curl_setopt_long(handle, CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue))
        case .tls: herald_curl_setopt_long(handle, CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue))
        case .none: herald_curl_setopt_long(handle, CURLOPT_USE_SSL, Int(CURLUSESSL_NONE.rawValue))
        }
        if let caFile { herald_curl_setopt_string(handle, CURLOPT_CAINFO, caFile) }
        if let username { herald_curl_setopt_string(handle, CURLOPT_USERNAME, username) }
        if let password { herald_curl_setopt_string(handle, CURLOPT_PASSWORD, password) }
        herald_curl_setopt_string(handle, CURLOPT_MAIL_FROM, "<\(from)>")
        var recipients: UnsafeMutablePointer<curl_slist>?
        for address in to { recipients = curl_slist_append(recipients, "<\(address)>") }
        defer { curl_slist_free_all(recipients) }
        herald_curl_setopt_list(handle, CURLOPT_MAIL_RCPT, recipients)
        let source = Source(message)
        let answer = Sink()
        herald_curl_setopt_long(handle, CURLOPT_UPLOAD, 1)
        herald_curl_setopt_long(handle, CURLOPT_INFILESIZE, message.count)
        herald_curl_setopt_io(handle, CURLOPT_READFUNCTION, Self.supply)
        herald_curl_setopt_pointer(handle, CURLOPT_READDATA, Unmanaged.passUnretained(source).toOpaque())
        // SMTP's replies come to the header callback: the last one is the server's answer.
        herald_curl_setopt_io(handle, CURLOPT_HEADERFUNCTION, Self.collect)
        herald_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, Unmanaged.passUnretained(answer).toOpaque())
        let code = withExtendedLifetime((source, answer)) { curl_easy_perform(handle) }
        guard code != CURLE_OK else { return .delivered }
        var reply = 0
        herald_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &reply)
        let last = answer.text.split(whereSeparator: \.isNewline).last.map { Self.shortened(String($0)) } ?? ""
        let detail = Self.describe(code, errors) + (last.isEmpty ? "" : " (server said: \(last))")
        if (400..<500).contains(reply) { return .unavailable(detail) }
        if (500..<600).contains(reply) { return .rejected(detail) }
        return Self.failure(code, errors, detail: detail)
    }

    private func common(_ handle: UnsafeMutableRawPointer, url: String, protocols: String, timeout: Double, errors: UnsafeMutablePointer<CChar>) {
        herald_curl_setopt_string(handle, CURLOPT_URL, url)
        herald_curl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, protocols)
        herald_curl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0)
        herald_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        herald_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Int(timeout * 1000))
        herald_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Int(min(timeout, 10) * 1000))
        herald_curl_setopt_string(handle, CURLOPT_USERAGENT, "Herald (herald notify)")
        herald_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errors)
    }

    private static func describe(_ code: CURLcode, _ errors: UnsafeMutablePointer<CChar>) -> String {
        let detail = String(cString: errors)
        return detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
    }

    /// Connection-level failures are worth trying again; anything else (a certificate that does not
    /// verify, credentials refused, a malformed URL) is not.
    private static func failure(_ code: CURLcode, _ errors: UnsafeMutablePointer<CChar>, detail: String? = nil) -> DeliveryOutcome {
        let text = detail ?? describe(code, errors)
        switch code {
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_OPERATION_TIMEDOUT, CURLE_SEND_ERROR, CURLE_RECV_ERROR,
            CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_SSL_CONNECT_ERROR:
            return .unavailable(text)
        default:
            return .rejected(text)
        }
    }

    /// One line of at most 300 characters: a server's answer goes into a message, never a page.
    static func shortened(_ text: String) -> String {
        let flat = text.split(whereSeparator: { $0.isNewline }).joined(separator: " ").trimmingCharacters(in: .whitespaces)
        let clean = String(flat.unicodeScalars.filter { $0.value >= 32 && $0.value != 127 }.map(Character.init))
        return clean.count > 300 ? String(clean.prefix(300)) + "…" : clean
    }
}
