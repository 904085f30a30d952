"""Issue 18, "Queues": acknowledge several escalations at once — tick, confirm, one result naming the refused."""

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from intimacy_ops.audit import AuditEvent
from intimacy_ops.escalations import services
from intimacy_ops.escalations.models import Escalation
from tests.escalations.factories import breached_case, cast, escalate

URL = "/escalations/bulk-acknowledge/"


@pytest.fixture
def people(db):
    return cast()


def browse(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_list_offers_a_tick_per_open_escalation_and_select_all(people):
    for n in range(3):
        escalate(breached_case(people.alice, title=f"Case {n}"))
    html = browse(people.oscar).get("/escalations/").content.decode()
    assert html.count('data-testid="pick"') == 3
    assert 'data-testid="select-all"' in html and 'form="bulk-acknowledge"' in html
    assert '<label for="pick-' in html  # each tick has its label


def test_acknowledging_several_asks_first_then_names_the_refused(people):
    rows = [escalate(breached_case(people.alice, title=f"Case {n}"))[0] for n in range(3)]
    quicker = rows[2]
    client = browse(people.oscar)
    ids = [e.pk for e in rows]
    asked = client.post(URL + "?state=open", {"ids": ids})
    assert asked.status_code == 200 and asked.content.decode().count('data-testid="bulk-item"') == 3
    assert Escalation.objects.filter(acknowledged_at__isnull=False).count() == 0  # nothing yet
    services.acknowledge(escalation=quicker, actor=people.alice)  # meanwhile
    done = client.post(URL + "?state=open", {"ids": ids, "confirmed": "true"})
    assert done.status_code == 302 and done["Location"] == "/escalations/?state=open"
    [message] = [str(m) for m in get_messages(done.wsgi_request)]
    assert message.startswith(
        f"2 acknowledged ({rows[0].subject_label}, {rows[1].subject_label}), 1 refused — {quicker.subject_label}: "
    )
    assert "already acknowledged" in message
    acknowledged = Escalation.objects.filter(acknowledged_by=people.oscar)
    assert set(acknowledged.values_list("pk", flat=True)) == {rows[0].pk, rows[1].pk}
    assert AuditEvent.objects.filter(verb="escalation.acknowledged", actor=people.oscar).count() == 2


def test_an_escalation_out_of_sight_is_refused_and_untouched(people):
    mine = escalate(breached_case(people.alice))[0]
    amer = escalate(breached_case(people.bob, region="AMER", title="Elsewhere"))[0]
    done = browse(people.oscar).post(URL, {"ids": [mine.pk, amer.pk], "confirmed": "true"})
    [message] = [str(m) for m in get_messages(done.wsgi_request)]
    assert (
        message
        == f"1 acknowledged ({mine.subject_label}), 1 refused — #{amer.pk}: not found among what you may see."
    )
    amer.refresh_from_db()
    assert amer.acknowledged_at is None


def test_nothing_ticked_is_a_form_error_on_the_list(people):
    escalate(breached_case(people.alice))
    response = browse(people.oscar).post(URL, {"confirmed": "true"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="bulk-error"' in html and "Tick at least one row." in html
    assert 'data-testid="escalation"' in html  # the list as it was
