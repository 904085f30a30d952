"""SLA clocks with a fixed clock (business hours, weekends, holidays, 24×7, waiting on the customer, breach at the
due time) and the equity guard on SLA policies."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from intimacy_ops.accounts.roles import Role
from intimacy_ops.audit import AuditEvent
from segments import business_hours
from segments import checks as sla_checks
from segments.models import ServiceCase, SlaPolicy
from segments.services import sla, sla_policies
from tests.factories import RegionFactory, user_with
from tests.segments.factories import (
    STANDARD_FIGURES,
    CustomerFactory,
    HolidayFactory,
    SlaPolicyFactory,
    WorkingCalendarFactory,
    tiers,
)

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")


def paris(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=PARIS)


@pytest.fixture
def clock_scene():
    """An EMEA customer in Standard; Paris working week 9:00–17:00; P2 on business hours, P1 around the clock."""
    emea = RegionFactory(code="EMEA")
    calendar = WorkingCalendarFactory(region=emea, timezone="Europe/Paris")
    _, _, standard = tiers()
    SlaPolicyFactory(
        segment=standard, priority="P1", first_response_minutes=60, resolution_minutes=240, clock="24x7"
    )
    SlaPolicyFactory(segment=standard, priority="P2", first_response_minutes=120, resolution_minutes=480)
    alice = user_with(Role.ACCOUNT_MANAGER, regions=["EMEA"], username="am.alice")
    customer = CustomerFactory(region=emea, account_manager=alice, segment=standard, **STANDARD_FIGURES)
    return {"calendar": calendar, "customer": customer, "alice": alice}


def open_at(scene, when: datetime.datetime, priority: str = "P2") -> ServiceCase:
    with time_machine.travel(when, tick=False):
        return sla.open_case(actor=scene["alice"], customer=scene["customer"], priority=priority)


def test_business_hours_stop_over_the_weekend(clock_scene):
    # Friday 16:00: one working hour left that day; the rest runs on Monday from 9:00.
    case = open_at(clock_scene, paris(2025, 3, 7, 16, 0))
    assert case.response_due_at == paris(2025, 3, 10, 10, 0)
    assert case.resolution_due_at == paris(2025, 3, 10, 16, 0)
    assert case.breached is False


def test_business_hours_skip_a_holiday(clock_scene):
    HolidayFactory(calendar=clock_scene["calendar"], on=datetime.date(2025, 3, 10), name="Founders' day")
    case = open_at(clock_scene, paris(2025, 3, 7, 16, 0))
    assert case.response_due_at == paris(2025, 3, 11, 10, 0)
    assert case.resolution_due_at == paris(2025, 3, 11, 16, 0)


def test_business_hours_follow_the_local_clock_across_daylight_saving(clock_scene):
    # Paris moves to summer time on Sunday 30 March 2025: Monday 10:00 local is 08:00 UTC, not 09:00.
    case = open_at(clock_scene, paris(2025, 3, 28, 16, 0))
    assert case.response_due_at == datetime.datetime(2025, 3, 31, 8, 0, tzinfo=datetime.UTC)


def test_opened_outside_hours_the_clock_starts_at_the_next_opening(clock_scene):
    case = open_at(clock_scene, paris(2025, 3, 8, 11, 30))  # a Saturday
    assert case.response_due_at == paris(2025, 3, 10, 11, 0)


def test_a_24x7_clock_runs_through_evenings_weekends_and_holidays(clock_scene):
    HolidayFactory(calendar=clock_scene["calendar"], on=datetime.date(2025, 3, 7), name="A holiday")
    case = open_at(clock_scene, paris(2025, 3, 7, 16, 0), priority="P1")
    assert case.response_due_at == paris(2025, 3, 7, 17, 0)
    assert case.resolution_due_at == paris(2025, 3, 7, 20, 0)


def test_waiting_on_the_customer_shifts_the_due_times_by_the_pause(clock_scene):
    alice = clock_scene["alice"]
    case = open_at(clock_scene, paris(2025, 3, 10, 10, 0))
    assert (case.response_due_at, case.resolution_due_at) == (
        paris(2025, 3, 10, 12, 0),
        paris(2025, 3, 11, 10, 0),
    )
    with time_machine.travel(paris(2025, 3, 10, 11, 30), tick=False):
        sla.start_waiting(actor=alice, case=case, at=paris(2025, 3, 10, 10, 30))
        case = sla.stop_waiting(actor=alice, case=case, at=paris(2025, 3, 10, 11, 15))
    assert case.response_due_at == paris(2025, 3, 10, 12, 45)
    assert case.resolution_due_at == paris(2025, 3, 11, 10, 45)


def test_a_pause_overnight_only_shifts_by_its_working_hours(clock_scene):
    alice = clock_scene["alice"]
    case = open_at(clock_scene, paris(2025, 3, 10, 15, 0))
    assert case.response_due_at == paris(2025, 3, 10, 17, 0)
    with time_machine.travel(paris(2025, 3, 11, 10, 0), tick=False):
        sla.start_waiting(actor=alice, case=case, at=paris(2025, 3, 10, 16, 0))
        case = sla.stop_waiting(actor=alice, case=case, at=paris(2025, 3, 11, 10, 0))
    # 60 minutes ran before the pause; the other 60 run from Tuesday 10:00.
    assert case.response_due_at == paris(2025, 3, 11, 11, 0)


def test_a_pause_on_a_24x7_clock_shifts_by_its_full_length(clock_scene):
    alice = clock_scene["alice"]
    case = open_at(clock_scene, paris(2025, 3, 8, 20, 0), priority="P1")
    assert case.response_due_at == paris(2025, 3, 8, 21, 0)
    with time_machine.travel(paris(2025, 3, 9, 1, 0), tick=False):
        sla.start_waiting(actor=alice, case=case, at=paris(2025, 3, 8, 20, 10))
        case = sla.stop_waiting(actor=alice, case=case, at=paris(2025, 3, 9, 0, 40))
    assert case.response_due_at == paris(2025, 3, 9, 1, 30)


def test_an_open_pause_holds_the_due_time_until_the_customer_answers(clock_scene, signed_in_api):
    alice = clock_scene["alice"]
    case = open_at(clock_scene, paris(2025, 3, 10, 10, 0))
    with time_machine.travel(paris(2025, 3, 10, 10, 30), tick=False):
        case = sla.start_waiting(actor=alice, case=case)
    assert case.response_due_at is None
    assert case.resolution_due_at is None
    # Long past the original due time, the case is not late while it waits on the customer.
    with time_machine.travel(paris(2025, 3, 12, 9, 0), tick=False):
        sla_checks.sweep()
        shown = signed_in_api(alice).get(f"/api/v1/cases/{case.pk}/").json()
    assert (shown["waiting"], shown["response_due_at"], shown["breached"]) == (True, None, False)
    with time_machine.travel(paris(2025, 3, 10, 11, 0), tick=False):
        case = sla.stop_waiting(actor=alice, case=case)
    assert case.response_due_at == paris(2025, 3, 10, 12, 30)


def test_a_pause_after_the_due_time_does_not_hide_a_late_response(clock_scene):
    alice = clock_scene["alice"]
    case = open_at(clock_scene, paris(2025, 3, 10, 10, 0))
    with time_machine.travel(paris(2025, 3, 10, 13, 0), tick=False):
        case = sla.start_waiting(actor=alice, case=case)
    assert case.response_due_at == paris(2025, 3, 10, 12, 0)
    assert case.breached is True


def test_breached_flips_exactly_at_the_due_time(clock_scene, signed_in_api):
    case = open_at(clock_scene, paris(2025, 3, 10, 10, 0), priority="P1")
    due = case.response_due_at
    assert due == paris(2025, 3, 10, 11, 0)
    client = signed_in_api(clock_scene["alice"])

    with time_machine.travel(due, tick=False):
        assert sla_checks.sweep() == "0 breached, 0 escalations raised, 0 reminders"
        assert client.get(f"/api/v1/cases/{case.pk}/").json()["breached"] is False
        assert client.get("/api/v1/cases/?breached=true").json()["count"] == 0

    with time_machine.travel(due + datetime.timedelta(seconds=1), tick=False):
        assert sla_checks.sweep() == "1 breached, 1 escalation raised, 0 reminders"
        assert client.get(f"/api/v1/cases/{case.pk}/").json()["breached"] is True
        assert [row["id"] for row in client.get("/api/v1/cases/?breached=true").json()["results"]] == [
            case.pk
        ]
        assert sla_checks.sweep() == "0 breached, 0 escalations raised, 0 reminders"  # idempotent


def test_a_response_in_time_is_never_breached_later(clock_scene):
    case = open_at(clock_scene, paris(2025, 3, 10, 10, 0), priority="P1")
    with time_machine.travel(paris(2025, 3, 10, 10, 59, 59), tick=False):
        sla.record_first_response(actor=clock_scene["alice"], case=case)
    with time_machine.travel(paris(2025, 3, 10, 12, 0), tick=False):
        sla_checks.sweep()
    assert ServiceCase.objects.get(pk=case.pk).breached is False


def test_a_response_after_the_due_time_is_breached_at_once(clock_scene):
    case = open_at(clock_scene, paris(2025, 3, 10, 10, 0), priority="P1")
    with time_machine.travel(paris(2025, 3, 10, 11, 0, 1), tick=False):
        case = sla.record_first_response(actor=clock_scene["alice"], case=case)
    assert case.breached is True


def test_elapsed_minutes_counts_only_running_time():
    calendar = business_hours.Calendar(timezone="Europe/Paris")
    minutes = business_hours.elapsed_minutes(
        paris(2025, 3, 7, 16, 0),
        paris(2025, 3, 10, 10, 0),
        calendar=calendar,
        pauses=[(paris(2025, 3, 10, 9, 0), paris(2025, 3, 10, 9, 30))],
    )
    assert minutes == 90


# --- the equity guard ---------------------------------------------------------------------------


@pytest.fixture
def equity_scene():
    strategic, premier, standard = tiers()
    SlaPolicyFactory(segment=strategic, priority="P1", first_response_minutes=30, resolution_minutes=240)
    SlaPolicyFactory(segment=premier, priority="P1", first_response_minutes=60, resolution_minutes=480)
    return {
        "strategic": strategic,
        "premier": premier,
        "standard": standard,
        "oscar": user_with(Role.OPERATIONS_LEAD, regions=["EMEA"], username="ops.oscar"),
    }


REASON = "Standard pilot customers were promised a 15-minute callback in the 2025 contract."


def policy_events():
    return AuditEvent.objects.filter(verb__startswith="sla_policy.")


def test_equity_guard_refuses_a_lower_tier_faster_than_a_higher_one_then_accepts_a_reason(
    equity_scene, signed_in_api
):
    client = signed_in_api(equity_scene["oscar"])
    body = {
        "segment": equity_scene["standard"].pk,
        "priority": "P1",
        "first_response_minutes": 15,
        "resolution_minutes": 960,
    }
    refused = client.post("/api/v1/sla-policies/", body, format="json")
    assert refused.status_code == 400
    messages = " ".join(refused.json()["equity_reason"])
    assert "Standard (rank 3)" in messages and "Strategic (rank 1" in messages
    assert "first response" in messages
    assert not SlaPolicy.objects.filter(segment=equity_scene["standard"]).exists()
    assert not policy_events().exists()

    too_short = client.post("/api/v1/sla-policies/", body | {"equity_reason": "because"}, format="json")
    assert too_short.status_code == 400
    assert "equity_reason" in too_short.json()
    assert not SlaPolicy.objects.filter(segment=equity_scene["standard"]).exists()

    accepted = client.post("/api/v1/sla-policies/", body | {"equity_reason": REASON}, format="json")
    assert accepted.status_code == 201, accepted.json()
    assert accepted.json()["equity_exception_reason"] == REASON
    assert "equity_reason" not in accepted.json()
    policy = SlaPolicy.objects.get(segment=equity_scene["standard"], priority="P1")
    assert policy.first_response_minutes == 15
    event = policy_events().get()
    assert (event.verb, event.object_id, event.actor_username) == (
        "sla_policy.created",
        str(policy.pk),
        "ops.oscar",
    )
    assert REASON in event.comment


def test_equity_guard_also_refuses_slowing_a_higher_tier_below_a_lower_one(equity_scene, signed_in_api):
    client = signed_in_api(equity_scene["oscar"])
    strategic_p1 = SlaPolicy.objects.get(segment=equity_scene["strategic"], priority="P1")
    refused = client.patch(
        f"/api/v1/sla-policies/{strategic_p1.pk}/", {"first_response_minutes": 90}, format="json"
    )
    assert refused.status_code == 400
    assert "equity_reason" in refused.json()
    strategic_p1.refresh_from_db()
    assert strategic_p1.first_response_minutes == 30
    assert not policy_events().exists()


def test_only_an_operations_lead_may_confirm_an_equity_exception(equity_scene, signed_in_api):
    admin = user_with(Role.ADMINISTRATOR, regions=[], username="the.admin")
    body = {
        "segment": equity_scene["standard"].pk,
        "priority": "P1",
        "first_response_minutes": 15,
        "resolution_minutes": 960,
        "equity_reason": REASON,
    }
    refused = signed_in_api(admin).post("/api/v1/sla-policies/", body, format="json")
    assert refused.status_code == 400
    assert "operations lead" in " ".join(refused.json()["equity"])
    assert not SlaPolicy.objects.filter(segment=equity_scene["standard"]).exists()


def test_a_fair_policy_needs_no_reason_and_clears_an_old_one(equity_scene):
    oscar = equity_scene["oscar"]
    values = {"first_response_minutes": 15, "resolution_minutes": 960}
    policy = sla_policies.save_policy(
        actor=oscar, segment=equity_scene["standard"], priority="P1", values=values, equity_reason=REASON
    )
    assert policy.equity_exception_reason == REASON
    policy = sla_policies.save_policy(
        actor=oscar,
        segment=equity_scene["standard"],
        priority="P1",
        values={"first_response_minutes": 120, "resolution_minutes": 960},
    )
    assert policy.equity_exception_reason == ""
    assert policy_events().filter(verb="sla_policy.changed").get().comment == ""
