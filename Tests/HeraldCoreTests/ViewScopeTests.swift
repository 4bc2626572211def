import Mustache
import Testing

@testable import HeraldCore

/// Text reaches templates as ViewText (fewer dynamic casts per `{{name}}`); every template must
/// render exactly as it would with plain Strings, and dynamic partials must keep working.
@Suite struct ViewScopeTests {
    struct Item: MustacheLookup {
        var title = ""
        var name = ""
        var kind = ""
        var child: [Item] = []
        var tags: [String] = []
        func lookup(_ key: String, _ scope: ViewScope) -> Any? {
            switch key {
            case "title": return scope.text(title, key)
            case "name": return scope.text(name, key)
            case "kind": return scope.text(kind, key)
            case "child": return child.first.map { scope.node($0) }
            case "children": return child.map { scope.node($0) }
            case "tags": return tags
            default: return nil
            }
        }
    }

    let view = Item(
        title: "Payments & <checkout> \"down\" 'now'", name: "outer", kind: "resolved",
        child: [Item(title: "", name: "inner", kind: "minor"), Item(title: "Second é 🙂", name: "", kind: "major")],
        tags: ["a<b", "c"])

    static let main = """
        {{title}}|{{{title}}}|{{#title}}[{{.}}|{{{.}}}|{{name}}|{{kind}}]{{/title}}|{{^title}}none{{/title}}
        {{uppercased(title)}}|{{lowercased(title)}}|{{capitalized(name)}}|{{reversed(name)}}|{{empty(name)}}
        {{#empty(title)}}E{{/empty(title)}}{{^empty(title)}}not empty{{/empty(title)}}|{{lowercased(missing)}}|{{missing}}
        {{#child}}{{title}}/{{name}}/{{#title}}t{{/title}}{{^title}}no title{{/title}}{{/child}}
        {{#children}}<{{title}}|{{name}}|{{kind}}|{{uppercased(name)}}>{{/children}}
        {{#tags}}{{.}},{{/tags}}|{{child.name}}|{{child.title}}.
        {{% CONTENT_TYPE: TEXT}}{{title}}
        """

    func render(_ templates: [String: String], _ scope: ViewScope) throws -> String {
        var library: [String: MustacheTemplate] = [:]
        for (name, source) in templates { library[name] = try MustacheTemplate(string: source) }
        return MustacheLibrary(templates: library).render(scope.node(view), withTemplate: "main") ?? "(no template)"
    }

    @Test func textRendersExactlyAsPlainStrings() throws {
        let strings = ViewScope(wrapsText: false, plainNames: [])
        let templates = ["main": Self.main]
        let scope = ViewScope(sources: templates.values)
        #expect(scope.wrapsText)
        #expect(scope.plainNames.isEmpty)
        let plain = try render(templates, strings)
        #expect(try render(templates, scope) == plain)
        #expect(plain.contains("Payments &amp; &lt;checkout&gt; &quot;down&quot; &#39;now&#39;|Payments & <checkout>"))
        #expect(plain.contains("PAYMENTS &amp; &lt;CHECKOUT&gt;"))
        #expect(plain.contains("[Payments &amp; &lt;checkout&gt; &quot;down&quot; &#39;now&#39;|Payments & <checkout> \"down\" 'now'|outer|resolved]"))
        // An empty key is nil, so the name is looked up outward (docs/theme.md).
        #expect(plain.contains("&#39;now&#39;/inner/t\n"))
        #expect(plain.contains("<Second é 🙂|outer|major|OUTER>"))
    }

    @Test func dynamicPartialsGetStrings() throws {
        let templates = [
            "main": "{{>*kind}}|{{#children}}{{> *kind}}{{/children}}|{{<*child.kind}}{{/*child.kind}}",
            "resolved": "R:{{name}}", "minor": "m:{{name}}", "major": "M:{{title}}"
        ]
        let scope = ViewScope(sources: templates.values)
        #expect(scope.wrapsText)
        #expect(scope.plainNames == ["kind", "child"])
        let plain = try render(templates, ViewScope(wrapsText: false, plainNames: []))
        #expect(plain == "R:outer|m:innerM:Second é 🙂|m:outer")
        #expect(try render(templates, scope) == plain)
        // Without the search, the partials would silently render nothing.
        #expect(try render(templates, ViewScope(wrapsText: true, plainNames: [])) == "||")
    }

    @Test func aDynamicPartialOfTheCurrentObjectTurnsTextWrappingOff() throws {
        let templates = ["main": "{{#kind}}{{>*.}}{{/kind}}", "resolved": "R:{{name}}"]
        let scope = ViewScope(sources: templates.values)
        #expect(!scope.wrapsText)
        #expect(try render(templates, scope) == "R:outer")
        #expect(try render(templates, ViewScope(wrapsText: true, plainNames: [])) == "")
    }

    @Test func theSearchFindsDynamicNamesWhateverTheDelimiters() {
        let scope = ViewScope(sources: ["{{=<% %>=}}<%>  *status%> <%={{ }}=%>{{<*page.kind}}{{/page.kind}}", "a * b {{x}}", "*"])
        #expect(scope.wrapsText)
        #expect(scope.plainNames == ["status", "page", "kind", "b"])
        #expect(!ViewScope(sources: ["{{> * .status}}"]).wrapsText)
    }
}
