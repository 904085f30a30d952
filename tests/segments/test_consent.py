"""Consent: a flag changes only through `set_consent` (audited), by the account manager or a data steward;
features ask `consent.allows` and skip with the reason when it is off."""

import pytest

from intimacy_ops import errors
from intimacy_ops.audit import AuditEvent
from privacy import consent
from privacy.services.consent import set_consent
from tests.factories import PASSWORD
from tests.segments.factories import CustomerFactory, people

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    return people()


@pytest.fixture
def customer(cast):
    return CustomerFactory(name="Acme Logistics", account_manager=cast["alice"])


def sign_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_allows_says_yes_or_no_with_a_reason_a_person_can_read(customer):
    customer.consent_sentiment = True

    assert consent.allows(customer, "sentiment") == (True, "Acme Logistics consented to sentiment analysis.")
    ok, reason = consent.allows(customer, "profiling")
    assert ok is False
    assert reason == "Skipped: Acme Logistics has not consented to profiling."
    assert consent.allows(customer, "surveys")[0] is False
    with pytest.raises(ValueError, match="No consent flag 'marketing'"):
        consent.allows(customer, "marketing")


@pytest.mark.parametrize("who", ["alice", "sam"])
def test_account_manager_or_steward_changes_a_flag_and_it_is_audited(cast, customer, who):
    set_consent(
        actor=cast[who], subject=customer, flag="profiling", value=True, reason="Signed form of 20 Nov"
    )

    customer.refresh_from_db()
    assert customer.consent_profiling is True
    [event] = AuditEvent.objects.filter(verb="customer.consent_changed")
    assert event.actor == cast[who]
    assert event.object_id == str(customer.pk)
    assert event.before == {"consent_profiling": False}
    assert event.after == {"consent_profiling": True}
    assert event.comment == "Signed form of 20 Nov"
    assert consent.allows(customer, "profiling")[0] is True


@pytest.mark.parametrize("who", ["amy", "oscar", "ada"])
def test_someone_else_may_not_change_consent(cast, customer, who):
    with pytest.raises(errors.PermissionDenied):
        set_consent(
            actor=cast[who], subject=customer, flag="surveys", value=True, reason="Heard it somewhere"
        )

    customer.refresh_from_db()
    assert customer.consent_surveys is False
    assert not AuditEvent.objects.filter(verb="customer.consent_changed").exists()


def test_a_reason_is_required_and_the_same_value_again_changes_nothing(cast, customer):
    with pytest.raises(errors.ValidationFailed) as refused:
        set_consent(actor=cast["alice"], subject=customer, flag="surveys", value=True, reason=" ")
    assert "reason" in refused.value.fields

    set_consent(actor=cast["alice"], subject=customer, flag="surveys", value=False, reason="Already off")
    assert not AuditEvent.objects.filter(verb="customer.consent_changed").exists()


def test_the_customer_page_offers_the_control_to_the_account_manager_and_it_records_consent(
    client, cast, customer
):
    sign_in(client, cast["alice"])
    page = client.get(f"/segments/customers/{customer.pk}/")
    assert b'data-testid="consent-form"' in page.content
    assert b'data-testid="subject-export-form"' not in page.content  # stewards only

    response = client.post(
        f"/segments/customers/{customer.pk}/consent/",
        {"flag": "sentiment", "value": "1", "reason": "Customer e-mail 21 Nov"},
    )

    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.consent_sentiment is True
    assert AuditEvent.objects.filter(verb="customer.consent_changed", actor=cast["alice"]).count() == 1
    followed = client.get(response["Location"])
    assert "Consent to sentiment analysis recorded as given" in followed.content.decode()


def test_the_page_control_is_absent_and_the_post_refused_for_someone_else(client, cast, customer):
    sign_in(client, cast["oscar"])
    page = client.get(f"/segments/customers/{customer.pk}/")
    assert page.status_code == 200
    assert b'data-testid="consent-form"' not in page.content

    response = client.post(
        f"/segments/customers/{customer.pk}/consent/",
        {"flag": "sentiment", "value": "1", "reason": "Because"},
    )

    assert response.status_code == 403
    customer.refresh_from_db()
    assert customer.consent_sentiment is False


def test_out_of_scope_customer_is_404(client, cast):
    elsewhere = CustomerFactory(region__code="AMER", account_manager=cast["bob"])
    sign_in(client, cast["alice"])

    response = client.post(
        f"/segments/customers/{elsewhere.pk}/consent/", {"flag": "surveys", "value": "1", "reason": "Because"}
    )

    assert response.status_code == 404


def test_consent_through_the_customer_api_follows_the_consent_rule(signed_in_api, cast, customer):
    url = f"/api/v1/customers/{customer.pk}/"

    refused = signed_in_api(cast["oscar"]).patch(url, {"consent_profiling": True}, format="json")
    allowed = signed_in_api(cast["alice"]).patch(url, {"consent_profiling": True}, format="json")

    assert refused.status_code == 403
    assert allowed.status_code == 200, allowed.content
    customer.refresh_from_db()
    assert customer.consent_profiling is True
    event = AuditEvent.objects.get(verb="customer.changed", object_id=str(customer.pk))
    assert event.before["consent_profiling"] is False and event.after["consent_profiling"] is True
