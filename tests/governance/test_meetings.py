"""Board meetings: the chair schedules, moves and cancels them (members are told), builds the agenda from the
board's open reviews, records attendance and minutes; members, chair and auditors see them, nobody else."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from governance.models import Board, CoOptedMember, Meeting, Review
from governance.services import meetings as services
from intimacy_ops import errors
from intimacy_ops.audit import AuditEvent
from intimacy_ops.notifications.models import Notification
from tests.exceptions.factories import ExceptionRequestFactory, scenario
from tests.factories import user_with

pytestmark = pytest.mark.django_db

LIST = "/governance/meetings/"


@pytest.fixture
def s():
    return scenario()


def text(response) -> str:
    body = re.sub(r"<script.*?</script>|<style.*?</style>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).replace("\u00a0", " ")


def open_review(s, *, board=None, due_in: int = 5, title: str | None = None, customer=None) -> Review:
    """An open board review of a request under review (written straight to the tables, like a routed one)."""
    exception = ExceptionRequestFactory(
        customer=customer or s.acme,
        process=s.fulfilment,
        status="under_review",
        route="board",
        **({"title": title} if title else {}),
    )
    return Review.objects.create(
        exception=exception,
        board=board or s.board,
        due_on=timezone.localdate() + datetime.timedelta(days=due_in),
        opened_at=timezone.now(),
    )


def in_days(days: float, hour: int = 14) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def schedule(
    s, *, board=None, days: float = 7, title: str = "Monthly review", actor=None, **extra
) -> Meeting:
    board = board or s.board
    return services.schedule_meeting(
        board=board,
        actor=actor or board.chair,
        title=title,
        starts_at=in_days(days),
        ends_at=in_days(days) + datetime.timedelta(hours=1),
        **extra,
    )


def held(s, **kwargs) -> Meeting:
    """A meeting scheduled three days ago for yesterday: it has taken place."""
    with time_machine.travel(timezone.now() - datetime.timedelta(days=3), tick=False):
        meeting = schedule(s, days=2, **kwargs)
    return meeting


def other_board(s) -> Board:
    zoe = user_with("board chair", regions=["EMEA"], username="ccb.zoe")
    board = Board.objects.create(name="Billing board", chair=zoe, categories=["billing"])
    board.members.set([zoe])
    return board


# --- scheduling ------------------------------------------------------------------------------------


def test_chair_schedules_a_meeting_and_the_members_are_told(s):
    meeting = schedule(s, location="Room Lisbon")
    assert meeting.board == s.board and meeting.created_by == s.carol
    told = Notification.objects.filter(link=f"/governance/meetings/{meeting.pk}/")
    assert sorted(told.values_list("recipient__username", flat=True)) == ["ccb.dan", "ccb.erin"]
    assert "Room Lisbon" in told.first().body
    assert AuditEvent.objects.filter(verb="meeting.scheduled", object_id=str(meeting.pk)).exists()


def test_a_member_who_is_not_chair_cannot_schedule(s, browse):
    with pytest.raises(errors.PermissionDenied):
        schedule(s, actor=s.dan)
    response = browse(s.dan).post(
        "/governance/meetings/new/",
        {"board": s.board.pk, "title": "X", "starts_at": "2030-01-01T10:00", "ends_at": "2030-01-01T11:00"},
    )
    assert response.status_code == 403
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    "start, end, title, field",
    [
        (in_days(3, 11), in_days(3, 10), "Review", "ends_at"),
        (in_days(3, 11), in_days(3, 11), "Review", "ends_at"),
        (in_days(-1), in_days(-1, 15), "Review", "starts_at"),
        (in_days(3), in_days(3, 15), "   ", "title"),
        (None, in_days(3, 15), "Review", "starts_at"),
    ],
)
def test_a_meeting_needs_a_title_a_future_start_and_an_end_after_it(s, start, end, title, field):
    with pytest.raises(errors.ValidationFailed) as refused:
        services.schedule_meeting(board=s.board, actor=s.carol, title=title, starts_at=start, ends_at=end)
    assert field in refused.value.fields
    assert not Meeting.objects.exists()


def test_schedule_page_shows_errors_beside_the_fields_and_keeps_nothing(s, browse):
    client = browse(s.carol)
    page = client.get(LIST)
    assert 'data-testid="schedule-meeting"' in page.content.decode()
    start = in_days(3).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        "/governance/meetings/new/", {"board": s.board.pk, "title": "", "starts_at": start, "ends_at": start}
    )
    assert response.status_code == 400
    body = text(response)
    assert "Give the meeting a title." in body and "The meeting must end after it starts." in body
    assert not Meeting.objects.exists()
    end = (in_days(3) + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        "/governance/meetings/new/",
        {
            "board": s.board.pk,
            "title": "December board",
            "starts_at": start,
            "ends_at": end,
            "location": "Lyon",
        },
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/governance/meetings/{meeting.pk}/"
    assert meeting.ends_at - meeting.starts_at == datetime.timedelta(hours=2)


def test_members_do_not_get_the_schedule_button(s, browse):
    assert 'data-testid="schedule-meeting"' not in browse(s.dan).get(LIST).content.decode()


def test_moving_a_meeting_tells_the_members_renaming_it_does_not(s):
    meeting = schedule(s)
    Notification.objects.all().delete()
    services.update_meeting(meeting=meeting, actor=s.carol, title="Monthly review (December)")
    assert not Notification.objects.exists()
    services.update_meeting(
        meeting=meeting, actor=s.carol, starts_at=in_days(8), ends_at=in_days(8) + datetime.timedelta(hours=1)
    )
    moved = Notification.objects.filter(subject__startswith="Moved")
    assert sorted(moved.values_list("recipient__username", flat=True)) == ["ccb.dan", "ccb.erin"]
    meeting.refresh_from_db()
    assert meeting.starts_at == in_days(8) and meeting.title == "Monthly review (December)"
    with pytest.raises(errors.PermissionDenied):
        services.update_meeting(meeting=meeting, actor=s.dan, title="Mine")
    with pytest.raises(errors.ValidationFailed) as refused:
        services.update_meeting(meeting=meeting, actor=s.carol, ends_at=in_days(7))
    assert "ends_at" in refused.value.fields


def test_cancelling_asks_for_confirmation_and_tells_the_members(s, browse):
    meeting = schedule(s)
    Notification.objects.all().delete()
    client = browse(s.carol)
    url = f"/governance/meetings/{meeting.pk}/cancel/"
    assert 'data-testid="cancel-confirm"' in client.get(url).content.decode()
    unconfirmed = client.post(url, {"reason": "Quorum unlikely"})
    assert unconfirmed.status_code == 400 and "Tick the box" in text(unconfirmed)
    meeting.refresh_from_db()
    assert meeting.cancelled_at is None and not Notification.objects.exists()
    assert client.post(url, {"reason": "Quorum unlikely", "confirm": "on"}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.cancelled_at is not None
    told = Notification.objects.filter(subject__startswith="Cancelled")
    assert sorted(told.values_list("recipient__username", flat=True)) == ["ccb.dan", "ccb.erin"]
    assert "Quorum unlikely" in told.first().body
    assert "Cancelled" in text(client.get(f"/governance/meetings/{meeting.pk}/"))
    # A cancelled meeting is not cancelled twice, nor changed.
    assert client.post(url, {"confirm": "on"}).status_code == 409
    with pytest.raises(errors.TransitionNotAllowed):
        services.update_meeting(meeting=meeting, actor=s.carol, title="Back on")


def test_only_the_chair_may_cancel(s, browse):
    meeting = schedule(s)
    assert (
        browse(s.dan).post(f"/governance/meetings/{meeting.pk}/cancel/", {"confirm": "on"}).status_code == 403
    )
    meeting.refresh_from_db()
    assert meeting.cancelled_at is None


# --- the agenda ------------------------------------------------------------------------------------


def test_the_chair_builds_the_agenda_from_open_reviews_due_soonest_first(s, browse):
    later = open_review(s, due_in=9, title="Pallets in blue")
    sooner = open_review(s, due_in=2, title="Saturday deliveries")
    meeting = schedule(s)
    client = browse(s.carol)
    page = client.get(f"/governance/meetings/{meeting.pk}/")
    choices = page.context["add_form"].fields["review"].queryset
    assert list(choices) == [sooner, later]
    assert client.post(f"/governance/meetings/{meeting.pk}/agenda/", {"review": later.pk}).status_code == 302
    assert client.post(f"/governance/meetings/{meeting.pk}/agenda/", {"review": sooner.pk}).status_code == 302
    assert [item.review for item in meeting.items.all()] == [later, sooner]
    page = client.get(f"/governance/meetings/{meeting.pk}/")
    assert 'data-testid="nothing-to-add"' in page.content.decode()
    # Move the sooner one up, then take the later one off.
    client.post(f"/governance/meetings/{meeting.pk}/agenda/{sooner.pk}/move/", {"direction": "up"})
    assert [item.review for item in meeting.items.all()] == [sooner, later]
    client.post(f"/governance/meetings/{meeting.pk}/agenda/{later.pk}/remove/")
    assert [item.review for item in meeting.items.all()] == [sooner]
    later.refresh_from_db()
    assert later.status == "open"
    assert AuditEvent.objects.filter(verb="meeting.agenda_changed", object_id=str(meeting.pk)).count() == 4


def test_a_review_goes_on_an_agenda_at_most_once(s):
    review = open_review(s)
    meeting = schedule(s)
    services.add_to_agenda(meeting=meeting, review=review, actor=s.carol)
    with pytest.raises(errors.Conflict):
        services.add_to_agenda(meeting=meeting, review=review, actor=s.carol)
    assert meeting.items.count() == 1


@pytest.mark.parametrize("status", ["decided", "withdrawn"])
def test_a_closed_review_cannot_go_on_the_agenda_409(s, browse, status):
    review = open_review(s)
    Review.objects.filter(pk=review.pk).update(
        status=status, outcome="approve" if status == "decided" else ""
    )
    meeting = schedule(s)
    response = browse(s.carol).post(f"/governance/meetings/{meeting.pk}/agenda/", {"review": review.pk})
    assert response.status_code == 409
    assert not meeting.items.exists()


def test_a_review_of_another_board_is_refused(s, browse):
    elsewhere = open_review(s, board=other_board(s))
    meeting = schedule(s)
    with pytest.raises(errors.ValidationFailed) as refused:
        services.add_to_agenda(meeting=meeting, review=elsewhere, actor=s.carol)
    assert "review" in refused.value.fields
    response = browse(s.carol).post(f"/governance/meetings/{meeting.pk}/agenda/", {"review": elsewhere.pk})
    assert response.status_code == 400 and "Choose one of the open reviews." in text(response)
    assert not meeting.items.exists()


def test_only_the_chair_sets_the_agenda(s, browse):
    review = open_review(s)
    meeting = schedule(s)
    client = browse(s.dan)
    assert client.post(f"/governance/meetings/{meeting.pk}/agenda/", {"review": review.pk}).status_code == 403
    services.add_to_agenda(meeting=meeting, review=review, actor=s.carol)
    assert client.post(f"/governance/meetings/{meeting.pk}/agenda/{review.pk}/remove/").status_code == 403
    assert meeting.items.count() == 1
    assert (
        'data-testid="agenda-add"' not in client.get(f"/governance/meetings/{meeting.pk}/").content.decode()
    )


def test_reordering_names_every_item_once(s):
    first, second = open_review(s), open_review(s)
    meeting = schedule(s)
    for review in (first, second):
        services.add_to_agenda(meeting=meeting, review=review, actor=s.carol)
    with pytest.raises(errors.ValidationFailed) as refused:
        services.reorder_agenda(meeting=meeting, actor=s.carol, review_ids=[second.pk])
    assert "review_ids" in refused.value.fields
    services.reorder_agenda(meeting=meeting, actor=s.carol, review_ids=[second.pk, first.pk])
    assert [item.review for item in meeting.items.all()] == [second, first]


def test_the_agenda_of_a_held_meeting_is_closed(s):
    meeting = held(s)
    with pytest.raises(errors.Conflict):
        services.add_to_agenda(meeting=meeting, review=open_review(s), actor=s.carol)


# --- attendance and minutes --------------------------------------------------------------------------


def test_attendance_is_recorded_once_the_meeting_has_started(s):
    upcoming = schedule(s)
    with pytest.raises(errors.Conflict):
        services.record_attendance(meeting=upcoming, actor=s.carol, attendees=[s.dan])
    meeting = held(s)
    services.record_attendance(meeting=meeting, actor=s.carol, attendees=[s.dan, s.carol])
    assert set(meeting.attendees.values_list("username", flat=True)) == {"ccb.dan", "ccb.carol"}
    assert AuditEvent.objects.filter(verb="meeting.attendance_recorded").count() == 1


def test_only_members_chair_and_co_opted_members_attend(s, browse):
    review = open_review(s)
    substitute = user_with("board member", regions=["EMEA"], username="ccb.frank")
    CoOptedMember.objects.create(
        review=review,
        member=substitute,
        co_opted_by=s.carol,
        reason="Erin recused",
        co_opted_at=timezone.now(),
    )
    with time_machine.travel(timezone.now() - datetime.timedelta(days=3), tick=False):
        meeting = schedule(s, days=2)
        services.add_to_agenda(meeting=meeting, review=review, actor=s.carol)
    with pytest.raises(errors.ValidationFailed) as refused:
        services.record_attendance(meeting=meeting, actor=s.carol, attendees=[s.dan, s.alice])
    assert "attendees" in refused.value.fields
    assert not meeting.attendees.exists()
    services.record_attendance(meeting=meeting, actor=s.carol, attendees=[s.dan, substitute])
    assert set(meeting.attendees.values_list("username", flat=True)) == {"ccb.dan", "ccb.frank"}
    # The page offers exactly the eligible people, and refuses anyone else.
    client = browse(s.carol)
    page = client.get(f"/governance/meetings/{meeting.pk}/")
    offered = {label for _, label in page.context["attendance_form"].fields["attendees"].choices}
    assert len(offered) == 4  # carol, dan, erin, frank
    response = client.post(f"/governance/meetings/{meeting.pk}/attendance/", {"attendees": [s.alice.pk]})
    assert response.status_code == 400
    assert (
        client.post(f"/governance/meetings/{meeting.pk}/attendance/", {"attendees": [s.erin.pk]}).status_code
        == 302
    )
    assert list(meeting.attendees.values_list("username", flat=True)) == ["ccb.erin"]
    assert (
        browse(s.dan).post(f"/governance/meetings/{meeting.pk}/attendance/", {"attendees": []}).status_code
        == 403
    )


def test_the_chair_records_the_minutes(s, browse):
    meeting = held(s)
    client = browse(s.carol)
    blank = client.post(f"/governance/meetings/{meeting.pk}/minutes/", {"minutes": "  "})
    assert blank.status_code == 400 and "Write the minutes" in text(blank)
    assert (
        browse(s.dan).post(f"/governance/meetings/{meeting.pk}/minutes/", {"minutes": "Mine"}).status_code
        == 403
    )
    client = browse(s.carol)
    assert (
        client.post(f"/governance/meetings/{meeting.pk}/minutes/", {"minutes": "Quorum reached."}).status_code
        == 302
    )
    meeting.refresh_from_db()
    assert meeting.minutes == "Quorum reached."
    assert "Quorum reached." in text(browse(s.erin).get(f"/governance/meetings/{meeting.pk}/"))
    with pytest.raises(errors.Conflict):
        services.record_minutes(meeting=schedule(s), actor=s.carol, minutes="Too early")


def test_the_meeting_page_lists_the_decisions_taken_in_it(s, browse):
    review = open_review(s, title="Saturday deliveries")
    meeting = held(s)
    Review.objects.filter(pk=review.pk).update(status="decided", outcome="approve", meeting=meeting)
    page = browse(s.dan).get(f"/governance/meetings/{meeting.pk}/")
    decisions = page.content.decode().split('data-testid="decisions"')[1].split("</article>")[0]
    assert "Saturday deliveries" in decisions and "Approve" in decisions


# --- who sees meetings -----------------------------------------------------------------------------


def test_members_chair_and_auditors_see_a_meeting_others_get_404(s, browse, client):
    meeting = schedule(s)
    for person in (s.carol, s.dan, s.ada):
        assert browse(person).get(f"/governance/meetings/{meeting.pk}/").status_code == 200, person
    for person in (s.alice, s.oscar, other_board(s).chair):
        assert browse(person).get(f"/governance/meetings/{meeting.pk}/").status_code == 404, person
    client.logout()
    assert client.get(f"/governance/meetings/{meeting.pk}/").status_code == 302


def test_the_list_shows_my_boards_meetings_upcoming_and_held(s, browse):
    coming = schedule(s, title="Coming up")
    past = held(s, title="Already held")
    schedule(s, board=other_board(s), title="Not mine")
    page = browse(s.dan).get(LIST)
    assert [m.pk for m in page.context["upcoming"].object_list] == [coming.pk]
    assert [m.pk for m in page.context["past"].object_list] == [past.pk]
    assert "Not mine" not in text(page)
    empty = browse(s.alice).get(LIST)
    assert 'data-testid="empty-upcoming"' in empty.content.decode()


def _queries(client, url: str, bound: int = 15) -> int:
    """The queries of one page view (after a first one warmed the session), within the same bound for any rows."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert len(queries) <= bound, [query["sql"] for query in queries.captured_queries]
    return len(queries)


