"""`herald notify` and `herald publish` against real servers on 127.0.0.1 started here: an HTTP
receiver that records requests and fails on demand, and aiosmtpd (plain, and STARTTLS with a
self-signed certificate made by openssl). Payloads are read with real parsers: json, Python's
email package, the Statuspage webhook payloads Statuspage sent (Tests/Fixtures/real), Slack's
documented Block Kit limits."""
import email
import email.policy
import email.utils
import http.server
import json
import os
import pathlib
import socket
import ssl
import subprocess
import threading
import time

import pytest

from conftest import REAL, herald_binary

NOW = "2026-12-03T15:00:00Z"
JANE = "Jane Doe"
NOTE_SECRET = "database password rotated by hand"

SITE = """title: Acme Status
base_url: https://status.example.com/
support: support@example.com
components:
  - id: api
    name: API
  - id: search
    name: Search
"""

INCIDENT = """---
title: {title}
severity: major
components: [api]
---
"""

UPDATE = """---
status: {status}
at: {at}
{components}---
{body}
"""


def write(root: pathlib.Path, path: str, text: str):
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


def make_site(root: pathlib.Path, notify: str, extra: str = "") -> pathlib.Path:
    """A site with one incident of three public updates (one naming Jane Doe), an internal note,
    an old incident outside the horizon, and a maintenance announcement."""
    write(root, "content/site.yml", SITE + extra + notify)
    write(root, "content/people.yml", f'- name: {JANE}\n  aliases: ["@jane"]\n')
    incident = "content/incidents/2026-12-03-checkout-errors"
    write(root, incident + "/incident.md", INCIDENT.format(title="Checkout errors") + "\n")
    write(root, incident + "/20261203T140000Z-investigating-aaaa.md",
          UPDATE.format(status="investigating", at="2026-12-03T14:00:00Z", components="", body="Checkout fails for some customers. We are investigating."))
    write(root, incident + "/20261203T141000Z-note-bbbb.md",
          f"---\nkind: note\nat: 2026-12-03T14:10:00Z\nby: {JANE}\n---\n{NOTE_SECRET}\n")
    write(root, incident + "/20261203T142000Z-identified-cccc.md",
          UPDATE.format(status="identified", at="2026-12-03T14:20:00Z", components="components: {api: major_outage, search: degraded_performance}\n",
                        body=f"{JANE} found a faulty deploy (@jane). We are rolling it back."))
    write(root, incident + "/20261203T144000Z-resolved-dddd.md",
          UPDATE.format(status="resolved", at="2026-12-03T14:40:00Z", components="", body="Checkout works normally again."))
    old = "content/incidents/2026-11-01-old-outage"
    write(root, old + "/incident.md", INCIDENT.format(title="Old outage") + "\n")
    write(root, old + "/20261101T100000Z-investigating-eeee.md",
          UPDATE.format(status="investigating", at="2026-11-01T10:00:00Z", components="", body="An old outage."))
    write(root, old + "/20261101T110000Z-resolved-ffff.md",
          UPDATE.format(status="resolved", at="2026-11-01T11:00:00Z", components="", body="Fixed."))
    maintenance = "content/maintenance/2026-12-10-search-reindex"
    write(root, maintenance + "/maintenance.md",
          "---\ntitle: Search reindex\ncomponents: [search]\nscheduled_start: 2026-12-10T02:00:00Z\nscheduled_end: 2026-12-10T03:00:00Z\n---\n")
    write(root, maintenance + "/20261203T143000Z-scheduled-gggg.md",
          UPDATE.format(status="scheduled", at="2026-12-03T14:30:00Z", components="", body="Search will be reindexed on 10 December, 02:00–03:00 UTC."))
    return root


def herald(site: pathlib.Path, *args, env=None, timeout=120):
    environment = dict(os.environ)
    environment.pop("SOURCE_DATE_EPOCH", None)
    environment.update(env or {})
    return subprocess.run([str(herald_binary()), "--site", str(site), *args], capture_output=True, text=True,
                          env=environment, timeout=timeout)


def notify(site, *args, env=None):
    return herald(site, "notify", "--now", NOW, "--backoff", "0.05", "--timeout", "2", *args, env=env)


