"""Governance's demo data: the board and its board-decided requests, its meetings, its threshold policies."""

from governance.demo import board, meetings, policies  # noqa: F401  (they register their seeds)
