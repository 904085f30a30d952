"""SLA policies (with the equity guard) and the SLA clock of service cases."""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from intimacy_ops import access, audit, checks, errors, lifecycle, notifications
from intimacy_ops.accounts.roles import Role
from intimacy_ops.escalations import services as escalations
from segments import business_hours
from segments.models import Customer, Priority, ServiceCase, SlaPolicy, WaitingInterval

POLICY_FIELDS = (
    "first_response_minutes",
    "resolution_minutes",
    "clock",
    "update_interval_minutes",
    "escalation_ladder",
)
MIN_REASON_LENGTH = 15
GENERAL_QUEUE = "general"


def _policy_snapshot(policy: SlaPolicy) -> dict:
    return {name: getattr(policy, name) for name in POLICY_FIELDS} | {
        "segment": policy.segment_id,
        "priority": policy.priority,
        "equity_exception_reason": policy.equity_exception_reason,
    }


def equity_conflicts(policy: SlaPolicy) -> list[str]:
    """Where this policy gives a lower tier a faster target than a higher tier (or the reverse), same priority."""
    conflicts = []
    others = (
        SlaPolicy.objects.filter(priority=policy.priority).exclude(pk=policy.pk).select_related("segment")
    )
    for other in others:
        higher, lower = (other, policy) if other.segment.rank < policy.segment.rank else (policy, other)
        if higher.segment.rank == lower.segment.rank:
            continue
        for name, label in (
            ("first_response_minutes", "first response"),
            ("resolution_minutes", "resolution"),
        ):
            if getattr(lower, name) < getattr(higher, name):
                conflicts.append(
                    f"{lower.segment.name} (rank {lower.segment.rank}) would get a faster {label} target for "
                    f"{policy.priority} ({getattr(lower, name)} min) than {higher.segment.name} "
                    f"(rank {higher.segment.rank}, {getattr(higher, name)} min)."
                )
    return conflicts


def _validate_ladder(ladder) -> list[str]:
    if not isinstance(ladder, list):
        return ['Give a list of steps like {"after_minutes": 60, "role": "operations lead"}.']
    problems = []
    roles = {role.value for role in Role}
    previous = 0
    for number, step in enumerate(ladder, start=1):
        if not isinstance(step, dict) or set(step) != {"after_minutes", "role"}:
            problems.append(f"Step {number}: needs exactly 'after_minutes' and 'role'.")
            continue
        after = step["after_minutes"]
        if isinstance(after, bool) or not isinstance(after, int) or after <= previous:
            problems.append(
                f"Step {number}: 'after_minutes' must be a whole number greater than the step before ({previous})."
            )
        else:
            previous = after
        if step["role"] not in roles:
            problems.append(
                f"Step {number}: '{step['role']}' is not a role; use one of {', '.join(sorted(roles))}."
            )
    return problems


