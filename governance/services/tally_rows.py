"""A page of reviews' related rows as the tally and the reviews API read them (`fetch_rows`): what
`voting.with_tally_data(lean=True)` prefetches as model instances, read with `values_list` into small records,
the people as `Person` (id and username)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from exceptions.models import ExceptionRequest
from governance.models import Board, Condition, CoOptedMember, DeclaredInterest, Review, SunsetExclusion, Vote


@dataclass(frozen=True, slots=True)
class Person:
    """A user as the tally and the reviews API read one: id and username (no model instance per row)."""

    pk: int
    username: str

    @property
    def id(self) -> int:
        return self.pk


@dataclass(frozen=True, slots=True)
class VoteRow:
    member_id: int
    member: Person
    cast_by: Person | None
    choice: str
    rationale: str
    cast_at: datetime.datetime
    changed_at: datetime.datetime | None


@dataclass(frozen=True, slots=True)
class InterestRow:
    member_id: int
    statement: str


@dataclass(frozen=True, slots=True)
class CoOptedRow:
    member: Person
    co_opted_by: Person
    reason: str


@dataclass(frozen=True, slots=True)
class CustomerOf:
    account_manager_id: int | None


@dataclass(frozen=True, slots=True)
class CoveredRow:
    pk: int
    customer: CustomerOf


@dataclass(frozen=True, slots=True)
class ConditionRow:
    pk: int
    description: str
    owner: Person
    due_on: datetime.date
    met_at: datetime.datetime | None


@dataclass(frozen=True, slots=True)
class ExclusionRow:
    exception_id: int
    reason: str


def fetch_rows(reviews: list) -> None:
    """What `with_tally_data(lean=True)` prefetches, for reviews already fetched, as plain rows read with
    `values_list`: the people as `Person` (id, username), the rows as the small records above, in the same
    order as the prefetch. One query per relation, whatever the number of reviews; no model instance per
    vote, member or condition (the reviews API's list spent a third of its CPU building them)."""
    reviews = [review for review in reviews if getattr(review, "tally_votes", None) is None]
    if not reviews:
        return
    ids = [review.pk for review in reviews]
    rows = {name: {pk: [] for pk in ids} for name in _ROWS}
    people: dict[int, Person] = {}

    def person(pk, username):
        found = people.get(pk)
        if found is None:
            found = people[pk] = Person(pk, username)
        return found

    for (
        review_id,
        member_id,
        member,
        cast_by_id,
        cast_by,
        choice,
        rationale,
        cast_at,
        changed_at,
    ) in Vote.objects.filter(review_id__in=ids).values_list(
        "review_id",
        "member_id",
        "member__username",
        "cast_by_id",
        "cast_by__username",
        "choice",
        "rationale",
        "cast_at",
        "changed_at",
    ):
        rows["votes"][review_id].append(
            VoteRow(
                member_id,
                person(member_id, member),
                person(cast_by_id, cast_by) if cast_by_id is not None else None,
                choice,
                rationale,
                cast_at,
                changed_at,
            )
        )
    for review_id, member_id, statement in DeclaredInterest.objects.filter(review_id__in=ids).values_list(
        "review_id", "member_id", "statement"
    ):
        rows["declared_interests"][review_id].append(InterestRow(member_id, statement))
    for review_id, member_id, member, by_id, by, reason in CoOptedMember.objects.filter(
        review_id__in=ids
    ).values_list(
        "review_id", "member_id", "member__username", "co_opted_by_id", "co_opted_by__username", "reason"
    ):
        rows["co_opted"][review_id].append(CoOptedRow(person(member_id, member), person(by_id, by), reason))
    covered = Review.covered.through.objects.filter(review_id__in=ids)
    order = [
        f"-exceptionrequest__{f[1:]}" if f.startswith("-") else f"exceptionrequest__{f}"
        for f in ExceptionRequest._meta.ordering
    ]
    for review_id, pk, manager_id in covered.order_by(*order).values_list(
        "review_id", "exceptionrequest_id", "exceptionrequest__customer__account_manager_id"
    ):
        rows["covered"][review_id].append(CoveredRow(pk, CustomerOf(manager_id)))
    for review_id, pk, description, owner_id, owner, due_on, met_at in Condition.objects.filter(
        review_id__in=ids
    ).values_list("review_id", "pk", "description", "owner_id", "owner__username", "due_on", "met_at"):
        rows["condition_items"][review_id].append(
            ConditionRow(pk, description, person(owner_id, owner), due_on, met_at)
        )
    for review_id, exception_id, reason in SunsetExclusion.objects.filter(review_id__in=ids).values_list(
        "review_id", "exception_id", "reason"
    ):
        rows["exclusions"][review_id].append(ExclusionRow(exception_id, reason))
    for review in reviews:
        for name in _ROWS:
            setattr(review, "tally_" + name, rows[name][review.pk])
    boards = defaultdict(list)  # each review has its own instance of its board (select_related)
    for review in reviews:
        if getattr(review.board, "tally_members", None) is None:
            boards[review.board_id].append(review.board)
    if boards:
        members = {pk: [] for pk in boards}
        for board_id, user_id, username in Board.members.through.objects.filter(
            board_id__in=list(boards)
        ).values_list("board_id", "user_id", "user__username"):
            members[board_id].append(person(user_id, username))
        for pk, instances in boards.items():
            for board in instances:
                board.tally_members = members[pk]


_ROWS = ("votes", "declared_interests", "co_opted", "covered", "condition_items", "exclusions")
