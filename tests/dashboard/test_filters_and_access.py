"""Bad filters are a 400 naming the field (API) or a form error on the page (never a 500, never another
region's rows); who may open the dashboard and its summary."""

import datetime as dt

import pytest

from tests.dashboard import world as dashboard_world
from tests.factories import user_with

pytestmark = pytest.mark.django_db

BAD = [
    ({"since": "2026-13-01"}, "since"),
    ({"since": "2026-05-01", "until": "2026-04-01"}, "until"),
    ({"segment": "abc"}, "segment"),
    ({"segment": "999999"}, "segment"),
    ({"process": "-1"}, "process"),
    ({"region": "AMER"}, "region"),
    ({"region": "NOPE"}, "region"),
    ({"period": "forever"}, "period"),
    ({"share": "-5"}, "share"),
    ({"share": "lots"}, "share"),
    ({"since": "1900-01-01"}, "since"),
    ({"since": "2010-01-01", "until": "2026-01-01"}, "until"),
]


@pytest.fixture
def world(db):
    return dashboard_world.build()


@pytest.mark.parametrize(("params", "field"), BAD)
def test_a_bad_filter_is_a_400_naming_the_field(world, browse, params, field):
    client = browse(world.oscar)
    for url in ("/api/v1/dashboard/summary/", "/api/v1/dashboard/exceptions-by-region/"):
        response = client.get(url, params)
        assert response.status_code == 400, (url, response.content)
        assert field in response.json()
    page = client.get("/dashboard/", params)
    assert page.status_code == 400
    text = page.content.decode()
    assert 'data-testid="filter-errors"' in text and f'<span class="field-name">{field}</span>' in text
    assert 'data-testid="dashboard-panels"' not in text  # no panel computed on a bad filter
    assert client.get("/dashboard/exceptions-by-region.csv", params).status_code == 400
    assert client.get("/dashboard/panels/exceptions-by-region/", params).status_code == 400


def test_good_filters_narrow_the_figures(world, browse):
    client = browse(world.oscar)
    rows = client.get(
        "/api/v1/dashboard/exceptions-by-process/", {"process": world.billing.pk, "segment": world.gold.pk}
    ).json()["rows"]
    assert [(row["name"], row["active"]) for row in rows] == [("Billing", 1)]
    body = client.get("/api/v1/dashboard/summary/", {"period": "30d"}).json()
    assert (dt.date.fromisoformat(body["until"]) - dt.date.fromisoformat(body["since"])).days == 29
    page = client.get("/dashboard/", {"segment": world.silver.pk})
    assert page.status_code == 200
    text = page.content.decode()
    assert f'value="{world.silver.pk}" selected' in text  # the filter stays chosen (a bookmarkable view)
    revenue = text.split('data-testid="panel-cost-over-revenue"')[1].split("</article>")[0]
    assert "Acme" not in revenue  # acme is Gold


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("account manager", 403),
        ("process owner", 403),
        ("data steward", 403),
        ("operations lead", 200),
        ("board member", 200),
        ("board chair", 200),
        ("auditor", 200),
        ("administrator", 200),
    ],
)
def test_who_opens_the_dashboard_and_its_summary(db, browse, api, role, status):
    user = user_with(role, regions=["EMEA"])
    client = browse(user)
    assert client.get("/api/v1/dashboard/summary/").status_code == status
    assert client.get("/dashboard/").status_code == status
    nav = client.get("/notifications/").content.decode()
    assert ('data-nav="dashboard"' in nav) is (status == 200)


def test_signed_out_is_401_on_the_api_and_the_sign_in_page_for_the_page(db, api, client):
    assert api.get("/api/v1/dashboard/summary/").status_code == 401
    assert client.get("/dashboard/").status_code == 302


def test_an_unknown_panel_is_404(world, browse):
    client = browse(world.oscar)
    assert client.get("/api/v1/dashboard/no-such-panel/").status_code == 404
    assert client.get("/dashboard/panels/no-such-panel/").status_code == 404
    assert client.get("/dashboard/no-such-panel.csv").status_code == 404


def test_the_csv_export_is_recorded_in_the_audit_trail(world, browse):
    from intimacy_ops.audit import AuditEvent

    client = browse(world.oscar)
    response = client.get("/dashboard/exceptions-by-process.csv", {"period": "90d"})
    b"".join(response.streaming_content)
    event = AuditEvent.objects.get(verb="dashboard.exported")
    assert event.actor == world.oscar and event.object_id == "exceptions-by-process"
    assert event.after["filters"] == {"period": "90d"} and event.after["regions"] == ["EMEA"]


def test_the_forms_all_choices_are_empty_values_on_the_page_and_a_400_in_the_api(world, browse):
    client = browse(world.oscar)
    form = {
        "region": "",
        "segment": "",
        "process": "",
        "period": "12m",
        "since": "",
        "until": "",
        "share": "5",
    }
    assert client.get("/dashboard/", form).status_code == 200  # what the filters form sends for "All"
    response = client.get("/api/v1/dashboard/summary/", {"segment": ""})
    assert response.status_code == 400 and "segment" in response.json()
    assert client.get("/api/v1/dashboard/summary/", {"region": ""}).status_code == 200
