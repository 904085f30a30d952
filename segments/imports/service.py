"""Importing customers and service cases from other systems: idempotent by (source, external id).

One import is an `ImportRun`. Its file is read as a stream and handled in batches; each batch is one
transaction: new rows are inserted with `bulk_create`, changed rows written with `bulk_update`,
unchanged rows not written at all, bad rows kept as `ImportRejectedRow` with their errors, the
run's counts and progress moved on, and one audit event records what the batch did. After a
customers import the segments follow (one set-based reclassification); a cases import computes
each written case's due times, breach state and queue as it writes it.
"""

import contextlib
import datetime
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from intimacy_ops import access, audit, errors
from intimacy_ops.accounts.models import User
from segments.imports import columns, validation
from segments.imports.reading import FileRefused, ImportFile, RawRow
from segments.models import Customer, ImportRejectedRow, ImportRun, ServiceCase
from segments.services.classification import reclassify
from segments.services.sla import refresh_clock

BATCH_SIZE = 1000
MAX_UPLOAD_BYTES = getattr(settings, "IMPORT_MAX_UPLOAD_BYTES", 50 * 1024 * 1024)
# A run still "running" this long after it started lost its worker: a re-delivered task may take it over.
STALE_AFTER = datetime.timedelta(hours=1)
CUSTOMER_FIELDS = (
    "name",
    "region_id",
    "account_manager_id",
    "annual_revenue",
    "strategic_value",
    "support_complexity",
    "lifetime_value",
    "contact_email",
    "personal_notes",
)
CASE_FIELDS = ("customer_id", "priority", "opened_at", "first_response_at", "resolved_at", "title")
CLOCK_FIELDS = ("response_due_at", "resolution_due_at", "breached", "queue")
_LOCK_KEYS = {"customers": 0x1A7C01, "cases": 0x1A7C02}


def may_import(user) -> bool:
    return bool(user is not None and access.allowed(user, "create", ImportRun))


def require_importer(user) -> None:
    access.require(user, "create", ImportRun)


@dataclass
class Tally:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    rejected: list[ImportRejectedRow] = field(default_factory=list)


@dataclass
class Cleaned:
    raw: RawRow
    values: dict

    @property
    def key(self) -> tuple[str, str]:
        return self.values["source"], self.values["external_id"]


# --- entry points ---------------------------------------------------------------------------------


def import_file(
    *, kind: str, path: Path, actor: User | None = None, filename: str = "", batch_size: int = BATCH_SIZE
) -> ImportRun:
    """Import a customers or cases file now (the command line); raises FileRefused when the file is refused whole."""
    spec = _spec(kind)
    path = Path(path)
    run = ImportRun.objects.create(
        kind=spec.kind,
        filename=(filename or path.name)[:255],
        status=ImportRun.Status.RUNNING,
        started_by=actor if getattr(actor, "is_authenticated", False) else None,
        started_at=timezone.now(),
        total_bytes=path.stat().st_size,
    )
    _execute(run, path, actor=run.started_by, batch_size=batch_size)
    return run


