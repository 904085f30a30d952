"""A small SLA scene for the sweep's tests: one EMEA customer of alice in Standard, P1 around the clock."""

import datetime
from types import SimpleNamespace

import time_machine
from django.contrib.auth.models import Group

from intimacy_ops.accounts.roles import Role
from segments.models import SlaPolicy
from segments.services import sla
from tests.factories import RegionFactory, user_with
from tests.segments.factories import CustomerFactory, SlaPolicyFactory, tiers

T0 = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
LADDER = [{"after_minutes": 30, "role": "operations lead"}, {"after_minutes": 120, "role": "administrator"}]


def minutes(count: float) -> datetime.datetime:
    return T0 + datetime.timedelta(minutes=count)


def sla_scene(*, update_interval_minutes: int | None = 120) -> SimpleNamespace:
    """P1 on a 24×7 clock: response in 60 min, resolution in 240, a proactive update every 2 h."""
    # The role groups come with the migrations; a transactional test after another was flushed lacks them.
    for role in Role:
        Group.objects.get_or_create(name=role.value)
    emea = RegionFactory(code="EMEA")
    alice = user_with(Role.ACCOUNT_MANAGER, regions=["EMEA"], username="am.alice")
    oscar = user_with(Role.OPERATIONS_LEAD, regions=["EMEA"], username="ops.oscar")
    _, _, standard = tiers()
    policy = SlaPolicyFactory(
        segment=standard,
        priority="P1",
        first_response_minutes=60,
        resolution_minutes=240,
        clock=SlaPolicy.Clock.ALWAYS,
        update_interval_minutes=update_interval_minutes,
        escalation_ladder=LADDER,
    )
    acme = CustomerFactory(name="Acme", region=emea, account_manager=alice, segment=standard)
    return SimpleNamespace(emea=emea, alice=alice, oscar=oscar, standard=standard, policy=policy, acme=acme)


def open_case(scene: SimpleNamespace, at: datetime.datetime, title: str = "Line down"):
    """Logged at `at` (the clock stands there while it is logged)."""
    with time_machine.travel(at, tick=False):
        return sla.open_case(actor=scene.oscar, customer=scene.acme, priority="P1", title=title)
