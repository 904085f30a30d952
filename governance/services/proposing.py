"""Proposals by hand (issue 17, item 1): a board member, a process owner or an operations lead proposes to sunset
some active exceptions of one process, or to fold them into its standard, with a reason.

One review opens on the board covering the process's category in the region most of the customers are in,
with the covered exceptions, the impact assessment prefilled from data (as a threshold policy's proposal),
an audit event, and a notice to the board's people and the process owner.

- 403 for anyone else (the access rule `propose`);
- exceptions the proposer does not see in their regions: 404 naming none of them (no existence leak);
- exceptions of another process, or no longer active: 400 naming `exceptions`;
- an open review of the same kind already covering one of them (by hand or by a policy): 409 naming it.
  The proposed exceptions are locked first (in id order), so two proposals of the same ones at once
  serialize: the second sees the first and gets the 409.
"""

import datetime
from collections import Counter

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from exceptions.models import ExceptionRequest, Process
from governance.access_rules.proposals import proposable_exceptions
from governance.models import Review
from governance.selectors.boards import board_for, board_rules
from governance.services import proposals
from governance.services.evaluation import _impact as covered_figures
from governance.services.impact import assess_impact
from governance.services.voting import tell_chair_if_quorum_impossible
from intimacy_ops import access, audit, errors

KINDS = (Review.Kind.SUNSET, Review.Kind.STANDARDIZATION)
ACTIVE = ExceptionRequest.Status.ACTIVE


def _validate(kind: str, ids: list, reason: str) -> list[int]:
    problems = {}
    if kind not in KINDS:
        problems["kind"] = ["Choose sunset or standardization."]
    if not (reason or "").strip():
        problems["reason"] = ["Say why: the board and the process owner read it."]
    if not ids:
        problems["exceptions"] = ["Choose at least one active exception."]
    if problems:
        raise errors.ValidationFailed(problems)
    return sorted(set(ids))


def _open_one_covering(kind: str, ids: list[int]) -> Review | None:
    return (
        Review.objects.filter(kind=kind, status=Review.Status.OPEN, covered__in=ids)
        .select_related("board")
        .order_by("pk")
        .first()
    )


def _board(process: Process, exceptions: list[ExceptionRequest]):
    regions = Counter(exception.customer.region_id for exception in exceptions)
    for region_id, _ in sorted(regions.items(), key=lambda item: (-item[1], item[0])):
        board = board_for(category=process.category, region_id=region_id)
        if board is not None:
            return board
    codes = sorted({exception.customer.region.code for exception in exceptions})
    raise errors.Conflict(
        f"No change-control board covers {process.get_category_display().lower()} processes in "
        f"{', '.join(codes)}; ask an administrator to extend a board's scope.",
        problem="no_board",
    )


def _tag(kind: str, deviation_tag: str, exceptions: list[ExceptionRequest]) -> str:
    if kind != Review.Kind.STANDARDIZATION:
        return ""
    tag = slugify(deviation_tag or "")[:50]
    if tag:
        return tag
    common = Counter(exception.deviation_tag for exception in exceptions if exception.deviation_tag)
    return common.most_common(1)[0][0] if common else "variation"


def _headline(kind: str, process: Process, tag: str, count: int) -> str:
    if kind == Review.Kind.STANDARDIZATION:
        return f"Standardize “{tag}” in {process.name}"
    return f"Sunset {count} exception{'s' if count != 1 else ''} to {process.name}"


def propose(
    *, actor, kind: str, process: Process, exceptions: list[int], reason: str, deviation_tag: str = ""
) -> Review:
    """Open a sunset or standardization review of these exceptions of `process`, proposed by `actor`."""
    access.require(actor, "propose", Review)
    ids = _validate(kind, exceptions, reason)
    with transaction.atomic():
        found = list(
            proposable_exceptions(actor)
            .filter(pk__in=ids)
            .select_related("customer__region", "customer__account_manager", "process__owner")
            .select_for_update(of=("self",))
            .order_by("pk")
        )
        missing = sorted(set(ids) - {exception.pk for exception in found})
        if missing:
            raise errors.NotFound(
                "No exception request matches "
                + ", ".join(str(pk) for pk in missing)
                + " among those of your regions."
            )
        elsewhere = [exception.pk for exception in found if exception.process_id != process.pk]
        ended = [exception.pk for exception in found if exception.status != ACTIVE]
        if elsewhere or ended:
            lines = []
            if elsewhere:
                lines.append(f"Not exceptions to {process.name}: {', '.join(map(str, elsewhere))}.")
            if ended:
                lines.append(f"No longer active: {', '.join(map(str, ended))}.")
            raise errors.ValidationFailed({"exceptions": lines})
        already = _open_one_covering(kind, ids)
        if already is not None:
            overlap = sorted(set(already.covered.values_list("pk", flat=True)) & set(ids))
            raise errors.Conflict(
                f"Review {already.pk} (“{already.headline}”, {already.board.name}) is already open and covers "
                f"{', '.join(map(str, overlap))}: add your reasons there ({already.get_absolute_url()}).",
                problem="open_review",
                review=already.pk,
            )
        board = _board(process, found)
        tag = _tag(kind, deviation_tag, found)
        reason = reason.strip()
        review = Review.objects.create(
            kind=kind,
            process=process,
            board=board,
            deviation_tag=tag,
            subject_key=f"hand:{kind}:process:{process.pk}"[:120],
            title=_headline(kind, process, tag, len(found))[:200],
            summary=f"Proposed by {actor.display_name}: {reason}",
            due_on=timezone.localdate() + datetime.timedelta(days=board.review_days),
            opened_at=timezone.now(),
            rules=board_rules(board),
        )
        review.covered.set(found)
        review.impact = {**assess_impact(review), **covered_figures(found)}
        review.save(update_fields=["impact"])
        audit.record(
            actor=actor,
            verb="review.proposed",
            obj=review,
            after={
                "kind": kind,
                "process": process.pk,
                "board": board.name,
                "due_on": review.due_on,
                "covered": ids,
            },
            comment=reason,
        )
        proposals.tell_opened([(review, board, process.owner)])
        tell_chair_if_quorum_impossible(review)
    return review
