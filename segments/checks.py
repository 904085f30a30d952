"""The SLA sweep, a periodic check: cases whose response or resolution due time passed are marked
breached and escalated up their policy's ladder; account managers are reminded before a proactive-update
deadline. Set-based (indexed on what crossed), in locked batches, idempotent, safe twice at once.
Also: uploads no broker took are handed to the worker again (segments.imports_queued)."""

import datetime
from types import SimpleNamespace

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from intimacy_ops import checks, notifications
from intimacy_ops.accounts.roles import Role
from intimacy_ops.bulk_update import update_from_values
from intimacy_ops.dashboard import summary_tables as summaries
from intimacy_ops.escalations import about, reach
from intimacy_ops.escalations import services as escalations
from segments.figures import selectors as figures
from segments.figures.refresh import refresh as refresh_figures
from segments.imports.running import queued_too_long
from segments.models import ServiceCase, SlaPolicy
from segments.services.sla import UPDATE_REMINDER_LEAD_SHARE, next_update_reminder
from segments.summaries import figures as sla_summary
from segments.tasks import run_import

# Rows per locked batch: each batch is one transaction with one UPDATE per line, one insert of escalations,
# audit events and notices; larger batches mean fewer statements and commits per row (locks held < 1 s).
SWEEP_BATCH_SIZE = 1000
REMINDER_LISTED = 30
BREACH_REASONS = {"response": "sla_response_breached", "resolution": "sla_resolution_breached"}
ACCOUNT_MANAGER_RUNG = {"role": Role.ACCOUNT_MANAGER.value, "after_minutes": 0}
# What the sweep reads of each row, as plain values (`values()`: no model instances, no joins built per row).
CASE_COLUMNS = (
    "pk",
    "external_id",
    "priority",
    "title",
    "opened_at",
    "first_response_at",
    "resolved_at",
    "customer_id",
    "customer__name",
    "customer__segment_id",
    "customer__region_id",
    "customer__account_manager_id",
    "customer__account_manager__username",
    "customer__account_manager__email",
    "customer__account_manager__is_active",
)
BREACH_COLUMNS = ("response_due_at", "response_breached_at", "resolution_due_at", "resolution_breached_at")
REMINDER_COLUMNS = ("update_reminded_at", "update_reminder_at")


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


def _sla_ladders() -> list[tuple[str, list[dict]]]:
    """The SLA policies' own ladders (the account manager's rung names its person, never falls through)."""
    policies = SlaPolicy.objects.select_related("segment").exclude(escalation_ladder=[])
    return [(f"SLA {p.segment.name} · {p.get_priority_display()}", p.escalation_ladder) for p in policies]


reach.register_ladders("segments.sla", _sla_ladders)
about.register_customer_subject(ServiceCase, "customer")  # the customer page's history


class _Batch:
    """What a batch's rows share, built once per run: their account managers (as plain values, one object
    each) and the links to their case pages."""

    def __init__(self) -> None:
        self.managers: dict[int, SimpleNamespace] = {}
        self.links: dict[tuple[str, int], str] = {}
        self.templates: dict[str, str] = {}

    def manager(self, row: dict) -> SimpleNamespace | None:
        pk = row["customer__account_manager_id"]
        if pk is None:
            return None
        if pk not in self.managers:
            self.managers[pk] = SimpleNamespace(
                pk=pk,
                username=row["customer__account_manager__username"],
                email=row["customer__account_manager__email"],
                is_active=row["customer__account_manager__is_active"],
            )
        return self.managers[pk]

    def link(self, pk: int, route: str = "segments:case-detail") -> str:
        """A case's page (what an escalation or a reminder about it opens), or another route's for `pk`."""
        if (route, pk) not in self.links:
            if route not in self.templates:  # each URL resolved once; each link is its id put in place
                self.templates[route] = reverse(route, args=[_SENTINEL])
            self.links[(route, pk)] = self.templates[route].replace(str(_SENTINEL), str(pk))
        return self.links[(route, pk)]


