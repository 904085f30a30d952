"""Overdue corrective actions climb the escalation ladder (issue 16, item 5).

An open corrective action (planned or in progress) of an active RCA past its due date is escalated once (the escalations'
one-open-per-subject-and-reason constraint): level 1 to the action's owner by name, after a day
unacknowledged to the operations leads of the region (the RCA's region when its customers are in one,
else the process owner's when they have one region, else every region's), after one more day to the
administrators. The kernel's climb moves it one level per run and tells each level once. Set-based: the
overdue actions found with one indexed query (`action_open_due`), handled in `SKIP LOCKED` batches by
`escalations.raise_escalations` (one insert of escalations, one audit batch, one insert of notices).
"""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef
from django.utils import timezone

from feedback.lifecycles import ACTIVE
from feedback.models import CorrectiveAction
from intimacy_ops import checks
from intimacy_ops.accounts.roles import Role
from intimacy_ops.escalations import reach
from intimacy_ops.escalations import services as escalations
from intimacy_ops.escalations.models import Escalation

REASON = "corrective_action_overdue"
LADDER = [
    {"role": Role.PROCESS_OWNER.value, "after_minutes": 0},
    {"role": Role.OPERATIONS_LEAD.value, "after_minutes": 24 * 60},
    {"role": Role.ADMINISTRATOR.value, "after_minutes": 48 * 60},
]
BATCH_SIZE = 200
# Its first rung names the action's owner; the others are roles, which may fall through (escalations/reach.py).
reach.register_ladders(
    "feedback.corrective_actions_overdue", lambda: [("Overdue corrective actions", LADDER[1:])]
)


def _region_id(action: CorrectiveAction):
    regions = [region.pk for region in action.rca.regions.all()]
    if len(regions) == 1:
        return regions[0]
    owner = action.rca.process.owner
    owner_regions = [region.pk for region in owner.regions.all()] if owner else []
    return owner_regions[0] if len(owner_regions) == 1 else None


def _overdue(action: CorrectiveAction, today: datetime.date) -> dict:
    days = (today - action.due_on).days
    return dict(
        subject=action,
        reason=REASON,
        detail=(
            f"RCA {action.rca_id} ({action.rca.process.name}): the corrective action “{action.description[:120]}” "
            f"owned by {action.owner.username} was due {action.due_on:%Y-%m-%d} ({checks.plural(days, 'day')} ago) "
            "and is still open."
        ),
        subject_label=f"Corrective action {action.pk}: {action.description}"[:200],
        subject_link=f"/feedback/rcas/{action.rca_id}/#action-{action.pk}",
        region_id=_region_id(action),
        ladder=LADDER,
        target_user=action.owner,
    )


def escalate_overdue_actions(*, today: datetime.date | None = None) -> checks.CheckResult:
    today = today or timezone.localdate()
    already = Escalation.objects.filter(
        content_type=ContentType.objects.get_for_model(CorrectiveAction),
        object_id=OuterRef("pk"),
        reason=REASON,
        resolved_at__isnull=True,
    )
    # An action of a cancelled analysis is nobody's to chase any more: only active RCAs' actions climb.
    still_open = CorrectiveAction.objects.filter(
        status__in=CorrectiveAction.OPEN_STATUSES, due_on__lt=today, rca__status__in=ACTIVE
    )
    ids = list(still_open.filter(~Exists(already)).order_by("pk").values_list("pk", flat=True))

    def escalate(actions: list[CorrectiveAction]) -> int:
        return escalations.raise_escalations([_overdue(action, today) for action in actions])

    rows = still_open.select_related("owner", "rca__process__owner").prefetch_related(
        "rca__regions", "rca__process__owner__regions"
    )
    raised = sum(checks.in_locked_batches(rows, ids, escalate, size=BATCH_SIZE))
    return checks.CheckResult(
        summary=f"{checks.plural(raised, 'overdue corrective action')} escalated",
        counts={"escalations_raised": raised},
    )
