"""The dashboard as ops.oscar sees it on the demo data, checked by axe-core (no serious or critical
violation) and with a browser console free of errors, on a desktop and on a phone."""

import io

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SEVERE = ("serious", "critical")


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", verbosity=0)
    call_command("run_checks", "exceptions.dashboard_summaries", stdout=io.StringIO())


def _report(violations: list[dict]) -> str:
    return "\n".join(
        f"{v['impact']} {v['id']}: {v['help']} — "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in violations
    )


@pytest.mark.parametrize("viewport", [(1440, 900), (390, 844)])
def test_the_dashboard_passes_axe_and_logs_no_console_error(page, sign_in, demo, viewport):
    problems: list[str] = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.set_viewport_size({"width": viewport[0], "height": viewport[1]})
    sign_in("ops.oscar")
    page.goto("/dashboard/")
    expect(page.get_by_test_id("panel-exceptions-by-process").locator("canvas")).to_be_visible()
    expect(page.get_by_test_id("freshness-time-to-decision")).to_contain_text("refreshed every 10 min")
    page.wait_for_load_state("networkidle")
    results = Axe().run(page)
    severe = [v for v in results.response["violations"] if v["impact"] in SEVERE]
    assert not severe, _report(severe)
    assert not problems, problems
