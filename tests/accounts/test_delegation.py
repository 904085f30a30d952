"""Issue 18, item 5: delegation. A person sets an out-of-office period and a delegate (same role, a region in
common) on their profile; during it, the delegate takes their approvals, votes (never a chair's decision) and
escalations, each recorded "on behalf of" them. Everything goes through the pages."""

import datetime

import pytest
from django.utils import timezone

from exceptions.models import ExceptionRequest, ExceptionTransition
from exceptions.services import lifecycle
from governance.models import Review, Vote
from intimacy_ops.accounts.models import Delegation
from intimacy_ops.accounts.roles import Role
from intimacy_ops.audit.models import AuditEvent
from intimacy_ops.escalations.models import Escalation
from intimacy_ops.escalations.services import raise_escalation
from intimacy_ops.notifications.models import Notification
from tests.exceptions.factories import ExceptionRequestFactory, scenario
from tests.factories import user_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():
    s = scenario()
    # A lead of both regions, away; ops.oscar (EMEA only) stands in for her.
    s.lena = user_with(Role.OPERATIONS_LEAD, regions=["EMEA", "AMER"], username="ops.lena")
    return s


def _local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _set_away(client, person, delegate, *, starts_in=-1, ends_in=3):
    client.force_login(person)
    now = timezone.now()
    return client.post(
        "/accounts/profile/",
        {
            "form": "out_of_office",
            "starts_at": _local(now + datetime.timedelta(days=starts_in)),
            "ends_at": _local(now + datetime.timedelta(days=ends_in)),
            "delegate": delegate.username,
        },
    )


def _submitted_in_amer(s) -> ExceptionRequest:
    draft = ExceptionRequestFactory(customer=s.zenith, process=s.fulfilment, title="Zenith night picks")
    lifecycle.submit_request(exception=draft, actor=s.bob)
    draft.refresh_from_db()
    assert draft.route == "lead" and draft.status == "submitted"
    return draft


# --- the profile's out-of-office form --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "starts_in", "ends_in", "field", "words"),
    [
        ("lena", -1, 3, "delegate", "own delegate"),
        ("alice", -1, 3, "delegate", "does not hold your role (operations lead)"),
        ("oscar", 3, 1, "ends_at", "after the start"),
    ],
)
def test_a_bad_out_of_office_is_a_form_error_naming_the_field(
    s, client, who, starts_in, ends_in, field, words
):
    answer = _set_away(client, s.lena, getattr(s, who), starts_in=starts_in, ends_in=ends_in)
    html = answer.content.decode()
    assert answer.status_code == 400
    assert f'data-testid="error-{field}"' in html and words in html
    assert not Delegation.objects.exists()


def test_a_delegate_must_share_a_region(s, client):
    far = user_with(Role.OPERATIONS_LEAD, regions=["APAC"], username="ops.pat")
    answer = _set_away(client, s.oscar, far)
    # A colleague of no region of yours is not even among those you may name.
    html = answer.content.decode()
    assert answer.status_code == 400 and 'data-testid="error-delegate"' in html
    assert not Delegation.objects.exists()


def test_the_profile_shows_the_period_and_the_delegate_shows_whom_they_stand_in_for(s, client):
    assert _set_away(client, s.lena, s.oscar).status_code == 302
    page = client.get("/accounts/profile/").content.decode()
    assert 'data-testid="out-of-office-set"' in page and s.oscar.display_name in page
    client.force_login(s.oscar)
    assert s.lena.display_name in client.get("/accounts/profile/").content.decode()
    # and it can be cleared
    client.force_login(s.lena)
    assert client.post("/accounts/profile/", {"form": "clear_out_of_office"}).status_code == 302
    assert not Delegation.objects.exists()


# --- approvals ------------------------------------------------------------------------------------------


