"""/escalations/: mine first by level and age, acknowledge in place, resolve after confirming; the home card."""

import csv
import io
import re

import pytest
from django.test import Client

from intimacy_ops.escalations.models import Escalation
from tests.escalations.factories import breached_case, cast, escalate


@pytest.fixture
def people(db):
    return cast()


def browse(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_page_lists_mine_first_then_my_regions_by_level(people):
    theirs = escalate(breached_case(people.alice, title="Checkout down"))[0]
    mine = escalate(breached_case(people.alice, title="Invoice wrong"), named=False)[0]
    Escalation.objects.filter(pk=mine.pk).update(level=2, target_role="operations lead", target_user=None)
    escalate(breached_case(people.bob, region="AMER", title="Elsewhere"))
    response = browse(people.oscar).get("/escalations/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Raised to you") < html.index("Invoice wrong") < html.index("Others in your regions")
    assert html.index("Others in your regions") < html.index("Checkout down")
    assert "Elsewhere" not in html  # AMER's
    assert html.count('data-testid="acknowledge"') == 2  # an operations lead may act on both
    assert f'id="escalation-{theirs.pk}"' in html


def test_acknowledge_in_place_with_htmx_then_the_row_says_who(people):
    escalation = escalate(breached_case(people.alice))[0]
    client = browse(people.alice)
    response = client.post(f"/escalations/{escalation.pk}/acknowledge/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert (
        "Acknowledged by" in response.content.decode()
        and 'data-testid="acknowledge"' not in response.content.decode()
    )
    escalation.refresh_from_db()
    assert escalation.acknowledged_by == people.alice
    assert client.post(f"/escalations/{escalation.pk}/acknowledge/").status_code == 409
    late = browse(people.oscar).post(f"/escalations/{escalation.pk}/acknowledge/", HTTP_HX_REQUEST="true")
    assert f"already acknowledged by {people.alice.display_name}" in late.content.decode()  # said in place
    listed = client.get("/escalations/?state=acknowledged").content.decode()
    assert "Checkout down" in listed


def test_resolving_asks_what_was_done_first(people):
    escalation = escalate(breached_case(people.alice))[0]
    client = browse(people.oscar)
    confirm = client.get(f"/escalations/{escalation.pk}/resolve/")
    assert confirm.status_code == 200 and "Resolve this escalation?" in confirm.content.decode()
    empty = client.post(f"/escalations/{escalation.pk}/resolve/", {"resolution": "  "})
    assert empty.status_code == 400 and 'data-testid="error-resolution"' in empty.content.decode()
    escalation.refresh_from_db()
    assert escalation.resolved_at is None
    done = client.post(
        f"/escalations/{escalation.pk}/resolve/", {"resolution": "Gateway fixed."}, follow=True
    )
    assert "is resolved" in done.content.decode()
    escalation.refresh_from_db()
    assert (escalation.resolution, escalation.resolved_by) == ("Gateway fixed.", people.oscar)
    assert "Gateway fixed." in client.get("/escalations/?state=resolved").content.decode()
    assert client.get(f"/escalations/{escalation.pk}/resolve/").status_code == 409


def test_outside_my_scope_is_404_and_without_the_right_role_403(people):
    escalation = escalate(breached_case(people.alice))[0]
    bob = browse(people.bob)
    assert "Checkout down" not in bob.get("/escalations/").content.decode()
    assert bob.post(f"/escalations/{escalation.pk}/acknowledge/").status_code == 404
    assert bob.get(f"/escalations/{escalation.pk}/resolve/").status_code == 404
    olivia = browse(people.olivia)
    assert 'data-testid="acknowledge"' not in olivia.get("/escalations/").content.decode()
    assert olivia.post(f"/escalations/{escalation.pk}/acknowledge/").status_code == 403


def test_an_empty_page_says_so_and_the_navigation_offers_it_to_the_right_roles(people):
    response = browse(people.oscar).get("/escalations/")
    assert 'data-testid="empty"' in response.content.decode()
    assert 'href="/escalations/"' in response.content.decode()
    assert 'href="/escalations/"' not in browse(people.olivia).get("/notifications/").content.decode()


def test_the_home_card_counts_the_open_escalations_for_me(people):
    escalate(breached_case(people.alice))
    escalate(breached_case(people.alice, title="Invoice wrong"))
    card = browse(people.alice).get("/home/account-manager/").content.decode()
    assert 'data-testid="escalations-card"' in card and "open escalations for you" in card
    assert (
        "No open escalations for you." in browse(people.oscar).get("/home/operations-lead/").content.decode()
    )


@pytest.mark.parametrize("rows", [3, 50])
def test_the_page_costs_the_same_queries_for_3_and_50(people, rows, django_assert_max_num_queries):
    for n in range(rows):
        escalate(breached_case(people.alice, title=f"Case {n}"), named=n % 2 == 0)
    client = browse(people.oscar)
    with django_assert_max_num_queries(10):
        response = client.get("/escalations/")
    assert response.content.decode().count('data-testid="escalation"') == min(rows, 25)


def test_thirty_escalations_page_in_the_lists_order_and_count_as_their_tab(people):
    """The page finds its 25 ids first, then reads those rows: pages 1 and 2 hold every open escalation
    once, mine first then by level and age, as the CSV lists them; the count is the Open tab's."""
    for n in range(30):
        escalation = escalate(breached_case(people.alice, title=f"Case {n}"), named=n % 3 == 0)[0]
        if n % 4 == 0:
            Escalation.objects.filter(pk=escalation.pk).update(
                level=2, target_role="operations lead", target_user=None
            )
    client = browse(people.oscar)
    first, second = client.get("/escalations/"), client.get("/escalations/", {"page": 2})
    shown = [
        int(pk)
        for page in (first, second)
        for pk in re.findall(r'id="escalation-(\d+)"', page.content.decode())
    ]
    listed = client.get("/escalations/export.csv", {"state": "open"})
    rows = csv.DictReader(io.StringIO(b"".join(listed.streaming_content).decode("utf-8-sig")))
    assert shown == [int(row["id"]) for row in rows] and len(shown) == 30
    assert first.context["page"].paginator.count == 30
    assert re.search(r'data-testid="tab-open">Open<span class="count">30<', first.content.decode())
    level_two = client.get("/escalations/", {"state": "open", "level": 2})
    assert level_two.context["page"].paginator.count == 8  # a filter given: counted as filtered
