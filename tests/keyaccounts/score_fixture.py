"""A fixture customer whose health score is worked out by hand (tests/keyaccounts/test_health_score.py).

The clock stands at Friday 20 November 2026, 12:00 UTC: the quarter began on 1 October, the 90-day window
on 23 August. Acme Logistics (am.alice, EMEA) has, part by part:

- SLA compliance: 4 cases closed this quarter, 1 of them breached → 75.0%; a case closed in September
  (breached) is last quarter's and does not count;
- breaches: 2 cases opened this quarter are breached — the closed one above and an open case now past its
  resolution time (the sweep has not flagged it yet) — the September one is last quarter's;
- escalations: 1 open on one of its cases; 1 resolved does not count;
- negative feedback: 2 that count (one confident, one confirmed by a person); one unsure and unconfirmed,
  and one 120 days old, do not;
- past their dates: 1 active exception whose expiry date was yesterday, and 1 open condition of an approval
  due 3 days ago; a met condition does not count;
- incidents: 1 started 10 days ago; a cancelled one and one started 100 days ago do not count.
Borealis Foods (am.alice, EMEA) has nothing: 100. Cobalt (am.amy), Delta and Evergreen (AMER): 100.
"""

import datetime
from types import SimpleNamespace

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from exceptions.models import ExceptionRequest
from feedback.models import FeedbackItem
from governance.models import Board, Condition, Review
from incidents.models import AffectedCustomer, Incident
from intimacy_ops.escalations.models import Escalation
from tests.exceptions.factories import ExceptionRequestFactory, ProcessFactory
from tests.segments.factories import ServiceCaseFactory, five_customers

NOW = datetime.datetime(2026, 11, 20, 12, 0, tzinfo=datetime.UTC)
TODAY = NOW.date()


def at(month: int, day: int, hour: int = 10, year: int = 2026) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, 0, tzinfo=datetime.UTC)


def _case(customer, opened, resolved=None, breached=False, due=None):
    return ServiceCaseFactory(
        customer=customer,
        opened_at=opened,
        first_response_at=opened + datetime.timedelta(minutes=30),
        resolved_at=resolved,
        resolution_due_at=due or opened + datetime.timedelta(days=3),
        response_due_at=opened + datetime.timedelta(hours=1),
        breached=breached,
    )


def _feedback(customer, received_on, **sentiment):
    return FeedbackItem.objects.create(
        customer=customer,
        source="account_manager_insight",
        text="Late again.",
        received_on=received_on,
        **sentiment,
    )


def build() -> SimpleNamespace:
    w = five_customers()
    acme = w.customers["acme"]
    # SLA compliance and breaches.
    for opened in (at(10, 5), at(10, 12), at(11, 2)):
        _case(acme, opened, resolved=opened + datetime.timedelta(days=1))
    breached_closed = _case(acme, at(10, 20), resolved=at(10, 28), breached=True)
    _case(acme, at(11, 18), due=at(11, 19))  # open, past its resolution time: late now
    _case(acme, at(9, 1), resolved=at(9, 5), breached=True)  # last quarter
    # Escalations: one open, one resolved, on Acme's cases.
    case_type = ContentType.objects.get_for_model(breached_closed)
    for reason, resolved_at in (("sla_resolution_breached", None), ("sla_response_breached", at(11, 1))):
        Escalation.objects.create(
            content_type=case_type,
            object_id=breached_closed.pk,
            subject_label="Case",
            reason=reason,
            region=w.emea,
            target_user=w.alice,
            raised_at=at(10, 28),
            level_raised_at=at(10, 28),
            resolved_at=resolved_at,
        )
    # Negative feedback.
    negative = {"sentiment": "negative", "sentiment_score": -0.8, "sentiment_confidence": 0.9}
    _feedback(acme, TODAY - datetime.timedelta(days=5), **negative)
    _feedback(
        acme,
        TODAY - datetime.timedelta(days=40),
        **{**negative, "sentiment_confidence": 0.2},
        sentiment_needs_confirmation=True,
        sentiment_confirmed=True,
    )
    _feedback(
        acme,
        TODAY - datetime.timedelta(days=8),
        **{**negative, "sentiment_confidence": 0.2},
        sentiment_needs_confirmation=True,
    )
    _feedback(acme, TODAY - datetime.timedelta(days=120), **negative)
    # Past their dates: an active exception that expired yesterday, an overdue condition of an approval.
    process = ProcessFactory(name="Delivery slots")
    expired = ExceptionRequestFactory(
        customer=acme,
        process=process,
        status=ExceptionRequest.Status.ACTIVE,
        starts_on=TODAY - datetime.timedelta(days=60),
        expires_on=TODAY - datetime.timedelta(days=1),
    )
    board = Board.objects.create(name="EMEA board", chair=w.oscar, categories=[], quorum=1)
    review = Review.objects.create(
        exception=expired,
        board=board,
        due_on=TODAY - datetime.timedelta(days=70),
        opened_at=at(9, 1),
        status="decided",
    )
    Condition.objects.create(
        review=review, description="Report monthly.", owner=w.alice, due_on=TODAY - datetime.timedelta(days=3)
    )
    Condition.objects.create(
        review=review,
        description="Train the night shift.",
        owner=w.alice,
        due_on=TODAY - datetime.timedelta(days=9),
        met_at=at(11, 10),
    )
    # Incidents.
    for title, started, status in (
        ("Outage", NOW - datetime.timedelta(days=10), "resolved"),
        ("False alarm", NOW - datetime.timedelta(days=4), "cancelled"),
        ("Old delay", NOW - datetime.timedelta(days=100), "reviewed"),
    ):
        incident = Incident.objects.create(
            title=title,
            kind="outage",
            severity="major",
            status=status,
            started_at=started,
            detected_at=started,
            resolved_at=started + datetime.timedelta(hours=3),
            owner=w.oscar,
            cancel_reason="Declared by mistake." if status == "cancelled" else "",
        )
        incident.regions.set([w.emea])
        AffectedCustomer.objects.create(incident=incident, customer=acme, via="list", added_at=timezone.now())
    w.acme = acme
    return w
