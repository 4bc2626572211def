#!/usr/bin/env python3
"""Generates Sources/HeraldCore/Render/Theme/CompiledTheme.swift: the built-in theme's page templates as Swift.

swift-mustache renders every template, and it is the only engine for a site's own templates. But
for each `{{name}}` it splits the name on dots and asks every object on its context stack, through
dynamic casts, whether it has the key: about 11,500 instructions a tag, which made rendering three
fifths of a cold build of 10,000 incidents (bench/README.md). The built-in templates are fixed, and
so are the view models' types, so each lookup can be worked out here once: which object on the
stack can answer the name, and what the renderer does with a String, a Bool, an Int, a view or an
array of views. The generated functions do the same and append to one String.

Same bytes as swift-mustache, not a second dialect:
  - the tokenizer below follows swift-mustache's parser (Template+Parser.swift, 2.1) line by line,
    including its rules for standalone tags and the whitespace around them;
  - lookups follow MustacheTemplate.getChild: the first object on the stack, from the top, whose
    key is not nil (an empty String and a nil optional are nil, see ViewModels+Mustache.swift)
    answers the first part of a dotted name, and the other parts are looked up in that answer only;
  - sections and inverted sections follow renderSection / renderInvertedSection (a Bool does not
    push, an array pushes each element, an empty array is pushed by an inverted section);
  - partials are inlined where they are used, under the same stack; a partial resets the content
    type to HTML, and `{{% CONTENT_TYPE: TEXT}}` turns escaping off.
Anything else the built-in theme does not use (transforms, dynamic partials, inheritance, set
delimiters, an indented standalone partial, a view rendered as text) stops this script with an
error, so the theme cannot grow a construct the compiler gets wrong. Tests render random view
models through both engines and compare the bytes (Tests/HeraldCoreTests/CompiledThemeTests.swift),
and build whole sites both ways (`herald build --interpreted-theme`).

Theme.swift uses a compiled page only when the site overrides neither its template nor a partial
it uses inside a section (`uses` in the output). A partial the page template uses at its top level
(the header, the footer) sees the page's view alone, exactly as when it is rendered on its own: a
site may override it, and the compiled page then has swift-mustache render just that partial
(`partials` in the output). scripts/test runs --check, so a template edited without re-running this
script fails the tests.

Usage: python3 scripts/compile-theme.py [--check]
  --check  exit 1 (and write nothing) when a generated file is out of date
"""
import pathlib, re, sys

root = pathlib.Path(__file__).resolve().parent.parent
theme_dir = root / "Sources/HeraldCore/Render/Theme/Templates"
out_path = root / "Sources/HeraldCore/Render/Theme/CompiledTheme.swift"
random_path = root / "Tests/HeraldCoreTests/RandomViews.swift"

# The page templates `herald build` renders, and the view each is rendered with.
PAGES = {
    "index": "StatusPageView",
    "incident": "IncidentPageView",
    "maintenance": "MaintenancePageView",
    "history": "HistoryPageView",
    "not-found": "NotFoundPageView",
    "postmortems": "PostmortemIndexView",
    "postmortem": "PostmortemPageView",
}


