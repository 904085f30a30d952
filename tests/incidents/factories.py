"""Incidents for tests: one of a region (or several) in a given state, owned by an operations lead."""

import datetime

from django.utils import timezone

from incidents.models import Incident


def incident(owner, regions, status: str = "open", **fields) -> Incident:
    now = timezone.now()
    started = now - datetime.timedelta(hours=3)
    values = {
        "title": "Warehouse management system down",
        "kind": "outage",
        "severity": "major",
        "started_at": started,
        "detected_at": started + datetime.timedelta(minutes=20),
        "owner": owner,
        "declared_by": owner,
        "status": status,
        "cancel_reason": "Declared twice." if status == "cancelled" else "",
        "resolved_at": now - datetime.timedelta(hours=1) if status in ("resolved", "reviewed") else None,
        **fields,
    }
    made = Incident.objects.create(**values)
    made.regions.set(regions)
    return made
