#!/usr/bin/env python3
"""Generates Sources/HeraldCore/Load/Cache/RecordCodec+Generated.swift.

The parse cache stores each record (`Incident`, `Maintenance`, `Postmortem`) and each incident's
`IncidentFacts` in the binary format of `ByteWriter`/`ByteReader`, through the `CacheCodable`
protocol (Load/Cache/RecordCodec.swift). This writes the conformance of every type those reach,
read from their declarations in Sources/HeraldCore/Model: a struct writes its stored properties in
declaration order and reads them back in the same order; an enum with a `String` raw value is its
raw value; any other enum is a tag byte (its case's position) and the case's values; arrays,
dictionaries (in key order) and optionals of these are coded by RecordCodec.swift. So adding a
field to a record is one edit, to the model (plus reading it in the loader); scripts/test runs
--check, so a field added without re-running this script fails the tests.

Swift's own `Codable` would need no generator, but decoding through it (an existential `Decoder`,
a boxed container per value, generic metadata looked up at run time) took 10 times the
instructions: +25 % of a rebuild after one update on the benchmark store (bench/README.md,
"Complexity budget").

Usage: python3 scripts/generate-record-codec.py [--check]
  --check  exit 1 (and write nothing) when the generated file is out of date
"""
import pathlib, re, sys

root = pathlib.Path(__file__).resolve().parent.parent
model = root / "Sources/HeraldCore/Model"
target = root / "Sources/HeraldCore/Load/Cache/RecordCodec+Generated.swift"
# What the cache stores; every type their fields name is generated too.
roots = ["Incident", "Maintenance", "Postmortem", "IncidentFacts"]
# Conformances written by hand in RecordCodec.swift.
primitives = {"String", "Int", "Int64", "UInt64", "Bool", "Timestamp"}

types = {}  # full name (Event.Kind) -> {"kind", "raw", "props", "cases"}


def code_of(line):
    """The line without string literals and its // comment."""
    line = re.sub(r'"(?:[^"\\]|\\.)*"', '""', line)
    return line.split("//", 1)[0]


for path in sorted(model.glob("*.swift")):
    stack = []  # (name or None, depth of its body)
    depth = 0
    for number, line in enumerate(path.read_text().splitlines(), 1):
        code = code_of(line)
        declaration = re.match(
            r"\s*(?:(?:package|public|internal|private|fileprivate|final|indirect)\s+)*(struct|enum|class|extension|protocol|func|init|var|let)\b\s*(\w[\w.]*)?(?:\s*:\s*([^{]+))?", code)
        if stack and stack[-1][0] and depth == stack[-1][1]:
            owner = types[stack[-1][0]]
            prop = re.match(r"\s*(?:package |internal |public )?(?:(?:package|internal|private|fileprivate)\(set\) )?(var|let)\s+(\w+)\s*(?::\s*([^={]+?))?\s*(=.*)?$", code)
            if owner["kind"] == "struct" and prop and "{" not in code and not re.match(r"\s*(?:\w+ )*static ", code):
                # Problems count only for the types the cache stores (checked when they are reached).
                if re.match(r"\s*(private|fileprivate) ", code):
                    owner["problems"].append(f"{path.name}:{number}: a stored property must be visible to its generated coding")
                elif not prop.group(3):
                    owner["problems"].append(f"{path.name}:{number}: give '{prop.group(2)}' a type (`var {prop.group(2)}: Type = …`): the generator reads it")
                elif prop.group(1) == "let" and prop.group(4):
                    owner["problems"].append(f"{path.name}:{number}: '{prop.group(2)}' is a let with a value, which decoding cannot set")
                else:
                    owner["props"].append((prop.group(2), prop.group(3).strip()))
            case = re.match(r"\s*case\s+(.+)$", code)
            if owner["kind"] == "enum" and case:
                for item in re.findall(r"(\w+)(\([^)]*\))?(?:\s*=\s*\S+)?", case.group(1)):
                    values = []
                    if item[1]:
                        for position, part in enumerate(p.strip() for p in item[1][1:-1].split(",")):
                            label, _, kind = part.rpartition(":")
                            values.append((label.strip() or None, kind.strip(), position))
                    owner["cases"].append((item[0], values))
        opened, closed = code.count("{"), code.count("}")
        if declaration and declaration.group(1) in ("struct", "enum") and "{" in code:
            name = ".".join([s[0] for s in stack if s[0]] + [declaration.group(2)])
            inherits = [t.strip() for t in (declaration.group(3) or "").split(",")]
            types[name] = {"kind": declaration.group(1), "raw": inherits[0] == "String", "props": [], "cases": [], "problems": []}
            stack.append((name, depth + 1))
        elif "{" in code and opened > closed:
            stack.append((None, depth + 1))
        depth += opened - closed
        while stack and depth < stack[-1][1]:
            stack.pop()