def test_the_list_page_takes_the_same_queries_for_3_and_50_meetings(s, browse):
    client = browse(s.dan)
    counts = []
    for rows in (3, 47):
        for index in range(rows):
            Meeting.objects.create(
                board=s.board,
                title=f"Meeting {index}",
                starts_at=in_days(index + 1 if index % 2 else -index - 1),
                ends_at=in_days(index + 1 if index % 2 else -index - 1) + datetime.timedelta(hours=1),
                created_by=s.carol,
            )
        counts.append(_queries(client, LIST))
    assert counts[0] == counts[1], counts


def test_the_meeting_page_takes_the_same_queries_for_3_and_50_agenda_items(s, browse):
    meeting = schedule(s)
    client = browse(s.carol)
    counts = []
    for rows in (3, 47):
        for index in range(rows):
            services.add_to_agenda(meeting=meeting, review=open_review(s, due_in=index), actor=s.carol)
            open_review(s)  # and one more to choose from
        counts.append(_queries(client, f"/governance/meetings/{meeting.pk}/"))
    assert counts[0] == counts[1], counts


# --- the API ---------------------------------------------------------------------------------------


def test_api_lists_the_meetings_of_my_boards_with_agenda(s, signed_in_api):
    review = open_review(s, title="Saturday deliveries")
    meeting = schedule(s)
    services.add_to_agenda(meeting=meeting, review=review, actor=s.carol)
    schedule(s, board=other_board(s), title="Not mine")
    body = signed_in_api(s.dan).get("/api/v1/meetings/").json()
    rows = body["results"] if isinstance(body, dict) else body
    assert [row["id"] for row in rows] == [meeting.pk]
    assert rows[0]["agenda"][0]["title"] == "Saturday deliveries"
    assert rows[0]["status"] == "scheduled"
    assert rows[0]["ics_url"].endswith(f"/governance/meetings/{meeting.pk}.ics")
    alice = signed_in_api(s.alice)
    assert alice.get(f"/api/v1/meetings/{meeting.pk}/").status_code == 404
    ada_rows = signed_in_api(s.ada).get("/api/v1/meetings/").json()
    assert len(ada_rows["results"] if isinstance(ada_rows, dict) else ada_rows) == 2