def test_the_delegate_approves_on_behalf_of_the_lead_away(s, client):
    exception = _submitted_in_amer(s)
    assert _set_away(client, s.lena, s.oscar).status_code == 302
    client.force_login(s.oscar)
    waiting = client.get("/exceptions/waiting/").content.decode()
    assert "Zenith night picks" in waiting and f"on behalf of {s.lena.display_name}" in waiting
    home = client.get("/home/operations-lead/").content.decode()
    assert "Zenith night picks" in home and f"on behalf of {s.lena.display_name}" in home

    answer = client.post(f"/exceptions/{exception.pk}/decide/", {"action": "approve", "comment": "Fine."})
    assert answer.status_code == 302, answer.content.decode()[:500]
    exception.refresh_from_db()
    assert exception.status == "approved"
    step = ExceptionTransition.objects.get(exception=exception, action="approve")
    assert step.actor == s.oscar and step.on_behalf_of == s.lena
    taken_up = ExceptionTransition.objects.get(exception=exception, action="route")
    assert taken_up.on_behalf_of == s.lena and f"on behalf of {s.lena.display_name}" in taken_up.comment
    event = AuditEvent.objects.filter(verb="exception.approve").latest("id")
    assert event.after["on_behalf_of"] == "ops.lena"
    page = client.get(f"/exceptions/{exception.pk}/").content.decode()
    assert f"on behalf of {s.lena.display_name}" in page
    steps = client.get(f"/api/v1/exceptions/{exception.pk}/transitions/").json()
    assert [step["on_behalf_of"] for step in steps if step["action"] == "approve"] == ["ops.lena"]


@pytest.mark.parametrize(("starts_in", "ends_in"), [(1, 4)])
def test_outside_the_period_the_delegate_cannot(s, client, starts_in, ends_in):
    exception = _submitted_in_amer(s)
    assert _set_away(client, s.lena, s.oscar, starts_in=starts_in, ends_in=ends_in).status_code == 302
    client.force_login(s.oscar)
    assert "Zenith night picks" not in client.get("/exceptions/waiting/").content.decode()
    answer = client.post(f"/exceptions/{exception.pk}/decide/", {"action": "approve", "comment": "Fine."})
    assert answer.status_code == 404
    exception.refresh_from_db()
    assert exception.status == "submitted"


def test_after_the_period_the_delegate_cannot(s, client):
    exception = _submitted_in_amer(s)
    now = timezone.now()
    Delegation.objects.create(
        person=s.lena,
        delegate=s.oscar,
        starts_at=now - datetime.timedelta(days=5),
        ends_at=now - datetime.timedelta(days=1),
    )
    client.force_login(s.oscar)
    answer = client.post(f"/exceptions/{exception.pk}/decide/", {"action": "approve", "comment": "Fine."})
    assert answer.status_code == 404
    exception.refresh_from_db()
    assert exception.status == "submitted"


# --- votes, and the chair's decision -------------------------------------------------------------------


def _board_review(s) -> Review:
    exception = ExceptionRequestFactory(customer=s.acme, process=s.fulfilment, estimated_monthly_cost=9000)
    lifecycle.submit_request(exception=exception, actor=exception.requested_by)
    return Review.objects.get(exception=exception)


def test_a_chairs_delegate_votes_for_them_but_never_decides(s, client):
    review = _board_review(s)
    assert _set_away(client, s.carol, s.dan).status_code == 302
    client.force_login(s.dan)
    page = client.get(f"/governance/reviews/{review.pk}/").content.decode()
    assert 'data-testid="vote-on-behalf-form"' in page
    answer = client.post(
        f"/governance/reviews/{review.pk}/vote/",
        {"choice": "approve", "rationale": "Carol asked me to.", "on_behalf_of": "ccb.carol"},
    )
    assert answer.status_code == 302
    vote = Vote.objects.get(review=review, member=s.carol)
    assert vote.cast_by == s.dan and vote.choice == "approve"
    assert (
        AuditEvent.objects.filter(verb="review.vote_cast").latest("id").after["on_behalf_of"] == "ccb.carol"
    )
    assert "cast by" in client.get(f"/governance/reviews/{review.pk}/").content.decode()
    # dan's own vote is still his to cast
    client.post(f"/governance/reviews/{review.pk}/vote/", {"choice": "approve", "rationale": "Mine."})
    assert Vote.objects.filter(review=review).count() == 2
    # The chair's decision is not handed over.
    refused = client.post(
        f"/governance/reviews/{review.pk}/decide/", {"outcome": "approve", "rationale": "As chair."}
    )
    assert refused.status_code == 403
    review.refresh_from_db()
    assert review.status == Review.Status.OPEN


