from django.core.management.base import BaseCommand

from intimacy_ops import lifecycle


class Command(BaseCommand):
    help = "Print every registered lifecycle table as Markdown (model, action, from, to, who): docs/lifecycles.md."

    def handle(self, *args, **options):
        self.stdout.write(lifecycle.as_markdown(), ending="")
