"""The health score (issue 20, item 3): the fixture customer's score equals the hand-computed value, part by
part; a lead's weight change moves the next run's score; an account manager cannot change weights; the card,
the list, the home card and the dashboard panel show what the check stored."""

import io

import pytest
import time_machine
from django.core.management import call_command

from intimacy_ops.audit import AuditEvent
from keyaccounts.models import HealthScore, HealthWeights
from tests.keyaccounts import score_fixture

pytestmark = pytest.mark.django_db

SCORES = "/api/v1/health-scores/"
WEIGHTS = "/api/v1/health-weights/"


@pytest.fixture
def w():
    with time_machine.travel(score_fixture.NOW, tick=False):
        yield score_fixture.build()


def run_check():
    call_command("run_checks", "keyaccounts.health_scores", stdout=io.StringIO())


def score_of(client, customer) -> dict:
    response = client.get(SCORES, {"customer": customer.pk})
    assert response.status_code == 200, response.content
    (row,) = response.json()["results"]
    return row


def test_the_fixture_customers_score_is_the_hand_computed_one_part_by_part(w, signed_in_api):
    run_check()
    row = score_of(signed_in_api(w.alice), w.acme)
    parts = {part["key"]: part for part in row["parts"]}

    # SLA compliance: 3 of 4 closed this quarter without a breach; 20 × 1/4 = 5 points.
    assert parts["sla_compliance"]["raw"] == {"closed": 4, "compliant": 3, "percent": 75.0}
    assert (parts["sla_compliance"]["weight"], parts["sla_compliance"]["points"]) == (20, -5)
    # Breaches this quarter: the breached closed case and the open late one; 2 × 5.
    assert parts["breaches"]["raw"] == {"count": 2}
    assert parts["breaches"]["points"] == -10
    # One open escalation (the resolved one is history); 1 × 8.
    assert parts["escalations"]["raw"] == {"count": 1}
    assert parts["escalations"]["points"] == -8
    # Negative feedback that counts: the confident one and the confirmed one; 2 × 4.
    assert parts["negative_feedback"]["raw"] == {"count": 2}
    assert parts["negative_feedback"]["points"] == -8
    # Past their dates: the exception expired yesterday but still active, the overdue condition; 2 × 6.
    assert parts["past_dates"]["raw"] == {"exceptions": 1, "conditions": 1, "count": 2}
    assert parts["past_dates"]["points"] == -12
    # Incidents in 90 days: the outage (not the cancelled one, not the one 100 days ago); 1 × 3.
    assert parts["incidents"]["raw"] == {"count": 1}
    assert parts["incidents"]["points"] == -3
    # 100 − 5 − 10 − 8 − 8 − 12 − 3 = 54, below the default line of 60.
    assert row["score"] == 54
    assert (row["line"], row["below_line"]) == (60, True)
    assert parts["sla_compliance"]["since"] == "2026-10-01"
    assert parts["negative_feedback"]["since"] == "2026-08-23"
    assert score_of(signed_in_api(w.alice), w.customers["borealis"])["score"] == 100


def test_the_customer_page_card_shows_every_part_with_its_points_and_the_list_behind_it(w, browse):
    run_check()
    page = browse(w.alice).get(f"/segments/customers/{w.acme.pk}/").content.decode()

    assert 'data-testid="health-score">54<' in page
    explanation = page.split('data-testid="health-explanation">')[1].split("<")[0]
    # The parts that took points off, biggest first.
    assert explanation.startswith(
        "54: 1 exception past expiry, 1 condition overdue \u221212, 2 breaches \u221210"
    )
    for points in ("\u22125", "\u221210", "\u22128", "\u221212", "\u22123"):
        assert f'data-testid="part-points">{points}<' in page
    assert (
        f"/segments/cases/?customer={w.acme.pk}&amp;opened_after=2026-10-01&amp;opened_before=2026-11-20&amp;breached=true"
        in page
    )
    assert (
        f"/incidents/?customer={w.acme.pk}&amp;started_after=2026-08-23&amp;started_before=2026-11-20" in page
    )


