import Foundation

/// `herald notify`: sends each channel the public events it has not received, oldest first, and
/// records each delivery in `NotifyState` as soon as the channel accepted it (docs/notify.md).
package struct Notifier: Sendable {
    package struct Options: Sendable {
        package var now: Timestamp
        package var dryRun = false
        /// Attempts per message while a channel is unavailable (connection refused, timeout, 5xx).
        package var attempts = 4
        /// Seconds before the second attempt; doubled before each further one.
        package var backoff = 1.0
        /// Seconds one attempt may take.
        package var timeout = 10.0
        package init(now: Timestamp) { self.now = now }
    }

    package struct ChannelReport: Sendable {
        package var name: String
        package var kind: NotifyChannel.Kind
        package var sent = 0
        /// Events left for the next run.
        package var pending = 0
        /// Why the channel stopped, when it did.
        package var problem: String?
    }

    package let settings: NotifySettings
    package let model: SiteModel

    package init(settings: NotifySettings, model: SiteModel) {
        self.settings = settings
        self.model = model
    }

    /// Where a channel's history starts: events before this are never sent to it.
    package static func cutoff(_ channel: NotifyChannel, state: NotifyState, now: Timestamp) -> Timestamp {
        (state.channels[channel.name] ?? now).adding(seconds: -channel.horizon)
    }

    /// Whether a channel wants an event (its kinds and components).
    package static func wants(_ channel: NotifyChannel, _ event: NotifyEvent) -> Bool {
        guard channel.topics.contains(event.topic) else { return false }
        guard let only = channel.components, !event.components.isEmpty else { return true }
        return event.components.contains { only.contains($0) }
    }

    /// Sends everything pending; `say` gets one line per delivery, retry and problem, `show` (dry
    /// runs) each message that would be sent. Channels are served at once, each on its own thread.
    package func run(
        _ options: Options, state: NotifyState, say: @escaping @Sendable (String) -> Void,
        show: @escaping @Sendable (String) -> Void
    ) -> [ChannelReport] {
        let now = options.now
        if !options.dryRun {
            for channel in settings.channels {
                do { try state.add(channel: channel.name, at: now) } catch {
                    return settings.channels.map { ChannelReport(name: $0.name, kind: $0.kind, problem: "\(error)") }
                }
            }
        }
        let cutoffs = settings.channels.map { Self.cutoff($0, state: state, now: now) }
        let earliest = cutoffs.min() ?? now
        let events = NotifyFeed.events(model, since: earliest)
        let scanner = LeakScanner(people: model.content.people, support: model.settings.support)
        // One thread per channel: a slow or failing receiver never holds up the others.
        var runs: [Background<ChannelReport>] = []
        for (index, channel) in settings.channels.enumerated() {
            let pending = events.filter { $0.at >= cutoffs[index] && Self.wants(channel, $0) && !state.wasSent($0.key, to: channel.name) }
            // A correction of an update the channel had not received before this run is settled
            // without a message: the channel gets the update as corrected, or nothing if retracted.
            let settle = Set(pending.filter { event in event.corrects.map { !state.wasSent($0, to: channel.name) } ?? false }.map(\.key))
            runs.append(
                Background { [self] in deliver(pending, settle: settle, to: channel, options: options, state: state, scanner: scanner, say: say, show: show) })
        }
        return runs.map(\.value)
    }

    func deliver(
        _ events: [NotifyEvent], settle: Set<String>, to channel: NotifyChannel, options: Options, state: NotifyState, scanner: LeakScanner,
        say: @Sendable (String) -> Void, show: @Sendable (String) -> Void
    ) -> ChannelReport {
        var report = ChannelReport(name: channel.name, kind: channel.kind)
        let session = CurlSession()
        for (index, event) in events.enumerated() {
            if settle.contains(event.key) {
                if options.dryRun {
                    show("==> \(channel.name) (\(channel.kind.rawValue)): \(event.key): not sent (corrects an update this channel has not received)")
                    continue
                }
                do { try state.record(event.key, to: channel.name, at: Timestamp(seconds: Int64(Date().timeIntervalSince1970))) } catch {
                    report.pending = events.count - index
                    report.problem = "could not record \(event.key) (\(error))"
                    return report
                }
                say("\(channel.name): settled \(event.key) (corrects an update this channel has not received)")
                continue
            }
            let payload = NotifyMessages.payload(event, channel: channel, site: model.settings, overall: model.overall, now: options.now)
            // The site's own guard: no name from people.yml leaves, however it got into a text.
            let leaks = scanner.scan([OutputFile(path: "payload", bytes: payload.bytes), OutputFile(path: "texts", text: payload.texts.joined(separator: "\n"))]
            )
            if !leaks.isEmpty {
                report.pending = events.count - index
                report.problem =
                    "\(event.key) would carry a name from people.yml; nothing more was sent to this channel (fix the record, or people.yml, and run again)"
                return report
            }
            if options.dryRun {
                show("==> \(channel.name) (\(channel.kind.rawValue)): \(event.key)\n" + String(decoding: payload.bytes, as: UTF8.self))
                report.sent += 1
                continue
            }
            var delay = options.backoff
            var attempt = 1
            while true {
                let outcome = send(payload, to: channel, session: session, timeout: options.timeout)
                switch outcome {
                case .delivered:
                    do {
                        try state.record(event.key, to: channel.name, at: Timestamp(seconds: Int64(Date().timeIntervalSince1970)))
                    } catch {
                        report.pending = events.count - index - 1
                        report.problem = "\(event.key) was delivered but could not be recorded (\(error)); stopped so as not to send anything twice"
                        return report
                    }
                    report.sent += 1
                    say("\(channel.name): sent \(event.key)")
                case .unavailable(let reason):
                    if attempt < options.attempts {
                        say("\(channel.name): unavailable (\(reason)); trying again in \(Self.seconds(delay))")
                        Thread.sleep(forTimeInterval: delay)
                        delay *= 2
                        attempt += 1
                        continue
                    }
                    report.pending = events.count - index
                    report.problem =
                        "unavailable after \(attempt) attempt\(attempt == 1 ? "" : "s") (\(reason)); \(report.pending) event\(report.pending == 1 ? "" : "s") left for the next run"
                    return report
                case .rejected(let answer):
                    report.pending = events.count - index
                    report.problem = "refused \(event.key): \(answer); \(report.pending) event\(report.pending == 1 ? "" : "s") left for the next run"
                    return report
                }
                break
            }
        }
        return report
    }

    func send(_ payload: NotifyPayload, to channel: NotifyChannel, session: CurlSession, timeout: Double) -> DeliveryOutcome {
        if let mail = channel.mail {
            let security: CurlSession.MailSecurity =
                switch mail.security {
                case .starttls: .startTLS
                case .tls: .tls
                case .none: .none
                }
            return session.mail(
                host: mail.host, port: mail.port, security: security, username: mail.username, password: mail.password, caFile: mail.caFile,
                from: mail.from, to: mail.to, message: payload.bytes, timeout: timeout)
        }
        return session.post(url: channel.url, body: payload.bytes, contentType: payload.contentType, timeout: timeout)
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) s" : String(format: "%.2g s", value)
    }
}
