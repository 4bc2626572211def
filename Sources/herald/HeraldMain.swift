import ArgumentParser
import Dispatch
import HeraldCLI

/// The entry point is synchronous. Every command but `serve` runs on the main thread without the
/// Swift concurrency runtime's main loop; `serve` (its HTTP server, FlyingFox, is async) runs as a task while the main
/// thread waits for it. Besides saving that loop's start-up, this keeps the binary usable under
/// valgrind (`bench/callgrind.sh`): valgrind 3.19 crashes in any Swift program with an `async` main
/// that starts other threads (the main thread parks in libdispatch's `dispatch_main`).
@main
enum HeraldMain {
    static func main() {
        let command: ParsableCommand
        do {
            command = try Herald.parseAsRoot()
        } catch {
            Herald.exit(withError: error)
        }
        if let asyncCommand = command as? AsyncParsableCommand {
            let run = AsyncRun(asyncCommand)
            let done = DispatchSemaphore(value: 0)
            Task.detached {
                await run.start()
                done.signal()
            }
            done.wait()
            if let failure = run.failure { Herald.exit(withError: failure) }
        } else {
            do {
                var command = command
                try command.run()
            } catch {
                Herald.exit(withError: error)
            }
        }
    }
}

/// An async command and its outcome, handed to the task that runs it and read back by the main
/// thread after the task signalled (the semaphore orders the two).
private final class AsyncRun: @unchecked Sendable {
    var command: AsyncParsableCommand
    var failure: Error?
    init(_ command: AsyncParsableCommand) { self.command = command }
    func start() async {
        do {
            try await command.run()
        } catch {
            failure = error
        }
    }
}
