"""Demo feedback (issue 16, item 9): 200 items across every source over the last 90 days, a cluster of negative
feedback on "Warehouse picking and shipping" in the last three weeks, and a few unsure sentiments on
am.alice's customers waiting in her confirmation queue. Recorded through the service (validation, consent,
sentiment, audit), by the account managers for their insights and by the administrator for the rest.
Idempotent: a second run finds every item (by its text's place in the list) and adds nothing.
The RCAs of the demo are seeded by the RCA part's own module, the survey invitations by feedback/demo_surveys.py."""

import datetime
import random

from django.utils import timezone

from exceptions.models import Process
from feedback import (
    demo_rca,  # noqa: F401  (the RCAs of the demo register their own seed on import)
    demo_surveys,  # noqa: F401  (so do the survey invitations, after the incidents)
)
from feedback.models import FeedbackItem, Source
from feedback.services import items as services
from intimacy_ops import seeding
from intimacy_ops.accounts.models import User
from segments.models import Customer

TOTAL = 200
CLUSTER_PROCESS = "Warehouse picking and shipping"
POSITIVE = [
    "Great service this quarter, the team was helpful and quick.",
    "Thank you, the onboarding was smooth and the trainers were excellent.",
    "Very happy with the new delivery slots, a real improvement.",
    "Support solved our issue fast. Impressive and friendly.",
    "The invoices are clear now, we appreciate the effort.",
]
NEGATIVE = [
    "Terrible experience: the pallets arrived damaged again.",
    "The driver was rude and the shipment was late. Unacceptable.",
    "We are frustrated, the order confirmation never came and nobody answered.",
    "Awful week: wrong items shipped twice, our warehouse is angry.",
    "Disappointed with the refund delays, this is a serious problem for us.",
]
VAGUE = [
    "The delivery came on Tuesday.",
    "We switched the contact person for invoices.",
    "Orders go through the portal now.",
    "They asked about the Saturday schedule.",
]


def _text(rng: random.Random, mood: str) -> str:
    return rng.choice({"positive": POSITIVE, "negative": NEGATIVE, "vague": VAGUE}[mood])


def _plan(rng: random.Random, customers, processes, managers) -> list[dict]:
    today = timezone.localdate()
    cluster = next((p for p in processes if p.name == CLUSTER_PROCESS), processes[0])
    sources = (
        [Source.NPS_SURVEY] * 60
        + [Source.CES_SURVEY] * 40
        + [Source.SUPPORT_TRANSCRIPT] * 40
        + [Source.ACCOUNT_MANAGER_INSIGHT] * 40
        + [Source.DELIVERY_TEAM] * 15
        + [Source.PRIVACY_COMPLAINT] * 5
    )
    plans = []
    for number, source in enumerate(sources, start=1):
        in_cluster = number % 10 == 0  # 20 items: negative, on one process, within three weeks
        mood = "negative" if in_cluster else rng.choice(["positive"] * 10 + ["negative"] * 6 + ["vague"])
        customer = rng.choice(customers)
        score = None
        if source == Source.NPS_SURVEY:
            score = rng.randint(0, 5) if mood == "negative" else rng.randint(7, 10)
        elif source == Source.CES_SURVEY:
            score = rng.randint(1, 3) if mood == "negative" else rng.randint(5, 7)
        if source == Source.PRIVACY_COMPLAINT:
            mood = "negative"
        plans.append(
            {
                "number": number,
                "customer": customer,
                "source": source,
                "score": score,
                "text": (
                    "They used our buyer's personal notes in a mailing without asking. Unacceptable."
                    if source == Source.PRIVACY_COMPLAINT
                    else _text(rng, mood)
                ),
                "received_on": today
                - datetime.timedelta(days=rng.randint(0, 20) if in_cluster else rng.randint(0, 90)),
                "process": cluster if in_cluster else rng.choice([*processes, None]),
                "actionable": mood == "negative" and rng.random() < 0.5,
                "actor": managers.get(customer.account_manager_id)
                if source == Source.ACCOUNT_MANAGER_INSIGHT
                else None,
            }
        )
    # A few unsure suggestions on am.alice's consenting customers: her queue is not empty.
    alices = [
        c
        for c in customers
        if c.account_manager and c.account_manager.username == "am.alice" and c.consent_sentiment
    ]
    insights = [
        plan for plan in plans if plan["source"] == Source.ACCOUNT_MANAGER_INSIGHT and plan["number"] % 10
    ]
    for plan, customer in zip(insights[-4:], alices[:4], strict=False):
        plan.update(
            customer=customer, text=VAGUE[plan["number"] % len(VAGUE)], actor=customer.account_manager
        )
    return plans


@seeding.register(name="feedback: 200 items, a negative cluster, sentiments to confirm", order=60)
def seed_feedback() -> str:
    if FeedbackItem.objects.filter(text__in=POSITIVE + NEGATIVE + VAGUE).exists():
        return "feedback already seeded"
    admin = User.objects.get(username="admin")
    customers = list(
        Customer.objects.filter(source="crm").select_related("account_manager").order_by("external_id")
    )
    processes = list(Process.objects.order_by("id"))
    if not customers or not processes:
        return "no customers or processes to give feedback about"
    managers = {c.account_manager_id: c.account_manager for c in customers if c.account_manager_id}
    rng = random.Random(16)  # the same demo every time
    recorded = 0
    for plan in _plan(rng, customers, processes, managers):
        services.record_item(
            actor=plan["actor"] or admin,
            customer=plan["customer"],
            source=plan["source"],
            score=plan["score"],
            text=plan["text"],
            received_on=plan["received_on"],
            process=plan["process"],
            actionable=plan["actionable"],
        )
        recorded += 1
    waiting = FeedbackItem.objects.to_confirm().count()
    return f"{recorded} feedback items, {waiting} sentiments to confirm"
