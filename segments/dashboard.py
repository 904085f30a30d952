"""The segments app's contribution to the dashboard: the `segment` filter (its panels come with issue 15's
segments part)."""

from intimacy_ops import dashboard
from segments.models import Segment

dashboard.register_filter(
    "segment",
    label="Segment",
    choices=lambda user: list(Segment.objects.order_by("rank").values_list("id", "name")),
)
