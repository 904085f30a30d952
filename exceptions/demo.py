"""Demo processes, routing thresholds and exception requests (CONTRACT.md, "Demo data"). Idempotent.

Requests are built through the services, so their transitions and audit trail are real. The
builder `ensure_request` is shared with governance's demo, which decides the board-routed ones.
"""

import datetime
from collections.abc import Callable
from decimal import Decimal

from django.utils import timezone

from exceptions import selectors
from exceptions.models import ExceptionRequest, Process, ProcessCategory, RoutingThreshold
from exceptions.services import catalog, costs, lifecycle, routing
from exceptions.services import requests as request_services
from intimacy_ops import seeding
from intimacy_ops.accounts.models import Region, User
from segments.models import Customer

Status = ExceptionRequest.Status

PROCESSES = [
    # name, category, standard operating procedure, standard options
    (
        "Order entry and confirmation",
        ProcessCategory.ORDER_MANAGEMENT,
        "Orders arrive through the portal or EDI, are checked against credit and stock, and confirmed within 4 business hours.",
        ["EDI order feed"],
    ),
    (
        "Warehouse picking and shipping",
        ProcessCategory.FULFILMENT,
        "Orders confirmed before 14:00 ship the same day by the standard carrier, on standard pallets.",
        ["Express carrier at list price"],
    ),
    (
        "Returns and refunds",
        ProcessCategory.RETURNS,
        "Returns within 30 days with an RMA number; refunds within 10 business days of receipt.",
        [],
    ),
    (
        "Invoicing and payment terms",
        ProcessCategory.BILLING,
        "One invoice per shipment, payment within 30 days, in the customer's local currency.",
        ["Monthly consolidated invoice"],
    ),
    (
        "Support case handling",
        ProcessCategory.SERVICE,
        "Cases are logged in ticketing, triaged by priority and handled by the regional queue under the segment's SLA.",
        [],
    ),
    (
        "Customer onboarding",
        ProcessCategory.ONBOARDING,
        "Contract signed, master data created, portal access and a kick-off call within 10 business days.",
        [],
    ),
]

THRESHOLD = {
    "monthly_cost_below": Decimal("5000"),
    "one_off_cost_below": Decimal("20000"),
    "risk_below": "high",
    "max_duration_days": 365,
    "max_extensions": 2,
}

# status, title, process index, kind, monthly, one-off, risk, start (days from today), duration (days; None: permanent)
PLAN = [
    (Status.DRAFT, "Weekend deliveries for the spring campaign", 1, "one_off", 1200, 3000, "low", 20, 60),
    (Status.SUBMITTED, "Extended return window for seasonal stock", 2, "recurring", 800, 0, "low", 15, 180),
    (
        Status.UNDER_REVIEW,
        "Consolidated monthly invoice in EUR",
        3,
        "recurring",
        300,
        1500,
        "medium",
        10,
        300,
    ),
    (
        Status.UNDER_REVIEW,
        "Dedicated picking line for medical devices",
        1,
        "recurring",
        12000,
        45000,
        "high",
        30,
        300,
    ),
    (
        Status.APPROVED,
        "Priority case handling by a named engineer",
        4,
        "recurring",
        2500,
        0,
        "medium",
        25,
        200,
    ),
    (Status.REJECTED, "Refunds before the goods are received", 2, "recurring", 400, 0, "medium", 10, 120),
    (Status.CHANGES_REQUESTED, "Manual order confirmation by phone", 0, "recurring", 900, 0, "low", 14, 150),
    (
        Status.ACTIVE,
        "Custom pallet labels with the customer's SKU",
        1,
        "recurring",
        1500,
        4000,
        "low",
        -30,
        240,
    ),
    (Status.EXPIRED, "Holiday season order cut-off at 18:00", 0, "one_off", 2000, 0, "low", -120, 100),
    (Status.SUNSET, "Paper invoices by post", 3, "recurring", 150, 0, "low", -90, 300),
    (
        Status.STANDARDIZED,
        "EDI order feed in the customer's format",
        0,
        "permanent",
        600,
        8000,
        "low",
        -200,
        None,
    ),
    (Status.REVOKED, "Same-day courier for all orders", 1, "recurring", 4500, 0, "medium", -60, 200),
    (Status.WITHDRAWN, "Onboarding in the customer's ERP sandbox", 5, "one_off", 0, 6000, "low", 40, 30),
]

