"""The review backlog's summary tables rebuilt for the dashboard (governance/summaries)."""

from governance.summaries.figures import refresh
from intimacy_ops import checks
from intimacy_ops.dashboard.summary_tables import EVERY_MINUTES


@checks.register(
    name="governance.dashboard_summaries",
    every_seconds=EVERY_MINUTES * 60,
    description=(
        "The review backlog's summary tables (open and overdue reviews per board and region; decision times) "
        "are rebuilt from the reviews, set-based, in one transaction."
    ),
)
def dashboard_summaries() -> checks.CheckResult:
    written = refresh()
    return checks.CheckResult(
        summary=f"refreshed the review backlog's summaries: {sum(written.values())} rows", counts=written
    )
