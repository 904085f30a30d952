from django.core.management.base import BaseCommand

from intimacy_ops import seeding


class Command(BaseCommand):
    help = "Load the demo data of CONTRACT.md (idempotent: a second run changes nothing)."

    def handle(self, *args, **options):
        for seed in seeding.registered():
            self.stdout.write(f"{seed.name}: {seed.func()}")
        self.stdout.write(
            self.style.SUCCESS("Demo data ready. Every demo user's password is 'intimacy-demo'.")
        )
