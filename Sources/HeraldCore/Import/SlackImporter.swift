import Foundation

/// `herald import slack EXPORT_DIR --channel NAME --incident ID`: a Slack workspace export
/// (`channels.json`, `users.json`, `<channel>/<YYYY-MM-DD>.json`) turned into internal notes of
/// an incident, one per message, for the postmortem timeline. Notes are never public.
package struct SlackImporter {
    package var layout: SiteLayout
    package var settings: SiteSettings

    package init(layout: SiteLayout, settings: SiteSettings) {
        self.layout = layout
        self.settings = settings
    }

    /// Message subtypes that say nothing about the incident: joins, leaves, deleted messages.
    static let skippedSubtypes: Set<String> = ["channel_join", "channel_leave", "group_join", "group_leave", "tombstone", "message_deleted", "message_changed"]

    struct SlackUser {
        var id: String
        var handle: String
        /// Every name the export gives: matched against people.yml.
        var names: [String]
    }

    struct Message {
        var ts: String
        var at: ImportTime
        var user: String?
        var text: String
        var files: [String]
        var path: String
        var node: JSONNode
    }

    package func plan(export: URL, shown: String, channel: String, incident: String, from: ImportTime?, to: ImportTime?) throws -> ImportPlan {
        var problems = ImportProblems()
        let display = { (name: String) in shown.hasSuffix("/") ? shown + name : shown + "/" + name }

        // channels.json: the channel's id (the ledger's key) and that it exists.
        var channelID: String?
        var channelNames: [String] = []
        if let root = ImportFiles.json(export.appendingPathComponent("channels.json"), shown: display("channels.json"), problems: &problems) {
            if let list = root.arrayValue {
                for item in list {
                    guard let name = item["name"]?.stringValue, let id = item["id"]?.stringValue else {
                        problems.error(display("channels.json"), item, "a channel needs 'id' and 'name' strings")
                        continue
                    }
                    channelNames.append(name)
                    if name == channel { channelID = id }
                }
            } else {
                problems.error(display("channels.json"), root, "expected an array of channels, found \(root.kindName)")
            }
        }
        try problems.throwIfAny()
        guard let channelID else {
            let guess = closest(channel, in: channelNames).map { "; did you mean '\($0)'?" } ?? ""
            throw HeraldError("\(display("channels.json")): no channel '\(channel)' (expected one of \(channelNames.sorted().joined(separator: ", ")))\(guess)")
        }

        // users.json.
        var users: [String: SlackUser] = [:]
        if let root = ImportFiles.json(export.appendingPathComponent("users.json"), shown: display("users.json"), problems: &problems) {
            if let list = root.arrayValue {
                for item in list {
                    guard let id = item["id"]?.stringValue else {
                        problems.error(display("users.json"), item, "a user needs an 'id' string")
                        continue
                    }
                    let handle = item["name"]?.stringValue ?? id
                    var names = [item["real_name"]?.stringValue, item["name"]?.stringValue.map { "@" + $0 }, item["name"]?.stringValue]
                    if let profile = item["profile"] {
                        names += [
                            profile["real_name"]?.stringValue, profile["display_name"]?.stringValue, profile["display_name"]?.stringValue.map { "@" + $0 },
                            profile["email"]?.stringValue
                        ]
                    }
                    users[id] = SlackUser(id: id, handle: handle, names: names.compactMap { $0 }.filter { !$0.isEmpty && $0 != "@" })
                }
            } else {
                problems.error(display("users.json"), root, "expected an array of users, found \(root.kindName)")
            }
        }

        // The channel's day files, oldest first; days wholly outside --from/--to are not read.
        let folder = export.appendingPathComponent(channel, isDirectory: true)
        let days = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter {
            $0.hasSuffix(".json") && $0.count == 15 && Timestamp.parse(date: String($0.prefix(10))) != nil
        }.sorted()
        if days.isEmpty { problems.error(display(channel), line: 0, "no day files (expected \(channel)/YYYY-MM-DD.json)") }
        var messages: [Message] = []
        for day in days {
            let start = Timestamp.parse(date: String(day.prefix(10)))!
            if let from, start.seconds + 86_400 + 86_400 <= from.seconds { continue }  // a day's file may hold the next day's first hours in other zones
            if let to, start.seconds - 86_400 > to.seconds { continue }
            let path = display(channel + "/" + day)
            guard let root = ImportFiles.json(folder.appendingPathComponent(day), shown: path, problems: &problems) else { continue }
            guard let list = root.arrayValue else {
                problems.error(path, root, "expected an array of messages, found \(root.kindName)")
                continue
            }
            for node in list {
                guard node.isObject else {
                    problems.error(path, node, "expected a message object, found \(node.kindName)")
                    continue
                }
                if let subtype = node["subtype"]?.stringValue, Self.skippedSubtypes.contains(subtype) { continue }
                if node["hidden"]?.boolValue == true { continue }
                guard let tsNode = node["ts"], let ts = tsNode.stringValue else {
                    problems.error(path, node, "message has no 'ts' (expected a Slack timestamp such as \"1615573590.000200\")")
                    continue
                }
                guard let at = Self.time(ts) else {
                    problems.error(path, tsNode, "'ts' '\(ts)' is not a Slack timestamp (expected seconds.microseconds, e.g. \"1615573590.000200\")")
                    continue
                }
                if let from, at < from { continue }
                if let to, to < at { continue }
                let user = node["user"]?.stringValue
                if user == nil, node["bot_id"] == nil, node["subtype"]?.stringValue != "bot_message" {
                    problems.error(path, node, "message has no 'user' (expected a user id from users.json)")
                    continue
                }
                var text = ""
                if let value = node["text"], !value.isNull {
                    guard let string = value.stringValue else {
                        problems.error(path, value, "'text' must be a string, found \(value.kindName)")
                        continue
                    }
                    text = string
                }
                let files = (node["files"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue ?? $0["title"]?.stringValue }
                messages.append(Message(ts: ts, at: at, user: user, text: text, files: files, path: path, node: node))
            }
        }
        try problems.throwIfAny()

        // Every author and every mentioned user must be someone in people.yml.
        let people = try ContentLoader(layout: layout).loadPeopleOnly()
        var person: [String: String] = [:]
        var unknown: Set<String> = []
        func resolve(_ id: String) -> String? {
            if let known = person[id] { return known }
            guard let user = users[id] else {
                unknown.insert(id)
                return nil
            }
            let match = people.first { p in
                user.names.contains { name in
                    name == p.name
                        || p.aliases.contains { alias in
                            alias == name || (alias.lowercased() == name.lowercased() && (alias.hasPrefix("@") || alias.contains("@")))
                        }
                }
            }
            guard let match else {
                unknown.insert(id)
                return nil
            }
            person[id] = match.name
            return match.name
        }
        messages.sort { ($0.at, $0.ts) < ($1.at, $1.ts) }
        for message in messages {
            if let user = message.user { _ = resolve(user) }
            for id in Self.mentions(message.text) { _ = resolve(id) }
        }
        if !unknown.isEmpty {
            let list = unknown.sorted().map { id in users[id].map { "\(id) (@\($0.handle))" } ?? "\(id) (not in users.json)" }
            throw HeraldError(
                "Slack users not in content/people.yml: \(list.joined(separator: ", ")) (expected each as a person there: add the @handle to a person's aliases, or a new person; nothing was written)"
            )
        }

        // The notes.
        var plan = ImportPlan(ledgerName: "slack")
        let ledger = try ImportLedger.read(layout: layout, name: "slack")
        var events: [ImportPlan.PlannedEvent] = []
        for message in messages {
            let key = "\(channelID):\(message.ts)"
            if ledger.entries[key] != nil {
                plan.alreadyImported += 1
                continue
            }
            var body = Self.markdown(message.text) { person[$0] ?? $0 }
            if !message.files.isEmpty {
                body += (body.isEmpty ? "" : "\n\n") + "Files (not copied): " + message.files.joined(separator: ", ")
            }
            if body.isEmpty { continue }
            var fields: [(String, String)] = []
            if let user = message.user, let name = person[user] { fields.append(("by", RecordWriter.yamlScalar(name))) }
            events.append(.init(at: message.at, kind: "note", first: ("kind", "note"), fields: fields, body: body, source: key))
        }
        if !events.isEmpty { plan.added.append(.init(kind: .incident, id: incident, events: events)) }
        return plan
    }

    /// `"1615573590.000200"` → 2021-03-12T18:26:30.000Z (milliseconds kept, microseconds dropped).
    static func time(_ ts: String) -> ImportTime? {
        let parts = ts.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let seconds = Int64(parts[0]), seconds >= 0, seconds < 253_402_300_800 else { return nil }
        var milliseconds = 0
        if parts.count == 2 {
            let fraction = parts[1]
            guard !fraction.isEmpty, fraction.allSatisfy(\.isASCII), fraction.allSatisfy(\.isNumber) else { return nil }
            let digits = Array(fraction.prefix(3)) + Array(repeating: "0", count: max(0, 3 - fraction.count))
            milliseconds = Int(String(digits)) ?? 0
        }
        return ImportTime(seconds: seconds, milliseconds: milliseconds)
    }

    /// The user ids mentioned as `<@U123>` or `<@U123|name>`.
    static func mentions(_ text: String) -> [String] {
        var ids: [String] = []
        var rest = Substring(text)
        while let open = rest.range(of: "<@") {
            guard let close = rest[open.upperBound...].firstIndex(of: ">") else { break }
            let inner = rest[open.upperBound..<close]
            ids.append(String(inner.split(separator: "|", maxSplits: 1).first ?? inner))
            rest = rest[rest.index(after: close)...]
        }
        return ids
    }

    /// Slack's markup as Markdown: `<@U1>` → the person's name, `<#C1|general>` → #general,
    /// `<https://x|label>` → [label](https://x), `<!here>` → @here; `&lt;` `&gt;` `&amp;` decoded.
    static func markdown(_ text: String, name: (String) -> String) -> String {
        var out = ""
        var rest = Substring(text)
        func decode(_ s: Substring) -> String {
            s.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
        }
        while let open = rest.firstIndex(of: "<") {
            out += decode(rest[..<open])
            guard let close = rest[open...].firstIndex(of: ">") else {
                rest = rest[open...]
                break
            }
            let inner = rest[rest.index(after: open)..<close]
            let parts = inner.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false)
            let target = String(parts[0])
            let label = parts.count > 1 ? decode(parts[1]) : nil
            if target.hasPrefix("@") {
                out += name(String(target.dropFirst()))
            } else if target.hasPrefix("#") {
                out += "#" + (label ?? String(target.dropFirst()))
            } else if target.hasPrefix("!") {
                let word = target.dropFirst().split(separator: "^").first.map(String.init) ?? ""
                out += "@" + (label ?? word)
            } else {
                let url = decode(Substring(target))
                if let label, label != url { out += "[\(label)](\(url))" } else { out += "<\(url)>" }
            }
            rest = rest[rest.index(after: close)...]
        }
        out += decode(rest)
        return out.replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

extension ContentLoader {
    /// people.yml alone (for importers that map names to people).
    package func loadPeopleOnly() throws -> [Person] {
        var diagnostics: [Diagnostic] = []
        let people = loadPeople(into: &diagnostics)
        if diagnostics.hasErrors { throw DiagnosticsError(diagnostics) }
        return people
    }
}
