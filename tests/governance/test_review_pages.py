"""The governance pages with the Django client: the member's queue, a review page (htmx votes, recusals, the
chair's decision card), the owner's impact form, a board's decision history, the navigation and the home card."""

import datetime

import pytest
from django.utils import timezone

from exceptions.models import ExceptionRequest
from exceptions.services import lifecycle
from governance import services
from governance.models import Review, Vote
from tests.exceptions.factories import ExceptionRequestFactory, scenario
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():
    return scenario()


def _signed_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _open_review(s, title="Saturday deliveries"):
    exception = ExceptionRequestFactory(
        customer=s.acme, process=s.fulfilment, estimated_monthly_cost=9000, title=title
    )
    lifecycle.submit_request(exception=exception, actor=exception.requested_by)
    return Review.objects.get(exception=exception)


def test_the_queue_lists_reviews_waiting_for_my_vote_soonest_first_overdue_marked(s, client):
    later = _open_review(s, "Later one")
    overdue = _open_review(s, "Overdue one")
    Review.objects.filter(pk=overdue.pk).update(due_on=timezone.localdate() - datetime.timedelta(days=2))
    voted = _open_review(s, "Voted one")
    services.cast_vote(review=voted, member=s.dan, choice="approve", rationale="Fine.")
    html = _signed_in(client, s.dan).get("/governance/").content.decode()
    waiting = html.split('data-testid="waiting-table"')[1].split("</table>")[0]
    assert waiting.index("Overdue one") < waiting.index("Later one")
    assert "Voted one" not in waiting
    assert 'data-overdue="true"' in waiting and "overdue" in waiting
    others = html.split('data-testid="other-table"')[1]
    assert "Voted one" in others
    assert later.pk


def test_the_queue_says_so_when_nothing_waits(s, client):
    html = _signed_in(client, s.dan).get("/governance/").content.decode()
    assert 'data-testid="waiting-empty"' in html and "Nothing waits for your vote" in html


def test_a_member_votes_with_htmx_and_the_panel_updates_in_place(s, client):
    review = _open_review(s)
    client = _signed_in(client, s.dan)
    answer = client.post(
        f"/governance/reviews/{review.pk}/vote/",
        {"choice": "approve", "rationale": "Cheap enough."},
        HTTP_HX_REQUEST="true",
    )
    html = answer.content.decode()
    assert answer.status_code == 200
    assert html.lstrip().startswith('<article class="card" id="votes-panel"')
    assert 'data-member="ccb.dan" data-choice="approve"' in html and "Your vote is recorded" in html
    missing = client.post(
        f"/governance/reviews/{review.pk}/vote/",
        {"choice": "reject", "rationale": ""},
        HTTP_HX_REQUEST="true",
    )
    assert 'data-testid="error-rationale"' in missing.content.decode()
    assert Vote.objects.get(review=review, member=s.dan).choice == "approve"


def test_the_requester_on_the_board_sees_why_they_cannot_vote(s, client):
    s.board.members.add(s.alice)
    review = _open_review(s)
    client = _signed_in(client, s.alice)
    html = client.get(f"/governance/reviews/{review.pk}/").content.decode()
    assert 'data-testid="vote-form"' not in html
    assert "You do not vote on this review: you raised the request." in html
    assert 'data-testid="recused-member" data-member="am.alice"' in html
    refused = client.post(
        f"/governance/reviews/{review.pk}/vote/",
        {"choice": "approve", "rationale": "Mine."},
        HTTP_HX_REQUEST="true",
    )
    assert "you raised the request" in refused.content.decode() and not Vote.objects.exists()


def test_the_chairs_card_shows_quorum_and_rule_and_enables_only_allowed_outcomes(s, client):
    review = _open_review(s)
    client = _signed_in(client, s.carol)
    html = client.get(f"/governance/reviews/{review.pk}/").content.decode()
    assert "Quorum: 0 voted, 2 needed ✗" in html
    assert 'data-testid="outcome-approve" disabled' in html
    assert 'data-testid="outcome-defer">' in html
    for member in (s.dan, s.erin):
        services.cast_vote(review=review, member=member, choice="approve", rationale="Yes.")
    html = client.get(f"/governance/reviews/{review.pk}/").content.decode()
    assert "Quorum: 2 voted, 2 needed ✓" in html and "Rule (simple majority): approve supported ✓" in html
    assert 'data-testid="outcome-approve">' in html and 'data-testid="outcome-reject" disabled' in html
    refused = client.post(
        f"/governance/reviews/{review.pk}/decide/", {"outcome": "reject", "rationale": "No."}
    )
    assert refused.status_code == 409 and "The votes support approval" in refused.content.decode()
    answer = client.post(
        f"/governance/reviews/{review.pk}/decide/",
        {"outcome": "approve", "rationale": "Both for it."},
        follow=True,
    )
    assert "Decision recorded: approve." in answer.content.decode()
    review.refresh_from_db()
    assert (review.status, review.exception.status) == ("decided", "approved")
    request_page = _signed_in(client, s.alice).get(f"/exceptions/{review.exception_id}/").content.decode()
    assert 'data-testid="board-rationale">Both for it.' in request_page


