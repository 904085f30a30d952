"""Routing by threshold: below a region's limits a request goes to an operations lead, otherwise to a board."""

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


def route_request(exception: ExceptionRequest) -> str:
    """Pick the approver of a submitted request (a locked row); returns the route.

    Board: `route` → `under_review` now and the board's review opens. Lead: it stays `submitted` with
    `route` = lead and the region's operations leads are told; the lead's decision takes it up
    (lifecycle.decide_request applies `route`, then the decision).
    """
    region = exception.customer.region
    threshold = routing_threshold(exception.customer)  # read with the lock, as validation read it
    if threshold is None:
        raise errors.Conflict(
            f"No routing threshold is set for {region.code}, so nobody knows who decides this request. "
            "Ask an operations lead of the region to set one; your request stays as it was."
        )
    leads = None
    if is_below_threshold(exception, threshold):
        leads = list(leads_of(region.pk))  # read once: whether anyone decides here, and whom to tell
        if leads:
            exception.route = ExceptionRequest.Route.LEAD
            comment = (
                f"Below the {region.code} threshold (monthly < {threshold.monthly_cost_below}, "
                f"one-off < {threshold.one_off_cost_below}, risk below {threshold.risk_below}): "
                f"an operations lead of {region.code} decides."
            )
        else:
            exception.route = ExceptionRequest.Route.BOARD
            comment = f"Below the {region.code} threshold, but {region.code} has no operations lead: the board decides."
    else:
        exception.route = ExceptionRequest.Route.BOARD
        comment = f"Above the {region.code} threshold: the change-control board decides."
    if exception.route == ExceptionRequest.Route.LEAD:
        exception.save(update_fields=["route", "updated_at"])
        notifications.waiting_for_lead(exception, comment, leads=leads)
        return exception.route
    review = hooks.request_board_review(exception)  # raises, naming the problem, when no board covers it
    comment += f" Review opened on {review.board}." if getattr(review, "board", None) else ""
    # The kernel's engine applies the table's row: routing sits below the lifecycle service, which calls it,
    # and never calls it back.
    lifecycle.apply(exception, "route", comment=comment, authority="system")
    return exception.route


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
