"""Customer links (issue 20, item 4): issued by the account manager or a steward, the page shows exactly the
customer's terms and never a forbidden field, expired / revoked / forged tokens answer 404, every view is in
the access log, and views are rate-limited."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from exceptions.models import ExceptionRequest
from intimacy_ops.audit import AuditEvent
from keyaccounts.models import CustomerLink
from privacy.models import AccessLogEntry
from segments.models import SlaPolicy
from segments.services import sla
from tests.exceptions.factories import ExceptionRequestFactory, ProcessFactory
from tests.segments.factories import five_customers

pytestmark = pytest.mark.django_db

LINKS = "/api/v1/customer-links/"
CANARY = {
    "justification": "CANARY-JUSTIFICATION-7731",
    "cost": "98765",
    "notes": "CANARY-NOTES-5512",
    "email": "canary-5512@acme.example",
}


@pytest.fixture
def scene():
    world = five_customers()
    acme = world.customers["acme"]
    acme.refresh_from_db()
    acme.personal_notes = CANARY["notes"]
    acme.contact_email = CANARY["email"]
    acme.save(update_fields=["personal_notes", "contact_email"])
    process = ProcessFactory(name="Delivery slots")
    today = timezone.localdate()
    world.saturday = ExceptionRequestFactory(
        customer=acme,
        process=process,
        title="Saturday deliveries",
        deviation="We deliver on Saturdays between 8:00 and 12:00.",
        justification=CANARY["justification"],
        estimated_monthly_cost=Decimal(CANARY["cost"]),
        estimated_one_off_cost=Decimal(CANARY["cost"]),
        risk_rating="high",
        status=ExceptionRequest.Status.ACTIVE,
        starts_on=today - datetime.timedelta(days=10),
        expires_on=today + datetime.timedelta(days=80),
    )
    world.pending = ExceptionRequestFactory(
        customer=acme, process=process, title="Pending idea", status=ExceptionRequest.Status.SUBMITTED
    )
    world.other = ExceptionRequestFactory(
        customer=world.customers["borealis"],
        process=process,
        title="Borealis pallets",
        status=ExceptionRequest.Status.ACTIVE,
        starts_on=today - datetime.timedelta(days=3),
    )
    world.case = sla.open_case(actor=world.admin, customer=acme, priority="P2", title="Late pallets")
    sla.open_case(
        actor=world.admin, customer=world.customers["borealis"], priority="P1", title="Borealis outage"
    )
    cache.clear()
    return world


def issue(client, customer, *, contact="Pat Buyer", days=14):
    expires = timezone.now() + datetime.timedelta(days=days)
    return client.post(
        LINKS,
        {"customer": customer.pk, "contact_name": contact, "expires_at": expires.isoformat()},
        format="json",
    )


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def words(response) -> str:
    body = re.sub(r"<script.*?</script>|<style.*?</style>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def test_the_account_manager_issues_a_link_and_the_page_shows_exactly_the_customers_terms(
    scene, signed_in_api, client
):
    response = issue(signed_in_api(scene.alice), scene.customers["acme"])
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "active" and body["issued_by"] == "am.alice" and "/c/" in body["url"]
    page = client.get(path_of(body["url"]))  # no one signed in
    assert page.status_code == 200
    text = words(page)
    assert "Acme Logistics" in text and "Strategic" in text
    # SLA commitments by priority, in words, with the business hours that apply.
    policies = SlaPolicy.objects.filter(segment__customers=scene.customers["acme"])
    assert len(re.findall(r'data-testid="commitment"', page.content.decode())) == policies.count() > 0
    # Approved variations: the active one, in plain words, with its dates; not the submitted one, not Borealis's.
    assert "Saturday deliveries" in text and "We deliver on Saturdays between 8:00 and 12:00." in text
    assert "Pending idea" not in text and "Borealis pallets" not in text
    # Open cases with their due times: Acme's, not Borealis's.
    assert "Late pallets" in text and "Borealis outage" not in text
    assert page["Cache-Control"] == "no-store" and page["Referrer-Policy"] == "no-referrer"


def test_the_page_never_shows_costs_risk_justification_notes_or_sensitive_fields(
    scene, signed_in_api, client
):
    url = issue(signed_in_api(scene.alice), scene.customers["acme"]).json()["url"]
    html = client.get(path_of(url)).content.decode()
    for canary in CANARY.values():
        assert canary not in html
    text = words(client.get(path_of(url))).lower()
    assert "98,765" not in html and "98765" not in html
    assert "risk" not in text and "cost" not in text and "justification" not in text


def test_every_view_is_in_the_access_log_on_the_issuers_name(scene, signed_in_api, client):
    link = issue(signed_in_api(scene.alice), scene.customers["acme"]).json()
    before = AccessLogEntry.objects.count()
    client.get(path_of(link["url"]))
    client.get(path_of(link["url"]))
    entries = list(AccessLogEntry.objects.order_by("id")[before:])
    assert len(entries) == 2
    assert {e.channel for e in entries} == {"customer_link"}
    assert {e.user_id for e in entries} == {scene.alice.pk}
    assert all(e.subject_id == scene.customers["acme"].pk for e in entries)
    assert all(f"customer link #{link['id']}" in e.purpose and "Pat Buyer" in e.purpose for e in entries)
    assert CustomerLink.objects.get(pk=link["id"]).views == 2


def test_revoked_expired_forged_and_other_customer_tokens_answer_404(scene, signed_in_api, client):
    api = signed_in_api(scene.alice)
    first = issue(api, scene.customers["acme"]).json()
    second = issue(api, scene.customers["borealis"]).json()
    token = path_of(first["url"]).split("/")[2]
    # A forged token: the other link's id with this link's secret (the signature fails), or garbage.
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    for bad in (f"/c/{forged}/", "/c/nothing-here/", "/c/%20/"):
        assert client.get(bad).status_code == 404
    # Another customer's link shows that customer only.
    assert "Borealis" in words(client.get(path_of(second["url"]))) and "Acme" not in words(
        client.get(path_of(second["url"]))
    )
    # Revoked → 404, and revoking twice is a 409.
    assert api.post(f"{LINKS}{first['id']}/revoke/", {}, format="json").status_code == 200
    assert client.get(path_of(first["url"])).status_code == 404
    assert api.post(f"{LINKS}{first['id']}/revoke/", {}, format="json").status_code == 409
    # Expired → 404.
    CustomerLink.objects.filter(pk=second["id"]).update(
        issued_at=timezone.now() - datetime.timedelta(days=2),
        expires_at=timezone.now() - datetime.timedelta(seconds=1),
    )
    assert client.get(path_of(second["url"])).status_code == 404


def test_issuing_validates_and_is_scoped(scene, signed_in_api):
    alice = signed_in_api(scene.alice)
    count = CustomerLink.objects.count()
    assert issue(alice, scene.customers["acme"], days=400).json().keys() == {"expires_at"}
    assert issue(alice, scene.customers["acme"], days=-1).status_code == 400
    assert issue(alice, scene.customers["acme"], contact="  ").status_code == 400
    # Another region's customer reads as one that does not exist: 400 naming `customer`.
    response = issue(alice, scene.customers["delta"])
    assert response.status_code == 400 and "customer" in response.json()
    # Amy's customer: Alice sees it but does not manage it.
    assert issue(alice, scene.customers["cobalt"]).status_code == 403
    # An operations lead does not issue links; a data steward of the region does.
    assert issue(signed_in_api(scene.oscar), scene.customers["acme"]).status_code == 403
    assert issue(signed_in_api(scene.sam), scene.customers["acme"]).status_code == 201
    assert CustomerLink.objects.count() == count + 1
    assert AuditEvent.objects.filter(verb="customer_link.issued").count() == 1


def test_views_are_rate_limited_per_address(scene, signed_in_api, client, settings):
    settings.CUSTOMER_LINK_VIEWS_PER_MINUTE = 3
    url = path_of(issue(signed_in_api(scene.alice), scene.customers["acme"]).json()["url"])
    assert [client.get(url).status_code for _ in range(4)] == [200, 200, 200, 429]
    assert client.get("/c/guessing/").status_code == 429  # guessing counts too


def test_issue_and_revoke_from_the_customer_page(scene, browse):
    client = browse(scene.alice)
    acme = scene.customers["acme"]
    expires = (timezone.localdate() + datetime.timedelta(days=10)).isoformat()
    # Bad input: the section comes back with the field's error, nothing issued.
    response = client.post(
        f"/keyaccounts/customers/{acme.pk}/links/",
        {"contact_name": "", "expires_on": expires},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400 and "field-error" in response.content.decode()
    assert not CustomerLink.objects.exists()
    response = client.post(
        f"/keyaccounts/customers/{acme.pk}/links/",
        {"contact_name": "Pat Buyer", "expires_on": expires},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    url = re.search(r'data-testid="issued-link-url"[^>]*|value="([^"]+/c/[^"]+)"', response.content.decode())
    link = CustomerLink.objects.get()
    page = client.get(f"/segments/customers/{acme.pk}/")
    assert "Pat Buyer" in words(page) and f"/keyaccounts/links/{link.pk}/revoke/" in page.content.decode()
    assert url is not None
    # Revoke: a confirmation first, then gone.
    assert "Revoke the link for Pat Buyer?" in words(client.get(f"/keyaccounts/links/{link.pk}/revoke/"))
    assert client.post(f"/keyaccounts/links/{link.pk}/revoke/").status_code == 302
    link.refresh_from_db()
    assert link.status == "revoked" and link.revoked_by == scene.alice
    assert client.get(f"/keyaccounts/links/{link.pk}/revoke/").status_code == 409


def test_the_customer_page_and_the_link_list_take_a_fixed_number_of_queries(
    scene, signed_in_api, browse, django_assert_max_num_queries
):
    api = signed_in_api(scene.alice)
    for index in range(3):
        issue(api, scene.customers["acme"], contact=f"Contact {index}")
    with CaptureQueriesContext(connection) as few:
        api.get(LINKS)
    few = len(few)  # now: each request clears the connection's query log
    assert few <= 12
    for index in range(12):
        issue(api, scene.customers["acme"], contact=f"More {index}")
    with django_assert_max_num_queries(few):
        assert api.get(LINKS).json()["count"] == 15
