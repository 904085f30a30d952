"""Discarding a draft (issue 18, defect 7): a confirmation page, then the draft is gone. Only its requester; a
request past draft is withdrawn instead (409 here)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from exceptions.forms import DiscardForm
from exceptions.services import requests as request_services
from exceptions.views.detail import get_request
from intimacy_ops import access, lifecycle
from intimacy_ops.forms import handle_form


@login_required
@require_http_methods(["GET", "POST"])
def request_discard(request: HttpRequest, pk: int) -> HttpResponse:
    exception = get_request(request.user, pk)
    lifecycle.require_state(exception, "discard", {exception.Status.DRAFT})  # 409: withdraw it instead
    access.require(request.user, "discard", exception)
    form = DiscardForm(request.POST if request.method == "POST" else None)

    def discard(data) -> tuple[str, str]:
        title = request_services.discard_draft(exception=exception, actor=request.user)
        return f"The draft {title} is discarded.", reverse("exceptions:list") + "?status=draft"

    return handle_form(
        request,
        form,
        act=discard,
        page=lambda status: render(
            request, "exceptions/discard_confirm.html", {"exception": exception, "form": form}, status=status
        ),
    )
