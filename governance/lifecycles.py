"""The lifecycles of governance's stateful models, as tables the kernel's engine applies
(intimacy_ops/lifecycle.py; `python manage.py lifecycles` prints them).

- Review: `open` until the chair records the board's decision (`decided`; a deferral keeps it open), or
  until the request under review is withdrawn or changed after its decision (`withdrawn`, closed unheard).
- Meeting: its state follows its dates: `scheduled` until it starts, then `held`; the chair may cancel a
  scheduled one (`cancelled`). Neither keeps a transition log of its own: the audit trail records each
  change (from, to, actor, authority, time, comment).
A person's *who* is an access rule (governance/access_rules/reviews.py, meetings.py).
"""

from django.utils import timezone

from governance.models import Meeting, Review
from intimacy_ops import lifecycle
from intimacy_ops.lifecycle import Row, Who


def _close(review: Review, row: Row, at) -> None:
    review.status = row.target
    review.closed_at = at
    review.save()  # a decision's outcome, rationale and chair are set by the service just before


lifecycle.register(
    Review,
    rows=[
        Row(
            "decide", {"open"}, "decided", Who("the board's chair", rule="decide"), "Decide", event="decided"
        ),
        Row(
            "withdraw",
            {"open"},
            "withdrawn",
            Who(
                "the requester, withdrawing or changing the request under review",
                rule="withdraw",
                system=True,
            ),
            "Withdraw",
            event="withdrawn",
        ),
    ],
    verb="review",
    enter=_close,
    note="A deferral is a decision that keeps the review open (due one review period later): no transition.",
)


def meeting_state(meeting: Meeting) -> str:
    if meeting.cancelled_at is not None:
        return "cancelled"
    return "held" if meeting.starts_at <= timezone.now() else "scheduled"


def _cancel(meeting: Meeting, row: Row, at) -> dict:
    meeting.cancelled_at = at
    meeting.save(update_fields=["cancelled_at"])
    return {"cancelled_at": at}


def _explain_meeting(meeting: Meeting, action: str, state: str) -> str:
    if state == "held":
        return "This meeting has already started; record its attendance and minutes instead."
    return ""


lifecycle.register(
    Meeting,
    rows=[
        Row(
            "cancel",
            {"scheduled"},
            "cancelled",
            Who("the board's chair, before it starts", rule="cancel"),
            "Cancel meeting",
            event="cancelled",
        ),
    ],
    verb="meeting",
    state=meeting_state,
    enter=_cancel,
    states=("scheduled", "held", "cancelled"),
    explain=_explain_meeting,
    note="No status field: the state is read from `cancelled_at` and `starts_at`.",
)
