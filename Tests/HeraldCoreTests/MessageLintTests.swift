import Testing

@testable import HeraldCore

/// The lints the posting commands run before writing (`Linter.messageWarnings`): the same
/// findings as `herald check`, with a cheap filter in front of the local-time rule.
@Suite struct MessageLintTests {
    static let settings = SiteSettings(
        title: "T", baseURL: "https://s.test/", support: "help@s.test", staleAfter: 1800, description: nil,
        components: [], groups: [], roles: [], messages: [:], check: CheckSettings())

    @Test(arguments: [
        "Fixed this morning.", "Back this afternoon", "Done this evening.", "Tonight we deploy.", "Broken last night.",
        "Since yesterday.", "Tomorrow at noon.", "Overnight jobs fail.", "At 10am.", "At 3 p.m. we start.", "At 10:30 PM.",
        "From 9AM.", "Starts 14:00 CET.", "Since 09:00 PST.", "Around 10 a.m.", "Until 7pm GMT."
    ])
    func localTimeIsFound(_ message: String) {
        #expect(Linter.mayMentionLocalTime(message))
        #expect(Set(Linter.messageWarnings(message, settings: Self.settings, first: false).map(\.code)) == ["local-time"])
    }

    @Test(arguments: ["Next update by 14:55 UTC.", "The rollback is complete.", "Error rates are back to normal since 2026-11-22 14:05 UTC."])
    func ordinaryUpdatesSkipTheRule(_ message: String) {
        #expect(!Linter.mayMentionLocalTime(message))
        #expect(Linter.messageWarnings(message, settings: Self.settings, first: false).isEmpty)
    }

    @Test func firstContactAndLength() {
        #expect(Linter.messageWarnings("Looking into it.", settings: Self.settings, first: true).map(\.code) == ["first-contact"])
        #expect(Linter.messageWarnings("Write to help@s.test.", settings: Self.settings, first: true).isEmpty)
        var short = Self.settings
        short.check.maxUpdateLength = 10
        #expect(Linter.messageWarnings("A long message indeed.", settings: short, first: false).map(\.code) == ["length"])
        short.check.disabled = ["length"]
        #expect(Linter.messageWarnings("A long message indeed.", settings: short, first: false).isEmpty)
    }
}
