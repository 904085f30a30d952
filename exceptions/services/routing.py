"""Routing by threshold: below a region's limits a request goes to an operations lead, otherwise to a board."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from exceptions import hooks
from exceptions.models import ExceptionRequest, RiskRating, RoutingThreshold
from exceptions.selectors import leads_of, routing_threshold
from exceptions.services import notifications
from intimacy_ops import access, audit, errors, lifecycle
from intimacy_ops.accounts.models import Region

THRESHOLD_FIELDS = (
    "monthly_cost_below",
    "one_off_cost_below",
    "risk_below",
    "max_duration_days",
    "max_extensions",
)


def is_below_threshold(exception: ExceptionRequest, threshold: RoutingThreshold) -> bool:
    """All three under the limits: monthly cost, one-off cost and risk rating."""
    return (
        exception.estimated_monthly_cost < threshold.monthly_cost_below
        and exception.estimated_one_off_cost < threshold.one_off_cost_below
        and RiskRating.rank(exception.risk_rating) < RiskRating.rank(threshold.risk_below)
    )


@dataclass(frozen=True)
class Routing:
    """Who decides a submitted request, and why (the timeline's and the notices' words)."""

    route: str
    comment: str
    leads: list | None  # the region's operations leads, when they were read


def plan_route(exception: ExceptionRequest) -> Routing:
    """Pick the approver of a request being submitted (a locked row), changing nothing: an operations lead when
    below the region's threshold and the region has one, else the board. 409 when no threshold is set."""
    region = exception.customer.region
    threshold = routing_threshold(exception.customer)  # read with the lock, as validation read it
    if threshold is None:
        raise errors.Conflict(
            f"No routing threshold is set for {region.code}, so nobody knows who decides this request. "
            "Ask an operations lead of the region to set one; your request stays as it was."
        )
    if not is_below_threshold(exception, threshold):
        return Routing(
            ExceptionRequest.Route.BOARD,
            f"Above the {region.code} threshold: the change-control board decides.",
            None,
        )
    leads = list(leads_of(region.pk))  # read once: whether anyone decides here, and whom to tell
    if not leads:
        return Routing(
            ExceptionRequest.Route.BOARD,
            f"Below the {region.code} threshold, but {region.code} has no operations lead: the board decides.",
            leads,
        )
    return Routing(
        ExceptionRequest.Route.LEAD,
        f"Below the {region.code} threshold (monthly < {threshold.monthly_cost_below}, "
        f"one-off < {threshold.one_off_cost_below}, risk below {threshold.risk_below}): "
        f"an operations lead of {region.code} decides.",
        leads,
    )


def follow_route(exception: ExceptionRequest, routing: Routing) -> str:
    """Send a submitted request whose `route` is set (and saved) down that route; returns the route.

    Board: `route` → `under_review` now and the board's review opens. Lead: it stays `submitted` and the
    region's operations leads are told; the lead's decision takes it up (lifecycle.decide_request applies
    `route`, then the decision).
    """
    if routing.route == ExceptionRequest.Route.LEAD:
        notifications.waiting_for_lead(exception, routing.comment, leads=routing.leads)
        return routing.route
    review = hooks.request_board_review(exception)  # raises, naming the problem, when no board covers it
    comment = routing.comment + (
        f" Review opened on {review.board}." if getattr(review, "board", None) else ""
    )
    # The kernel's engine applies the table's row: routing sits below the lifecycle service, which calls it,
    # and never calls it back.
    lifecycle.apply(exception, "route", comment=comment, authority="system")
    return exception.route


def route_request(exception: ExceptionRequest) -> str:
    """Pick the approver of a submitted request (a locked row) and send it there; returns the route.

    A submit plans the route before its own write instead (lifecycle.submit_request): the route is saved with
    the status, in one UPDATE.
    """
    routing = plan_route(exception)
    exception.route = routing.route
    if routing.route == ExceptionRequest.Route.LEAD:
        exception.save(update_fields=["route", "updated_at"])
    return follow_route(exception, routing)


def set_routing_threshold(*, actor, region: Region, **values) -> RoutingThreshold:
    """Set a region's routing limits and duration policy (an operations lead of the region)."""
    unknown = sorted(set(values) - set(THRESHOLD_FIELDS))
    if unknown:
        raise errors.ValidationFailed({name: ["Unknown field."] for name in unknown})
    access.require(actor, "set_routing_threshold", region)
    problems = {
        name: ["Cannot be negative."]
        for name in ("monthly_cost_below", "one_off_cost_below")
        if name in values and Decimal(values[name]) < 0
    }
    if "risk_below" in values and values["risk_below"] not in RiskRating.values:
        problems["risk_below"] = [f"Choose one of: {', '.join(RiskRating.values)}."]
    if problems:
        raise errors.ValidationFailed(problems)
    with transaction.atomic():
        threshold = RoutingThreshold.objects.select_for_update().filter(region=region).first()
        before = {name: getattr(threshold, name) for name in THRESHOLD_FIELDS} if threshold else None
        if threshold is None:
            if not {"monthly_cost_below", "one_off_cost_below"} <= set(values):
                raise errors.ValidationFailed(
                    {"monthly_cost_below": ["Give both cost limits for a new threshold."]}
                )
            threshold = RoutingThreshold(region=region)
        for name, value in values.items():
            setattr(threshold, name, value)
        threshold.save()
        audit.record(
            actor=actor,
            verb="routing_threshold.set",
            obj=threshold,
            before=before,
            after={name: getattr(threshold, name) for name in THRESHOLD_FIELDS},
        )
    return threshold
