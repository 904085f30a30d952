"""A list page as CSV (`…/export.csv` beside it, same query string): streamed through `intimacy_ops.spreadsheet`
(BOM, CRLF, formula-like cells inert), sensitive columns through `intimacy_ops.sensitive` (the value or "***";
one access-log row per record shown unmasked, channel "export", written per chunk before it leaves), and
one audit event `<what>.exported` naming the filters and the row count.

    return exports.listing_csv(
        request, found, columns=[("id", lambda e: e.pk), …],
        sensitive_columns=[("customer_contact_email", lambda e: e.customer, "contact_email")],
        what="exceptions", object_type="exceptions.exceptionrequest",
    )   # a bad filter: 400 naming it; `csv_response` alone when there is no listing
"""

from collections.abc import Callable, Iterable

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.utils import timezone

from intimacy_ops import audit, listing, sensitive, spreadsheet

CHUNK = 500
Column = tuple[str, Callable]  # header, how to read it from a row
SensitiveColumn = tuple[str, Callable, str]  # header, the record holding the field, the field's name


def cell(value):
    """Flags read yes/no, nothing reads empty; the writer makes formula-like text inert (CSV injection)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else value


def rows_of(user, queryset: QuerySet, columns: list[Column], secret: list[SensitiveColumn]) -> Iterable[str]:
    """The header, then one line per row; access-log rows written per chunk, before it is sent."""
    writer = spreadsheet.CsvWriter()
    yield writer.header([name for name, _ in columns] + [name for name, _, _ in secret])
    with sensitive.recording(channel=sensitive.EXPORT):
        chunk: list = []
        for row in queryset.iterator(chunk_size=CHUNK):
            chunk.append(row)
            if len(chunk) == CHUNK:
                yield _chunk(writer, user, chunk, columns, secret)
                chunk = []
        if chunk:
            yield _chunk(writer, user, chunk, columns, secret)


def _chunk(writer, user, rows: list, columns: list[Column], secret: list[SensitiveColumn]) -> str:
    if secret:
        # The user's grants for the whole chunk in one query per kind of record.
        sensitive.prime(user, [holder(row) for row in rows for _, holder, _ in secret])
    lines = [
        writer.row(
            [cell(read(row)) for _, read in columns]
            + [cell(sensitive.show(user, holder(row), name)) for _, holder, name in secret]
        )
        for row in rows
    ]
    sensitive.flush()  # one access-log row per record shown unmasked, before the lines leave
    return "".join(lines)


def describe(filters) -> dict:
    """The filters as the audit event keeps them: what was asked, as text (lists stay lists)."""
    described = {}
    for key in sorted(filters):
        values = filters.getlist(key) if hasattr(filters, "getlist") else [filters[key]]
        values = [getattr(v, "code", None) or getattr(v, "username", None) or str(v) for v in values]
        values = [v for v in values if v not in ("", "None", "False")]
        if values and key != "page":
            described[key] = values if len(values) > 1 else values[0]
    return described


def csv_response(
    *,
    user,
    rows: QuerySet,
    columns: list[Column],
    what: str,
    object_type: str,
    filters,
    sensitive_columns: list[SensitiveColumn] = (),
) -> StreamingHttpResponse:
    """The streamed download, after one audit event `<what>.exported` (filters, row count)."""
    with transaction.atomic():
        audit.record(
            actor=user,
            verb=f"{what}.exported",
            object_type=object_type,
            object_id="list",
            after={"format": "csv", "filters": describe(filters), "rows": rows.count()},
        )
    body = rows_of(user, rows, list(columns), list(sensitive_columns))
    response = StreamingHttpResponse(body, content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{what}-{stamp}.csv"'
    return response


def listing_csv(
    request: HttpRequest,
    found: "listing.Listing",
    *,
    columns: list[Column],
    what: str,
    object_type: str,
    sensitive_columns: list[SensitiveColumn] = (),
    shape: Callable[[QuerySet], QuerySet] | None = None,
) -> HttpResponse:
    """A list page's `export.csv`: its filters and order, or 400 naming the bad filter (text, like the page's form).

    `shape` adds what the columns read (select_related …) to the listing's rows."""
    if not found.valid:
        return HttpResponseBadRequest(listing.errors_text(found), content_type="text/plain; charset=utf-8")
    return csv_response(
        user=request.user,
        rows=shape(found.rows) if shape else found.rows,
        columns=columns,
        sensitive_columns=sensitive_columns,
        what=what,
        object_type=object_type,
        filters=request.GET,
    )
