"""Pages of sensitive data beyond the role: the access log (stewards, auditors), grants and break-glass
review (stewards). Opening break-glass, recording consent and downloading an export start from a
subject's own page (the owning app's view calls `privacy.services`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from intimacy_ops import access, errors, lifecycle
from intimacy_ops.forms import add_domain_errors
from privacy import access_rules, selectors
from privacy.filters import parse_moment
from privacy.forms import AccessLogFilterForm, GrantForm, ReviewForm, RevokeForm
from privacy.models import BreakGlassSession, SensitiveAccessGrant
from privacy.services import sensitive_access

PAGE_SIZE = 50


def _require(decision) -> None:
    if not decision:
        raise errors.PermissionDenied(decision.reason)


@login_required
@require_GET
def access_log(request: HttpRequest) -> HttpResponse:
    _require(access_rules.may_read_access_log(request.user))
    form = AccessLogFilterForm(request.GET or None)
    filters = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "username": data["user"],
            "subject_ids": form.subject_ids(),
            "since": parse_moment(data["since"].isoformat()) if data["since"] else None,
            "until": parse_moment(data["until"].isoformat(), end=True) if data["until"] else None,
        }
    entries = selectors.access_log(request.user, **filters)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "privacy/access_log.html",
        {"page": page, "form": form, "querystring": query.urlencode()},
        status=200 if form.is_bound is False or form.is_valid() else 400,
    )


@login_required
@require_http_methods(["GET", "POST"])
def grants(request: HttpRequest) -> HttpResponse:
    _require(access_rules.may_manage_grants(request.user))
    form = GrantForm(request.POST if request.method == "POST" else None, actor=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                grant = sensitive_access.grant_access(
                    actor=request.user,
                    user=form.cleaned_data["user"],
                    subject=form.subject(),
                    purpose=form.cleaned_data["purpose"],
                    expires_at=form.expires_at(),
                )
            except errors.ValidationFailed as problem:
                add_domain_errors(form, problem)
            else:
                messages.success(
                    request,
                    f"{grant.user.display_name} reads {grant.subject}'s sensitive fields until {grant.expires_at:%Y-%m-%d}.",
                )
                return redirect("privacy:grants")
        status = 400
    active, ended = selectors.grants(request.user)
    return render(
        request, "privacy/grants.html", {"form": form, "active": active, "ended": ended}, status=status
    )


@login_required
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    grant = access.get_visible(request.user, SensitiveAccessGrant, pk=pk)
    form = RevokeForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    sensitive_access.revoke_grant(actor=request.user, grant=grant, reason=reason)
    messages.success(
        request, f"Revoked: {grant.user.username} no longer reads {grant.subject}'s sensitive fields."
    )
    return redirect("privacy:grants")


def _break_glass_page(request: HttpRequest, *, problem=None, status: int = 200) -> HttpResponse:
    """The sessions to review; after a refused review, that session's row keeps what was typed and says why."""
    waiting, reviewed = selectors.break_glass_sessions(request.user)
    for session in waiting:  # the review buttons, from the session's lifecycle table and its rule
        session.actions = lifecycle.actions_for(request.user, session)
        if problem and session.pk == problem["pk"]:
            session.problem = problem
    context = {"open_sessions": waiting, "reviewed": reviewed, "now": timezone.now()}
    return render(request, "privacy/break_glass.html", context, status=status)


@login_required
@require_GET
def break_glass_list(request: HttpRequest) -> HttpResponse:
    _require(access_rules.may_manage_grants(request.user))
    return _break_glass_page(request)


OUTCOME_DONE = {"accept": "accepted as justified", "flag": "flagged for follow-up"}


@login_required
@require_POST
def break_glass_review(request: HttpRequest, pk: int) -> HttpResponse:
    session = access.get_visible(request.user, BreakGlassSession, pk=pk)
    form = ReviewForm(request.POST)
    try:
        if not form.is_valid():
            raise errors.ValidationFailed(form.errors.get_json_data())
        sensitive_access.review_break_glass(
            actor=request.user,
            session=session,
            outcome=form.cleaned_data["outcome"],
            comment=form.cleaned_data["comment"],
        )
    except errors.ValidationFailed as problem:  # shown on the session's own row, the page kept (400)
        fields = {
            name: " ".join(m["message"] if isinstance(m, dict) else str(m) for m in messages)
            for name, messages in problem.fields.items()
        }
        shown = {"pk": session.pk, "comment": request.POST.get("comment", ""), "errors": fields}
        if not fields:
            shown["errors"] = {"comment": problem.message}
        return _break_glass_page(request, problem=shown, status=400)
    messages.success(
        request,
        f"Break-glass by {session.user.display_name} on {session.subject}: "
        f"{OUTCOME_DONE.get(form.cleaned_data['outcome'], form.cleaned_data['outcome'])}.",
    )
    return redirect("privacy:break-glass")
