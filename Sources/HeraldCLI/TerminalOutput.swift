import ArgumentParser
import Foundation
import HeraldCore

extension Console {
    /// Prints a line that may hold text from content (`incident show`): control characters, which
    /// start terminal escape sequences, are shown as U+FFFD.
    static func line(_ text: String) {
        print(InputRules.terminalSafe(text))
    }

    /// Prints `herald: error: message` and gives the exit code to throw (a bad option value).
    static func refuse(_ message: String) -> ExitCode {
        error("herald: error: \(message)")
        return ExitCode(1)
    }
}
