"""Importing customers and service cases from other systems: who may import, a file imported now (the
command line), an upload queued for a worker. How a run goes: running.py; how its rows are written:
writing.py.
"""

import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from intimacy_ops import access, audit, errors
from intimacy_ops.accounts.models import User
from segments.imports.running import BATCH_SIZE, execute, file_spec
from segments.models import ImportRun
from segments.tasks import run_import

MAX_UPLOAD_BYTES = getattr(settings, "IMPORT_MAX_UPLOAD_BYTES", 50 * 1024 * 1024)


def require_importer(user) -> None:
    access.require(user, "create", ImportRun)


def import_file(
    *, kind: str, path: Path, actor: User | None = None, filename: str = "", batch_size: int = BATCH_SIZE
) -> ImportRun:
    """Import a customers or cases file now (the command line); raises FileRefused when the file is refused whole."""
    spec = file_spec(kind)
    path = Path(path)
    run = ImportRun.objects.create(
        kind=spec.kind,
        filename=(filename or path.name)[:255],
        status=ImportRun.Status.RUNNING,
        started_by=actor if getattr(actor, "is_authenticated", False) else None,
        started_at=timezone.now(),
        total_bytes=path.stat().st_size,
    )
    execute(run, path, actor=run.started_by, batch_size=batch_size)
    return run


def queue_import(*, actor: User, kind: str, upload) -> ImportRun:
    """Keep an uploaded file under VAR_DIR/imports/ and have a worker import it."""
    require_importer(actor)
    spec = file_spec(kind)
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
    name = Path((upload.name or "upload").replace("\x00", "")).name or "upload"
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
        # robust: with the broker down the upload still succeeds; the run waits, queued, for the
        # `segments.imports_queued` check to hand it over again (running.py claims it once).
        transaction.on_commit(lambda: run_import.delay(run.pk), robust=True)
    return run
