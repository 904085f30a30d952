"""Incidents as a person may see them: the list (owner and regions joined up front) and one incident's page."""

from django.db.models import Prefetch

from exceptions.models import Process
from incidents.models import Incident, IncidentUpdate
from intimacy_ops import access
from intimacy_ops.accounts.models import Region

TIMELINE_LIMIT = 100


def incidents_for(user):
    """Every incident the user sees, with its owner, declarer, regions and processes (two prefetch queries for a
    page of them)."""
    return (
        access.visible(user, Incident)
        .select_related("owner", "declared_by")
        .prefetch_related(
            Prefetch("regions", queryset=Region.objects.order_by("code")),
            Prefetch("processes", queryset=Process.objects.order_by("name")),
        )
    )


def incident_for_page(user, pk: int) -> Incident:
    """One incident with its processes; 404 outside the user's scope."""
    return access.get_visible(user, incidents_for(user), pk=pk)


def timeline(incident: Incident, limit: int = TIMELINE_LIMIT) -> list[IncidentUpdate]:
    """The newest lines of the incident's timeline, newest first, with their authors."""
    return list(incident.updates.select_related("author").order_by("-at", "-pk")[:limit])
