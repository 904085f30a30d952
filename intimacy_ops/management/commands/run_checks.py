from django.core.management.base import BaseCommand, CommandError

from intimacy_ops import checks


class Command(BaseCommand):
    help = (
        "Run every registered periodic check once, synchronously, printing one line per check "
        "(`name: what it found and did`). Each run is recorded (trigger 'command') like beat's."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="append",
            dest="only",
            default=[],
            metavar="NAME",
            help="Only this check (repeat for several; default: all).",
        )
        parser.add_argument("names", nargs="*", help="Only these checks (same as --check).")

    def handle(self, *args, names, only: list[str], **options):
        wanted = [*only, *names]
        selected = checks.registered()
        if wanted:
            try:
                selected = [checks.get(name) for name in dict.fromkeys(wanted)]
            except LookupError as error:
                raise CommandError(str(error)) from None
        failures = 0
        for check in selected:
            try:
                result = checks.run(check.name, trigger="command")
            except Exception as error:  # one failing check must not hide the others
                failures += 1
                self.stderr.write(f"{check.name}: FAILED: {error.__class__.__name__}: {error}")
            else:
                self.stdout.write(f"{check.name}: {result.summary}")
        if failures:
            raise CommandError(f"{failures} of {len(selected)} checks failed.")
