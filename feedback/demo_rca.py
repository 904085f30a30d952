"""Demo RCAs (issue 16, item 9, the RCA half): on owner.olivia's "Warehouse picking and shipping", one analysis
mid-way (three whys answered, an action in progress, another overdue) opened by the recurring-failure check
over a cluster of detractors; and on "Invoicing and payment terms" one closed 40 days ago whose effectiveness was
recorded (the negative-feedback rate fell from 60 % to 20 %). Idempotent: items carry `import_source`
"demo-rca" and external ids; a second seed finds them and the RCAs and adds nothing."""

import datetime

from django.utils import timezone

from exceptions.models import Process
from feedback.models import FeedbackItem, LoopClosure, RootCauseAnalysis, Source
from feedback.services_rca import acts, parts
from feedback.services_rca.effectiveness import record_effectiveness
from feedback.services_rca.recurring import open_recurring_rcas
from intimacy_ops import seeding
from intimacy_ops.accounts.models import User
from segments.models import Customer

SOURCE = "demo-rca"
PICKING, BILLING = "Warehouse picking and shipping", "Invoicing and payment terms"


def _items(rows: list[tuple], customers: list, process) -> None:
    """(external id, days ago, score, text) rows as NPS answers, spread over the customers; skipped if there."""
    today = timezone.localdate()
    known = set(FeedbackItem.objects.filter(import_source=SOURCE).values_list("external_id", flat=True))
    FeedbackItem.objects.bulk_create(
        FeedbackItem(
            customer=customers[index % len(customers)],
            source=Source.NPS_SURVEY,
            score=score,
            text=text,
            received_on=today - datetime.timedelta(days=days),
            process=process,
            import_source=SOURCE,
            external_id=external_id,
        )  # fmt: skip
        for index, (external_id, days, score, text) in enumerate(rows)
        if external_id not in known
    )


def _mid_analysis(olivia, alice, customers, process) -> None:
    late = "Picking ran late and the order shipped a day after the promise."
    _items([(f"pick-{n}", n * 3 + 1, n % 4, late) for n in range(6)], customers, process)
    open_recurring_rcas()
    rca = RootCauseAnalysis.objects.filter(process=process, trigger="recurring").first()
    if rca is None or rca.status != "open":
        return
    acts.transition(rca=rca, action="start_analysis", actor=olivia)
    for question, answer in [
        ("Why did orders ship a day late?", "Picking finished after the carrier's last collection."),
        ("Why did picking finish late?", "Pickers waited for replenishment of fast movers."),
        ("Why did they wait for replenishment?", "Replenishment runs once a day, overnight."),
        ("Why only overnight?", ""),
    ]:
        parts.add_why(rca=rca, actor=olivia, question=question, answer=answer)
    today = timezone.localdate()
    started = parts.add_action(
        rca=rca, actor=olivia, description="Add a midday replenishment run for the 200 fastest movers",
        owner=olivia, due_on=today + datetime.timedelta(days=10),
    )  # fmt: skip
    parts.move_action(action=started, step="start", actor=olivia)
    parts.add_action(
        rca=rca, actor=olivia, description="Ask the carrier for a 19:00 collection on weekdays",
        owner=alice, due_on=today - datetime.timedelta(days=2),
    )  # fmt: skip


def _closed_with_effect(olivia, alice, customers, process) -> None:
    if RootCauseAnalysis.objects.filter(process=process, problem__startswith="Invoices with wrong").exists():
        return
    # 40 days ago it closed: before it, 3 detractors of 5 answers; after it, 1 of 5.
    rows = [
        (f"bill-before-{n}", 41 + n * 5, [2, 3, 1, 9, 10][n], "The invoice had the wrong VAT rate.")
        for n in range(5)
    ]
    rows += [
        (f"bill-after-{n}", 38 - n * 6, [4, 9, 9, 10, 8][n], "Invoices look right now.") for n in range(5)
    ]
    _items(rows, customers, process)
    rca = acts.open_by_hand(
        process=process, problem="Invoices with wrong VAT rates after the tax change.", actor=olivia
    )
    acts.transition(rca=rca, action="start_analysis", actor=olivia)
    for question, answer in [
        ("Why were VAT rates wrong?", "The billing system kept the old rate table."),
        ("Why the old table?", "The tax change was applied to the ERP only."),
        ("Why only the ERP?", "Nobody owned the billing system's rate table."),
    ]:
        parts.add_why(rca=rca, actor=olivia, question=question, answer=answer)
    acts.update_analysis(rca=rca, actor=olivia, root_cause="No owner for the billing system's VAT table.")
    action = parts.add_action(
        rca=rca, actor=olivia, description="Name an owner of the VAT table; check it on every tax change",
        owner=olivia, due_on=timezone.localdate() - datetime.timedelta(days=45),
    )  # fmt: skip
    parts.move_action(
        action=action, step="complete", actor=olivia, evidence="Runbook BILL-7, owner: finance ops"
    )
    acts.transition(rca=rca, action="plan_actions", actor=olivia)
    acts.transition(rca=rca, action="verify", actor=olivia)
    parts.close_loop(
        rca=rca, actor=olivia, audience="account_managers", who="EMEA account managers",
        told_on=timezone.localdate() - datetime.timedelta(days=40), channel="meeting",
        note="The VAT table has an owner; affected invoices were reissued.",
    )  # fmt: skip
    acts.transition(rca=rca, action="close", actor=olivia)
    closed_at = timezone.now() - datetime.timedelta(days=40)
    RootCauseAnalysis.objects.filter(pk=rca.pk).update(closed_at=closed_at, status_changed_at=closed_at)
    LoopClosure.objects.filter(rca=rca).update(told_on=closed_at.date())
    record_effectiveness()


@seeding.register(name="root-cause analyses: one mid-analysis, one closed with its effect", order=70)
def seed_rcas() -> str:
    olivia = User.objects.filter(username="owner.olivia").first()
    alice = User.objects.filter(username="am.alice").first()
    processes = {p.name: p for p in Process.objects.filter(name__in=[PICKING, BILLING])}
    customers = list(Customer.objects.filter(account_manager=alice).order_by("name")[:4]) if alice else []
    if olivia is None or len(processes) < 2 or not customers:
        return "skipped (no owner.olivia, processes or customers of am.alice)"
    for process in processes.values():
        if process.owner_id is None:
            process.owner = olivia
            process.save(update_fields=["owner"])
    _mid_analysis(olivia, alice, customers, processes[PICKING])
    _closed_with_effect(olivia, alice, customers, processes[BILLING])
    return f"{RootCauseAnalysis.objects.count()} root-cause analyses"