class Receiver:
    """An HTTP server on 127.0.0.1 that records every POST. `plan` is a list of (status, body,
    delay) answers used in order, then 200."""

    def __init__(self):
        self.requests = []
        self.plan = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out as two writes: with Nagle's algorithm the body waits for
            # the client's delayed ACK (40 ms a request).
            disable_nagle_algorithm = True

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    status, answer, delay = receiver.plan.pop(0) if receiver.plan else (200, "ok", 0)
                if delay:
                    time.sleep(delay)
                with receiver.lock:
                    receiver.requests.append({"path": self.path, "headers": dict(self.headers), "body": body, "status": status})
                data = answer.encode()
                self.send_response(status)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def accepted(self, path=None):
        return [json.loads(r["body"]) for r in self.requests if r["status"] < 300 and (path is None or r["path"] == path)]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def names_absent(text: str):
    assert JANE not in text and "Jane" not in text and "@jane" not in text, text
    assert NOTE_SECRET not in text, text


# ---------------------------------------------------------------- configuration errors


def test_bad_configuration_is_a_path_line_error_from_check_and_notify(tmp_path):
    notify_yaml = """notify:
  - slak: https://hooks.slack.com/services/T000/B000/XXXX
  - webhook: http://example.com/hooks/status
  - discord: {url_env: HERALD_TEST_DISCORD_URL}
  - email:
      to: [status-updates@example.com]
      from: status@example.com
      smtp: smtp.example.com:587
      username_env: HERALD_TEST_SMTP_USER
      password_env: HERALD_TEST_SMTP_PASSWORD_UNSET
  - email:
      to: [ops@example.com]
      from: status@example.com
      smtp: smtp.example.com
      security: none
"""
    site = make_site(tmp_path, notify_yaml)
    secret_url = "http://discord.example.net/api/webhooks/123/SECRET-TOKEN"
    env = {"HERALD_TEST_DISCORD_URL": secret_url, "HERALD_TEST_SMTP_USER": "mailer"}
    for result in (herald(site, "check", "--now", NOW, env=env), notify(site, env=env)):
        assert result.returncode != 0
        output = result.stdout + result.stderr
        # Line of the site.yml the error is about (components take lines 4-8).
        base = len(SITE.splitlines())
        assert f"content/site.yml:{base + 2}: error: unknown channel kind 'slak'" in output, output
        assert "did you mean 'slack'?" in output
        assert f"content/site.yml:{base + 3}: error: 'http://example.com/hooks/status' must use https" in output
        assert f"content/site.yml:{base + 4}: error: the URL in HERALD_TEST_DISCORD_URL must use https" in output
        assert f"content/site.yml:{base + 10}: error: environment variable HERALD_TEST_SMTP_PASSWORD_UNSET (password_env) is not set" in output
        assert f"content/site.yml:{base + 15}: error: security 'none' sends mail and passwords in the clear" in output
        # A secret is never echoed.
        assert "SECRET-TOKEN" not in output and "mailer" not in output
    assert not (site / ".herald-notify").exists()


def test_a_site_without_notify_builds_and_notify_says_so(tmp_path):
    site = make_site(tmp_path, "")
    result = notify(site)
    assert result.returncode == 0, result.stderr
    assert "no notify: channels" in result.stdout


# ---------------------------------------------------------------- the generic webhook