def test_a_member_does_not_get_the_chairs_card(s, client):
    review = _open_review(s)
    html = _signed_in(client, s.dan).get(f"/governance/reviews/{review.pk}/").content.decode()
    assert 'data-testid="decide-card"' not in html
    assert (
        client.post(
            f"/governance/reviews/{review.pk}/decide/", {"outcome": "defer", "rationale": "x"}
        ).status_code
        == 403
    )


def test_the_process_owner_edits_the_impact_assessment_others_do_not(s, client):
    review = _open_review(s)
    owner = _signed_in(client, s.olivia)
    assert 'data-testid="impact-form"' in owner.get(f"/governance/reviews/{review.pk}/").content.decode()
    fields = {
        "similar_active": "3",
        "similar_same_tag": "1",
        "customers_holding": "2",
        "capacity_effect": "Within capacity.",
        "monthly_cost_request": "9000",
        "monthly_cost_similar": "2500",
        "risk": "high",
        "notes": "Second carrier needed.",
    }
    bad = owner.post(f"/governance/reviews/{review.pk}/impact/", {**fields, "similar_active": "-2"})
    assert bad.status_code == 400
    assert owner.post(f"/governance/reviews/{review.pk}/impact/", fields).status_code == 302
    review.refresh_from_db()
    assert (review.impact["similar_active"], review.impact["notes"]) == (3, "Second carrier needed.")
    dan = _signed_in(client, s.dan)
    assert 'data-testid="impact-form"' not in dan.get(f"/governance/reviews/{review.pk}/").content.decode()
    assert dan.post(f"/governance/reviews/{review.pk}/impact/", fields).status_code == 403


def test_a_review_outside_my_scope_is_404(s, client):
    review = _open_review(s)
    assert _signed_in(client, s.bob).get(f"/governance/reviews/{review.pk}/").status_code == 404


def _decided(s, n, outcome="approve"):
    choice = "approve" if outcome == "approve" else "reject"
    for number in range(n):
        review = _open_review(s, f"Decided {number}")
        for member in (s.dan, s.erin):
            Vote.objects.create(
                review=review, member=member, choice=choice, rationale="ok", cast_at=timezone.now()
            )
        services.decide_review(review=review, actor=s.carol, outcome=outcome, rationale=f"Because {number}.")


def test_the_board_history_filters_by_outcome(s, client):
    _decided(s, 2, "approve")
    _decided(s, 1, "reject")
    client = _signed_in(client, s.carol)
    html = client.get(f"/governance/boards/{s.board.pk}/history/").content.decode()
    assert html.count('data-testid="history-row"') == 3
    rejected = client.get(f"/governance/boards/{s.board.pk}/history/?outcome=reject").content.decode()
    assert rejected.count('data-testid="history-row"') == 1 and 'data-outcome="reject"' in rejected
    empty = client.get(
        f"/governance/boards/{s.board.pk}/history/?outcome=approve_with_conditions"
    ).content.decode()
    assert "No decision with this outcome yet." in empty


@pytest.mark.parametrize("rows", [3, 50])
def test_history_and_queue_query_counts_do_not_grow(s, rows, client, django_assert_max_num_queries):
    _decided(s, rows)
    for number in range(rows):
        _open_review(s, f"Open {number}")
    client = _signed_in(client, s.dan)
    with django_assert_max_num_queries(30):
        assert client.get(f"/governance/boards/{s.board.pk}/history/").status_code == 200
    with django_assert_max_num_queries(30):
        assert client.get("/governance/").status_code == 200


