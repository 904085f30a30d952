"""The dashboard frame (DESIGN.md "Dashboards"; README, "The dashboard frame"): the page `/dashboard/`, a
partial and a streamed CSV per panel, the API `/api/v1/dashboard/summary/` and `/api/v1/dashboard/<key>/`,
the filters and the registry apps contribute panels to from their `dashboard.py`. Names no business model.

    from intimacy_ops import dashboard
    dashboard.register_filter("process", label="Process", choices=lambda user: [(id, name), ...])
    dashboard.register(dashboard.Panel(key=…, title=…, explanation=…, order=…, compute=fn))
    dashboard.register_summary("key", fn)      # fn(user, filters) -> JSON-able value
"""

from intimacy_ops.dashboard.filters import Filters
from intimacy_ops.dashboard.registry import (
    Chart,
    Column,
    Panel,
    Table,
    filter_spec,
    panel,
    panels,
    register,
    register_filter,
    register_summary,
    summaries,
)

__all__ = [
    "Chart",
    "Column",
    "Filters",
    "Panel",
    "Table",
    "filter_spec",
    "panel",
    "panels",
    "register",
    "register_filter",
    "register_summary",
    "summaries",
]
