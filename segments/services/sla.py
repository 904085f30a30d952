"""The SLA clock of service cases: due times from the segment's policy and working hours, and the acts
on a case (opened, answered, waiting on the customer, resolved) through its lifecycle table."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from intimacy_ops import access, audit, errors, lifecycle
from segments import business_hours
from segments.models import Customer, Priority, ServiceCase, SlaPolicy, WaitingInterval

GENERAL_QUEUE = "general"


def _calendar_for(customer: Customer, policy: SlaPolicy) -> business_hours.Calendar | None:
    if policy.clock == SlaPolicy.Clock.ALWAYS:
        return business_hours.ALWAYS
    calendar = getattr(customer.region, "calendar", None)
    return business_hours.Calendar.from_model(calendar)


def policy_for(case: ServiceCase) -> SlaPolicy | None:
    if case.customer.segment_id is None:
        return None
    return SlaPolicy.objects.filter(segment_id=case.customer.segment_id, priority=case.priority).first()


def is_breached(case: ServiceCase, at: datetime.datetime) -> bool:
    """Late when the response (or resolution) came after its due time, or has not come and the due time has passed."""
    for done, due in (
        (case.first_response_at, case.response_due_at),
        (case.resolved_at, case.resolution_due_at),
    ):
        if due is not None and (done or at) > due:
            return True
    return False


_LOOK_IT_UP = object()


def refresh_clock(
    case: ServiceCase, *, now: datetime.datetime | None = None, policy=_LOOK_IT_UP
) -> ServiceCase:
    """Recompute due times, breach state and queue from the policy, calendar and pauses (does not save).

    Pass `policy` (or None) when the caller already knows it, to save the lookup.
    """
    if policy is _LOOK_IT_UP:
        policy = policy_for(case)
    calendar = _calendar_for(case.customer, policy) if policy is not None else None
    pauses = (
        [(w.started_at, w.ended_at) for w in case.waiting.all()] if case.pk and policy is not None else []
    )
    return set_clock(
        case, policy=policy, queue=queue_of(case.customer.segment), calendar=calendar, pauses=pauses, now=now
    )


def queue_of(segment) -> str:
    """The team queue of a segment's cases: its dedicated team, else the general queue."""
    return segment.dedicated_team if segment and segment.dedicated_team else GENERAL_QUEUE


_ALWAYS = SlaPolicy.Clock.ALWAYS.value  # a plain string: the enum's attribute lookup is slow per case


def calendar_of(
    policy: SlaPolicy, region_calendar: business_hours.Calendar
) -> business_hours.Calendar | None:
    """The calendar a policy's clock runs on: always (24×7), or the region's working hours."""
    return business_hours.ALWAYS if policy.clock == _ALWAYS else region_calendar


def set_clock(case, *, policy, queue: str, calendar, pauses: list, now: datetime.datetime | None = None):
    """`refresh_clock` on what it has already looked up: any object with a case's fields (an import's staged
    row too). `calendar` is the policy's (`calendar_of`), `pauses` the case's waiting intervals."""
    now = now or timezone.now()
    case.queue = queue
    if policy is None:
        case.response_due_at = case.resolution_due_at = None
        case.breached = False
        case.update_reminder_at = None
        return case
    case.response_due_at = business_hours.add_minutes(
        case.opened_at, policy.first_response_minutes, calendar=calendar, pauses=pauses
    )
    case.resolution_due_at = business_hours.add_minutes(
        case.opened_at, policy.resolution_minutes, calendar=calendar, pauses=pauses
    )
    case.breached = is_breached(case, now)
    case.update_reminder_at = next_update_reminder(case, policy)
    return case


UPDATE_REMINDER_LEAD_SHARE = 4  # "near" the proactive-update deadline: a quarter of the interval before it


