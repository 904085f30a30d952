"""iCalendar: one meeting's `.ics` and each user's subscribable feed parse back with `icalendar`, carry the
meeting's time in UTC and its agenda, keep a stable UID, and show nothing of boards the user is not on."""

import datetime
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from governance.models import CalendarFeed, Meeting
from governance.services import meetings as services
from tests.exceptions.factories import scenario
from tests.governance.test_meetings import in_days, open_review, other_board, schedule

pytestmark = pytest.mark.django_db

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


@pytest.fixture
def s():
    return scenario()


def parse(response) -> Calendar:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events(calendar: Calendar) -> dict[str, object]:
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def paris_meeting(s, **extra) -> Meeting:
    """A meeting set at 10:00–11:30 Paris time (09:00–10:30 UTC in winter), two weeks from a fixed date."""
    day = timezone.localdate() + datetime.timedelta(days=14)
    start = datetime.datetime.combine(day, datetime.time(10, 0), tzinfo=PARIS)
    return services.schedule_meeting(
        board=s.board,
        actor=s.carol,
        title="Board review",
        starts_at=start,
        ends_at=start + datetime.timedelta(minutes=90),
        location="Room Lisbon",
        **extra,
    )


def test_meeting_ics_has_the_time_in_utc_the_agenda_and_a_stable_uid(s, browse):
    first = open_review(s, title="Saturday deliveries", due_in=4)
    second = open_review(s, title="Blue pallets", due_in=9, customer=s.borealis)
    meeting = paris_meeting(s)
    for review in (first, second):
        services.add_to_agenda(meeting=meeting, review=review, actor=s.carol)
    response = browse(s.dan).get(f"/governance/meetings/{meeting.pk}.ics")
    assert response["Content-Disposition"] == f'attachment; filename="meeting-{meeting.pk}.ics"'
    calendar = parse(response)
    assert str(calendar["METHOD"]) == "PUBLISH" and "Intimacy Ops" in str(calendar["PRODID"])
    (event,) = calendar.walk("VEVENT")
    raw = response.content.decode()
    start_utc = meeting.starts_at.astimezone(datetime.UTC)
    assert f"DTSTART:{start_utc:%Y%m%dT%H%M%S}Z" in raw
    assert start_utc.hour in (8, 9)  # 10:00 in Paris is 09:00 UTC in winter, 08:00 in summer
    assert event.decoded("DTSTART") == meeting.starts_at
    assert event.decoded("DTEND") == meeting.ends_at
    assert event.decoded("DTSTART").utcoffset() == datetime.timedelta(0)
    assert "Board review" in str(event["SUMMARY"]) and str(event["LOCATION"]) == "Room Lisbon"
    description = str(event["DESCRIPTION"])
    assert "1. Saturday deliveries — Acme (due" in description
    assert "2. Blue pallets — Borealis (due" in description
    assert f"{second.due_on:%d %b %Y}" in description
    assert str(event["URL"]).endswith(f"/governance/meetings/{meeting.pk}/")
    assert str(event["STATUS"]) == "CONFIRMED" and int(event["SEQUENCE"]) == 2  # the agenda changed twice…
    uid = str(event["UID"])
    # …and again when it moves: same UID, higher SEQUENCE, new time.
    services.update_meeting(
        meeting=meeting,
        actor=s.carol,
        starts_at=meeting.starts_at + datetime.timedelta(days=1),
        ends_at=meeting.ends_at + datetime.timedelta(days=1),
    )
    (moved,) = parse(browse(s.dan).get(f"/governance/meetings/{meeting.pk}.ics")).walk("VEVENT")
    assert str(moved["UID"]) == uid
    assert int(moved["SEQUENCE"]) > int(event["SEQUENCE"])
    assert moved.decoded("DTSTART") == meeting.starts_at + datetime.timedelta(days=1)


def test_sequence_counts_every_calendar_change_and_a_cancelled_meeting_says_so(s, browse):
    meeting = paris_meeting(s)
    client = browse(s.carol)
    (event,) = parse(client.get(f"/governance/meetings/{meeting.pk}.ics")).walk("VEVENT")
    assert int(event["SEQUENCE"]) == 0
    services.update_meeting(meeting=meeting, actor=s.carol, location="Room Porto")
    services.cancel_meeting(meeting=meeting, actor=s.carol, reason="No quorum")
    (event,) = parse(client.get(f"/governance/meetings/{meeting.pk}.ics")).walk("VEVENT")
    assert int(event["SEQUENCE"]) == 2
    assert str(event["STATUS"]) == "CANCELLED" and str(event["LOCATION"]) == "Room Porto"


