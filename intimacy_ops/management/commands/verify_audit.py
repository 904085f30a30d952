from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from intimacy_ops.audit import verify_chain


class Command(BaseCommand):
    help = (
        "Verify the audit trail's keyed hash chain (AUDIT_KEY, AUDIT_KEY_FALLBACKS) and compare it with the "
        "latest checkpoint under AUDIT_CHECKPOINT_DIR; report the first broken link, a truncated, wiped or "
        "re-hashed trail (exit 1), or 'intact'."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--checkpoints",
            type=Path,
            default=None,
            metavar="FILE",
            help="Compare with the latest checkpoint in this file (e.g. the original's after a restore "
            "into a database of another name; default: AUDIT_CHECKPOINT_DIR/<database>.jsonl).",
        )

    def handle(self, *args, checkpoints: Path | None, **options):
        report = verify_chain(checkpoint_path=checkpoints)
        if not report.intact:
            raise CommandError(str(report))
        self.stdout.write(str(report))