def save_policy(*, actor, segment, priority: str, values: dict, equity_reason: str = "") -> SlaPolicy:
    """Create or change the SLA policy of a segment and priority; the equity guard refuses unfair targets unless confirmed."""
    access.require(actor, "change", SlaPolicy)
    unknown = sorted(set(values) - set(POLICY_FIELDS))
    if unknown:
        raise errors.ValidationFailed({name: ["Unknown field."] for name in unknown})
    with transaction.atomic():
        policy = SlaPolicy.objects.select_for_update().filter(segment=segment, priority=priority).first()
        before = _policy_snapshot(policy) if policy else None
        policy = policy or SlaPolicy(segment=segment, priority=priority)
        for name, value in values.items():
            setattr(policy, name, value)
        problems: dict[str, list[str]] = {}
        if priority not in Priority.values:
            problems["priority"] = ["Use P1, P2, P3 or P4."]
        for name in ("first_response_minutes", "resolution_minutes"):
            value = getattr(policy, name)
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                problems[name] = ["A whole number of minutes greater than 0."]
        if not problems and policy.resolution_minutes < policy.first_response_minutes:
            problems["resolution_minutes"] = ["Resolution cannot be due before the first response."]
        if policy.clock not in SlaPolicy.Clock.values:
            problems["clock"] = [f"Use one of: {', '.join(SlaPolicy.Clock.values)}."]
        interval = policy.update_interval_minutes
        if interval is not None and (
            isinstance(interval, bool) or not isinstance(interval, int) or interval <= 0
        ):
            problems["update_interval_minutes"] = ["A whole number of minutes greater than 0, or empty."]
        ladder_problems = _validate_ladder(policy.escalation_ladder)
        if ladder_problems:
            problems["escalation_ladder"] = ladder_problems
        if problems:
            raise errors.ValidationFailed(problems)
        conflicts = equity_conflicts(policy)
        if conflicts:
            reason = (equity_reason or "").strip()
            if not (may_confirm := access.allowed(actor, "confirm_equity_exception", SlaPolicy)):
                raise errors.ValidationFailed({"equity": conflicts + [may_confirm.reason]})
            if len(reason) < MIN_REASON_LENGTH:
                raise errors.ValidationFailed(
                    {
                        "equity_reason": conflicts
                        + [
                            f"To save it anyway, confirm with a written reason of at least {MIN_REASON_LENGTH} characters."
                        ]
                    },
                    message="This policy breaks tier equity.",
                )
            policy.equity_exception_reason = reason
        else:
            policy.equity_exception_reason = ""
        policy.save()
        audit.record(
            actor=actor,
            verb="sla_policy.created" if before is None else "sla_policy.changed",
            obj=policy,
            before=before,
            after=_policy_snapshot(policy),
            comment=policy.equity_exception_reason and f"equity confirmed: {policy.equity_exception_reason}",
        )
    return policy


# --- the SLA clock of a case ------------------------------------------------------------------


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
    now = now or timezone.now()
    if policy is _LOOK_IT_UP:
        policy = policy_for(case)
    segment = case.customer.segment
    case.queue = segment.dedicated_team if segment and segment.dedicated_team else GENERAL_QUEUE
    if policy is None:
        case.response_due_at = case.resolution_due_at = None
        case.breached = False
        case.update_reminder_at = None
        return case
    calendar = _calendar_for(case.customer, policy)
    pauses = [(w.started_at, w.ended_at) for w in case.waiting.all()] if case.pk else []
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


# --- the SLA sweep (a periodic check) -------------------------------------------------------------

SWEEP_BATCH_SIZE = 200
BREACH_REASONS = {"response": "sla_response_breached", "resolution": "sla_resolution_breached"}
ACCOUNT_MANAGER_RUNG = {"role": Role.ACCOUNT_MANAGER.value, "after_minutes": 0}


def _crossed(line: str, now: datetime.datetime) -> Q:
    """Cases whose `line` (response or resolution) due time passed unanswered and is not yet escalated.

    The very condition of the partial indexes case_response_to_sweep / case_resolution_to_sweep.
    """
    if line == "response":
        return Q(first_response_at__isnull=True, response_breached_at__isnull=True, response_due_at__lt=now)
    return Q(resolved_at__isnull=True, resolution_breached_at__isnull=True, resolution_due_at__lt=now)


def _ladder(policy: SlaPolicy | None) -> list[dict]:
    """The account manager first, then the policy's own ladder (operations lead, head of region…)."""
    return [ACCOUNT_MANAGER_RUNG, *(policy.escalation_ladder if policy else [])]


def _escalate_breaches(now: datetime.datetime, policies: dict) -> tuple[int, int]:
    """Mark and escalate what crossed a due time; returns (cases newly breached, escalations raised)."""
    wanted = _crossed("response", now) | _crossed("resolution", now)
    # Two indexed range scans on the partial indexes: only rows still to act on.
    ids = sorted(
        set(ServiceCase.objects.filter(_crossed("response", now)).values_list("pk", flat=True))
        | set(ServiceCase.objects.filter(_crossed("resolution", now)).values_list("pk", flat=True))
    )

    def mark_and_escalate(cases: list[ServiceCase]) -> tuple[int, int]:
        raised = 0
        for line, field in (("response", "response_breached_at"), ("resolution", "resolution_breached_at")):
            crossed = [case for case in cases if _is_crossed(case, line, now)]
            if crossed:
                ServiceCase.objects.filter(pk__in=[case.pk for case in crossed]).update(
                    **{field: now}, breached=True
                )
            for case in crossed:
                raised += _raise_breach(case, line, policies.get((case.customer.segment_id, case.priority)))
        return len(cases), raised

    # Re-checked under the lock (`wanted`): a concurrent sweep may have done, or be doing, some of them.
    still_crossed = ServiceCase.objects.filter(wanted).select_related(
        "customer__region", "customer__account_manager"
    )
    batches = checks.in_locked_batches(still_crossed, ids, mark_and_escalate, size=SWEEP_BATCH_SIZE)
    return sum(breached for breached, _ in batches), sum(raised for _, raised in batches)


