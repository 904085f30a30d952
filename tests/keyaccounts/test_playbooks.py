"""Playbooks per tier (issue 20, item 1): a tier change moves the customer to the new playbook's plays and
plays already done stay done; the check makes one play per occurrence however often it runs; an overdue play
reminds the account manager once, then escalates once; a version applies from its effective date."""

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from incidents.models import AffectedCustomer, Incident
from intimacy_ops.escalations import services as escalations
from intimacy_ops.escalations.models import Escalation
from intimacy_ops.notifications.models import Notification
from keyaccounts.models import PlaybookFollow, PlaybookMove, PlayDue
from keyaccounts.playbooks import services
from segments.services import sla
from segments.services.customers import lock_segment
from tests.keyaccounts.playbook_helpers import days, play, plays_of, run, world

pytestmark = pytest.mark.django_db

PLAYS = "/api/v1/plays/"


def test_a_tier_change_moves_the_customer_to_the_new_playbooks_plays_and_done_plays_stay_done(
    signed_in_api, browse
):
    s = world()
    run()
    assert plays_of(s.acme) == [("Kick-off call", "due"), ("Sponsor introduction", "due")]
    kickoff = PlayDue.objects.get(customer=s.acme, play__title="Kick-off call")
    done = signed_in_api(s.alice).post(f"{PLAYS}{kickoff.pk}/done/", {"note": "Goals agreed."}, format="json")
    assert done.status_code == 200, done.content
    assert done.json()["status"] == "done" and done.json()["done_by"] == "am.alice"

    lock_segment(actor=s.oscar, customer=s.acme, segment=s.premier, reason="Their volumes halved this year.")
    result = run()

    assert result.counts["moved"] == 1
    strategic = plays_of(s.acme, play__playbook=s.strategic_v1)
    assert strategic == [("Kick-off call", "done"), ("Sponsor introduction", "moved")]
    assert PlayDue.objects.get(pk=kickoff.pk).note == "Goals agreed."
    premier = plays_of(s.acme, play__playbook=s.premier_v1)
    assert premier == [
        ("Check-in", "due"),
        ("Kick-off call", "due"),
        ("Service plan", "due"),
        ("Welcome pack", "due"),
    ]
    assert PlaybookFollow.objects.get(customer=s.acme).playbook == s.premier_v1
    move = PlaybookMove.objects.get(customer=s.acme)
    assert move.added == ["Welcome pack", "Service plan", "Check-in"] and move.removed == [
        "Sponsor introduction"
    ]
    page = browse(s.alice).get(f"/segments/customers/{s.acme.pk}/")
    assert "Moved from Strategic playbook v1 to Premier v1: +3 plays, −1" in page.content.decode()
    # Alice hears once that her customer moved.
    assert Notification.objects.filter(recipient=s.alice, subject__contains="moved playbook").count() == 1


def test_the_check_run_three_times_makes_one_play_per_occurrence():
    s = world()
    first, second, third = run(), run(), run()
    made = PlayDue.objects.count()
    assert first.counts["created"] == made > 0
    assert second.counts["created"] == third.counts["created"] == 0
    # Acme (strategic: 2 onboarding plays), Borealis and Delta (premier: 3 onboarding and this period's check-in).
    assert made == 2 + 4 + 4
    assert PlayDue.objects.filter(customer=s.cobalt).count() == 0  # Standard has no playbook


def test_an_overdue_play_reminds_the_account_manager_once_then_escalates_once():
    s = world(premier=False)
    run()
    kickoff = PlayDue.objects.get(customer=s.acme, play__title="Kick-off call")
    ct = ContentType.objects.get_for_model(PlayDue)
    with time_machine.travel(timezone.now() + days(6), tick=False):  # a day past its due date
        first, again = run(), run()
    assert first.counts["reminded"] == 1 and again.counts["reminded"] == 0
    assert first.counts["escalations_raised"] == 0
    reminders = Notification.objects.filter(recipient=s.alice, subject__endswith="of your customers overdue")
    assert reminders.count() == 1 and "Kick-off call for Acme Logistics" in reminders.get().body
    with time_machine.travel(timezone.now() + days(9), tick=False):  # past the grace days
        late, later = run(), run()
    assert late.counts["escalations_raised"] == 1 and later.counts["escalations_raised"] == 0
    escalation = Escalation.objects.get(content_type=ct, object_id=kickoff.pk)
    assert escalation.target_user == s.alice and escalation.reason == "play_overdue"
    assert reminders.count() == 1  # not reminded again
    # Done: the escalation is resolved.
    services.mark_done(actor=s.alice, play_due=kickoff, note="Done at last.")
    escalation.refresh_from_db()
    assert escalation.resolved_at is not None


def test_a_new_version_applies_from_its_effective_date_and_old_versions_are_kept(browse):
    s = world(premier=False)
    run()
    today = timezone.localdate()
    v2 = services.publish_version(
        actor=s.oscar,
        segment=s.strategic,
        effective_on=today + days(10),
        note="A sponsor lunch instead.",
        plays=[play("Kick-off call", days=5), play("Sponsor lunch", days=20, role="operations lead")],
    )
    assert v2.version == 2
    run()
    assert PlaybookFollow.objects.get(customer=s.acme).playbook == s.strategic_v1  # not yet in effect
    page = browse(s.alice).get("/keyaccounts/playbooks/").content.decode()
    assert page.count('data-current="true"') == 1 and "upcoming" in page
    with time_machine.travel(timezone.now() + days(10), tick=False):
        result = run()
    assert result.counts["moved"] == 1
    assert PlaybookFollow.objects.get(customer=s.acme).playbook == v2
    assert plays_of(s.acme, play__playbook=s.strategic_v1) == [
        ("Kick-off call", "moved"),
        ("Sponsor introduction", "moved"),
    ]
    # Acme entered the tier before v2's date: no second onboarding; the versions are both kept.
    assert plays_of(s.acme, play__playbook=v2) == []
    assert s.strategic.playbooks.count() == 2
    move = PlaybookMove.objects.get(customer=s.acme)
    assert (move.added, move.removed) == (["Sponsor lunch"], ["Sponsor introduction"])


def test_an_escalation_or_an_incident_about_the_customer_makes_its_play_due():

    s = world(premier=False)
    services.publish_version(
        actor=s.olivia,
        segment=s.premier,
        effective_on=timezone.localdate(),
        plays=[
            play("Call after an escalation", trigger="escalation", days=2),
            play("Incident note", trigger="incident", days=1),
        ],
    )
    run()
    case = sla.open_case(actor=s.admin, customer=s.borealis, priority="P2", title="Late pallets")
    escalations.raise_escalation(subject=case, reason="sla_breach", detail="Late.", target_user=s.oscar)
    incident = Incident.objects.create(
        title="Outage",
        kind="outage",
        severity="major",
        started_at=timezone.now(),
        detected_at=timezone.now(),
        owner=s.oscar,
    )
    AffectedCustomer.objects.create(
        incident=incident, customer=s.borealis, via="rule", added_at=timezone.now()
    )
    result = run()
    assert result.counts["created"] == 2
    due = dict(PlayDue.objects.filter(customer=s.borealis).values_list("play__title", "occurrence"))
    assert due["Incident note"] == f"incident:{incident.pk}"
    assert due["Call after an escalation"].startswith("escalation:")
    assert run().counts["created"] == 0
