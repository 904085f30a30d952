"""Votes, conflicts of interest, co-opted members, the chair's decision and the impact assessment, through the
reviews API (`/api/v1/reviews/`) with real tokens."""

import datetime

import pytest

from exceptions.services import lifecycle
from governance.models import Board, Meeting, Review, Vote
from intimacy_ops.audit import AuditEvent
from intimacy_ops.notifications.models import Notification
from tests.exceptions.factories import ExceptionRequestFactory, scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():
    return scenario()


def _open_review(s, customer=None, requester=None, **fields):
    exception = ExceptionRequestFactory(
        customer=customer or s.acme,
        process=s.fulfilment,
        estimated_monthly_cost=9000,
        **({"requested_by": requester} if requester else {}),
        **fields,
    )
    lifecycle.submit_request(exception=exception, actor=exception.requested_by)
    return Review.objects.get(exception=exception)


def _url(review, action=""):
    return f"/api/v1/reviews/{review.pk}/" + (f"{action}/" if action else "")


def _vote(api, review, choice="approve", rationale="Sound case."):
    return api.post(_url(review, "votes"), {"choice": choice, "rationale": rationale}, format="json")


def test_the_requester_on_the_board_cannot_vote_and_shows_as_recused(s, signed_in_api):
    s.board.members.add(s.alice)
    review = _open_review(s)
    refused = _vote(signed_in_api(s.alice), review)
    assert refused.status_code == 403
    assert refused.json()["detail"] == "You cannot vote on this review: you raised the request."
    assert refused.json()["reason"] == "raised the request"
    assert not Vote.objects.exists()
    body = signed_in_api(s.dan).get(_url(review)).json()
    assert body["recused"] == [{"member": "am.alice", "reason": "raised the request"}]
    assert body["tally"]["eligible"] == 3  # carol, dan, erin


def test_the_customers_account_manager_on_the_board_is_recused(s, signed_in_api):
    s.board.members.add(s.amy)
    review = _open_review(s)
    s.acme.account_manager = s.amy  # the customer changed hands while the review is open
    s.acme.save()
    refused = _vote(signed_in_api(s.amy), review)
    assert refused.status_code == 403 and "manages the customer" in refused.json()["detail"]
    recused = signed_in_api(s.carol).get(_url(review)).json()["recused"]
    assert recused == [{"member": "am.amy", "reason": "manages the customer"}]


def test_someone_not_on_the_review_cannot_vote(s, signed_in_api):
    review = _open_review(s)
    answer = _vote(
        signed_in_api(s.olivia), review
    )  # the process owner sees the review, but does not sit on it
    assert answer.status_code == 403
    assert _vote(signed_in_api(s.bob), review).status_code == 404  # outside bob's scope altogether


def test_a_changed_vote_keeps_one_row_and_each_cast_is_audited(s, signed_in_api):
    review = _open_review(s)
    dan = signed_in_api(s.dan)
    assert _vote(dan, review, "approve").status_code == 200
    body = _vote(dan, review, "reject", "The cost grew.").json()
    assert body["votes"] == [
        {
            "member": "ccb.dan",
            "choice": "reject",
            "rationale": "The cost grew.",
            "cast_at": body["votes"][0]["cast_at"],
            "changed_at": body["votes"][0]["changed_at"],
            "cast_by": None,  # cast by the member themselves, not a delegate
        }
    ]
    assert body["votes"][0]["changed_at"] is not None
    assert Vote.objects.filter(review=review).count() == 1
    verbs = list(
        AuditEvent.objects.filter(object_id=str(review.pk), verb__startswith="review.vote").values_list(
            "verb", flat=True
        )
    )
    assert sorted(verbs) == ["review.vote_cast", "review.vote_changed"]


def test_bad_votes_are_400_naming_the_field(s, signed_in_api):
    review = _open_review(s)
    dan = signed_in_api(s.dan)
    assert (
        "choice"
        in dan.post(_url(review, "votes"), {"choice": "maybe", "rationale": "x"}, format="json").json()
    )
    assert "rationale" in dan.post(_url(review, "votes"), {"choice": "approve"}, format="json").json()
    unknown = dan.post(
        _url(review, "votes"), {"choice": "approve", "rationale": "x", "weight": 2}, format="json"
    )
    assert unknown.status_code == 400 and "weight" in unknown.json()
    assert not Vote.objects.exists()


