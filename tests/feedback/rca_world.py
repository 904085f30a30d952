"""A small world for the RCA tests: a process owned by owner.olivia, its operations lead, an account manager
with a customer, and helpers that write negative feedback items straight to the table."""

import datetime
from types import SimpleNamespace

from django.utils import timezone

from feedback.models import FeedbackItem, Source
from tests.exceptions.factories import ProcessFactory
from tests.factories import user_with
from tests.segments.factories import CustomerFactory


def rca_world() -> SimpleNamespace:
    olivia = user_with("process owner", username="owner.olivia")
    lead = user_with("operations lead", username="ops.oscar")
    alice = user_with("account manager", username="am.alice")
    admin = user_with("administrator", username="admin.ada")
    process = ProcessFactory(name="Saturday delivery", owner=olivia)
    customer = CustomerFactory(name="Acme", account_manager=alice)
    return SimpleNamespace(
        olivia=olivia, lead=lead, alice=alice, admin=admin, process=process, customer=customer,
        region=customer.region,
    )  # fmt: skip


def detractors(world, n: int, *, days_ago: int = 0, process=None, score: int = 3) -> list[FeedbackItem]:
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    return FeedbackItem.objects.bulk_create(
        FeedbackItem(
            customer=world.customer,
            source=Source.NPS_SURVEY,
            score=score,
            received_on=day,
            process=process or world.process,
            text="Late again.",
        )  # fmt: skip
        for _ in range(n)
    )
