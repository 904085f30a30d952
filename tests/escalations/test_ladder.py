"""The escalation ladder on a fixed clock: who is told when, and what stops the climb."""

import datetime

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone

from intimacy_ops import checks
from intimacy_ops.audit import AuditEvent
from intimacy_ops.escalations import services
from intimacy_ops.escalations.models import Escalation
from intimacy_ops.notifications.models import Notification
from tests.escalations.factories import breached_case, cast, escalate

NOW = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def at(minutes: int):
    return time_machine.travel(NOW + datetime.timedelta(minutes=minutes), tick=False)


def recipients(mailoutbox) -> list[list[str]]:
    return [sorted(mail.to) for mail in mailoutbox]


@pytest.fixture
def people(db):
    return cast()


def test_unacknowledged_escalation_climbs_at_its_times_and_each_level_is_told(
    people, mailoutbox, django_capture_on_commit_callbacks
):
    case = breached_case(people.alice)
    with at(0), django_capture_on_commit_callbacks(execute=True):
        escalation, created = escalate(case)
    assert created and escalation.level == 1 and escalation.target_user == people.alice
    assert escalation.next_level_at == NOW + datetime.timedelta(minutes=60)
    assert recipients(mailoutbox) == [["am.alice@example.com"]]
    first = mailoutbox[0]
    assert "level 1" in first.subject and "Checkout down" in first.subject
    assert "acknowledge" in first.body and f"/segments/cases/{case.pk}/" in first.body

    with at(59), django_capture_on_commit_callbacks(execute=True):
        assert services.climb_escalations() == {"climbed": 0}
    assert len(mailoutbox) == 1

    with at(60), django_capture_on_commit_callbacks(execute=True):
        assert services.climb_escalations() == {"climbed": 1}
    escalation.refresh_from_db()
    assert (escalation.level, escalation.target_role, escalation.target_user) == (2, "operations lead", None)
    assert escalation.level_raised_at == NOW + datetime.timedelta(minutes=60)
    assert escalation.next_level_at == NOW + datetime.timedelta(minutes=180)  # cumulative from the raise
    # Only EMEA's operations lead: AMER's (ops.otto) is not told about an EMEA case.
    assert recipients(mailoutbox)[1:] == [["ops.oscar@example.com"]]
    assert "level 2" in mailoutbox[1].subject

    with at(61), django_capture_on_commit_callbacks(execute=True):
        assert services.climb_escalations() == {"climbed": 0}  # a second run changes nothing
    with at(180), django_capture_on_commit_callbacks(execute=True):
        assert services.climb_escalations() == {"climbed": 1}
    escalation.refresh_from_db()
    assert (escalation.level, escalation.target_role, escalation.next_level_at) == (3, "board chair", None)
    assert recipients(mailoutbox)[2:] == [["ccb.carol@example.com"]]

    with at(24 * 60), django_capture_on_commit_callbacks(execute=True):
        assert services.climb_escalations() == {"climbed": 0}  # the top of the ladder
    assert len(mailoutbox) == 3
    assert list(
        AuditEvent.objects.filter(object_id=str(escalation.pk), verb__startswith="escalation.")
        .order_by("id")
        .values_list("verb", flat=True)
    ) == ["escalation.raised", "escalation.climbed", "escalation.climbed"]
    # Every level's people have it in the app too, marked urgent.
    assert set(Notification.objects.filter(urgent=True).values_list("recipient__username", flat=True)) == {
        "am.alice",
        "ops.oscar",
        "ccb.carol",
    }


def test_an_acknowledged_escalation_stops_climbing(people, mailoutbox, django_capture_on_commit_callbacks):
    case = breached_case(people.alice)
    with at(0), django_capture_on_commit_callbacks(execute=True):
        escalation, _ = escalate(case)
    with at(61), django_capture_on_commit_callbacks(execute=True):
        services.climb_escalations()
    with at(90):
        services.acknowledge(escalation=escalation, actor=people.oscar, note="On it with the delivery team.")
    escalation.refresh_from_db()
    assert escalation.acknowledged_by == people.oscar and escalation.next_level_at is None
    with at(500), django_capture_on_commit_callbacks(execute=True):
        assert services.climb_escalations() == {"climbed": 0}
    escalation.refresh_from_db()
    assert escalation.level == 2
    assert recipients(mailoutbox) == [["am.alice@example.com"], ["ops.oscar@example.com"]]  # carol never told
    assert AuditEvent.objects.get(verb="escalation.acknowledged").comment == "On it with the delivery team."


def test_an_escalation_overdue_for_two_rungs_climbs_one_per_run_telling_each_level(
    people, mailoutbox, django_capture_on_commit_callbacks
):
    with at(0), django_capture_on_commit_callbacks(execute=True):
        escalation, _ = escalate(breached_case(people.alice))
    with at(300), django_capture_on_commit_callbacks(execute=True):  # the workers were down for hours
        assert checks.run("escalations.climb") == "1 climbed"
        assert checks.run("escalations.climb") == "1 climbed"
        assert checks.run("escalations.climb") == "0 climbed"
    escalation.refresh_from_db()
    assert escalation.level == 3
    assert recipients(mailoutbox)[1:] == [["ops.oscar@example.com"], ["ccb.carol@example.com"]]


def test_raising_twice_gives_the_one_open_escalation_and_a_new_one_after_resolving(
    people, django_capture_on_commit_callbacks
):
    case = breached_case(people.alice)
    with django_capture_on_commit_callbacks(execute=True):
        first, created = escalate(case)
        again, created_again = escalate(case)
    assert created and not created_again and again.pk == first.pk
    assert Escalation.objects.count() == 1
    # Another reason on the same case is another escalation.
    _, other = escalate(case, reason="sla_response_breached")
    assert other and Escalation.objects.count() == 2

    services.resolve(escalation=first, actor=people.oscar, resolution="Fixed the payment gateway.")
    fresh, created_fresh = escalate(case)
    assert created_fresh and fresh.pk != first.pk


def test_the_database_refuses_a_second_open_escalation_for_the_same_subject_and_reason(people):
    case = breached_case(people.alice)
    escalation, _ = escalate(case)
    duplicate = dict(
        content_type=ContentType.objects.get_for_model(case),
        object_id=case.pk,
        reason=escalation.reason,
        subject_label="again",
        raised_at=timezone.now(),
        level_raised_at=timezone.now(),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Escalation.objects.create(**duplicate)
    Escalation.objects.filter(pk=escalation.pk).update(resolved_at=timezone.now())
    Escalation.objects.create(**duplicate)  # once resolved, a new one may open


def test_without_a_named_person_level_one_goes_to_the_role_in_the_region(
    people, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        escalate(breached_case(people.alice), named=False)
    assert recipients(mailoutbox) == [["am.alice@example.com"]]  # EMEA's account manager, not AMER's bob


def test_an_empty_ladder_goes_to_the_regions_operations_leads_and_never_climbs(
    people, mailoutbox, django_capture_on_commit_callbacks
):
    with at(0), django_capture_on_commit_callbacks(execute=True):
        escalation, _ = escalate(breached_case(people.bob, region="AMER"), ladder=[], named=False)
    assert (escalation.target_role, escalation.next_level_at) == ("operations lead", None)
    assert recipients(mailoutbox) == [["ops.otto@example.com"]]
    with at(10_000):
        assert services.climb_escalations() == {"climbed": 0}
