"""Reads of import runs: the runs a user may see, and the rejected rows of a run as CSV."""

import csv
import io
from collections.abc import Iterator

from django.db.models import QuerySet

from intimacy_ops import access
from segments.imports import columns
from segments.imports.service import require_importer
from segments.models import ImportRejectedRow, ImportRun


def runs_for(user) -> QuerySet:
    """The import runs this user may see, newest first (importers only)."""
    require_importer(user)
    return access.visible(user, ImportRun).select_related("started_by").order_by("-created_at", "-id")


def run_for(user, run_id) -> ImportRun:
    require_importer(user)
    return access.get_visible(user, ImportRun.objects.select_related("started_by"), pk=run_id)


def rejected_rows(run: ImportRun) -> QuerySet:
    return ImportRejectedRow.objects.filter(run=run).order_by("line", "id")


def rejected_columns(run: ImportRun) -> list[str]:
    """The file's own columns seen in the rejected rows: the expected ones in contract order, then any others."""
    seen: set[str] = set()
    for data in rejected_rows(run).values_list("data", flat=True).iterator(chunk_size=2000):
        seen.update(data)
    spec = columns.SPECS[run.kind]
    known = [name for name in spec.columns if name in seen]
    return known + sorted(seen - set(known) - {columns.ERRORS_COLUMN})


def format_errors(errors: dict) -> str:
    """`{"region": ["No region 'XX'."]}` → `region: No region 'XX'.` (several joined with '; ')."""
    return "; ".join(f"{name}: {message}" for name, messages in errors.items() for message in messages)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def rejected_csv(run: ImportRun) -> Iterator[str]:
    """The rejected rows with their original columns and an `errors` column, as CSV text, a row at a time."""
    names = rejected_columns(run)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow([*names, columns.ERRORS_COLUMN])
    yield "\ufeff" + flush()  # a BOM, so spreadsheet programs open it as UTF-8
    for row in rejected_rows(run).iterator(chunk_size=2000):
        writer.writerow([*(_cell(row.data.get(name)) for name in names), format_errors(row.errors)])
        yield flush()
