"""Issue 18, defect 5 and build item 6: people by full name (never a username, never "AnonymousUser"), acts
and objects in words on the audit trail, messages that read as sentences, every amount in the one currency,
and times in the person's time zone (their profile's, else their region's) with the exact time on hover."""

import pytest
from django.conf import settings

from exceptions.models import ExceptionRequest
from intimacy_ops.accounts.models import Region
from intimacy_ops.notifications import notify
from tests.exceptions.factories import ExceptionRequestFactory, scenario
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():
    return scenario()


def _sign_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_times_show_in_the_regions_zone_then_in_the_one_chosen_on_the_profile(s, client):
    Region.objects.filter(code="EMEA").update(time_zone="Europe/Paris")
    notify([s.alice], subject="Something happened", body="", link="/exceptions/")
    _sign_in(client, s.alice)
    html = client.get("/notifications/").content.decode()
    assert "ago</time>" in html or "just now</time>" in html  # relative while recent
    assert " CET" in html and "UTC" not in html  # the exact time on hover, in Paris
    assert (
        'data-testid="effective-time-zone">Europe/Paris' in client.get("/accounts/profile/").content.decode()
    )

    answer = client.post("/accounts/profile/", {"time_zone": "America/New_York"}, follow=True)
    assert "times now show in America/New York" in answer.content.decode()
    assert " EST" in client.get("/notifications/").content.decode()
    assert client.post("/accounts/profile/", {"time_zone": "Mars/Olympus"}).status_code == 400


def test_the_grant_form_lists_people_by_full_name_and_never_the_anonymous_account(s, client):
    html = _sign_in(client, s.sam).get("/segments/privacy/grants/").content.decode()
    assert settings.ANONYMOUS_USER_NAME not in html
    assert f">{s.alice.get_full_name()}</option>" in html and ">am.alice</option>" not in html


def test_the_audit_trail_names_people_acts_and_objects_in_words(s, client):
    draft = ExceptionRequestFactory(customer=s.acme, process=s.fulfilment)
    _sign_in(client, s.alice).post(f"/exceptions/{draft.pk}/submit/")
    html = _sign_in(client, s.ada).get("/audit/").content.decode()
    assert s.alice.get_full_name() in html and ">am.alice<" not in html
    assert "exceptions.exceptionrequest#" not in html and "Exception request #" in html
    assert '<code class="verb">' not in html


def test_messages_read_as_sentences_and_amounts_carry_the_currency(s, client):
    draft = ExceptionRequestFactory(customer=s.acme, process=s.fulfilment, title="Saturday deliveries")
    answer = _sign_in(client, s.alice).post(f"/exceptions/{draft.pk}/submit/", follow=True)
    html = answer.content.decode()
    assert "Saturday deliveries is submitted: it waits for the operations lead of its region." in html
    assert "Submitted: submitted." not in html
    ExceptionRequest.objects.filter(pk=draft.pk).update(status="active")
    customer_page = client.get(f"/segments/customers/{s.acme.pk}/").content.decode()
    assert f"{settings.CURRENCY} 500" in customer_page
