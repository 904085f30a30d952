"""Pages of governance: the member's queue, a review (votes with htmx, declared interests, the process owner's
impact assessment, the chair's decision and co-opted members), and a board's decision history.

Each view parses its input, calls one service or read, and renders. A service's field errors show on the
form; a refusal (403, 409) a person can act on shows on the form too, anything else becomes the layout's
error page (intimacy_ops.middleware)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from exceptions.models import RiskRating
from governance.access_rules import is_chair
from governance.models import Board, Meeting, Review, Vote
from governance.selectors import reviews as selectors
from governance.services import casting, impact, reviews, voting
from governance.views.decide_shape import ShapeFields, arguments, shaped_context
from intimacy_ops import access, errors, lifecycle
from intimacy_ops.accounts import delegation
from intimacy_ops.accounts.models import User
from intimacy_ops.forms import add_domain_errors

PAGE_SIZE = 20


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


# --- forms -----------------------------------------------------------------------------------------------


class VoteForm(forms.Form):
    choice = forms.ChoiceField(choices=Vote.Choice.choices, widget=forms.RadioSelect)
    rationale = forms.CharField(
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why: the chair and the requester read it.",
    )
    on_behalf_of = forms.CharField(required=False, max_length=150, widget=forms.HiddenInput)


class InterestForm(forms.Form):
    statement = forms.CharField(
        label="Your interest",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Recorded on the review. You step aside: your vote, if any, is removed.",
    )


class DecideForm(ShapeFields):
    outcome = forms.ChoiceField(choices=[choice for choice in Review.Outcome.choices if choice[0]])
    rationale = forms.CharField(
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The requester sees it on the request.",
    )
    conditions = forms.CharField(
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required to approve with conditions; shown on the request.",
    )
    meeting = forms.ModelChoiceField(
        queryset=Meeting.objects.none(), required=False, empty_label="Not in a meeting"
    )

    def __init__(self, *args, review: Review, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = Meeting.objects.filter(
            board=review.board_id, cancelled_at__isnull=True
        ).order_by("-starts_at")
        self.shape_for(review)


class CoOptForm(forms.Form):
    member = forms.ModelChoiceField(queryset=User.objects.none(), label="Substitute member")
    reason = forms.CharField(max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, review: Review, tally: voting.Tally, **kwargs):
        super().__init__(*args, **kwargs)
        sitting = [member.pk for member in tally.members] + list(voting.conflicts(review))
        self.fields["member"].queryset = selectors.co_opt_candidates(exclude=sitting)
        self.fields["member"].label_from_instance = lambda user: f"{user.display_name} ({user.username})"


class ImpactForm(forms.Form):
    similar_active = forms.IntegerField(min_value=0, label="Similar active exceptions")
    similar_same_tag = forms.IntegerField(min_value=0, label="…with the same deviation tag")
    customers_holding = forms.IntegerField(min_value=0, label="Customers holding them")
    capacity_effect = forms.CharField(max_length=4000, required=False, label="Capacity effect")
    monthly_cost_request = forms.DecimalField(
        min_value=0, max_digits=14, decimal_places=2, label="Monthly cost of this request"
    )
    monthly_cost_similar = forms.DecimalField(
        min_value=0, max_digits=14, decimal_places=2, label="Monthly cost of the similar ones"
    )
    risk = forms.ChoiceField(choices=RiskRating.choices)
    notes = forms.CharField(max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3}))


# --- reads -----------------------------------------------------------------------------------------------


def _get_review(user, pk: int) -> Review:
    return access.get_visible(user, voting.with_tally_data(Review.objects.all()), pk=pk)


def _visible_reviews(user):
    return voting.with_tally_data(access.visible(user, Review))


# --- one review ------------------------------------------------------------------------------------------


def _review_context(request, review, **forms_) -> dict:
    user = request.user
    tally = voting.tally(review)
    process = review.exception.process if review.exception_id else review.process
    is_owner = process is not None and process.owner_id == user.pk
    is_open = review.status == Review.Status.OPEN
    context = {
        "review": review,
        "exception": review.exception,
        "tally": tally,
        "today": timezone.localdate(),
        "is_chair": is_chair(user, review.board),
        "actions": lifecycle.actions_for(user, review),  # the decide card: from the lifecycle table
        "my_vote": tally.vote_of(user),
        "my_recusal": tally.recusal_of(user),
        "may_vote": is_open and tally.is_eligible(user),
        "sits": tally.is_member(user),
        # Members away whose delegate this user is (accounts/delegation.py): they vote for them, not as chair.
        "voting_for": [
            (principal, tally.vote_of(principal))
            for principal in delegation.principals_for(user)
            if is_open and tally.is_eligible(principal)
        ],
        "vote_choices": Vote.Choice.choices,
        "is_open": is_open,
        "is_owner": is_owner,
        "impact": impact.current(review),
        "co_opted_rows": voting.rows_of(review, "co_opted"),
        "declared": [row for row in voting.rows_of(review, "declared_interests") if row.member_id == user.pk],
        **shaped_context(user, review),
        "outcome_rows": [
            (value, label, value in tally.allowed_outcomes, tally.refused.get(value, ""))
            for value, label in Review.Outcome.choices
            if value
        ],
    }
    # Why an outcome is not offered; "the votes support approval" is good news, not shown as a refusal.
    good_news = tally.refused.get("reject") if tally.quorum_met and tally.rule_supports_approval else None
    context["refusal_notes"] = [(note, note == good_news) for note in dict.fromkeys(tally.refused.values())]
    context["standard_change"] = selectors.standard_change_of(review)
    vote_initial = (
        {"choice": context["my_vote"].choice, "rationale": context["my_vote"].rationale}
        if context["my_vote"]
        else None
    )
    context["vote_form"] = forms_.get("vote_form") or VoteForm(initial=vote_initial)
    context["interest_form"] = forms_.get("interest_form") or InterestForm()
    context["decide_form"] = forms_.get("decide_form") or DecideForm(review=review)
    context["co_opt_form"] = forms_.get("co_opt_form") or CoOptForm(review=review, tally=tally)
    impact_initial = {name: context["impact"].get(name) for name in impact.EDITABLE}
    context["impact_form"] = forms_.get("impact_form") or ImpactForm(initial=impact_initial)
    context["vote_error"] = forms_.get("vote_error", "")
    return context


def _review_page(request, review, status=200, **forms_) -> HttpResponse:
    return render(
        request, "governance/review_detail.html", _review_context(request, review, **forms_), status=status
    )


@login_required
@require_GET
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _review_page(request, _get_review(request.user, pk))


@login_required
@require_POST
def review_vote(request: HttpRequest, pk: int) -> HttpResponse:
    """A member votes (htmx: the votes panel and the chair's decision card are redrawn in place)."""
    review = _get_review(request.user, pk)
    form = VoteForm(request.POST)
    problem = ""
    if form.is_valid():
        try:
            casting.cast_vote(review=review, member=request.user, **form.cleaned_data)
        except errors.ValidationFailed as failed:
            add_domain_errors(form, failed)
        except (errors.PermissionDenied, errors.TransitionNotAllowed, errors.Conflict) as refused:
            problem = refused.message
    ok = form.is_valid() and not form.errors and not problem
    if not _is_htmx(request):
        if ok:
            messages.success(request, "Your vote is recorded.")
            return redirect("governance:review", pk=pk)
        return _review_page(
            request, _get_review(request.user, pk), status=400, vote_form=form, vote_error=problem
        )
    review = _get_review(request.user, pk)
    context = _review_context(request, review, **({} if ok else {"vote_form": form}), vote_error=problem)
    context["vote_saved"] = ok
    context["oob"] = True
    # htmx swaps 2xx answers only: a refused vote is shown in the panel it came from.
    return render(request, "governance/_review_votes_response.html", context)


@login_required
@require_POST
def review_declare_interest(request: HttpRequest, pk: int) -> HttpResponse:
    review = _get_review(request.user, pk)
    form = InterestForm(request.POST)
    if form.is_valid():
        try:
            voting.declare_interest(review=review, member=request.user, **form.cleaned_data)
        except errors.ValidationFailed as failed:
            add_domain_errors(form, failed)
        except (errors.PermissionDenied, errors.TransitionNotAllowed, errors.Conflict) as refused:
            form.add_error(None, refused.message)
        if not form.errors:
            messages.success(request, "Your interest is recorded; you no longer vote on this review.")
            return redirect("governance:review", pk=pk)
    return _review_page(request, _get_review(request.user, pk), status=400, interest_form=form)


@login_required
@require_POST
def review_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """The chair records the decision; a refusal (quorum, rule) shows on the form, nothing changed."""
    review = _get_review(request.user, pk)
    form = DecideForm(request.POST, review=review)
    status = 400
    if form.is_valid():
        try:
            review = reviews.decide_review(review=review, actor=request.user, **arguments(form.cleaned_data))
        except errors.ValidationFailed as failed:
            add_domain_errors(form, failed)
        except errors.Conflict as refused:
            form.add_error(None, refused.message)
            status = 409
        if not form.errors:
            label = Review.Outcome(form.cleaned_data["outcome"]).label.lower()
            if review.status == Review.Status.OPEN:
                messages.success(request, f"Deferred: now due by {review.due_on:%d %B %Y}.")
            else:
                messages.success(request, f"Decision recorded: {label}.")
            return redirect("governance:review", pk=pk)
    return _review_page(request, _get_review(request.user, pk), status=status, decide_form=form)


@login_required
@require_POST
def review_co_opt(request: HttpRequest, pk: int) -> HttpResponse:
    review = _get_review(request.user, pk)
    form = CoOptForm(request.POST, review=review, tally=voting.tally(review))
    status = 400
    if form.is_valid():
        try:
            voting.co_opt_member(review=review, actor=request.user, **form.cleaned_data)
        except errors.ValidationFailed as failed:
            add_domain_errors(form, failed)
        except errors.Conflict as refused:
            form.add_error(None, refused.message)
            status = 409
        if not form.errors:
            messages.success(
                request, f"{form.cleaned_data['member'].display_name} is co-opted to this review."
            )
            return redirect("governance:review", pk=pk)
    return _review_page(request, _get_review(request.user, pk), status=status, co_opt_form=form)


@login_required
@require_POST
def review_impact(request: HttpRequest, pk: int) -> HttpResponse:
    review = _get_review(request.user, pk)
    form = ImpactForm(request.POST)
    if form.is_valid():
        try:
            impact.update_impact(review=review, actor=request.user, **form.cleaned_data)
        except errors.ValidationFailed as failed:
            add_domain_errors(form, failed)
        if not form.errors:
            messages.success(request, "The impact assessment is updated.")
            return redirect("governance:review", pk=pk)
    return _review_page(request, _get_review(request.user, pk), status=400, impact_form=form)


# --- a board's decision history ------------------------------------------------------------------------------


@login_required
@require_GET
def board_history(request: HttpRequest, pk: int) -> HttpResponse:
    """The board's decided reviews, newest first, filterable by outcome."""
    board = access.get_visible(request.user, Board, pk=pk)
    decided = _visible_reviews(request.user).filter(board=board, status=Review.Status.DECIDED)
    outcome = request.GET.get("outcome", "")
    outcomes = [
        choice for choice in Review.Outcome.choices if choice[0] and choice[0] != Review.Outcome.DEFER
    ]
    if outcome in dict(outcomes):
        decided = decided.filter(outcome=outcome)
    else:
        outcome = ""
    page = Paginator(decided.order_by("-closed_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    for review in page.object_list:
        review.tally = voting.tally(review)
    context = {
        "board": board,
        "page": page,
        "outcome": outcome,
        "outcomes": outcomes,
        "querystring": f"outcome={outcome}" if outcome else "",
    }
    return render(request, "governance/board_history.html", context)
