"""Conversation on a request (intimacy_ops/conversation), through HTTP as the pages use it: comments in the
timeline and the audit trail, @mentions told and refused, access following the request's."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from intimacy_ops.audit import AuditEvent
from intimacy_ops.conversation.models import Comment
from intimacy_ops.notifications.models import Kind, Notification
from tests.exceptions.factories import ExceptionRequestFactory, scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():
    return scenario()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def submitted(s, customer=None):
    """A request of alice's waiting for the EMEA lead (ops.oscar)."""
    return ExceptionRequestFactory(
        customer=customer or s.acme, process=s.fulfilment, status="submitted", route="lead"
    )


def url(exception, what="comments"):
    return f"/conversation/request/{exception.pk}/{what}/"


def error(response, field="body") -> str:
    found = re.findall(rf'data-testid="error-{field}"[^>]*>([^<]*)</small>', response.content.decode())
    return " ".join(found)


def test_a_comment_with_a_mention_is_in_the_timeline_the_audit_trail_and_the_mentioned_persons_inbox(
    s, browse
):
    exception = submitted(s)
    client = browse(s.alice)
    answer = client.post(url(exception), {"body": "Can you look at this before Friday, @ops.oscar?"})

    comment = Comment.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == f"/exceptions/{exception.pk}/#comment-{comment.pk}"
    assert (comment.author, list(comment.mentioned.all())) == (s.alice, [s.oscar])
    page = client.get(f"/exceptions/{exception.pk}/").content.decode()
    assert f'id="comment-{comment.pk}"' in page
    assert f">@{s.oscar.display_name}</span>" in page  # shown by full name
    event = AuditEvent.objects.get(verb="conversation.commented")
    assert (event.actor, event.object_id, event.after["mentioned"]) == (
        s.alice,
        str(exception.pk),
        ["ops.oscar"],
    )
    # Oscar is told once, as a mention (he is also a participant: the lead the request waits for).
    told = Notification.objects.get(recipient=s.oscar)
    assert (told.kind, told.link) == (Kind.MENTIONS, f"/exceptions/{exception.pk}/#comment-{comment.pk}")
    assert s.alice.display_name in told.subject
    assert f"@{s.oscar.display_name}?" in told.body and "@ops.oscar" not in told.body  # people by full name
    assert not Notification.objects.filter(recipient=s.alice).exists()  # never the author


def test_comments_and_transitions_are_in_one_timeline_in_the_order_they_happened(s, browse):
    exception = submitted(s)
    browse(s.alice).post(url(exception), {"body": "First note"})
    client = browse(s.oscar)
    client.post(
        f"/exceptions/{exception.pk}/decide/", {"action": "return_for_changes", "comment": "Add costs"}
    )
    client.post(url(exception), {"body": "Second note"})
    page = client.get(f"/exceptions/{exception.pk}/").content.decode()
    timeline = page[page.index('data-testid="timeline"') :]
    assert (
        timeline.index("First note") < timeline.index("Returned for changes") < timeline.index("Second note")
    )


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ("", "This field is required"),
        ("x" * 4001, "at most 4000 characters"),
        (
            "Look, @am.bob",
            "cannot see this exception request",
        ),  # AMER: alice's EMEA request is out of his sight
        ("Look, @nobody.here", "Nobody here is called @nobody.here"),
    ],
)
def test_a_bad_comment_is_a_field_error_on_the_request_page_and_nothing_is_saved(s, browse, body, says):
    exception = submitted(s)
    answer = browse(s.alice).post(url(exception), {"body": body})
    assert answer.status_code == 400
    assert b'data-testid="request-title"' in answer.content  # the request page, drawn again
    assert says in error(answer)
    assert not Comment.objects.exists()
    assert not Notification.objects.exists()
    assert not AuditEvent.objects.filter(verb="conversation.commented").exists()


def test_a_refused_mention_names_the_person(s, browse):
    answer = browse(s.alice).post(url(submitted(s)), {"body": "@am.bob please"})
    assert f"{s.bob.display_name} (@am.bob) cannot see" in error(answer)


def test_another_regions_request_is_a_404_for_every_conversation_route(s, browse):
    exception = submitted(s)
    browse(s.alice).post(url(exception), {"body": "Mine"})
    client = browse(s.bob)
    assert client.post(url(exception), {"body": "Hello"}).status_code == 404
    assert client.post(url(exception, "watch"), {"watch": "1"}).status_code == 404
    assert client.get(url(exception, "people"), {"q": "am"}).status_code == 404
    assert Comment.objects.count() == 1


def test_suggestions_are_people_who_can_see_the_request(s, browse):
    exception = submitted(s)
    client = browse(s.alice)
    leads = client.get(url(exception, "people"), {"q": "ops"}).content.decode()
    assert 'data-mention="ops.oscar"' in leads
    managers = client.get(url(exception, "people"), {"q": "am."}).content.decode()
    assert 'data-mention="am.alice"' in managers
    assert 'data-mention="am.bob"' not in managers and 'data-mention="am.amy"' not in managers


def test_watchers_and_participants_hear_of_new_comments_until_they_unwatch(s, browse):
    exception = submitted(s)
    browse(s.dan).post(url(exception, "watch"), {"watch": "1"})  # a board member who sees it chooses to watch
    browse(s.oscar).post(url(exception), {"body": "Looking at it"})
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert told == {"am.alice", "ccb.dan"}  # the requester by default, the watcher; not the author
    assert Notification.objects.filter(kind=Kind.REQUESTS).count() == 2

    Notification.objects.all().delete()
    browse(s.alice).post(url(exception, "watch"), {"watch": "0"})
    browse(s.dan).post(url(exception), {"body": "Me too"})
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {"ops.oscar"}
    assert AuditEvent.objects.filter(verb="conversation.unwatched", actor=s.alice).count() == 1


def test_the_watch_button_says_what_you_are_doing(s, browse):
    exception = submitted(s)
    client = browse(s.dan)
    assert (
        b'data-testid="watch-button" aria-pressed="false">Watch<'
        in client.get(f"/exceptions/{exception.pk}/").content
    )
    client.post(url(exception, "watch"), {"watch": "1"})
    assert b'aria-pressed="true">Unwatch<' in client.get(f"/exceptions/{exception.pk}/").content


def test_the_request_page_takes_the_same_queries_with_3_or_30_comments(
    s, browse, django_assert_max_num_queries
):
    exception = submitted(s)
    client = browse(s.alice)

    def add(count):
        for index in range(count):
            client.post(url(exception), {"body": f"Note {index} for @ops.oscar"})

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            client.get(f"/exceptions/{exception.pk}/")
        return len(captured.captured_queries)

    add(3)
    client.get(f"/exceptions/{exception.pk}/")  # warm caches (content types, sessions)
    with_three = queries()
    add(27)
    with django_assert_max_num_queries(with_three):
        page = client.get(f"/exceptions/{exception.pk}/")
    assert page.content.decode().count('data-testid="timeline-comment"') == 30
