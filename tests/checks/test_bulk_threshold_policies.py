"""governance.threshold_policies acts in bulk (issue 14, item 3), with a fixed clock: the reviews a run opens
are written per batch (a board's reviews in one), their audit events in one insert, and each person hears once
per run naming every review opened for them, linking to the review queue; exactly what crossed opens a
review, once; a database error in the middle of a batch leaves it wholly undone for the next run."""

import datetime

import pytest
import time_machine
from django.db import connection

from governance.models import Review
from governance.services import evaluation
from intimacy_ops import checks
from intimacy_ops.audit import AuditEvent
from intimacy_ops.notifications.models import Notification
from tests.exceptions.factories import scenario
from tests.governance.policy_helpers import active, policy

pytestmark = pytest.mark.django_db

NOON = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(NOON, tick=False):
        yield


def expiring_within(s, count: int, days: int, customer=None) -> list:
    """`count` active exceptions expiring `days` days from today (not permanent, no sunset date)."""
    return [
        active(s, customer=customer or s.acme, started_days_ago=100, runs_days=100 + days)
        for _ in range(count)
    ]


def run() -> checks.CheckResult:
    return checks.run("governance.threshold_policies")


def subjects(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("subject", flat=True))


def test_the_board_hears_once_naming_every_review_a_run_opened(client):
    s = scenario()
    crossing = expiring_within(s, 6, 20)
    expiring_within(s, 2, 45)  # outside the 30-day lead time: not reviewed
    policy("Lead 30", sunset_lead_days=30)

    assert run() == "1 policy: 6 reviews opened, 0 already open"
    assert sorted(Review.objects.values_list("exception_id", flat=True)) == sorted(e.pk for e in crossing)
    assert AuditEvent.objects.filter(verb="review.opened").count() == 6
    for person in (s.carol, s.dan, s.erin, s.olivia):
        [notice] = Notification.objects.filter(recipient=person)
        assert notice.subject == "6 reviews opened for Change board"
        assert notice.link == "/governance/"
        assert all(review.title in notice.body for review in Review.objects.all())
    # The link lists them for a board member (a review of one exception under the exception's title).
    client.force_login(s.dan)
    page = client.get("/governance/").content.decode()
    assert all(exception.title in page for exception in crossing)

    # A second run opens nothing and tells nobody again.
    assert run() == "1 policy: 0 reviews opened, 6 already open"
    assert Review.objects.count() == 6
    assert Notification.objects.filter(recipient__in=[s.carol, s.dan, s.erin, s.olivia]).count() == 4


def test_one_review_alone_reads_as_its_own_notice():
    s = scenario()
    [one] = expiring_within(s, 1, 10)
    policy("Lead 30", sunset_lead_days=30)
    assert run() == "1 policy: 1 review opened, 0 already open"
    review = Review.objects.get()
    [notice] = Notification.objects.filter(recipient=s.dan)
    assert notice.subject == f"Sunset proposal for Change board: Sunset review: “{one.title}”"
    assert notice.link == review.get_absolute_url()


def test_a_boards_reviews_share_a_batch_so_its_people_hear_once_per_run(monkeypatch):
    monkeypatch.setattr(evaluation, "BATCH_SIZE", 2)
    s = scenario()
    expiring_within(s, 5, 20)
    expiring_within(s, 2, 25, customer=s.zenith)
    policy("Lead 30", sunset_lead_days=30)
    assert run() == "1 policy: 7 reviews opened, 0 already open"
    assert subjects(s.carol) == ["7 reviews opened for Change board"]


INJECT = [
    "CREATE FUNCTION bulk_test_fail() RETURNS trigger AS $$ BEGIN "
    "IF NEW.subject_key = '{key}' THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$ "
    "LANGUAGE plpgsql",
    "CREATE TRIGGER bulk_test_fail BEFORE INSERT ON governance_review "
    "FOR EACH ROW EXECUTE FUNCTION bulk_test_fail()",
]
REMOVE = ["DROP TRIGGER bulk_test_fail ON governance_review", "DROP FUNCTION bulk_test_fail()"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the injected failure is a PostgreSQL trigger")
def test_a_database_error_mid_batch_undoes_the_batch_and_the_next_run_completes_it():
    """A worker dying mid-batch, as the database sees it: the third review's insert is refused, after two
    reviews of the batch were written."""
    s = scenario()
    rows = sorted(expiring_within(s, 5, 20), key=lambda e: f"exception:{e.pk}")
    policy("Lead 30", sunset_lead_days=30)
    with connection.cursor() as cursor:
        for statement in INJECT:
            cursor.execute(statement.format(key=f"exception:{rows[2].pk}"))
    try:
        with pytest.raises(Exception, match="injected failure"):
            run()
        assert not Review.objects.exists()
        assert not AuditEvent.objects.filter(verb="review.opened").exists()
        assert not Notification.objects.exists()
    finally:
        with connection.cursor() as cursor:
            for statement in REMOVE:
                cursor.execute(statement)

    assert run() == "1 policy: 5 reviews opened, 0 already open"
    assert AuditEvent.objects.filter(verb="review.opened").count() == 5
    assert subjects(s.erin) == ["5 reviews opened for Change board"]