def queue_import(*, actor: User, kind: str, upload) -> ImportRun:
    """Keep an uploaded file under VAR_DIR/imports/ and have a worker import it."""
    require_importer(actor)
    spec = _spec(kind)
    if upload.size > MAX_UPLOAD_BYTES:
        raise errors.ValidationFailed(
            {
                "file": [
                    f"The file is {filesizeformat(upload.size)}; the limit is {filesizeformat(MAX_UPLOAD_BYTES)}."
                ]
            }
        )
    folder = Path(settings.VAR_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    name = Path(upload.name or "upload").name
    stored = folder / f"{uuid.uuid4().hex}{Path(name).suffix.lower()[:10]}"
    with stored.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    with transaction.atomic():
        run = ImportRun.objects.create(
            kind=spec.kind,
            filename=name[:255],
            stored_path=str(stored),
            status=ImportRun.Status.QUEUED,
            started_by=actor,
            total_bytes=stored.stat().st_size,
        )
        audit.record(
            actor=actor,
            verb="import.queued",
            obj=run,
            after={"kind": run.kind, "filename": run.filename, "bytes": run.total_bytes},
        )
        transaction.on_commit(lambda: _enqueue(run.pk))
    return run


def _enqueue(run_id: int) -> None:
    from segments.tasks import run_import

    run_import.delay(run_id)


def process_queued_run(*, run_id: int) -> str:
    """Import the file of a queued run (the worker's job); a run already done or being done is left alone."""
    now = timezone.now()
    fresh = {
        "status": ImportRun.Status.RUNNING,
        "started_at": now,
        "processed_bytes": 0,
        "rows_seen": 0,
        "created": 0,
        "updated": 0,
        "unchanged": 0,
        "rejected": 0,
    }
    # Claimed by one conditional UPDATE, so two deliveries of the task cannot both take the run
    # (and on SQLite the transaction writes first, so it waits for the lock instead of failing).
    claimed = ImportRun.objects.filter(pk=run_id, status=ImportRun.Status.QUEUED).update(**fresh)
    if not claimed:
        with transaction.atomic():
            # A run still "running" long after it started lost its worker: rows it wrote count as unchanged.
            claimed = ImportRun.objects.filter(
                pk=run_id, status=ImportRun.Status.RUNNING, started_at__lt=now - STALE_AFTER
            ).update(
                **fresh,
                message="Taken over after the first worker stopped: rows it had written count as unchanged.",
            )
            if claimed:
                ImportRejectedRow.objects.filter(run_id=run_id).delete()
    run = ImportRun.objects.filter(pk=run_id).first()
    if run is None:
        return f"import run {run_id} does not exist"
    if not claimed:
        return f"import run {run_id} is {run.status}: not run again"
    path = Path(run.stored_path)
    if not path.is_file():
        _finish(run, ImportRun.Status.FAILED, f"The uploaded file is no longer at {path}.")
        return run.message
    with contextlib.suppress(FileRefused):  # recorded on the run; nothing to retry
        _execute(run, path, actor=run.started_by, batch_size=BATCH_SIZE)
    if run.status in (ImportRun.Status.DONE, ImportRun.Status.REFUSED):
        path.unlink(missing_ok=True)
    return run.summary if run.status == ImportRun.Status.DONE else f"{run.status}: {run.message}"


# --- the run --------------------------------------------------------------------------------------


def _spec(kind: str) -> columns.FileSpec:
    try:
        return columns.SPECS[kind]
    except KeyError:
        raise errors.ValidationFailed(
            {"kind": [f"Unknown kind '{kind}': use {' or '.join(columns.SPECS)}."]}
        ) from None


def _finish(run: ImportRun, status: str, message: str = "") -> None:
    run.status = status
    run.message = message
    run.finished_at = timezone.now()
    fields = {"status": status, "message": message, "finished_at": run.finished_at}
    if status == ImportRun.Status.DONE:
        run.processed_bytes = run.total_bytes
        fields["processed_bytes"] = run.total_bytes
    ImportRun.objects.filter(pk=run.pk).update(**fields)


def _execute(run: ImportRun, path: Path, *, actor: User | None, batch_size: int) -> None:
    spec = _spec(run.kind)
    try:
        source = ImportFile(path, spec=spec, name=run.filename).open()
    except FileRefused as refusal:
        with transaction.atomic():
            _finish(run, ImportRun.Status.REFUSED, refusal.message)
            audit.record(actor=actor, verb="import.refused", obj=run, comment=refusal.message)
        raise
    notes = []
    if source.ignored_columns:
        notes.append(
            f"Ignored column{'s' if len(source.ignored_columns) > 1 else ''}: {', '.join(source.ignored_columns)}."
        )
    try:
        with source:
            refs = validation.References(actor)
            importer_class = CustomerImporter if run.kind == ImportRun.Kind.CUSTOMERS else CaseImporter
            importer = importer_class(run, refs, unit="item" if source.format == "json" else "line")
            batch: list[RawRow] = []
            for row in source.rows():
                batch.append(row)
                if len(batch) >= batch_size:
                    importer.handle(batch, position=source.position())
                    batch = []
            if batch:
                importer.handle(batch, position=source.position())
        run.refresh_from_db()
        with transaction.atomic():
            # Write first (SQLite then waits for the write lock instead of failing the upgrade from a read).
            ImportRun.objects.filter(pk=run.pk).update(processed_bytes=run.total_bytes)
            if run.kind == ImportRun.Kind.CUSTOMERS and (run.created or run.updated):
                moved = reclassify(actor=actor, reason=f"import #{run.pk} ({run.filename})")
                notes.append(f"{moved} customer{'s' if moved != 1 else ''} changed segment.")
            _finish(run, ImportRun.Status.DONE, " ".join(filter(None, [run.message, *notes])))
            audit.record(
                actor=actor,
                verb="import.finished",
                obj=run,
                after={
                    "kind": run.kind,
                    "rows": run.rows_seen,
                    "created": run.created,
                    "updated": run.updated,
                    "unchanged": run.unchanged,
                    "rejected": run.rejected,
                },
            )
    except FileRefused as refusal:  # a CSV that turns unreadable part-way (csv.Error)
        _finish(run, ImportRun.Status.FAILED, refusal.message)
        raise
    except Exception as failure:
        _finish(
            run,
            ImportRun.Status.FAILED,
            f"The import stopped: {type(failure).__name__}: {failure}. The batches written before it are kept; "
            "import the file again to finish (rows already written count as unchanged).",
        )
        raise


class _Importer:
    """Turns batches of raw rows into writes. Subclasses say how to clean, find, compare and write a kind."""

    model = None
    fields: tuple[str, ...] = ()

    def __init__(self, run: ImportRun, refs: validation.References, *, unit: str = "line"):
        self.run = run
        self.refs = refs
        self.unit = unit  # how the file counts rows: CSV lines or JSON items
        self.batch_number = 0
        self.rows_seen = 0
        # Fingerprint of each key seen → its line, so a key given twice in one file is caught (8 bytes a row).
        self.seen: dict[int, int] = {}

    def clean(self, row: dict) -> tuple[dict, dict]:
        raise NotImplementedError

    def handle(self, rows: list[RawRow], *, position: int) -> None:
        self.batch_number += 1
        self.rows_seen += len(rows)
        tally = Tally()
        cleaned: list[Cleaned] = []
        for raw in rows:
            values, problems = self.clean(raw.data)
            for column, messages in raw.problems.items():
                problems.setdefault(column, []).extend(messages)
            if not problems:
                fingerprint = hash((values["source"], values["external_id"]))
                first = self.seen.get(fingerprint)
                if first is not None:
                    problems["external_id"] = [
                        f"{values['source']}:{values['external_id']} appears again: first given on "
                        f"{self.unit} {first} of this file."
                    ]
                else:
                    self.seen[fingerprint] = raw.line
            if problems:
                tally.rejected.append(self.rejection(raw, problems))
            else:
                cleaned.append(Cleaned(raw=raw, values=values))
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # Two imports of the same kind at once take turns batch by batch instead of racing on new keys.
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEYS[self.run.kind]])
            # Write before reading: on SQLite a transaction that reads first cannot wait for the write lock.
            ImportRun.objects.filter(pk=self.run.pk).update(
                rows_seen=self.rows_seen, processed_bytes=position
            )
            self.write(cleaned, tally)
            ImportRejectedRow.objects.bulk_create(tally.rejected)
            ImportRun.objects.filter(pk=self.run.pk).update(
                created=F("created") + len(tally.created),
                updated=F("updated") + len(tally.updated),
                unchanged=F("unchanged") + tally.unchanged,
                rejected=F("rejected") + len(tally.rejected),
            )
            audit.record(
                actor=self.refs.actor,
                verb="import.batch",
                obj=self.run,
                after={
                    "kind": self.run.kind,
                    "batch": self.batch_number,
                    "lines": f"{rows[0].line}–{rows[-1].line}",
                    "created": len(tally.created),
                    "updated": len(tally.updated),
                    "unchanged": tally.unchanged,
                    "rejected": len(tally.rejected),
                    "created_ids": tally.created,
                    "updated_ids": tally.updated,
                },
            )

    def rejection(self, raw: RawRow, problems: dict) -> ImportRejectedRow:
        return ImportRejectedRow(run=self.run, line=raw.line, data=raw.data, errors=dict(problems))

    def existing(self, keys: list[tuple[str, str]], *, only: tuple[str, ...]) -> dict:
        """The records already imported under these keys, locked for this transaction."""
        by_source: dict[str, list[str]] = {}
        for source, external_id in keys:
            by_source.setdefault(source, []).append(external_id)
        found = {}
        for source, external_ids in by_source.items():
            rows = (
                self.model.objects.select_for_update()
                .filter(source=source, external_id__in=external_ids)
                .only("id", "source", "external_id", *only)
            )
            found.update({(row.source, row.external_id): row for row in self.prepare(rows)})
        return found

    def prepare(self, queryset):
        return queryset

    def write(self, cleaned: list[Cleaned], tally: Tally) -> None:
        raise NotImplementedError


