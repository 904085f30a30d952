"""Issue 17, item 2: conditions are items, not text. Each has a description, an owner and a due date; the review
page shows it met or open and its owner marks it met (nobody else but the chair); the check reminds the owner
once before it is due, then escalates it once when overdue, and the escalation climbs once per level; run
twice, or twice at once, it does each only once."""

import datetime
import threading

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from governance.checks.conditions import follow_up_conditions
from governance.models import Condition
from intimacy_ops import checks
from intimacy_ops.accounts.roles import Role
from intimacy_ops.escalations.models import Escalation
from intimacy_ops.notifications.models import Notification
from tests.exceptions.factories import scenario
from tests.governance.policy_helpers import active
from tests.governance.test_decisions_shaped import _decide, _proposed

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():
    return scenario()


def _approved_with_conditions(s, api, due_in=10):
    review = _proposed(s, api, [active(s, customer=s.acme)])
    due = timezone.localdate() + datetime.timedelta(days=due_in)
    answer = _decide(
        s,
        api,
        review,
        outcome="approve_with_conditions",
        sunset_on=(timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
        condition_items=[
            {"description": "Tell the customer in writing", "owner": "am.alice", "due_on": due.isoformat()},
            {"description": "Update the runbook", "owner": "owner.olivia", "due_on": due.isoformat()},
        ],
    )
    assert answer.status_code == 200, answer.content
    return review, answer.json(), due


def test_conditions_are_items_shown_met_or_open_and_the_owner_marks_them_met(s, signed_in_api, client):
    review, data, due = _approved_with_conditions(s, signed_in_api)
    assert [(c["description"], c["owner"], c["due_on"], c["met_at"]) for c in data["condition_items"]] == [
        ("Tell the customer in writing", "am.alice", due.isoformat(), None),
        ("Update the runbook", "owner.olivia", due.isoformat(), None),
    ]
    alices = Condition.objects.get(owner=s.alice)
    client.force_login(s.dan)
    assert client.post(f"/governance/conditions/{alices.pk}/met/", {"note": "x"}).status_code == 403
    client.force_login(s.alice)
    page = client.get(f"/governance/reviews/{review}/")
    assert page.content.count(b'data-state="open"') == 2
    assert page.content.count(b'data-testid="mark-met"') == 1  # hers only
    done = client.post(f"/governance/conditions/{alices.pk}/met/", {"note": "Letter sent on the 3rd."})
    assert done.status_code == 302
    page = client.get(f"/governance/reviews/{review}/")
    assert page.content.count(b'data-state="met"') == 1 and b"Letter sent on the 3rd." in page.content
    assert client.post(f"/governance/conditions/{alices.pk}/met/").status_code == 409


def test_items_are_checked_naming_the_field(s, signed_in_api):
    review = _proposed(s, signed_in_api, [active(s, customer=s.acme)])
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    late = _decide(
        s,
        signed_in_api,
        review,
        outcome="approve_with_conditions",
        condition_items=[{"description": "Report", "owner": "am.alice", "due_on": yesterday}],
    )
    assert late.status_code == 400 and "condition_items" in late.json()
    none = _decide(s, signed_in_api, review, outcome="approve_with_conditions")
    assert none.status_code == 400 and "conditions" in none.json()


def test_an_overdue_condition_reminds_then_escalates_once_per_level(s, signed_in_api):
    review, _, due = _approved_with_conditions(s, signed_in_api, due_in=5)
    today = timezone.localdate()

    assert follow_up_conditions(today=today).counts == {"reminded": 0, "escalations_raised": 0}
    soon = due - datetime.timedelta(days=2)
    first = follow_up_conditions(today=soon)
    again = follow_up_conditions(today=soon)
    assert first.counts == {"reminded": 2, "escalations_raised": 0}
    assert again.counts == {"reminded": 0, "escalations_raised": 0}
    assert Notification.objects.filter(recipient=s.alice, subject__contains="due soon").count() == 1

    late = due + datetime.timedelta(days=1)
    assert follow_up_conditions(today=late).counts == {"reminded": 0, "escalations_raised": 2}
    assert follow_up_conditions(today=late).counts == {"reminded": 0, "escalations_raised": 0}
    alices = Escalation.objects.get(reason="condition_overdue", target_user=s.alice)
    assert alices.level == 1
    assert (
        Notification.objects.filter(recipient=s.alice, subject__startswith="Escalation, level 1").count() == 1
    )

    # Nobody acknowledges: a day later it climbs to the chair, once however often the climb runs.
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1, minutes=1), tick=False):
        checks.run("escalations.climb")
        checks.run("escalations.climb")
    alices.refresh_from_db()
    assert (alices.level, alices.target_role) == (2, Role.BOARD_CHAIR.value)
    assert (
        Notification.objects.filter(recipient=s.carol, subject__startswith="Escalation, level 2").count() == 2
    )

    # Met: the escalation is resolved and nothing is raised again.
    Condition.objects.filter(owner=s.alice).update(met_at=timezone.now())
    assert follow_up_conditions(today=late).counts["escalations_raised"] == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the role groups migrations wrote
def test_two_runs_at_once_remind_and_escalate_once(s, signed_in_api):
    _, _, due = _approved_with_conditions(s, signed_in_api, due_in=5)
    barrier = threading.Barrier(2)

    def run(day):
        barrier.wait()
        try:
            follow_up_conditions(today=day)
        finally:
            connection.close()

    for day in (due - datetime.timedelta(days=1), due + datetime.timedelta(days=1)):
        threads = [threading.Thread(target=run, args=(day,)) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert Notification.objects.filter(recipient=s.alice, subject__contains="due soon").count() == 1
    assert Escalation.objects.filter(reason="condition_overdue").count() == 2


def test_the_request_page_shows_its_conditions_met_or_open(s, client):
    from governance import services
    from governance.models import Review
    from tests.governance.test_reviews import _submitted_big, _votes

    exception = _submitted_big(s)
    review = Review.objects.get(exception=exception)
    _votes(s, review, "approve")
    services.decide_review(
        review=review,
        actor=s.carol,
        outcome="approve_with_conditions",
        rationale="Yes, with a report.",
        conditions="Report the volumes monthly",  # the older free text: one item, the process owner's
    )
    item = Condition.objects.get(review=review)
    assert (item.description, item.owner) == ("Report the volumes monthly", s.olivia)
    client.force_login(exception.requested_by)
    page = client.get(f"/exceptions/{exception.pk}/")
    assert b'data-testid="board-condition-items"' in page.content and b'data-state="open"' in page.content
    Condition.objects.filter(pk=item.pk).update(met_at=timezone.now())
    assert b'data-state="met"' in client.get(f"/exceptions/{exception.pk}/").content
