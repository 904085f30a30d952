"""Governance's periodic checks: overdue reviews escalate, crossed threshold policies open reviews, controlled
processes are re-standardized periodically."""

from governance.checks import (  # noqa: F401  (they register themselves)
    conditions,
    policies,
    restandardization,
    reviews_overdue,
)