def test_a_meeting_scheduled_on_the_page_in_paris_time_is_exported_in_utc(s, browse, settings):
    settings.TIME_ZONE = "Europe/Paris"
    s.carol.time_zone = "Europe/Paris"  # the page reads times in its user's zone (issue 18, item 6)
    s.carol.save(update_fields=["time_zone"])
    client = browse(s.carol)
    response = client.post(
        "/governance/meetings/new/",
        {
            "board": s.board.pk,
            "title": "Winter board",
            "starts_at": "2036-01-15T10:00",
            "ends_at": "2036-01-15T11:30",
        },
    )
    assert response.status_code == 302, response.content[:500]
    meeting = Meeting.objects.get()
    raw = client.get(f"/governance/meetings/{meeting.pk}.ics").content.decode()
    assert "DTSTART:20360115T090000Z" in raw and "DTEND:20360115T103000Z" in raw


def test_meeting_ics_is_for_whoever_may_see_the_meeting(s, browse, client):
    meeting = paris_meeting(s)
    assert parse(browse(s.ada).get(f"/governance/meetings/{meeting.pk}.ics"))
    assert browse(s.alice).get(f"/governance/meetings/{meeting.pk}.ics").status_code == 404
    client.logout()
    assert client.get(f"/governance/meetings/{meeting.pk}.ics").status_code == 302


def _feed_url(s, browse, user) -> str:
    page = browse(user).get("/governance/calendar/")
    assert page.status_code == 200
    feed = CalendarFeed.objects.get(user=user)
    assert f"/governance/calendar/{feed.token}.ics" in page.content.decode()
    return f"/governance/calendar/{feed.token}.ics"


def test_the_feed_lists_my_boards_meetings_and_due_dates_and_nothing_else(s, browse, client):
    mine = paris_meeting(s)
    due = open_review(s, title="Saturday deliveries", due_in=6)
    elsewhere = other_board(s)
    theirs = schedule(s, board=elsewhere, title="Billing board meets")
    not_mine = open_review(s, board=elsewhere, title="Invoices in yen")
    long_ago = Meeting.objects.create(
        board=s.board,
        title="Long ago",
        starts_at=timezone.now() - datetime.timedelta(days=60),
        ends_at=timezone.now() - datetime.timedelta(days=60, hours=-1),
        created_by=s.carol,
    )
    url = _feed_url(s, browse, s.dan)
    client.logout()  # the token is the authentication
    calendar = parse(client.get(url))
    found = events(calendar)
    assert f"meeting-{mine.pk}@intimacy-ops" in found
    assert f"review-{due.pk}-due@intimacy-ops" in found
    assert f"meeting-{theirs.pk}@intimacy-ops" not in found
    assert f"review-{not_mine.pk}-due@intimacy-ops" not in found
    assert f"meeting-{long_ago.pk}@intimacy-ops" not in found
    assert len(found) == 2
    deadline = found[f"review-{due.pk}-due@intimacy-ops"]
    assert deadline.decoded("DTSTART") == due.due_on  # an all-day event
    assert f"DTSTART;VALUE=DATE:{due.due_on:%Y%m%d}" in client.get(url).content.decode()
    assert "Saturday deliveries" in str(deadline["SUMMARY"])
    meeting = found[f"meeting-{mine.pk}@intimacy-ops"]
    assert meeting.decoded("DTSTART") == mine.starts_at


def test_an_unknown_token_is_a_404_and_a_reset_token_stops_working(s, browse, client):
    assert client.get("/governance/calendar/not-a-token.ics").status_code == 404
    old = _feed_url(s, browse, s.dan)
    member = browse(s.dan)
    confirm = member.get("/governance/calendar/reset/")
    assert 'data-testid="reset-confirm"' in confirm.content.decode()
    unconfirmed = member.post("/governance/calendar/reset/", {})
    assert unconfirmed.status_code == 400
    assert client.get(old).status_code == 200  # nothing changed without the confirmation
    assert member.post("/governance/calendar/reset/", {"confirm": "on"}).status_code == 302
    new = f"/governance/calendar/{CalendarFeed.objects.get(user=s.dan).token}.ics"
    assert new != old
    client.logout()
    assert client.get(old).status_code == 404
    assert parse(client.get(new))


def test_a_deactivated_users_feed_stops_working(s, browse, client):
    url = _feed_url(s, browse, s.dan)
    s.dan.is_active = False
    s.dan.save(update_fields=["is_active"])
    client.logout()
    assert client.get(url).status_code == 404


def test_the_feed_takes_the_same_queries_for_3_and_50_meetings_and_reviews(s, browse, client):
    url = _feed_url(s, browse, s.dan)
    client.logout()
    counts = []
    for rows in (3, 47):
        for index in range(rows):
            meeting = Meeting.objects.create(
                board=s.board,
                title=f"Meeting {index}",
                starts_at=in_days(index + 1),
                ends_at=in_days(index + 1) + datetime.timedelta(hours=1),
                created_by=s.carol,
            )
            services.add_to_agenda(meeting=meeting, review=open_review(s, due_in=index), actor=s.carol)
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            calendar = parse(client.get(url))
        counts.append(len(queries))
    assert len(calendar.walk("VEVENT")) == 100  # 50 meetings and 50 due dates
    assert counts[0] == counts[1] and counts[1] <= 6, counts
