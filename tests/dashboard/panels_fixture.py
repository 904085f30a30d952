"""The two-region fixture of the SLA, escalations and review-backlog panels (issue 15), small enough to
count by hand, and the helpers their tests share: read a panel through the API, follow a drill-down link
to its list's API and read the list's count."""

import datetime
from types import SimpleNamespace
from urllib.parse import urlsplit

from django.utils import timezone

from exceptions.models import ExceptionRequest
from governance.models import Board, Review
from intimacy_ops.accounts.roles import Role
from intimacy_ops.escalations.models import Escalation
from segments.models import ServiceCase
from tests.exceptions.factories import ExceptionRequestFactory, ProcessFactory
from tests.factories import RegionFactory, user_with
from tests.segments.factories import CustomerFactory, SegmentFactory

DAY = datetime.timedelta(days=1)
# The list behind each page path, read through the API (same query parameters, CONTRACT of issue 15).
LIST_APIS = {
    "/segments/cases/": "/api/v1/cases/",
    "/escalations/": "/api/v1/escalations/",
    "/governance/": "/api/v1/reviews/",
    "/exceptions/": "/api/v1/exceptions/",
    "/segments/customers/": "/api/v1/customers/",
}


def people() -> SimpleNamespace:
    emea, amer = RegionFactory(code="EMEA"), RegionFactory(code="AMER")
    return SimpleNamespace(
        emea=emea,
        amer=amer,
        oscar=user_with(Role.OPERATIONS_LEAD, regions=["EMEA"], username="ops.oscar"),
        otto=user_with(Role.OPERATIONS_LEAD, regions=["AMER"], username="ops.otto"),
        alice=user_with(Role.ACCOUNT_MANAGER, regions=["EMEA"], username="am.alice"),
        bob=user_with(Role.ACCOUNT_MANAGER, regions=["AMER"], username="am.bob"),
        ada=user_with(Role.AUDITOR, regions=["EMEA", "AMER"], username="audit.ada"),
    )


def case(customer, *, closed_days_ago=None, late=False, open_late=False, priority="P2"):
    """A case straight to the table: closed `closed_days_ago` (late or on time), or open (late now or not)."""
    now = timezone.now()
    if closed_days_ago is not None:
        resolved = now - closed_days_ago * DAY
        opened = resolved - 2 * DAY
        due = opened + (1 * DAY if late else 3 * DAY)  # resolved two days after opening
        return ServiceCase.objects.create(
            customer=customer, external_id=f"C{ServiceCase.objects.count() + 1}", priority=priority,
            opened_at=opened, first_response_at=opened + datetime.timedelta(minutes=5), resolved_at=resolved,
            response_due_at=opened + datetime.timedelta(hours=1), resolution_due_at=due, breached=late,
        )  # fmt: skip
    opened = now - 2 * DAY
    due = now - datetime.timedelta(hours=1) if open_late else now + DAY
    return ServiceCase.objects.create(
        customer=customer, external_id=f"C{ServiceCase.objects.count() + 1}", priority=priority,
        opened_at=opened, first_response_at=opened + datetime.timedelta(minutes=5),
        response_due_at=opened + datetime.timedelta(hours=1), resolution_due_at=due, breached=open_late,
    )  # fmt: skip


def sla_fixture(s: SimpleNamespace) -> SimpleNamespace:
    """EMEA: Gold P2 closed 4 (1 late) → 75.0 %, 1 open late (1 open on time, 1 closed 400 days ago
    outside the period); Silver P2 closed 2 on time → 100.0 %, flagged (better than Gold).
    AMER: Gold P2 closed 3, all late; 2 open late. An EMEA lead: 5 of 6 → 83.3 %."""
    gold = SegmentFactory(name="Gold", rank=1)
    silver = SegmentFactory(name="Silver", rank=2)
    emea_gold = CustomerFactory(region=s.emea, segment=gold, account_manager=s.alice)
    emea_silver = CustomerFactory(region=s.emea, segment=silver, account_manager=s.alice)
    amer_gold = CustomerFactory(region=s.amer, segment=gold, account_manager=s.bob)
    for days, late in ((3, True), (10, False), (20, False), (40, False)):
        case(emea_gold, closed_days_ago=days, late=late)
    case(emea_gold, closed_days_ago=400, late=True)
    case(emea_gold, open_late=True)
    case(emea_gold)
    case(emea_silver, closed_days_ago=5)
    case(emea_silver, closed_days_ago=15)
    for days in (4, 8, 12):
        case(amer_gold, closed_days_ago=days, late=True)
    case(amer_gold, open_late=True)
    case(amer_gold, open_late=True)
    return SimpleNamespace(gold=gold, silver=silver, emea_gold=emea_gold)


