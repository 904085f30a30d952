from django.core.management.base import BaseCommand, CommandError

from privacy.retention import service


class Command(BaseCommand):
    help = (
        "Apply the retention policies: anonymize or delete data past its time, in batches, never on legal "
        "hold. --dry-run prints what would change, per policy, and changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count what would change; change nothing.")
        parser.add_argument(
            "--batch-size",
            type=int,
            default=service.BATCH_SIZE,
            help="Rows per batch (one transaction each).",
        )

    def handle(self, *args, dry_run: bool, batch_size: int, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        outcomes = service.apply_retention(dry_run=dry_run, batch_size=batch_size)
        if not outcomes:
            self.stdout.write("No active retention policy: nothing to do.")
        for outcome in outcomes:
            self.stdout.write(outcome.line(dry_run=dry_run))
        if dry_run:
            total = sum(o.matched for o in outcomes)
            self.stdout.write(f"Dry run: {total} rows would change; nothing was changed.")
        else:
            total = sum(o.processed for o in outcomes)
            self.stdout.write(f"{total} rows changed.")