def test_approve_drives_the_exception_to_approved_and_tells_everyone_concerned(s, signed_in_api):
    review = _open_review(s)
    _vote(signed_in_api(s.dan), review)
    _vote(signed_in_api(s.erin), review)
    carol = signed_in_api(s.carol)
    answer = carol.post(
        _url(review, "decide"),
        {"outcome": "approve", "rationale": "Both votes for; cost covered."},
        format="json",
    )
    assert answer.status_code == 200, answer.content
    assert (answer.json()["status"], answer.json()["outcome"]) == ("decided", "approve")
    exception = signed_in_api(s.alice).get(f"/api/v1/exceptions/{review.exception_id}/").json()
    assert exception["status"] == "approved"
    for person in (s.olivia, s.dan, s.erin, s.carol):  # the process owner, the board
        assert Notification.objects.filter(recipient=person, subject__contains="decided: approve").exists(), (
            person
        )
    # alice, requester and account manager, hears it once, from exceptions, with the board's rationale
    told = list(Notification.objects.filter(recipient=s.alice, body__contains="Both votes for"))
    assert [n.subject for n in told] == [f"Your request “{exception['title']}” was approved"]
    again = carol.post(
        _url(review, "decide"), {"outcome": "reject", "rationale": "Changed my mind."}, format="json"
    )
    assert again.status_code == 409
    assert _vote(signed_in_api(s.dan), review, "reject").status_code == 409  # no vote once decided


def test_only_the_chair_decides(s, signed_in_api):
    review = _open_review(s)
    _vote(signed_in_api(s.dan), review)
    _vote(signed_in_api(s.erin), review)
    answer = signed_in_api(s.dan).post(
        _url(review, "decide"), {"outcome": "approve", "rationale": "x"}, format="json"
    )
    assert answer.status_code == 403
    review.refresh_from_db()
    assert review.status == "open"


def test_a_decision_the_votes_do_not_support_is_409_saying_why(s, signed_in_api):
    review = _open_review(s)
    _vote(signed_in_api(s.dan), review)
    carol = signed_in_api(s.carol)
    answer = carol.post(_url(review, "decide"), {"outcome": "approve", "rationale": "Go."}, format="json")
    assert answer.status_code == 409
    assert answer.json()["detail"].startswith("Quorum not met: 1 of 2 eligible votes")
    _vote(signed_in_api(s.erin), review, "reject", "Too costly.")
    answer = carol.post(_url(review, "decide"), {"outcome": "approve", "rationale": "Go."}, format="json")
    assert answer.json()["detail"] == (
        "The votes do not support approval under simple majority: 1 approve, 1 reject."
    )
    # 1-1 is a tie: neither side carries it (issue 18, defect 4), so only defer.
    assert carol.get(_url(review)).json()["tally"]["allowed_outcomes"] == ["defer"]


def test_decide_input_is_checked(s, signed_in_api):
    review = _open_review(s)
    _vote(signed_in_api(s.dan), review)
    _vote(signed_in_api(s.erin), review)
    carol = signed_in_api(s.carol)
    no_conditions = carol.post(
        _url(review, "decide"),
        {"outcome": "approve_with_conditions", "rationale": "Yes, but."},
        format="json",
    )
    assert no_conditions.status_code == 400 and "conditions" in no_conditions.json()
    assert "rationale" in carol.post(_url(review, "decide"), {"outcome": "approve"}, format="json").json()
    other = Board.objects.create(name="Other board", chair=s.carol)
    start = datetime.datetime(2026, 5, 4, 9, tzinfo=datetime.UTC)
    elsewhere = Meeting.objects.create(
        board=other,
        title="Other",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
        created_by=s.carol,
    )
    wrong = carol.post(
        _url(review, "decide"),
        {"outcome": "approve", "rationale": "Yes.", "meeting": elsewhere.pk},
        format="json",
    )
    assert wrong.status_code == 400 and "meeting" in wrong.json()
    review.refresh_from_db()
    assert review.status == "open"
    ours = Meeting.objects.create(
        board=s.board,
        title="May board",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
        created_by=s.carol,
    )
    answer = carol.post(
        _url(review, "decide"),
        {
            "outcome": "approve_with_conditions",
            "rationale": "Yes.",
            "conditions": "Report monthly.",
            "meeting": ours.pk,
        },
        format="json",
    )
    assert answer.status_code == 200
    assert (answer.json()["conditions"], answer.json()["meeting"]) == ("Report monthly.", ours.pk)


