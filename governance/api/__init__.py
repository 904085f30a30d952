"""The governance API (CONTRACT.md: `/api/v1/boards/`, `/api/v1/reviews/`), one module per sub-domain."""

from governance.api import meetings, policies, reviews


def register(router) -> None:
    reviews.register(router)
    meetings.register(router)
    policies.register(router)
