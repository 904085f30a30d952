"""The periodic check of threshold policies (DESIGN.md, "Background work"): idempotent, and safe to run twice
at once (the partial unique constraint on open reviews per policy and subject decides)."""

from governance.services.evaluation import evaluate_threshold_policies
from intimacy_ops import checks


@checks.register(
    name="governance.threshold_policies",
    every_seconds=3600,
    description="Each crossed threshold policy opens one review (standardize or sunset) on the board covering it.",
)
def threshold_policies() -> str:
    return str(evaluate_threshold_policies())
