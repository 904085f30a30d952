"""Pages of sensitive data beyond the role: the access log (stewards, auditors), grants and break-glass
review (stewards), and opening break-glass from a customer's page (anyone who sees the customer)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from intimacy_ops import access, errors
from intimacy_ops.accounts.models import User
from intimacy_ops.forms import add_domain_errors
from segments import access_rules
from segments.models import Customer
from segments.privacy_filters import parse_moment
from segments.privacy_forms import AccessLogFilterForm, BreakGlassForm, GrantForm, ReviewForm, RevokeForm
from segments.privacy_models import AccessLogEntry, BreakGlassSession, SensitiveAccessGrant
from segments.services import privacy

PAGE_SIZE = 50


def _require(decision) -> None:
    if not decision:
        raise errors.PermissionDenied(decision.reason)


@login_required
@require_GET
def access_log(request: HttpRequest) -> HttpResponse:
    _require(access_rules.may_read_access_log(request.user))
    form = AccessLogFilterForm(request.GET or None)
    entries = access.visible(request.user, AccessLogEntry.objects.select_related("user", "customer"))
    if form.is_valid():
        data = form.cleaned_data
        if data["user"]:
            entries = entries.filter(user__username=data["user"].strip())
        if data["customer"]:
            entries = entries.filter(customer_id=data["customer"])
        if data["since"]:
            entries = entries.filter(at__gte=parse_moment(data["since"].isoformat()))
        if data["until"]:
            entries = entries.filter(at__lt=parse_moment(data["until"].isoformat(), end=True))
    page = Paginator(entries.order_by("-at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "segments/privacy/access_log.html",
        {"page": page, "form": form, "querystring": query.urlencode()},
        status=200 if form.is_bound is False or form.is_valid() else 400,
    )


def _grant_form(request, data=None) -> GrantForm:
    return GrantForm(
        data,
        users=User.objects.filter(is_active=True).exclude(pk=request.user.pk).order_by("username"),
        customers=access.visible(request.user, Customer).order_by("name"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def grants(request: HttpRequest) -> HttpResponse:
    _require(access_rules.may_manage_grants(request.user))
    form = _grant_form(request, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                grant = privacy.grant_access(
                    actor=request.user,
                    user=form.cleaned_data["user"],
                    customer=form.cleaned_data["customer"],
                    purpose=form.cleaned_data["purpose"],
                    expires_at=form.expires_at(),
                )
            except errors.ValidationFailed as problem:
                add_domain_errors(form, problem)
            else:
                messages.success(
                    request,
                    f"{grant.user.username} reads {grant.customer.name}'s sensitive fields until {grant.expires_at:%Y-%m-%d}.",
                )
                return redirect("segments:privacy-grants")
        status = 400
    now = timezone.now()
    scoped = access.visible(
        request.user, SensitiveAccessGrant.objects.select_related("user", "customer", "granted_by")
    )
    context = {
        "form": form,
        "active": scoped.filter(revoked_at__isnull=True, expires_at__gt=now).order_by("expires_at"),
        "ended": scoped.exclude(revoked_at__isnull=True, expires_at__gt=now).order_by("-granted_at")[:25],
    }
    return render(request, "segments/privacy/grants.html", context, status=status)


@login_required
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    grant = access.get_visible(request.user, SensitiveAccessGrant, pk=pk)
    form = RevokeForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    privacy.revoke_grant(actor=request.user, grant=grant, reason=reason)
    messages.success(
        request, f"Revoked: {grant.user.username} no longer reads {grant.customer.name}'s sensitive fields."
    )
    return redirect("segments:privacy-grants")


@login_required
@require_GET
def break_glass_list(request: HttpRequest) -> HttpResponse:
    _require(access_rules.may_manage_grants(request.user))
    sessions = access.visible(
        request.user, BreakGlassSession.objects.select_related("user", "customer", "reviewed_by")
    )
    context = {
        "open_sessions": sessions.filter(reviewed_at__isnull=True).order_by("opened_at"),
        "reviewed": sessions.filter(reviewed_at__isnull=False).order_by("-reviewed_at")[:25],
        "now": timezone.now(),
    }
    return render(request, "segments/privacy/break_glass.html", context)


@login_required
@require_POST
def break_glass_review(request: HttpRequest, pk: int) -> HttpResponse:
    session = access.get_visible(request.user, BreakGlassSession, pk=pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        raise errors.ValidationFailed(form.errors.get_json_data())
    privacy.review_break_glass(
        actor=request.user,
        session=session,
        outcome=form.cleaned_data["outcome"],
        comment=form.cleaned_data["comment"],
    )
    messages.success(
        request,
        f"Break-glass by {session.user.username} on {session.customer.name}: {form.cleaned_data['outcome']}.",
    )
    return redirect("segments:privacy-break-glass")


@login_required
@require_POST
def customer_break_glass(request: HttpRequest, pk: int) -> HttpResponse:
    customer = access.get_visible(request.user, Customer, pk=pk)
    form = BreakGlassForm(request.POST)
    if form.is_valid():
        try:
            session = privacy.open_break_glass(
                actor=request.user,
                customer=customer,
                justification=form.cleaned_data["justification"],
                hours=form.cleaned_data["hours"],
            )
        except errors.ValidationFailed as problem:
            add_domain_errors(form, problem)
        else:
            messages.warning(
                request,
                f"Break-glass open until {session.expires_at:%H:%M} UTC. The data stewards have been told; every look is logged.",
            )
            return redirect("segments:customer-detail", pk=customer.pk)
    from segments.views.customers import _customer_page

    return _customer_page(request, pk, break_glass_form=form, status=400)
