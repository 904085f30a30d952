"""The escalation ladder's periodic check: unacknowledged escalations climb when their next rung is due."""

from intimacy_ops import checks
from intimacy_ops.escalations.services import climb_escalations


@checks.register(
    name="escalations.climb",
    every_seconds=60,
    description="Unacknowledged escalations climb to the next rung of their ladder when it is due; its people are told.",
)
def climb() -> str:
    return f"{climb_escalations()['climbed']} climbed"