_SENTINEL = 987654321987


def _escalate_breaches(now: datetime.datetime, policies: dict) -> tuple[int, int]:
    """Mark and escalate what crossed a due time; returns (cases newly breached, escalations raised)."""
    wanted = _crossed("response", now) | _crossed("resolution", now)
    # Two indexed range scans on the partial indexes: only rows still to act on.
    ids = sorted(
        set(ServiceCase.objects.filter(_crossed("response", now)).values_list("pk", flat=True))
        | set(ServiceCase.objects.filter(_crossed("resolution", now)).values_list("pk", flat=True))
    )
    shared = _Batch()

    def mark_and_escalate(cases: list[dict]) -> tuple[int, int]:
        raised = 0
        for line, field in (("response", "response_breached_at"), ("resolution", "resolution_breached_at")):
            crossed = [case for case in cases if _is_crossed(case, line, now)]
            if crossed:
                # The state guard beside the lock: only cases not yet marked for this line.
                ServiceCase.objects.filter(
                    pk__in=[case["pk"] for case in crossed], **{f"{field}__isnull": True}
                ).update(**{field: now}, breached=True)
            raised += escalations.raise_escalations(
                [
                    _breach(
                        case, line, policies.get((case["customer__segment_id"], case["priority"])), shared
                    )
                    for case in crossed
                ],
                model=ServiceCase,
            )
        return len(cases), raised

    # Re-checked under the lock (`wanted`): a concurrent sweep may have done, or be doing, some of them.
    still_crossed = ServiceCase.objects.filter(wanted).values(*CASE_COLUMNS, *BREACH_COLUMNS)
    batches = checks.in_locked_batches(still_crossed, ids, mark_and_escalate, size=SWEEP_BATCH_SIZE)
    return sum(breached for breached, _ in batches), sum(raised for _, raised in batches)


def _is_crossed(case: dict, line: str, now: datetime.datetime) -> bool:
    if line == "response":
        done, marked, due = case["first_response_at"], case["response_breached_at"], case["response_due_at"]
    else:
        done, marked, due = case["resolved_at"], case["resolution_breached_at"], case["resolution_due_at"]
    return done is None and marked is None and due is not None and due < now


def _breach(case: dict, line: str, policy: SlaPolicy | None, shared: _Batch) -> dict:
    """What `escalations.raise_escalations` raises for a case (a row of values) that crossed `line`."""
    due = case["response_due_at"] if line == "response" else case["resolution_due_at"]
    name = case["customer__name"]
    return dict(
        object_id=case["pk"],
        reason=BREACH_REASONS[line],
        detail=(
            f"{name}: the {line} to case {case['external_id']} ({case['priority']}) was due "
            f"{due:%Y-%m-%d %H:%M} UTC and has not come."
        ),
        subject_label=f"Case {case['external_id']}: {case['title'] or name}",
        subject_link=shared.link(case["pk"]),
        region_id=case["customer__region_id"],
        ladder=_ladder(policy),
        target_user=shared.manager(case),
    )


