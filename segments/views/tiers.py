"""The tiers page: tiers against capacity, the what-if preview and its apply."""

import json
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from intimacy_ops import access, errors, parsers
from segments.forms import (
    WHAT_IF_FIELDS,
    ApplyForm,
    WhatIfForm,
    plain_number,
)
from segments.models import ThresholdChange
from segments.selectors import tiers as pages
from segments.services import classification, tier_changes
from segments.views.common import _field_messages, _is_htmx


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
        "history": tier_changes.history() if manage else [],
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


@login_required
@require_GET
def tier_revert(request: HttpRequest, pk: int) -> HttpResponse:
    """A history entry's revert: the preview of a new change restoring the thresholds before it; applying it
    goes through the same apply (and the same region rule) as any change."""
    _require_tier_manager(request.user)
    change = access.get_visible(request.user, ThresholdChange.objects.all(), pk=pk)
    tiers = pages.tiers(request.user)
    proposal = tier_changes.revert_proposal(change, {tier.pk for tier in tiers})
    if not proposal:
        return _tiers_page(request, problems=[f"Change {change.batch} has nothing left to restore."])
    result = classification.preview(user=request.user, proposal=proposal)
    reason = f"Revert of change {change.batch} ({change.applied_at:%Y-%m-%d})"
    apply_form = ApplyForm(
        initial={"proposal": json.dumps(proposal), "fingerprint": result.fingerprint, "reason": reason}
    )
    form = WhatIfForm.from_proposal(proposal, segments=tiers)
    return _tiers_page(request, form=form, preview=(result, proposal, apply_form))


STALE = (
    "The customers or thresholds changed since this preview was made: "
    "preview again and review the new figures before applying."
)


def _loads(raw):
    try:
        return parsers.loads(raw or "[]")
    except ValueError:
        return []
