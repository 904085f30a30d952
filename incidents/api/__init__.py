"""The incidents API (CONTRACT.md `/api/v1/incidents/`): incidents, their timeline and lifecycle steps, affected
customers, goodwill, messages (incidents/api/messages.py) and `/api/v1/incident-templates/`.

Serializers parse and present; every write is one service call. Regions travel by code, processes by id,
people by username. An incident outside the user's scope is a 404; a related id outside it, a 400 naming the
field (as a nonexistent id).
"""

from incidents.api.incidents import IncidentViewSet
from incidents.api.messages import TemplateViewSet


def register(router) -> None:
    router.register("incidents", IncidentViewSet, basename="incident")
    router.register("incident-templates", TemplateViewSet, basename="incident-template")
