from django.core.management.base import BaseCommand, CommandError

from intimacy_ops import checks


class Command(BaseCommand):
    help = "Run every registered periodic check once, synchronously, printing one line per check."

    def add_arguments(self, parser):
        parser.add_argument("names", nargs="*", help="Only these checks (default: all).")

    def handle(self, *args, names, **options):
        selected = checks.registered()
        if names:
            try:
                selected = [checks.get(name) for name in names]
            except LookupError as error:
                raise CommandError(str(error)) from None
        failures = 0
        for check in selected:
            try:
                self.stdout.write(f"{check.name}: {check.func()}")
            except Exception as error:  # one failing check must not hide the others
                failures += 1
                self.stderr.write(f"{check.name}: FAILED: {error.__class__.__name__}: {error}")
        if failures:
            raise CommandError(f"{failures} of {len(selected)} checks failed.")