def test_api_list_takes_the_same_queries_for_3_and_50_meetings(s, signed_in_api):
    client = signed_in_api(s.dan)
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
            services.add_to_agenda(meeting=meeting, review=open_review(s), actor=s.carol)
        client.get("/api/v1/meetings/?page_size=100")
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/v1/meetings/?page_size=100").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


# --- demo ------------------------------------------------------------------------------------------


def test_demo_meetings_are_seeded_once(s):
    from governance.demo.board import BOARD_NAME
    from governance.demo.meetings import PAST_TITLE, UPCOMING_TITLE, seed_meetings

    Board.objects.filter(pk=s.board.pk).update(name=BOARD_NAME)
    reviews = [open_review(s, due_in=3), open_review(s, due_in=1)]
    seed_meetings()
    seed_meetings()
    upcoming = Meeting.objects.get(title=UPCOMING_TITLE)
    past = Meeting.objects.get(title=PAST_TITLE)
    assert upcoming.starts_at > timezone.now() and past.ends_at < timezone.now()
    assert [item.review for item in upcoming.items.all()] == [reviews[1], reviews[0]]
    assert set(past.attendees.values_list("username", flat=True)) == {"ccb.carol", "ccb.dan", "ccb.erin"}
    assert past.minutes
    assert Meeting.objects.count() == 2


