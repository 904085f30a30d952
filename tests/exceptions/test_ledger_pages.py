"""In the browser, not only the API: the account manager books actual costs and asks for an extension on the
request page, the operations lead decides it there, and the process owner edits the process and publishes a
new version. Field errors come back on the form; nothing is written."""

import datetime
import re

import pytest
from django.utils import timezone

from exceptions.models import CostEntry, ExtensionRequest, ProcessVersion
from intimacy_ops.audit import AuditEvent
from tests.exceptions.factories import ExceptionRequestFactory, scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():
    return scenario()


def _active(s, days_left=30):
    today = timezone.localdate()
    return ExceptionRequestFactory(
        customer=s.acme,
        process=s.fulfilment,
        requested_by=s.alice,
        status="active",
        route="lead",
        starts_on=today - datetime.timedelta(days=100),
        expires_on=today + datetime.timedelta(days=days_left),
    )


def test_the_account_manager_books_a_cost_on_the_request_page(s, browse):
    exception = _active(s)
    client = browse(s.alice)
    page = client.get(f"/exceptions/{exception.pk}/")
    assert b'data-testid="cost-form"' in page.content
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    answer = client.post(
        f"/exceptions/{exception.pk}/costs/",
        {"incurred_on": yesterday.isoformat(), "amount": "1250.50", "note": "Saturday crew"},
        follow=True,
    )
    assert answer.status_code == 200
    assert b"Booked 1,250.50" in answer.content
    entry = CostEntry.objects.get(exception=exception)
    assert (entry.amount, entry.note, entry.recorded_by) == (1250.50, "Saturday crew", s.alice)
    assert b'data-testid="cost-row"' in answer.content


@pytest.mark.parametrize(
    ("days", "amount", "field"),
    [
        (1, "100", "incurred_on"),  # tomorrow
        (-1, "-5", "amount"),
        (-1, "", "amount"),
        (-101, "100", "incurred_on"),  # before the exception started
    ],
)
def test_a_bad_cost_is_a_field_error_and_nothing_is_booked(s, browse, days, amount, field):
    exception = _active(s)
    on = timezone.localdate() + datetime.timedelta(days=days)
    answer = browse(s.alice).post(
        f"/exceptions/{exception.pk}/costs/", {"incurred_on": on.isoformat(), "amount": amount}
    )
    assert answer.status_code == 400
    message = re.search(rf'data-testid="error-{field}"[^>]*>([^<]*)</small>', answer.content.decode())
    assert message and message.group(1).strip()  # the message is there, not an empty slot
    assert not CostEntry.objects.exists()


def test_no_cost_form_for_someone_who_may_not_book_and_the_post_is_refused(s, browse):
    exception = _active(s)
    client = browse(s.dan)  # a board member sees the request but books nothing
    assert b'data-testid="cost-form"' not in client.get(f"/exceptions/{exception.pk}/").content
    answer = client.post(
        f"/exceptions/{exception.pk}/costs/",
        {"incurred_on": timezone.localdate().isoformat(), "amount": "10"},
    )
    assert answer.status_code == 403
    assert not CostEntry.objects.exists()


def test_an_extension_asked_on_the_page_is_decided_by_the_lead_on_the_page(s, browse):
    exception = _active(s)
    new_date = exception.expires_on + datetime.timedelta(days=60)
    answer = browse(s.alice).post(
        f"/exceptions/{exception.pk}/extensions/",
        {"new_expires_on": new_date.isoformat(), "reason": "The new site opens in the autumn."},
        follow=True,
    )
    assert b"the operations lead decides" in answer.content
    extension = ExtensionRequest.objects.get(exception=exception, status="open")
    assert b'data-testid="extension-form"' not in answer.content  # one open extension at a time

    lead_page = browse(s.oscar).get(f"/exceptions/{exception.pk}/")
    assert b'data-testid="extension-decision-form"' in lead_page.content
    refused = browse(s.oscar).post(
        f"/exceptions/{exception.pk}/extensions/{extension.pk}/decide/", {"decision": "reject", "comment": ""}
    )
    assert refused.status_code == 400 and b'data-testid="error-comment"' in refused.content
    extension.refresh_from_db()
    assert extension.status == "open"

    browse(s.oscar).post(
        f"/exceptions/{exception.pk}/extensions/{extension.pk}/decide/",
        {"decision": "approve", "comment": ""},
    )
    exception.refresh_from_db()
    assert exception.expires_on == new_date
    assert AuditEvent.objects.filter(verb="exception.extended", object_id=str(exception.pk)).exists()


def test_an_extension_before_the_current_expiry_is_a_field_error(s, browse):
    exception = _active(s)
    answer = browse(s.alice).post(
        f"/exceptions/{exception.pk}/extensions/",
        {"new_expires_on": exception.expires_on.isoformat(), "reason": "The new site opens in the autumn."},
    )
    assert answer.status_code == 400
    assert b"Choose a date after the current expiry" in answer.content
    assert not ExtensionRequest.objects.exists()


def test_the_owner_edits_the_process_and_publishes_a_version(s, browse):
    client = browse(s.olivia)
    page = client.get(f"/exceptions/processes/{s.fulfilment.pk}/")
    assert b'data-testid="process-publish-link"' in page.content
    edited = client.post(
        f"/exceptions/processes/{s.fulfilment.pk}/edit/",
        {
            "name": "Fulfilment and delivery",
            "category": "fulfilment",
            "owner": s.olivia.pk,
            "description": "Pick, pack, ship.",
            "standard_option_customers": 4,
        },
        follow=True,
    )
    assert b"Process saved." in edited.content
    s.fulfilment.refresh_from_db()
    assert (s.fulfilment.name, s.fulfilment.standard_option_customers) == ("Fulfilment and delivery", 4)

    published = client.post(
        f"/exceptions/processes/{s.fulfilment.pk}/publish/",
        {
            "procedure": "Ship within 24 hours.",
            "standard_options": "Saturday delivery\n\nExpress carrier\n",
            "change_note": "Saturday delivery is standard now.",
        },
        follow=True,
    )
    version = ProcessVersion.objects.get(process=s.fulfilment, number=2)
    assert version.standard_options == ["Saturday delivery", "Express carrier"]
    assert b"Version 2 of Fulfilment and delivery is published." in published.content


def test_an_empty_procedure_is_a_field_error_and_no_version_is_published(s, browse):
    answer = browse(s.olivia).post(f"/exceptions/processes/{s.fulfilment.pk}/publish/", {"procedure": "  "})
    assert answer.status_code == 400
    assert b"Describe the standard operating procedure." in answer.content
    assert not ProcessVersion.objects.filter(process=s.fulfilment, number=2).exists()


def test_only_the_owner_edits_a_process(s, browse):
    client = browse(s.alice)
    assert (
        b'data-testid="process-edit-link"'
        not in client.get(f"/exceptions/processes/{s.fulfilment.pk}/").content
    )
    assert client.get(f"/exceptions/processes/{s.fulfilment.pk}/edit/").status_code == 403
    assert (
        client.post(f"/exceptions/processes/{s.fulfilment.pk}/publish/", {"procedure": "x"}).status_code
        == 403
    )
    assert not ProcessVersion.objects.filter(process=s.fulfilment, number=2).exists()
