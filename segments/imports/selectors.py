"""Reads of import runs: the runs a user may see, and the rejected rows of a run (page and CSV), scoped by
region and with their sensitive cells masked unless the reader may see that customer's."""

from collections.abc import Iterator

from django.db.models import QuerySet

from intimacy_ops import access, sensitive, spreadsheet
from segments.imports import columns
from segments.imports.service import require_importer
from segments.models import Customer, ImportRejectedRow, ImportRun

CHUNK = 500


def runs_for(user) -> QuerySet:
    """The import runs this user may see, newest first (importers only)."""
    require_importer(user)
    return access.visible(user, ImportRun).select_related("started_by").order_by("-created_at", "-id")


def run_for(user, run_id) -> ImportRun:
    require_importer(user)
    return access.get_visible(user, ImportRun.objects.select_related("started_by"), pk=run_id)


def rejected_rows(user, run: ImportRun) -> QuerySet:
    """The run's rejected rows this user may see (their regions'; all of a file they imported themselves)."""
    return (
        access.visible(user, ImportRejectedRow)
        .filter(run=run)
        .select_related("customer")
        .order_by("line", "id")
    )


def rejected_columns(rows: QuerySet, kind: str) -> list[str]:
    """The file's own columns seen in the rejected rows: the expected ones in contract order, then any others."""
    seen: set[str] = set()
    for data in rows.values_list("data", flat=True).iterator(chunk_size=2000):
        seen.update(data)
    spec = columns.SPECS[kind]
    known = [name for name in spec.columns if name in seen]
    return known + sorted(seen - set(known) - {columns.ERRORS_COLUMN})


def format_errors(errors: dict) -> str:
    """`{"region": ["No region 'XX'."]}` → `region: No region 'XX'.` (several joined with '; ')."""
    return "; ".join(f"{name}: {message}" for name, messages in errors.items() for message in messages)


def shown_cells(user, rows: list[ImportRejectedRow], kind: str = "") -> None:
    """Set `row.shown`: the row's cells as this user may read them. A sensitive cell (a customer's declared
    sensitive field) is the mask unless the user may read that field of the customer the row names, and
    then it is recorded in the access log like the field itself; a row naming no existing customer is
    masked to everyone. The cells a kind declares `masked` (a feedback row's text) likewise. Inside a recording
    (a request's, or an export's)."""
    sensitive.prime(user, [row.customer for row in rows if row.customer is not None])
    hidden = sensitive.sensitive_fields(Customer)
    spec = columns.SPECS.get(kind)
    masked = spec.masked if spec else {}
    for row in rows:
        data = dict(row.data)
        for name in hidden:
            if data.get(name) in ("", None):
                continue
            data[name] = (
                sensitive.MASK
                if row.customer is None
                else sensitive.reveal(user, row.customer, name, data[name])
            )
        for name, record in masked.items():
            if data.get(name) in ("", None):
                continue
            data[name] = (
                sensitive.MASK
                if row.customer is None
                else sensitive.reveal(user, record(row.customer), name, data[name])
            )
        row.shown = data


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def rejected_csv(user, run: ImportRun) -> Iterator[str]:
    """The rejected rows the user may see, with their original columns (sensitive cells as `shown_cells`
    gives them, the unmasked ones access-logged per chunk before it is sent) and an `errors` column, as CSV
    text through the one CSV writer (formula-like cells made inert)."""
    rows = rejected_rows(user, run)
    names = rejected_columns(rows, run.kind)
    writer = spreadsheet.CsvWriter()
    yield writer.header([*names, columns.ERRORS_COLUMN])
    with sensitive.recording(channel=sensitive.EXPORT):
        chunk: list[ImportRejectedRow] = []
        for row in rows.iterator(chunk_size=CHUNK):
            chunk.append(row)
            if len(chunk) == CHUNK:
                yield _chunk(writer, user, chunk, names, run.kind)
                chunk = []
        if chunk:
            yield _chunk(writer, user, chunk, names, run.kind)


def _chunk(writer, user, rows: list[ImportRejectedRow], names: list[str], kind: str) -> str:
    shown_cells(user, rows, kind)
    lines = [
        writer.row([*(_cell(row.shown.get(name)) for name in names), format_errors(row.errors)])
        for row in rows
    ]
    sensitive.flush()  # one access-log row per customer shown unmasked, before the lines leave
    return "".join(lines)