def test_the_delegates_queue_and_home_list_the_votes_they_hold_for_the_member_away(s, client):
    review = _board_review(s)
    assert _set_away(client, s.carol, s.dan).status_code == 302
    client.force_login(s.dan)

    def waiting() -> str:
        page = client.get("/governance/").content.decode()
        return page.split('data-testid="waiting-count"', 1)[1].split("Other open reviews", 1)[0]

    assert f"your vote, and one on behalf of {s.carol.display_name}" in waiting()
    assert (
        f"yours, and on behalf of {s.carol.display_name}"
        in client.get("/home/board-member/").content.decode()
    )
    client.post(f"/governance/reviews/{review.pk}/vote/", {"choice": "approve", "rationale": "Mine."})
    assert f"a vote on behalf of {s.carol.display_name}" in waiting()  # hers still waits
    client.post(
        f"/governance/reviews/{review.pk}/vote/",
        {"choice": "approve", "rationale": "Carol asked me to.", "on_behalf_of": "ccb.carol"},
    )
    assert "on behalf of" not in waiting() and f"/governance/reviews/{review.pk}/" not in waiting()
    # Erin stands in for nobody: her queue has the review as her own, no one else's.
    client.force_login(s.erin)
    assert "on behalf of" not in client.get("/governance/").content.decode()


def test_nobody_votes_for_a_member_they_do_not_stand_in_for(s, client, signed_in_api):
    review = _board_review(s)
    client.force_login(s.dan)
    answer = client.post(
        f"/governance/reviews/{review.pk}/vote/",
        {"choice": "approve", "rationale": "Not mine to cast.", "on_behalf_of": "ccb.erin"},
    )
    assert answer.status_code == 400 and "You do not stand in for ccb.erin" in answer.content.decode()
    refused = signed_in_api(s.dan).post(
        f"/api/v1/reviews/{review.pk}/votes/",
        {"choice": "approve", "rationale": "Not mine.", "on_behalf_of": "ccb.erin"},
        format="json",
    )
    assert refused.status_code == 403
    assert not Vote.objects.filter(review=review).exists()


# --- notices and escalations -----------------------------------------------------------------------------


def test_the_delegate_is_told_what_waits_for_the_lead_away(s, client):
    assert _set_away(client, s.lena, s.oscar).status_code == 302
    _submitted_in_amer(s)
    told = Notification.objects.filter(recipient=s.oscar, subject__contains="Zenith night picks")
    assert told.filter(subject__startswith=f"On behalf of {s.lena.display_name}").exists()
    assert not Notification.objects.filter(recipient=s.lena, subject__contains="Zenith night picks").exists()


def test_an_escalation_raised_to_the_person_away_goes_to_the_delegate(s, client):
    assert _set_away(client, s.lena, s.oscar).status_code == 302
    escalation, _ = raise_escalation(
        subject=s.zenith, reason="sla_response_breached", detail="Late.", region=s.amer, target_user=s.lena
    )
    assert Notification.objects.filter(recipient=s.oscar, subject__startswith="On behalf of").exists()
    client.force_login(s.oscar)
    listed = client.get("/escalations/?mine=1")
    assert listed.status_code == 200
    # Raised to Lena by name, it is his while she is away: marked for him, on her behalf.
    assert [e.pk for e in listed.context["page"].object_list if e.mine] == [escalation.pk]
    assert f"on behalf of {s.lena.display_name}" in listed.content.decode()
    answer = client.post(f"/escalations/{escalation.pk}/acknowledge/", {"note": "On it for Lena."})
    assert answer.status_code in (200, 302), answer.content.decode()[:400]
    escalation.refresh_from_db()
    assert escalation.acknowledged_at is not None
    event = AuditEvent.objects.filter(verb="escalation.acknowledged", object_id=str(escalation.pk)).latest(
        "id"
    )
    assert event.after["on_behalf_of"] == "ops.lena"
    assert Escalation.objects.count() == 1
