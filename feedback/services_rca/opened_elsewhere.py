"""An RCA opened by another part of the business (an incident's post-mortem, issue 19 item 6): the same
analysis as one opened by hand — five whys, corrective actions, the loop, the effectiveness check — with its
`trigger` saying where it came from and the regions of the customers concerned (so their operations leads
see it). Feedback names no caller: the caller says the trigger and the regions."""

from django.db import transaction

from feedback.models import RootCauseAnalysis
from intimacy_ops import access, audit, errors


def open_from(*, process, problem: str, actor, trigger: str, regions=(), owner=None) -> RootCauseAnalysis:
    """Open an RCA on `process` for a problem found elsewhere (`trigger`), owned by the process's owner."""
    access.require(actor, "create", RootCauseAnalysis)
    if trigger not in RootCauseAnalysis.Trigger.values or trigger == RootCauseAnalysis.Trigger.RECURRING:
        raise errors.ValidationFailed({"trigger": ["Not a trigger another part may open an RCA with."]})
    if not (problem or "").strip():
        raise errors.ValidationFailed({"problem": ["State the problem."]})
    with transaction.atomic():
        rca = RootCauseAnalysis.objects.create(
            process=process,
            owner=owner or process.owner or actor,
            problem=problem.strip(),
            trigger=trigger,
            opened_by=actor,
        )
        rca.regions.set(list(regions))
        audit.record(
            actor=actor,
            verb="rca.opened",
            obj=rca,
            after={"process": process.pk, "trigger": trigger, "regions": sorted(r.code for r in regions)},
        )
    return rca
