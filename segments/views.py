"""Pages of the segments app: customers, tiers with the what-if preview, SLA policies, service cases.

Each view parses its input, calls one selector or service, and renders. Domain errors a service
raises become the 403/404/409 pages of the layout (intimacy_ops.middleware) unless the page has a
better place to say it (a form field, the stale-preview notice).
"""

import json
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from intimacy_ops import access, errors, sensitive
from intimacy_ops.forms import add_domain_errors
from segments import page_selectors as pages
from segments.forms import (
    WHAT_IF_FIELDS,
    ApplyForm,
    CaseFilterForm,
    CustomerFilterForm,
    LockForm,
    SlaPolicyForm,
    UnlockForm,
    WhatIfForm,
    plain_number,
)
from segments.models import Customer, Priority, Segment, SlaPolicy
from segments.services import classification, customers, sla

PAGE_SIZE = 25


def _querystring(request: HttpRequest, **changes) -> str:
    """The current query with some keys replaced (None removes one); the page number always resets."""
    query = request.GET.copy()
    query.pop("page", None)
    for key, value in changes.items():
        query.pop(key, None)
        if value not in (None, ""):
            query[key] = value
    return query.urlencode()


def _sort_headers(request: HttpRequest, columns: list[tuple[str, str, str]], current: str) -> list[dict]:
    """Column headers that sort: a click sorts ascending, a second click descending."""
    headers = []
    for key, label, flags in columns:
        active = current.lstrip("-") == key
        descending = active and current.startswith("-")
        headers.append(
            {
                "key": key,
                "label": label,
                "active": active,
                "descending": descending,
                "numeric": "num" in flags,
                "hide_small": "hide" in flags,
                "query": _querystring(request, sort=(key if descending or not active else f"-{key}")),
            }
        )
    return headers


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _field_messages(problem: errors.ValidationFailed) -> list[str]:
    return [message for messages_ in problem.fields.values() for message in messages_] or [problem.message]


# --- customers ----------------------------------------------------------------------------------------


CUSTOMER_COLUMNS = [
    # key, label, flags ("num": right-aligned figure, "hide": left out on a phone)
    ("name", "Customer", ""),
    ("segment", "Segment", ""),
    ("region", "Region", "hide"),
    ("manager", "Account manager", "hide"),
    ("revenue", "Annual revenue", "num"),
    ("strategic", "Strategic value", "num hide"),
    ("open_cases", "Open cases", "num"),
]


@login_required
@require_GET
def customer_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    # An e-mail address in the search box is a search by contact_email: refused, it would reveal it.
    sensitive.refuse_masked_query(user, Customer, request.GET, ordering_param="sort", search_param="q")
    filters = CustomerFilterForm(request.GET, user=user).filters()
    page = Paginator(pages.customers(user, **filters), PAGE_SIZE).get_page(request.GET.get("page"))
    choices = pages.customer_filter_choices(user)
    show_region = len(choices["regions"]) > 1
    show_manager = len(choices["managers"]) > 1 or filters["manager"] is not None
    columns = [c for c in CUSTOMER_COLUMNS if c[0] != "region" or show_region]
    counts = pages.customer_counts(user)
    context = {
        "page": page,
        "filters": filters,
        "choices": choices,
        "counts": counts,
        # The "my accounts" toggle, for whoever manages some of these customers.
        "manages_accounts": bool(counts["mine"]) or filters["mine"],
        "show_region": show_region,
        "show_manager": show_manager,
        "filter_selects": 1 + show_region + show_manager,
        "headers": _sort_headers(request, columns, filters["sort"]),
        "querystring": _querystring(request),
        "mine_query": _querystring(request, mine="1"),
        "all_query": _querystring(request, mine=None),
        "filtered": any(filters[key] for key in ("q", "segment", "region", "manager")),
    }
    return render(request, "segments/customer_list.html", context)


