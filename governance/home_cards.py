"""What governance puts on the home pages: reviews waiting for a member's vote, next meetings, and the impact
assessments waiting for a process owner."""

from governance.selectors import meetings as meeting_selectors
from governance.selectors import reviews as selectors
from intimacy_ops.accounts.roles import Role
from intimacy_ops.accounts.selectors import head_and_count, register_home_card


@register_home_card(
    key="reviews-waiting-for-vote",
    title="Reviews waiting for your vote",
    roles={Role.BOARD_MEMBER, Role.BOARD_CHAIR},
    template="governance/home/_waiting_for_vote.html",
    order=5,
)
def _waiting_for_vote(user) -> dict:
    waiting = selectors.waiting_for_vote(user).select_related("board", "exception")  # what the card shows
    return head_and_count(waiting)


@register_home_card(
    key="impact-waiting",
    title="Impact assessments waiting for you",
    roles={Role.PROCESS_OWNER},
    template="governance/home/_impact_waiting.html",
    order=5,
)
def _impact_waiting(user) -> dict:
    return head_and_count(selectors.impact_waiting_for(user))


@register_home_card(
    key="next-meetings",
    title="Next board meetings",
    roles={Role.BOARD_MEMBER, Role.BOARD_CHAIR},
    template="governance/_meeting_home_card.html",
    order=20,
)
def _next_meetings(user) -> dict:
    rows = list(meeting_selectors.upcoming(user).filter(cancelled_at__isnull=True)[:3])
    return {"rows": rows}


@register_home_card(
    key="dashboard-link",
    title="Operations dashboard",
    roles={Role.BOARD_MEMBER, Role.BOARD_CHAIR, Role.AUDITOR},
    template="governance/home/_dashboard_link.html",
    order=40,
)
def _dashboard_link(user) -> dict:
    return {}
