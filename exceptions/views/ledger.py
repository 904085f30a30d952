"""What happens to an active exception, from its page: actual costs booked against it, extensions asked for
and decided. Each form goes through intimacy_ops.forms.handle_form: a service's field errors are shown on
the request page again (400); success redirects to it with a message."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from exceptions import selectors
from exceptions.forms import CostForm, ExtensionDecisionForm, ExtensionForm
from exceptions.services import costs, extensions
from exceptions.views.detail import detail_page, get_request
from intimacy_ops import access
from intimacy_ops.forms import handle_form


def _on_the_request_page(request, exception, form_name: str, form, act) -> HttpResponse:
    return handle_form(
        request,
        form,
        act=act,
        page=lambda status: detail_page(request, exception, forms={form_name: form}, status=status),
    )


@login_required
@require_POST
def cost_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Book an actual cost against an active exception."""
    exception = get_request(request.user, pk)

    def book(data) -> tuple[str, str]:
        entry = costs.record_cost(actor=request.user, exception=exception, **data)
        message = f"Booked {entry.amount:,.2f} incurred on {entry.incurred_on:%d %b %Y}."
        return message, reverse("exceptions:detail", args=[pk])

    return _on_the_request_page(request, exception, "cost_form", CostForm(request.POST), book)


@login_required
@require_POST
def extension_request(request: HttpRequest, pk: int) -> HttpResponse:
    """The requester asks to run an active exception longer."""
    exception = get_request(request.user, pk)

    def ask(data) -> tuple[str, str]:
        extension = extensions.request_extension(actor=request.user, exception=exception, **data)
        who = "the change-control board" if extension.needs_board else "the operations lead"
        message = f"Extension until {extension.new_expires_on:%d %b %Y} asked: {who} decides."
        return message, reverse("exceptions:detail", args=[pk])

    return _on_the_request_page(request, exception, "extension_form", ExtensionForm(request.POST), ask)


@login_required
@require_POST
def extension_decide(request: HttpRequest, pk: int, extension_pk: int) -> HttpResponse:
    """An operations lead of the region approves or rejects an extension within the region's maximum."""
    exception = get_request(request.user, pk)
    extension = access.get_visible(
        request.user, selectors.extensions_of(request.user, exception), pk=extension_pk
    )

    def decide(data) -> tuple[str, str]:
        approve = data["decision"] == "approve"
        extensions.decide_extension(
            actor=request.user, extension=extension, approve=approve, comment=data["comment"]
        )
        message = "Extension approved: the expiry moved." if approve else "Extension rejected."
        return message, reverse("exceptions:detail", args=[pk])

    form = ExtensionDecisionForm(request.POST)
    return _on_the_request_page(request, exception, "extension_decision_form", form, decide)
