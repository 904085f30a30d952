"""The home cards' figures from the per-region tables (refresh.py fills them): the same figures as the live
selectors (`selectors.cases.case_counts`, `selectors.tiers.tiers`) as of the last refresh, in one small query
each whatever the number of customers and cases. Before the first refresh the cards compute live."""

import datetime as dt

from django.db.models import Q, Sum
from django.db.models.functions import Coalesce

from intimacy_ops import access
from intimacy_ops.dashboard import summary_tables
from segments.figures.models import CaseFigure, TierFigure
from segments.figures.refresh import CASE_COLUMNS, NAME
from segments.models import Segment

EVERY_MINUTES = 5  # the check's interval (segments/checks.py)


def as_of(user) -> dt.datetime | None:
    """When the figures were last refreshed; None before the first refresh. Read once per request (kept on
    the user object: both cards ask)."""
    if "_region_figures_as_of" not in user.__dict__:
        user.__dict__["_region_figures_as_of"] = summary_tables.as_of(NAME)
    return user.__dict__["_region_figures_as_of"]


def case_counts(user) -> dict:
    """`selectors.cases.case_counts(user)` as of the refresh: summed over the regions the user sees."""
    sums = {column: Coalesce(Sum(column), 0) for column in CASE_COLUMNS}
    return access.visible(user, CaseFigure).aggregate(**sums)


def tiers(user) -> list[Segment]:
    """`selectors.tiers.tiers(user)` as of the refresh: every tier with its customers in total (every region),
    in the user's regions, and locked by hand."""
    mine = Q(region_id__in=access.visible(user, TierFigure).values("region_id"))
    counts = {
        row["segment_id"]: row
        for row in TierFigure.objects.order_by()
        .values("segment_id")
        .annotate(
            total=Sum("customers"),
            in_my_regions=Coalesce(Sum("customers", filter=mine), 0),
            locked=Sum("locked"),
        )
    }
    segments = list(Segment.objects.order_by("rank"))
    for segment in segments:
        row = counts.get(segment.pk, {})
        segment.total = row.get("total", 0)
        segment.in_my_regions = row.get("in_my_regions", 0)
        segment.locked = row.get("locked", 0)
    return segments
