"""The check `keyaccounts.health_reviews_due`: open the health reviews due, once per customer and period.

README, "Checks act in bulk": one `INSERT … SELECT … ON CONFLICT (customer, period) DO NOTHING RETURNING` for
every reviewed tier at once (the tiers' current periods are a derived table joined on the customer's segment),
so the database decides between two runs at once (the constraint `health_review_once_per_period`) and only what
this run inserted is audited and told. With nothing due that statement is the whole run's work: an anti-join of
the customers of reviewed tiers against the unique index (customer_id, period), inserting nothing (bench/
health_reviews.py: 200,000 customers). The due date is the period's last day, or the next date agreed at the
customer's last completed review when it falls inside the period (a subquery evaluated only for the rows
inserted). One audit batch, one notice per account manager ("3 health reviews are due"), one transaction.
"""

import datetime

from django.db import connection, transaction
from django.utils import timezone

from intimacy_ops import audit, checks
from intimacy_ops.accounts.models import User
from intimacy_ops.notifications import notify_many
from keyaccounts.health.cadence import Period, months_by_segment, period_of
from keyaccounts.models import HealthReview
from segments.models import Customer

LIST_URL = "/keyaccounts/health-reviews/"


def due_periods(today: datetime.date) -> list[tuple[int, Period]]:
    """(segment id, the period holding today) of every reviewed tier."""
    return [(segment, period_of(today, months)) for segment, months in sorted(months_by_segment().items())]


def _insert(due: list[tuple[int, Period]], now: datetime.datetime) -> list[tuple]:
    """One statement: the reviews of the due periods that do not exist yet → (id, customer, account manager, period)."""
    q = connection.ops.quote_name
    review, customer = HealthReview._meta.db_table, Customer._meta.db_table
    periods = " UNION ALL ".join(
        ["SELECT %s AS segment_id, %s AS period, %s AS starts_on, %s AS ends_on"] * len(due)
    )
    params: list = [value for segment, p in due for value in (segment, p.label, p.starts_on, p.ends_on)]
    completed = HealthReview.Status.COMPLETED
    sql = (
        # Our own table and column names; every value is a parameter.
        f"INSERT INTO {q(review)} (customer_id, period, period_starts_on, period_ends_on, status, "  # noqa: S608
        "status_changed_at, due_on, account_manager_id, notes, cancel_reason, opened_at) "
        f"SELECT c.id, d.period, d.starts_on, d.ends_on, %s, %s, "
        f"COALESCE((SELECT MAX(p.next_on) FROM {q(review)} p WHERE p.customer_id = c.id AND p.status = %s "
        "AND p.next_on >= d.starts_on AND p.next_on <= d.ends_on), d.ends_on), "
        f"c.account_manager_id, '', '', %s FROM {q(customer)} c JOIN ({periods}) d ON c.segment_id = d.segment_id "
        f"WHERE NOT EXISTS (SELECT 1 FROM {q(review)} r WHERE r.customer_id = c.id AND r.period = d.period) "
        "ON CONFLICT (customer_id, period) DO NOTHING RETURNING id, customer_id, account_manager_id, period"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Compiling the anti-join over every reviewed customer costs PostgreSQL's JIT a second; it runs in
            # a tenth of that without it (bench/health_reviews.py).
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(sql, [HealthReview.Status.OPEN, now, completed, now, *params])
        return cursor.fetchall()


def open_due_reviews(*, today: datetime.date | None = None) -> checks.CheckResult:
    today = today or timezone.localdate()
    due = due_periods(today)
    if not due:
        return checks.CheckResult(summary="no tier is reviewed", counts={"opened": 0})
    now = timezone.now()
    with transaction.atomic():
        opened = sorted(_insert(due, now), key=lambda row: (row[2] or 0, row[0]))
        if not opened:
            return checks.CheckResult(summary="no health review due", counts={"opened": 0})
        audit.record_many(
            [
                {
                    "actor": None,
                    "verb": "health_review.opened",
                    "object_type": HealthReview._meta.label_lower,
                    "object_id": pk,
                    "object_repr": f"Health review of customer {customer}",
                    "after": {"customer": customer, "period": period, "status": HealthReview.Status.OPEN},
                }
                for pk, customer, _, period in opened
            ],
            returning=False,
        )
        _tell_account_managers(opened)
    return checks.CheckResult(
        summary=f"{checks.plural(len(opened), 'health review')} opened", counts={"opened": len(opened)}
    )


def _tell_account_managers(opened: list[tuple]) -> None:
    """One notice per account manager: how many of their customers' reviews this run opened."""
    counts: dict[int, int] = {}
    for _, _, manager, _ in opened:
        if manager is not None:
            counts[manager] = counts.get(manager, 0) + 1
    if not counts:
        return
    people = User.objects.filter(pk__in=counts).only("pk", "is_active", "email", "username")
    notify_many(
        (
            person,
            f"{checks.plural(counts[person.pk], 'health review')} {'is' if counts[person.pk] == 1 else 'are'} due",
            "Hold each review with the customer before its due date: the period's facts are on the review's "
            "page; write down the notes, the actions agreed and the next date.",
            f"{LIST_URL}?status=open&account_manager={person.username}",
        )
        for person in people
    )
