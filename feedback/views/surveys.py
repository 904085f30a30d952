"""Survey invitations from the customer's page (issue 19, item 5): schedule one
(`/feedback/customers/<id>/surveys/`) and cancel one (`/feedback/surveys/<id>/cancel/`, asked to confirm first).
htmx gets the customer's feedback card back; without it, a message and the customer's page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from feedback.forms import SurveyForm
from feedback.models import SurveyInvitation
from feedback.services import surveys as services
from feedback.templatetags.feedback_tags import customer_feedback_context
from intimacy_ops import access, errors
from intimacy_ops.forms import add_domain_errors
from segments.models import Customer


def _answer(request, customer, *, ok: bool, message: str, survey_form=None) -> HttpResponse:
    if not request.headers.get("HX-Request"):
        (messages.success if ok else messages.error)(request, message)
        return redirect("segments:customer-detail", pk=customer.pk)
    context = customer_feedback_context(request, customer, survey_form=survey_form, survey_note=message)
    html = render_to_string("feedback/_customer_feedback.html", context, request=request)
    return HttpResponse(html, status=200 if ok else 400)


@login_required
@require_POST
def schedule(request: HttpRequest, pk: int) -> HttpResponse:
    customer = access.get_visible(request.user, Customer, pk=pk)
    access.require(request.user, "schedule_survey", customer)
    form = SurveyForm(request.POST)
    if form.is_valid():
        try:
            invitation = services.schedule_survey(actor=request.user, customer=customer, **form.cleaned_data)
        except errors.ValidationFailed as invalid:
            add_domain_errors(form, invalid)
        except errors.Conflict as conflict:
            form.add_error(None, conflict.message)
        else:
            return _answer(
                request,
                customer,
                ok=True,
                message=f"{invitation.get_survey_display()} scheduled for {invitation.due_on:%-d %b %Y}.",
            )
    problems = " ".join(e for errs in form.errors.values() for e in errs)
    return _answer(request, customer, ok=False, message=problems, survey_form=form)


@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = access.get_visible(request.user, SurveyInvitation.objects.select_related("customer"), pk=pk)
    invitation = services.cancel_survey(actor=request.user, invitation=invitation)
    return _answer(
        request, invitation.customer, ok=True, message=f"{invitation.get_survey_display()} cancelled."
    )