def test_a_parts_link_lists_what_it_counted(w, signed_in_api):
    run_check()
    api = signed_in_api(w.alice)
    parts = {part["key"]: part for part in score_of(api, w.acme)["parts"]}
    breached = api.get(
        "/api/v1/cases/",
        {
            "customer": w.acme.pk,
            "opened_after": "2026-10-01",
            "opened_before": "2026-11-20",
            "breached": "true",
        },
    )
    assert breached.json()["count"] == parts["breaches"]["raw"]["count"]
    oscar = signed_in_api(w.oscar)
    incidents = oscar.get("/api/v1/incidents/", {"customer": w.acme.pk, "started_after": "2026-08-23"})
    assert [row["title"] for row in incidents.json()["results"]] == [
        "False alarm",
        "Outage",
    ]  # cancelled shown, not counted


def test_a_leads_weight_change_moves_the_score_on_the_next_run(w, signed_in_api):
    run_check()
    oscar = signed_in_api(w.oscar)
    assert oscar.get(WEIGHTS, {"region": "EMEA", "current": "true"}).json()["results"] == []  # the defaults
    body = {"region": "EMEA", "sla_compliance": 20, "breach": 10, "escalation": 8, "negative_feedback": 4,
            "past_dates": 6, "incident": 3, "at_risk_below": 50, "note": "Breaches hurt renewals more."}  # fmt: skip
    created = oscar.post(WEIGHTS, body, format="json")
    assert created.status_code == 201, created.content
    assert (created.json()["version"], created.json()["set_by"]) == (1, "ops.oscar")
    assert score_of(signed_in_api(w.alice), w.acme)["score"] == 54  # until the check runs again

    run_check()

    row = score_of(signed_in_api(w.alice), w.acme)
    # Breaches now weigh 10: 54 − 2 × 5 = 44; the line is 50.
    assert (row["score"], row["line"], row["below_line"]) == (44, 50, True)
    assert HealthScore.objects.filter(customer=w.acme).count() == 1  # the same day's row, rewritten
    # PUT on the version edited makes version 2; on a superseded one, 409 and nothing written.
    put = oscar.put(f"{WEIGHTS}{created.json()['id']}/", {**body, "breach": 7}, format="json")
    assert put.status_code == 400  # `region` is not a field of a new version of this one
    del body["region"]
    put = oscar.put(f"{WEIGHTS}{created.json()['id']}/", {**body, "breach": 7}, format="json")
    assert (put.status_code, put.json()["version"], put.json()["breach"]) == (200, 2, 7)
    stale = oscar.put(f"{WEIGHTS}{created.json()['id']}/", {**body, "breach": 9}, format="json")
    assert stale.status_code == 409
    assert HealthWeights.objects.filter(region=w.emea).count() == 2
    assert AuditEvent.objects.filter(verb="health_weights.set").count() == 2


def test_an_account_manager_cannot_change_the_weights(w, signed_in_api, browse):
    body = {"region": "EMEA", "sla_compliance": 0, "breach": 0, "escalation": 0, "negative_feedback": 0,
            "past_dates": 0, "incident": 0, "at_risk_below": 10}  # fmt: skip
    assert signed_in_api(w.alice).post(WEIGHTS, body, format="json").status_code == 403
    page = browse(w.alice)
    assert page.post("/keyaccounts/health/weights/", {**body, "based_on": 0}).status_code == 403
    reading = page.get("/keyaccounts/health/weights/")
    assert reading.status_code == 200
    assert b'data-testid="weights-form"' not in reading.content
    assert b"Read-only" in reading.content
    assert not HealthWeights.objects.exists()


def test_an_amer_region_is_not_an_emea_leads_to_set(w, signed_in_api):
    body = {"region": "AMER", "sla_compliance": 0, "breach": 0, "escalation": 0, "negative_feedback": 0,
            "past_dates": 0, "incident": 0, "at_risk_below": 10}  # fmt: skip
    answer = signed_in_api(w.oscar).post(WEIGHTS, body, format="json")
    assert answer.status_code == 400
    assert "region" in answer.json()


