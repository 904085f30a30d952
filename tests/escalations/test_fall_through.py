"""Escalations always reach someone (issue 17, item 8): a rung whose role nobody holds in the escalation's
region falls through to the next rung, and at the top to the administrators; the checks page and the
administrator's home list such gaps ("AMER has no operations lead: N ladders fall through")."""

import datetime

import pytest
import time_machine

from intimacy_ops.accounts.roles import Role
from intimacy_ops.escalations import services
from intimacy_ops.escalations.models import Escalation
from intimacy_ops.notifications.models import Notification
from tests.escalations.factories import breached_case, cast, escalate
from tests.factories import user_with
from tests.segments.factories import SegmentFactory, SlaPolicyFactory

NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
LEAD_THEN_CHAIR = [
    {"after_minutes": 0, "role": "account manager"},
    {"after_minutes": 60, "role": "operations lead"},
    {"after_minutes": 180, "role": "board chair"},
]


def at(minutes: int):
    return time_machine.travel(NOW + datetime.timedelta(minutes=minutes), tick=False)


@pytest.fixture
def people(db):
    return cast()


def told(escalation_subject: str) -> set[str]:
    return set(
        Notification.objects.filter(subject__contains=escalation_subject).values_list(
            "recipient__username", flat=True
        )
    )


def test_a_ladder_whose_roles_nobody_holds_in_the_region_reaches_the_administrators(people):
    # AMER has an account manager (bob) but, once otto leaves, no operations lead and no board chair.
    people.otto.is_active = False
    people.otto.save()
    case = breached_case(people.bob, region="AMER", title="Payments down")
    with at(0):
        escalate(case, ladder=LEAD_THEN_CHAIR)

    with at(60):
        assert services.climb_escalations() == {"climbed": 1}

    escalation = Escalation.objects.get()
    # Level 2 (operations lead) and level 3 (board chair) are nobody in AMER: the administrators, at the top.
    assert (escalation.level, escalation.target_role, escalation.next_level_at) == (3, "administrator", None)
    assert (
        "admin" in told("level 3")
        and "ops.oscar" not in told("level 3")
        and "ccb.carol" not in told("level 3")
    )
    # Nothing climbs any more: it reached someone.
    with at(500):
        assert services.climb_escalations() == {"climbed": 0}


def test_a_rung_nobody_holds_falls_to_the_next_rung_that_has_someone(people):
    user_with(Role.BOARD_CHAIR, regions=["AMER"], username="ccb.amer")
    people.otto.is_active = False
    people.otto.save()
    case = breached_case(people.bob, region="AMER", title="Invoices late")
    with at(0):
        escalate(case, ladder=LEAD_THEN_CHAIR)

    with at(60):
        services.climb_escalations()

    escalation = Escalation.objects.get()
    assert (escalation.level, escalation.target_role) == (3, "board chair")
    assert told("level 3") == {"ccb.amer"}


def test_raised_to_a_role_nobody_holds_it_starts_further_up(people):
    case = breached_case(people.bob, region="APAC", title="Warehouse offline")  # nobody at all in APAC

    with at(0):
        escalation, _ = escalate(case, ladder=LEAD_THEN_CHAIR[1:], named=False)

    assert (escalation.level, escalation.target_role) == (2, "administrator")
    assert "admin" in told("Warehouse offline")


def test_the_checks_page_and_the_administrators_home_list_the_gaps(people, browse):
    people.otto.is_active = False
    people.otto.save()
    segment = SegmentFactory(name="Premier")
    for priority in ("P1", "P2", "P3"):
        SlaPolicyFactory(
            segment=segment,
            priority=priority,
            escalation_ladder=[{"after_minutes": 60, "role": "operations lead"}],
        )
    client = browse(people.admin)

    checks_page = client.get("/checks/")
    home = client.get("/home/administrator/")

    # Three SLA ladders, the overdue-review, the overdue-corrective-action and the overdue-play ladders name an
    # operations lead; EMEA has one (oscar).
    line = "AMER has no operations lead: 6 ladders fall through"
    assert line in checks_page.text and line in home.text
    assert "SLA Premier · " in checks_page.text
    assert "EMEA has no operations lead" not in checks_page.text