def test_defer_moves_the_due_date_by_the_boards_sla(s, signed_in_api):
    review = _open_review(s)
    due = review.due_on
    answer = signed_in_api(s.carol).post(
        _url(review, "decide"),
        {"outcome": "defer", "rationale": "Waiting for the impact assessment."},
        format="json",
    )
    assert answer.status_code == 200
    body = answer.json()
    assert (body["status"], body["deferrals"]) == ("open", 1)
    assert body["due_on"] == (due + datetime.timedelta(days=s.board.review_days)).isoformat()
    assert Notification.objects.filter(recipient=s.alice, subject__contains="deferred").exists()
    assert AuditEvent.objects.filter(verb="review.deferred", object_id=str(review.pk)).exists()


def test_declaring_an_interest_removes_the_vote_and_tells_the_chair_when_quorum_is_out_of_reach(
    s, signed_in_api
):
    s.board.members.remove(s.carol)  # members dan and erin; carol chairs
    review = _open_review(s)
    dan = signed_in_api(s.dan)
    _vote(dan, review)
    body = dan.post(
        _url(review, "declare-interest"), {"statement": "I advise the customer."}, format="json"
    ).json()
    assert body["votes"] == []
    assert body["recused"] == [
        {"member": "ccb.dan", "reason": "declared an interest: I advise the customer."}
    ]
    assert body["tally"]["eligible"] == 2  # carol (chair) and erin
    signed_in_api(s.erin).post(
        _url(review, "declare-interest"), {"statement": "Former employer."}, format="json"
    )
    assert (
        Notification.objects.filter(recipient=s.carol, subject__startswith="Co-opt a substitute").count() == 1
    )
    assert _vote(dan, review).status_code == 403


def test_the_chair_is_told_at_opening_when_too_few_members_may_vote(s):
    s.board.members.add(s.alice)  # she raises the request: recused, 3 of 4 members may vote
    s.board.quorum = 3
    s.board.save()
    _open_review(s)
    assert not Notification.objects.filter(recipient=s.carol, subject__startswith="Co-opt").exists()
    s.board.quorum = 4
    s.board.save()
    review = _open_review(s)
    told = Notification.objects.get(recipient=s.carol, subject__startswith="Co-opt a substitute")
    assert f"{s.alice.display_name} raised the request" in told.body
    assert told.link == f"/governance/reviews/{review.pk}/"


def test_co_opting_only_by_the_chair_only_when_quorum_is_out_of_reach_and_never_a_conflicted_person(
    s, signed_in_api
):
    review = _open_review(s)
    carol, body = signed_in_api(s.carol), {"member": "owner.olivia", "reason": "Knows fulfilment."}
    early = carol.post(_url(review, "co-opt"), body, format="json")
    assert early.status_code == 409 and "co-opting is for when too few can vote" in early.json()["detail"]
    for member in (s.dan, s.erin):
        signed_in_api(member).post(
            _url(review, "declare-interest"), {"statement": "Conflict."}, format="json"
        )
    assert signed_in_api(s.dan).post(_url(review, "co-opt"), body, format="json").status_code == 403
    conflicted = carol.post(_url(review, "co-opt"), {"member": "am.alice", "reason": "x"}, format="json")
    assert conflicted.status_code == 400 and "raised the request" in conflicted.json()["member"][0]
    answer = carol.post(_url(review, "co-opt"), body, format="json")
    assert answer.status_code == 200
    assert answer.json()["co_opted"] == [
        {"member": "owner.olivia", "co_opted_by": "ccb.carol", "reason": "Knows fulfilment."}
    ]
    assert Notification.objects.filter(recipient=s.olivia, subject__startswith="You are co-opted").exists()
    assert _vote(signed_in_api(s.olivia), review).status_code == 200
    assert _vote(carol, review).status_code == 200
    assert carol.get(_url(review)).json()["tally"]["quorum_met"] is True