class CustomerImporter(_Importer):
    model = Customer

    def clean(self, row):
        return validation.clean_customer(row, self.refs)

    def write(self, cleaned, tally):
        found = self.existing([row.key for row in cleaned], only=(*CUSTOMER_FIELDS, "updated_at"))
        new, changed, changed_fields = [], [], set()
        now = timezone.now()
        for row in cleaned:
            source, external_id = row.key
            values = {name: value for name, value in row.values.items() if name in CUSTOMER_FIELDS}
            customer = found.get(row.key)
            if customer is None:
                new.append(Customer(source=source, external_id=external_id, **values))
                tally.created.append(external_id)
                continue
            if not self.refs.in_scope(customer.region_id):
                tally.rejected.append(
                    self.rejection(
                        row.raw, {"external_id": ["This customer belongs to a region you do not work in."]}
                    )
                )
                continue
            differing = [name for name, value in values.items() if getattr(customer, name) != value]
            if not differing:
                tally.unchanged += 1
                continue
            for name in differing:
                setattr(customer, name, values[name])
            customer.updated_at = now
            changed.append(customer)
            changed_fields.update(differing)
            tally.updated.append(external_id)
        Customer.objects.bulk_create(new)
        if changed:
            Customer.objects.bulk_update(changed, [*sorted(changed_fields), "updated_at"])


