"""Playbooks through the API and the pages (issue 20, item 1): who edits (process owners, operations leads;
an account manager is refused 403), bad input named by field with nothing written, plays marked done from the
customer's card, another region's plays a 404, and lists whose query count does not grow with rows."""

import datetime

import pytest
from django.utils import timezone

from keyaccounts.models import Playbook, PlayDue
from tests.keyaccounts.playbook_helpers import run, world
from tests.segments.factories import CustomerFactory

pytestmark = pytest.mark.django_db

BOOKS, PLAYS = "/api/v1/playbooks/", "/api/v1/plays/"


def version_body(s, **changes) -> dict:
    body = {
        "segment": s.standard.pk,
        "effective_on": timezone.localdate().isoformat(),
        "note": "First cut.",
        "plays": [
            {"title": "Welcome e-mail", "trigger": "onboarding", "role": "account manager", "days_to_do": 10},
            {
                "title": "Check-in",
                "trigger": "cadence",
                "every_days": 90,
                "role": "account manager",
                "days_to_do": 7,
            },
        ],
    }
    body.update(changes)
    return body


def test_an_operations_lead_publishes_a_version_and_everyone_reads_it(signed_in_api):
    s = world()
    made = signed_in_api(s.oscar).post(BOOKS, version_body(s), format="json")
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["version"] == 1 and body["segment"] == s.standard.pk
    assert [p["title"] for p in body["plays"]] == ["Welcome e-mail", "Check-in"]
    again = signed_in_api(s.olivia).post(BOOKS, version_body(s, note="Second."), format="json")
    assert again.json()["version"] == 2
    listed = signed_in_api(s.alice).get(BOOKS, {"segment": s.standard.pk}).json()
    assert [row["version"] for row in listed["results"]] == [2, 1]


