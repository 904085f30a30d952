"""The lifecycle of an incident, as a table the kernel's engine applies (intimacy_ops/lifecycle.py).

`open → mitigated → resolved → reviewed`, `open → resolved` (fixed before any workaround), and `cancelled`
from `open` or `mitigated` (declared by mistake, with a reason). Each step is a line of the incident's
timeline (`IncidentUpdate`, kind `step`: from, to, author, time, comment) and an audit event
(`incident.<action>`). A person's step is asked of the access rule of the same name
(incidents/access_rules.py): the incident's owner, an operations lead of one of its regions, or an
administrator. What a step needs beyond its *from* state (cancelling with a reason; reviewing with the
post-mortem's trust impact assessment and lessons) is the service's to check before `apply`
(incidents/services/incidents.py).
"""

from incidents.models import Incident, IncidentUpdate
from intimacy_ops import lifecycle
from intimacy_ops.lifecycle import Row, Who

S = Incident.Status
ACTIVE = {S.OPEN, S.MITIGATED}
RUNS = "the incident's owner, an operations lead of one of its regions, or an administrator"


def _who(action: str) -> Who:
    return Who(RUNS, rule=action)


def _enter(incident: Incident, row: Row, at) -> dict:
    incident.status = row.target
    incident.status_changed_at = at
    fields = ["status", "status_changed_at", "updated_at"]
    changed = {}
    if row.target == S.RESOLVED and incident.resolved_at is None:
        incident.resolved_at = at
        fields.append("resolved_at")
        changed["resolved_at"] = at.isoformat()
    if row.target == S.CANCELLED:
        fields.append("cancel_reason")  # set by the service just before
    incident.save(update_fields=fields)
    return changed


def _log(incident: Incident, row: Row, before: str, actor, authority: str, at, comment: str):
    return IncidentUpdate.objects.create(
        incident=incident,
        kind=IncidentUpdate.Kind.STEP,
        text=comment,
        from_status=before,
        to_status=row.target,
        author=actor,
        at=at,
    )


TABLE = lifecycle.register(
    Incident,
    rows=[
        Row("mitigate", {S.OPEN}, S.MITIGATED, _who("mitigate"), "Mark mitigated"),
        Row("resolve", {S.OPEN, S.MITIGATED}, S.RESOLVED, _who("resolve"), "Mark resolved"),
        Row("review", {S.RESOLVED}, S.REVIEWED, _who("review"), "Mark reviewed"),
        Row("cancel", ACTIVE, S.CANCELLED, _who("cancel"), "Cancel"),
    ],
    verb="incident",
    enter=_enter,
    log=_log,
    note="Each step is a line of the incident's timeline (IncidentUpdate, kind `step`) and an audit event; "
    "resolving sets `resolved_at` unless it was given; cancelling needs a reason; reviewing needs the post-mortem's "
    "trust impact assessment and lessons (409 naming what is missing). Reviewed and cancelled are final.",
)
