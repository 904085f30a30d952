"""The periodic checks of key accounts: the health score (keyaccounts/score/compute.py), health reviews opened on
each tier's cadence (keyaccounts/health/) and `keyaccounts.plays_due` (keyaccounts/playbooks/check.py, which
registers itself)."""

from intimacy_ops import checks
from keyaccounts.health.opening import open_due_reviews
from keyaccounts.playbooks import check as _plays  # noqa: F401  (registers itself)
from keyaccounts.score import compute


@checks.register(
    name="keyaccounts.health_scores",
    every_seconds=3600,
    description=(
        "Every customer's health score is recomputed from its parts (SLA compliance, breaches, open "
        "escalations, negative feedback, exceptions past their dates, incidents) with its region's weights, "
        "set-based; one row per customer and day, rewritten by a later run the same day."
    ),
)
def health_scores() -> checks.CheckResult:
    return compute.run()


@checks.register(
    name="keyaccounts.health_reviews_due",
    every_seconds=3600,
    description=(
        "Opens each customer's health review for its tier's current period (every quarter for the first tier by "
        "default), once per customer and period; each account manager hears once how many are due."
    ),
)
def health_reviews_due() -> checks.CheckResult:
    return open_due_reviews()
