"""Attachments (type and size limits, the virus-scan hook, stored with Django's storage API and downloaded only
through the access-checked view) and the conversation on a board review."""

import datetime
import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from governance.models import Review
from intimacy_ops.conversation.models import Attachment, Comment
from intimacy_ops.notifications.models import Notification
from tests.conversation.test_comments import error, submitted, url
from tests.exceptions.factories import ExceptionRequestFactory, scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():
    return scenario()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def upload(name="minutes.txt", content=b"Agreed with the customer on Tuesday.\n", kind="text/plain"):
    return SimpleUploadedFile(name, content, content_type=kind)


def stored_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()]


def refuse_the_test_virus(uploaded) -> str | None:
    """A virus-scan hook for the tests: refuses the EICAR marker."""
    return "EICAR test signature found." if b"EICAR" in uploaded.read() else None


def test_a_file_uploaded_with_a_comment_is_downloaded_only_by_people_who_see_the_request(s, browse, media):
    exception = submitted(s)
    answer = browse(s.alice).post(url(exception), {"body": "The signed minutes", "attachments": [upload()]})
    assert answer.status_code == 302
    attachment = Attachment.objects.get()
    assert (attachment.name, attachment.size_bytes) == ("minutes.txt", 37)
    assert default_storage.exists(attachment.file.name)  # through the storage API, under a random name
    assert "minutes" not in attachment.file.name

    page = browse(s.oscar).get(f"/exceptions/{exception.pk}/").content.decode()
    assert f'href="/conversation/files/{attachment.pk}/"' in page
    download = browse(s.oscar).get(f"/conversation/files/{attachment.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"Agreed with the customer on Tuesday.\n"
    assert download["Content-Disposition"].startswith("attachment;")
    assert 'filename="minutes.txt"' in download["Content-Disposition"]

    assert browse(s.bob).get(f"/conversation/files/{attachment.pk}/").status_code == 404  # AMER
    assert browse(s.oscar).get(f"/conversation/files/{attachment.pk + 1}/").status_code == 404
    assert browse(s.oscar).get(f"/media/{attachment.file.name}").status_code == 404  # no public media URL


@pytest.mark.parametrize(
    ("file", "limit", "says"),
    [
        (lambda: upload("payload.exe", b"MZ", "application/octet-stream"), None, "not accepted"),
        (lambda: upload("big.txt", b"x" * 11), 10, "the largest accepted is 10 bytes"),
        (lambda: upload("eicar.txt", b"X5O!P%@AP EICAR test"), None, "refused by the virus scan: EICAR"),
    ],
)
def test_a_refused_file_is_a_form_error_and_nothing_is_saved(s, browse, settings, media, file, limit, says):
    settings.CONVERSATION_VIRUS_SCAN = f"{__name__}.refuse_the_test_virus"
    if limit:
        settings.CONVERSATION_ATTACHMENT_MAX_BYTES = limit
    answer = browse(s.alice).post(url(submitted(s)), {"body": "See attached", "attachments": [file()]})
    assert answer.status_code == 400
    assert says in error(answer, "attachments")
    assert not Comment.objects.exists() and not Attachment.objects.exists()
    assert stored_files(media) == []


def test_without_a_virus_scan_setting_files_are_not_scanned(s, browse):
    answer = browse(s.alice).post(
        url(submitted(s)), {"body": "x", "attachments": [upload("eicar.txt", b"EICAR")]}
    )
    assert answer.status_code == 302


def _review(s) -> Review:
    exception = ExceptionRequestFactory(
        customer=s.acme, process=s.fulfilment, status="under_review", route="board"
    )
    return Review.objects.create(
        exception=exception,
        board=s.board,
        due_on=timezone.localdate() + datetime.timedelta(days=5),
        opened_at=timezone.now() - datetime.timedelta(hours=1),
    )


def test_a_comment_on_a_review_is_in_its_timeline_and_the_board_and_requester_hear_of_it(s, browse):
    review = _review(s)
    client = browse(s.dan)
    answer = client.post(f"/conversation/review/{review.pk}/comments/", {"body": "@ccb.erin what about Q3?"})
    comment = Comment.objects.get()
    assert answer["Location"] == f"/governance/reviews/{review.pk}/#comment-{comment.pk}"
    page = client.get(f"/governance/reviews/{review.pk}/").content.decode()
    timeline = page[page.index('data-testid="conversation-timeline"') :]
    assert timeline.index("Opened") < timeline.index(f'id="comment-{comment.pk}"')
    told = dict(Notification.objects.values_list("recipient__username", "kind"))
    assert told == {"ccb.erin": "mentions", "ccb.carol": "reviews", "am.alice": "reviews"}


def test_a_review_out_of_sight_is_a_404_and_a_mention_of_someone_who_cannot_see_it_is_refused(s, browse):
    review = _review(s)
    assert (
        browse(s.bob).post(f"/conversation/review/{review.pk}/comments/", {"body": "Hi"}).status_code == 404
    )
    answer = browse(s.dan).post(f"/conversation/review/{review.pk}/comments/", {"body": "@am.amy FYI"})
    assert answer.status_code == 400
    assert re.search(r"\(@am\.amy\) cannot see this review", error(answer))
    assert b'data-testid="review-title"' in answer.content
    assert not Comment.objects.exists()


def test_the_review_page_takes_the_same_queries_with_3_or_30_comments(
    s, browse, django_assert_max_num_queries
):
    review = _review(s)
    client = browse(s.dan)

    def add(count):
        for index in range(count):
            client.post(
                f"/conversation/review/{review.pk}/comments/",
                {"body": f"Note {index} for @ccb.erin", "attachments": [upload(f"n{index}.txt")]},
            )

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            client.get(f"/governance/reviews/{review.pk}/")
        return len(captured.captured_queries)

    add(3)
    client.get(f"/governance/reviews/{review.pk}/")
    with_three = queries()
    add(27)
    with django_assert_max_num_queries(with_three):
        page = client.get(f"/governance/reviews/{review.pk}/")
    assert page.content.decode().count('data-testid="attachment"') == 30
