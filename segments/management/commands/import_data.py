"""`python manage.py import_data customers|cases FILE` (CONTRACT.md, "Import files")."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from intimacy_ops import errors
from segments.imports import columns
from segments.imports.reading import FileRefused
from segments.imports.running import BATCH_SIZE
from segments.imports.service import import_file


class Command(BaseCommand):
    help = (
        "Import customers or service cases from a CSV or JSON file, idempotent by (source, external_id). "
        "Ends with one line: created N, updated N, unchanged N, rejected N."
    )

    def add_arguments(self, parser):
        # No `choices`: an unknown kind gets our message and exit status 1, like every other refusal.
        parser.add_argument("kind", help=f"What the file holds: {' or '.join(columns.SPECS)}.")
        parser.add_argument("file", help="A .csv or .json file (UTF-8).")
        parser.add_argument(
            "--batch-size",
            type=int,
            default=BATCH_SIZE,
            help=f"Rows per transaction (default {BATCH_SIZE}).",
        )

    def handle(self, *args, kind: str, file: str, batch_size: int, **options):
        if kind not in columns.SPECS:
            raise CommandError(f"Unknown kind '{kind}': use {' or '.join(columns.SPECS)}.")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        try:
            run = import_file(kind=kind, path=path, batch_size=batch_size)
        except (FileRefused, errors.ValidationFailed) as refusal:
            raise CommandError(
                refusal.message if isinstance(refusal, FileRefused) else str(refusal.fields)
            ) from None
        if options["verbosity"] > 1 and run.message:
            self.stderr.write(run.message)
        self.stdout.write(run.summary)
