"""`governance.conditions_due` (issue 17, item 2): the conditions of approvals, followed up.

- an open condition due within REMIND_DAYS is reminded to its owner once (`reminded_on`, set only where it is
  still empty: a second run, even at once, finds nothing to remind); each owner hears once per run, naming
  every condition of theirs;
- an open condition past its due date is escalated once (the escalations' one-open-per-subject constraint):
  level 1 its owner, then the board chairs of the region, the region's operations leads, the administrators,
  a day apart; the escalations check climbs it a level at a time. Marking it met resolves the escalation.
Both act in locked batches (SKIP LOCKED), set-based: one UPDATE, one insert of notices, one of escalations.
"""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef
from django.utils import timezone

from governance.models_decisions import Condition
from governance.services.conditions import REASON
from intimacy_ops import checks
from intimacy_ops.accounts.roles import Role
from intimacy_ops.escalations import about
from intimacy_ops.escalations import services as escalations
from intimacy_ops.escalations.models import Escalation
from intimacy_ops.notifications import notify_many

REMIND_DAYS = 3
BATCH_SIZE = 200
DAY = 24 * 60
CONDITION_LADDER = [
    {"role": Role.BOARD_CHAIR.value, "after_minutes": 0},  # level 1 names the condition's owner
    {"role": Role.BOARD_CHAIR.value, "after_minutes": DAY},
    {"role": Role.OPERATIONS_LEAD.value, "after_minutes": 2 * DAY},
    {"role": Role.ADMINISTRATOR.value, "after_minutes": 3 * DAY},
]


about.register_customer_subject(Condition, "review__exception__customer")  # the customer page's history


def _open():
    return Condition.objects.filter(met_at__isnull=True, review__status="decided")


def _remind(today: datetime.date) -> int:
    line = _open().filter(reminded_on__isnull=True, due_on__lte=today + datetime.timedelta(days=REMIND_DAYS))
    rows = list(line.order_by("owner_id", "pk").values_list("pk", "owner_id"))

    def remind(batch: list[Condition]) -> int:
        Condition.objects.filter(pk__in=[c.pk for c in batch]).update(reminded_on=today)
        by_owner: dict[int, list[Condition]] = {}
        for condition in batch:
            by_owner.setdefault(condition.owner_id, []).append(condition)
        messages = []
        for theirs in by_owner.values():
            owner = theirs[0].owner
            lines = "\n".join(
                f"- {c.description[:160]} (due {c.due_on:%d %B %Y}; {c.review.headline})" for c in theirs
            )
            messages.append(
                (
                    owner,
                    f"{len(theirs)} condition{'s' if len(theirs) != 1 else ''} of a board's approval due soon",
                    f"Mark each met on its review once done:\n{lines}",
                    theirs[0].review.get_absolute_url()
                    if len(theirs) == 1
                    else "/governance/?status=decided",
                )
            )
        notify_many(messages)
        return len(batch)

    queryset = line.select_related("owner", "review__exception")
    done = checks.in_locked_batches(
        queryset, [pk for pk, _ in rows], remind, size=BATCH_SIZE, keys=[owner for _, owner in rows]
    )
    return sum(done)


def _region(condition: Condition):
    review = condition.review
    if review.exception_id is not None:
        return review.exception.customer.region
    covered = list(review.covered.all()[:1])
    if covered:
        return covered[0].customer.region
    regions = list(review.board.regions.all())
    return regions[0] if len(regions) == 1 else None


def _escalate(today: datetime.date) -> int:
    already = Escalation.objects.filter(
        content_type=ContentType.objects.get_for_model(Condition),
        object_id=OuterRef("pk"),
        reason=REASON,
        resolved_at__isnull=True,
    )
    line = _open().filter(due_on__lt=today)
    ids = list(line.filter(~Exists(already)).order_by("pk").values_list("pk", flat=True))

    def escalate(batch: list[Condition]) -> int:
        return escalations.raise_escalations(
            [
                dict(
                    subject=condition,
                    reason=REASON,
                    detail=(
                        f"A condition of {condition.review.board.name}'s approval of “{condition.review.headline}” "
                        f"was due {condition.due_on:%Y-%m-%d} and is still open: {condition.description}"
                    ),
                    subject_label=f"Condition of review {condition.review_id}: {condition.description}"[:200],
                    subject_link=condition.review.get_absolute_url(),
                    region=_region(condition),
                    ladder=CONDITION_LADDER,
                    target_user=condition.owner,
                )
                for condition in batch
            ]
        )

    queryset = line.select_related("owner", "review__board", "review__exception__customer__region")
    return sum(checks.in_locked_batches(queryset, ids, escalate, size=BATCH_SIZE))


def follow_up_conditions(*, today: datetime.date) -> checks.CheckResult:
    reminded, raised = _remind(today), _escalate(today)
    return checks.CheckResult(
        summary=(
            f"{checks.plural(reminded, 'condition')} reminded, {checks.plural(raised, 'overdue condition')} escalated"
        ),
        counts={"reminded": reminded, "escalations_raised": raised},
    )


@checks.register(
    name="governance.conditions_due",
    every_seconds=3600,
    description=(
        "Conditions of approvals: their owners are reminded before the due date; an overdue one is escalated "
        "to its owner, then the board's chair, the region's operations leads and the administrators."
    ),
)
def conditions_due() -> checks.CheckResult:
    return follow_up_conditions(today=timezone.localdate())
