"""The periodic re-standardization check (issue 17, item 5): idempotent and safe to run twice at once (the
unique marker per process and period decides)."""

from governance.services.restandardization import open_restandardization_reviews
from intimacy_ops import checks


@checks.register(
    name="governance.restandardization",
    every_seconds=24 * 3600,
    description=(
        "Each controlled process gets one review of its active exceptions per period (every N months, "
        "per process), on its board's next meeting agenda when one is scheduled."
    ),
)
def restandardization() -> str:
    return str(open_restandardization_reviews())