def test_a_held_meeting_offers_no_change_or_cancel_form(s, browse):
    meeting = held(s)
    client = browse(s.carol)
    assert client.get(f"/governance/meetings/{meeting.pk}/edit/").status_code == 409
    assert client.get(f"/governance/meetings/{meeting.pk}/cancel/").status_code == 409
    page = client.get(f"/governance/meetings/{meeting.pk}/").content.decode()
    assert 'data-testid="cancel-meeting"' not in page and 'data-testid="minutes-form"' in page


def test_the_meeting_in_session_is_the_one_with_the_review_on_its_agenda(s):
    from governance.selectors.meetings import meeting_in_session

    review = open_review(s)
    assert meeting_in_session(review) is None
    upcoming = schedule(s)
    services.add_to_agenda(meeting=upcoming, review=review, actor=s.carol)
    assert meeting_in_session(review) is None  # not started yet
    with time_machine.travel(timezone.now() - datetime.timedelta(hours=2), tick=False):
        now = timezone.now()
        today = services.schedule_meeting(
            board=s.board,
            actor=s.carol,
            title="Today",
            starts_at=now + datetime.timedelta(minutes=30),
            ends_at=now + datetime.timedelta(hours=3),
        )
        services.add_to_agenda(meeting=today, review=review, actor=s.carol)
    assert meeting_in_session(review) == today


