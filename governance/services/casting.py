"""A member's vote on a review, in their own name or, while they are away, by their delegate on their behalf
(issue 18, item 5). Eligibility, recusals and quorum: governance/services/voting.py."""

from django.db import transaction
from django.utils import timezone

from governance.models import Review, Vote
from governance.services.voting import _check_may_sit, _locked, _require_open, rows_of, tally
from intimacy_ops import audit, errors
from intimacy_ops.accounts import delegation


def _voter(member, on_behalf_of: str):
    """(whose vote it is, who cast it for them or None)."""
    if not on_behalf_of or on_behalf_of == member.username:
        return member, None
    principal = next((p for p in delegation.principals_for(member) if p.username == on_behalf_of), None)
    if principal is None:
        raise errors.PermissionDenied(
            f"You do not stand in for {on_behalf_of} now: only their delegate votes for them."
        )
    return principal, member


def _behalf(cast_by, member) -> dict:
    return {"on_behalf_of": member.username, "cast_by": cast_by.username} if cast_by else {}


def cast_vote(*, review: Review, member, choice: str, rationale: str, on_behalf_of: str = "") -> Vote:
    """A board member votes approve, reject or abstain with a rationale; a second vote changes the first.

    `on_behalf_of`: the username of a member away whose delegate `member` is now (intimacy_ops/accounts/
    delegation.py): the vote is theirs, cast by `member` and recorded so (a chair's decision is never
    handed over: only votes are)."""
    member, cast_by = _voter(member, on_behalf_of)
    if choice not in Vote.Choice.values:
        raise errors.ValidationFailed({"choice": [f"Choose one of: {', '.join(Vote.Choice.values)}."]})
    rationale = (rationale or "").strip()
    if not rationale:
        raise errors.ValidationFailed({"rationale": ["Say why: the chair and the requester read it."]})
    with transaction.atomic():
        review = _locked(review)
        _require_open(review, "vote")
        current = tally(review)
        _check_may_sit(review, current, member)
        reason = current.recusal_of(member)
        if reason:
            raise errors.PermissionDenied(f"You cannot vote on this review: you {reason}.", reason=reason)
        now = timezone.now()
        vote = next((v for v in rows_of(review, "votes") if v.member_id == member.pk), None)  # locked with it
        if vote is None:
            vote = Vote.objects.create(
                review=review, member=member, cast_by=cast_by, choice=choice, rationale=rationale, cast_at=now
            )
            audit.record(
                actor=cast_by or member,
                verb="review.vote_cast",
                obj=review,
                after={"choice": choice, **_behalf(cast_by, member)},
                comment=rationale,
            )
        else:
            before = {"choice": vote.choice, "rationale": vote.rationale}
            vote.choice, vote.rationale, vote.changed_at, vote.cast_by = choice, rationale, now, cast_by
            vote.save(update_fields=["choice", "rationale", "changed_at", "cast_by"])
            audit.record(
                actor=cast_by or member,
                verb="review.vote_changed",
                obj=review,
                before=before,
                after={"choice": choice, "rationale": rationale, **_behalf(cast_by, member)},
            )
    return vote
