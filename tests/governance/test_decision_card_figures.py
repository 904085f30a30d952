"""Issue 18, defect 4 on the chair's decision card: quorum reads as votes cast against votes needed (never
"3 of 2"), a 1-1 tie allows neither approve nor reject, and "the votes support approval" is not shown as a
refusal (red)."""

import pytest

from exceptions.services import lifecycle
from governance import services
from governance.models import Review
from tests.exceptions.factories import ExceptionRequestFactory, scenario
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():
    return scenario()


def _review_page(s, client, votes):
    exception = ExceptionRequestFactory(customer=s.acme, process=s.fulfilment, estimated_monthly_cost=9000)
    lifecycle.submit_request(exception=exception, actor=exception.requested_by)
    review = Review.objects.get(exception=exception)
    for member, choice in zip((s.dan, s.erin, s.carol), votes, strict=False):
        services.cast_vote(review=review, member=member, choice=choice, rationale="My reasons.")
    assert client.login(username=s.carol.username, password=PASSWORD)
    return review, client.get(f"/governance/reviews/{review.pk}/").content.decode()


def test_more_votes_than_the_quorum_read_as_votes_cast_and_needed(s, client):
    _review, html = _review_page(s, client, ["approve", "approve", "approve"])
    assert "Quorum: 3 voted, 2 needed ✓" in html and "3 of 2" not in html
    # The good news is not styled as a refusal.
    assert 'class="good" data-testid="good-note">The votes support approval' in html


def test_a_tie_allows_neither_approve_nor_reject(s, client):
    review, html = _review_page(s, client, ["approve", "reject"])
    assert 'data-testid="outcome-approve" disabled' in html
    assert 'data-testid="outcome-reject" disabled' in html
    assert 'data-testid="outcome-defer">' in html
    refused = client.post(
        f"/governance/reviews/{review.pk}/decide/", {"outcome": "reject", "rationale": "No."}
    )
    assert refused.status_code == 409 and "carries neither side" in refused.content.decode()