def test_the_impact_assessment_is_prefilled_and_edited_by_the_process_owner_only(s, signed_in_api):
    today = datetime.date.today()
    for customer in (s.acme, s.borealis):
        ExceptionRequestFactory(
            customer=customer,
            process=s.fulfilment,
            status="active",
            deviation_tag="saturday-delivery",
            estimated_monthly_cost=1000,
            starts_on=today,
            expires_on=today + datetime.timedelta(days=90),
        )
    review = _open_review(s, deviation_tag="saturday-delivery")
    impact = signed_in_api(s.olivia).get(_url(review)).json()["impact"]
    assert (impact["similar_active"], impact["similar_same_tag"], impact["customers_holding"]) == (2, 2, 2)
    assert (impact["monthly_cost_request"], impact["monthly_cost_similar"]) == ("9000.00", "2000.00")
    assert impact["customer_names"] == ["Acme", "Borealis"]
    change = {"risk": "high", "notes": "Needs a second carrier."}
    assert signed_in_api(s.dan).patch(_url(review, "impact"), change, format="json").status_code == 403
    owner = signed_in_api(s.olivia)
    for field, value in (("risk", "dire"), ("similar_active", -1), ("monthly_cost_similar", "lots")):
        bad = owner.patch(_url(review, "impact"), {field: value}, format="json")
        assert bad.status_code == 400 and field in bad.json(), (field, bad.json())
    assert owner.patch(_url(review, "impact"), {"colour": "red"}, format="json").status_code == 400
    answer = signed_in_api(s.olivia).patch(_url(review, "impact"), change, format="json")
    assert answer.status_code == 200
    assert (answer.json()["impact"]["risk"], answer.json()["impact"]["notes"]) == (
        "high",
        "Needs a second carrier.",
    )
    event = AuditEvent.objects.get(verb="review.impact_updated")
    assert event.after == change and event.actor == s.olivia


def test_no_board_is_a_409_to_the_submitter_and_an_alert_the_administrators_keep(s, signed_in_api, make_user):
    admin = make_user("administrator", regions=[], username="admin")
    s.board.regions.set([s.emea])
    exception = ExceptionRequestFactory(customer=s.zenith, process=s.fulfilment, estimated_monthly_cost=9000)
    answer = signed_in_api(s.bob).post(f"/api/v1/exceptions/{exception.pk}/submit/", {}, format="json")
    assert answer.status_code == 409 and "fulfilment processes in AMER" in answer.json()["detail"]
    exception.refresh_from_db()
    assert exception.status == "draft" and not Review.objects.exists()
    alert = Notification.objects.get(recipient=admin)
    assert alert.subject == "No board covers fulfilment processes in AMER"
    assert exception.title in alert.body
    assert not Notification.objects.filter(recipient=s.bob).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_administrators_alert_survives_a_real_rollback(signed_in_api, make_user):
    s = scenario()
    admin = make_user("administrator", regions=[], username="admin")
    s.board.regions.set([s.emea])
    exception = ExceptionRequestFactory(customer=s.zenith, process=s.fulfilment, estimated_monthly_cost=9000)
    answer = signed_in_api(s.bob).post(f"/api/v1/exceptions/{exception.pk}/submit/", {}, format="json")
    assert answer.status_code == 409
    exception.refresh_from_db()
    assert exception.status == "draft" and not exception.transitions.exists()
    assert Notification.objects.filter(recipient=admin, subject__startswith="No board covers").count() == 1


@pytest.mark.parametrize("rows", [3, 50])
def test_review_list_query_count_does_not_grow(s, rows, signed_in_api, django_assert_max_num_queries):
    s.board.members.add(s.amy)
    for _ in range(rows):
        review = _open_review(s)
        Vote.objects.create(
            review=review, member=s.dan, choice="approve", rationale="ok", cast_at=review.opened_at
        )
    api = signed_in_api(s.carol)
    with django_assert_max_num_queries(16):
        body = api.get("/api/v1/reviews/?page_size=100").json()
    assert body["count"] == rows
    assert all(row["tally"]["voted"] == 1 for row in body["results"])
