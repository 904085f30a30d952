"""Change control over the standard (issue 17, item 4): a controlled process's procedure change waits for the
board (pending) and takes effect only when approved; rejected, it never does; an uncontrolled process keeps
the owner's rule. Options show how many customers use them; retiring a used option goes through a review
that lists the customers affected. Through the API and the pages."""

import pytest

from exceptions.models import ProcessVersion
from governance.models import Review
from intimacy_ops.accounts.roles import Role
from intimacy_ops.audit import AuditEvent
from intimacy_ops.notifications.models import Notification
from tests.exceptions.factories import scenario
from tests.factories import user_with
from tests.governance.policy_helpers import active

pytestmark = pytest.mark.django_db

NEW_PROCEDURE = "Pick within 2 hours; ship the same day."


@pytest.fixture
def s():
    s = scenario()
    s.fulfilment.controlled = True
    s.fulfilment.save()
    return s


def _publish(client, process, procedure=NEW_PROCEDURE, options=()):
    return client.post(
        f"/api/v1/processes/{process.pk}/versions/",
        {"procedure": procedure, "standard_options": list(options), "change_note": "Faster picking."},
        format="json",
    )


def _version(client, process):
    return client.get(f"/api/v1/processes/{process.pk}/").json()["version"]


def _decide(signed_in_api, s, review, outcome):
    for member in (s.dan, s.erin):
        choice = "approve" if outcome == "approve" else "reject"
        response = signed_in_api(member).post(
            f"/api/v1/reviews/{review.pk}/votes/", {"choice": choice, "rationale": "Read it."}, format="json"
        )
        assert response.status_code in (200, 201), response.content
    response = signed_in_api(s.carol).post(
        f"/api/v1/reviews/{review.pk}/decide/", {"outcome": outcome, "rationale": "As voted."}, format="json"
    )
    assert response.status_code == 200, response.content


def test_a_controlled_procedure_change_is_pending_until_the_board_approves(s, signed_in_api):
    owner = signed_in_api(s.olivia)

    response = _publish(owner, s.fulfilment)

    assert response.status_code == 201, response.content
    assert response.json()["status"] == "pending" and response.json()["number"] == 2
    assert _version(owner, s.fulfilment) == 1  # still the old standard
    review = Review.objects.get(kind="standard_change", process=s.fulfilment)
    assert review.board == s.board and review.status == "open"
    assert Notification.objects.filter(recipient=s.dan, subject__contains="change to the standard").exists()
    # The process page says a version is pending; another change must wait for the decision (409).
    page = signed_in_api(s.olivia)
    assert _publish(page, s.fulfilment, procedure="Yet another way.").status_code == 409

    _decide(signed_in_api, s, review, "approve")

    assert _version(owner, s.fulfilment) == 2
    version = ProcessVersion.objects.get(process=s.fulfilment, number=2)
    assert version.status == "published" and version.procedure == NEW_PROCEDURE
    assert AuditEvent.objects.filter(verb="process.version_published", after__authority="board").exists()


def test_a_rejected_change_never_takes_effect(s, signed_in_api):
    owner = signed_in_api(s.olivia)
    assert _publish(owner, s.fulfilment).status_code == 201
    review = Review.objects.get(kind="standard_change")

    _decide(signed_in_api, s, review, "reject")

    assert _version(owner, s.fulfilment) == 1
    versions = owner.get(f"/api/v1/processes/{s.fulfilment.pk}/versions/").json()
    assert [(v["number"], v["status"]) for v in versions] == [(2, "rejected"), (1, "published")]
    # The next change is version 3 (2 stays the rejected one), and waits for the board again.
    response = _publish(owner, s.fulfilment, procedure="Another way.")
    assert response.json()["number"] == 3 and response.json()["status"] == "pending"


def test_an_uncontrolled_process_keeps_the_owner_rule(s, signed_in_api):
    owner = signed_in_api(s.olivia)

    response = _publish(owner, s.billing)

    assert response.json()["status"] == "published"
    assert _version(owner, s.billing) == 2
    assert not Review.objects.filter(kind="standard_change").exists()


def test_an_option_only_added_takes_effect_at_once_even_when_controlled(s, signed_in_api):
    owner = signed_in_api(s.olivia)
    current = owner.get(f"/api/v1/processes/{s.fulfilment.pk}/").json()["procedure"]

    response = _publish(owner, s.fulfilment, procedure=current, options=["express: same day"])

    assert response.json()["status"] == "published"


def test_retiring_an_option_customers_use_goes_to_the_board_listing_them(s, signed_in_api, browse):
    s.billing.versions.update(standard_options=["saturday-delivery: Deliver on Saturdays.", "gift-wrap"])
    for customer in (s.acme, s.zenith):
        active(s, customer=customer, process=s.billing, tag="saturday-delivery", status="standardized")
    page = browse(s.olivia).get(f"/exceptions/processes/{s.billing.pk}/")
    assert "2 customers use it" in page.text and "0 customers use it" in page.text

    response = _publish(
        signed_in_api(s.olivia), s.billing, procedure="The standard way of Billing.", options=["gift-wrap"]
    )

    assert response.json()["status"] == "pending"  # billing is not controlled: the customers make it so
    review = Review.objects.get(kind="standard_change", process=s.billing)
    assert "Customers affected (2): Acme, Zenith" in review.summary
    page = browse(s.dan).get(f"/governance/reviews/{review.pk}/")
    assert page.status_code == 200
    assert 'data-testid="affected-customers"' in page.text and "Zenith" in page.text


def test_retiring_an_option_nobody_uses_is_the_owners_alone(s, signed_in_api):
    s.billing.versions.update(standard_options=["gift-wrap"])

    response = _publish(signed_in_api(s.olivia), s.billing, procedure="The standard way of Billing.")

    assert response.json()["status"] == "published"


def test_only_an_administrator_puts_a_process_under_change_control(s, signed_in_api):
    refused = signed_in_api(s.olivia).patch(
        f"/api/v1/processes/{s.billing.pk}/", {"controlled": True}, format="json"
    )
    admin = user_with(Role.ADMINISTRATOR, regions=["EMEA", "AMER"])

    allowed = signed_in_api(admin).patch(
        f"/api/v1/processes/{s.billing.pk}/", {"controlled": True, "restandardize_months": 3}, format="json"
    )

    assert refused.status_code == 403
    assert allowed.status_code == 200 and allowed.json()["controlled"] is True
    assert allowed.json()["restandardize_months"] == 3


def test_the_publish_page_sends_a_controlled_change_to_its_review(s, browse):
    client = browse(s.olivia)

    response = client.post(
        f"/exceptions/processes/{s.fulfilment.pk}/publish/",
        {"procedure": NEW_PROCEDURE, "standard_options": "", "change_note": "Faster."},
        follow=True,
    )

    review = Review.objects.get(kind="standard_change")
    assert response.redirect_chain[-1][0] == f"/governance/reviews/{review.pk}/"
    assert "is pending" in response.text
    detail = client.get(f"/exceptions/processes/{s.fulfilment.pk}/")
    assert 'data-testid="pending-version"' in detail.text and "under change control" in detail.text
