"""Key accounts' periodic checks: `keyaccounts.plays_due` (keyaccounts/playbooks/check.py)."""

from keyaccounts.playbooks import check as _plays  # noqa: F401  (registers itself)
