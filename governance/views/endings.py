"""Sunset… and Revoke… on the request page (issue 17, item 3): an operations lead of the customer's region ends
an active exception in their own right (exceptions' rules `sunset`, `revoke`); the chair of the board covering
it ends it for the board (`sunset_exception`, `revoke_exception`). Each asks first: a confirmation page with
the reason the account manager reads. Anyone else sees no button, and the page and the API answer 403."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from exceptions.models import ExceptionRequest
from exceptions.services import lifecycle
from governance.selectors.boards import board_for
from governance.services import outcomes
from intimacy_ops import access, errors
from intimacy_ops.forms import handle_form

LABELS = {"sunset": ("Sunset…", "Sunset", "end-sunset"), "revoke": ("Revoke…", "Revoke", "end-revoke")}


def ways_to_end(user, exception: ExceptionRequest) -> dict[str, str]:
    """action → "person" (a lead of the region) or "board" (the covering board's chair), for what this user may."""
    if exception.status != ExceptionRequest.Status.ACTIVE:
        return {}
    ways, board = {}, None
    for action in LABELS:
        if access.allowed_in_scope(user, action, exception):
            ways[action] = "person"
            continue
        if board is None:
            board = (
                board_for(category=exception.process.category, region_id=exception.customer.region_id)
                or False
            )
        if board and access.allowed(user, outcomes.BOARD_ENDINGS[action][0], board):
            ways[action] = "board"
    return ways


def request_buttons(user, exception):
    """The exceptions hook: the request page's Sunset… / Revoke… buttons for this user."""
    return [
        (
            LABELS[action][0],
            reverse(f"governance:exception-{action}", args=[exception.pk]),
            LABELS[action][2],
        )
        for action in ways_to_end(user, exception)
    ]


class EndForm(forms.Form):
    reason = forms.CharField(
        max_length=4000, widget=forms.Textarea(attrs={"rows": 3}), help_text="The account manager reads it."
    )
    confirm = forms.BooleanField(label="Yes, end this exception now")


@login_required
@require_http_methods(["GET", "POST"])
def exception_sunset(request: HttpRequest, pk: int) -> HttpResponse:
    return _end(request, pk, "sunset")


@login_required
@require_http_methods(["GET", "POST"])
def exception_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    return _end(request, pk, "revoke")


def _end(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    exception = access.get_visible(
        request.user, ExceptionRequest.objects.select_related("customer__region", "process"), pk=pk
    )
    way = ways_to_end(request.user, exception).get(action)
    if way is None:
        if exception.status != ExceptionRequest.Status.ACTIVE:
            raise errors.Conflict(f"Only an active exception can be ended; this one is {exception.status}.")
        raise errors.PermissionDenied(
            "Only an operations lead of the customer's region or the chair of the covering board ends it."
        ).about(action, exception)
    form = EndForm(request.POST if request.method == "POST" else None)

    def end(data) -> tuple[str, str]:
        if way == "person":
            lifecycle.end_exception(
                exception=exception, action=action, actor=request.user, comment=data["reason"]
            )
        else:
            outcomes.end_for_board(
                exception=exception, actor=request.user, reason=data["reason"], action=action
            )
        done = "sunset" if action == "sunset" else "revoked"
        return f"“{exception.title}” is {done}.", reverse("exceptions:detail", args=[pk])

    context = {"exception": exception, "form": form, "action": action, "label": LABELS[action][1], "way": way}
    return handle_form(
        request,
        form,
        act=end,
        page=lambda status: render(request, "governance/exception_end.html", context, status=status),
    )
