"""Governance's periodic checks: overdue reviews escalate, crossed threshold policies open reviews, controlled
processes are re-standardized periodically, the review backlog's summary tables are rebuilt."""

from governance.checks import (  # noqa: F401  (they register themselves)
    conditions,
    policies,
    restandardization,
    reviews_overdue,
    summaries,
)