def escalation(region, *, level, days_ago, role="operations lead", user=None, resolved=False):
    raised = timezone.now() - datetime.timedelta(days=days_ago, hours=1)
    return Escalation.objects.create(
        content_type_id=_case_type(), object_id=Escalation.objects.count() + 1, subject_label="Case",
        reason="sla_resolution_breached", region=region, level=level, target_user=user, target_role=role,
        raised_at=raised, level_raised_at=raised, resolved_at=timezone.now() if resolved else None,
    )  # fmt: skip


def _case_type() -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(ServiceCase).pk


def escalations_fixture(s: SimpleNamespace) -> None:
    """EMEA: level 1 to alice by name, 2 days old; level 2 to the operations lead (oscar), 10 days old;
    level 2 to the board chair (nobody chairs in EMEA), 40 days old; one resolved (not counted).
    AMER: level 1, 50 days old, and level 3 to the board chair, 1 day old (nobody holds it)."""
    escalation(s.emea, level=1, days_ago=2, role="account manager", user=s.alice)
    escalation(s.emea, level=2, days_ago=10)
    escalation(s.emea, level=2, days_ago=40, role="board chair")
    escalation(s.emea, level=1, days_ago=5, resolved=True)
    escalation(s.amer, level=1, days_ago=50, role="account manager", user=s.bob)
    escalation(s.amer, level=3, days_ago=1, role="board chair")


def review(
    board, customer, process, *, status="open", due_in_days=5, decided_after_days=None, closed_days_ago=3
):
    exception = ExceptionRequestFactory(
        customer=customer, process=process, status=ExceptionRequest.Status.UNDER_REVIEW, route="board"
    )
    now = timezone.now()
    if status == "open":
        return Review.objects.create(
            exception=exception, board=board, due_on=timezone.localdate() + due_in_days * DAY,
            opened_at=now - 2 * DAY,
        )  # fmt: skip
    closed = now - closed_days_ago * DAY
    return Review.objects.create(
        exception=exception, board=board, status="decided", outcome="approve", due_on=closed.date(),
        opened_at=closed - decided_after_days * DAY, closed_at=closed,
    )  # fmt: skip


def reviews_fixture(s: SimpleNamespace) -> SimpleNamespace:
    """Board "Change board": EMEA open 3 (1 overdue), decided in 2, 4 and 9 days → median 4.0; AMER open 2
    (2 overdue), decided in 20 days. Board "Data board": EMEA open 1. An EMEA lead: Change 3/1/3/4.0,
    Data 1/0/0/–."""
    chair = user_with(Role.BOARD_CHAIR, regions=["AMER"], username="ccb.carol")
    change = Board.objects.create(name="Change board", chair=chair, quorum=1)
    data = Board.objects.create(name="Data board", chair=chair, quorum=1)
    for board in (change, data):
        board.regions.set([s.emea, s.amer])
    process = ProcessFactory()
    emea = CustomerFactory(region=s.emea, account_manager=s.alice)
    amer = CustomerFactory(region=s.amer, account_manager=s.bob)
    review(change, emea, process)
    review(change, emea, process, due_in_days=10)
    review(change, emea, process, due_in_days=-2)
    for days in (2, 4, 9):
        review(change, emea, process, status="decided", decided_after_days=days)
    review(change, amer, process, due_in_days=-1)
    review(change, amer, process, due_in_days=-3)
    review(change, amer, process, status="decided", decided_after_days=20)
    review(data, emea, process)
    return SimpleNamespace(change=change, data=data)


def panel(client, key: str, **params):
    response = client.get(f"/api/v1/dashboard/{key}/", params)
    assert response.status_code == 200, response.content
    return response.json()


def row_of(body: dict, **match) -> tuple[int, dict]:
    for index, row in enumerate(body["rows"]):
        if all(row.get(key) == value for key, value in match.items()):
            return index, row
    raise AssertionError(f"no row {match} in {body['rows']}")


def list_count(client, url: str) -> int:
    """The count of the list a drill-down link names, read through that list's API."""
    parts = urlsplit(url)
    response = client.get(f"{LIST_APIS[parts.path]}?{parts.query}")
    assert response.status_code == 200, (url, response.content)
    return response.json()["count"]
