"""What exceptions puts on the role home pages: an account manager's requests, an operations lead's queue,
a process owner's standard options to propose."""

from exceptions import selectors
from exceptions.summaries import selectors as summary
from intimacy_ops.accounts.roles import Role
from intimacy_ops.accounts.selectors import head_and_count, register_home_card
from intimacy_ops.dashboard import filters as dashboard_filters


@register_home_card(
    key="my-requests",
    title="Your requests",
    roles={Role.ACCOUNT_MANAGER},
    template="exceptions/home/_my_requests.html",
    order=15,
)
def _my_requests(user) -> dict:
    counts = selectors.status_counts(selectors.request_list(user))
    return {
        "open": sum(counts.get(status, 0) for status in selectors.OPEN),
        "drafts": counts.get("draft", 0),
        "returned": counts.get("changes_requested", 0),
        # Waiting for a lead (`submitted`) or under a board's review: both await a decision.
        "under_review": counts.get("submitted", 0) + counts.get("under_review", 0),
        "active": counts.get("active", 0),
        "approved": counts.get("approved", 0),
    }


@register_home_card(
    key="waiting-for-me",
    title="Waiting for your decision",
    roles={Role.OPERATIONS_LEAD},
    template="exceptions/home/_waiting.html",
    order=5,
)
def _waiting(user) -> dict:
    return head_and_count(selectors.waiting_for(user))


@register_home_card(
    key="standard-options",
    title="Propose a standard option",
    roles={Role.PROCESS_OWNER},
    template="exceptions/home/_standard_options.html",
    order=10,
)
def _standard_options(user) -> dict:
    return {"candidates": selectors.standard_option_candidates(user)}


@register_home_card(
    key="exception-cost",
    title="Cost and drift of active exceptions",
    roles={Role.OPERATIONS_LEAD},
    template="exceptions/home/_cost.html",
    order=4,
)
def _cost(user) -> dict:
    """The dashboard's headlines over the lead's regions (its default filters): the monthly cost of the
    exceptions active today, and the three processes most drifted from (the drift panel's first rows). Both
    from the summary tables once refreshed, saying how fresh, as the dashboard reads them; live before (the
    cost summed every active request of the regions on every visit: 17-35 ms at 25,000 requests)."""
    filters = dashboard_filters.defaults(user)
    _, drift, _ = summary.drift(user, filters)
    as_of = summary.as_of(user)
    return {
        "monthly_cost": summary.monthly_cost_now(user, filters),
        "drift": [row for row in drift if row["customers_now"]][:3],
        "as_of": as_of,
        "every": summary.EVERY_MINUTES,
    }
