"""A condition of an approval marked met from the review page (its owner or the board's chair), with a note."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from governance.models_decisions import Condition
from governance.services import conditions
from intimacy_ops import access


@login_required
@require_POST
def condition_met(request: HttpRequest, pk: int) -> HttpResponse:
    """403 unless its owner or the chair (the layout's error page), 409 when already met."""
    condition = access.get_visible(request.user, Condition.objects.select_related("review__board"), pk=pk)
    conditions.mark_met(condition=condition, actor=request.user, note=request.POST.get("note", "")[:4000])
    messages.success(request, "The condition is marked met.")
    return redirect(condition.review.get_absolute_url())
