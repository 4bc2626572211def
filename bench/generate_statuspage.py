#!/usr/bin/env python3
"""Writes a seeded Statuspage export (incidents.json shape, as GET /api/v2/incidents.json or an
export script gives it) of N incidents for `herald import statuspage`: about 4 updates each with
millisecond times and affected_components (old and new status) over 20 components in 4 groups,
\\r\\n bodies, and every 20th incident a scheduled maintenance. Used by bench/import.sh.

    python3 bench/generate_statuspage.py --incidents 10000 --out /tmp/incidents.json
"""
import argparse
import datetime
import json
import random

STATUSES = ["investigating", "identified", "monitoring", "resolved"]
LEVELS = ["degraded_performance", "partial_outage", "major_outage"]


def sid(rng):
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(12))


def stamp(t):
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (t.microsecond // 1000)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--incidents", type=int, default=10000)
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=26)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    page = {"id": "benchpage001", "name": "Bench", "url": "https://status.bench.test", "time_zone": "Etc/UTC", "updated_at": "2026-01-01T00:00:00.000Z"}
    groups = [{"id": sid(rng), "name": name} for name in ["Core", "Data", "Edge", "Tools"]]
    components = []
    for i in range(20):
        group = groups[i % 4]
        components.append({"id": sid(rng), "name": "Service %d" % (i + 1), "group_id": group["id"], "group": False,
                           "status": "operational", "position": i + 1, "description": None, "page_id": page["id"]})
    start = datetime.datetime(2015, 1, 1, tzinfo=datetime.timezone.utc)
    incidents = []
    for n in range(args.incidents):
        t = start + datetime.timedelta(minutes=n * 29 + rng.randint(0, 20), milliseconds=rng.randint(0, 999))
        affected = rng.sample(components, rng.randint(1, 3))
        iid = sid(rng)
        maintenance = n % 20 == 19
        updates = []
        status = {c["id"]: "operational" for c in affected}
        steps = ["scheduled", "in_progress", "completed"] if maintenance else STATUSES[: rng.randint(1, 3)] + ["resolved"]
        for k, s in enumerate(steps):
            t2 = t + datetime.timedelta(minutes=k * rng.randint(5, 40), milliseconds=rng.randint(0, 999))
            changes = []
            if not maintenance:
                for c in affected:
                    new = "operational" if s == "resolved" else rng.choice(LEVELS)
                    changes.append({"code": c["id"], "name": "%s - %s" % (next(g["name"] for g in groups if g["id"] == c["group_id"]), c["name"]),
                                    "old_status": status[c["id"]], "new_status": new})
                    status[c["id"]] = new
            updates.append({"id": sid(rng), "status": s, "body": "Update %d of incident %d.\r\n\r\nWe will post again within 30 minutes." % (k + 1, n),
                            "incident_id": iid, "created_at": stamp(t2), "updated_at": stamp(t2), "display_at": stamp(t2),
                            "affected_components": changes or None, "deliver_notifications": True, "custom_tweet": None, "tweet_id": None})
        last = updates[-1]["display_at"]
        incident = {"id": iid, "name": ("Maintenance %d" if maintenance else "Incident %d") % n, "status": steps[-1],
                    "impact": "maintenance" if maintenance else rng.choice(["minor", "major", "critical"]),
                    "created_at": stamp(t), "updated_at": last, "monitoring_at": None, "resolved_at": None if maintenance else last,
                    "started_at": stamp(t), "shortlink": "https://stspg.io/" + iid, "page_id": page["id"],
                    "incident_updates": list(reversed(updates)), "components": affected}
        if maintenance:
            incident["scheduled_for"] = stamp(t)
            incident["scheduled_until"] = stamp(t + datetime.timedelta(hours=2))
        incidents.append(incident)
    incidents.reverse()
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump({"page": page, "incidents": incidents}, f)


if __name__ == "__main__":
    main()
