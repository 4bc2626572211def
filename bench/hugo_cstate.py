#!/usr/bin/env python3
"""Converts a Herald site into a Hugo site for the cState theme, to time the same incidents with
Hugo (bench/run.sh does this when CSTATE=/path/to/cstate is set). The theme is never committed:
pass the path of a copy.

    python3 bench/hugo_cstate.py --site /tmp/store --theme /path/to/cstate --out /tmp/hugo-site
"""
import argparse
import os
import re
import shutil

SEVERITY = {"critical": "down", "major": "disrupted", "minor": "notice"}


def front_matter(path):
    text = open(path, encoding="utf-8").read()
    _, yaml, body = text.split("---\n", 2)
    fields = {}
    for line in yaml.splitlines():
        match = re.match(r"^([a-z_]+):\s*(.*)$", line)
        if match:
            fields[match.group(1)] = match.group(2).strip()
    return fields, body.strip()


def listing(value):
    value = value.strip()
    if value.startswith("[") and value.endswith("]"):
        return [v.strip() for v in value[1:-1].split(",") if v.strip()]
    return [value] if value else []


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--site", required=True)
    parser.add_argument("--theme", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    site_yml = open(os.path.join(args.site, "content", "site.yml"), encoding="utf-8").read()
    components = re.findall(r"- id: (\S+)\n\s+name: (.+)\n\s+group: (.+)", site_yml)
    names = {cid: name for cid, name, _ in components}
    groups = sorted({group for _, _, group in components})
    title = re.search(r"^title: (.+)$", site_yml, re.M).group(1)

    if os.path.exists(args.out):
        shutil.rmtree(args.out)
    os.makedirs(os.path.join(args.out, "content", "issues"))
    os.makedirs(os.path.join(args.out, "themes"))
    os.symlink(os.path.abspath(args.theme), os.path.join(args.out, "themes", "cstate"))
    # Start from the theme's own example configuration (colours, taxonomies, outputs), then put in
    # this store's title, components and groups.
    import yaml  # PyYAML
    config = yaml.safe_load(open(os.path.join(args.theme, "exampleSite", "config.yml"), encoding="utf-8"))
    config.update({"title": title, "baseURL": "https://status.bench.test/", "theme": "cstate"})
    config["params"]["categories"] = [{"name": g, "untitled": False} for g in groups]
    config["params"]["systems"] = [{"name": name, "category": group} for _, name, group in components]
    config["params"].pop("googleAnalytics", None)
    with open(os.path.join(args.out, "config.yml"), "w", encoding="utf-8") as f:
        yaml.safe_dump(config, f, allow_unicode=True)
    static = os.path.join(args.theme, "exampleSite", "static")
    if os.path.isdir(static):
        shutil.copytree(static, os.path.join(args.out, "static"))

    root = os.path.join(args.site, "content", "incidents")
    for iid in sorted(os.listdir(root)):
        folder = os.path.join(root, iid)
        meta, _ = front_matter(os.path.join(folder, "incident.md"))
        updates = []
        for name in sorted(os.listdir(folder)):
            if name == "incident.md" or not name.endswith(".md"):
                continue
            fields, body = front_matter(os.path.join(folder, name))
            if "status" in fields:
                updates.append((fields["at"], fields["status"], body))
        if not updates:
            continue
        updates.sort()
        first = updates[0][0].replace("T", " ").rstrip("Z")
        resolved = updates[-1][1] == "resolved"
        affected = [names.get(c, c) for c in listing(meta.get("components", ""))]
        lines = ["---", f"title: \"{meta.get('title', iid)}\"", f"date: {first}", f"resolved: {'true' if resolved else 'false'}"]
        if resolved:
            lines.append(f"resolvedWhen: {updates[-1][0].replace('T', ' ').rstrip('Z')}")
        lines += [f"severity: {SEVERITY.get(meta.get('severity'), 'notice')}", "affected:"] + [f"  - {a}" for a in affected] + ["section: issue", "---", ""]
        for at, status, body in reversed(updates):
            lines.append(f"*{status.capitalize()}* - {body} {{{{< track \"{at.replace('T', ' ').rstrip('Z')}\" >}}}}\n")
        open(os.path.join(args.out, "content", "issues", f"{iid}.md"), "w", encoding="utf-8").write("\n".join(lines))


if __name__ == "__main__":
    main()
