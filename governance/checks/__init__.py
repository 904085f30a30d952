"""Governance's periodic checks: overdue reviews escalate, crossed threshold policies open reviews."""

from governance.checks import policies, reviews_overdue  # noqa: F401  (they register themselves)
