"""The RCA pages: the board (columns by status, counts), an RCA's page (whys in place with htmx, actions with
overdue flags, the loop, the steps and what closing still needs), the process owner's home card, and the
board's and page's query counts not growing with rows."""

import pytest

from feedback.models import RootCauseAnalysis
from tests.feedback.factories import RootCauseAnalysisFactory, action, why
from tests.feedback.rca_world import detractors, rca_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return rca_world()


def test_the_board_shows_columns_with_counts(world, browse):
    RootCauseAnalysisFactory(process=world.process, problem="Late on Saturdays")
    RootCauseAnalysisFactory(process=world.process, status="analysing")
    RootCauseAnalysisFactory(process=world.process, status="closed")
    page = browse(world.olivia).get("/feedback/rcas/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-status="open"' in html and "Late on Saturdays" in html
    counts = [column["count"] for column in page.context["board"]["columns"]]
    assert counts == [1, 1, 0, 0, 1, 0]
    bad = browse(world.olivia).get("/feedback/rcas/?process=999999")
    assert bad.status_code == 400


def test_the_page_edits_whys_in_place_and_names_what_closing_needs(world, browse):
    rca = RootCauseAnalysisFactory(process=world.process, status="verifying")
    late = action(rca, world.olivia, days=-3)
    client = browse(world.olivia)
    html = client.get(f"/feedback/rcas/{rca.pk}/").content.decode()
    assert "overdue" in html and f'id="action-{late.pk}"' in html
    assert "still open" in html and "The loop is not closed" in html

    added = client.post(
        f"/feedback/rcas/{rca.pk}/whys/",
        {"op": "add", "question": "Why late?", "answer": "Van at noon."},
        HTTP_HX_REQUEST="true",
    )
    assert added.status_code == 200 and 'data-testid="whys"' in added.content.decode()
    assert "<html" not in added.content.decode()  # the partial, swapped in place
    empty = client.post(
        f"/feedback/rcas/{rca.pk}/whys/", {"op": "add", "question": ""}, HTTP_HX_REQUEST="true"
    )
    assert "Ask the why." in empty.content.decode()
    assert [w.question for w in rca.whys.all()] == ["Why late?"]

    refused = client.post(f"/feedback/rcas/{rca.pk}/step/", {"action": "close"}, follow=True)
    assert "Cannot close yet" in refused.content.decode()
    assert RootCauseAnalysis.objects.get(pk=rca.pk).status == "verifying"


def test_someone_who_only_reads_gets_no_forms_and_a_403_on_post(world, browse, make_user):
    rca = RootCauseAnalysisFactory(process=world.process)
    auditor = make_user("auditor", username="aud.ann")
    client = browse(auditor)
    html = client.get(f"/feedback/rcas/{rca.pk}/").content.decode()
    assert 'data-testid="why-add"' not in html and 'data-testid="rca-steps"' not in html
    assert client.post(f"/feedback/rcas/{rca.pk}/whys/", {"op": "add", "question": "Why?"}).status_code == 403


def test_the_process_owners_home_card(world, browse):
    rca = RootCauseAnalysisFactory(
        process=world.process, status="actions_planned", problem="Late on Saturdays"
    )
    action(rca, world.olivia, days=-1)
    html = browse(world.olivia).get("/home/process-owner/").content.decode()
    assert 'data-testid="rcas-due-card"' in html and "Late on Saturdays" in html
    assert "(overdue)" in html


@pytest.mark.parametrize("rows", [3, 50])
def test_board_and_page_queries_do_not_grow_with_rows(world, browse, django_assert_max_num_queries, rows):
    detractors(world, 1)
    for n in range(rows):
        rca = RootCauseAnalysisFactory(
            process=world.process, problem=f"Problem {n}", status=["open", "analysing", "closed"][n % 3]
        )
        why(rca, 1)
        action(rca, world.olivia, days=-1)
    rca.triggering_items.add(*world.customer.feedback_items.all())
    for _ in range(rows):
        why_pos = rca.whys.count() + 1
        if why_pos <= 5:
            why(rca, why_pos)
        action(rca, world.olivia, days=3)
    client = browse(world.olivia)
    client.get("/feedback/rcas/")  # warm the session
    with django_assert_max_num_queries(20):
        assert client.get("/feedback/rcas/").status_code == 200
    with django_assert_max_num_queries(30):
        assert client.get(f"/feedback/rcas/{rca.pk}/").status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get("/home/process-owner/").status_code == 200