class CompileError(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# View model types (the same reading of the sources as scripts/generate-view-lookups.py)

props = {}  # struct name -> {property: swift type}
for path in sorted((root / "Sources/HeraldCore").rglob("*.swift")):
    if path.name in ("ViewModels+Mustache.swift", "CompiledTheme.swift"):
        continue
    text = path.read_text()
    for match in re.finditer(r"package struct (\w+View): Sendable \{(.*?)\n\}", text, re.S):
        name, body = match.group(1), match.group(2)
        props[name] = {p: k.strip() for p, k in re.findall(r"^    package var (\w+): ([^\n=]+)", body, re.M)}


def kind_of(swift_type):
    """('text'|'optText'|'bool'|'int'|'view'|'optView'|'array'|'other', view type or None)"""
    t = swift_type
    if t == "String":
        return ("text", None)
    if t == "String?":
        return ("optText", None)
    if t == "Bool":
        return ("bool", None)
    if t == "Int":
        return ("int", None)
    if t in props:
        return ("view", t)
    m = re.fullmatch(r"(\w+)\?", t)
    if m and m.group(1) in props:
        return ("optView", m.group(1))
    m = re.fullmatch(r"\[(\w+)\]", t)
    if m and m.group(1) in props:
        return ("array", m.group(1))
    return ("other", None)


# ---------------------------------------------------------------------------------------------
# Tokenizer: swift-mustache's parser, for the subset above. Tokens:
#   ("text", s) ("var", name) ("raw", name) ("section", name, tokens) ("inverted", name, tokens)
#   ("partial", name) ("contentType", "html"|"text")

NAME_CHARS = set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-_?()*")
PARTIAL_CHARS = NAME_CHARS | {"/"}


class Parser:
    def __init__(self, text, file):
        # swift-mustache reads Characters, and Swift counts more of them as newlines (\r\n, U+0085,
        # U+2028…) and as whitespace than this port does: refuse them rather than guess.
        odd = sorted({c for c in text if c.isspace() and c not in " \t\n"})
        if odd:
            raise CompileError(f"{file}: whitespace other than space, tab and newline ({', '.join(f'U+{ord(c):04X}' for c in odd)}) is not supported by the theme compiler")
        self.s, self.i, self.file = text, 0, file

    def end(self):
        return self.i >= len(self.s)

    def cur(self):
        return self.s[self.i] if self.i < len(self.s) else ""

    def read_while(self, chars):
        start = self.i
        while self.i < len(self.s) and self.s[self.i] in chars:
            self.i += 1
        return self.s[start:self.i]

    def skip_ws(self):  # Character.isWhitespace, for the characters a template can hold here
        self.read_while(" \t\n")

    def expect(self, s):
        if not self.s.startswith(s, self.i):
            raise self.error(f"expected {s!r}")
        self.i += len(s)

    def line(self):
        return self.s.count("\n", 0, self.i) + 1

    def error(self, message):
        return CompileError(f"{self.file}:{self.line()}: {message}")


def parse_name(p):
    p.skip_ws()
    name = p.read_while(NAME_CHARS)
    p.skip_ws()
    p.expect("}}")
    if "(" in name or ")" in name:
        raise p.error(f"transforms are not supported by the theme compiler ({name})")
    if "*" in name or "?" in name or name == "":
        raise p.error(f"unsupported name {name!r}")
    return name


def has_line_finished(p):
    if p.end():
        return True
    j = p.i
    while j < len(p.s) and p.s[j] in " \t":
        j += 1
    if j < len(p.s) and p.s[j] == "\n":
        p.i = j + 1
        return True
    return False


def read_until_delimiter_or_newline(p):
    total = ""
    while not p.end():
        start = p.i
        while p.i < len(p.s) and p.s[p.i] not in "\n{":
            p.i += 1
        total += p.s[start:p.i]
        if p.cur() == "\n":
            break
        elif p.cur() == "{":
            if p.s.startswith("{{", p.i):
                p.i += 2
                break
            total += "{"
            p.i += 1
    return total


def parse(p, section=None, new_line=True):
    tokens = []
    ws_before = ""
    while not p.end():
        if new_line:
            ws_before = p.read_while(" \t")
        text = read_until_delimiter_or_newline(p)
        if p.cur() == "\n":
            tokens.append(("text", ws_before + text + "\n"))
            new_line = True
            p.i += 1
            continue
        if text:
            tokens.append(("text", ws_before + text))
            ws_before = ""
            new_line = False
        if p.end():
            break
        set_new_line = False
        c = p.cur()
        standalone = lambda: new_line and has_line_finished(p)
        if c in "#^":
            p.i += 1
            name = parse_name(p)
            if standalone():
                set_new_line = True
            elif ws_before:
                tokens.append(("text", ws_before))
                ws_before = ""
            body = parse(p, name, set_new_line)
            tokens.append(("section" if c == "#" else "inverted", name, body))
        elif c == "/":
            p.i += 1
            name = parse_name(p)
            if name != section:
                raise p.error(f"section closed with {name!r}, expected {section!r}")
            if standalone():
                pass
            elif ws_before:
                tokens.append(("text", ws_before))
            return tokens
        elif c == "!":
            p.i += 1
            end = p.s.find("}}", p.i)
            if end < 0:
                raise p.error("unfinished comment")
            p.i = end + 2
            set_new_line = standalone()
        elif c in "{&":
            if ws_before:
                tokens.append(("text", ws_before))
                ws_before = ""
            p.i += 1
            name = parse_name(p)
            if c == "{":
                p.expect("}")
            tokens.append(("raw", name))
        elif c == ">":
            p.i += 1
            p.skip_ws()
            if p.cur() == "*":
                raise p.error("dynamic partials are not supported by the theme compiler")
            p.skip_ws()
            name = p.read_while(PARTIAL_CHARS)
            p.skip_ws()
            p.expect("}}")
            if ws_before:
                tokens.append(("text", ws_before))
            if standalone():
                set_new_line = True
                if ws_before:
                    raise p.error("an indented standalone partial is not supported by the theme compiler")
            tokens.append(("partial", name))
            ws_before = ""
        elif c == "%":
            p.i += 1
            p.skip_ws()
            variable = p.read_while(NAME_CHARS - set("()"))
            p.skip_ws()
            p.expect(":")
            p.skip_ws()
            value = p.read_while(NAME_CHARS - set("()"))
            p.skip_ws()
            p.expect("}}")
            if variable != "CONTENT_TYPE" or value not in ("HTML", "TEXT", "HERALD_HTML"):
                raise p.error(f"unsupported pragma {variable}: {value}")
            tokens.append(("contentType", "text" if value == "TEXT" else "html"))
            set_new_line = standalone()
        elif c in "=<$":
            raise p.error(f"'{{{{{c}' tags are not supported by the theme compiler")
        else:
            if ws_before:
                tokens.append(("text", ws_before))
                ws_before = ""
            name = parse_name(p)
            tokens.append(("var", name))
        new_line = set_new_line
    if section is not None:
        raise p.error(f"section {section!r} is not closed")
    return tokens


sources = {path.stem: path.read_text() for path in sorted(theme_dir.glob("*.mustache"))}
parsed = {}


def template(name, file_hint):
    if name not in sources:
        raise CompileError(f"{file_hint}: no built-in template {name!r}")
    if name not in parsed:
        parsed[name] = parse(Parser(sources[name], f"Sources/HeraldCore/Render/Theme/Templates/{name}.mustache"))
    return parsed[name]


# ---------------------------------------------------------------------------------------------
# Code generation. A frame is (kind, view type or None, Swift expression): kind "view" (a view
# model), "text" (a String pushed by a section), "int", or "opaque" (an empty array pushed by an
# inverted section). Only views have keys.


class Gen:
    def __init__(self, page):
        self.lines = []
        self.counter = 0
        self.page = page
        self.uses = {page}  # templates the compiled page needs as they are built in
        self.owner = None  # the top-level partial being inlined, if any
        self.partials = {}  # top-level partial -> the templates its inlined form needs

    def record(self, name):
        if self.owner is None:
            self.uses.add(name)
        else:
            self.partials.setdefault(self.owner, set()).add(name)

    def fresh(self, base):
        self.counter += 1
        return f"{base}{self.counter}"

    def emit(self, depth, line):
        self.lines.append("    " * depth + line)


def swift_literal(s):
    out = []
    for ch in s:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 32:
            out.append("\\u{%x}" % ord(ch))
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def part_value(g, expr, view, part):
    """Key `part` of the view in `expr`: (condition or None, value expr, kind, view type); the
    condition is what makes the key not nil (an empty String and a nil optional are nil)."""
    k, v = kind_of(props[view][part])
    e = f"{expr}.{part}"
    if k == "text":
        return (f"!{e}.isEmpty", e, "text", None)
    if k in ("optText", "optView"):
        t = g.fresh("t")
        return (f"let {t} = {e}", t, "text" if k == "optText" else "view", v)
    if k == "other":
        return (None, None, "other", props[view][part])
    return (None, e, k, v)


def lookup_branches(g, name, frames, where):
    """The candidates for `name`, top of the stack first: [(first, rest, value)] where `first` is
    the condition under which this candidate answers the first part of the name (None: always, and
    it is the last candidate), `rest` the conditions for the other parts (if one fails the lookup
    is nil), and value (expr, kind, view type), or None when a later part cannot exist."""
    if name == ".":
        kind, view, expr = frames[-1]
        if kind == "view":
            raise CompileError(f"{where}: {{{{.}}}} of a view model is not supported")
        return [(None, [], (expr, kind, view))]
    parts = name.split(".")
    if any(part == "" for part in parts):
        raise CompileError(f"{where}: unsupported name {name!r}")
    branches = []
    for kind, view, expr in reversed(frames):
        if kind != "view" or parts[0] not in props[view]:
            continue
        first, e, k, v = part_value(g, expr, view, parts[0])
        rest, value = [], (e, k, v)
        for part in parts[1:]:
            if k == "other":
                break
            if k != "view" or part not in props[v]:
                value = None
                break
            cond, e, k, v = part_value(g, e, v, part)
            if cond:
                rest.append(cond)
            value = (e, k, v)
        if value is not None and value[1] == "other":
            raise CompileError(f"{where}: {{{{{name}}}}} is a {value[2]}, which the theme compiler does not render")
        branches.append((first, rest, value))
        if first is None:
            break
    return branches


def emit_lookup(g, depth, name, frames, where, found, missing):
    """The first candidate whose first part is not nil answers; if its other parts are not all
    there, or no candidate answers, `missing` runs."""
    branches = lookup_branches(g, name, frames, where)
    if not branches:
        missing(depth)
        return
    for n, (first, rest, value) in enumerate(branches):
        if first is None:
            g.emit(depth, "do {" if n == 0 else "} else {")
        else:
            g.emit(depth, f"{'if' if n == 0 else '} else if'} {first} {{")
        emit_rest(g, depth + 1, rest, value, found, missing)
    if branches[-1][0] is None:
        g.emit(depth, "}")
    else:
        g.emit(depth, "} else {")
        mark = len(g.lines)
        missing(depth + 1)
        if len(g.lines) == mark:  # nothing to do when nil
            g.lines[-1] = "    " * depth + "}"
        else:
            g.emit(depth, "}")


def emit_rest(g, depth, rest, value, found, missing):
    if value is None:  # a later part that cannot exist: the lookup is nil
        missing(depth)
        return
    expr, kind, view = value
    if rest:
        g.emit(depth, f"if {', '.join(rest)} {{")
        found(depth + 1, expr, kind, view)
        g.emit(depth, "} else {")
        mark = len(g.lines)
        missing(depth + 1)
        if len(g.lines) == mark:
            g.lines[-1] = "    " * depth + "}"
        else:
            g.emit(depth, "}")
    else:
        found(depth, expr, kind, view)


def nothing(depth):
    pass


def emit_tokens(g, depth, tokens, frames, mode, file, partial_depth=0):
    pending = []

    def flush():
        if pending:
            g.emit(depth, f"o += {swift_literal(''.join(pending))}")
            pending.clear()

    for token in tokens:
        t = token[0]
        where = f"{file} ({g.page})"
        if t == "text":
            pending.append(token[1])
            continue
        flush()
        if t == "contentType":
            mode = token[1]
        elif t in ("var", "raw"):
            escape = t == "var" and mode == "html"
            name = token[1]

            def found(d, expr, kind, view, escape=escape, name=name):
                if kind == "text":
                    g.emit(d, f"o += FastHTMLContentType.escape({expr})" if escape else f"o += {expr}")
                elif kind == "int":
                    g.emit(d, f"o += String({expr})")
                elif kind == "bool":
                    g.emit(d, f'o += {expr} ? "true" : "false"')
                else:
                    raise CompileError(f"{where}: {{{{{name}}}}} renders a {kind} as text, which the theme compiler does not support")

            emit_lookup(g, depth, name, frames, where, found, nothing)
        elif t == "section":
            name, body = token[1], token[2]

            def found(d, expr, kind, view, body=body):
                if kind == "bool":
                    g.emit(d, f"if {expr} {{")
                    emit_tokens(g, d + 1, body, frames, mode, file, partial_depth)
                    g.emit(d, "}")
                elif kind == "array":
                    e = g.fresh("e")
                    g.emit(d, f"for {e} in {expr} {{")
                    emit_tokens(g, d + 1, body, frames + [("view", view, e)], mode, file, partial_depth)
                    g.emit(d, "}")
                elif kind == "view":
                    e = g.fresh("s")
                    g.emit(d, f"do {{")
                    mark = len(g.lines)
                    emit_tokens(g, d + 1, body, frames + [("view", view, e)], mode, file, partial_depth)
                    if any(re.search(rf"\b{e}\b", line) for line in g.lines[mark:]):
                        g.lines.insert(mark, "    " * (d + 1) + f"let {e} = {expr}")
                    g.emit(d, "}")
                else:  # text, int: pushed; they answer no key, only {{.}}
                    emit_tokens(g, d, body, frames + [(kind, None, expr)], mode, file, partial_depth)

            emit_lookup(g, depth, name, frames, where, found, nothing)
        elif t == "inverted":
            name, body = token[1], token[2]

            def missing(d, body=body):
                emit_tokens(g, d, body, frames, mode, file, partial_depth)

            def found(d, expr, kind, view, body=body):
                if kind == "bool":
                    g.emit(d, f"if !{expr} {{")
                    emit_tokens(g, d + 1, body, frames, mode, file, partial_depth)
                    g.emit(d, "}")
                elif kind == "array":
                    g.emit(d, f"if {expr}.isEmpty {{")
                    emit_tokens(g, d + 1, body, frames + [("opaque", None, expr)], mode, file, partial_depth)
                    g.emit(d, "}")
                # a non-empty text, an Int or a view: nothing

            emit_lookup(g, depth, name, frames, where, found, missing)
        elif t == "partial":
            name = token[1]
            if partial_depth > 8:
                raise CompileError(f"{where}: partials nested too deeply (recursive?)")
            if partial_depth == 0 and len(frames) == 1:
                # A partial of the page template itself, outside any section that pushes: its
                # context is the root's alone, exactly what rendering it on its own with the page's
                # view gives. A site may override it (a header, a footer) and keep the page
                # compiled: then swift-mustache renders that partial (`partial` returns it).
                g.owner = name
                g.record(name)
                g.emit(depth, f"if let text = partial({swift_literal(name)}) {{")
                g.emit(depth + 1, "o += text")
                g.emit(depth, "} else {")
                emit_tokens(g, depth + 1, template(name, where), frames, "html", f"{name}.mustache", partial_depth + 1)
                g.emit(depth, "}")
                g.owner = None
            else:
                g.record(name)
                g.emit(depth, f"// {{{{> {name}}}}}")
                emit_tokens(g, depth, template(name, where), frames, "html", f"{name}.mustache", partial_depth + 1)
        else:
            raise AssertionError(token)
    flush()


def swift_func_name(page):
    parts = page.split("-")
    return parts[0] + "".join(p.capitalize() for p in parts[1:])


def generate():
    out = [
        "// swift-format-ignore-file",
        "// Generated by scripts/compile-theme.py from Sources/HeraldCore/Render/Theme/Templates/*.mustache. Do not edit.",
        "// The built-in page templates as Swift: the same bytes swift-mustache renders from the same",
        "// view models, without its run-time lookups (see the script for how, and Theme.render for when).",
        "",
        "enum CompiledTheme {",
    ]
    uses = {}
    partials = {}
    bodies = []
    for page, root_view in PAGES.items():
        g = Gen(page)
        tokens = template(page, "scripts/compile-theme.py")
        g.emit(2, "var o = \"\"")
        g.emit(2, "o.reserveCapacity(16_384)")
        emit_tokens(g, 2, tokens, [("view", root_view, "v")], "html", f"{page}.mustache")
        g.emit(2, "return o")
        # An optional bound only to test it: test it without binding (no unused-value warning).
        body = "\n".join(g.lines)
        for t in set(re.findall(r"let (t\d+) = ", body)):
            if len(re.findall(rf"\b{t}\b", body)) == 1:
                g.lines = [re.sub(rf"let {t} = ([^,{{]+?) (\{{|,)", r"\1 != nil \2", line) if f"let {t} = " in line else line for line in g.lines]
        uses[page] = sorted(g.uses)
        for name, needs in g.partials.items():
            if partials.setdefault(name, needs) != needs:
                raise CompileError(f"{name}.mustache: reaches different templates from different pages")
        bodies.append((page, root_view, g.lines))
    out.append("    /// The templates each page template needs as they are built in to be compiled (itself and")
    out.append("    /// the partials it reaches, except those in `partials`).")
    out.append("    static let uses: [String: [String]] = [")
    for page in PAGES:
        out.append(f"        \"{page}\": [{', '.join(swift_literal(u) for u in uses[page])}],")
    out.append("    ]")
    out.append("")
    out.append("    /// Partials a page template uses at its top level (the header, the footer), with the templates")
    out.append("    /// their compiled form needs as built in. When one of those is overridden, the compiled page")
    out.append("    /// has swift-mustache render that partial (see `render`).")
    out.append("    static let partials: [String: [String]] = [")
    for name in sorted(partials):
        out.append(f"        \"{name}\": [{', '.join(swift_literal(u) for u in sorted(partials[name]))}],")
    out.append("    ]")
    out.append("")
    out.append("    /// Page template `name` rendered with `view`, or nil if it is not compiled for that view.")
    out.append("    /// `partial(name)` gives a top-level partial's text as the site's own template renders it, or")
    out.append("    /// nil for the compiled built-in one.")
    out.append("    static func render(_ name: String, _ view: Any, partial: (String) -> String?) -> String? {")
    out.append("        switch name {")
    for page, root_view in PAGES.items():
        out.append(f"        case \"{page}\": return (view as? {root_view}).map {{ {swift_func_name(page)}($0, partial) }}")
    out.append("        default: return nil")
    out.append("        }")
    out.append("    }")
    for page, root_view, lines in bodies:
        out.append("")
        out.append(f"    static func {swift_func_name(page)}(_ v: {root_view}, _ partial: (String) -> String?) -> String {{")
        out.extend(lines)
        out.append("    }")
    out.append("}")
    out.append("")
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------
# Random view models for the tests: every struct, every property, with empty and non-empty text,
# nil and non-nil optionals, empty and non-empty arrays, and text that needs escaping.


def generate_random():
    out = [
        "// swift-format-ignore-file",
        "// Generated by scripts/compile-theme.py. Do not edit.",
        "// Random view models: CompiledThemeTests renders them through swift-mustache and through the",
        "// compiled theme and requires the same bytes.",
        "",
        "@testable import HeraldCore",
        "",
        "struct RandomViews {",
        "    var state: UInt64",
        "    mutating func next() -> UInt64 {",
        "        state &+= 0x9E37_79B9_7F4A_7C15",
        "        var z = state",
        "        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9",
        "        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB",
        "        return z ^ (z >> 31)",
        "    }",
        "    mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }",
        "    mutating func bool() -> Bool { next() & 1 == 1 }",
        "    static let texts = [\"\", \"\", \"a\", \"Database\", \"<b>&amp; \\\"quoted\\\" it's</b>\", \"2026-11-22T14:05:00Z\",",
        "                        \"Ünïcødé – · →\", \"two\\nlines\", \"  padded  \", \"../../\", \"{{not a tag}}\"]",
        "    mutating func text() -> String { Self.texts[int(Self.texts.count)] }",
        "    mutating func count() -> Int { [0, 0, 1, 2, 3][int(5)] }",
        "",
    ]
    for name in sorted(props):
        fields = props[name]
        out.append(f"    mutating func make{name}(_ depth: Int = 0) -> {name} {{")
        if name == "TimeView":
            out.append("        var x = TimeView(Timestamp(seconds: 0))")
        else:
            args = []
            for p, t in fields.items():
                args.append(f"{p}: {random_expr(t)}")
            out.append(f"        let x = {name}({', '.join(args)})")
        if name == "TimeView":
            for p, t in fields.items():
                out.append(f"        x.{p} = {random_expr(t)}")
        out.append("        _ = depth")
        out.append("        return x")
        out.append("    }")
    out.append("}")
    out.append("")
    return "\n".join(out)


def random_expr(t):
    k, v = kind_of(t)
    if k == "text":
        return "text()"
    if k == "optText":
        return "bool() ? nil : text()"
    if k == "bool":
        return "bool()"
    if k == "int":
        return "int(200) - 20"
    if k == "view":
        return f"make{v}(depth + 1)"
    if k == "optView":
        return f"bool() ? nil : make{v}(depth + 1)"
    if k == "array":
        return f"depth > 3 ? [] : (0..<count()).map {{ _ in make{v}(depth + 1) }}"
    raise CompileError(f"no random value for {t}")


def main():
    check = "--check" in sys.argv[1:]
    try:
        files = {out_path: generate(), random_path: generate_random()}
    except CompileError as error:
        print(f"compile-theme: {error}", file=sys.stderr)
        sys.exit(2)
    stale = [path for path, text in files.items() if not path.exists() or path.read_text() != text]
    if check:
        if stale:
            for path in stale:
                print(f"{path.relative_to(root)} is out of date: run python3 scripts/compile-theme.py", file=sys.stderr)
            sys.exit(1)
        return
    for path in stale:
        path.write_text(files[path])
        print(f"wrote {path.relative_to(root)}")


main()
