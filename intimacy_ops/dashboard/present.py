"""A computed Table as the page, the CSV and the API show it: cells formatted by their column's kind
(amounts with `settings.CURRENCY`), drill-down links, the chart's data with a colour-blind-safe palette."""

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.utils import timezone
from django.utils.formats import number_format

from intimacy_ops.dashboard.registry import Column, Panel, Table

# Okabe & Ito's palette: told apart by people with any common colour-vision deficiency.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]


def display(value, kind: str) -> str:
    """A cell as people read it: thousands grouped, amounts in the one currency, units spelled."""
    if value is None or value == "":
        return "—"
    if kind == "money":
        return (
            f"{settings.CURRENCY} {number_format(Decimal(value).quantize(Decimal('1')), force_grouping=True)}"
        )
    if kind == "int":
        return number_format(int(value), force_grouping=True)
    if kind == "percent":
        return f"{number_format(Decimal(value).quantize(Decimal('0.1')))} %"
    if kind == "days":
        return f"{number_format(Decimal(value).quantize(Decimal('0.1')))} d"
    if kind == "number":
        return number_format(Decimal(value).quantize(Decimal("0.01")), force_grouping=True)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()[:10]
    return str(value)


def header(column: Column) -> str:
    return f"{column.label} ({settings.CURRENCY})" if column.kind == "money" else column.label


def _plain(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()[:10]
    return value


def chart_data(table: Table) -> dict | None:
    """What static/js/dashboard.js draws: labels, datasets (one per series, or per group × series)."""
    chart = table.chart
    if chart is None or not table.rows:
        return None
    labels_of = {column.key: column.label for column in table.columns}
    labels: list = []
    for row in table.rows:
        label = _plain(row.get(chart.labels))
        if label not in labels:
            labels.append(label)
    datasets = []
    if chart.group:
        groups: list = []
        for row in table.rows:
            if row.get(chart.group) not in groups:
                groups.append(row.get(chart.group))
        for group in groups:
            for series in chart.series:
                values = {
                    _plain(r.get(chart.labels)): _plain(r.get(series))
                    for r in table.rows
                    if r.get(chart.group) == group
                }
                name = f"{group} · {labels_of.get(series, series)}" if len(chart.series) > 1 else str(group)
                datasets.append({"label": name, "data": [values.get(label) for label in labels]})
    else:
        for series in chart.series:
            datasets.append(
                {
                    "label": labels_of.get(series, series),
                    "data": [_plain(row.get(series)) for row in table.rows],
                }
            )
    for index, dataset in enumerate(datasets):
        # Grouped: one colour per group, a dashed line for its second series; else one colour per series.
        group_index, series_index = divmod(index, len(chart.series)) if chart.group else (index, 0)
        dataset["color"] = PALETTE[group_index % len(PALETTE)]
        dataset["dashed"] = series_index > 0
    return {"kind": chart.kind, "labels": [str(label) for label in labels], "datasets": datasets}


def for_page(panel: Panel, table: Table) -> dict:
    rows = []
    for index, row in enumerate(table.rows):
        cells = [
            {
                "key": column.key,
                "kind": column.kind,
                "text": display(row.get(column.key), column.kind),
                "link": table.link(row, column.key)
                if row.get(column.key) != 0
                else None,  # no list of nothing
                "numeric": column.kind not in ("text", "date"),
            }
            for column in table.columns
        ]
        rows.append({"cells": cells, "flag": table.flags.get(index)})
    return {
        "panel": panel,
        "table": table,
        "headers": [
            {"label": header(column), "numeric": column.kind not in ("text", "date")}
            for column in table.columns
        ],
        "rows": rows,
        "chart": chart_data(table),
        "chart_id": f"chart-{panel.key}",
        "fresh_today": bool(table.freshness)
        and timezone.localtime(table.freshness).date() == timezone.localdate(),
    }


def for_api(panel: Panel, table: Table) -> dict:
    return {
        "key": panel.key,
        "title": panel.title,
        "explanation": panel.explanation,
        "currency": settings.CURRENCY,
        "columns": [{"key": c.key, "label": c.label, "kind": c.kind} for c in table.columns],
        "rows": [{key: _plain(value) for key, value in row.items()} for row in table.rows],
        "links": [
            {column: url for column in table.links if (url := table.link(row, column))} for row in table.rows
        ],
        "flags": {str(index): why for index, why in table.flags.items()},
        "empty": table.empty,
        "freshness": table.freshness.isoformat() if table.freshness else None,
        "refreshed_every_minutes": table.refreshed_every,
    }


def csv_cells(table: Table, row: dict) -> list:
    """Amounts to the cent (as stored; SQLite's sums come back without their decimal places), other figures
    as computed, dates ISO."""
    return [
        _cents(value) if column.kind == "money" else value if isinstance(value, Decimal) else _plain(value)
        for column, value in ((column, row.get(column.key)) for column in table.columns)
    ]


def _cents(value):
    return Decimal(value).quantize(Decimal("0.01")) if value is not None and value != "" else value
