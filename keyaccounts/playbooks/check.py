"""`keyaccounts.plays_due` (issue 20, item 1): customers follow their tier's current playbook, its plays come
due, overdue ones are chased. In order: new customers start following (moves.follow_new_customers), customers
whose tier or playbook version changed move (moves.move_customers), every play due now is created
(occurrences.create_due_plays), overdue plays remind then escalate (overdue). Each step set-based and
idempotent; two runs at once make one play per occurrence (the constraint decides) and tell each person once.
"""

import datetime

from django.utils import timezone

from intimacy_ops import audit, checks
from keyaccounts.playbooks import moves, occurrences, overdue


def run_plays(*, today: datetime.date | None = None) -> checks.CheckResult:
    today = today or timezone.localdate()
    now = timezone.now()
    current = moves.current_playbooks(today)
    followed = moves.follow_new_customers(current, now)
    moved = moves.move_customers(current, now)
    created = occurrences.create_due_plays(current, today, now)
    if followed or created:  # the rows came from one INSERT … SELECT each: one event says what the run made
        audit.record(
            actor=None,
            verb="playbook.plays_created",
            object_type="check",
            object_id="keyaccounts.plays_due",
            after={"followed": followed, "created": created, "on": today.isoformat()},
        )
    reminded = overdue.remind(today)
    escalated = overdue.escalate(today)
    return checks.CheckResult(
        summary=(
            f"{checks.plural(created, 'play')} due created, {checks.plural(moved, 'customer')} moved playbook, "
            f"{checks.plural(reminded, 'overdue play')} reminded, {escalated} escalated"
        ),
        counts={
            "followed": followed,
            "moved": moved,
            "created": created,
            "reminded": reminded,
            "escalations_raised": escalated,
        },
    )


@checks.register(
    name="keyaccounts.plays_due",
    every_seconds=3600,
    description=(
        "Playbooks: customers follow their tier's current version (a tier change moves their open plays), "
        "plays come due from onboarding, cadence, escalations and incidents; an overdue play reminds the "
        "account manager, then escalates to the region's operations leads."
    ),
)
def plays_due() -> checks.CheckResult:
    return run_plays()
