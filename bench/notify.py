#!/usr/bin/env python3
"""Benchmark of `herald notify`: 1,000 pending events to one channel on 127.0.0.1.

    python3 bench/notify.py --herald .build/release/herald [--events 1000] [--history 1000] [--runs 3]

The site has --history old incidents (outside the channel's horizon: read, never sent) and
--events / 4 recent incidents of four public updates each (the pending events), with names from
people.yml in a quarter of the messages (redacted on the way). For each channel kind — the
Statuspage webhook, Slack, and e-mail to aiosmtpd when it is installed (.venv-test) — it prints the
median wall time and peak RSS of a first run (every event sent and recorded), of a second run
(nothing left to send), and of `--dry-run` on a fresh state. Receivers answer at once: this
measures Herald, not a network. Never part of the tests.
"""
import argparse
import http.server
import os
import shutil
import socket
import statistics
import subprocess
import tempfile
import threading

NOW = "2026-12-03T15:00:00Z"
PEOPLE = ["Alex Morgan", "Priya Raman", "Marco Rossi", "Dana Kim"]


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def make_site(root, events, history, notify):
    components = "".join(f"  - id: c{i}\n    name: Component {i}\n" for i in range(20))
    write(f"{root}/content/site.yml",
          f"title: Bench Status\nbase_url: https://status.example.com/\nsupport: support@example.com\ncomponents:\n{components}{notify}")
    write(f"{root}/content/people.yml", "".join(f"- name: {p}\n  aliases: ['@{p.split()[0].lower()}']\n" for p in PEOPLE))
    for i in range(history):
        day = 1 + i % 28
        folder = f"{root}/content/incidents/2026-10-{day:02d}-old-{i}"
        write(f"{folder}/incident.md", f"---\ntitle: Old incident {i}\nseverity: minor\ncomponents: [c{i % 20}]\n---\n")
        write(f"{folder}/20261001T100000Z-investigating-a{i}.md", f"---\nstatus: investigating\nat: 2026-10-{day:02d}T10:00:00Z\n---\nOld.\n")
        write(f"{folder}/20261001T110000Z-resolved-b{i}.md", f"---\nstatus: resolved\nat: 2026-10-{day:02d}T11:00:00Z\n---\nFixed.\n")
    statuses = ["investigating", "identified", "monitoring", "resolved"]
    for i in range(events // 4):
        folder = f"{root}/content/incidents/2026-12-03-recent-{i}"
        write(f"{folder}/incident.md", f"---\ntitle: Recent incident {i}\nseverity: major\ncomponents: [c{i % 20}, c{(i + 7) % 20}]\n---\n")
        for k, status in enumerate(statuses):
            second = i * 4 + k
            at = f"2026-12-03T14:{second // 60 % 60:02d}:{second % 60:02d}Z"
            who = f"{PEOPLE[i % 4]} rolled back the deploy. " if k == 1 else ""
            body = f"{who}Update {k} of incident {i}: requests to component {i % 20} fail; we are working on it. " * 2
            changes = f"components: {{c{i % 20}: major_outage}}\n" if k == 1 else ""
            write(f"{folder}/20261203T14{second // 60 % 60:02d}{second % 60:02d}Z-{status}-x{k}.md",
                  f"---\nstatus: {status}\nat: {at}\n{changes}---\n{body}\n")


class Quiet(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out as two writes: with Nagle's algorithm the body waits for the
    # client's delayed ACK (40 ms a request), which would measure the receiver, not Herald.
    disable_nagle_algorithm = True
    count = 0

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        Quiet.count += 1
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


def measure(command):
    """(seconds, peak RSS in MB) of one run, through /usr/bin/time."""
    with tempfile.NamedTemporaryFile("r") as out:
        result = subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", out.name, *command], capture_output=True, text=True)
        if result.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed: {result.stderr[-2000:]}")
        seconds, kilobytes = out.read().split()
        return float(seconds), int(kilobytes) / 1024


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--herald", required=True)
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--history", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    channels = {
        "webhook": f"notify:\n  - webhook: {url}/hook\n    events: [incidents]\n    horizon: 2h\n",
        "slack": f"notify:\n  - slack: {url}/slack\n    horizon: 2h\n",
    }
    smtp = None
    try:
        from aiosmtpd.controller import Controller

        class Sink:
            count = 0

            async def handle_DATA(self, server, session, envelope):
                Sink.count += 1
                return "250 OK"

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        smtp = Controller(Sink(), hostname="127.0.0.1", port=port)
        smtp.start()
        channels["email"] = (f"notify:\n  - email:\n      to: [status@example.com]\n      from: herald@example.com\n"
                             f"      smtp: 127.0.0.1:{port}\n      security: none\n    horizon: 2h\n")
    except ImportError:
        print("(aiosmtpd is not installed: no e-mail figures; run scripts/test-env.sh and use .venv-test/bin/python)")

    work = tempfile.mkdtemp()
    try:
        print(f"{args.events} pending events, {args.history} older incidents; median of {args.runs} runs")
        print(f"{'channel':<8} {'operation':<28} {'median s':>9} {'per event ms':>13} {'peak RSS MB':>12}")
        for kind, notify in channels.items():
            first, second, dry, rss = [], [], [], []
            for run in range(args.runs):
                site = f"{work}/{kind}-{run}"
                make_site(site, args.events, args.history, notify)
                # The parse cache is warm, as on a host that just ran herald build.
                subprocess.run([args.herald, "--site", site, "build", "--now", NOW, "-q"], check=True)
                seconds, mb = measure([args.herald, "--site", site, "notify", "--now", NOW, "--dry-run"])
                dry.append(seconds)
                seconds, mb = measure([args.herald, "--site", site, "notify", "--now", NOW])
                first.append(seconds)
                rss.append(mb)
                sent = sum(1 for line in open(f"{site}/.herald-notify") if line.startswith("sent "))
                assert sent == args.events, (kind, sent)
                seconds, _ = measure([args.herald, "--site", site, "notify", "--now", NOW])
                second.append(seconds)
                shutil.rmtree(site)
            for name, values in (("first run: all sent", first), ("second run: nothing to send", second), ("--dry-run", dry)):
                median = statistics.median(values)
                per = f"{median / args.events * 1000:.2f}" if values is not second else ""
                print(f"{kind:<8} {name:<28} {median:>9.3f} {per:>13} {statistics.median(rss) if values is first else '':>12}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
        server.shutdown()
        if smtp:
            smtp.stop()


if __name__ == "__main__":
    main()
