"""Machine-readable outputs, read by the real consumers: feedparser, icalendar, a Statuspage client."""
import json
import os
import pathlib
import xml.etree.ElementTree as ET

import feedparser
import icalendar
import pytest

from conftest import REAL, serve

BASE = "https://status.fixture.test/status/"


def load(public, name):
    return json.loads((public / "api" / "v2" / name).read_text())


# --- Statuspage API v2 -------------------------------------------------------------------------

def fixture_incident():
    data = json.loads((REAL / "statuspage" / "github_incident_wdhkj70kynwk_2021-03-12_major_23-updates.json").read_text())
    return data


def test_summary_has_statuspage_shape(outputs_public):
    summary = load(outputs_public, "summary.json")
    assert set(summary) == {"page", "status", "components", "incidents", "scheduled_maintenances"}
    real = fixture_incident()
    assert set(summary["page"]) == set(real["page"])
    assert summary["page"]["time_zone"] == "Etc/UTC"
    assert summary["page"]["url"] == BASE.rstrip("/")
    # Statuspage's top-level status from the components (docs/content.md, "Overall status"): one
    # component in partial outage among several is "minor", whatever the incident's severity.
    assert summary["status"] == {"indicator": "minor", "description": "Minor Service Outage"}


def test_objects_have_the_real_payloads_keys_and_types(outputs_public):
    real = fixture_incident()["incident"]
    ours = load(outputs_public, "incidents.json")["incidents"]
    assert ours, "incidents.json lists incidents"
    real_update = real["incident_updates"][0]
    real_component = real["components"][0]
    real_affected = next(u["affected_components"][0] for u in real["incident_updates"] if u["affected_components"])
    for incident in ours:
        assert set(incident) == set(real) - {"started_at"} | {"started_at"}
        assert set(incident) == set(real)
        for key in ("id", "name", "status", "impact", "created_at", "updated_at", "shortlink", "page_id", "started_at"):
            assert isinstance(incident[key], str), key
        for update in incident["incident_updates"]:
            assert set(update) == set(real_update)
            assert update["incident_id"] == incident["id"]
            for affected in update["affected_components"] or []:
                assert set(affected) == set(real_affected)
        for component in incident["components"]:
            assert set(component) == set(real_component)
            for key, value in real_component.items():
                # Statuspage sends null for a missing description too.
                if value is not None and not (key == "description" and component[key] is None):
                    assert type(component[key]) is type(value), key


def test_values_follow_the_records(outputs_public):
    incidents = {i["name"]: i for i in load(outputs_public, "incidents.json")["incidents"]}
    api = incidents['API errors <and> "timeouts"']
    assert api["status"] == "identified" and api["impact"] == "critical"
    assert api["resolved_at"] is None and api["monitoring_at"] is None
    assert api["shortlink"] == BASE + "incidents/2026-11-22-api-errors/"
    assert [u["status"] for u in api["incident_updates"]] == ["identified", "investigating"]  # newest first
    newest = api["incident_updates"][0]
    changes = {a["name"]: (a["old_status"], a["new_status"]) for a in newest["affected_components"]}
    assert changes == {"API": ("major_outage", "partial_outage"), "Website": ("major_outage", "degraded_performance")}
    assert newest["created_at"] == "2026-11-22T14:40:00.000Z"
    search = incidents["Search slow"]
    assert search["resolved_at"] == "2026-11-20T11:00:00.000Z"
    assert search["monitoring_at"] == "2026-11-20T10:30:00.000Z"
    unresolved = load(outputs_public, "incidents/unresolved.json")["incidents"]
    assert [i["name"] for i in unresolved] == ['API errors <and> "timeouts"']


def test_nothing_internal_or_personal_in_the_api(outputs_public):
    for path in (outputs_public / "api").rglob("*.json"):
        text = path.read_text()
        json.loads(text)
        for secret in ("INTERNAL-NOTE-TEXT", "Jane", "Bob Smith", "jane@fixture.test"):
            assert secret not in text, (secret, path)


def test_components_and_groups(outputs_public):
    components = load(outputs_public, "components.json")["components"]
    by_name = {c["name"]: c for c in components}
    assert by_name["API"]["status"] == "partial_outage"
    assert by_name["Website"]["status"] == "degraded_performance"
    assert by_name["Database"]["status"] == "under_maintenance"
    core = by_name["Core"]
    assert core["group"] is True and set(core["components"]) == {by_name["API"]["id"], by_name["Website"]["id"]}
    assert by_name["API"]["group_id"] == core["id"]
    assert by_name["Email"]["group_id"] is None
    assert all(len(c["id"]) == 12 and c["id"].isalnum() and c["id"].islower() for c in components)


