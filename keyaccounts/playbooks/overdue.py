"""Overdue plays (issue 20, item 1): the account manager is reminded once, then the play is escalated once.

- a play still due after its due date reminds the customer's account manager (`reminded_on`, set only where
  it is empty: a second run, even at once, finds nothing to remind); each manager hears once per run, naming
  every play of theirs;
- `ESCALATE_AFTER_DAYS` past its due date, reminded (or nobody's to remind), it is escalated once
  (`escalated_on`, and the escalations' one-open-per-subject constraint): level 1 the account manager by
  name, then the region's operations leads after a day, the administrators after two. Marking it done,
  skipping it or a move resolves the escalation (keyaccounts/playbooks/lifecycle.py).
Both in locked batches (SKIP LOCKED), set-based: one UPDATE, one insert of notices, one of escalations.
"""

import datetime

from django.db.models import Q

from intimacy_ops import checks
from intimacy_ops.accounts.roles import Role
from intimacy_ops.escalations import about, reach
from intimacy_ops.escalations import services as escalations
from intimacy_ops.notifications import notify_many
from keyaccounts.models import PlayDue
from keyaccounts.playbooks.lifecycle import REASON

ESCALATE_AFTER_DAYS = 3
BATCH_SIZE = 500
DAY = 24 * 60
LADDER = [
    {"role": Role.OPERATIONS_LEAD.value, "after_minutes": 0},  # level 1 names the account manager
    {"role": Role.OPERATIONS_LEAD.value, "after_minutes": DAY},
    {"role": Role.ADMINISTRATOR.value, "after_minutes": 2 * DAY},
]

about.register_customer_subject(PlayDue, "customer")  # the customer page's history
reach.register_ladders("keyaccounts.plays_due", lambda: [("Overdue plays", LADDER[1:])])


def _late(today: datetime.date):
    return PlayDue.objects.filter(status=PlayDue.Status.DUE, due_on__lt=today)


def remind(today: datetime.date) -> int:
    line = _late(today).filter(reminded_on__isnull=True, customer__account_manager__isnull=False)
    pairs = list(
        line.order_by("customer__account_manager_id", "pk").values_list("customer__account_manager_id", "pk")
    )

    def tell(batch: list[PlayDue]) -> int:
        if not batch:
            return 0
        PlayDue.objects.filter(pk__in=[p.pk for p in batch]).update(reminded_on=today)
        by_manager: dict[int, list[PlayDue]] = {}
        for play in batch:
            by_manager.setdefault(play.customer.account_manager_id, []).append(play)
        messages = []
        for theirs in by_manager.values():
            lines = "\n".join(
                f"- {p.play.title} for {p.customer.name} (due {p.due_on:%d %B %Y})" for p in theirs
            )
            messages.append(
                (
                    theirs[0].customer.account_manager,
                    f"{checks.plural(len(theirs), 'play')} of your customers overdue",
                    f"Do them and mark them done on the customer's page, or skip them saying why:\n{lines}",
                    f"/segments/customers/{theirs[0].customer_id}/" if len(theirs) == 1 else "/",
                )
            )
        notify_many(messages)
        return len(batch)

    rows = line.select_related("customer__account_manager", "play")
    return sum(
        checks.in_locked_batches(
            rows, [pk for _, pk in pairs], tell, size=BATCH_SIZE, keys=[m for m, _ in pairs]
        )
    )


def escalate(today: datetime.date) -> int:
    line = _late(today - datetime.timedelta(days=ESCALATE_AFTER_DAYS)).filter(
        Q(reminded_on__isnull=False) | Q(customer__account_manager__isnull=True), escalated_on__isnull=True
    )
    ids = list(line.order_by("pk").values_list("pk", flat=True))

    def raise_them(batch: list[PlayDue]) -> int:
        if not batch:
            return 0
        PlayDue.objects.filter(pk__in=[p.pk for p in batch]).update(escalated_on=today)
        return escalations.raise_escalations(
            [
                dict(
                    subject=play,
                    reason=REASON,
                    detail=(
                        f"The play “{play.play.title}” for {play.customer.name} was due {play.due_on:%Y-%m-%d} "
                        f"({checks.plural((today - play.due_on).days, 'day')} ago) and is not done."
                    ),
                    subject_label=f"Play {play.pk}: {play.play.title} for {play.customer.name}"[:200],
                    subject_link=f"/segments/customers/{play.customer_id}/#customer-playbook",
                    region_id=play.customer.region_id,
                    ladder=LADDER,
                    target_user=play.customer.account_manager,
                )
                for play in batch
            ]
        )

    rows = line.select_related("customer__account_manager", "play")
    return sum(checks.in_locked_batches(rows, ids, raise_them, size=BATCH_SIZE))
