"""Shared by the playbook tests: a world with playbooks for the top two tiers, and how to run the check."""

import datetime

from django.utils import timezone

from intimacy_ops import checks
from keyaccounts.models import PlayDue
from keyaccounts.playbooks import services
from tests.segments.factories import five_customers

AM, LEAD = "account manager", "operations lead"


def play(title, trigger="onboarding", days=5, role=AM, every=None) -> dict:
    return {"title": title, "trigger": trigger, "role": role, "days_to_do": days, "every_days": every}


STRATEGIC_PLAYS = [play("Kick-off call", days=5), play("Sponsor introduction", days=14, role=LEAD)]
PREMIER_PLAYS = [
    play("Kick-off call", days=7),
    play("Welcome pack", days=3),
    play("Service plan", days=10),
    play("Check-in", trigger="cadence", days=7, every=30),
]


def world(*, premier=True):
    """five_customers with a playbook v1 in force today for Strategic (and Premier)."""
    s = five_customers()
    today = timezone.localdate()
    s.strategic_v1 = services.publish_version(
        actor=s.olivia, segment=s.strategic, effective_on=today, plays=STRATEGIC_PLAYS
    )
    if premier:
        s.premier_v1 = services.publish_version(
            actor=s.olivia, segment=s.premier, effective_on=today, plays=PREMIER_PLAYS
        )
    for name, customer in s.customers.items():
        customer.refresh_from_db()
        setattr(s, name, customer)
    return s


def run() -> checks.CheckResult:
    return checks.run("keyaccounts.plays_due", trigger="command")


def plays_of(customer, **filters) -> list[tuple[str, str]]:
    return sorted(PlayDue.objects.filter(customer=customer, **filters).values_list("play__title", "status"))


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)