def test_maintenance_files(outputs_public):
    active = load(outputs_public, "scheduled-maintenances/active.json")["scheduled_maintenances"]
    upcoming = load(outputs_public, "scheduled-maintenances/upcoming.json")["scheduled_maintenances"]
    everything = load(outputs_public, "scheduled-maintenances.json")["scheduled_maintenances"]
    assert [m["name"] for m in active] == ["Database failover test"]
    assert [m["name"] for m in upcoming] == ["Search reindex"]
    assert len(everything) == 3
    assert upcoming[0]["scheduled_for"] == "2026-12-01T02:00:00.000Z"
    assert upcoming[0]["scheduled_until"] == "2026-12-01T04:00:00.000Z"
    assert active[0]["impact"] == "maintenance" and active[0]["status"] == "in_progress"


def test_ids_are_stable_across_builds(outputs_public, tmp_path):
    from conftest import FIXTURES, build_site
    again = build_site(FIXTURES / "outputs-site", tmp_path / "again", now="2026-11-23T09:00:00Z")
    first = {i["name"]: i["id"] for i in load(outputs_public, "incidents.json")["incidents"]}
    second = {i["name"]: i["id"] for i in load(again, "incidents.json")["incidents"]}
    assert first == second


def test_a_real_statuspage_client_reads_summary_over_http(outputs_public, tmp_path, monkeypatch):
    """statuspage-prometheus-exporter (PyPI) polls summary.json like it polls any Statuspage page."""
    from statuspage_prometheus_exporter.service_checker import check_status_page_service

    monkeypatch.chdir(tmp_path)  # the exporter keeps a cache/ folder in the working directory
    with serve(outputs_public, prefix="/status") as base:
        result = check_status_page_service("herald", {"url": base + "api/v2/summary.json"})
    assert result["success"] is True, result
    assert result["raw_status"] == "critical"
    assert result["status_text"] == "Critical Outage"
    names = {c["name"]: c["status"] for c in result["component_metadata"]}
    assert names["API"] == "partial_outage" and names["Search"] == "operational"
    assert [m["name"] if isinstance(m, dict) and "name" in m else m for m in result["incident_metadata"]]
    assert result["maintenance_metadata"], "the active and upcoming maintenance are seen"


# --- Feeds -------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["history.atom", "history.rss"])
def test_feeds_parse_cleanly(outputs_public, name):
    feed = feedparser.parse((outputs_public / name).read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    titles = [e.title for e in feed.entries]
    assert titles[0] == 'API errors <and> "timeouts"'  # newest update first
    assert "Maintenance: Database failover test" in titles
    assert "Email delayed by provider (upstream provider)" in titles
    first = feed.entries[0]
    assert first.link == BASE + "incidents/2026-11-22-api-errors/"
    body = first.content[0].value if "content" in first else first.description
    assert "Identified" in body and "2026-11-22 14:40 UTC" in body and "rolling back" in body
    assert "a &lt; b &gt; c" in body  # the update's own text stays text
    raw = (outputs_public / name).read_text()
    for secret in ("INTERNAL-NOTE-TEXT", "Jane", "Bob"):
        assert secret not in raw
    ids = [e.id for e in feed.entries]
    assert len(ids) == len(set(ids))


def test_every_page_announces_the_feeds(example_public):
    for page in example_public.rglob("*.html"):
        html = page.read_text()
        assert 'rel="alternate" type="application/atom+xml"' in html, page
        assert 'rel="alternate" type="application/rss+xml"' in html, page


# --- Calendar ----------------------------------------------------------------------------------

def test_calendar_is_valid_rfc5545(outputs_public):
    raw = (outputs_public / "maintenance.ics").read_bytes()
    assert b"\r\n" in raw and all(len(line) <= 75 for line in raw.split(b"\r\n"))
    calendar = icalendar.Calendar.from_ical(raw)
    events = [c for c in calendar.walk("VEVENT")]
    assert len(events) == 3
    failover = next(e for e in events if str(e["SUMMARY"]) == "Database failover test")
    assert failover.decoded("DTSTART").isoformat() == "2026-11-22T14:30:00+00:00"
    assert failover.decoded("DTEND").isoformat() == "2026-11-22T16:00:00+00:00"
    assert str(failover["UID"]) == "2026-11-22-db-failover@status.fixture.test"
    assert str(failover["URL"]) == BASE + "maintenance/2026-11-22-db-failover/"
    assert str(failover["STATUS"]) == "CONFIRMED"
    assert "In progress" in str(failover["DESCRIPTION"])


# --- Badge, sitemap, robots --------------------------------------------------------------------

def test_badge_sitemap_robots(outputs_public):
    badge = ET.parse(outputs_public / "badge.svg").getroot()
    assert badge.tag.endswith("svg")
    assert "Minor Service Outage" in ET.tostring(badge, encoding="unicode")
    sitemap = ET.parse(outputs_public / "sitemap.xml").getroot()
    urls = [loc.text for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert BASE in urls and BASE + "incidents/2026-11-22-api-errors/" in urls
    assert BASE + "postmortems/2026-11-20-search-slow/" in urls
    assert all(u.startswith(BASE) for u in urls)
    assert not any("404" in u for u in urls)
    assert (outputs_public / "robots.txt").read_text().strip().endswith("Sitemap: " + BASE + "sitemap.xml")
