"""Governance's periodic checks: overdue reviews escalate, crossed threshold policies open reviews."""

from governance.checks import conditions, policies, reviews_overdue  # noqa: F401  (they register themselves)
