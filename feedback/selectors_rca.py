"""Reads of root-cause analyses for the API and the pages alike: scoped by `access`, joins up front, a
constant number of queries whatever the number of rows."""

import datetime

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from feedback.models import CorrectiveAction, FeedbackItem, LoopClosure, RootCauseAnalysis, WhyStep
from intimacy_ops import access

RCA = RootCauseAnalysis.Status
COLUMN_LIMIT = 30
BOARD_COLUMNS = [RCA.OPEN, RCA.ANALYSING, RCA.ACTIONS_PLANNED, RCA.VERIFYING, RCA.CLOSED, RCA.CANCELLED]


def rcas_for(user):
    """Every RCA the user sees, with its process, owner, whys and actions (two prefetch queries)."""
    return (
        access.visible(user, RootCauseAnalysis)
        .select_related("process", "owner")
        .prefetch_related(
            Prefetch("whys", queryset=WhyStep.objects.order_by("position")),
            Prefetch(
                "actions", queryset=CorrectiveAction.objects.select_related("owner").order_by("due_on", "pk")
            ),
        )
    )


def rca_for_page(user, pk: int) -> RootCauseAnalysis:
    """One RCA with everything its page shows; 404 outside the user's scope."""
    return access.get_visible(
        user,
        rcas_for(user).prefetch_related(
            "regions",
            Prefetch("loop_closures", queryset=LoopClosure.objects.select_related("customer", "recorded_by")),
            Prefetch(
                "triggering_items",
                queryset=FeedbackItem.objects.select_related("customer", "process").order_by(
                    "-received_on", "-pk"
                ),
            ),
        ),
        pk=pk,
    )


def board(rcas) -> dict:
    """The RCA board of `rcas` (already scoped and filtered): each status's newest COLUMN_LIMIT and its count."""
    counts = dict(rcas.order_by().values("status").annotate(n=Count("pk")).values_list("status", "n"))
    today = timezone.localdate()
    open_q = Q(actions__status__in=CorrectiveAction.OPEN_STATUSES)
    cards = (
        rcas.select_related("process", "owner")
        .annotate(
            open_actions=Count("actions", filter=open_q, distinct=True),
            overdue_actions=Count("actions", filter=open_q & Q(actions__due_on__lt=today), distinct=True),
            whys_count=Count("whys", distinct=True),
        )
        .order_by("-created_at", "-pk")
    )
    # One query per column (six, whatever the number of RCAs), each showing its newest COLUMN_LIMIT.
    by_status = {status: list(cards.filter(status=status)[:COLUMN_LIMIT]) for status in BOARD_COLUMNS}
    return {
        "columns": [
            {
                "status": status,
                "label": RCA(status).label,
                "count": counts.get(status, 0),
                "rcas": by_status[status],
            }
            for status in BOARD_COLUMNS
        ],
        "total": sum(counts.values()),
    }


def due_for_owner(user, *, limit: int = 5) -> dict:
    """The process owner's home card: their active RCAs and the open corrective actions due within 14 days
    (overdue first) on RCAs they run or actions they own."""
    today = timezone.localdate()
    active = [RCA.OPEN, RCA.ANALYSING, RCA.ACTIONS_PLANNED, RCA.VERIFYING]
    mine = access.visible(user, RootCauseAnalysis).filter(
        Q(owner=user) | Q(process__owner=user), status__in=active
    )
    actions = (
        access.visible(user, CorrectiveAction)
        .filter(Q(owner=user) | Q(rca__owner=user) | Q(rca__process__owner=user))
        .filter(status__in=CorrectiveAction.OPEN_STATUSES, due_on__lte=today + datetime.timedelta(days=14))
        .select_related("rca__process", "owner")
        .order_by("due_on", "pk")
    )
    return {
        "rcas": list(mine.select_related("process").order_by("created_at", "pk")[:limit]),
        "rcas_count": mine.count(),
        "actions": list(actions[:limit]),
        "actions_count": actions.count(),
        "overdue_count": actions.filter(due_on__lt=today).count(),
        "today": today,
    }