def next_update_reminder(case: ServiceCase, policy: SlaPolicy | None) -> datetime.datetime | None:
    """When the account manager is next reminded to update the customer, or None (closed, no interval).

    The customer must hear from us every `update_interval_minutes` since the first response (or the
    opening): deadlines at anchor + k × interval. The reminder for a deadline comes a quarter of the
    interval before it, once: the next one is the first deadline whose reminder time is after the
    last reminder sent.
    """
    if case.resolved_at is not None or policy is None or not policy.update_interval_minutes:
        return None
    interval = datetime.timedelta(minutes=policy.update_interval_minutes)
    lead = interval / UPDATE_REMINDER_LEAD_SHARE
    anchor = case.first_response_at or case.opened_at
    step = 1
    if case.update_reminded_at is not None:
        step = max(1, (case.update_reminded_at + lead - anchor) // interval + 1)
    return anchor + step * interval - lead


def reclock_open_cases(cases, *, batch_size: int = 500) -> int:
    """Recompute the clocks of the open cases among `cases` (after their customers changed tier), in batches."""
    policies = {(p.segment_id, p.priority): p for p in SlaPolicy.objects.all()}  # tiers × 4: a small table
    open_cases = (
        cases.filter(resolved_at__isnull=True)
        .select_related("customer__segment", "customer__region__calendar")
        .prefetch_related("waiting", "customer__region__calendar__holidays")
        .order_by("pk")
    )
    now = timezone.now()
    batch: list[ServiceCase] = []
    total = 0
    for case in open_cases.iterator(chunk_size=batch_size):
        batch.append(
            refresh_clock(case, now=now, policy=policies.get((case.customer.segment_id, case.priority)))
        )
        if len(batch) == batch_size:
            total += ServiceCase.objects.bulk_update(batch, CLOCK_FIELDS)
            batch = []
    if batch:
        total += ServiceCase.objects.bulk_update(batch, CLOCK_FIELDS)
    return total


CLOCK_FIELDS = ["response_due_at", "resolution_due_at", "breached", "queue", "update_reminder_at"]


def _case_snapshot(case: ServiceCase) -> dict:
    return {
        name: getattr(case, name)
        for name in (
            "priority",
            "opened_at",
            "first_response_at",
            "resolved_at",
            "response_due_at",
            "resolution_due_at",
            "breached",
            "queue",
        )
    }


def _load_case(case_id: int) -> ServiceCase:
    return (
        # Lock the case row only: PostgreSQL refuses FOR UPDATE on the nullable side of an outer join.
        ServiceCase.objects.select_for_update(of=("self",))
        .select_related("customer__segment", "customer__region")
        .get(pk=case_id)
    )


def open_case(
    *,
    actor,
    customer: Customer,
    priority: str,
    title: str = "",
    opened_at: datetime.datetime | None = None,
    source: str = "manual",
    external_id: str = "",
) -> ServiceCase:
    """Log a customer's issue; its due times follow from the customer's segment policy."""
    # Reloaded: the clock must follow the customer's segment as stored now, not a stale instance's.
    customer = (
        access.visible(actor, Customer).select_related("segment", "region").filter(pk=customer.pk).first()
    )
    if customer is None:
        raise errors.NotFound("No customer matches that id.")
    access.require(actor, "create", ServiceCase)
    if priority not in Priority.values:
        raise errors.ValidationFailed({"priority": ["Use P1, P2, P3 or P4."]})
    try:
        with transaction.atomic():
            case = ServiceCase(
                customer=customer,
                priority=priority,
                title=title,
                opened_at=opened_at or timezone.now(),
                source=source,
                external_id=external_id or "",
            )
            refresh_clock(case)
            case.save()
            if not case.external_id:
                ServiceCase.objects.filter(pk=case.pk).update(external_id=f"IO-{case.pk}")
                case.external_id = f"IO-{case.pk}"
            audit.record(actor=actor, verb="case.opened", obj=case, after=_case_snapshot(case))
    except IntegrityError:
        raise errors.ValidationFailed({"external_id": [f"{source}:{external_id} already exists."]}) from None
    return case


def enter_state(case: ServiceCase, row, at: datetime.datetime) -> dict:
    """What each step of a case's lifecycle (segments/lifecycles.py) writes; the engine calls it."""
    if row.action == "respond":
        case.first_response_at = at
    elif row.action == "resolve":
        WaitingInterval.objects.filter(case=case, ended_at__isnull=True).update(
            ended_at=max(at, case.opened_at)
        )
        case.first_response_at = case.first_response_at or at
        case.resolved_at = at
    elif row.action == "wait_on_customer":
        WaitingInterval.objects.create(case=case, started_at=at)
    elif row.action == "resume":
        WaitingInterval.objects.filter(case=case, ended_at__isnull=True).update(ended_at=at)
    refresh_clock(case)
    case.save()
    return _case_snapshot(case)


def _act_on_case(*, actor, case_id: int, action: str, at: datetime.datetime, validate) -> ServiceCase:
    with transaction.atomic():
        case = _load_case(case_id)
        lifecycle.check(case, action, actor=actor)  # 409 naming what the case allows now; 403
        validate(case)
        lifecycle.apply(case, action, actor=actor, at=at, before=_case_snapshot(case))
    return case


def _not_before_opening(field: str, at: datetime.datetime):
    def validate(case):
        if at < case.opened_at:
            raise errors.ValidationFailed({field: ["Cannot be before the case was opened."]})

    return validate


def record_first_response(*, actor, case: ServiceCase, at: datetime.datetime | None = None) -> ServiceCase:
    at = at or timezone.now()
    return _act_on_case(
        actor=actor,
        case_id=case.pk,
        action="respond",
        at=at,
        validate=_not_before_opening("first_response_at", at),
    )


def resolve_case(*, actor, case: ServiceCase, at: datetime.datetime | None = None) -> ServiceCase:
    at = at or timezone.now()
    return _act_on_case(
        actor=actor, case_id=case.pk, action="resolve", at=at, validate=_not_before_opening("resolved_at", at)
    )


def start_waiting(*, actor, case: ServiceCase, at: datetime.datetime | None = None) -> ServiceCase:
    """The case now waits on the customer: its SLA clock pauses."""
    return _act_on_case(
        actor=actor,
        case_id=case.pk,
        action="wait_on_customer",
        at=at or timezone.now(),
        validate=lambda c: None,
    )


def stop_waiting(*, actor, case: ServiceCase, at: datetime.datetime | None = None) -> ServiceCase:
    """The customer answered: the SLA clock runs again."""
    at = at or timezone.now()

    def validate(case):
        open_wait = case.waiting.filter(ended_at__isnull=True).first()
        if at <= open_wait.started_at:
            raise errors.ValidationFailed({"at": ["The wait must end after it started."]})

    return _act_on_case(actor=actor, case_id=case.pk, action="resume", at=at, validate=validate)
