"""The reviews API builds a review's votes, recusals, co-opted members, conditions, exclusions and tally by hand
from plain rows (`tally_rows.fetch_rows`): the list and one review at a time must say exactly what DRF's serializers
said from the model instances (`voting.with_tally_data`), on reviews with votes (one cast by a delegate), a
recusal, a declared interest, a co-opted member, conditions, a covered proposal with an exclusion."""

import datetime

import pytest
from django.utils import timezone

from exceptions.services import lifecycle
from governance.api.reviews import ReviewSerializer
from governance.api.shapes import RecusalSerializer, TallySerializer, VoteSerializer
from governance.models import CoOptedMember, DeclaredInterest, Review, Vote
from governance.models_decisions import Condition, SunsetExclusion
from governance.services import voting
from tests.exceptions.factories import ExceptionRequestFactory, scenario

pytestmark = pytest.mark.django_db

ZONE = "Asia/Kolkata"  # +05:30: a vote's times are rendered in the reader's time zone


@pytest.fixture
def s():
    return scenario()


def _open_review(s, **fields):
    exception = ExceptionRequestFactory(
        customer=s.acme, process=s.fulfilment, estimated_monthly_cost=9000, **fields
    )
    lifecycle.submit_request(exception=exception, actor=exception.requested_by)
    return Review.objects.get(exception=exception)


def _reviews(s):
    at = timezone.now().replace(microsecond=123456) - datetime.timedelta(days=1)
    s.board.members.add(s.alice)  # the requester of every request here: recused on each
    voted = _open_review(s)
    Vote.objects.create(review=voted, member=s.dan, choice="approve", rationale="Sound.", cast_at=at)
    Vote.objects.create(
        review=voted,
        member=s.erin,
        cast_by=s.dan,
        choice="reject",
        rationale="Too dear.",
        cast_at=at + datetime.timedelta(minutes=5),
        changed_at=at + datetime.timedelta(minutes=9),
    )
    Vote.objects.create(
        review=voted, member=s.alice, choice="approve", rationale="Mine.", cast_at=at
    )  # recused
    interested = _open_review(s)
    DeclaredInterest.objects.create(review=interested, member=s.dan, statement="My cousin.", declared_at=at)
    CoOptedMember.objects.create(
        review=interested, member=s.olivia, co_opted_by=s.carol, reason="Quorum.", co_opted_at=at
    )
    Vote.objects.create(review=interested, member=s.olivia, choice="abstain", rationale="Unsure.", cast_at=at)
    decided = _open_review(s)
    Review.objects.filter(pk=decided.pk).update(
        status=Review.Status.DECIDED, outcome=Review.Outcome.APPROVE_WITH_CONDITIONS, decided_by=s.carol
    )
    Condition.objects.create(review=decided, description="Report monthly.", owner=s.dan, due_on=at.date())
    Condition.objects.create(
        review=decided, description="Train.", owner=s.erin, due_on=at.date(), met_at=at, met_by=s.erin
    )
    sunset = Review.objects.create(
        kind=Review.Kind.SUNSET,
        process=s.fulfilment,
        board=s.board,
        title="Sunset",
        due_on=at.date(),
        opened_at=at,
        impact={},
    )
    covered = [
        ExceptionRequestFactory(customer=s.acme, process=s.fulfilment, status="active") for _ in range(3)
    ]
    sunset.covered.set(covered)
    SunsetExclusion.objects.create(
        review=sunset, exception=covered[1], reason="Still needed.", excluded_by=s.carol, excluded_at=at
    )
    return [voted, interested, decided, sunset]


def _as_drf_said(pk) -> dict:
    """The nested parts as DRF's serializers rendered them from the prefetched model instances."""
    review = voting.with_tally_data(Review.objects.all(), lean=True).get(pk=pk)
    tally = voting.tally(review)
    return {
        "votes": VoteSerializer(tally.votes, many=True).data,
        "recused": RecusalSerializer(tally.recused, many=True).data,
        "tally": TallySerializer(tally).data,
        "co_opted": [
            {"member": row.member.username, "co_opted_by": row.co_opted_by.username, "reason": row.reason}
            for row in voting.rows_of(review, "co_opted")
        ],
        "covered": [exception.pk for exception in voting.rows_of(review, "covered")],
        "exclusions": [
            {"exception": row.exception_id, "reason": row.reason}
            for row in voting.rows_of(review, "exclusions")
        ],
        "condition_items": [
            {
                "id": row.pk,
                "description": row.description,
                "owner": row.owner.username,
                "due_on": row.due_on.isoformat(),
                "met_at": row.met_at.isoformat().replace("+00:00", "Z") if row.met_at else None,
            }
            for row in voting.rows_of(review, "condition_items")
        ],
    }


def test_the_list_and_one_review_say_what_the_serializers_said_from_the_models(s, client):
    reviews = _reviews(s)
    s.carol.time_zone = ZONE
    s.carol.save()
    client.force_login(s.carol)
    listed = {row["id"]: row for row in client.get("/api/v1/reviews/?page_size=100").json()["results"]}
    assert set(listed) >= {review.pk for review in reviews}
    for review in reviews:
        one = client.get(f"/api/v1/reviews/{review.pk}/").json()
        assert listed[review.pk] == one  # votes, recusals, tally, impact: the whole review, field order too
        assert list(listed[review.pk]) == list(one)
        with timezone.override(ZONE):  # the request's own time zone ends with it (the middleware)
            expected = _as_drf_said(review.pk)
        assert {name: one[name] for name in expected} == expected
    voted, interested, decided, sunset = (listed[review.pk] for review in reviews)
    # The fixture has what it claims (else the comparison above proves little).
    assert [v["member"] for v in voted["votes"]] == ["ccb.dan", "ccb.erin"] and voted["votes"][1]["cast_by"]
    assert voted["votes"][0]["cast_at"].endswith("+05:30") and voted["votes"][1]["changed_at"]
    assert {"member": "am.alice", "reason": "raised the request"} in voted["recused"]
    assert interested["co_opted"] and interested["votes"][0]["member"] == interested["co_opted"][0]["member"]
    assert any(r["reason"].startswith("declared an interest") for r in interested["recused"])
    assert len(decided["condition_items"]) == 2 and decided["condition_items"][1]["met_at"]
    assert len(sunset["covered"]) == 3 and sunset["exclusions"][0]["reason"] == "Still needed."


def test_a_review_built_by_hand_is_what_drfs_fields_render(s):
    reviews = _reviews(s)
    serializer = ReviewSerializer()
    with timezone.override(ZONE):
        for pk in [review.pk for review in reviews]:
            review = voting.with_tally_joins(Review.objects.all()).get(pk=pk)
            by_hand = serializer.to_representation(review)
            by_drf = serializer.drf_representation(review)
            assert by_hand == by_drf
            assert list(by_hand) == list(by_drf)
            assert all(type(by_hand[name]) is type(by_drf[name]) for name in by_drf)