def test_an_account_manager_cannot_edit_a_playbook(signed_in_api, browse):
    s = world()
    before = Playbook.objects.count()
    assert signed_in_api(s.alice).post(BOOKS, version_body(s), format="json").status_code == 403
    assert browse(s.alice).get(f"/keyaccounts/playbooks/{s.standard.pk}/edit/").status_code == 403
    assert Playbook.objects.count() == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"effective_on": "2001-01-01"}, "effective_on"),
        ({"plays": []}, "plays"),
        (
            {"plays": [{"title": "x", "trigger": "cadence", "role": "account manager", "days_to_do": 3}]},
            "plays",
        ),
        ({"plays": [{"title": "x", "trigger": "onboarding", "role": "auditor", "days_to_do": 3}]}, "plays"),
        ({"segment": 999999}, "segment"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_nothing_is_written(signed_in_api, changes, field):
    s = world()
    before = Playbook.objects.count()
    response = signed_in_api(s.oscar).post(BOOKS, version_body(s, **changes), format="json")
    assert response.status_code == 400 and field in response.json(), response.content
    assert Playbook.objects.count() == before


def test_the_edit_page_publishes_a_new_version_from_the_formset(browse):
    s = world()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    page = browse(s.oscar).get(f"/keyaccounts/playbooks/{s.strategic.pk}/edit/")
    assert page.status_code == 200 and "Kick-off call" in page.content.decode()
    form = {
        "effective_on": tomorrow.isoformat(),
        "note": "Add a lunch.",
        "plays-TOTAL_FORMS": "3",
        "plays-INITIAL_FORMS": "0",
        "plays-MIN_NUM_FORMS": "0",
        "plays-MAX_NUM_FORMS": "50",
        "plays-0-title": "Kick-off call",
        "plays-0-trigger": "onboarding",
        "plays-0-role": "account manager",
        "plays-0-days_to_do": "5",
        "plays-1-title": "Sponsor lunch",
        "plays-1-trigger": "cadence",
        "plays-1-every_days": "45",
        "plays-1-role": "operations lead",
        "plays-1-days_to_do": "10",
        "plays-2-title": "",
        "plays-2-trigger": "",
        "plays-2-role": "",
        "plays-2-days_to_do": "",
    }
    done = browse(s.oscar).post(f"/keyaccounts/playbooks/{s.strategic.pk}/edit/", form)
    assert done.status_code == 302
    v2 = Playbook.objects.get(segment=s.strategic, version=2)
    assert v2.effective_on == tomorrow and [p.title for p in v2.plays.all()] == [
        "Kick-off call",
        "Sponsor lunch",
    ]
    # A cadence without its days: the form says so, nothing published.
    form["plays-1-every_days"] = ""
    refused = browse(s.oscar).post(f"/keyaccounts/playbooks/{s.strategic.pk}/edit/", form)
    assert refused.status_code == 400 and "Say every how many days." in refused.content.decode()
    assert Playbook.objects.filter(segment=s.strategic).count() == 2


def test_the_account_manager_marks_a_play_done_with_a_note_from_the_customer_card(browse):
    s = world()
    run()
    client = browse(s.alice)
    page = client.get(f"/segments/customers/{s.acme.pk}/").content.decode()
    assert 'data-testid="customer-playbook"' in page and "Strategic playbook v1" in page
    kickoff = PlayDue.objects.get(customer=s.acme, play__title="Kick-off call")
    card = client.post(
        f"/keyaccounts/plays/{kickoff.pk}/close/",
        {"note": "Goals agreed.", "action": "done"},
        HTTP_HX_REQUEST="true",
    )
    assert card.status_code == 200 and "Goals agreed." in card.content.decode()
    kickoff.refresh_from_db()
    assert (kickoff.status, kickoff.done_by, kickoff.note) == ("done", s.alice, "Goals agreed.")
    # Skipping needs a reason; done twice is a 409.
    sponsor = PlayDue.objects.get(customer=s.acme, play__title="Sponsor introduction")
    refused = client.post(
        f"/keyaccounts/plays/{sponsor.pk}/close/", {"action": "skip"}, HTTP_HX_REQUEST="true"
    )
    assert refused.status_code == 400 and "Say why the play is skipped." in refused.content.decode()
    assert client.post(f"/keyaccounts/plays/{kickoff.pk}/close/", {"action": "done"}).status_code == 409


def test_another_regions_account_manager_gets_404_and_a_colleague_403(signed_in_api, browse):
    s = world()
    run()
    kickoff = PlayDue.objects.get(customer=s.acme, play__title="Kick-off call")
    assert signed_in_api(s.bob).get(f"{PLAYS}{kickoff.pk}/").status_code == 404
    assert signed_in_api(s.bob).post(f"{PLAYS}{kickoff.pk}/done/", {}, format="json").status_code == 404
    assert (
        browse(s.bob).post(f"/keyaccounts/plays/{kickoff.pk}/close/", {"action": "done"}).status_code == 404
    )
    assert signed_in_api(s.bob).get(PLAYS, {"customer": s.acme.pk}).status_code == 400  # out of scope: 400
    assert signed_in_api(s.amy).post(f"{PLAYS}{kickoff.pk}/done/", {}, format="json").status_code == 403
    assert PlayDue.objects.get(pk=kickoff.pk).status == "due"


def test_the_home_card_lists_plays_due_this_week_overdue_first(browse):
    s = world()
    run()
    PlayDue.objects.filter(customer=s.borealis, play__title="Welcome pack").update(
        due_on=timezone.localdate() - datetime.timedelta(days=2)
    )
    page = browse(s.alice).get("/", follow=True).content.decode()
    card = page[page.index('data-testid="plays-due-card"') :]
    first = card.index('data-testid="plays-due-row"')
    assert 'data-overdue="true"' in card[first : first + 80] and "Welcome pack" in card[first : first + 400]


def _more_customers(s, n: int) -> None:
    for i in range(n):
        CustomerFactory(name=f"More {i}", region=s.emea, account_manager=s.alice, segment=s.premier)
    run()


def test_lists_and_pages_cost_the_same_queries_with_3_or_50_rows(
    signed_in_api, browse, django_assert_max_num_queries
):
    s = world()
    run()
    api, pages = signed_in_api(s.alice), browse(s.alice)
    urls = [PLAYS, f"{PLAYS}?status=due&mine=true", BOOKS]
    page_urls = ["/keyaccounts/playbooks/", "/home/account-manager/", f"/segments/customers/{s.borealis.pk}/"]

    def measure() -> list[int]:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        counts = []
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                assert api.get(url).status_code == 200
            counts.append(len(ctx))
        for url in page_urls:
            with CaptureQueriesContext(connection) as ctx:
                assert pages.get(url).status_code == 200
            counts.append(len(ctx))
        return counts

    few = measure()
    _more_customers(s, 50)
    many = measure()
    assert many == few, (few, many)
    with django_assert_max_num_queries(12):
        api.get(PLAYS)