def resolve(name, scope):
    """The declared type a name written inside `scope` means."""
    parts = scope.split(".") if scope else []
    while True:
        candidate = ".".join(parts + [name])
        if candidate in types:
            return candidate
        if not parts:
            sys.exit(f"unknown type '{name}' in {scope}: declare it in Sources/HeraldCore/Model or add a conformance in RecordCodec.swift")
        parts.pop()


def swift_type(written, scope, reached):
    """The type as an expression (`Optional<…>`, `Array<…>`), noting the declared types it names."""
    written = written.strip()
    if written.endswith("?"):
        return f"Optional<{swift_type(written[:-1], scope, reached)}>"
    if written.startswith("[") and written.endswith("]"):
        inner = written[1:-1]
        if ":" in inner:
            key, _, value = inner.partition(":")
            return f"Dictionary<{swift_type(key, scope, reached)}, {swift_type(value, scope, reached)}>"
        return f"Array<{swift_type(inner, scope, reached)}>"
    if written in primitives:
        return written
    full = resolve(written, scope)
    reached.append(full)
    return full


order, seen = [], set()
pending = list(roots)
while pending:
    name = pending.pop(0)
    if name in seen:
        continue
    if name not in types:
        sys.exit(f"unknown type '{name}'")
    seen.add(name)
    order.append(name)
    if types[name]["problems"]:
        sys.exit("\n".join(types[name]["problems"]))
    reached = []
    for _, kind in types[name]["props"]:
        swift_type(kind, name, reached)
    for _, values in types[name]["cases"]:
        for _, kind, _ in values:
            swift_type(kind, name, reached)
    pending += reached

out = ["// swift-format-ignore-file", "// Generated by scripts/generate-record-codec.py from Sources/HeraldCore/Model. Do not edit.", ""]
for name in sorted(order):
    t = types[name]
    if t["kind"] == "enum" and t["raw"]:
        out += [f"extension {name}: CacheCodable {{}}", ""]
        continue
    out.append(f"extension {name}: CacheCodable {{")
    if t["kind"] == "struct":
        out.append("    func write(to writer: inout ByteWriter) {")
        out += [f"        {p}.write(to: &writer)" for p, _ in t["props"]]
        out.append("    }")
        out.append("")
        out.append("    init?(reading reader: inout ByteReader) {")
        for p, kind in t["props"]:
            out.append(f"        guard let {p} = {swift_type(kind, name, [])}(reading: &reader) else {{ return nil }}")
        out += [f"        self.{p} = {p}" for p, _ in t["props"]]
        out.append("    }")
    else:
        if len(t["cases"]) > 255:
            sys.exit(f"{name}: more cases than a tag byte holds")
        out.append("    func write(to writer: inout ByteWriter) {")
        out.append("        switch self {")
        for tag, (case, values) in enumerate(t["cases"]):
            bound = "(" + ", ".join(f"let v{i}" for _, _, i in values) + ")" if values else ""
            out.append(f"        case .{case}{bound}:")
            out.append(f"            writer.byte({tag})")
            out += [f"            v{i}.write(to: &writer)" for _, _, i in values]
        out.append("        }")
        out.append("    }")
        out.append("")
        out.append("    init?(reading reader: inout ByteReader) {")
        out.append("        switch reader.byte() {")
        for tag, (case, values) in enumerate(t["cases"]):
            out.append(f"        case {tag}:")
            for label, kind, i in values:
                out.append(f"            guard let v{i} = {swift_type(kind, name, [])}(reading: &reader) else {{ return nil }}")
            arguments = "(" + ", ".join((f"{label}: " if label else "") + f"v{i}" for label, _, i in values) + ")" if values else ""
            out.append(f"            self = .{case}{arguments}")
        out.append("        default: return nil")
        out.append("        }")
        out.append("    }")
    out.append("}")
    out.append("")

text = "\n".join(out)
if "--check" in sys.argv:
    if not target.exists() or target.read_text() != text:
        sys.exit("RecordCodec+Generated.swift is out of date: run python3 scripts/generate-record-codec.py")
    sys.exit(0)
target.write_text(text)
print(f"{len(order)} types")
