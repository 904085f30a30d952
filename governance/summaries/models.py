"""The review backlog's summary tables (see the package's docstring). Rows are derived: the refresh replaces
them all in one transaction; nothing else writes them. Foreign keys without database constraints: a summary
row never holds up deleting a board or a region, and the next refresh drops it."""

from django.db import models


def _key(model, **extra):
    return models.ForeignKey(
        model, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+", **extra
    )


class ReviewBacklogFigure(models.Model):
    board = _key("governance.Board")
    region = _key("accounts.Region", null=True, help_text="None: a proposal (it has no customer).")
    open = models.PositiveIntegerField()
    overdue = models.PositiveIntegerField(help_text="Open and due before the refresh's day.")

    def __str__(self) -> str:
        return f"board {self.board_id}, region {self.region_id}: {self.open} open, {self.overdue} overdue"


class ReviewDecisionFigure(models.Model):
    board = _key("governance.Board")
    region = _key("accounts.Region", null=True)
    day = models.DateField(help_text="The day of the decision.")
    tenths = models.IntegerField(help_text="Tenths of a day from opening to decision.")
    decisions = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["day"], name="reviewdecisionfigure_day")]

    def __str__(self) -> str:
        return f"{self.day}: {self.decisions} decided in {self.tenths / 10} d (board {self.board_id})"