Decide = Callable[[ExceptionRequest, str, str], None]
End = Callable[[ExceptionRequest, str, str], None]


def _admin() -> User:
    return User.objects.get(username="admin")


@seeding.register(name="processes and routing thresholds", order=40)
def seed_catalog() -> str:
    admin = _admin()
    olivia = User.objects.filter(username="owner.olivia").first()
    created = 0
    for name, category, procedure, options in PROCESSES:
        if not Process.objects.filter(name=name).exists():
            catalog.create_process(
                actor=admin,
                name=name,
                category=category,
                owner=olivia,
                procedure=procedure,
                standard_options=options,
            )
            created += 1
    thresholds = 0
    for region in Region.objects.filter(code__in=["EMEA", "AMER"]):
        if not RoutingThreshold.objects.filter(region=region).exists():
            routing.set_routing_threshold(actor=admin, region=region, **THRESHOLD)
            thresholds += 1
    return f"{Process.objects.count()} processes ({created} new), {thresholds} new routing thresholds"


def _goes_to_a_lead(exception: ExceptionRequest) -> bool:
    region = exception.customer.region
    threshold = RoutingThreshold.objects.filter(region=region).first()
    return bool(
        threshold
        and routing.is_below_threshold(exception, threshold)
        and selectors.leads_of(region.pk).exists()
    )


def ensure_request(
    *,
    requester: User,
    customer: Customer,
    process: Process,
    plan: tuple,
    decide: Decide,
    end: End,
    today: datetime.date,
) -> bool:
    """Bring one demo request to its planned status through the services; False if it already exists."""
    status, title, _, kind, monthly, one_off, risk, start, duration = plan
    if ExceptionRequest.objects.filter(requested_by=requester, title=title).exists():
        return False
    starts_on = today + datetime.timedelta(days=start)
    exception = request_services.create_request(
        actor=requester,
        customer=customer,
        process=process,
        title=title,
        deviation=f"{title} for {customer.name}, instead of: {process.name.lower()} as standard.",
        justification=f"{customer.name} asked for it at the quarterly business review; it protects the renewal.",
        kind=kind,
        permanent_reason="The standard serves hundreds of customers on the portal; changing it for one format is not worth it."
        if kind == "permanent"
        else "",
        scope_regions=[customer.region],
        scope_sites=["Main warehouse"],
        scope_shifts=["Day shift"],
        estimated_monthly_cost=Decimal(monthly),
        estimated_one_off_cost=Decimal(one_off),
        revenue_at_risk=Decimal(monthly) * 24,
        risk_rating=risk,
        starts_on=starts_on,
        expires_on=starts_on + datetime.timedelta(days=duration) if duration else None,
        handling_procedure="Every shift checks the customer flag on the order and follows the steps in the request.",
    )
    if status == Status.DRAFT:
        return True
    if status == Status.WITHDRAWN:
        lifecycle.withdraw_request(
            exception=exception, actor=requester, comment="The customer changed their mind."
        )
        return True
    # A lead-routed request waits `submitted` for its lead anyway; a board-routed one would go straight
    # to `under_review`, so the planned `submitted` one is held before routing.
    hold = status == Status.SUBMITTED and not _goes_to_a_lead(exception)
    exception = lifecycle.submit_request(exception=exception, actor=requester, route=not hold)
    if status in (Status.SUBMITTED, Status.UNDER_REVIEW):
        return True
    if status == Status.REJECTED:
        decide(
            exception,
            "reject",
            "Refunding before receipt invites fraud; offer an advance replacement instead.",
        )
        return True
    if status == Status.CHANGES_REQUESTED:
        decide(exception, "return_for_changes", "Say which shifts confirm by phone and how it is recorded.")
        return True
    decide(exception, "approve", "Small, contained and good for the account.")
    if status == Status.APPROVED:
        return True
    lifecycle.activate_due_exceptions(today=today)
    exception.refresh_from_db()
    if status == Status.ACTIVE:
        for days_ago, share in ((20, "0.9"), (5, "0.4")):
            costs.record_cost(
                actor=requester,
                exception=exception,
                incurred_on=today - datetime.timedelta(days=days_ago),
                amount=Decimal(monthly) * Decimal(share),
                note="Extra handling booked by the warehouse.",
            )
    elif status == Status.EXPIRED:
        lifecycle.expire_due_exceptions(today=today)
    elif status == Status.SUNSET:
        end(exception, "sunset", "The customer moves to e-invoicing next quarter.")
    elif status == Status.STANDARDIZED:
        end(exception, "standardize", "Enough customers ask for it: it is now a standard option.")
    elif status == Status.REVOKED:
        end(exception, "revoke", "Courier costs ran far above the estimate.")
    return True


