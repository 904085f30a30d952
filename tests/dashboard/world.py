"""A small hand-computed world for the dashboard: two regions, two segments, two processes, three customers.

EMEA (what ops.oscar sees):
  acme (Gold, revenue 100,000): e1 Fulfilment active 500/month + 1,000 one-off, expires in 20 days (lead);
                                e3 Billing active 200/month (board); a draft (never counted)
  borealis (Silver, revenue 1,000,000): e2 Fulfilment active 300/month, sunset date set (lead);
                                e4 Billing rejected 100/month (lead); e7 Fulfilment withdrawn M+2
AMER (never in an EMEA lead's figures):
  zenith (Gold, revenue 10,000): e5 Fulfilment active 9,000/month, expires in 10 days; e6 Billing active 100/month

Decisions, all in the month three months back (M): each request submitted on M+1 day; e1 approved M+3 (2 days),
e2 approved M+5 (4 days), e4 rejected M+7 (6 days), e3 approved by the board M+11 (10 days); e5 (AMER)
approved M+31. Created on M+1 (e1-e6). Costs booked today: e1 250, e5 999.
"""

import datetime as dt
import io
from decimal import Decimal
from types import SimpleNamespace

from django.core.management import call_command
from django.utils import timezone

from exceptions.models import CostEntry, ExceptionRequest, ExceptionTransition
from intimacy_ops.accounts.roles import Role
from tests.exceptions.factories import ExceptionRequestFactory, ProcessFactory
from tests.factories import RegionFactory, user_with
from tests.segments.factories import CustomerFactory, SegmentFactory

Status = ExceptionRequest.Status


def month_start(months_back: int) -> dt.date:
    today = timezone.localdate()
    index = today.year * 12 + today.month - 1 - months_back
    return dt.date(index // 12, index % 12 + 1, 1)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


def build(*, summarise: bool = True) -> SimpleNamespace:
    """The world; `summarise`: then run the dashboard's summary refresh (the check beat runs), so that the
    summarised panels read their summary tables, as in production (False: before any refresh, live)."""
    today = timezone.localdate()
    emea, amer = RegionFactory(code="EMEA"), RegionFactory(code="AMER")
    gold = SegmentFactory(name="Gold", rank=1)
    silver = SegmentFactory(name="Silver", rank=2)
    oscar = user_with(Role.OPERATIONS_LEAD, regions=["EMEA"], username="ops.oscar")
    alice = user_with(Role.ACCOUNT_MANAGER, regions=["EMEA"], username="am.alice")
    fulfilment, billing = ProcessFactory(name="Fulfilment"), ProcessFactory(name="Billing")
    acme = CustomerFactory(
        name="Acme", region=emea, segment=gold, annual_revenue=Decimal("100000"), account_manager=alice
    )
    borealis = CustomerFactory(
        name="Borealis", region=emea, segment=silver, annual_revenue=Decimal("1000000"), account_manager=alice
    )
    zenith = CustomerFactory(
        name="Zenith", region=amer, segment=gold, annual_revenue=Decimal("10000"), account_manager=alice
    )

    def request(
        customer, process, status, monthly, *, one_off="0", starts=-30, expires=200, route="lead", **extra
    ):
        return ExceptionRequestFactory(
            customer=customer,
            process=process,
            status=status,
            route=route,
            estimated_monthly_cost=Decimal(monthly),
            estimated_one_off_cost=Decimal(one_off),
            starts_on=today + dt.timedelta(days=starts),
            expires_on=today + dt.timedelta(days=expires),
            requested_by=alice,
            **extra,
        )

    e1 = request(acme, fulfilment, Status.ACTIVE, "500", one_off="1000", starts=-60, expires=20)
    e2 = request(
        borealis, fulfilment, Status.ACTIVE, "300", starts=-10, sunset_on=today + dt.timedelta(days=100)
    )
    e3 = request(acme, billing, Status.ACTIVE, "200", starts=-5, expires=100, route="board")
    e4 = request(borealis, billing, Status.REJECTED, "100")
    e5 = request(
        zenith, fulfilment, Status.ACTIVE, "9000", expires=10, sunset_on=today + dt.timedelta(days=5)
    )
    e6 = request(zenith, billing, Status.ACTIVE, "100")
    request(acme, billing, Status.DRAFT, "7777")
    e7 = request(borealis, fulfilment, Status.WITHDRAWN, "50")

    m = month_start(3)
    ExceptionRequest.objects.exclude(status=Status.DRAFT).update(created_at=at(m + dt.timedelta(days=1)))
    for exception, decided_after_days, to in (
        (e1, 3, Status.APPROVED),
        (e2, 5, Status.APPROVED),
        (e4, 7, Status.REJECTED),
        (e3, 11, Status.APPROVED),
        (e5, 31, Status.APPROVED),
    ):
        ExceptionTransition.objects.create(
            exception=exception,
            action="submit",
            from_status=Status.DRAFT,
            to_status=Status.SUBMITTED,
            at=at(m + dt.timedelta(days=1)),
        )
        ExceptionTransition.objects.create(
            exception=exception,
            action="decide",
            from_status=Status.SUBMITTED,
            to_status=to,
            at=at(m + dt.timedelta(days=decided_after_days)),
        )
    ExceptionTransition.objects.create(
        exception=e7, action="withdraw", from_status=Status.SUBMITTED, to_status=Status.WITHDRAWN,
        at=at(m + dt.timedelta(days=2)),
    )  # fmt: skip
    for exception, amount in ((e1, "250"), (e5, "999")):
        CostEntry.objects.create(
            exception=exception,
            incurred_on=today,
            amount=Decimal(amount),
            recorded_by=alice,
            recorded_at=timezone.now(),
        )
    if summarise:
        refresh()
    return SimpleNamespace(**locals())


def refresh() -> None:
    """What beat runs every 10 minutes: the dashboard's summary tables rebuilt from the rows."""
    call_command("run_checks", "exceptions.dashboard_summaries", stdout=io.StringIO())
