#!/usr/bin/env python3
"""Generates a synthetic Herald site for benchmarks: N incidents (about 3 public updates each, some
notes and role changes), maintenance, and M published postmortems with realistic Markdown.

    python3 bench/generate_store.py --incidents 10000 --postmortems 1000 --out /tmp/store

Deterministic: the same --seed gives the same bytes. Standard library only.
"""
import argparse
import datetime
import os
import random

WORDS = ("api search queue worker cache index database replica shard gateway storage webhook deploy config "
         "rollout certificate latency timeout error node cluster region network dns load balancer").split()
PEOPLE = [("Alex Morgan", "@alex"), ("Priya Raman", "@priya"), ("Marco Rossi", "@marco"), ("Søren Østergaard", "@soren"),
          ("Dana Kim", "@dana"), ("Lena Fischer", "@lena"), ("Tomás Díaz", "@tomas"), ("Aiko Tanaka", "@aiko"),
          ("Noor Haddad", "@noor"), ("Jonas Berg", "@jonas")] + [(f"Person{i} Example{i}", f"@p{i}") for i in range(20)]
END = datetime.datetime(2026, 11, 22, 12, 0, tzinfo=datetime.timezone.utc)


def stamp(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def basic(t):
    return t.strftime("%Y%m%dT%H%M%SZ")


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--incidents", type=int, default=1000)
    parser.add_argument("--postmortems", type=int, default=100)
    parser.add_argument("--maintenance", type=int, default=50)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    out = args.out
    content = os.path.join(out, "content")

    components = [(f"c{i}", f"{WORDS[i % len(WORDS)].capitalize()} {i}", f"Group {i % 4}") for i in range(20)]
    site = ["title: Benchmark Status", "base_url: https://status.bench.test/", "support: help@bench.test", "stale_after: 30m", "components:"]
    for cid, name, group in components:
        site += [f"  - id: {cid}", f"    name: {name}", f"    group: {group}", f"    description: The {name.lower()} service"]
    write(os.path.join(content, "site.yml"), "\n".join(site) + "\n")
    write(os.path.join(content, "people.yml"), "".join(f"- name: {n}\n  aliases: [\"{h}\", {h[1:]}@bench.test]\n" for n, h in PEOPLE))

    span = datetime.timedelta(days=3 * 365)
    start = END - span
    step = span / max(args.incidents, 1)
    used = set()
    resolved_ids = []
    for i in range(args.incidents):
        t = start + step * i + datetime.timedelta(minutes=rng.randrange(0, 30))
        words = rng.sample(WORDS, 3)
        title = f"{words[0].capitalize()} {words[1]} {words[2]} errors"
        base = t.strftime("%Y-%m-%d-") + "-".join(words) + "-errors"
        iid, n = base, 2
        while iid in used:
            iid, n = f"{base}-{n}", n + 1
        used.add(iid)
        folder = os.path.join(content, "incidents", iid)
        comps = rng.sample(components, rng.randint(1, 3))
        severity = rng.choice(["minor", "minor", "major", "critical"])
        lead, messenger = rng.sample(PEOPLE, 2)
        write(os.path.join(folder, "incident.md"),
              f"---\ntitle: {title}\nseverity: {severity}\ncomponents: [{', '.join(c[0] for c in comps)}]\n"
              f"roles: {{incident-lead: {lead[0]}}}\n---\n")
        is_open = i >= args.incidents - max(1, args.incidents // 100)
        statuses = ["investigating", "identified"] if is_open else ["investigating", "identified", "resolved"]
        if not is_open and rng.random() < 0.3:
            statuses.insert(2, "monitoring")
        at = t
        for j, status in enumerate(statuses):
            body = {
                "investigating": f"We are investigating elevated {words[1]} errors affecting {comps[0][1]}. Requests may fail or time out. If you need help, email help@bench.test.",
                "identified": f"The cause is a faulty {words[2]} change. We are rolling it back. Next update in 30 minutes.",
                "monitoring": "A fix is in place and error rates are back to normal. We are monitoring.",
                "resolved": "This incident has been resolved. We apologise for the disruption.",
            }[status]
            extra = f"\ncomponents: {{{comps[0][0]}: {rng.choice(['partial_outage', 'major_outage', 'degraded_performance'])}}}" if status != "resolved" else ""
            write(os.path.join(folder, f"{basic(at)}-{status}-{rng.randrange(36**4):04x}.md"),
                  f"---\nstatus: {status}\nat: {stamp(at)}\nby: {messenger[0]}{extra}\n---\n{body}\n")
            if j == 0 and rng.random() < 0.5:
                note = at + datetime.timedelta(minutes=2)
                write(os.path.join(folder, f"{basic(note)}-note-{rng.randrange(36**4):04x}.md"),
                      f"---\nkind: note\nat: {stamp(note)}\nby: {lead[0]}\nmilestone: detected\n---\n{lead[0]} saw the alert and paged {messenger[1]}.\n")
            if j == 1 and rng.random() < 0.3:
                role = at + datetime.timedelta(minutes=1)
                write(os.path.join(folder, f"{basic(role)}-role-{rng.randrange(36**4):04x}.md"),
                      f"---\nkind: role\nat: {stamp(role)}\nrole: incident-lead\nperson: {messenger[0]}\n---\n")
            at += datetime.timedelta(minutes=rng.randint(10, 45))
        if not is_open:
            resolved_ids.append((iid, t, lead, messenger, words))

    for k in range(args.maintenance):
        t = start + span * (k + 1) / (args.maintenance + 1)
        t = t.replace(hour=2, minute=0, second=0, microsecond=0)
        mid = t.strftime("%Y-%m-%d-") + f"maintenance-{k}"
        folder = os.path.join(content, "maintenance", mid)
        comp = components[k % len(components)]
        write(os.path.join(folder, "maintenance.md"),
              f"---\ntitle: Planned maintenance {k}\ncomponents: [{comp[0]}]\nscheduled_start: {stamp(t)}\nscheduled_end: {stamp(t + datetime.timedelta(hours=1))}\n---\nRoutine upgrade of {comp[1]}.\n")
        write(os.path.join(folder, f"{basic(t - datetime.timedelta(days=7))}-scheduled-{k:04x}.md"),
              f"---\nstatus: scheduled\nat: {stamp(t - datetime.timedelta(days=7))}\n---\nMaintenance of {comp[1]} is scheduled.\n")

    for iid, t, lead, messenger, words in resolved_ids[:args.postmortems]:
        body = f"""## Summary

A faulty {words[2]} change caused {words[1]} errors. {lead[0]} led the response and {messenger[1]} kept customers informed.

## Impact

- Requests to the {words[0]} failed for part of the window.
- No data was lost.

## Root causes and trigger

The trigger was a configuration change:

```
{words[2]}.max_connections = 10   # was 1000
```

| time | what |
|------|------|
| {t.strftime('%H:%M')} | change deployed |
| {(t + datetime.timedelta(minutes=20)).strftime('%H:%M')} | rolled back |

## What went well

- The rollback was quick.
- Alerts fired within minutes.

## What went wrong

- The change was not canaried.

## Where we got lucky

Traffic was low at the time.
"""
        write(os.path.join(content, "postmortems", f"{iid}.md"),
              f"---\nincident: {iid}\nstatus: published\npublished: {(t + datetime.timedelta(days=3)).strftime('%Y-%m-%d')}\n"
              f"summary: A faulty {words[2]} change caused {words[1]} errors.\nauthors: [{lead[0]}]\ntimeline:\n"
              f"  - at: {stamp(t - datetime.timedelta(minutes=5))}\n    text: The {words[2]} change was deployed.\n    milestone: impact-started\n"
              f"action_items:\n  - title: Canary {words[2]} changes\n    type: prevent\n    owner: {messenger[0]}\n    status: open\n"
              f"    link: https://tracker.bench.test/{rng.randrange(10000)}\n---\n{body}")


if __name__ == "__main__":
    main()