def shape(value):
    """The JSON type of a value, keys and all, for comparing with Statuspage's payloads."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return type(value).__name__


def assert_same_shape(real, ours, where="$"):
    """Every key of Statuspage's payload is in ours, with the same JSON type (null may stand for
    a value Statuspage happened to leave empty, and the reverse)."""
    if isinstance(real, dict):
        assert isinstance(ours, dict), f"{where}: expected an object, got {ours!r}"
        for key, value in real.items():
            assert key in ours, f"{where}.{key} is missing"
            assert_same_shape(value, ours[key], f"{where}.{key}")
    elif isinstance(real, list):
        assert isinstance(ours, list), f"{where}: expected a list"
        if real and ours:
            for item in ours:
                assert_same_shape(real[0], item, f"{where}[]")
    elif real is not None and ours is not None:
        assert type(real) is type(ours), f"{where}: {type(ours).__name__} instead of {type(real).__name__}"


def test_webhook_carries_statuspage_payloads_once(tmp_path, receiver):
    site = make_site(tmp_path, f"notify:\n  - webhook: {receiver.url}/status\n    horizon: 2h\n")
    result = notify(site)
    assert result.returncode == 0, result.stderr
    payloads = receiver.accepted("/status")
    incidents = [p for p in payloads if "incident" in p]
    components = [p for p in payloads if "component_update" in p]
    real_incident = json.loads((REAL / "statuspage" / "zulip_webhook_incident_update.json").read_text())
    real_component = json.loads((REAL / "statuspage" / "zulip_webhook_component_status_update.json").read_text())
    for payload in incidents:
        assert_same_shape(real_incident, payload)
    for payload in components:
        assert_same_shape(real_component, payload)
    # Oldest first; the incident's three updates and the maintenance announcement, not the old
    # incident (outside the horizon) and never the note.
    statuses = [(p["incident"]["name"], p["incident"]["status"]) for p in incidents]
    assert statuses == [("Checkout errors", "investigating"), ("Checkout errors", "identified"),
                        ("Search reindex", "scheduled"), ("Checkout errors", "resolved")]
    identified = incidents[1]["incident"]
    assert [u["status"] for u in identified["incident_updates"]] == ["identified", "investigating"]
    assert identified["incident_updates"][0]["body"].startswith("The incident lead found a faulty deploy") or \
        "found a faulty deploy" in identified["incident_updates"][0]["body"]
    changes = {(c["component"]["name"], c["component_update"]["old_status"], c["component_update"]["new_status"]) for c in components}
    assert ("API", "operational", "partial_outage") in changes  # the first update: severity's default
    assert ("API", "partial_outage", "major_outage") in changes
    assert ("Search", "operational", "degraded_performance") in changes
    assert ("API", "major_outage", "operational") in changes
    for request in receiver.requests:
        assert request["headers"]["Content-Type"] == "application/json"
        names_absent(request["body"].decode())
    # Exactly once: a second run sends nothing.
    count = len(receiver.requests)
    again = notify(site)
    assert again.returncode == 0, again.stderr
    assert len(receiver.requests) == count
    state = (site / ".herald-notify").read_text()
    assert state.startswith("herald-notify 1\n")
    assert state.count("\nsent ") == count


def test_a_new_update_is_sent_by_the_next_run(tmp_path, receiver):
    site = make_site(tmp_path, f"notify:\n  - webhook: {receiver.url}/status\n    events: [incidents]\n")
    assert notify(site).returncode == 0
    first = len(receiver.requests)
    write(site, "content/incidents/2026-12-03-checkout-errors/20261203T145500Z-investigating-hhhh.md",
          UPDATE.format(status="investigating", at="2026-12-03T14:55:00Z", components="", body="Errors are back; we are looking again."))
    result = notify(site)
    assert result.returncode == 0, result.stderr
    new = receiver.accepted()[first:]
    assert [p["incident"]["status"] for p in new] == ["investigating"]
    assert "hhhh" in result.stdout


def test_horizon_keeps_a_first_run_from_flooding(tmp_path, receiver):
    # Default horizon: one hour before the first run (14:00 onwards at 15:00).
    site = make_site(tmp_path, f"notify:\n  - webhook: {receiver.url}/status\n    events: [incidents, maintenance]\n")
    assert notify(site).returncode == 0
    keys = [(p["incident"]["name"], p["incident"]["status"]) for p in receiver.accepted()]
    assert ("Old outage", "investigating") not in keys and ("Old outage", "resolved") not in keys
    assert ("Checkout errors", "investigating") in keys


# ---------------------------------------------------------------- failures


def test_unavailable_channel_is_retried_then_left_pending_and_delivered_next_run(tmp_path, receiver):
    site = make_site(tmp_path, f"notify:\n  - name: hooks\n    webhook: {receiver.url}/status\n    events: [incidents]\n")
    receiver.plan = [(503, "busy", 0)] * 3
    result = notify(site, "--attempts", "3")
    assert result.returncode == 2, result.stdout + result.stderr
    assert "hooks: unavailable (HTTP 503: busy); trying again" in result.stdout
    assert "hooks: error: unavailable after 3 attempts (HTTP 503: busy); 3 events left for the next run" in result.stderr
    assert len(receiver.requests) == 3 and not receiver.accepted()
    result = notify(site)
    assert result.returncode == 0, result.stderr
    assert [p["incident"]["status"] for p in receiver.accepted()] == ["investigating", "identified", "resolved"]
    assert notify(site).returncode == 0
    assert len(receiver.accepted()) == 3


def test_retry_succeeds_within_the_run(tmp_path, receiver):
    site = make_site(tmp_path, f"notify:\n  - webhook: {receiver.url}/status\n    events: [incidents]\n")
    receiver.plan = [(500, "oops", 0), (502, "", 0)]
    result = notify(site)
    assert result.returncode == 0, result.stderr
    assert [p["incident"]["status"] for p in receiver.accepted()] == ["investigating", "identified", "resolved"]


def test_connection_refused_is_pending(tmp_path):
    port = free_port()
    site = make_site(tmp_path, f"notify:\n  - name: down\n    slack: http://127.0.0.1:{port}/hook\n")
    result = notify(site, "--attempts", "2")
    assert result.returncode == 2
    assert "down: error: unavailable after 2 attempts" in result.stderr
    assert "4 events left for the next run" in result.stderr
    state = (site / ".herald-notify").read_text()
    assert "\nsent " not in state


def test_timeout_is_pending(tmp_path, receiver):
    site = make_site(tmp_path, f"notify:\n  - name: slow\n    webhook: {receiver.url}/status\n    events: [incidents]\n")
    receiver.plan = [(200, "ok", 3)] * 2
    result = herald(site, "notify", "--now", NOW, "--backoff", "0", "--timeout", "1", "--attempts", "2")
    assert result.returncode == 2
    assert "slow: error: unavailable after 2 attempts" in result.stderr
    assert "imed out" in result.stderr  # curl: "Operation timed out after 1000 milliseconds"


def test_4xx_is_reported_with_the_channels_answer(tmp_path, receiver):
    site = make_site(tmp_path, f"notify:\n  - name: gone\n    slack: {receiver.url}/hook\n")
    receiver.plan = [(404, "no_service", 0)]
    result = notify(site)
    assert result.returncode == 2
    assert "gone: error: refused incidents/2026-12-03-checkout-errors/20261203T140000Z-investigating-aaaa.md: HTTP 404: no_service" in result.stderr
    assert len(receiver.requests) == 1  # a refusal is not retried
    assert "\nsent " not in (site / ".herald-notify").read_text()


def test_dry_run_prints_and_sends_nothing(tmp_path, receiver):
    site = make_site(tmp_path, f"notify:\n  - slack: {receiver.url}/hook\n")
    result = notify(site, "--dry-run")
    assert result.returncode == 0, result.stderr
    assert receiver.requests == []
    assert not (site / ".herald-notify").exists()
    assert "==> slack-" in result.stdout and "would send 4" in result.stdout
    payloads = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert len(payloads) == 4
    names_absent(result.stdout)


def test_concurrent_runs_send_each_event_once(tmp_path, receiver):
    site = make_site(tmp_path, f"notify:\n  - webhook: {receiver.url}/status\n")
    receiver.plan = [(200, "ok", 0.15)] * 40
    environment = dict(os.environ)
    command = [str(herald_binary()), "--site", str(site), "notify", "--now", NOW]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment) for _ in range(3)]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert all(run.returncode == 0 for run in runs), outputs
    bodies = [r["body"] for r in receiver.requests]
    assert len(bodies) == len(set(bodies)) and len(bodies) > 4
    assert any("waiting for another herald notify" in err for _, err in outputs)


# ---------------------------------------------------------------- chat formats


def test_slack_blocks_within_block_kit_limits(tmp_path, receiver):
    long_title = "Checkout " + "very " * 60 + "slow"
    long_body = "Everything is slow <!channel> & worse. " * 150
    site = make_site(tmp_path, f"notify:\n  - slack: {receiver.url}/hook\n    events: [incidents]\n")
    write(site, "content/incidents/2026-12-03-checkout-errors/incident.md", INCIDENT.format(title=long_title) + "\n")
    write(site, "content/incidents/2026-12-03-checkout-errors/20261203T145000Z-monitoring-iiii.md",
          UPDATE.format(status="monitoring", at="2026-12-03T14:50:00Z", components="", body=long_body))
    result = notify(site)
    assert result.returncode == 0, result.stderr
    messages = receiver.accepted()
    assert len(messages) == 4
    for message in messages:
        # Slack's documented limits: at most 50 blocks; header plain_text at most 150 characters;
        # section text at most 3,000; context at most 10 elements; mrkdwn with &, <, > escaped.
        blocks = message["blocks"]
        assert 1 <= len(blocks) <= 50 and isinstance(message["text"], str) and message["text"]
        for block in blocks:
            assert block["type"] in {"header", "section", "context"}
            if block["type"] == "header":
                assert block["text"]["type"] == "plain_text" and 0 < len(block["text"]["text"]) <= 150
            elif block["type"] == "section":
                assert block["text"]["type"] == "mrkdwn" and 0 < len(block["text"]["text"]) <= 3000
            else:
                assert 1 <= len(block["elements"]) <= 10
                for element in block["elements"]:
                    assert element["type"] in {"mrkdwn", "plain_text"} and len(element["text"]) <= 3000
        names_absent(json.dumps(message))
        assert "<!channel>" not in json.dumps(message)
    monitoring = messages[-1]
    assert "&lt;!channel&gt; &amp; worse" in monitoring["blocks"][1]["text"]["text"]
    assert monitoring["blocks"][0]["text"]["text"].endswith("…")
    link = messages[0]["blocks"][-1]["text"]["text"]
    assert link == "<https://status.example.com/incidents/2026-12-03-checkout-errors/|View on Acme Status>"


def test_discord_and_teams_payloads(tmp_path, receiver):
    site = make_site(tmp_path, f"notify:\n  - discord: {receiver.url}/discord\n    components: [search]\n  - teams: {receiver.url}/teams\n")
    result = notify(site)
    assert result.returncode == 0, result.stderr
    discord = receiver.accepted("/discord")
    # The incident names api only; its second update gives search a status, so from then on it
    # concerns search (as a run at each update would have found); the maintenance is of search.
    assert [d["embeds"][0]["fields"][0]["value"] for d in discord] == ["Identified", "Scheduled", "Resolved"]
    for message in discord:
        embed = message["embeds"][0]
        assert message["allowed_mentions"] == {"parse": []}
        assert len(embed["title"]) <= 256 and len(embed["description"]) <= 4096
        assert embed["url"].startswith("https://status.example.com/")
        assert all(len(f["value"]) <= 1024 for f in embed["fields"])
    teams = receiver.accepted("/teams")
    assert len(teams) == 4
    for message in teams:
        assert message["type"] == "message"
        card = message["attachments"][0]
        assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
        assert card["content"]["type"] == "AdaptiveCard"
        assert card["content"]["actions"][0]["type"] == "Action.OpenUrl"
    names_absent(json.dumps(discord) + json.dumps(teams))


def test_leak_guard_stops_a_name_that_redaction_does_not_cover(tmp_path, receiver):
    # Component names come from site.yml and are not redacted: the guard refuses the message.
    site = make_site(tmp_path, f"notify:\n  - name: chat\n    slack: {receiver.url}/hook\n    events: [incidents]\n")
    write(site, "content/site.yml", (site / "content/site.yml").read_text().replace("name: Search", f"name: {JANE} search"))
    result = notify(site)
    assert result.returncode == 2
    assert "chat: error: incidents/2026-12-03-checkout-errors/20261203T142000Z-identified-cccc.md would carry a name from people.yml" in result.stderr
    assert JANE not in result.stdout + result.stderr
    # The first update (API only) went out; nothing after the refused one.
    assert len(receiver.accepted()) == 1


def test_corrections_retractions_and_follow_ups(tmp_path, receiver):
    incident = "content/incidents/2026-12-03-checkout-errors"
    site = make_site(tmp_path, f"notify:\n  - name: chat\n    slack: {receiver.url}/chat\n    events: [incidents]\n")
    assert notify(site).returncode == 0
    assert len(receiver.accepted("/chat")) == 3
    write(site, incident + "/20261203T145000.250Z-0005-edit-jjjj.md",
          "---\nkind: edit\nat: 2026-12-03T14:50:00.250Z\nseq: 5\ntarget: 20261203T142000Z-identified-cccc.md\n---\nA faulty configuration change is the cause. We are rolling it back.\n")
    write(site, incident + "/20261203T145100Z-0006-retract-kkkk.md",
          "---\nkind: retract\nat: 2026-12-03T14:51:00Z\nseq: 6\ntarget: 20261203T144000Z-resolved-dddd.md\n---\nPosted too early, SECRET-REASON.\n")
    write(site, incident + "/20261203T145200Z-0007-follow-up-llll.md",
          "---\nkind: follow-up\nat: 2026-12-03T14:52:00Z\nseq: 7\n---\nWe will publish a postmortem.\n")
    # A channel added now never had the corrected updates: it gets them as corrected, not the corrections.
    write(site, "content/site.yml", (site / "content/site.yml").read_text()
          + f"  - name: late\n    webhook: {receiver.url}/late\n    events: [incidents]\n    horizon: 2h\n")
    result = notify(site)
    assert result.returncode == 0, result.stderr
    new = receiver.accepted("/chat")[3:]
    texts = [m["blocks"][1]["text"]["text"] for m in new]
    assert len(new) == 3, texts
    assert new[0]["blocks"][1]["text"]["text"].startswith("*Correction*")
    assert "Correction to the update of 2026-12-03 14:20 UTC: A faulty configuration change is the cause." in texts[0]
    assert texts[1].startswith("*Retraction*") and "An earlier update of 2026-12-03 14:40 UTC has been withdrawn" not in texts[1]
    assert "has been withdrawn" in texts[1]
    assert texts[2].startswith("*Follow-up*") and "We will publish a postmortem." in texts[2]
    assert "SECRET-REASON" not in json.dumps(receiver.accepted())
    late = receiver.accepted("/late")
    assert [p["incident"]["incident_updates"][0]["status"] for p in late] == ["investigating", "identified", "postmortem"]
    assert late[1]["incident"]["incident_updates"][0]["body"] == "A faulty configuration change is the cause. We are rolling it back."
    assert late[-1]["incident"]["status"] == "identified"  # the resolution was retracted
    assert "settled incidents/2026-12-03-checkout-errors/20261203T145000.250Z-0005-edit-jjjj.md" in result.stdout
    # Nothing more on the next run, for either channel.
    count = len(receiver.requests)
    assert notify(site).returncode == 0 and len(receiver.requests) == count


def test_component_filter_skips_other_records(tmp_path, receiver):
    site = make_site(tmp_path, f"notify:\n  - webhook: {receiver.url}/status\n    components: [search]\n    events: [maintenance]\n")
    assert notify(site).returncode == 0
    assert [p["incident"]["name"] for p in receiver.accepted()] == ["Search reindex"]


# ---------------------------------------------------------------- e-mail


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    servers = []

    class Handler:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):
            self.messages.append(envelope)
            return "250 Message accepted for delivery"

    def start(**options):
        handler = Handler()
        controller = Controller(handler, hostname="127.0.0.1", port=free_port(), **options)
        controller.start()
        servers.append(controller)
        return handler, controller.port

    yield start
    for controller in servers:
        controller.stop()


def email_channel(port, extra=""):
    return f"""notify:
  - name: mail
    email:
      to: [status-updates@example.com, ops@example.com]
      from: status@example.com
      smtp: 127.0.0.1:{port}
{extra}"""


def test_email_over_smtp_parses_with_pythons_email_package(tmp_path, smtp_server):
    handler, port = smtp_server()
    site = make_site(tmp_path, email_channel(port, "      security: none\n"))
    write(site, "content/incidents/2026-12-03-checkout-errors/incident.md", INCIDENT.format(title="Zahlungen schlagen fehl — Köln") + "\n")
    result = notify(site)
    assert result.returncode == 0, result.stderr
    assert len(handler.messages) == 4
    for envelope in handler.messages:
        assert envelope.mail_from == "status@example.com"
        assert envelope.rcpt_tos == ["status-updates@example.com", "ops@example.com"]
        raw = envelope.content
        for line in raw.split(b"\r\n"):
            assert len(line) <= 78, line
        message = email.message_from_bytes(raw, policy=email.policy.default)
        assert message.get_content_type() == "multipart/alternative"
        assert email.utils.parsedate_to_datetime(message["Date"]) is not None
        assert message["Message-ID"].startswith("<") and message["Message-ID"].endswith("@example.com>")
        assert message["From"].addresses[0].addr_spec == "status@example.com"
        plain = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        assert "https://status.example.com/" in plain and '<a href="https://status.example.com/' in html
        names_absent(plain + html + str(message["Subject"]))
    subjects = [str(email.message_from_bytes(e.content, policy=email.policy.default)["Subject"]) for e in handler.messages]
    assert "[Acme Status] Identified: Zahlungen schlagen fehl — Köln" in subjects
    identified = next(email.message_from_bytes(e.content, policy=email.policy.default) for e in handler.messages
                      if b"Identified" in e.content and b"Subject" in e.content and "Identified" in str(email.message_from_bytes(e.content, policy=email.policy.default)["Subject"]))
    plain = identified.get_body(("plain",)).get_content()
    assert "faulty deploy" in plain and "API (major outage)" in plain and "Search (degraded performance)" in plain
    # The same event always has the same Message-ID (a duplicate after a crash is one message).
    ids = [email.message_from_bytes(e.content)["Message-ID"] for e in handler.messages]
    assert len(set(ids)) == 4
    assert notify(site).returncode == 0 and len(handler.messages) == 4


def make_certificate(folder: pathlib.Path):
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    return key, cert


def test_email_with_starttls_and_credentials_from_the_environment(tmp_path, smtp_server):
    from aiosmtpd.smtp import AuthResult

    key, cert = make_certificate(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password, session.ssl is not None))
        # handled=False: aiosmtpd then answers a failure with 535 itself (else it never answers).
        return AuthResult(success=auth_data.login == b"mailer" and auth_data.password == b"s3cret", handled=False)

    handler, port = smtp_server(tls_context=context, require_starttls=True, authenticator=authenticator,
                                auth_required=True, auth_require_tls=True)
    site = make_site(tmp_path / "site", email_channel(port, f"""      security: starttls
      username_env: HERALD_TEST_SMTP_USER
      password_env: HERALD_TEST_SMTP_PASSWORD
      ca_file: {cert}
