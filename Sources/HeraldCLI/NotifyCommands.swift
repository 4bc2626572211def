import ArgumentParser
import Foundation
import HeraldCore

/// How `herald notify` and `herald publish` deliver.
struct DeliveryOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Attempts per message while a channel is unavailable.", valueName: "n"))
    var attempts = 4
    @Option(name: .long, help: ArgumentHelp("Seconds before the second attempt, doubled before each further one.", valueName: "seconds"))
    var backoff = 1.0
    @Option(name: .long, help: ArgumentHelp("Seconds one attempt may take.", valueName: "seconds"))
    var timeout = 10.0

    func validate() throws {
        guard attempts >= 1, attempts <= 20 else { throw ValidationError("--attempts must be 1 to 20") }
        guard backoff >= 0, backoff <= 300 else { throw ValidationError("--backoff must be 0 to 300 seconds") }
        guard timeout > 0, timeout <= 600 else { throw ValidationError("--timeout must be more than 0 and at most 600 seconds") }
    }
}

/// `herald notify`
struct Notify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notify",
        abstract: "Send every public update the channels in site.yml's notify: have not received (exactly once each).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var delivery: DeliveryOptions
    @Flag(name: .long, help: "Print what would be sent; send and record nothing.") var dryRun = false

    func run() throws {
        let layout = try Console.run { try global.layout() }
        let now = try Console.run { try global.resolvedNow() }
        let settings = try NotifyRun.settings(layout)
        try NotifyRun.run(layout: layout, settings: settings, now: now, delivery: delivery, dryRun: dryRun)
    }
}

/// `herald publish`: build, the site's `publish:` command, then notify; stops at the first failure.
struct Publish: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: "Build, run site.yml's publish: command, then notify — stopping at the first failure.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var delivery: DeliveryOptions

    func run() throws {
        let layout = try Console.run { try global.layout() }
        let now = try Console.run { try global.resolvedNow() }
        // Everything that can be checked is checked before anything goes online.
        let settings = try NotifyRun.settings(layout)
        guard let command = settings.publish, !command.trimmingCharacters(in: .whitespaces).isEmpty else {
            Console.error(
                "\(NotifySettings.path):\(settings.publishLine > 0 ? settings.publishLine : 1): error: no 'publish:' command (expected e.g. publish: rsync -a --delete public/ www@host:/var/www/status/; write publish: \"true\" when a web server serves this public/ folder itself)"
            )
            Console.error("herald: nothing was built, published or sent")
            throw ExitCode(1)
        }
        let output = layout.defaultOutput
        try Console.run {
            var options = SiteBuilder.Options(now: now, output: output, waiting: Build.announceWait)
            options.freesMemory = false
            let report = try SiteBuilder(layout: layout).build(options)
            for warning in report.warnings { Console.error(warning.formatted) }
            Console.say("herald publish: built \(report.files) files into \(report.output.path)")
        }
        Console.say("herald publish: running publish: \(command)")
        let status = NotifyRun.shell(command, in: layout.root, output: output)
        guard status == 0 else {
            Console.error("herald publish: error: the publish command failed (exit \(status)); nothing was sent")
            throw ExitCode(1)
        }
        try NotifyRun.run(layout: layout, settings: settings, now: now, delivery: delivery, dryRun: false)
    }
}

enum NotifyRun {
    /// site.yml's channels, or every configuration problem and exit status 1.
    static func settings(_ layout: SiteLayout) throws -> NotifySettings {
        let (settings, problems) = NotifySettings.load(layout, environment: ProcessInfo.processInfo.environment)
        if problems.hasErrors {
            for problem in problems.sortedForOutput() { Console.error(problem.formatted) }
            let count = problems.filter { $0.severity == .error }.count
            Console.error("herald: \(count) error\(count == 1 ? "" : "s") in notify settings; nothing was sent")
            throw ExitCode(1)
        }
        return settings
    }

    static func run(layout: SiteLayout, settings: NotifySettings, now: Timestamp, delivery: DeliveryOptions, dryRun: Bool) throws {
        guard !settings.channels.isEmpty else {
            Console.say("herald notify: site.yml has no notify: channels; nothing to send")
            return
        }
        let (content, diagnostics) = ContentLoader.cached(layout).loadCollectingAndCache()
        guard let content, !diagnostics.hasErrors else {
            for diagnostic in diagnostics.sortedForOutput() { Console.error(diagnostic.formatted) }
            let count = diagnostics.filter { $0.severity == .error }.count
            Console.error("herald: \(count) error\(count == 1 ? "" : "s"); nothing was sent")
            throw ExitCode(1)
        }
        let model = SiteAssembler().assemble(content, now: now)
        var options = Notifier.Options(now: now)
        options.dryRun = dryRun
        options.attempts = delivery.attempts
        options.backoff = delivery.backoff
        options.timeout = delivery.timeout
        // Runs of one site take turns, from reading what was sent to recording the last delivery.
        let lock =
            dryRun
            ? nil
            : try Console.run {
                try NotifyLock(root: layout.root) { Console.error("herald: waiting for another herald notify of this site to finish…") }
            }
        let state = try Console.run { try NotifyState(root: layout.root) }
        let reports = withExtendedLifetime(lock) {
            Notifier(settings: settings, model: model).run(options, state: state, say: { Console.say($0) }, show: { Console.say($0) })
        }
        var failed = false
        for report in reports {
            let verb = dryRun ? "would send" : "sent"
            if let problem = report.problem {
                failed = true
                Console.error("herald notify: \(report.name): error: \(problem) (\(verb) \(report.sent))")
            } else {
                Console.say("herald notify: \(report.name): \(verb) \(report.sent)")
            }
        }
        if failed { throw ExitCode(2) }
    }

    /// Runs `command` with /bin/sh in the site folder, the output folder in HERALD_OUTPUT; its
    /// exit status (128 + signal when killed).
    static func shell(_ command: String, in root: URL, output: URL) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.currentDirectoryURL = root
        var environment = ProcessInfo.processInfo.environment
        environment["HERALD_OUTPUT"] = output.path
        environment["HERALD_SITE"] = root.path
        process.environment = environment
        do { try process.run() } catch {
            Console.error("herald publish: error: cannot run /bin/sh: \(error)")
            return 127
        }
        process.waitUntilExit()
        return process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
    }
}
