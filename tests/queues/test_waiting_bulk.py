"""Issue 18, "Queues": a lead decides several requests waiting for them at once — tick, choose, confirm, then one
result naming each refusal. Each request goes through the same service as from its own page (the rule, the 409,
the audit event), and one refusal never undoes the others."""

import pytest
from django.contrib.messages import get_messages

from exceptions.models import ExceptionRequest, ExceptionTransition
from exceptions.services import lifecycle
from intimacy_ops.audit import AuditEvent
from tests.exceptions.factories import ExceptionRequestFactory, scenario

pytestmark = pytest.mark.django_db
Status = ExceptionRequest.Status
URL = "/exceptions/waiting/bulk/"


def waiting(s, n: int, **fields) -> list[ExceptionRequest]:
    """`n` lead-routed requests of Acme (EMEA) waiting for oscar, written straight as submitted."""
    return ExceptionRequestFactory.create_batch(
        n, customer=s.acme, process=s.fulfilment, status=Status.SUBMITTED, route="lead", **fields
    )


def flash(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_bulk_decision_asks_first_then_decides_each_and_names_the_refused(browse):
    s = scenario()
    rows = waiting(s, 3)
    decided = ExceptionRequestFactory(customer=s.acme, process=s.fulfilment, title="Late one")
    lifecycle.submit_request(exception=decided, actor=s.alice)
    client = browse(s.oscar)
    ids = [r.pk for r in rows] + [decided.pk]
    lifecycle.decide_request(exception=decided, actor=s.oscar, action="approve")  # a colleague was quicker

    asked = client.post(URL, {"ids": ids, "action": "approve", "comment": "Fine for the season."})
    assert asked.status_code == 200
    page = asked.content.decode()
    assert page.count('data-testid="bulk-item"') == 4
    assert "will be <strong>approved</strong>" in page and "no longer waiting" in page
    assert set(
        ExceptionRequest.objects.filter(pk__in=[r.pk for r in rows]).values_list("status", flat=True)
    ) == {Status.SUBMITTED}  # nothing decided before the confirmation

    done = client.post(
        URL, {"ids": ids, "action": "approve", "comment": "Fine for the season.", "confirmed": "true"}
    )
    assert done.status_code == 302 and done["Location"] == "/exceptions/waiting/"
    [message] = flash(done)
    assert message.startswith(
        f"3 approved ({', '.join(r.title for r in rows)}), 1 refused — Late one: "
        "Cannot approve while the status is 'approved'"
    )
    for row in rows:
        row.refresh_from_db()
        assert row.status == Status.APPROVED
        last = ExceptionTransition.objects.filter(exception=row).latest("id")
        assert (last.to_status, last.comment, last.actor) == (
            Status.APPROVED,
            "Fine for the season.",
            s.oscar,
        )
    assert (
        AuditEvent.objects.filter(verb="exception.approve", object_id__in=[str(r.pk) for r in rows]).count()
        == 3
    )


def test_return_needs_one_comment_a_form_error_on_the_page_and_nothing_changes(browse):
    s = scenario()
    rows = waiting(s, 2)
    response = browse(s.oscar).post(
        URL + "?risk=low", {"ids": [r.pk for r in rows], "action": "return_for_changes", "confirmed": "true"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="bulk-comment-error"' in html and "Say why" in html
    assert html.count(' checked aria-label="Select ') == 2  # the ticks are kept
    assert set(ExceptionRequest.objects.values_list("status", flat=True)) == {Status.SUBMITTED}


def test_nothing_ticked_is_a_form_error_on_the_page(browse):
    s = scenario()
    waiting(s, 1)
    response = browse(s.oscar).post(URL, {"action": "approve"})
    assert response.status_code == 400
    assert "Tick at least one row." in response.content.decode()


@pytest.mark.parametrize("ids", [["abc"], ["-1"], ["99999999999"]])
def test_a_selection_that_is_no_id_is_a_form_error(browse, ids):
    s = scenario()
    response = browse(s.oscar).post(URL, {"ids": ids, "action": "approve"})
    assert response.status_code == 400
    assert "A selected row is not one of this list" in response.content.decode()


def test_a_request_out_of_the_leads_regions_is_refused_and_untouched(browse):
    s = scenario()
    [mine] = waiting(s, 1)
    amer = ExceptionRequestFactory(
        customer=s.zenith, process=s.fulfilment, status=Status.SUBMITTED, route="lead"
    )
    client = browse(s.oscar)
    done = client.post(URL, {"ids": [mine.pk, amer.pk], "action": "approve", "confirmed": "true"})
    [message] = flash(done)
    assert message == f"1 approved ({mine.title}), 1 refused — #{amer.pk}: not found among what you may see."
    amer.refresh_from_db()
    assert amer.status == Status.SUBMITTED


def test_a_board_routed_request_is_refused_by_its_own_rule(browse):
    s = scenario()
    [mine] = waiting(s, 1)
    board = ExceptionRequestFactory(
        customer=s.acme, process=s.fulfilment, status=Status.UNDER_REVIEW, route="board", title="Big one"
    )
    done = browse(s.oscar).post(URL, {"ids": [mine.pk, board.pk], "action": "approve", "confirmed": "true"})
    [message] = flash(done)
    assert message.startswith(f"1 approved ({mine.title}), 1 refused — Big one: ")
    board.refresh_from_db()
    assert board.status == Status.UNDER_REVIEW


def test_only_a_lead_decides_in_bulk(browse):
    s = scenario()
    [row] = waiting(s, 1)
    response = browse(s.alice).post(URL, {"ids": [row.pk], "action": "approve", "confirmed": "true"})
    assert response.status_code == 403
    row.refresh_from_db()
    assert row.status == Status.SUBMITTED


def test_two_hundred_requests_in_one_bulk_action(browse):
    """Correctness at 200 (the wall time is bench/bulk.py's, not a test's)."""
    s = scenario()
    rows = waiting(s, 200)
    done = browse(s.oscar).post(
        URL, {"ids": [r.pk for r in rows], "action": "approve", "comment": "Season", "confirmed": "true"}
    )
    assert done.status_code == 302
    assert flash(done) == ["200 approved."]
    assert ExceptionRequest.objects.filter(status=Status.APPROVED).count() == 200
    ids = [str(r.pk) for r in rows]
    assert AuditEvent.objects.filter(verb="exception.approve", object_id__in=ids).count() == 200
    assert AuditEvent.objects.filter(verb="exception.route", object_id__in=ids).count() == 200  # taken up