def _send_update_reminders(now: datetime.datetime, policies: dict) -> int:
    """Remind account managers of the open cases near a proactive-update deadline, once per interval."""
    due = ServiceCase.objects.filter(resolved_at__isnull=True, update_reminder_at__lte=now)
    # By account manager, so each hears once per run (`keys`: a batch never splits a manager's cases).
    keyed = list(
        due.order_by("customer__account_manager_id", "pk").values_list("customer__account_manager_id", "pk")
    )
    ids = [pk for _, pk in keyed]
    shared = _Batch()

    def remind(rows: list[dict]) -> int:
        per_manager: dict[int, list] = {}
        cases = []
        for row in rows:
            case = SimpleNamespace(**row)
            policy = policies.get((case.customer__segment_id, case.priority))
            deadline = case.update_reminder_at + (
                datetime.timedelta(minutes=policy.update_interval_minutes) / UPDATE_REMINDER_LEAD_SHARE
                if policy and policy.update_interval_minutes
                else datetime.timedelta()
            )
            manager = shared.manager(row)
            if manager is not None and manager.is_active:
                per_manager.setdefault(manager.pk, []).append((manager, case, deadline))
            case.update_reminded_at = now
            case.update_reminder_at = next_update_reminder(case, policy)
            cases.append(case)
        update_from_values(cases, ["update_reminded_at", "update_reminder_at"], model=ServiceCase)
        notifications.notify_many(_reminder(items, shared) for items in per_manager.values())
        return sum(len(items) for items in per_manager.values())

    still_due = due.values(*CASE_COLUMNS, *REMINDER_COLUMNS)
    keys = [manager for manager, _ in keyed]
    return sum(checks.in_locked_batches(still_due, ids, remind, size=SWEEP_BATCH_SIZE, keys=keys))


def _reminder(items: list[tuple], shared: _Batch) -> tuple:
    """One notice per account manager and run: a case alone as before, several listed with their deadlines."""
    manager, case, deadline = items[0]
    if len(items) == 1:
        return (
            manager,
            f"Update {case.customer__name} on case {case.external_id} by {deadline:%Y-%m-%d %H:%M} UTC",
            f"Case {case.external_id} ({case.priority}, {case.title or 'no title'}) is still open: "
            f"the customer should hear about its progress by {deadline:%Y-%m-%d %H:%M} UTC.",
            shared.link(case.pk),
        )
    lines = [
        f"- {c.customer__name}, case {c.external_id} ({c.priority}): by {d:%Y-%m-%d %H:%M} UTC"
        for _, c, d in items
    ]
    return (
        manager,
        f"Update your customers on {len(items)} open cases",
        "These cases are still open: each customer should hear about its progress by the time shown.\n"
        + "\n".join(lines[:REMINDER_LISTED])
        + (f"\n- and {len(lines) - REMINDER_LISTED} more" if len(lines) > REMINDER_LISTED else ""),
        reverse("segments:case-list") + "?status=open",
    )


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


@checks.register(
    name="segments.imports_queued",
    every_seconds=60,
    description=(
        "Uploads still queued two minutes after they were made (the broker was down, or lost the task) are "
        "handed to the worker again; a run is claimed once, so a second task for it does nothing."
    ),
)
def imports_queued() -> checks.CheckResult:
    handed = waiting = 0
    for run_id in queued_too_long(now=timezone.now()):
        try:
            run_import.delay(run_id)
        except Exception:  # the broker is still down: the run stays queued for the next run of this check
            waiting += 1
            break
        handed += 1
    summary = f"{checks.plural(handed, 'import run')} handed to the worker again"
    if waiting:
        summary += " (the broker refused: the rest wait for the next run)"
    return checks.CheckResult(summary, counts={"handed": handed, "waiting": waiting})


@checks.register(
    name="segments.dashboard_summaries",
    every_seconds=summaries.EVERY_MINUTES * 60,
    description=(
        "SLA compliance's summary table (cases closed, closed without a breach, open and breached, per day, "
        "region, segment and priority) is rebuilt from the cases, set-based, in one transaction."
    ),
)
def dashboard_summaries() -> checks.CheckResult:
    written = sla_summary.refresh()
    return checks.CheckResult(
        summary=f"refreshed SLA compliance's summary: {sum(written.values())} rows", counts=written
    )


@checks.register(
    name="segments.region_figures",
    every_seconds=figures.EVERY_MINUTES * 60,
    description=(
        "The home cards' figures per region (customers per tier, open cases late, waiting and due soon) are "
        "recounted from the customers and cases, set-based, in one transaction."
    ),
)
def region_figures() -> checks.CheckResult:
    written = refresh_figures()
    return checks.CheckResult(
        summary=f"refreshed the home cards' region figures: {sum(written.values())} rows", counts=written
    )