def test_a_long_queue_is_paged_and_counted_in_full(s, client):
    for number in range(22):
        _open_review(s, f"Waiting {number:02d}")
    client = _signed_in(client, s.dan)
    first = client.get("/governance/").content.decode()
    waiting = first.split('data-testid="waiting-table"')[1].split("</table>")[0]
    assert waiting.count('data-testid="review-row"') == 20
    assert 'data-testid="waiting-count">22<' in first and 'data-testid="next-waiting"' in first
    second = client.get("/governance/?waiting=2").content.decode()
    rest = second.split('data-testid="waiting-table"')[1].split("</table>")[0]
    assert rest.count('data-testid="review-row"') == 2
    shown = {title for title in (f"Waiting {n:02d}" for n in range(22)) if title in waiting + rest}
    assert len(shown) == 22


def test_navigation_and_home_card_for_board_members(s, client):
    _open_review(s)
    home = _signed_in(client, s.dan).get("/", follow=True).content.decode()
    assert 'href="/governance/"' in home
    assert 'data-testid="vote-card"' in home and "review wait" in home
    assert 'href="/governance/"' not in _signed_in(client, s.bob).get("/", follow=True).content.decode()


def test_the_admin_shows_a_review_with_its_votes_and_tally_read_only(s, client, make_user):
    review = _open_review(s)
    services.cast_vote(review=review, member=s.dan, choice="approve", rationale="Fine by me.")
    admin = make_user("administrator", regions=[], username="root")
    html = _signed_in(client, admin).get(f"/admin/governance/review/{review.pk}/change/").content.decode()
    assert "1 approve, 0 reject, 0 abstain; quorum 1/2" in html and "Fine by me." in html
    assert client.get("/admin/governance/review/add/").status_code == 403


def test_declaring_on_the_page_then_the_chair_co_opts_a_substitute(s, client):
    review = _open_review(s)
    for member in (s.dan, s.erin):
        page = _signed_in(client, member)
        answer = page.post(
            f"/governance/reviews/{review.pk}/declare-interest/", {"statement": "I advise them."}
        )
        assert answer.status_code == 302
        assert "declared an interest: I advise them." in page.get(answer.url).content.decode()
    chair = _signed_in(client, s.carol)
    html = chair.get(f"/governance/reviews/{review.pk}/").content.decode()
    assert 'data-testid="co-opt-form"' in html and "co-opt a substitute" in html
    missing = chair.post(f"/governance/reviews/{review.pk}/co-opt/", {"member": s.olivia.pk, "reason": ""})
    assert missing.status_code == 400 and not review.co_opted.exists()
    answer = chair.post(
        f"/governance/reviews/{review.pk}/co-opt/",
        {"member": s.olivia.pk, "reason": "Knows fulfilment."},
        follow=True,
    )
    assert "is co-opted to this review" in answer.content.decode()
    assert list(review.co_opted.values_list("member__username", flat=True)) == ["owner.olivia"]


def test_the_queue_splits_my_boards_open_reviews_in_two_waiting_and_the_others_each_once(s, client):
    """The other open reviews are asked as "conflicted" (voted, recused, my own request) rather than as
    "not in the waiting ones" (a nested join per open review, bench/README.md): the two tables still split
    the open reviews of my board, nothing in both, nothing in neither; another member waits on them all."""
    waiting = [_open_review(s, f"Waiting {n}") for n in range(2)]
    voted = _open_review(s, "Voted one")
    services.cast_vote(review=voted, member=s.dan, choice="approve", rationale="Fine.")
    recused = _open_review(s, "Recused one")
    services.declare_interest(review=recused, member=s.dan, statement="My brother-in-law's firm.")
    own = _open_review(s, "Requested by dan")
    ExceptionRequest.objects.filter(pk=own.exception_id).update(requested_by=s.dan)  # he may not vote on it
    others = {voted, recused, own}

    for person, expected_waiting, expected_others in [
        (s.dan, set(waiting), others),
        (s.erin, {*waiting, *others}, set()),
    ]:
        html = _signed_in(client, person).get("/governance/").content.decode()
        waiting_table = html.split('data-testid="waiting-table"')[1].split("</table>")[0]
        others_table = (html.split('data-testid="other-table"')[1:] or [""])[0].split("</table>")[0]
        for review in Review.objects.filter(status=Review.Status.OPEN):
            title = review.exception.title
            assert (title in waiting_table, title in others_table) == (
                review in expected_waiting,
                review in expected_others,
            ), (person.username, title)
