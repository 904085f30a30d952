"""The lifecycle of a break-glass session, as a table the kernel's engine applies
(intimacy_ops/lifecycle.py; `python manage.py lifecycles` prints it).

A session is opened by whoever needed the sensitive fields at once, and waits `to_review` until another
data steward accepts it as justified or flags it for follow-up; either is final. The state is read from
`review_outcome`; the audit trail records the review (from, to, reviewer, time, comment).
"""

from intimacy_ops import lifecycle
from intimacy_ops.lifecycle import Row, Who
from privacy.models import BreakGlassSession

STATES = {"": "to_review", "accept": "accepted", "flag": "flagged"}


def session_state(session: BreakGlassSession) -> str:
    return STATES[session.review_outcome]


def _review(session: BreakGlassSession, row: Row, at) -> dict:
    # The reviewer and comment are set on the instance by the service just before; the row is append-only
    # but for its review, written once.
    BreakGlassSession.objects.filter(pk=session.pk).update(
        reviewed_by=session.reviewed_by,
        reviewed_at=at,
        review_outcome=row.action,
        review_comment=session.review_comment,
    )
    session.refresh_from_db()
    return {"outcome": row.action}


REVIEWER = "another data steward than the one who opened it"

lifecycle.register(
    BreakGlassSession,
    rows=[
        Row(
            "accept",
            {"to_review"},
            "accepted",
            Who(REVIEWER, rule="review"),
            "Accept",
            event="break_glass_accept",
        ),
        Row("flag", {"to_review"}, "flagged", Who(REVIEWER, rule="review"), "Flag", event="break_glass_flag"),
    ],
    verb="sensitive",
    state=session_state,
    enter=_review,
    states=tuple(STATES.values()),
    note="No status field: the state is read from `review_outcome`; opening a session is not a transition.",
)
