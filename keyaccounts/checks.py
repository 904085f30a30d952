"""The periodic checks of key accounts: health reviews opened on each tier's cadence (keyaccounts/health/)."""

from intimacy_ops import checks
from keyaccounts.health.opening import open_due_reviews


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