class CaseImporter(_Importer):
    model = ServiceCase

    def clean(self, row):
        return validation.clean_case(row, self.refs)

    def prepare(self, queryset):
        return queryset.prefetch_related("waiting")

    def customers(self, cleaned: list[Cleaned]) -> dict[tuple[str, str], Customer]:
        """The customers the cases belong to, with what their SLA clock needs (segment, region, calendar)."""
        by_source: dict[str, set[str]] = {}
        for row in cleaned:
            by_source.setdefault(row.values["customer_source"], set()).add(row.values["customer_external_id"])
        found = {}
        for source, external_ids in by_source.items():
            rows = (
                Customer.objects.filter(source=source, external_id__in=external_ids)
                .select_related("segment", "region__calendar")
                .prefetch_related("region__calendar__holidays")
            )
            found.update({(c.source, c.external_id): c for c in rows})
        return found

    def write(self, cleaned, tally):
        customers = self.customers(cleaned)
        usable = []
        for row in cleaned:
            customer = customers.get((row.values["customer_source"], row.values["customer_external_id"]))
            if customer is None or not self.refs.in_scope(customer.region_id):
                key = f"{row.values['customer_source']}:{row.values['customer_external_id']}"
                tally.rejected.append(
                    self.rejection(
                        row.raw,
                        {
                            "customer_external_id": [
                                f"No customer {key}: import the customer first, or correct the key."
                            ]
                        },
                    )
                )
                continue
            row.values["customer"] = customer
            usable.append(row)
        found = self.existing([row.key for row in usable], only=(*CASE_FIELDS, *CLOCK_FIELDS))
        new, changed, changed_fields = [], [], set()
        for row in usable:
            source, external_id = row.key
            customer = row.values["customer"]
            values = {name: row.values[name] for name in CASE_FIELDS if name in row.values}
            values["customer_id"] = customer.pk
            case = found.get(row.key)
            if case is None:
                case = ServiceCase(source=source, external_id=external_id, **values)
                case.customer = customer
                new.append(refresh_clock(case))
                tally.created.append(external_id)
                continue
            differing = [name for name, value in values.items() if getattr(case, name) != value]
            if not differing:
                tally.unchanged += 1
                continue
            for name in differing:
                setattr(case, name, values[name])
            case.customer = customer
            changed.append(refresh_clock(case))
            changed_fields.update(differing)
            tally.updated.append(external_id)
        ServiceCase.objects.bulk_create(new)
        if changed:
            ServiceCase.objects.bulk_update(changed, [*sorted(changed_fields), *CLOCK_FIELDS])