def _is_crossed(case: ServiceCase, line: str, now: datetime.datetime) -> bool:
    if line == "response":
        done, marked, due = case.first_response_at, case.response_breached_at, case.response_due_at
    else:
        done, marked, due = case.resolved_at, case.resolution_breached_at, case.resolution_due_at
    return done is None and marked is None and due is not None and due < now


def _raise_breach(case: ServiceCase, line: str, policy: SlaPolicy | None) -> int:
    due = case.response_due_at if line == "response" else case.resolution_due_at
    customer = case.customer
    _, created = escalations.raise_escalation(
        subject=case,
        reason=BREACH_REASONS[line],
        detail=(
            f"{customer.name}: the {line} to case {case.external_id} ({case.priority}) was due "
            f"{due:%Y-%m-%d %H:%M} UTC and has not come."
        ),
        subject_label=f"Case {case.external_id}: {case.title or customer.name}",
        subject_link=reverse("segments:customer-detail", args=[customer.pk]),
        region=customer.region,
        ladder=_ladder(policy),
        target_user=customer.account_manager,
    )
    return int(created)


def _send_update_reminders(now: datetime.datetime, policies: dict) -> int:
    """Remind account managers of the open cases near a proactive-update deadline, once per interval."""
    due = ServiceCase.objects.filter(resolved_at__isnull=True, update_reminder_at__lte=now)
    ids = list(due.order_by("pk").values_list("pk", flat=True))

    def remind(cases: list[ServiceCase]) -> int:
        sent = 0
        for case in cases:
            policy = policies.get((case.customer.segment_id, case.priority))
            deadline = case.update_reminder_at + (
                datetime.timedelta(minutes=policy.update_interval_minutes) / UPDATE_REMINDER_LEAD_SHARE
                if policy and policy.update_interval_minutes
                else datetime.timedelta()
            )
            manager = case.customer.account_manager
            if manager is not None and manager.is_active:
                notifications.notify(
                    [manager],
                    subject=f"Update {case.customer.name} on case {case.external_id} by {deadline:%Y-%m-%d %H:%M} UTC",
                    body=(
                        f"Case {case.external_id} ({case.priority}, {case.title or 'no title'}) is still open: "
                        f"the customer should hear about its progress by {deadline:%Y-%m-%d %H:%M} UTC."
                    ),
                    link=reverse("segments:customer-detail", args=[case.customer_id]),
                )
                sent += 1
            case.update_reminded_at = now
            case.update_reminder_at = next_update_reminder(case, policy)
        ServiceCase.objects.bulk_update(cases, ["update_reminded_at", "update_reminder_at"])
        return sent

    still_due = due.select_related("customer__account_manager")
    return sum(checks.in_locked_batches(still_due, ids, remind, size=SWEEP_BATCH_SIZE))


@checks.register(
    name="sla_sweep",
    every_seconds=60,
    description=(
        "Cases whose response or resolution due time passed are marked breached and escalated (account "
        "manager, then the policy's ladder); account managers are reminded before a proactive-update deadline."
    ),
)
def sweep() -> checks.CheckResult:
    """The SLA sweep: set-based (indexed on what crossed), in locked batches, idempotent, safe twice at once."""
    now = timezone.now()
    policies = {(p.segment_id, p.priority): p for p in SlaPolicy.objects.all()}  # tiers × 4: a small table
    breached, raised = _escalate_breaches(now, policies)
    reminders = _send_update_reminders(now, policies)
    return checks.CheckResult(
        summary=(
            f"{breached} breached, {checks.plural(raised, 'escalation')} raised, "
            f"{checks.plural(reminders, 'reminder')}"
        ),
        counts={"breached": breached, "escalations_raised": raised, "reminders": reminders},
    )


# The sweep's former name (the demo and older callers).
mark_breaches = sweep
