"""SLA compliance's summary table (see the package's docstring). Rows are derived: the refresh replaces them
all in one transaction; nothing else writes them. Foreign keys without database constraints: a summary row
never holds up deleting a region or a segment, and the next refresh drops it."""

from django.db import models


def _key(model):
    return models.ForeignKey(model, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")


class SlaFigure(models.Model):
    day = models.DateField(null=True, help_text="The day the cases were resolved; none: still open.")
    region = _key("accounts.Region")
    segment = _key("segments.Segment")
    priority = models.CharField(max_length=2)
    closed = models.PositiveIntegerField()
    compliant = models.PositiveIntegerField(help_text="Closed without a breach.")
    open_breached = models.PositiveIntegerField(help_text="Open and late at the refresh.")

    class Meta:
        indexes = [models.Index(fields=["region", "day"], name="slafigure_region_day")]

    def __str__(self) -> str:
        return f"{self.day}: {self.compliant}/{self.closed} (region {self.region_id}, {self.priority})"