def test_the_weights_page_saves_a_version_and_its_history_says_who_changed_what(w, browse):
    page = browse(w.oscar)
    form = {"region": "EMEA", "sla_compliance": 20, "breach": 5, "escalation": 8, "negative_feedback": 4,
            "past_dates": 6, "incident": 3, "at_risk_below": 60, "based_on": 0, "note": "Start"}  # fmt: skip
    assert page.post("/keyaccounts/health/weights/", form).status_code == 302
    bad = page.post("/keyaccounts/health/weights/", {**form, "based_on": 1, "incident": 101})
    assert bad.status_code == 400
    assert b"Ensure this value is less than or equal to 100" in bad.content
    assert (
        page.post("/keyaccounts/health/weights/", {**form, "based_on": 1, "incident": 9}).status_code == 302
    )
    history = page.get("/keyaccounts/health/weights/?region=EMEA").content.decode()
    assert "Per incident (90 days): 3 → <strong>9</strong>" in history
    assert history.count('data-testid="weights-version"') == 2
    assert w.oscar.display_name in history


def test_the_account_managers_home_card_counts_their_customers_below_the_line(w, browse):
    run_check()
    home = browse(w.alice).get("/home/account-manager/").content.decode()
    assert 'data-testid="below-count">1<' in home  # Acme (54); Borealis is at 100
    assert "Acme Logistics" in home
    listed = browse(w.alice).get("/keyaccounts/health/?below_line=true&account_manager=am.alice")
    assert listed.content.decode().count('data-testid="health-row"') == 1


def test_the_dashboard_panels_figure_is_its_drill_downs_count(w, signed_in_api):
    run_check()
    oscar = signed_in_api(w.oscar)
    body = oscar.get("/api/v1/dashboard/keyaccounts-health/").json()
    assert sum(row["below"] for row in body["rows"]) == 1
    for row, links in zip(body["rows"], body["links"], strict=True):
        for column in ("scored", "below"):
            path, _, query = links[column].partition("?")
            assert path == "/keyaccounts/health/"
            assert oscar.get(f"{SCORES}?{query}").json()["count"] == row[column]
    assert oscar.get("/api/v1/dashboard/summary/").json()["customers_below_health_line"] == 1


def test_scores_are_scoped_like_the_figures_behind_them(w, signed_in_api):
    run_check()
    seen = {
        user: {row["customer"] for row in signed_in_api(getattr(w, user)).get(SCORES).json()["results"]}
        for user in ("alice", "amy", "bob", "oscar", "ada", "olivia")
    }
    c = {name: customer.pk for name, customer in w.customers.items()}
    assert seen["alice"] == {c["acme"], c["borealis"]}
    assert seen["amy"] == {c["cobalt"]}
    assert seen["bob"] == {c["delta"], c["evergreen"]}
    assert seen["oscar"] == {c["acme"], c["borealis"], c["cobalt"]}
    assert seen["ada"] == set(c.values())
    assert seen["olivia"] == set()
    other = signed_in_api(w.alice).get(SCORES, {"customer": c["delta"]})
    assert other.status_code == 400 and "customer" in other.json()


def test_the_list_is_sorted_filtered_and_its_queries_do_not_grow_with_rows(
    w, browse, django_assert_max_num_queries
):
    from tests.segments.factories import CustomerFactory

    run_check()
    client = browse(w.ada)
    with django_assert_max_num_queries(16) as few:
        page = client.get("/keyaccounts/health/?ordering=score")
    assert page.status_code == 200
    text = page.content.decode()
    assert text.index("Acme Logistics") < text.index("Borealis Foods")  # 54 before 100
    for _ in range(50):
        CustomerFactory(region=w.emea, account_manager=w.alice)
    run_check()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/keyaccounts/health/?ordering=-score&page=2").status_code == 200
    with django_assert_max_num_queries(12) as api:
        assert client.get(f"{SCORES}?page_size=200").status_code == 200
    assert len(api.captured_queries) <= 12
