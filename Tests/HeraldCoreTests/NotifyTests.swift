import Foundation
import Testing

@testable import HeraldCore

/// The parts of `herald notify` that are plain functions; deliveries, payloads and the servers are
/// tested end to end in tests/python/test_notify.py.
@Suite struct NotifyTests {
    @Test func quotedPrintableKeepsLinesShortAndDecodesBack() {
        let text = "Zahlungen schlagen fehl — Köln = 100 %. " + String(repeating: "ä", count: 80) + "\ntrailing space \nend"
        let encoded = MailMessage.quotedPrintable(text)
        for line in encoded.components(separatedBy: "\r\n") {
            #expect(line.utf8.count <= 76, "\(line)")
            #expect(!line.hasSuffix(" "), "a line may not end in a space: \(line)")
        }
        // Decode: soft breaks removed, =XX to bytes.
        var bytes: [UInt8] = []
        let raw = Array(encoded.replacingOccurrences(of: "=\r\n", with: "").replacingOccurrences(of: "\r\n", with: "\n").utf8)
        var i = 0
        while i < raw.count {
            if raw[i] == UInt8(ascii: "="), let value = UInt8(String(decoding: raw[(i + 1)...(i + 2)], as: UTF8.self), radix: 16) {
                bytes.append(value)
                i += 3
            } else {
                bytes.append(raw[i])
                i += 1
            }
        }
        #expect(String(decoding: bytes, as: UTF8.self) == text)
    }

    @Test func encodedWordsSplitBetweenCharactersWithinLimits() {
        let subject = "[Acme] Identified: " + String(repeating: "Zürich 🚨 ", count: 12)
        let header = MailMessage.encodedHeader(subject, used: 9)
        var decoded: [UInt8] = []
        for word in header.components(separatedBy: "\r\n ") {
            #expect(word.hasPrefix("=?UTF-8?B?") && word.hasSuffix("?="))
            #expect(word.count <= 75)
            let payload = Data(base64Encoded: String(word.dropFirst(10).dropLast(2)))!
            #expect(String(data: payload, encoding: .utf8) != nil, "each word holds whole characters")
            decoded += payload
        }
        #expect(String(decoding: decoded, as: UTF8.self) == subject)
        #expect(MailMessage.encodedHeader("Plain subject", used: 9) == "Plain subject")
        #expect(MailMessage.encodedHeader("Injected\r\nBcc: x@y.z", used: 9) == "Injected  Bcc: x@y.z")
    }

    @Test func stateRecordsSurviveARestartAndIgnoreACutLine() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("notify-state-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let odd = "incidents/2026-12-03-x/2026 odd name%\n.md"
        do {
            let state = try NotifyState(root: root)
            try state.add(channel: "slack-a", at: Timestamp(seconds: 100))
            try state.record("incidents/2026-12-03-x/a.md", to: "slack-a", at: Timestamp(seconds: 200))
            try state.record(odd, to: "slack-a", at: Timestamp(seconds: 201))
        }
        // A run killed while writing its last line.
        let handle = try FileHandle(forWritingTo: root.appendingPathComponent(NotifyState.fileName))
        handle.seekToEndOfFile()
        handle.write(Data("sent slack-a 300 incidents/2026-12-03-x/b.md".utf8))
        try handle.close()
        let state = try NotifyState(root: root)
        #expect(state.channels["slack-a"] == Timestamp(seconds: 100))
        #expect(state.wasSent("incidents/2026-12-03-x/a.md", to: "slack-a"))
        #expect(state.wasSent(odd, to: "slack-a"))
        #expect(!state.wasSent("incidents/2026-12-03-x/b.md", to: "slack-a"))
        #expect(!state.wasSent("incidents/2026-12-03-x/a.md", to: "other"))
    }

    @Test func loopbackHostsAndAddresses() {
        #expect(NotifyChannel.isLoopback("127.0.0.1") && NotifyChannel.isLoopback("127.8.9.10") && NotifyChannel.isLoopback("[::1]"))
        #expect(NotifyChannel.isLoopback("LOCALHOST"))
        #expect(!NotifyChannel.isLoopback("127.0.0.1.example.com") && !NotifyChannel.isLoopback("10.0.0.1"))
        #expect(NotifyChannel.hostAndPort("smtp.example.com:587")! == ("smtp.example.com", 587))
        #expect(NotifyChannel.hostAndPort("[::1]:25")! == ("::1", 25))
        #expect(NotifyChannel.hostAndPort("smtp.example.com")! == ("smtp.example.com", nil))
        #expect(NotifyChannel.hostAndPort("smtp.example.com:99999") == nil)
        #expect(NotifyChannel.hostAndPort("evil.com\r\nRCPT") == nil)
        #expect(NotifyChannel.isAddress("status@example.com"))
        #expect(!NotifyChannel.isAddress("a@example.com>, b@example.com"))
        #expect(!NotifyChannel.isAddress("a@example.com\r\nBcc: b@example.com"))
    }

    @Test func jsonStringsAreEscapedAndParse() throws {
        let value = JSONValue.object([
            ("text", .string("<!channel> \"quoted\" \\ tab\t line\n é 🚨 \u{1}")), ("n", .number(-3)), ("ok", .bool(true)), ("none", .null)
        ])
        let parsed = try JSONSerialization.jsonObject(with: Data(value.bytes)) as? [String: Any]
        #expect(parsed?["text"] as? String == "<!channel> \"quoted\" \\ tab\t line\n é 🚨 \u{1}")
        #expect(parsed?["n"] as? Int == -3)
        #expect(!String(decoding: value.bytes, as: UTF8.self).contains("<"))
    }
}
