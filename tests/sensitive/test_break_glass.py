"""Break-glass: emergency access to one customer, justified, for at most N hours; every steward is told at once."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from intimacy_ops.audit import AuditEvent
from intimacy_ops.notifications.models import Notification
from privacy.models import AccessLogEntry, BreakGlassSession
from tests.factories import user_with

JUSTIFICATION = "Customer's site is down, P1 case, account manager on leave"
NOW = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    "payload, field",
    [
        ({}, "justification"),
        ({"justification": ""}, "justification"),
        ({"justification": "urgent!"}, "justification"),  # shorter than 30 characters
        ({"justification": JUSTIFICATION, "hours": 5}, "hours"),  # more than BREAK_GLASS_MAX_HOURS (4)
        ({"justification": JUSTIFICATION, "hours": 0}, "hours"),
    ],
)
def test_break_glass_without_a_justification_or_beyond_n_hours_is_refused(
    world, as_user, payload, field, mailoutbox
):
    response = as_user("ops.oscar").post(
        "/api/v1/break-glass/", {"customer": world.acme.pk, **payload}, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()
    assert not BreakGlassSession.objects.exists()
    assert not Notification.objects.exists() and mailoutbox == []
    assert as_user("ops.oscar").get(f"/api/v1/customers/{world.acme.pk}/").json()["contact_email"] == "***"


def test_break_glass_notifies_every_steward_shows_the_values_and_logs_them_as_break_glass(
    world, as_user, mailoutbox, django_capture_on_commit_callbacks
):
    second_steward = user_with("data steward", regions=["AMER"], username="steward.sue")
    oscar = as_user("ops.oscar")
    with time_machine.travel(NOW, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            response = oscar.post(
                "/api/v1/break-glass/",
                {"customer": world.acme.pk, "justification": JUSTIFICATION, "hours": 2},
                format="json",
            )
        assert response.status_code == 201, response.content
        assert response.json()["expires_at"].startswith("2026-03-02T12:00")
        # Every data steward, in the app and by e-mail, at once.
        told = set(Notification.objects.values_list("recipient__username", flat=True))
        assert told == {"steward.sam", "steward.sue"}
        assert sorted(address for mail in mailoutbox for address in mail.to) == sorted(
            [world.people["steward.sam"].email, second_steward.email]
        )
        assert "Acme Logistics" in mailoutbox[0].subject and JUSTIFICATION in mailoutbox[0].body
        shown = oscar.get(f"/api/v1/customers/{world.acme.pk}/").json()
        assert (shown["contact_email"], shown["personal_notes"]) == (
            world.acme.contact_email,
            world.acme.personal_notes,
        )
        entry = AccessLogEntry.objects.get()
        assert (entry.user.username, entry.subject_id, entry.purpose, entry.channel) == (
            "ops.oscar",
            world.acme.pk,
            "break-glass",
            "api",
        )
        assert AuditEvent.objects.filter(verb="sensitive.break_glass").count() == 1
    with time_machine.travel(NOW + datetime.timedelta(hours=2, seconds=1), tick=False):
        assert oscar.get(f"/api/v1/customers/{world.acme.pk}/").json()["contact_email"] == "***"
    assert AccessLogEntry.objects.count() == 1


def test_break_glass_is_for_customers_in_scope_only(world, as_user):
    response = as_user("ops.oscar").post(
        "/api/v1/break-glass/", {"customer": world.delta.pk, "justification": JUSTIFICATION}, format="json"
    )
    assert response.status_code == 400  # an id outside your scope reads as one that does not exist
    assert not BreakGlassSession.objects.exists()


def test_a_steward_reviews_open_sessions_accept_or_flag(world, as_user, client):
    oscar = as_user("ops.oscar")
    opened = oscar.post(
        "/api/v1/break-glass/", {"customer": world.acme.pk, "justification": JUSTIFICATION}, format="json"
    ).json()
    assert opened["expires_at"] > timezone.now().isoformat()
    sam = as_user("steward.sam")
    assert [s["id"] for s in sam.get("/api/v1/break-glass/?open=true").json()["results"]] == [opened["id"]]
    # Only stewards review; the opener cannot review themselves.
    assert (
        oscar.post(
            f"/api/v1/break-glass/{opened['id']}/review/", {"outcome": "accept"}, format="json"
        ).status_code
        == 403
    )
    assert (
        sam.post(
            f"/api/v1/break-glass/{opened['id']}/review/", {"outcome": "flag"}, format="json"
        ).status_code
        == 400
    )
    reviewed = sam.post(
        f"/api/v1/break-glass/{opened['id']}/review/",
        {"outcome": "flag", "comment": "No P1 case found"},
        format="json",
    )
    assert reviewed.status_code == 200, reviewed.content
    assert (reviewed.json()["review_outcome"], reviewed.json()["reviewed_by"]) == ("flag", "steward.sam")
    assert (
        sam.post(
            f"/api/v1/break-glass/{opened['id']}/review/", {"outcome": "accept"}, format="json"
        ).status_code
        == 409
    )
    assert AuditEvent.objects.filter(verb="sensitive.break_glass_flag").count() == 1
    assert sam.get("/api/v1/break-glass/?open=true").json()["results"] == []


def test_break_glass_from_the_customer_page_and_review_on_the_steward_page(world, client):
    client.force_login(world.people["ops.oscar"])
    page = client.get(f"/segments/customers/{world.acme.pk}/")
    assert 'data-testid="break-glass-form"' in page.content.decode()
    refused = client.post(
        f"/segments/customers/{world.acme.pk}/break-glass/", {"justification": "now", "hours": 1}
    )
    assert refused.status_code == 400
    assert not BreakGlassSession.objects.exists()
    opened = client.post(
        f"/segments/customers/{world.acme.pk}/break-glass/", {"justification": JUSTIFICATION, "hours": 1}
    )
    assert opened.status_code == 302
    page = client.get(f"/segments/customers/{world.acme.pk}/")
    assert page.context["contact_email"] == world.acme.contact_email
    assert "break-glass" in page.content.decode()
    entry = AccessLogEntry.objects.get()
    assert (entry.purpose, entry.channel) == ("break-glass", "page")

    client.force_login(world.people["steward.sam"])
    listing = client.get("/segments/privacy/break-glass/")
    assert listing.status_code == 200 and "P1 case, account manager on leave" in listing.content.decode()
    session = BreakGlassSession.objects.get()
    assert (
        client.post(f"/segments/privacy/break-glass/{session.pk}/review/", {"outcome": "accept"}).status_code
        == 302
    )
    session.refresh_from_db()
    assert session.review_outcome == "accept"
    # The steward's unread notification shows in the header and on the notifications page.
    notifications = client.get("/notifications/")
    assert 'data-testid="unread-count"' in notifications.content.decode()
    assert (
        f"Break-glass: {world.people['ops.oscar'].display_name} opened Acme Logistics"
        in notifications.content.decode()
    )
    client.post("/notifications/read/")
    assert 'data-testid="unread-count"' not in client.get("/notifications/").content.decode()

    client.force_login(world.people["ops.oscar"])
    assert client.get("/segments/privacy/break-glass/").status_code == 403


def test_an_account_manager_does_not_break_glass_on_their_own_account(world, as_user):
    response = as_user("am.alice").post(
        "/api/v1/break-glass/", {"customer": world.acme.pk, "justification": JUSTIFICATION}, format="json"
    )
    assert response.status_code == 400
    assert "customer" in response.json()


def test_a_steward_cannot_review_their_own_break_glass_session(world, as_user):
    sam = as_user("steward.sam")
    opened = sam.post(
        "/api/v1/break-glass/", {"customer": world.acme.pk, "justification": JUSTIFICATION}, format="json"
    )
    assert opened.status_code == 201, opened.content
    own = sam.post(f"/api/v1/break-glass/{opened.json()['id']}/review/", {"outcome": "accept"}, format="json")
    assert own.status_code == 403
    assert "Another data steward" in own.json()["detail"]
    assert BreakGlassSession.objects.get(pk=opened.json()["id"]).review_outcome == ""


def test_the_steward_page_offers_no_review_buttons_on_your_own_session(world, client, as_user):
    """The review buttons come from the session's lifecycle table: your own session waits for another steward."""
    opened = as_user("steward.sam").post(
        "/api/v1/break-glass/", {"customer": world.acme.pk, "justification": JUSTIFICATION}, format="json"
    )
    assert opened.status_code == 201, opened.content
    client.force_login(world.people["steward.sam"])
    page = client.get("/segments/privacy/break-glass/").content.decode()
    assert 'data-testid="not-yours-to-review"' in page
    assert 'data-testid="accept"' not in page
