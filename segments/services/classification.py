"""Classification of customers into tiers, the what-if preview, and applying a previewed change.

A customer belongs to the first segment, in rank order, whose four minimum thresholds all hold;
one that meets none gets the lowest-ranked segment; a locked customer stays where a person put
them. Reclassifying everyone is one set-based pass in SQL, not a loop of saves.
"""

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import connection, transaction
from django.db.models import Case, Count, F, IntegerField, Q, Sum, Value, When
from django.utils import timezone

from intimacy_ops import access, audit, errors
from segments.models import Customer, Segment, SegmentChange, ServiceCase
from segments.services import sla, tier_changes

SAMPLE_SIZE = 20


@dataclass(frozen=True)
class Thresholds:
    segment_id: int
    rank: int
    min_annual_revenue: Decimal
    min_strategic_value: int
    min_lifetime_value: Decimal
    min_support_complexity: int
    capacity: int

    def condition(self) -> Q:
        return Q(
            annual_revenue__gte=self.min_annual_revenue,
            strategic_value__gte=self.min_strategic_value,
            lifetime_value__gte=self.min_lifetime_value,
            support_complexity__gte=self.min_support_complexity,
        )

    def as_dict(self) -> dict:
        return {
            "min_annual_revenue": str(self.min_annual_revenue),
            "min_strategic_value": self.min_strategic_value,
            "min_lifetime_value": str(self.min_lifetime_value),
            "min_support_complexity": self.min_support_complexity,
            "capacity": self.capacity,
        }


def current_thresholds() -> list[Thresholds]:
    return [
        Thresholds(
            segment_id=s.id,
            rank=s.rank,
            min_annual_revenue=s.min_annual_revenue,
            min_strategic_value=s.min_strategic_value,
            min_lifetime_value=s.min_lifetime_value,
            min_support_complexity=s.min_support_complexity,
            capacity=s.capacity,
        )
        for s in Segment.objects.order_by("rank")
    ]


def target_segment(thresholds: list[Thresholds]) -> Case:
    """The SQL expression for the segment each customer belongs to under `thresholds` (ordered by rank)."""
    if not thresholds:
        raise errors.ValidationFailed(
            {"segments": ["Define at least one segment before classifying customers."]}
        )
    ordered = sorted(thresholds, key=lambda t: t.rank)
    return Case(
        *[When(t.condition(), then=Value(t.segment_id)) for t in ordered[:-1]],
        When(ordered[-1].condition(), then=Value(ordered[-1].segment_id)),
        default=Value(ordered[-1].segment_id),
        output_field=IntegerField(),
    )


def _moves(thresholds: list[Thresholds]):
    """Unlocked customers whose segment would change, annotated with `target`."""
    return (
        Customer.objects.filter(segment_locked=False)
        .annotate(target=target_segment(thresholds))
        .filter(Q(segment__isnull=True) | ~Q(segment_id=F("target")))
    )


def import_reason(run) -> str:
    """The reason an import's segment moves are recorded with."""
    return f"import #{run.pk} ({run.filename})"


