"""Message templates per tier and incident kind (issue 19, item 3), versioned: saving new words for a (tier, kind)
makes version n + 1; the older versions stay and the latest is the one used. Operations leads and
administrators write them (incidents/access_rules.py). A placeholder that is unknown, sensitive or reaches
into an attribute is a 400 naming the field (`subject` or `body`) and the placeholder (incidents/placeholders.py),
nothing written. Saving the same words, level and all again adds no version (the latest is returned).
"""

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from incidents import placeholders
from incidents.models import Incident, MessageTemplate
from intimacy_ops import access, audit, errors
from segments.models import Segment

SUBJECT_LIMIT = 200
BODY_LIMIT = 8000


def default_level(segment: Segment) -> str:
    """The top tier hears in person first: its templates are personal unless said otherwise."""
    return MessageTemplate.Level.PERSONAL if segment.rank == 1 else MessageTemplate.Level.STANDARD


def _check(subject: str, body: str, kind: str, level: str | None) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    if kind not in Incident.Kind.values:
        found["kind"] = [f"Choose one of: {', '.join(Incident.Kind.values)}."]
    if level is not None and level not in MessageTemplate.Level.values:
        found["level"] = [f"Choose one of: {', '.join(MessageTemplate.Level.values)}."]
    for name, text, limit in (("subject", subject, SUBJECT_LIMIT), ("body", body, BODY_LIMIT)):
        if not text:
            found[name] = ["Write it."]
        elif len(text) > limit:
            found[name] = [f"At most {limit} characters."]
        elif wrong := placeholders.problems(text):
            found[name] = wrong
    return found


def save_version(
    *, actor, segment: Segment, kind: str, subject: str, body: str, level: str | None = None
) -> MessageTemplate:
    """Save new words for a tier and an incident kind: a new version, the older ones kept."""
    access.require(actor, "create", MessageTemplate)
    subject, body = (subject or "").strip(), (body or "").strip()
    found = _check(subject, body, kind, level)
    if found:
        raise errors.ValidationFailed(found)
    level = level or default_level(segment)
    try:
        with transaction.atomic():
            latest = (
                MessageTemplate.objects.select_for_update()
                .filter(segment=segment, kind=kind)
                .order_by("-version")
                .first()
            )
            if latest and (latest.subject, latest.body, latest.level) == (subject, body, level):
                return latest
            version = (
                MessageTemplate.objects.filter(segment=segment, kind=kind).aggregate(n=Max("version"))["n"]
                or 0
            ) + 1
            made = MessageTemplate.objects.create(
                segment=segment,
                kind=kind,
                version=version,
                level=level,
                subject=subject,
                body=body,
                created_by=actor,
                created_at=timezone.now(),
            )
            audit.record(
                actor=actor,
                verb="incident.template_saved",
                obj=made,
                before={"version": latest.version} if latest else None,
                after={"segment": segment.name, "kind": kind, "version": version, "level": level},
            )
    except IntegrityError:
        # Two saves of the same tier and kind at once: the other one took this version number.
        raise errors.Conflict(
            "Someone saved this template at the same moment; reload and try again."
        ) from None
    return made
