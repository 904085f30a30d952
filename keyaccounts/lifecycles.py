"""A customer link's lifecycle: active → revoked (keyaccounts/models.py). Expiry needs no transition: a link
past `expires_at` is refused by its page like a revoked one. No transition log: the audit trail keeps it.

A health review's: open → completed (the account manager, with notes, actions and the next date) or cancelled
(with a reason). Opened by the check `keyaccounts.health_reviews_due` (an insert, not a transition)."""

from intimacy_ops import lifecycle
from intimacy_ops.lifecycle import Row, Who
from keyaccounts.models import CustomerLink, HealthReview

LINK = CustomerLink.Status


def _enter(link: CustomerLink, row: Row, at) -> None:
    link.status = row.target
    link.revoked_at = at
    link.save(update_fields=["status", "revoked_at", "revoked_by"])


TABLE = lifecycle.register(
    CustomerLink,
    rows=[
        Row(
            "revoke",
            {LINK.ACTIVE},
            LINK.REVOKED,
            Who(
                "the issuer, the customer's account manager, a data steward of its region or an administrator",
                rule="revoke",
            ),
            "Revoke",
        ),
    ],
    verb="customer_link",
    enter=_enter,
    states=[choice.value for choice in LINK],
    note="Expiry is not a transition: past `expires_at` the link's page answers 404 like a revoked one.",
)

from keyaccounts.playbooks import lifecycle as _plays  # noqa: E402, F401  (a play due's table)

REVIEW = HealthReview.Status


def _enter_review(review: HealthReview, row: Row, at) -> dict:
    review.status = row.target
    review.status_changed_at = at
    fields = ["status", "status_changed_at"]
    if row.target == REVIEW.COMPLETED:
        review.completed_at = at
        # notes, next date, facts and who completed it: set by the service just before
        fields += ["completed_at", "completed_by", "notes", "next_on", "facts"]
    else:
        fields.append("cancel_reason")
    review.save(update_fields=fields)
    return {"completed_at": at.isoformat()} if row.target == REVIEW.COMPLETED else {}


HEALTH_REVIEW_TABLE = lifecycle.register(
    HealthReview,
    rows=[
        Row(
            "complete",
            {REVIEW.OPEN},
            REVIEW.COMPLETED,
            Who("the customer's account manager or an administrator", rule="complete"),
            "Complete the review",
        ),
        Row(
            "cancel",
            {REVIEW.OPEN},
            REVIEW.CANCELLED,
            Who(
                "the customer's account manager, an operations lead of its region or an administrator",
                rule="cancel",
            ),
            "Cancel",
        ),
    ],
    verb="health_review",
    enter=_enter_review,
    note="Opened by the check `keyaccounts.health_reviews_due`, once per customer and period (a constraint). "
    "Completing freezes the period's facts and records the notes, agreed actions and next date; cancelling needs "
    "a reason. Completed and cancelled are final.",
)
