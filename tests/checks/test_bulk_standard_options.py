"""exceptions.standard_options acts in bulk (issue 14, item 3): the signals a run raises are one insert, and an
owner of several processes whose lines were crossed hears once, naming each, linking to their processes; a
second run, or a second run at once, tells nobody again."""

import datetime

import pytest
import time_machine
from django.db import connection

from exceptions.models import StandardOptionSignal
from intimacy_ops import checks
from intimacy_ops.notifications.models import Notification
from tests.concurrency import twice_at_once
from tests.exceptions.factories import ExceptionRequestFactory, scenario

NOON = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=datetime.UTC)


def crossing(s) -> None:
    """Two customers hold two alike exceptions of each of olivia's processes (her line: 2 customers)."""
    for process in (s.fulfilment, s.billing):
        process.standard_option_customers = 2
        process.save()
        for customer in (s.acme, s.zenith):
            for tag in ("saturday-delivery", "paper-invoice"):
                ExceptionRequestFactory(
                    customer=customer, process=process, status="active", deviation_tag=tag
                )
    # One customer alone holding a third tag: below the line.
    ExceptionRequestFactory(customer=s.acme, process=s.billing, status="active", deviation_tag="fax")


def run() -> str:
    with time_machine.travel(NOON, tick=False):
        return checks.run("exceptions.standard_options")


@pytest.mark.django_db
def test_an_owner_of_four_crossed_lines_hears_once_naming_four(client):
    s = scenario()
    crossing(s)
    assert run() == "proposed 4 standard option(s) to process owners"
    [notice] = Notification.objects.filter(recipient=s.olivia)
    assert notice.subject == "Propose 4 standard options for your processes?"
    assert notice.link == "/exceptions/processes/"
    for name in ("Fulfilment, “saturday-delivery”", "Billing, “paper-invoice”"):
        assert name in notice.body
    assert "fax" not in notice.body
    client.force_login(s.olivia)
    assert client.get(notice.link).status_code == 200
    assert sorted(StandardOptionSignal.objects.values_list("deviation_tag", flat=True)) == sorted(
        ["saturday-delivery", "paper-invoice"] * 2
    )
    assert run() == "proposed 0 standard option(s) to process owners"
    assert Notification.objects.filter(recipient=s.olivia).count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
def test_two_runs_at_once_signal_each_line_once():
    s = scenario()
    crossing(s)
    results = twice_at_once(run)
    assert sum(int(str(result).split()[1]) for result in results) == 4, results
    assert StandardOptionSignal.objects.count() == 4
    named = sum(
        int(subject.split()[1]) if subject.split()[1].isdigit() else 1
        for subject in Notification.objects.filter(recipient=s.olivia).values_list("subject", flat=True)
    )
    assert named == 4
