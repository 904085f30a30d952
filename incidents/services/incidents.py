"""An incident's own acts: declaring it, posting an update to its timeline, its lifecycle steps.

Declaring: operations leads (their own regions) and administrators (any region); a region outside the
declarer's is a 400 naming `regions`, nothing written. The owner is an operations lead of one of the
incident's regions (by default the declaring lead). A step outside the table (docs/lifecycles.md) is a 409
naming what is allowed now, whatever else is wrong; cancelling needs a reason (400 `reason`); marking it
reviewed needs the post-mortem's trust impact assessment and lessons (409 naming what is missing).
"""

from django.db import transaction
from django.utils import timezone

from incidents.access_rules import declarable_regions, possible_owners
from incidents.lifecycles import ACTIVE
from incidents.models import Incident, IncidentUpdate
from incidents.selectors.trust import missing_to_review
from intimacy_ops import access, audit, errors, lifecycle

TEXT_LIMIT = 4000


def _check_declaration(*, actor, title, regions, started_at, detected_at, owner) -> dict:
    problems: dict[str, list[str]] = {}
    if not (title or "").strip():
        problems["title"] = ["Name the incident."]
    regions = list(regions or [])
    allowed = set(declarable_regions(actor).values_list("pk", flat=True))
    if not regions:
        problems["regions"] = ["Name at least one region the incident touches."]
    else:
        outside = sorted(region.code for region in regions if region.pk not in allowed)
        if outside:
            problems["regions"] = [f"Not one of your regions: {', '.join(outside)}."]
    now = timezone.now()
    if started_at is not None and started_at > now:
        problems["started_at"] = ["An incident cannot start in the future."]
    if detected_at is not None:
        if detected_at > now:
            problems["detected_at"] = ["It cannot be detected in the future."]
        elif started_at is not None and detected_at < started_at:
            problems["detected_at"] = ["It cannot be detected before it started."]
    if regions and "regions" not in problems:
        owners = possible_owners(regions)
        if owner is None:
            if not owners.filter(pk=actor.pk).exists():
                problems["owner"] = ["Name the operations lead who owns it."]
        elif not owners.filter(pk=owner.pk).exists():
            problems["owner"] = ["The owner must be an operations lead of one of the incident's regions."]
    if problems:
        raise errors.ValidationFailed(problems)
    return {"regions": regions, "owner": owner or actor, "detected_at": detected_at or now}


def declare(
    *,
    actor,
    title: str,
    kind: str,
    severity: str,
    regions,
    started_at,
    detected_at=None,
    processes=(),
    owner=None,
    description: str = "",
    at=None,
) -> Incident:
    """Declare an incident (operations leads for their regions, administrators anywhere); `at`: when it was
    declared, if not now (the demo's past incident)."""
    access.require(actor, "create", Incident)
    checked = _check_declaration(
        actor=actor, title=title, regions=regions, started_at=started_at, detected_at=detected_at, owner=owner
    )
    with transaction.atomic():
        incident = Incident.objects.create(
            title=title.strip(),
            kind=kind,
            severity=severity,
            description=(description or "").strip(),
            started_at=started_at,
            detected_at=checked["detected_at"],
            owner=checked["owner"],
            declared_by=actor,
            status_changed_at=at or timezone.now(),
        )
        incident.regions.set(checked["regions"])
        incident.processes.set(list(processes or []))
        IncidentUpdate.objects.create(
            incident=incident,
            kind=IncidentUpdate.Kind.STEP,
            to_status=Incident.Status.OPEN,
            text="Declared.",
            author=actor,
            at=incident.status_changed_at,
        )
        audit.record(
            actor=actor,
            verb="incident.declared",
            obj=incident,
            after={
                "title": incident.title,
                "kind": kind,
                "severity": severity,
                "regions": sorted(region.code for region in checked["regions"]),
                "owner": incident.owner.username,
            },
        )
    return incident


def locked(incident: Incident) -> Incident:
    return Incident.objects.select_for_update(of=("self",)).get(pk=incident.pk)


def post_update(*, incident: Incident, actor, text: str, at=None) -> IncidentUpdate:
    """Add a line to the timeline (who runs the incident, while it is open or mitigated)."""
    access.require(actor, "change", incident)
    text = (text or "").strip()
    if not text:
        raise errors.ValidationFailed({"text": ["Write the update."]})
    if len(text) > TEXT_LIMIT:
        raise errors.ValidationFailed({"text": [f"At most {TEXT_LIMIT} characters."]})
    with transaction.atomic():
        incident = locked(incident)
        lifecycle.require_state(incident, "post an update to", ACTIVE | {Incident.Status.RESOLVED})
        update = IncidentUpdate.objects.create(
            incident=incident, kind=IncidentUpdate.Kind.NOTE, text=text, author=actor, at=at or timezone.now()
        )
        Incident.objects.filter(pk=incident.pk).update(updated_at=update.at)
        audit.record(actor=actor, verb="incident.updated", obj=incident, after={"update": update.pk})
    return update


def transition(*, incident: Incident, action: str, actor, comment: str = "", at=None) -> Incident:
    """Move an incident one step of its table (`mitigate`, `resolve`, `review`, `cancel`); `at`: when it
    happened, if not now (the demo's past incident)."""
    if action not in lifecycle.table_of(Incident).rows:
        raise errors.ValidationFailed({"action": [f"Unknown step {action!r}."]})
    comment = (comment or "").strip()
    with transaction.atomic():
        incident = locked(incident)
        lifecycle.check(incident, action, actor=actor)
        if len(comment) > TEXT_LIMIT:
            raise errors.ValidationFailed({"comment": [f"At most {TEXT_LIMIT} characters."]})
        if action == "review" and (missing := missing_to_review(incident)):
            raise errors.TransitionNotAllowed(
                action=action,
                status=incident.status,
                allowed_actions=lifecycle.actions_from(incident),
                reason="Cannot mark it reviewed without " + " and ".join(missing) + " in the post-mortem.",
            )
        if action == "cancel":
            if not comment:
                raise errors.ValidationFailed({"comment": ["Say why the incident is cancelled."]})
            incident.cancel_reason = comment
        lifecycle.apply(incident, action, actor=actor, comment=comment, at=at, scoped=False)
    return incident