def test_board_members_see_their_next_meetings_on_their_home_page(s, browse):
    schedule(s, title="Next monthly review")
    schedule(s, board=other_board(s), title="Not mine")
    page = browse(s.dan).get("/home/board-member/")
    card = page.content.decode().split('data-testid="next-meetings-card"')[1].split("</div>")[0]
    assert "Next monthly review" in card and "Not mine" not in card


def test_a_decision_taken_while_the_meeting_is_in_session_belongs_to_it(s, browse):
    """The chair decides from the review page during the meeting: the meeting's page lists the decision."""
    from governance.services import casting, decide_review

    review = open_review(s, title="Saturday deliveries")
    started = timezone.now() - datetime.timedelta(minutes=20)
    with time_machine.travel(started - datetime.timedelta(days=1), tick=False):
        meeting = schedule(s, days=1)
        services.add_to_agenda(meeting=meeting, review=review, actor=s.carol)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=started, ends_at=started + datetime.timedelta(hours=1)
    )
    for member in (s.dan, s.erin):
        casting.cast_vote(review=review, member=member, choice="approve", rationale="Contained.")
    decide_review(review=review, actor=s.carol, outcome="approve", rationale="Both members approve.")
    review.refresh_from_db()
    assert review.meeting == meeting
    page = browse(s.dan).get(f"/governance/meetings/{meeting.pk}/")
    assert "Saturday deliveries" in page.content.decode().split('data-testid="decisions"')[1]


def test_a_decision_outside_any_meeting_belongs_to_none(s):
    from governance.services import casting, decide_review

    review = open_review(s)
    schedule(s, days=3)  # upcoming, not in session
    for member in (s.dan, s.erin):
        casting.cast_vote(review=review, member=member, choice="approve", rationale="Contained.")
    decide_review(review=review, actor=s.carol, outcome="approve", rationale="Both members approve.")
    review.refresh_from_db()
    assert review.meeting is None