def _customer_page(
    request, pk, *, lock_form=None, unlock_form=None, break_glass_form=None, status=200
) -> HttpResponse:
    from segments.privacy_forms import BreakGlassForm

    user = request.user
    data = pages.customer_detail(user, pk)
    customer = data["customer"]
    data.update(
        {
            "contact_email": sensitive.show(user, customer, "contact_email"),
            "personal_notes": sensitive.show(user, customer, "personal_notes"),
            "masked": sensitive.MASK,
            # Why the sensitive fields are shown ("own account", "grant: …", "break-glass"), or None.
            "sensitive_purpose": sensitive.purpose(user, customer, "personal_notes"),
            "break_glass_form": break_glass_form or BreakGlassForm(),
            "lock_form": lock_form or LockForm(initial={"segment": customer.segment_id}),
            "unlock_form": unlock_form or UnlockForm(),
        }
    )
    return render(request, "segments/customer_detail.html", data, status=status)


@login_required
@require_GET
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _customer_page(request, pk)


@login_required
@require_POST
def customer_lock(request: HttpRequest, pk: int) -> HttpResponse:
    customer = access.get_visible(request.user, Customer, pk=pk)
    access.require(request.user, "lock_segment", customer)
    form = LockForm(request.POST)
    if form.is_valid():
        try:
            customers.lock_segment(
                actor=request.user,
                customer=customer,
                segment=form.cleaned_data["segment"],
                reason=form.cleaned_data["reason"],
            )
        except errors.ValidationFailed as problem:
            add_domain_errors(form, problem)
        else:
            messages.success(
                request,
                f"{customer.name} is now held in {form.cleaned_data['segment'].name}; the rules leave them there until unlocked.",
            )
            return redirect("segments:customer-detail", pk=customer.pk)
    return _customer_page(request, pk, lock_form=form, status=400)


@login_required
@require_POST
def customer_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    customer = access.get_visible(request.user, Customer, pk=pk)
    access.require(request.user, "lock_segment", customer)
    form = UnlockForm(request.POST)
    if not form.is_valid():
        return _customer_page(request, pk, unlock_form=form, status=400)
    customer = customers.unlock_segment(
        actor=request.user, customer=customer, reason=form.cleaned_data["reason"]
    )
    customer.refresh_from_db()
    messages.success(
        request,
        f"{customer.name} follows the rules again: classified in {customer.segment or 'no segment'}.",
    )
    return redirect("segments:customer-detail", pk=customer.pk)


# --- tiers and the what-if preview ---------------------------------------------------------------------


def _tiers_page(request, *, form=None, preview=None, stale="", problems=(), status=200):
    user = request.user
    tiers = pages.tiers(user)
    manage = pages.may_manage_tiers(user)
    if manage and form is None:
        form = WhatIfForm(segments=tiers)
    context = {
        "tiers": tiers,
        "unclassified": pages.unclassified_count(),
        "manage": manage,
        **_what_if_context(tiers, form, preview, stale=stale, problems=problems),
    }
    return render(request, "segments/tiers.html", context, status=status)


def _what_if_context(tiers, form, preview, *, stale="", problems=()) -> dict:
    """The what-if section: the form, and when there is one, the preview as a matrix, a chart and a sample.

    `preview` is (result, proposal, apply_form or None).
    """
    context = {
        "form": form,
        "stale": stale,
        "problems": list(problems),
        "result": None,
        "total_customers": sum(tier.total for tier in tiers) + pages.unclassified_count(),
    }
    if preview is None:
        return context
    result, proposal, apply_form = preview
    now = {tier.pk: tier.total for tier in tiers}
    ranks = {tier.pk: tier.rank for tier in tiers}
    # The matrix: one row per tier customers leave (unclassified first), one column per tier they join.
    sources = sorted({row["from"] for row in result.movements}, key=lambda pk: ranks.get(pk, 0))
    cell = {(row["from"], row["to"]): row["count"] for row in result.movements}
    from_names = {row["from"]: row["from_name"] for row in result.movements}
    matrix = [
        {
            "name": from_names[source],
            "cells": [cell.get((source, tier.pk)) for tier in tiers],
            "total": sum(cell.get((source, tier.pk), 0) for tier in tiers),
        }
        for source in sources
    ]
    by_id = {tier.pk: tier for tier in tiers}
    changes = [
        {
            "tier": by_id[item["id"]].name,
            "what": WHAT_IF_FIELDS[name][0].lower(),
            "before": plain_number(getattr(by_id[item["id"]], name)),
            "after": plain_number(Decimal(str(value))) if isinstance(value, str) else value,
        }
        for item in proposal
        if item.get("id") in by_id
        for name, value in item.items()
        if name in WHAT_IF_FIELDS
    ]
    segments = []
    for row in result.segments:
        delta = row["count"] - now.get(row["id"], 0)
        change = f"+{delta}" if delta > 0 else (f"−{-delta}" if delta < 0 else "no change")
        segments.append(dict(row, now=now.get(row["id"], 0), change=change))
    context.update(
        {
            "result": result,
            "matrix": matrix,
            "matrix_tiers": tiers,
            "moving": sum(row["count"] for row in result.movements),
            "preview_segments": segments,
            "over_capacity": [row for row in segments if row["over_capacity"]],
            "changes": changes,
            "chart": {
                "labels": [row["name"] for row in segments],
                "now": [row["now"] for row in segments],
                "after": [row["count"] for row in segments],
                "capacity": [row["capacity"] for row in segments],
                "over": [row["over_capacity"] for row in segments],
            },
            "apply_form": apply_form
            or ApplyForm(initial={"proposal": json.dumps(proposal), "fingerprint": result.fingerprint}),
        }
    )
    return context


