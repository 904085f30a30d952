"""The threshold policies page: the list with lines and open reviews, the form with field errors, switching
off after a confirmation, "Evaluate now" showing what it opened, the open proposals and one proposal."""

import pytest

from governance.models import Review, ThresholdPolicy
from tests.exceptions.factories import scenario
from tests.factories import PASSWORD
from tests.governance.policy_helpers import active, customers, policy

pytestmark = pytest.mark.django_db

PAGE = "/governance/policies/"


@pytest.fixture
def s():
    return scenario()


def _signed_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_the_empty_page_invites_a_chair_to_draw_the_first_line(s, client):
    page = _signed_in(client, s.carol).get(PAGE).content.decode()
    assert 'data-testid="no-policies"' in page and "Draw the first line" in page
    assert 'data-testid="no-proposals"' in page
    assert 'data-testid="evaluate-now"' in page


def test_readers_without_the_keepers_role_see_no_buttons_and_account_managers_are_refused(s, client):
    policy("Age", max_age_days=365)
    page = _signed_in(client, s.dan).get(PAGE).content.decode()
    assert "Age" in page and 'data-testid="evaluate-now"' not in page and "/edit/" not in page
    client.logout()
    assert _signed_in(client, s.alice).get(PAGE).status_code == 403
    client.logout()
    assert _signed_in(client, s.dan).get("/governance/policies/new/").status_code == 403


def test_a_chair_creates_a_policy_and_bad_input_shows_on_the_fields(s, client):
    _signed_in(client, s.carol)
    bad = client.post(
        "/governance/policies/new/", {"name": "Budget", "scope": "process", "max_active_exceptions": "-2"}
    )
    page = bad.content.decode()
    assert bad.status_code == 200
    assert 'data-testid="error-max_active_exceptions"' in page and "greater than or equal to 0" in page
    no_process = client.post(
        "/governance/policies/new/", {"name": "Budget", "scope": "process", "max_active_exceptions": "2"}
    )
    assert "A process policy names its process." in no_process.content.decode()
    no_limit = client.post("/governance/policies/new/", {"name": "Budget", "scope": "global"})
    assert "Set at least one limit" in no_limit.content.decode()
    assert not ThresholdPolicy.objects.exists()
    done = client.post(
        "/governance/policies/new/",
        {
            "name": "Budget",
            "scope": "process",
            "process": s.fulfilment.pk,
            "max_active_exceptions": "2",
            "is_active": "on",
        },
        follow=True,
    )
    assert "Policy “Budget” saved" in done.content.decode()
    assert ThresholdPolicy.objects.get().process == s.fulfilment


def test_editing_and_switching_off_after_a_confirmation(s, client):
    line = policy("Age", max_age_days=365)
    _signed_in(client, s.oscar)
    form = client.get(f"/governance/policies/{line.pk}/edit/").content.decode()
    assert 'value="365"' in form
    client.post(
        f"/governance/policies/{line.pk}/edit/",
        {"name": "Age", "scope": "global", "max_age_days": "180", "is_active": "on"},
    )
    line.refresh_from_db()
    assert line.max_age_days == 180
    unconfirmed = client.post(f"/governance/policies/{line.pk}/deactivate/", {})
    assert "Tick the box to confirm." in unconfirmed.content.decode()
    line.refresh_from_db()
    assert line.is_active
    client.post(f"/governance/policies/{line.pk}/deactivate/", {"confirm": "on"})
    line.refresh_from_db()
    assert not line.is_active


def test_evaluate_now_shows_what_it_opened_and_the_proposal_page_shows_what_it_covers(s, client):
    holders = customers(s, 3)
    for customer in holders:
        active(s, customer=customer, tag="saturday-delivery")
    policy("Similar 3", min_similar_customers=3)
    _signed_in(client, s.carol)
    page = client.post("/governance/policies/evaluate/", follow=True).content.decode()
    review = Review.objects.get()
    assert 'data-testid="evaluation"' in page and "1 review opened" in page
    assert f"/governance/policies/proposals/{review.pk}/" in page
    assert 'data-testid="proposal-row"' in page
    again = client.get(PAGE).content.decode()
    assert 'data-testid="evaluation"' not in again  # shown once
    proposal = client.get(f"/governance/policies/proposals/{review.pk}/").content.decode()
    assert "Standardize “saturday-delivery”" in proposal
    assert proposal.count('data-testid="covered-row"') == 3
    assert holders[0].name in proposal


def test_a_proposal_outside_the_scope_is_404(s, client, make_user):
    active(s, customer=s.acme, started_days_ago=400, runs_days=800)
    policy("Age", max_age_days=365)
    from governance.services.evaluation import evaluate_threshold_policies

    evaluate_threshold_policies()
    review = Review.objects.get()
    outsider = make_user("process owner", regions=["APAC"], username="owner.other")
    assert _signed_in(client, outsider).get(f"/governance/policies/proposals/{review.pk}/").status_code == 404


@pytest.mark.parametrize("rows", [3, 50])
def test_the_page_takes_a_fixed_number_of_queries(s, client, django_assert_max_num_queries, rows):
    for index in range(rows):
        policy(f"Policy {index:02d}", scope="process", process=s.fulfilment, max_active_exceptions=100)
    for index in range(rows):  # one sunset review of each
        active(s, process=s.billing, started_days_ago=10, runs_days=15 + index % 10)
    policy("Lead", sunset_lead_days=30)
    from governance.services.evaluation import evaluate_threshold_policies

    evaluate_threshold_policies()
    _signed_in(client, s.carol)
    assert Review.objects.filter(status="open").count() == rows
    with django_assert_max_num_queries(20):
        response = client.get(PAGE)
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="proposal-row"') == min(rows, 25)


def test_the_process_owner_told_of_a_proposal_can_open_it(s, client, make_user):
    owner = make_user("process owner", regions=["APAC"], username="owner.apac")
    s.fulfilment.owner = owner
    s.fulfilment.save()
    active(s, customer=s.acme, started_days_ago=400, runs_days=800)
    policy("Age", max_age_days=365)
    from governance.services.evaluation import evaluate_threshold_policies

    evaluate_threshold_policies()
    review = Review.objects.get()
    from intimacy_ops.notifications.models import Notification

    told = Notification.objects.get(recipient=owner)
    page = _signed_in(client, owner).get(told.link)
    assert page.status_code == 200
    assert "Sunset exceptions to Fulfilment" in page.content.decode()
    assert review.title in page.content.decode()
