"""The per-region figure tables (see the package's docstring). Rows are derived: the refresh replaces them
all in one transaction; nothing else writes them. Foreign keys without database constraints: a figure row
never holds up deleting a region or a segment, and the next refresh drops it."""

from django.db import models


def _key(model, **extra):
    return models.ForeignKey(
        model, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+", **extra
    )


class TierFigure(models.Model):
    region = _key("accounts.Region")
    segment = _key("segments.Segment")
    customers = models.PositiveIntegerField()
    locked = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.customers} customers (region {self.region_id}, segment {self.segment_id})"


class CaseFigure(models.Model):
    region = _key("accounts.Region")
    open_count = models.PositiveIntegerField()
    breached_count = models.PositiveIntegerField()
    within_count = models.PositiveIntegerField()
    waiting_count = models.PositiveIntegerField()
    due_soon_count = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.open_count} open cases (region {self.region_id})"