@login_required
@require_GET
def tier_list(request: HttpRequest) -> HttpResponse:
    return _tiers_page(request)


def _require_tier_manager(user) -> None:
    if not pages.may_manage_tiers(user):
        raise errors.PermissionDenied("Only operations leads preview and change segment thresholds.")


@login_required
@require_POST
def tier_preview(request: HttpRequest) -> HttpResponse:
    """What the proposed thresholds would do, changing nothing. htmx swaps in the section; without JS, the page."""
    _require_tier_manager(request.user)
    tiers = pages.tiers(request.user)
    form = WhatIfForm(request.POST, segments=tiers)
    preview, problems = None, []
    if form.is_valid():
        proposal = form.proposal()
        try:
            preview = (classification.preview(user=request.user, proposal=proposal), proposal, None)
        except errors.ValidationFailed as problem:
            problems = _field_messages(problem)
    if _is_htmx(request):
        # 200 even for bad input, so htmx swaps the form with its messages in.
        context = {"manage": True, **_what_if_context(tiers, form, preview, problems=problems)}
        return render(request, "segments/_what_if.html", context)
    return _tiers_page(request, form=form, preview=preview, problems=problems, status=200 if preview else 400)


@login_required
@require_POST
def tier_apply(request: HttpRequest) -> HttpResponse:
    """Apply exactly the previewed change; a preview the data has moved away from is refused (409)."""
    _require_tier_manager(request.user)
    tiers = pages.tiers(request.user)
    form = ApplyForm(request.POST)
    if not form.is_valid():
        # No reason given (or a damaged form): show the same preview again with the message.
        what_if = WhatIfForm.from_proposal(_loads(request.POST.get("proposal")), segments=tiers, bound=True)
        preview = None
        if what_if.is_valid():
            proposal = what_if.proposal()
            result = classification.preview(user=request.user, proposal=proposal)
            if result.fingerprint == request.POST.get("fingerprint"):
                preview = (result, proposal, form)
            else:
                return _tiers_page(request, form=what_if, stale=STALE, status=409)
        return _tiers_page(request, form=what_if, preview=preview, status=400)
    proposal = form.cleaned_data["proposal"]
    try:
        outcome = classification.apply_preview(
            user=request.user,
            proposal=proposal,
            fingerprint=form.cleaned_data["fingerprint"],
            reason=form.cleaned_data["reason"],
        )
    except errors.Conflict as conflict:
        what_if = WhatIfForm.from_proposal(proposal, segments=tiers)
        return _tiers_page(request, form=what_if, stale=conflict.message, status=409)
    except errors.ValidationFailed as problem:
        what_if = WhatIfForm.from_proposal(proposal, segments=tiers)
        return _tiers_page(request, form=what_if, problems=_field_messages(problem), status=400)
    moved = outcome["moved"]
    messages.success(
        request,
        f"Thresholds applied: {moved} customer{'s' if moved != 1 else ''} moved to a new tier "
        f"(change {outcome['batch']}, recorded in the audit trail).",
    )
    return redirect("segments:tiers")


STALE = (
    "The customers or thresholds changed since this preview was made: "
    "preview again and review the new figures before applying."
)