"""))
    result = notify(site, env={"HERALD_TEST_SMTP_USER": "mailer", "HERALD_TEST_SMTP_PASSWORD": "s3cret"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(handler.messages) == 4
    assert logins and all(login == (b"mailer", b"s3cret", True) for login in logins)

    # A wrong password is refused (SMTP 535) and reported; nothing is recorded as sent.
    other = make_site(tmp_path / "other", email_channel(port, f"""      username_env: HERALD_TEST_SMTP_USER
      password_env: HERALD_TEST_SMTP_PASSWORD
      ca_file: {cert}
"""))
    result = notify(other, env={"HERALD_TEST_SMTP_USER": "mailer", "HERALD_TEST_SMTP_PASSWORD": "wrong"})
    assert result.returncode == 2
    assert "mail: error: refused" in result.stderr and "wrong" not in result.stderr
    assert len(handler.messages) == 4


def test_email_server_down_is_pending(tmp_path):
    site = make_site(tmp_path, email_channel(free_port(), "      security: none\n"))
    result = notify(site, "--attempts", "2")
    assert result.returncode == 2
    assert "mail: error: unavailable after 2 attempts" in result.stderr


# ---------------------------------------------------------------- herald publish


def test_publish_builds_publishes_then_notifies(tmp_path, receiver):
    destination = tmp_path / "www"
    site = make_site(tmp_path / "site", f"notify:\n  - webhook: {receiver.url}/status\n    events: [incidents]\n",
                     extra=f'publish: cp -R "$HERALD_OUTPUT" {destination}\n')
    result = herald(site, "publish", "--now", NOW)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (destination / "index.html").exists()
    assert len(receiver.accepted()) == 3


def test_publish_stops_at_a_failing_command(tmp_path, receiver):
    site = make_site(tmp_path, f"notify:\n  - webhook: {receiver.url}/status\n", extra="publish: exit 3\n")
    result = herald(site, "publish", "--now", NOW)
    assert result.returncode == 1
    assert "the publish command failed (exit 3); nothing was sent" in result.stderr
    assert receiver.requests == []


def test_publish_stops_at_a_failing_build(tmp_path, receiver):
    marker = tmp_path / "published"
    site = make_site(tmp_path / "site", f"notify:\n  - webhook: {receiver.url}/status\n", extra=f"publish: touch {marker}\n")
    write(site, "content/incidents/2026-12-03-checkout-errors/20261203T145900Z-investigating-zzzz.md",
          UPDATE.format(status="resolvd", at="2026-12-03T14:59:00Z", components="", body="Typo."))
    result = herald(site, "publish", "--now", NOW)
    assert result.returncode == 1
    assert "unknown status 'resolvd'" in result.stderr
    assert not marker.exists() and receiver.requests == []
