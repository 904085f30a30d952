"""Governance's meetings in the navigation and on the home pages, for the people who sit on boards (and, in
the navigation, those who audit them)."""

from governance import meeting_selectors
from intimacy_ops.accounts import navigation
from intimacy_ops.accounts.roles import Role
from intimacy_ops.accounts.selectors import register_home_card

navigation.register(
    key="meetings",
    label="Meetings",
    url_name="governance:meetings",
    roles={Role.BOARD_MEMBER, Role.BOARD_CHAIR, Role.AUDITOR},
    order=62,
)


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