def _loads(raw):
    try:
        return json.loads(raw or "[]")
    except ValueError:
        return []


# --- SLA policies ---------------------------------------------------------------------------------------


@login_required
@require_GET
def sla_matrix(request: HttpRequest) -> HttpResponse:
    context = {
        "rows": pages.sla_matrix(),
        "priorities": Priority.choices,
        "manage": pages.may_manage_tiers(request.user),
    }
    return render(request, "segments/sla_matrix.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def sla_edit(request: HttpRequest, segment_id: int, priority: str) -> HttpResponse:
    segment = access.get_visible(request.user, Segment, pk=segment_id)
    if priority not in Priority.values:
        raise errors.NotFound("No such priority: use P1, P2, P3 or P4.")
    if not pages.may_change_policy(request.user, segment, priority):
        raise errors.PermissionDenied(
            "Only operations leads change SLA policies; the matrix is yours to read."
        )
    policy = SlaPolicy.objects.filter(segment=segment, priority=priority).first()
    conflicts: list[str] = []
    status = 200
    if request.method == "POST":
        form = SlaPolicyForm(request.POST, policy=policy)
        if form.is_valid():
            try:
                saved = sla.save_policy(
                    actor=request.user,
                    segment=segment,
                    priority=priority,
                    values=form.values(),
                    equity_reason=form.cleaned_data["equity_reason"],
                )
            except errors.ValidationFailed as problem:
                status = 400
                for name, messages_ in problem.fields.items():
                    if name in ("equity_reason", "equity"):
                        conflicts = [
                            m for m in messages_ if not m.startswith(("To save it anyway", "Only an"))
                        ]
                        notes = [m for m in messages_ if m not in conflicts]
                        if form.cleaned_data["equity_reason"].strip() and name == "equity_reason":
                            form.add_error("equity_reason", notes[-1] if notes else problem.message)
                        elif name == "equity":
                            form.add_error(None, " ".join(notes) or problem.message)
                    else:
                        for message in messages_:
                            form.add_error(name if name in form.fields else None, message)
            else:
                label = f"{segment.name} {priority}"
                if saved.equity_exception_reason:
                    messages.warning(
                        request,
                        f"Saved the SLA policy for {label} as a confirmed exception to tier equity: "
                        f"“{saved.equity_exception_reason}”.",
                    )
                else:
                    messages.success(request, f"Saved the SLA policy for {label}.")
                return redirect(f"{reverse('segments:sla')}#cell-{segment.pk}-{priority}")
        else:
            status = 400
    else:
        form = SlaPolicyForm(policy=policy)
    context = {
        "segment": segment,
        "priority": priority,
        "priority_label": Priority(priority).label,
        "policy": policy,
        "form": form,
        "conflicts": conflicts,
        "ask_reason": bool(conflicts) or bool(policy and policy.equity_exception_reason),
        "others": [p for p in pages.same_priority_policies(priority) if p.segment_id != segment.pk],
    }
    return render(request, "segments/sla_edit.html", context, status=status)


# --- service cases --------------------------------------------------------------------------------------


CASE_COLUMNS = [
    ("opened", "Case", ""),
    ("customer", "Customer", ""),
    ("priority", "Priority", ""),
    ("due", "SLA", ""),
    ("queue", "Queue", "hide"),
]


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    filters = CaseFilterForm(request.GET, user=user).filters()
    page = Paginator(pages.cases(user, **filters), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [pages.case_row(case) for case in page.object_list]
    others = {key: filters[key] for key in ("q", "priority", "queue", "customer")}
    quick = None
    if filters["status"] == "open" and not any(others.values()):
        quick = {
            ("", ""): "open",
            ("yes", ""): "breached",
            ("no", ""): "within",
            ("", "yes"): "waiting",
        }.get((filters["breached"], filters["waiting"]))
    context = {
        "page": page,
        "rows": rows,
        "filters": filters,
        "choices": pages.case_filter_choices(user),
        "counts": pages.case_counts(user),
        "quick": quick,
        "headers": _sort_headers(request, CASE_COLUMNS, filters["sort"]),
        "querystring": _querystring(request),
        "filtered": any(
            filters[key] for key in ("q", "breached", "waiting", "priority", "queue", "customer")
        ),
    }
    return render(request, "segments/case_list.html", context)
