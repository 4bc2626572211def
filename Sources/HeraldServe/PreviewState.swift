import Foundation

/// What the browser polls: a version that changes on every rebuild, and the last build's errors.
package actor PreviewState {
    package init() {}

    package struct Status: Codable, Sendable {
        package var version: Int
        package var errors: [String]
    }

    private var status = Status(version: 0, errors: [])
    private var everSucceeded = false

    package func succeeded() {
        everSucceeded = true
        status = Status(version: status.version + 1, errors: [])
    }

    package func failed(_ errors: [String], output: URL) {
        status = Status(version: status.version + 1, errors: errors)
        if !everSucceeded {
            // Nothing to show yet: a page that lists the errors and reloads once they are fixed.
            try? FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
            let page =
                "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Build failed</title>\(LiveReload.script)</head><body><h1>herald build failed</h1></body></html>\n"
            try? Data(page.utf8).write(to: output.appendingPathComponent("index.html"))
        }
    }

    package func snapshot() -> Status { status }
}
