"""The dashboard's registry: panels, filters and summary keys that apps contribute from their `dashboard.py`.

The kernel names no business model: a panel is a key, a title, one sentence saying how its figure is
computed, and a `compute(user, filters) -> Table` function the app writes with its own selectors.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

KINDS = ("money", "int", "percent", "days", "text", "date", "number")
CHART_KINDS = ("bar", "line", "stacked-bar", "doughnut")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "text"  # money | int | percent | days | text | date | number

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"Column {self.key!r}: kind {self.kind!r} is not one of {KINDS}")


@dataclass(frozen=True)
class Chart:
    kind: str  # bar | line | stacked-bar | doughnut
    labels: str  # the column whose values label the x axis (or the doughnut's slices)
    series: list[str]  # the columns drawn, one dataset each
    group: str | None = None  # optional: one dataset per value of this column (per series), rows in long form

    def __post_init__(self):
        if self.kind not in CHART_KINDS:
            raise ValueError(f"Chart kind {self.kind!r} is not one of {CHART_KINDS}")


@dataclass
class Table:
    columns: list[Column]
    rows: list[dict]
    links: dict[str, Callable[[dict], str | None]] = field(default_factory=dict)
    chart: Chart | None = None
    empty: str = "Nothing to show for these filters."
    freshness: datetime | None = None  # figures read from a summary table: as of when it was refreshed
    refreshed_every: int | None = None  # …and how often it is (minutes)
    flags: dict[int, str] = field(default_factory=dict)

    def link(self, row: dict, column: str) -> str | None:
        make = self.links.get(column)
        return make(row) if make else None


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    explanation: str
    compute: Callable[[Any, Any], Table]
    order: int = 100


@dataclass(frozen=True)
class FilterSpec:
    name: str
    label: str
    choices: Callable[[Any], list[tuple[int, str]]]


_panels: dict[str, Panel] = {}
_filters: dict[str, FilterSpec] = {}
_summaries: dict[str, Callable] = {}

# The filters an app may register (CONTRACT: `segment` and `process`, both ids).
REGISTRABLE_FILTERS = ("segment", "process")


def register(panel: Panel) -> Panel:
    _panels[panel.key] = panel
    return panel


def register_filter(name: str, *, label: str, choices: Callable[[Any], list[tuple[int, str]]]) -> None:
    if name not in REGISTRABLE_FILTERS:
        raise ValueError(f"Dashboard filter {name!r} is not one of {REGISTRABLE_FILTERS}")
    _filters[name] = FilterSpec(name=name, label=label, choices=choices)


def register_summary(key: str, fn: Callable) -> None:
    _summaries[key] = fn


def panels() -> list[Panel]:
    return sorted(_panels.values(), key=lambda panel: (panel.order, panel.key))


def panel(key: str) -> Panel | None:
    return _panels.get(key)


def filter_spec(name: str) -> FilterSpec | None:
    return _filters.get(name)


def summaries() -> dict[str, Callable]:
    return dict(_summaries)
