"""Issue 18, "Queues": saved views per user — name the current query string of a work list, find it again as a
chip above the list, delete it. A bad name is a form error on the list's own page (400, nothing saved)."""

import pytest

from intimacy_ops.saved_views.models import SavedView
from tests.exceptions.factories import scenario

pytestmark = pytest.mark.django_db
SAVE = "/views/save/"

# Every work list with saved views, and who may open it in the scenario.
LISTS = [
    ("exceptions:waiting", "/exceptions/waiting/", "oscar"),
    ("exceptions:list", "/exceptions/", "alice"),
    ("governance:queue", "/governance/", "carol"),
    ("escalations:list", "/escalations/", "oscar"),
    ("segments:case-list", "/segments/cases/", "alice"),
    ("feedback:list", "/feedback/", "alice"),
]


@pytest.mark.parametrize(("key", "path", "who"), LISTS)
def test_a_view_is_saved_listed_as_a_chip_opened_and_deleted(browse, key, path, who):
    s = scenario()
    client = browse(getattr(s, who))
    assert 'data-testid="saved-views"' in client.get(path).content.decode()
    saved = client.post(
        SAVE, {"list_key": key, "query": "?ordering=-created_at&page=3", "name": "  Newest  first "}
    )
    assert saved.status_code == 302 and saved["Location"] == f"{path}?ordering=-created_at"  # no page number
    view = SavedView.objects.get(user=getattr(s, who))
    assert (view.list_key, view.name, view.query) == (key, "Newest first", "ordering=-created_at")
    html = client.get(f"{path}?ordering=-created_at").content.decode()
    assert (
        f'href="{path}?ordering=-created_at" aria-current="page" data-testid="saved-view-link">Newest first<'
        in html
    )
    deleted = client.post(f"/views/{view.pk}/delete/", {"query": "ordering=-created_at"})
    assert deleted.status_code == 302 and deleted["Location"] == f"{path}?ordering=-created_at"
    assert not SavedView.objects.exists()


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("", "This field is required."),
        ("   ", "This field is required."),
        ("x" * 61, "at most 60"),
        ("a\x07b", "Use letters"),
    ],
)
def test_a_bad_name_is_a_form_error_on_the_lists_page(browse, name, error):
    s = scenario()
    response = browse(s.oscar).post(
        SAVE, {"list_key": "exceptions:waiting", "query": "risk=high", "name": name}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "<h1>Waiting for me</h1>" in html  # the list's own page, as it was asked
    assert 'data-testid="save-view-error"' in html and error in html
    assert '<details class="save-view" open>' in html
    assert not SavedView.objects.exists()


def test_a_name_is_unique_per_person_and_list(browse):
    s = scenario()
    client = browse(s.oscar)
    client.post(SAVE, {"list_key": "exceptions:waiting", "query": "risk=high", "name": "Risky"})
    again = client.post(SAVE, {"list_key": "exceptions:waiting", "query": "risk=low", "name": "risky"})
    assert again.status_code == 400 and "You already have a view called" in again.content.decode()
    elsewhere = client.post(SAVE, {"list_key": "escalations:list", "query": "", "name": "Risky"})
    assert elsewhere.status_code == 302  # another list
    other = browse(s.alice).post(SAVE, {"list_key": "exceptions:list", "query": "", "name": "Risky"})
    assert other.status_code == 302  # another person
    assert SavedView.objects.count() == 3


def test_an_unknown_list_is_refused(browse):
    s = scenario()
    response = browse(s.oscar).post(SAVE, {"list_key": "admin:index", "query": "", "name": "Mine"})
    assert response.status_code == 400
    assert not SavedView.objects.exists()


def test_a_view_is_its_owners_alone(browse):
    s = scenario()
    view = SavedView.objects.create(
        user=s.alice, list_key="exceptions:list", name="Mine", query="status=draft"
    )
    assert "Mine" not in browse(s.amy).get("/exceptions/").content.decode()
    assert browse(s.amy).post(f"/views/{view.pk}/delete/").status_code == 404
    assert SavedView.objects.filter(pk=view.pk).exists()
    assert ">Mine<" in browse(s.alice).get("/exceptions/").content.decode()
