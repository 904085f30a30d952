"""Similar requests → a standard option: once the number of distinct customers holding active exceptions of one
process with one deviation tag reaches the process's line, its owner is told once and sees the candidate."""

import datetime

import pytest
from django.utils import timezone

from exceptions import selectors
from exceptions.models import StandardOptionSignal
from exceptions.services import lifecycle
from intimacy_ops import checks
from intimacy_ops.notifications.models import Notification
from tests.exceptions.factories import ExceptionRequestFactory, scenario
from tests.segments.factories import CustomerFactory

pytestmark = pytest.mark.django_db

TAG = "saturday-delivery"


@pytest.fixture
def s():
    return scenario()


def _approved(s, customer, tag=TAG, process=None):
    today = timezone.localdate()
    return ExceptionRequestFactory(
        customer=customer,
        process=process or s.fulfilment,
        deviation_tag=tag,
        status="approved",
        route="lead",
        requested_by=s.alice,
        starts_on=today,
        expires_on=today + datetime.timedelta(days=30),
    )


def _owner_signals(s) -> list[str]:
    return list(
        Notification.objects.filter(
            recipient=s.olivia, subject__startswith="Propose a standard option"
        ).values_list("subject", flat=True)
    )


def test_the_owner_is_told_once_when_the_third_customer_holds_it(
    s, mailoutbox, django_capture_on_commit_callbacks
):
    assert s.fulfilment.standard_option_customers == 3
    customers = [s.acme, s.borealis, CustomerFactory(region=s.emea), CustomerFactory(region=s.emea)]
    _approved(s, customers[0]), _approved(s, customers[0])  # one customer twice counts once
    _approved(s, customers[1])
    _approved(s, customers[2], tag="")  # untagged never counts
    _approved(s, customers[2], tag="sunday-delivery")  # another tag is another deviation
    _approved(s, customers[2], process=s.billing)  # another process too
    today = timezone.localdate()
    lifecycle.activate_due_exceptions(today=today)
    assert _owner_signals(s) == [] and selectors.standard_option_candidates(s.olivia) == []

    _approved(s, customers[2])
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.activate_due_exceptions(today=today)
    assert _owner_signals(s) == ["Propose a standard option for Fulfilment?"]
    assert [mail.to for mail in mailoutbox if "standard option" in mail.subject] == [[s.olivia.email]]
    signal = StandardOptionSignal.objects.get()
    assert (signal.process, signal.deviation_tag, signal.customers, signal.notified) == (
        s.fulfilment,
        TAG,
        3,
        s.olivia,
    )

    # A fourth customer, and the periodic check run twice: no second notice.
    _approved(s, customers[3])
    lifecycle.activate_due_exceptions(today=today)
    assert checks.run("exceptions.standard_options") == "proposed 0 standard option(s) to process owners"
    assert checks.run("exceptions.standard_options") == "proposed 0 standard option(s) to process owners"
    assert len(_owner_signals(s)) == 1

    [candidate] = selectors.standard_option_candidates(s.olivia)
    assert {
        k: candidate[k] for k in ("process", "deviation_tag", "customers", "exceptions", "threshold")
    } == {
        "process": s.fulfilment.pk,
        "deviation_tag": TAG,
        "customers": 4,
        "exceptions": 5,
        "threshold": 3,
    }
    assert candidate["signalled_at"] == signal.raised_at
    assert selectors.standard_option_candidates(s.alice) == []  # not her process


def test_the_periodic_check_catches_a_crossing_made_without_activation(s):
    s.fulfilment.standard_option_customers = 2
    s.fulfilment.save()
    for customer in (s.acme, s.borealis):
        ExceptionRequestFactory(customer=customer, process=s.fulfilment, status="active", deviation_tag=TAG)
    assert checks.run("exceptions.standard_options") == "proposed 1 standard option(s) to process owners"
    assert checks.run("exceptions.standard_options") == "proposed 0 standard option(s) to process owners"
    assert len(_owner_signals(s)) == 1


def test_the_owner_reads_the_candidates_in_the_api(s, signed_in_api):
    s.fulfilment.standard_option_customers = 2
    s.fulfilment.save()
    for customer in (s.acme, s.borealis):
        ExceptionRequestFactory(customer=customer, process=s.fulfilment, status="active", deviation_tag=TAG)
    body = signed_in_api(s.olivia).get("/api/v1/processes/standard-option-candidates/").json()
    assert [(c["process_name"], c["deviation_tag"], c["customers"]) for c in body] == [("Fulfilment", TAG, 2)]
    assert signed_in_api(s.alice).get("/api/v1/processes/standard-option-candidates/").json() == []


def test_a_deviation_tag_is_a_short_slug(s, signed_in_api):
    from tests.exceptions.factories import request_payload

    client = signed_in_api(s.alice)
    bad = client.post(
        "/api/v1/exceptions/", request_payload(s, deviation_tag="Saturday delivery!"), format="json"
    )
    assert bad.status_code == 400 and "deviation_tag" in bad.json()
    good = client.post("/api/v1/exceptions/", request_payload(s, deviation_tag=TAG), format="json")
    assert good.status_code == 201 and good.json()["deviation_tag"] == TAG


def test_the_owner_sets_the_line_and_a_lowered_line_already_crossed_tells_them_at_once(s, signed_in_api):
    for customer in (s.acme, s.borealis):
        ExceptionRequestFactory(customer=customer, process=s.fulfilment, status="active", deviation_tag=TAG)
    path = f"/api/v1/processes/{s.fulfilment.pk}/"
    assert (
        signed_in_api(s.olivia).patch(path, {"standard_option_customers": 0}, format="json").status_code
        == 400
    )
    response = signed_in_api(s.olivia).patch(path, {"standard_option_customers": 2}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["standard_option_customers"] == 2
    assert _owner_signals(s) == ["Propose a standard option for Fulfilment?"]
