"""Tier changes respect regions (issue 17, item 7). Segments are shared across regions, so a threshold change
that moves customers of a region the user does not lead is refused (403 naming those regions) unless the
user is an administrator or leads every region affected: that person confirms it by applying. The account
managers of moved customers hear once each (one grouped notice naming their customers). Each applied change
is kept (`ThresholdChange`); its history entry offers the revert: a new change restoring the previous
thresholds, through the same preview and apply."""

from collections import defaultdict

from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils import timezone

from intimacy_ops import access, errors
from intimacy_ops.accounts.models import Region
from intimacy_ops.notifications import notify_many
from segments.models import SegmentChange, ThresholdChange

LISTED = 20


def regions_moving(moves: QuerySet) -> dict[str, int]:
    """Region code → customers that would move (one aggregate query)."""
    rows = (
        moves.order_by()
        .values("region__code")
        .annotate(count=Count("id"))
        .values_list("region__code", "count")
    )
    return {code or "—": count for code, count in sorted(rows, key=lambda row: row[0] or "")}


def require_regions(user, moves: QuerySet) -> list[str]:
    """403 naming the regions whose customers would move and which this user may not move; else the codes."""
    codes = regions_moving(moves)
    regions = Region.objects.filter(code__in=codes)
    refused = sorted(
        region.code for region in regions if not access.allowed(user, "move_customers_of", region)
    )
    if refused:
        raise errors.PermissionDenied(
            f"This change moves customers of {', '.join(refused)}, which you do not lead. An administrator or an "
            f"operations lead of every region affected ({', '.join(codes)}) applies it.",
            regions=refused,
        ).about("move_customers_of", Region)
    return list(codes)


def record(*, user, batch: str, before: dict, after: dict, moved: int, regions: list[str], reason: str):
    """Keep the change for its history entry, and tell the moved customers' account managers (grouped)."""
    change = ThresholdChange.objects.create(
        batch=batch,
        applied_by=user,
        applied_at=timezone.now(),
        reason=reason,
        before={str(pk): values for pk, values in before.items()},
        after={str(pk): values for pk, values in after.items()},
        moved=moved,
        regions=regions,
    )
    _tell_account_managers(change)
    return change


def _tell_account_managers(change: ThresholdChange) -> None:
    rows = (
        SegmentChange.objects.filter(reason__startswith=f"threshold change {change.batch}")
        .exclude(customer__account_manager=None)
        .select_related("customer__account_manager", "from_segment", "to_segment")
        .order_by("customer__account_manager_id", "customer__name")
    )
    theirs: dict[int, tuple] = {}
    lines = defaultdict(list)
    for row in rows:
        manager = row.customer.account_manager
        theirs[manager.pk] = manager
        before = row.from_segment.name if row.from_segment_id else "unclassified"
        lines[manager.pk].append(f"- {row.customer.name}: {before} → {row.to_segment.name}")
    messages = []
    for pk, manager in theirs.items():
        mine = lines[pk]
        body = "\n".join(mine[:LISTED]) + (f"\n- and {len(mine) - LISTED} more" if len(mine) > LISTED else "")
        messages.append(
            (
                manager,
                f"{len(mine)} of your customer{'s' if len(mine) != 1 else ''} changed tier"[:200],
                f"{change.applied_by.display_name} changed the tier thresholds"
                + (f" ({change.reason})" if change.reason else "")
                + f". Their SLA targets follow the new tier.\n\n{body}",
                reverse("segments:customer-list"),
            )
        )
    notify_many(messages)


def history(limit: int = 10) -> list[ThresholdChange]:
    return list(ThresholdChange.objects.select_related("applied_by")[:limit])


def revert_proposal(change: ThresholdChange, segment_ids: set[int]) -> list[dict]:
    """The proposal restoring the thresholds before `change`, for the segments that still exist."""
    return [{"id": int(pk), **values} for pk, values in change.before.items() if int(pk) in segment_ids]
