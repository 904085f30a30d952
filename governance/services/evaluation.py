"""Evaluating threshold policies ("standardize or sunset", issue 7 item 6): the lines crossed open reviews.

A policy draws lines over the *active* exceptions in its scope (one process; the customers of one segment,
an exception budget for a tier; or everything, counted per process). Where a line is crossed,
`evaluate_threshold_policies()` opens exactly one review on the board covering it, however often it runs
and even when two runs overlap: the partial unique constraint `one_open_review_per_policy_subject` decides
(the insert runs in a savepoint; the loser counts the review as already open).

In bulk (issue 14, item 3): the crossings of every policy are placed on their boards with one query, sorted
by board, and opened per batch in one transaction (a board's crossings share a batch): the reviews one by one
(each its own covered set and impact assessment), then one audit insert and one insert of notices, each
person once, naming every review opened for them (`proposals.tell_opened`). Both runs at once insert in the
same order; a failure mid-batch undoes the batch and the next run opens it.

Where each line is crossed (the figures are of active exceptions in scope):
- max_active_exceptions N: more than N on one process → a sunset proposal covering all of them;
- max_monthly_cost X: their estimated monthly cost adds up to more than X → the same;
- max_age_days N: one of them started more than N days ago → a sunset proposal covering the old ones;
- min_similar_customers N: N or more distinct customers hold one process with one (non-empty) deviation
  tag → a standardization proposal covering those exceptions;
- sunset_lead_days N: an exception (not permanent, no sunset date yet) expires within N days → a sunset
  review of that one exception.

Subjects: `process:3`, `segment:2:process:3`, `process:3:tag:saturday-delivery` (segment-prefixed in a
segment's scope) and `exception:12`. A decided or withdrawn review frees its subject (the constraint holds
only on open reviews): crossing again later opens a new one. "Later" means on new facts: a subject the board
decided stays quiet while the exceptions crossing are ones that review covered (and, for one exception, its
expiry date is the same), so a rejected proposal is not reopened every hour.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from exceptions.models import ExceptionRequest, Process
from governance.models import Board, Review, ThresholdPolicy
from governance.selectors.boards import board_for, board_rules
from governance.services import proposals
from governance.services.crossings import Crossing, crossings_of, decided_unchanged, money
from governance.services.impact import assess_impact
from governance.services.voting import tell_chair_if_quorum_impossible
from intimacy_ops import audit, checks

ACTIVE = ExceptionRequest.Status.ACTIVE
RISK_ORDER = ["low", "medium", "high", "critical"]


# --- evaluating policies --------------------------------------------------------------------------------


@dataclass
class EvaluationSummary:
    policies: int = 0
    opened: list[Review] = field(default_factory=list)
    already_open: int = 0
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "policies_evaluated": self.policies,
            "reviews_opened": len(self.opened),
            "already_open": self.already_open,
            "unchanged_since_decided": self.unchanged,
            "skipped": self.skipped,
            "opened": [
                {"id": review.pk, "kind": review.kind, "title": review.title, "board": review.board.name}
                for review in self.opened
            ],
        }

    def __str__(self) -> str:
        line = (
            f"{self.policies} {'policy' if self.policies == 1 else 'policies'}: "
            f"{len(self.opened)} review{'' if len(self.opened) == 1 else 's'} opened, "
            f"{self.already_open} already open"
        )
        if self.unchanged:
            line += f", {self.unchanged} unchanged since the board decided"
        if self.skipped:
            line += f", {len(self.skipped)} skipped ({'; '.join(self.skipped)})"
        return line


def _impact(exceptions: list[ExceptionRequest]) -> dict:
    """The impact assessment, prefilled from data; the process owner edits it on the review."""
    customers = sorted({exception.customer.name for exception in exceptions})
    risks = [exception.risk_rating for exception in exceptions]
    return {
        "similar_active_exceptions": len(exceptions),
        "customers": len(customers),
        "customer_names": customers[:20],
        "monthly_cost": str(
            sum((exception.estimated_monthly_cost for exception in exceptions), Decimal("0"))
        ),
        # The review page's "this request" figure is, for a proposal, what it covers.
        "monthly_cost_request": str(
            sum((exception.estimated_monthly_cost for exception in exceptions), Decimal("0"))
        ),
        "one_off_cost": str(
            sum((exception.estimated_one_off_cost for exception in exceptions), Decimal("0"))
        ),
        "revenue_at_risk": str(sum((exception.revenue_at_risk for exception in exceptions), Decimal("0"))),
        "risk": max(risks, key=RISK_ORDER.index) if risks else "",
        "capacity_effect": "",
        "prefilled": True,
    }


def _headline(crossing: Crossing, process: Process, exceptions: list[ExceptionRequest]) -> str:
    if crossing.kind == Review.Kind.STANDARDIZATION:
        return f"Standardize “{crossing.deviation_tag}” in {process.name}"
    if crossing.exception_id is not None:
        only = exceptions[0] if exceptions else None
        return (
            f"Sunset review: “{only.title}”"
            if only
            else f"Sunset review of exception {crossing.exception_id}"
        )
    segment = f" ({crossing.policy.segment.name})" if crossing.policy.segment_id else ""
    return f"Sunset exceptions to {process.name}{segment}"


@dataclass
class _Placed:
    """A crossing and the board that reviews it (chosen before the batches, so a board's share one batch)."""

    crossing: Crossing
    process: Process
    board: Board
    board_region: str
    regions: list[str]  # the covered customers' region codes, the most common first


def _place(pending: list[Crossing], summary: EvaluationSummary) -> list[_Placed]:
    """The board covering each crossing: one query for every covered exception's region, boards looked up
    once per (category, region). A crossing no board covers is skipped, saying why."""
    wanted = {pk for crossing in pending for pk in crossing.exception_ids}
    where = {
        pk: (region_id, code)
        for pk, region_id, code in ExceptionRequest.objects.filter(pk__in=wanted, status=ACTIVE).values_list(
            "pk", "customer__region_id", "customer__region__code"
        )
    }
    processes = Process.objects.select_related("owner").in_bulk({crossing.process_id for crossing in pending})
    boards: dict[tuple[str, int], Board | None] = {}
    placed = []
    for crossing in pending:
        present = [where[pk] for pk in crossing.exception_ids if pk in where]
        if not present:
            continue  # they moved on between the aggregate and now
        process = processes[crossing.process_id]
        regions: dict[str, tuple[int, int]] = {}
        for region_id, code in present:
            count, _ = regions.get(code, (0, region_id))
            regions[code] = (count + 1, region_id)
        # The region most of the covered customers are in comes first; then by code.
        ordered = sorted(regions.items(), key=lambda item: (-item[1][0], item[0]))
        board, board_region = None, ""
        for code, (_, region_id) in ordered:
            key = (process.category, region_id)
            if key not in boards:
                boards[key] = board_for(category=process.category, region_id=region_id)
            if boards[key] is not None:
                board, board_region = boards[key], code
                break
        codes = [code for code, _ in ordered]
        if board is None:
            summary.skipped.append(
                f"{crossing.policy.name} on {crossing.subject_key}: no board covers "
                f"{process.get_category_display().lower()} in {', '.join(codes)}"
            )
            continue
        placed.append(_Placed(crossing, process, board, board_region, codes))
    # By board (its people hear once per run), then a fixed order: two runs at once insert in the same order.
    placed.sort(key=lambda p: (p.board.pk, p.crossing.policy.pk, p.crossing.subject_key))
    return placed


def _summary_text(p: _Placed, exceptions: list[ExceptionRequest]) -> str:
    crossing = p.crossing
    text = (
        f"The threshold policy “{crossing.policy.name}” was crossed: "
        + "; ".join(crossing.lines)
        + f". The proposal covers {len(exceptions)} active exception{'s' if len(exceptions) != 1 else ''} "
        f"of {len({exception.customer_id for exception in exceptions})} customer(s), estimated "
        f"{money(sum(exception.estimated_monthly_cost for exception in exceptions))} a month."
    )
    if len(p.regions) > 1:
        text += f" The customers span {', '.join(p.regions)}; the board covering {p.board_region} reviews it."
    return text


def _insert(p: _Placed, exceptions: list[ExceptionRequest], today: datetime.date) -> Review | None:
    """The crossing's review, in a savepoint: None if the partial unique constraint says one is open."""
    crossing = p.crossing
    try:
        with transaction.atomic():
            review = Review.objects.create(
                kind=crossing.kind,
                exception_id=crossing.exception_id,
                process=p.process,
                deviation_tag=crossing.deviation_tag,
                policy=crossing.policy,
                subject_key=crossing.subject_key,
                board=p.board,
                title=_headline(crossing, p.process, exceptions)[:200],
                summary=_summary_text(p, exceptions),
                impact={},
                due_on=today + datetime.timedelta(days=p.board.review_days),
                opened_at=timezone.now(),
                rules=board_rules(p.board),
            )
            review.covered.set(exceptions)
            # One impact assessment for every kind of review (the review page shows it, the owner edits it),
            # with the covered exceptions' own figures on top.
            review.impact = {
                **assess_impact(review),
                **_impact(exceptions),
                **({"expires_on": crossing.expires_on.isoformat()} if crossing.expires_on else {}),
            }
            review.save(update_fields=["impact"])
    except IntegrityError:
        return None  # another run opened it first (or it was open already): the constraint decided
    return review


def _open_batch(batch: list[_Placed], today: datetime.date, summary: EvaluationSummary) -> None:
    """One transaction: each crossing's review (a savepoint each: the constraint decides a race), then one
    audit insert and one insert of notices, each person once (naming every review opened for them)."""
    wanted = {pk for p in batch for pk in p.crossing.exception_ids}
    exceptions = ExceptionRequest.objects.filter(pk__in=wanted, status=ACTIVE).select_related(
        "customer__region", "customer__account_manager", "process__owner"
    )
    by_pk = {exception.pk: exception for exception in exceptions}
    opened: list[tuple[Review, _Placed, list[ExceptionRequest]]] = []
    for p in batch:
        covered = [by_pk[pk] for pk in sorted(set(p.crossing.exception_ids)) if pk in by_pk]
        if not covered:
            continue
        review = _insert(p, covered, today)
        if review is None:
            summary.already_open += 1
        else:
            opened.append((review, p, covered))
    audit.record_many(
        [
            {
                "actor": None,
                "verb": "review.opened",
                "obj": review,
                "after": {
                    "kind": review.kind,
                    "policy": p.crossing.policy.name,
                    "subject": p.crossing.subject_key,
                    "board": p.board.name,
                    "due_on": review.due_on,
                    "covered": [exception.pk for exception in covered],
                },
                "comment": "; ".join(p.crossing.lines),
            }
            for review, p, covered in opened
        ]
    )
    proposals.tell_opened([(review, p.board, p.process.owner) for review, p, _ in opened])
    for review, _, _ in opened:
        tell_chair_if_quorum_impossible(review)  # a request to act on one review: stays individual
        summary.opened.append(review)


BATCH_SIZE = 200


def evaluate_threshold_policies(*, today: datetime.date | None = None) -> EvaluationSummary:
    """Open one review per crossed line and subject, on the board covering it. Idempotent, safe to run twice at
    once. Set-based per batch of crossings (a board's in one batch): see `_open_batch`."""
    today = today or timezone.localdate()
    summary = EvaluationSummary()
    policies = list(
        ThresholdPolicy.objects.filter(is_active=True).select_related("process", "segment").order_by("pk")
    )
    pending: list[Crossing] = []
    for policy in policies:
        summary.policies += 1
        crossings = crossings_of(policy, today)
        if not crossings:
            continue
        # Subjects already under review are counted without trying (the constraint still guards a race).
        open_now = set(
            Review.objects.filter(policy=policy, status=Review.Status.OPEN).values_list(
                "subject_key", flat=True
            )
        )
        quiet = decided_unchanged(policy, crossings)
        for crossing in crossings:
            if crossing.subject_key in open_now:
                summary.already_open += 1
            elif crossing.subject_key in quiet:
                summary.unchanged += 1
            else:
                pending.append(crossing)
    placed = _place(pending, summary)
    for batch in checks.batches(placed, BATCH_SIZE, [p.board.pk for p in placed]):
        with transaction.atomic():
            _open_batch(batch, today, summary)
    return summary
