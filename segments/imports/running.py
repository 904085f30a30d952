"""Running an import: a file read as a stream and handed to its writer in batches, then the run finished.

A run is an `ImportRun`. After a customers import the segments follow: on PostgreSQL each batch's merge
places the rows it writes, and one set-based reclassification at the end places anyone left (everyone on
SQLite). A queued run (an upload) is claimed by one worker only; a run whose worker died
is taken over after `STALE_AFTER`.
"""

import contextlib
import datetime
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from intimacy_ops import audit, errors
from intimacy_ops.accounts.models import User
from segments.imports import columns, validation
from segments.imports.reading import FileRefused, ImportFile, RawRow
from segments.imports.writing import CaseImporter, CustomerImporter
from segments.models import ImportRejectedRow, ImportRun
from segments.services.classification import import_reason, reclassify

# Rows per transaction: one validation pass, one COPY and merge (PostgreSQL), one audit event each.
BATCH_SIZE = 5000
# A run still "running" this long after it started lost its worker: a re-delivered task may take it over.
STALE_AFTER = datetime.timedelta(hours=1)


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
        finish(run, ImportRun.Status.FAILED, f"The uploaded file is no longer at {path}.")
        return run.message
    with contextlib.suppress(FileRefused):  # recorded on the run; nothing to retry
        execute(run, path, actor=run.started_by, batch_size=BATCH_SIZE)
    if run.status in (ImportRun.Status.DONE, ImportRun.Status.REFUSED):
        path.unlink(missing_ok=True)
    return run.summary if run.status == ImportRun.Status.DONE else f"{run.status}: {run.message}"


def file_spec(kind: str) -> columns.FileSpec:
    try:
        return columns.SPECS[kind]
    except KeyError:
        raise errors.ValidationFailed(
            {"kind": [f"Unknown kind '{kind}': use {' or '.join(columns.SPECS)}."]}
        ) from None


def finish(run: ImportRun, status: str, message: str = "") -> None:
    run.status = status
    run.message = message
    run.finished_at = timezone.now()
    fields = {"status": status, "message": message, "finished_at": run.finished_at}
    if status == ImportRun.Status.DONE:
        run.processed_bytes = run.total_bytes
        fields["processed_bytes"] = run.total_bytes
    ImportRun.objects.filter(pk=run.pk).update(**fields)


def execute(run: ImportRun, path: Path, *, actor: User | None, batch_size: int) -> None:
    spec = file_spec(run.kind)
    try:
        source = ImportFile(path, spec=spec, name=run.filename).open()
    except FileRefused as refusal:
        with transaction.atomic():
            finish(run, ImportRun.Status.REFUSED, refusal.message)
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
            importer_class = spec.importer or (
                CustomerImporter if run.kind == ImportRun.Kind.CUSTOMERS else CaseImporter
            )
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
                # The batches classified what they wrote (PostgreSQL); this pass finds anyone left out.
                moved = importer.moved + reclassify(actor=actor, reason=import_reason(run))
                notes.append(f"{moved} customer{'s' if moved != 1 else ''} changed segment.")
            finish(run, ImportRun.Status.DONE, " ".join(filter(None, [run.message, *notes])))
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
        finish(run, ImportRun.Status.FAILED, refusal.message)
        raise
    except Exception as failure:
        finish(
            run,
            ImportRun.Status.FAILED,
            f"The import stopped: {type(failure).__name__}: {failure}. The batches written before it are kept; "
            "import the file again to finish (rows already written count as unchanged).",
        )
        raise


# An upload whose task no broker took (it was down at commit) waits this long before it is handed over again.
QUEUED_GRACE = datetime.timedelta(minutes=2)


def queued_too_long(*, now: datetime.datetime, limit: int = 100) -> list[int]:
    """Runs still queued a grace period after their upload: their task was lost or never published."""
    waiting = ImportRun.objects.filter(status=ImportRun.Status.QUEUED, created_at__lt=now - QUEUED_GRACE)
    return list(waiting.order_by("created_at").values_list("pk", flat=True)[:limit])
