"""An incident's post-mortem (issue 19, item 6): written by who runs the incident (its owner, an operations lead
of one of its regions, an administrator) while it is open, mitigated or resolved; once reviewed it is the record.

- `write`: the trust impact assessment (the owner's text; writing or changing it freezes the computed facts of
  incidents/selectors/trust.py as of now into `facts`), lessons, other actions. Fields left out stay as they are.
- `open_root_cause`: the root cause is a feedback root-cause analysis (five whys, corrective actions, the loop,
  the effectiveness check — the RCA pages are where they are written), opened through feedback's service on one
  of the incident's processes, with the trigger `incident` and the incident's regions, and linked; once.
Marking the incident reviewed needs the assessment and lessons (incidents/services/incidents.py, 409).
Each act is an audit event on the incident and a line on its timeline.
"""

from django.db import transaction
from django.utils import timezone

from feedback.models import RootCauseAnalysis
from feedback.services_rca.opened_elsewhere import open_from
from incidents.lifecycles import ACTIVE
from incidents.models import Incident, IncidentUpdate, PostMortem
from incidents.selectors import trust
from intimacy_ops import access, audit, errors, lifecycle

WRITABLE = ACTIVE | {Incident.Status.RESOLVED}
TEXT_LIMIT = 20_000
FIELDS = ("trust_assessment", "lessons", "actions")


def _locked(incident: Incident) -> tuple[Incident, PostMortem]:
    incident = Incident.objects.select_for_update(of=("self",)).get(pk=incident.pk)
    lifecycle.require_state(incident, "write the post-mortem of", WRITABLE)
    post_mortem, _ = PostMortem.objects.get_or_create(incident=incident)
    return incident, post_mortem


def _line(incident: Incident, actor, text: str, at) -> None:
    IncidentUpdate.objects.create(
        incident=incident, kind=IncidentUpdate.Kind.NOTE, text=text, author=actor, at=at
    )


def write(*, incident: Incident, actor, at=None, **texts) -> PostMortem:
    """Write the post-mortem's trust impact assessment, lessons and other actions (those given)."""
    access.require(actor, "change", incident)
    unknown = set(texts) - set(FIELDS)
    if unknown:
        raise errors.ValidationFailed({name: ["Unknown field."] for name in sorted(unknown)})
    texts = {name: (value or "").strip() for name, value in texts.items() if value is not None}
    too_long = {
        name: [f"At most {TEXT_LIMIT:,} characters."] for name, v in texts.items() if len(v) > TEXT_LIMIT
    }
    if too_long:
        raise errors.ValidationFailed(too_long)
    now = at or timezone.now()
    with transaction.atomic():
        incident, post_mortem = _locked(incident)
        changed = [name for name, value in texts.items() if getattr(post_mortem, name) != value]
        before = {name: len(getattr(post_mortem, name)) for name in changed}
        for name in changed:
            setattr(post_mortem, name, texts[name])
        assessed = "trust_assessment" in changed
        if assessed:
            if post_mortem.trust_assessment:
                post_mortem.facts = trust.compute(incident)
                post_mortem.assessed_at, post_mortem.assessed_by = now, actor
            else:
                post_mortem.facts, post_mortem.assessed_at, post_mortem.assessed_by = {}, None, None
        if not changed:
            return post_mortem
        post_mortem.updated_by = actor
        post_mortem.save()
        if assessed and post_mortem.assessed_at:
            _line(incident, actor, "Post-mortem: the trust impact assessed (facts frozen as of now).", now)
        audit.record(
            actor=actor,
            verb="incident.post_mortem_written",
            obj=incident,
            before={"lengths": before},
            after={
                "lengths": {name: len(getattr(post_mortem, name)) for name in changed},
                "facts": post_mortem.facts if assessed else "unchanged",
            },
        )
    return post_mortem


def open_root_cause(*, incident: Incident, actor, process, problem: str = "") -> PostMortem:
    """Open the post-mortem's root-cause analysis on one of the incident's processes, and link it."""
    access.require(actor, "change", incident)
    named = list(incident.processes.all())
    if process is None or (named and process not in named):
        raise errors.ValidationFailed({"process": ["Choose one of the processes the incident names."]})
    with transaction.atomic():
        incident, post_mortem = _locked(incident)
        if post_mortem.rca_id is not None:
            raise errors.Conflict(
                f"The post-mortem already has its root-cause analysis (RCA {post_mortem.rca_id})."
            )
        rca = open_from(
            process=process,
            problem=(problem or "").strip() or f"Incident #{incident.pk}: {incident.title}",
            actor=actor,
            trigger=RootCauseAnalysis.Trigger.INCIDENT,
            regions=list(incident.regions.all()),
        )
        post_mortem.rca = rca
        post_mortem.updated_by = actor
        post_mortem.save(update_fields=["rca", "updated_by", "updated_at"])
        _line(incident, actor, f"Post-mortem: root-cause analysis opened on {process.name}.", timezone.now())
        audit.record(
            actor=actor,
            verb="incident.root_cause_opened",
            obj=incident,
            after={"rca": rca.pk, "process": process.pk},
        )
    return post_mortem