def lock_classification() -> None:
    """One classification at a time (PostgreSQL, until the transaction ends), so two cannot record the same
    move twice."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [0x5E6])


@transaction.atomic
def reclassify(
    *, actor=None, reason: str = "reclassification by rule", thresholds: list[Thresholds] | None = None
) -> int:
    """Put every unlocked customer in the segment the thresholds give; record each move. Returns the count moved."""
    thresholds = thresholds or current_thresholds()
    lock_classification()
    moves = _moves(thresholds)
    now = timezone.now()
    # Record the moves straight from SQL (INSERT … SELECT), then move the customers in one UPDATE.
    select_sql, params = moves.values("id", "segment_id", "target").query.sql_with_params()
    table = SegmentChange._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (customer_id, from_segment_id, to_segment_id, cause, changed_by_id, reason, at) "  # noqa: S608
            f"SELECT m.id, m.segment_id, m.target, %s, %s, %s, %s FROM ({select_sql}) AS m",
            # The time as the ORM would store it, so later filters on `at` match on every database.
            [
                SegmentChange.Cause.RULE,
                getattr(actor, "pk", None),
                reason,
                connection.ops.adapt_datetimefield_value(now),
                *params,
            ],
        )
        moved = cursor.rowcount
    if moved:
        # `exclude` keeps customers with no segment yet (NULL never equals the target).
        Customer.objects.filter(segment_locked=False).exclude(segment_id=target_segment(thresholds)).update(
            segment_id=target_segment(thresholds), updated_at=now
        )
        # Open cases of the customers who moved follow their new tier's SLA policy.
        moved_now = SegmentChange.objects.filter(at=now, cause=SegmentChange.Cause.RULE).values("customer_id")
        sla.reclock_open_cases(ServiceCase.objects.filter(customer_id__in=moved_now))
    return moved


@transaction.atomic
def classify_one(*, customer: Customer) -> Customer:
    """Classify one customer after their figures changed (a no-op for a locked customer)."""
    if customer.segment_locked:
        return customer
    thresholds = current_thresholds()
    if not thresholds:
        return customer
    target = (
        Customer.objects.filter(pk=customer.pk)
        .annotate(target=target_segment(thresholds))
        .values_list("target", flat=True)
        .get()
    )
    if target != customer.segment_id:
        SegmentChange.objects.create(
            customer=customer,
            from_segment_id=customer.segment_id,
            to_segment_id=target,
            cause=SegmentChange.Cause.RULE,
            reason="figures changed",
            at=timezone.now(),
        )
        Customer.objects.filter(pk=customer.pk).update(segment_id=target)
        customer.segment_id = target
        sla.reclock_open_cases(ServiceCase.objects.filter(customer=customer))
    return customer


# --- what-if preview --------------------------------------------------------------------------

PROPOSABLE = (
    "min_annual_revenue",
    "min_strategic_value",
    "min_lifetime_value",
    "min_support_complexity",
    "capacity",
)


def parse_proposal(proposal: list[dict]) -> list[Thresholds]:
    """Current thresholds with the proposed fields applied; bad input names the segment and field."""
    current = {t.segment_id: t for t in current_thresholds()}
    if not isinstance(proposal, list) or not proposal:
        raise errors.ValidationFailed(
            {"segments": ["Give a list of segments, each with its id and the fields to change."]}
        )
    problems: dict[str, list[str]] = {}
    changed = dict(current)
    for index, item in enumerate(proposal):
        key = f"segments[{index}]"
        if not isinstance(item, dict) or "id" not in item:
            problems[key] = ["Each entry needs the segment's id."]
            continue
        unknown = sorted(set(item) - {"id", *PROPOSABLE})
        if unknown:
            problems[key] = [f"Unknown field(s): {', '.join(unknown)}. Proposable: {', '.join(PROPOSABLE)}."]
            continue
        base = current.get(item["id"]) if isinstance(item["id"], int) else None
        if base is None:
            problems[key] = [f"No segment with id {item['id']!r}."]
            continue
        values = {}
        for name in PROPOSABLE:
            if name not in item:
                continue
            raw = item[name]
            try:
                if name in ("min_annual_revenue", "min_lifetime_value"):
                    if isinstance(raw, bool):
                        raise InvalidOperation
                    value = Decimal(str(raw))
                    if not value.is_finite() or value < 0 or value >= Decimal("1e12"):
                        raise InvalidOperation
                    # To the cent, as stored: "5000000" and "5000000.00" are the same threshold.
                    value = value.quantize(Decimal("0.01"))
                else:
                    if isinstance(raw, bool) or not isinstance(raw, int):
                        raise InvalidOperation
                    value = raw
                    if name != "capacity" and not 1 <= value <= 5:
                        raise InvalidOperation
                    if name == "capacity" and value < 0:
                        raise InvalidOperation
            except (InvalidOperation, ValueError, TypeError):
                expected = (
                    "a whole number from 1 to 5"
                    if name.startswith(("min_strategic", "min_support"))
                    else ("a whole number ≥ 0" if name == "capacity" else "an amount ≥ 0")
                )
                problems.setdefault(key, []).append(f"{name}: {raw!r} is not {expected}.")
                continue
            values[name] = value
        changed[base.segment_id] = Thresholds(**{**base.__dict__, **values})
    if problems:
        raise errors.ValidationFailed(problems)
    return sorted(changed.values(), key=lambda t: t.rank)


@dataclass
class Preview:
    movements: list[dict]
    segments: list[dict]
    sample: list[Customer]
    thresholds: list[Thresholds]
    fingerprint: str = field(default="")


def preview(*, user, proposal: list[dict]) -> Preview:
    """What the proposed thresholds would do, changing nothing: moves, counts against capacity, a sample."""
    thresholds = parse_proposal(proposal)
    names = dict(Segment.objects.values_list("id", "name"))
    moves = _moves(thresholds)
    rows = list(
        moves.values("segment_id", "target")
        .annotate(count=Count("id"), ids=Sum("id"))
        .order_by("segment_id", "target")
    )
    matrix = [
        {
            "from": row["segment_id"],
            "from_name": names.get(row["segment_id"], "unclassified"),
            "to": row["target"],
            "to_name": names[row["target"]],
            "count": row["count"],
        }
        for row in rows
    ]
    resulting = dict(
        Customer.objects.annotate(
            result=Case(
                When(segment_locked=True, then=F("segment_id")),
                default=target_segment(thresholds),
                output_field=IntegerField(),
            )
        )
        .values("result")
        .annotate(count=Count("id"))
        .values_list("result", "count")
    )
    segments = [
        {
            "id": t.segment_id,
            "name": names[t.segment_id],
            "rank": t.rank,
            "count": resulting.get(t.segment_id, 0),
            "capacity": t.capacity,
            "over_capacity": resulting.get(t.segment_id, 0) > t.capacity,
            **{name: value for name, value in t.as_dict().items() if name != "capacity"},
        }
        for t in thresholds
    ]
    sample = list(
        access.visible(user, moves)
        .select_related("segment", "region", "account_manager")
        .order_by("name", "id")[:SAMPLE_SIZE]
    )
    result = Preview(movements=matrix, segments=segments, sample=sample, thresholds=thresholds)
    result.fingerprint = _fingerprint(thresholds, rows, segments)
    return result


def _fingerprint(thresholds: list[Thresholds], rows: list[dict], segments: list[dict]) -> str:
    """Identifies a preview: the thresholds before and after, who moves where, and the resulting counts.

    The sum of the moving customers' ids tells a swap (one customer stops moving, another starts)
    from no change, which the counts alone would not.
    """
    payload = {
        "before": [t.as_dict() | {"id": t.segment_id} for t in current_thresholds()],
        "after": [t.as_dict() | {"id": t.segment_id} for t in thresholds],
        "moves": [(row["segment_id"], row["target"], row["count"], int(row["ids"])) for row in rows],
        "counts": [(row["id"], row["count"]) for row in segments],
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def apply_preview(*, user, proposal: list[dict], fingerprint: str, reason: str = "") -> dict:
    """Apply exactly the previewed change, or refuse (409) if the data moved since the preview."""
    access.require(user, "change_thresholds", Segment)
    with transaction.atomic():
        list(Segment.objects.select_for_update().order_by("id"))
        fresh = preview(user=user, proposal=proposal)
        if fresh.fingerprint != fingerprint:
            raise errors.Conflict(
                "The customers or thresholds changed since this preview was made: preview again and review the new figures before applying."
            )
        regions = tier_changes.require_regions(user, _moves(fresh.thresholds))  # 403 naming others' regions
        before = {t.segment_id: t.as_dict() for t in current_thresholds()}
        batch = uuid.uuid4().hex[:12]
        for t in fresh.thresholds:
            if t.as_dict() != before[t.segment_id]:
                Segment.objects.filter(pk=t.segment_id).update(
                    **{name: getattr(t, name) for name in PROPOSABLE}
                )
                audit.record(
                    actor=user,
                    verb="segment.thresholds_changed",
                    object_type="segments.segment",
                    object_id=t.segment_id,
                    before=before[t.segment_id],
                    after=t.as_dict(),
                    comment=reason or f"applied preview {batch}",
                )
        moved = reclassify(
            actor=user, reason=f"threshold change {batch}: {reason}".strip(": "), thresholds=fresh.thresholds
        )
        audit.record(
            actor=user,
            verb="segment.reclassified",
            object_type="segments.segment",
            object_id="*",
            after={
                "moved": moved,
                "movements": [{k: row[k] for k in ("from", "to", "count")} for row in fresh.movements],
                "batch": batch,
            },
            comment=reason,
        )
        after = {t.segment_id: t.as_dict() for t in fresh.thresholds}
        tier_changes.record(
            user=user, batch=batch, before=before, after=after, moved=moved, regions=regions, reason=reason
        )
    return {"moved": moved, "movements": fresh.movements, "batch": batch}