def seed_requests_for(*, requester: User, decide: Decide, end: End) -> int:
    """Every status of the lifecycle for one account manager's customers."""
    customers = list(
        Customer.objects.filter(account_manager=requester).select_related("region").order_by("id")
    )
    processes = list(Process.objects.order_by("id"))
    if not customers or len(processes) < len(PROCESSES):
        return 0
    today = timezone.localdate()
    created = 0
    for index, plan in enumerate(PLAN):
        created += ensure_request(
            requester=requester,
            customer=customers[index % len(customers)],
            process=processes[plan[2]],
            plan=plan,
            decide=decide,
            end=end,
            today=today,
        )
    return created


@seeding.register(name="exception requests of EMEA (decided by the operations lead)", order=50)
def seed_lead_requests() -> str:
    alice = User.objects.get(username="am.alice")
    oscar = User.objects.get(username="ops.oscar")

    def decide(exception, action, comment):
        if exception.route == ExceptionRequest.Route.LEAD:
            lifecycle.decide_request(exception=exception, actor=oscar, action=action, comment=comment)

    def end(exception, action, comment):
        authority = "system" if action == "standardize" else "person"
        lifecycle.end_exception(
            exception=exception, action=action, actor=oscar, comment=comment, authority=authority
        )

    created = seed_requests_for(requester=alice, decide=decide, end=end)
    return (
        f"{ExceptionRequest.objects.filter(requested_by=alice).count()} requests of am.alice ({created} new)"
    )


# The dashboard's stories: one process drifting (more EMEA customers each quarter hold a Saturday-delivery
# exception against shipping), one customer costing more than it brings (its exceptions' yearly cost is a
# fifth of its revenue).
DRIFT_STARTS = (-330, -270, -200, -140, -90, -45, -25)


@seeding.register(name="dashboard stories: a drifting process, a costly customer", order=52)
def seed_dashboard_stories() -> str:
    alice = User.objects.get(username="am.alice")
    oscar = User.objects.get(username="ops.oscar")
    customers = list(Customer.objects.filter(account_manager=alice).order_by("annual_revenue", "id"))
    processes = list(Process.objects.order_by("id"))
    if not customers or len(processes) < len(PROCESSES):
        return "no customers or processes to tell the stories with"

    def decide(exception, action, comment):
        if exception.route == ExceptionRequest.Route.LEAD:
            lifecycle.decide_request(exception=exception, actor=oscar, action=action, comment=comment)

    today = timezone.localdate()
    plans = [
        (
            customers[-(index + 1) % len(customers)],
            (Status.ACTIVE, "Saturday delivery", 1, "recurring", 700 + 100 * index, 0, "low", start, 360),
        )
        for index, start in enumerate(DRIFT_STARTS)
    ]
    costly = customers[0]  # the smallest revenue
    plans += [
        (costly, (Status.ACTIVE, "Dedicated account desk", 4, "recurring", 2400, 0, "low", -100, 360)),
        (costly, (Status.ACTIVE, "Free monthly on-site visit", 1, "recurring", 1200, 0, "low", -50, 360)),
    ]
    created = 0
    for customer, (status, title, *rest) in plans:
        created += ensure_request(
            requester=alice,
            customer=customer,
            process=processes[rest[0]],
            plan=(status, f"{title} for {customer.name}", *rest),
            decide=decide,
            end=decide,
            today=today,
        )
    return f"{created} new story requests"


# The decision times' story (its own module: this one is near its size limit).
from exceptions import demo_decisions  # noqa: E402, F401
