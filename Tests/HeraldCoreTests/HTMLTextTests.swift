import Testing

@testable import HeraldCore

/// An imported feed's HTML entities are decoded with the leak scanner's own reader
/// (`ReaderText.entity`), so the two never disagree on what a reference stands for.
@Suite struct HTMLTextTests {
    @Test func referencesAreDecodedAndTheRestKeptAsWritten() {
        #expect(HTMLText.decode("Fish &amp; chips &copy; 2026 &#39;a&#x27; &mdash; &bogus; & alone") == "Fish & chips © 2026 'a' — &bogus; & alone")
        // Control characters become blank space; a reference to no scalar stays as written.
        #expect(HTMLText.decode("a&#0;b&#x7;c&#xD800;d") == "a b c&#xD800;d")
        #expect(HTMLText.decode("no references") == "no references")
    }
}
