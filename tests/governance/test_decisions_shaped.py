"""Issue 17, item 2: decisions the board shapes. Approving a sunset, the chair sets the date (not in the past, not
after an exception's expiry: 400 naming `sunset_on`) and leaves some exceptions out (they stay active, the
reason kept); approving a standardization, the chair words the new standard option."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from exceptions.models import ExceptionRequest, ExceptionTransition, ProcessVersion
from governance.models import SunsetExclusion
from intimacy_ops import checks
from intimacy_ops.audit import AuditEvent
from tests.exceptions.factories import scenario
from tests.governance.policy_helpers import active

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():
    return scenario()


def _proposed(s, api, exceptions, kind="sunset", **extra):
    answer = api(s.dan).post(
        "/api/v1/reviews/",
        {
            "kind": kind,
            "process": s.fulfilment.pk,
            "exceptions": [e.pk for e in exceptions],
            "reason": "Covered by the standard now.",
            **extra,
        },
        format="json",
    )
    assert answer.status_code == 201, answer.content
    review = answer.json()["id"]
    for member in (s.dan, s.erin):
        voted = api(member).post(
            f"/api/v1/reviews/{review}/votes/", {"choice": "approve", "rationale": "Agreed."}, format="json"
        )
        assert voted.status_code == 200, voted.content
    return review


def _decide(s, api, review, **body):
    return api(s.carol).post(
        f"/api/v1/reviews/{review}/decide/",
        {"outcome": "approve", "rationale": "The board agrees.", **body},
        format="json",
    )


def test_a_sunset_with_a_chosen_date_and_two_exclusions_ends_the_others_on_that_date_once(s, signed_in_api):
    covered = [active(s, customer=c) for c in (s.acme, s.borealis, s.acme, s.borealis)]
    kept = covered[:2]
    review = _proposed(s, signed_in_api, covered)
    date = timezone.localdate() + datetime.timedelta(days=20)

    answer = _decide(
        s,
        signed_in_api,
        review,
        sunset_on=date.isoformat(),
        exclusions=[{"exception": e.pk, "reason": "Renewal negotiation under way."} for e in kept],
    )

    assert answer.status_code == 200, answer.content
    data = answer.json()
    assert data["sunset_on"] == date.isoformat()
    assert sorted(row["exception"] for row in data["exclusions"]) == sorted(e.pk for e in kept)
    dates = dict(
        ExceptionRequest.objects.filter(pk__in=[e.pk for e in covered]).values_list("pk", "sunset_on")
    )
    assert dates == {covered[0].pk: None, covered[1].pk: None, covered[2].pk: date, covered[3].pk: date}
    assert (
        SunsetExclusion.objects.filter(review_id=review, reason="Renewal negotiation under way.").count() == 2
    )
    assert AuditEvent.objects.filter(verb="review.shaped", object_id=str(review)).exists()

    the_day = datetime.datetime.combine(date, datetime.time(9), tzinfo=datetime.UTC)
    with time_machine.travel(the_day - datetime.timedelta(days=1), tick=False):
        assert checks.run("exceptions.start_and_expiry") == "activated 0, sunset 0, expired 0 exception(s)"
    with time_machine.travel(the_day, tick=False):
        first = checks.run("exceptions.start_and_expiry")
        second = checks.run("exceptions.start_and_expiry")
    assert (first, second) == (
        "activated 0, sunset 2, expired 0 exception(s)",
        "activated 0, sunset 0, expired 0 exception(s)",
    )
    statuses = dict(
        ExceptionRequest.objects.filter(pk__in=[e.pk for e in covered]).values_list("pk", "status")
    )
    assert [statuses[e.pk] for e in covered] == ["active", "active", "sunset", "sunset"]
    assert ExceptionTransition.objects.filter(action="sunset").count() == 2


def test_the_sunset_date_is_checked_naming_the_field(s, signed_in_api):
    short = active(s, customer=s.acme, started_days_ago=10, runs_days=30)  # expires in 20 days
    other = active(s, customer=s.borealis)
    review = _proposed(s, signed_in_api, [short, other])
    today = timezone.localdate()

    past = _decide(s, signed_in_api, review, sunset_on=(today - datetime.timedelta(days=1)).isoformat())
    assert past.status_code == 400 and "past" in " ".join(past.json()["sunset_on"])
    late = _decide(s, signed_in_api, review, sunset_on=(today + datetime.timedelta(days=40)).isoformat())
    assert late.status_code == 400 and short.title in " ".join(late.json()["sunset_on"])
    stranger = _decide(s, signed_in_api, review, exclusions=[{"exception": 999999, "reason": "x"}])
    assert stranger.status_code == 400 and "exclusions" in stranger.json()
    no_reason = _decide(s, signed_in_api, review, exclusions=[{"exception": short.pk, "reason": " "}])
    assert no_reason.status_code == 400
    # Leaving the short one out, the later date is fine.
    fine = _decide(
        s,
        signed_in_api,
        review,
        sunset_on=(today + datetime.timedelta(days=40)).isoformat(),
        exclusions=[{"exception": short.pk, "reason": "It ends by itself."}],
    )
    assert fine.status_code == 200, fine.content
    assert ExceptionRequest.objects.get(pk=short.pk).sunset_on is None


def test_a_sunset_date_on_another_kind_of_decision_is_400(s, signed_in_api):
    review = _proposed(s, signed_in_api, [active(s, customer=s.acme)], kind="standardization")
    answer = _decide(s, signed_in_api, review, sunset_on=timezone.localdate().isoformat())
    assert answer.status_code == 400 and "sunset_on" in answer.json()


def test_the_chair_words_the_new_standard_option(s, signed_in_api):
    covered = [
        active(s, customer=c, tag="saturday-delivery", deviation="Deliver on Saturdays.")
        for c in (s.acme, s.borealis)
    ]
    review = _proposed(s, signed_in_api, covered, kind="standardization")
    wording = "Saturday delivery, 08:00–12:00, for any tier that books it a week ahead"
    answer = _decide(s, signed_in_api, review, standard_option=wording)
    assert answer.status_code == 200, answer.content
    assert answer.json()["standard_option"] == wording
    version = ProcessVersion.objects.get(process=s.fulfilment, number=2)
    assert wording in version.standard_options
    assert set(
        ExceptionRequest.objects.filter(pk__in=[e.pk for e in covered]).values_list("status", flat=True)
    ) == {"standardized"}
