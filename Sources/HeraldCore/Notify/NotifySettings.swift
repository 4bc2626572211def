import Foundation

/// site.yml's `notify:` channels and `publish:` command (docs/notify.md). Read by `herald notify`,
/// `herald publish` and `herald check`; `herald build` only accepts the keys, so a builder without
/// the channels' credentials still builds.
package struct NotifySettings: Sendable {
    package var channels: [NotifyChannel] = []
    /// The shell command `herald publish` runs after the build (`publish:`).
    package var publish: String?
    package var publishLine = 0

    package static let path = "content/site.yml"

    /// Reads site.yml's `notify:` and `publish:`; every problem is a diagnostic with its line.
    /// Credentials are looked up in `environment` by the names site.yml gives; their values never
    /// appear in a diagnostic.
    package static func load(_ layout: SiteLayout, environment: [String: String]) -> (NotifySettings, [Diagnostic]) {
        guard let data = FileManager.default.contents(atPath: layout.siteFile.path) else { return (NotifySettings(), []) }
        let fields = YAMLFields(yaml: String(decoding: data, as: UTF8.self), path: path, lineOffset: 0)
        // A site.yml that does not parse is reported by the content loader.
        guard fields.isValid else { return (NotifySettings(), []) }
        var settings = NotifySettings()
        if fields.has("publish") {
            settings.publish = fields.string("publish")
            settings.publishLine = fields.line("publish")
        }
        let components = componentIDs(fields.node("components"))
        var names: [String: Int] = [:]
        for entry in fields.mappings("notify") ?? [] {
            guard let channel = NotifyChannel.parse(entry, root: layout.root, components: components, environment: environment) else {
                fields.absorb(entry)
                continue
            }
            fields.absorb(entry)
            if let first = names[channel.name] {
                fields.error(channel.line, "channel name '\(channel.name)' is used twice (first on line \(first)); give each channel its own 'name:'")
                continue
            }
            names[channel.name] = channel.line
            settings.channels.append(channel)
        }
        return (settings, fields.problems)
    }

    /// The component ids site.yml lists (the loader reports any problem with them).
    static func componentIDs(_ node: YAMLValue?) -> [String] {
        guard case .sequence(let items, _) = node else { return [] }
        return items.compactMap { item in
            if case .scalar(let id, _, _)? = item["id"] { return id }
            return nil
        }
    }
}

