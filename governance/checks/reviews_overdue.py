"""The periodic checks of governance that are not the threshold policies' (DESIGN.md, "Background work").

`governance.reviews_overdue`: an open review past its due date is escalated to its board's chair.
Ladder (REVIEW_OVERDUE_LADDER): level 1 the board chair (the escalation's target user), after a day
unacknowledged the operations leads of the region (the request's customer's region; the board's region
when it has one; otherwise every region), after one more day the administrators. One open escalation per
review and reason (the database's constraint), so the check may run as often, and as concurrently, as
beat likes; reviews already escalated are not even read again.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef
from django.utils import timezone

from governance.models import Review
from intimacy_ops import checks
from intimacy_ops.accounts.roles import Role
from intimacy_ops.escalations import about, reach
from intimacy_ops.escalations import services as escalations
from intimacy_ops.escalations.models import Escalation

REASON = "review_overdue"
REVIEW_OVERDUE_LADDER = [
    {"role": Role.BOARD_CHAIR.value, "after_minutes": 0},
    {"role": Role.OPERATIONS_LEAD.value, "after_minutes": 24 * 60},
    {"role": Role.ADMINISTRATOR.value, "after_minutes": 48 * 60},
]
BATCH_SIZE = 200
# Its first rung names the chair; the others are roles, which may fall through (escalations/reach.py).
reach.register_ladders(
    "governance.reviews_overdue", lambda: [("Overdue board reviews", REVIEW_OVERDUE_LADDER[1:])]
)
about.register_customer_subject(Review, "exception__customer")  # the customer page's history


def _region(review: Review):
    if review.exception_id is not None:
        return review.exception.customer.region
    regions = list(review.board.regions.all())
    return regions[0] if len(regions) == 1 else None


def _overdue(review: Review, today) -> dict:
    days = (today - review.due_on).days
    return dict(
        subject=review,
        reason=REASON,
        detail=(
            f"{review.board.name}: the review was due {review.due_on:%Y-%m-%d} "
            f"({days} day{'s' if days != 1 else ''} ago) and is still open."
        ),
        subject_label=f"Review {review.pk}: {review.headline}"[:200],
        subject_link=review.get_absolute_url(),
        region=_region(review),
        ladder=REVIEW_OVERDUE_LADDER,
        target_user=review.board.chair,
    )


def escalate_overdue_reviews(*, today) -> checks.CheckResult:
    """Escalate every open review whose due date has passed and that has no open escalation yet."""
    already = Escalation.objects.filter(
        content_type=ContentType.objects.get_for_model(Review),
        object_id=OuterRef("pk"),
        reason=REASON,
        resolved_at__isnull=True,
    )
    ids = list(
        Review.objects.filter(status=Review.Status.OPEN, due_on__lt=today)
        .filter(~Exists(already))
        .order_by("pk")
        .values_list("pk", flat=True)
    )

    def escalate(reviews: list[Review]) -> int:
        return escalations.raise_escalations([_overdue(review, today) for review in reviews])

    # Each batch one transaction, its reviews locked (another run's skipped): one insert of escalations, one
    # audit batch, one insert of the chairs' urgent notices (still one per review: escalations stay individual).
    still_open = (
        Review.objects.filter(status=Review.Status.OPEN)
        .select_related("board__chair", "exception__customer__region")
        .prefetch_related("board__regions")
    )
    raised = sum(checks.in_locked_batches(still_open, ids, escalate, size=BATCH_SIZE))
    return checks.CheckResult(
        summary=f"{checks.plural(raised, 'overdue review')} escalated",
        counts={"escalations_raised": raised},
    )


@checks.register(
    name="governance.reviews_overdue",
    every_seconds=3600,
    description=(
        "Open reviews past their due date are escalated to the board chair, then the region's operations "
        "leads, then the administrators."
    ),
)
def reviews_overdue() -> checks.CheckResult:
    return escalate_overdue_reviews(today=timezone.localdate())
