"""owner.olivia works through a root-cause analysis the recurring-failure check opened: the five whys filled in
and reordered in place, a corrective action added, closing refused while the action is open and nobody told,
then the action done, the loop closed, the analysis closed (issue 16's browser acceptance)."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


@pytest.fixture
def olivias_rca(demo_people):
    from exceptions.models import Process
    from feedback.models import FeedbackItem, RootCauseAnalysis
    from intimacy_ops.accounts.models import User
    from tests.segments.factories import CustomerFactory

    olivia = User.objects.get(username="owner.olivia")
    alice = User.objects.get(username="am.alice")
    process = Process.objects.create(name="Saturday delivery", category="fulfilment", owner=olivia)
    customer = CustomerFactory(name="Acme Retail", account_manager=alice, region=alice.regions.first())
    FeedbackItem.objects.bulk_create(
        FeedbackItem(
            customer=customer,
            source="nps_survey",
            score=n,
            received_on=timezone.localdate(),
            process=process,
            text="The Saturday delivery came late again.",
        )  # fmt: skip
        for n in range(5)
    )
    call_command("run_checks", "feedback.recurring_failures", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return RootCauseAnalysis.objects.get(process=process)


def test_olivia_fills_in_the_whys_adds_an_action_and_closes_the_rca(page, sign_in, olivias_rca):
    from feedback.models import RootCauseAnalysis

    rca = olivias_rca
    sign_in("owner.olivia")
    expect(page.get_by_test_id("rcas-due-card")).to_contain_text("Saturday delivery")
    page.goto("/feedback/rcas/")
    open_column = page.locator('[data-testid="rca-column"][data-status="open"]')
    expect(open_column.get_by_test_id("rca-count")).to_have_text("1")
    open_column.get_by_test_id("rca-card").click()
    expect(page.get_by_test_id("linked-item")).to_have_count(5)
    page.get_by_test_id("step-start_analysis").click()
    expect(page.get_by_test_id("rca-status")).to_have_text("Analysing")

    whys = page.get_by_test_id("whys")
    answers = [
        ("Why was the delivery late?", "The van left the depot after noon."),
        ("Why did the van leave after noon?", "Loading waited for the Saturday picking."),
        ("Why did loading wait?", "One picker works on Saturdays."),
        ("Why only one picker?", "The rota has no Saturday cover."),
        ("Why no Saturday cover?", "Saturday volume was never planned for."),
    ]
    for question, answer in answers:
        whys.get_by_test_id("new-why-question").fill(question)
        whys.get_by_test_id("new-why-answer").fill(answer)
        whys.get_by_test_id("add-why").click()
        expect(page.get_by_test_id("whys-count")).to_contain_text(
            f"{answers.index((question, answer)) + 1} of 5"
        )
    expect(page.get_by_test_id("why")).to_have_count(5)
    expect(page.get_by_test_id("why-add")).to_have_count(0)  # five whys: no sixth
    # Reorder in place (htmx, no reload): the second why up.
    page.get_by_test_id("why").nth(1).get_by_test_id("why-up").click()
    expect(page.get_by_test_id("why").nth(0).get_by_test_id("why-question")).to_have_value(answers[1][0])
    page.get_by_test_id("why").nth(0).get_by_test_id("why-up").is_disabled()
    page.get_by_test_id("why").nth(1).get_by_test_id("why-up").click()
    expect(page.get_by_test_id("why").nth(0).get_by_test_id("why-question")).to_have_value(answers[0][0])
    # Edit an answer in place.
    fifth = page.get_by_test_id("why").nth(4)
    fifth.get_by_test_id("why-answer").fill("Saturday volume doubled in spring and nobody re-planned.")
    fifth.get_by_test_id("why-save").click()
    expect(page.get_by_test_id("why").nth(4).get_by_test_id("why-answer")).to_have_value(
        "Saturday volume doubled in spring and nobody re-planned."
    )

    page.get_by_label("Root cause").fill("No Saturday staffing plan since volume grew.")
    page.get_by_test_id("save-analysis").click()
    adding = page.get_by_test_id("action-add")
    adding.get_by_label("What will be done").fill("Add a second Saturday picker to the rota")
    adding.get_by_label("Owner").select_option("owner.olivia")
    adding.get_by_label("Due on").fill((timezone.localdate() + datetime.timedelta(days=14)).isoformat())
    adding.get_by_test_id("add-action").click()
    expect(page.get_by_test_id("action")).to_have_count(1)
    page.get_by_test_id("step-plan_actions").click()
    page.get_by_test_id("step-verify").click()
    expect(page.get_by_test_id("rca-status")).to_have_text("Verifying")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "rca_detail_verifying.png"), full_page=True)

    # Closing refused: the action is open and nobody was told.
    expect(page.get_by_test_id("close-missing")).to_contain_text("still open")
    page.get_by_test_id("step-close").click()
    expect(page.locator(".flash-error, .flash")).to_contain_text("Cannot close yet")
    assert RootCauseAnalysis.objects.get(pk=rca.pk).status == "verifying"

    page.get_by_test_id("action-evidence").fill("Rota from 1 June: two pickers on Saturdays")
    page.get_by_test_id("action-complete").click()
    expect(page.get_by_test_id("action")).to_have_attribute("data-status", "done")
    loop = page.get_by_test_id("loop-form")
    loop.get_by_label("Who was told").select_option("customer")
    loop.get_by_label("Names or team").fill("Acme Retail's logistics manager")
    loop.get_by_label("Channel").select_option("phone")
    loop.get_by_test_id("record-loop").click()
    expect(page.get_by_test_id("loop-closure")).to_have_count(1)
    expect(page.get_by_test_id("close-missing")).to_have_count(0)
    page.get_by_test_id("step-close").click()
    expect(page.get_by_test_id("rca-status")).to_have_text("Closed")
    page.screenshot(path=str(SHOTS / "rca_detail_closed.png"), full_page=True)
    closed = RootCauseAnalysis.objects.get(pk=rca.pk)
    assert closed.status == "closed" and closed.root_cause.startswith("No Saturday staffing")
    assert list(closed.whys.values_list("position", flat=True)) == [1, 2, 3, 4, 5]

    page.goto("/feedback/rcas/")
    expect(
        page.locator('[data-testid="rca-column"][data-status="closed"]').get_by_test_id("rca-count")
    ).to_have_text("1")
    page.set_viewport_size({"width": 1440, "height": 900})
    page.screenshot(path=str(SHOTS / "rca_board.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / "rca_board_mobile.png"), full_page=True)
