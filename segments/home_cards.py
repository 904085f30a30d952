"""What segments puts on the role home pages: accounts, cases and tier load, each one query."""

from intimacy_ops.accounts.roles import Role
from intimacy_ops.accounts.selectors import register_home_card
from intimacy_ops.dashboard import filters as dashboard_filters
from segments.figures import selectors as figures
from segments.selectors import cases, customers, sla_compliance, tiers
from segments.summaries import figures as sla_summary


@register_home_card(
    key="accounts",
    title="Your accounts",
    roles={Role.ACCOUNT_MANAGER},
    template="segments/home/_accounts.html",
    order=10,
)
def _accounts(user) -> dict:
    """The manager's customers, and the open cases of their regions from the per-region figures once refreshed
    (as the leads' card below): live, the count passed over every open case of the region on every visit to
    the home (45 ms of SQL at 100,000 customers, bench/README.md)."""
    return {"customers": customers.customer_counts(user), **_case_figures(user)}


@register_home_card(
    key="service",
    title="Service cases in your regions",
    roles={Role.OPERATIONS_LEAD, Role.BOARD_CHAIR, Role.BOARD_MEMBER, Role.PROCESS_OWNER, Role.AUDITOR},
    template="segments/home/_cases.html",
    order=20,
)
def _case_figures(user) -> dict:
    """From the per-region figures once refreshed (a few rows), live before: the live count passes over every
    open case of the user's regions (~150 ms at 100,000 customers, bench/README.md)."""
    as_of = figures.as_of(user)
    if as_of is None:
        return {"cases": cases.case_counts(user)}
    return {"cases": figures.case_counts(user), "as_of": as_of, "every": figures.EVERY_MINUTES}


@register_home_card(
    key="tiers",
    title="Tier load",
    roles={Role.OPERATIONS_LEAD},
    template="segments/home/_tiers.html",
    order=30,
)
def _tiers(user) -> dict:
    """From the per-region figures once refreshed, live before (a pass over every customer)."""
    as_of = figures.as_of(user)
    if as_of is None:
        return {"tiers": tiers.tiers(user)}
    return {"tiers": figures.tiers(user), "as_of": as_of, "every": figures.EVERY_MINUTES}


@register_home_card(
    key="sla-compliance",
    title="SLA compliance",
    roles={Role.OPERATIONS_LEAD},
    template="segments/home/_sla_compliance.html",
    order=3,
)
def _sla_compliance(user) -> dict:
    filters = dashboard_filters.defaults(user)  # the dashboard's defaults: every region, 12 months
    period = {"regions": filters.regions, "since": filters.since, "until": filters.until}
    # The dashboard's summary table once refreshed (its headline figure), live before.
    found = (
        sla_summary.overall(**period) if sla_summary.as_of(user) else sla_compliance.overall(user, **period)
    )
    return {"figures": found, "since": filters.since, "until": filters.until}
