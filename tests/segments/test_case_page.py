"""Issue 18, defect 7: an account manager had no case page: escalations told them a response was late, but the
case could not be opened. Now `/segments/cases/<pk>/` shows its SLA clock and the steps its lifecycle allows
(respond, wait on the customer, resume, resolve); escalations link to it; out of region: 404."""

import datetime

import pytest
import time_machine

from intimacy_ops.accounts.roles import Role
from intimacy_ops.escalations.models import Escalation
from intimacy_ops.notifications.models import Notification
from segments import checks as sla_checks
from segments.models import ServiceCase
from segments.services import sla
from tests.factories import RegionFactory, user_with
from tests.segments.factories import (
    STANDARD_FIGURES,
    CustomerFactory,
    SlaPolicyFactory,
    WorkingCalendarFactory,
    tiers,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene():
    emea, amer = RegionFactory(code="EMEA"), RegionFactory(code="AMER")
    WorkingCalendarFactory(region=emea, timezone="Europe/Paris")
    WorkingCalendarFactory(region=amer, timezone="America/New_York")
    _, _, standard = tiers()
    SlaPolicyFactory(
        segment=standard, priority="P1", first_response_minutes=60, resolution_minutes=240, clock="24x7"
    )
    alice = user_with(Role.ACCOUNT_MANAGER, regions=["EMEA"], username="am.alice")
    amy = user_with(Role.ACCOUNT_MANAGER, regions=["EMEA"], username="am.amy")
    bob = user_with(Role.ACCOUNT_MANAGER, regions=["AMER"], username="am.bob")
    mine = CustomerFactory(
        name="Acme", region=emea, account_manager=alice, segment=standard, **STANDARD_FIGURES
    )
    far = CustomerFactory(
        name="Zenith", region=amer, account_manager=bob, segment=standard, **STANDARD_FIGURES
    )
    case = sla.open_case(actor=alice, customer=mine, priority="P1", title="Checkout down")
    other = sla.open_case(actor=bob, customer=far, priority="P1", title="Late parcels")
    return {"alice": alice, "amy": amy, "bob": bob, "case": case, "other": other}


def test_the_account_manager_opens_the_case_and_sees_its_sla_clock(scene, browse):
    page = browse(scene["alice"]).get(f"/segments/cases/{scene['case'].pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="sla-clock"' in html and "due in" in html and "Checkout down" in html
    for step in ("respond", "wait_on_customer", "resolve"):
        assert f'data-testid="step-{step}"' in html
    assert 'data-testid="step-resume"' not in html  # not waiting


def test_respond_wait_resume_and_resolve_from_the_page(scene, browse):
    client, pk = browse(scene["alice"]), scene["case"].pk
    for step in ("respond", "wait_on_customer", "resume", "resolve"):
        answer = client.post(f"/segments/cases/{pk}/step/", {"action": step})
        assert answer.status_code == 302, (step, answer.status_code)
    case = ServiceCase.objects.get(pk=pk)
    assert case.first_response_at is not None and case.resolved_at is not None
    assert not case.waiting.filter(ended_at__isnull=True).exists() and case.waiting.count() == 1
    # A step the state does not allow now: 409, nothing changed.
    assert client.post(f"/segments/cases/{pk}/step/", {"action": "respond"}).status_code == 409
    assert client.post(f"/segments/cases/{pk}/step/", {"action": "explode"}).status_code == 400


def test_another_region_is_404_and_a_colleague_may_look_but_not_act(scene, browse):
    alice = browse(scene["alice"])
    assert alice.get(f"/segments/cases/{scene['other'].pk}/").status_code == 404
    assert alice.post(f"/segments/cases/{scene['other'].pk}/step/", {"action": "respond"}).status_code == 404
    amy = browse(scene["amy"])
    page = amy.get(f"/segments/cases/{scene['case'].pk}/").content.decode()
    assert 'data-testid="no-steps"' in page and 'data-testid="step-respond"' not in page
    assert amy.post(f"/segments/cases/{scene['case'].pk}/step/", {"action": "respond"}).status_code == 403
    assert ServiceCase.objects.get(pk=scene["case"].pk).first_response_at is None


def test_the_escalation_of_a_late_response_links_to_the_case_page(scene, browse):
    case = scene["case"]
    with time_machine.travel(case.response_due_at + datetime.timedelta(minutes=1), tick=False):
        sla_checks.sweep()
    escalation = Escalation.objects.get(object_id=case.pk)
    assert escalation.subject_link == f"/segments/cases/{case.pk}/"
    notice = Notification.objects.filter(recipient=scene["alice"], link=f"/segments/cases/{case.pk}/")
    assert notice.exists()
    assert browse(scene["alice"]).get(notice.first().link).status_code == 200