/// One place notifications go.
package struct NotifyChannel: Sendable {
    package enum Kind: String, CaseIterable, Sendable { case slack, discord, teams, webhook, email }

    /// What a channel is told about.
    package enum Topic: String, CaseIterable, Sendable, Comparable {
        case incidents, maintenance, components
        package static func < (a: Topic, b: Topic) -> Bool { a.rawValue < b.rawValue }
    }

    package var kind: Kind
    /// Its name in the state file and in messages (`name:`, else the kind and a hash of its target).
    package var name: String
    /// Its line in site.yml.
    package var line: Int
    /// Where webhooks are POSTed (never printed: a Slack or Discord URL is itself a secret).
    package var url: String = ""
    package var mail: MailSettings?
    package var topics: Set<Topic>
    /// Only records naming one of these components (nil: every record). A record that names no
    /// component goes to every channel, as on Statuspage.
    package var components: Set<String>?
    /// On a channel's first run, events older than this many seconds are not sent.
    package var horizon: Int64

    package static let defaultHorizon: Int64 = 3600

    package struct MailSettings: Sendable {
        package var to: [String]
        package var from: String
        package var host: String
        package var port: Int
        package var security: Security
        package var username: String?
        package var password: String?
        /// A CA bundle to verify the server with (absolute path), for a relay with a private CA.
        package var caFile: String?

        package enum Security: String, CaseIterable, Sendable { case starttls, tls, none }
    }

    static let commonKeys = ["name", "events", "components", "horizon"]

    static func parse(_ entry: YAMLFields, root: URL, components known: [String], environment: [String: String]) -> NotifyChannel? {
        let keys = (entry.pairs ?? []).map(\.key)
        let kinds = keys.compactMap(Kind.init(rawValue:))
        let allKinds = Kind.allCases.map(\.rawValue)
        guard let kind = kinds.first else {
            let unknown = keys.first { !commonKeys.contains($0) }
            if let unknown {
                let guess = closest(unknown, in: allKinds).map { "; did you mean '\($0)'?" } ?? ""
                entry.error(entry.line(unknown), "unknown channel kind '\(unknown)' (expected \(expected(allKinds)))\(guess)")
            } else {
                entry.error(entry.rootLine, "notify entry names no channel (expected one of \(expected(allKinds)))")
            }
            return nil
        }
        if kinds.count > 1 {
            entry.error(
                entry.line(kinds[1].rawValue), "one channel per entry: '\(kinds[0].rawValue)' and '\(kinds[1].rawValue)' (start another entry with '- ')")
        }
        entry.rejectUnknownKeys(expected: commonKeys + [kind.rawValue])
        let line = entry.line(kind.rawValue)
        let before = entry.problems.count

        var channel = NotifyChannel(
            kind: kind, name: "", line: line, topics: kind == .webhook ? Set(Topic.allCases) : [.incidents, .maintenance],
            components: nil, horizon: defaultHorizon)
        var target = ""
        if kind == .email {
            guard let section = entry.mapping("email") else { return nil }
            channel.mail = parseMail(section, root: root, environment: environment)
            entry.absorb(section)
            target = (channel.mail?.to.joined(separator: ",") ?? "") + "@" + (channel.mail.map { "\($0.host):\($0.port)" } ?? "")
        } else if let node = entry.node(kind.rawValue) {
            if case .scalar = node {
                let url = entry.string(kind.rawValue) ?? ""
                channel.url = url
                target = url
                checkURL(url, line: line, in: entry)
            } else if let section = entry.mapping(kind.rawValue) {
                if let url = section.string("url") {
                    channel.url = url
                    target = url
                    checkURL(url, line: section.line("url"), in: section)
                } else if let variable = section.string("url_env") {
                    target = "env:" + variable
                    if let url = credential(variable, key: "url_env", in: section, environment: environment) {
                        channel.url = url
                        checkURL(url, line: section.line("url_env"), in: section, secret: variable)
                    }
                } else {
                    section.error(section.rootLine, "missing 'url' or 'url_env' (the webhook's address, or the environment variable holding it)")
                }
                section.rejectUnknownKeys(expected: ["url", "url_env"])
                entry.absorb(section)
            }
            if target.isEmpty, entry.problems.count == before {
                entry.error(line, "'\(kind.rawValue)' needs the webhook's URL (or {url_env: VARIABLE})")
            }
        }

        if let name = entry.string("name") {
            if name.isEmpty || name.count > 40 || !name.utf8.allSatisfy({ ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 45 }) {
                entry.error(entry.line("name"), "channel name '\(name)' may only hold 1 to 40 lowercase a-z, 0-9 and '-'")
            }
            channel.name = name
        } else {
            channel.name = kind.rawValue + "-" + String(StableID.make(kind.rawValue + " " + target).prefix(6))
        }
        if let events = entry.strings("events") {
            var topics: Set<Topic> = []
            for event in events {
                if let topic = Topic(rawValue: event) {
                    topics.insert(topic)
                } else {
                    let all = Topic.allCases.map(\.rawValue)
                    let guess = closest(event, in: all).map { "; did you mean '\($0)'?" } ?? ""
                    entry.error(entry.line("events"), "unknown event kind '\(event)' (expected \(expected(all)))\(guess)")
                }
            }
            if events.isEmpty { entry.error(entry.line("events"), "'events' is empty (expected some of incidents, maintenance, components)") }
            channel.topics = topics
        }
        if let ids = entry.strings("components") {
            for id in ids where !known.contains(id) {
                let guess = closest(id, in: known).map { "; did you mean '\($0)'?" } ?? ""
                entry.error(entry.line("components"), "unknown component '\(id)' (expected one of \(expected(known)))\(guess)")
            }
            channel.components = Set(ids)
        }
        if let text = entry.string("horizon") {
            if let seconds = DurationText.parse(text) {
                channel.horizon = seconds
            } else {
                entry.error(entry.line("horizon"), "horizon '\(text)' is not a duration (expected e.g. 1h, 30m, 7d)")
            }
        }
        return entry.problems.count == before ? channel : nil
    }

    static func parseMail(_ section: YAMLFields, root: URL, environment: [String: String]) -> MailSettings? {
        let before = section.problems.count
        let to = section.strings("to") ?? []
        if !section.has("to") { section.error(section.rootLine, "missing 'to' (the addresses to send to, e.g. [status@example.com])") }
        if section.has("to"), to.isEmpty { section.error(section.line("to"), "'to' is empty (expected at least one address)") }
        for address in to where !isAddress(address) {
            section.error(section.line("to"), "'\(address)' is not an e-mail address (expected e.g. status-updates@example.com)")
        }
        let from = section.string("from", required: true) ?? ""
        if !from.isEmpty, !isAddress(from) {
            section.error(section.line("from"), "'\(from)' is not an e-mail address (expected e.g. status@example.com)")
        }
        var security = MailSettings.Security.starttls
        if let text = section.string("security") {
            if let value = MailSettings.Security(rawValue: text) {
                security = value
            } else {
                section.error(section.line("security"), "unknown security '\(text)' (expected starttls, tls, none)")
            }
        }
        var host = ""
        var port = 0
        if let smtp = section.string("smtp", required: true) {
            if let (h, p) = hostAndPort(smtp) {
                host = h
                port = p ?? (security == .tls ? 465 : security == .starttls ? 587 : 25)
            } else {
                section.error(section.line("smtp"), "smtp '\(smtp)' is not a host or host:port (expected e.g. smtp.example.com:587)")
            }
        }
        if security == .none, !host.isEmpty, !isLoopback(host) {
            section.error(
                section.line("security"),
                "security 'none' sends mail and passwords in the clear: only allowed for a loopback host (127.0.0.1, ::1, localhost), not '\(host)' (expected starttls or tls)"
            )
        }
        var username: String?
        var password: String?
        if section.has("username_env") || section.has("password_env") {
            if let name = section.string("username_env", required: true) {
                username = credential(name, key: "username_env", in: section, environment: environment)
            }
            if let name = section.string("password_env", required: true) {
                password = credential(name, key: "password_env", in: section, environment: environment)
            }
        }
        for secret in ["username", "password"] where section.has(secret) {
            section.error(
                section.line(secret),
                "'\(secret)' must not be written in site.yml (expected '\(secret)_env: VARIABLE', the name of an environment variable holding it)")
        }
        var caFile: String?
        if let path = section.string("ca_file") {
            let full = path.hasPrefix("/") ? path : root.appendingPathComponent(path).path
            if FileManager.default.fileExists(atPath: full) {
                caFile = full
            } else {
                section.error(section.line("ca_file"), "ca_file '\(path)' does not exist (expected a PEM file of CA certificates, relative to the site folder)")
            }
        }
        section.rejectUnknownKeys(expected: ["to", "from", "smtp", "security", "username_env", "password_env", "ca_file"])
        guard section.problems.count == before else { return nil }
        return MailSettings(to: to, from: from, host: host, port: port, security: security, username: username, password: password, caFile: caFile)
    }

    /// The value of the environment variable `name`; an error (naming the variable, never a value)
    /// when it is unset or empty.
    static func credential(_ name: String, key: String, in section: YAMLFields, environment: [String: String]) -> String? {
        let valid =
            !name.isEmpty && name.utf8.allSatisfy { ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 }
            && !(name.utf8.first.map { $0 >= 48 && $0 <= 57 } ?? true)
        guard valid else {
            section.error(section.line(key), "'\(key)' must be the name of an environment variable (A-Z, 0-9, _), e.g. SMTP_PASSWORD")
            return nil
        }
        guard let value = environment[name], !value.isEmpty else {
            section.error(section.line(key), "environment variable \(name) (\(key)) is not set (expected it to hold the credential where herald notify runs)")
            return nil
        }
        return value
    }

    /// A webhook URL must be https, except to this machine (tests, a local relay).
    static func checkURL(_ url: String, line: Int, in fields: YAMLFields, secret variable: String? = nil) {
        let shown = variable.map { "the URL in \($0)" } ?? "'\(url)'"
        guard let parts = URLComponents(string: url), let scheme = parts.scheme?.lowercased(), let host = parts.host, !host.isEmpty else {
            fields.error(line, "\(shown) is not an absolute URL (expected https://…)")
            return
        }
        if scheme == "https" { return }
        if scheme == "http", isLoopback(host) { return }
        fields.error(line, "\(variable.map { "the URL in \($0)" } ?? "'\(url)'") must use https (http is only allowed for a loopback host such as 127.0.0.1)")
    }

    static func isLoopback(_ host: String) -> Bool {
        let h = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if h == "localhost" || h == "::1" { return true }
        let parts = h.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    /// `host`, `host:port`, `[::1]:port`.
    static func hostAndPort(_ text: String) -> (String, Int?)? {
        var host = text
        var port: Int?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":"), let p = Int(rest.dropFirst()) else { return nil }
                port = p
            }
        } else if let colon = text.lastIndex(of: ":") {
            host = String(text[..<colon])
            guard let p = Int(text[text.index(after: colon)...]) else { return nil }
            port = p
        }
        if let port, !(1...65535).contains(port) { return nil }
        guard !host.isEmpty,
            host.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || ".-:".unicodeScalars.contains($0)) })
        else { return nil }
        return (host, port)
    }

    /// A bare address `local@domain`: nothing that could end a header or add a recipient.
    static func isAddress(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), text.count <= 254 else { return false }
        return text.unicodeScalars.allSatisfy { $0.value > 32 && $0.value < 127 && !"<>()[],;:\\\"".unicodeScalars.contains($0) }
    }
}
