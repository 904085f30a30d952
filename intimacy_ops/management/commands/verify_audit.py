from django.core.management.base import BaseCommand, CommandError

from intimacy_ops.audit import verify_chain


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain; report the first broken link, or 'intact'."

    def handle(self, *args, **options):
        report = verify_chain()
        if not report.intact:
            raise CommandError(str(report))
        self.stdout.write(str(report))
