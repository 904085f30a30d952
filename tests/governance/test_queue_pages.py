"""The governance queue pages its lists by finding a page's ids first, then reading those rows: every open
review appears once, in the list's order (due soonest first), with what its row shows."""

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from exceptions.services import lifecycle
from governance.models import Review, Vote
from tests.exceptions.factories import ExceptionRequestFactory, scenario

pytestmark = pytest.mark.django_db


def _rows(html: str, testid: str) -> list[int]:
    table = html.split(f'data-testid="{testid}"', 1)[1].split("</table>", 1)[0]
    return [int(pk) for pk in re.findall(r'data-review="(\d+)"', table)]


def test_twenty_five_waiting_reviews_page_in_due_order_each_once_with_their_figures():
    s = scenario()
    today = timezone.localdate()
    for n in range(25):
        exception = ExceptionRequestFactory(
            customer=s.acme, process=s.fulfilment, title=f"Request {n:02}", estimated_monthly_cost=9000
        )
        lifecycle.submit_request(exception=exception, actor=exception.requested_by)
        Review.objects.filter(exception=exception).update(
            due_on=today + datetime.timedelta(days=(n * 7) % 25)
        )
    voted = Review.objects.order_by("id")[3]
    Vote.objects.create(
        review=voted, member=s.erin, choice="approve", rationale="Fine.", cast_at=timezone.now()
    )
    browser = Client()
    browser.force_login(s.dan)
    first = browser.get("/governance/").content.decode()
    second = browser.get("/governance/", {"waiting": 2}).content.decode()
    shown = _rows(first, "waiting-table") + _rows(second, "waiting-table")
    expected = list(
        Review.objects.filter(status="open").order_by("due_on", "id").values_list("pk", flat=True)
    )
    assert shown == expected and len(shown) == 25
    assert re.search(r'data-testid="waiting-count">25<', first)
    row = (first + second).split(f'data-review="{voted.pk}"', 1)[1].split("</tr>", 1)[0]
    assert 'class="num">1<' in row  # its vote counted
    assert "Acme" in row and "Fulfilment" in row and "a month" in row
