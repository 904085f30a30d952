"""`{% customer_feedback customer %}`: the Feedback section of a customer's page (segments' template): the
"log an insight" form (htmx), the customer's negative feedback, their latest items, and the survey invitations
(held ones with the reason; a small form to schedule one).

A template tag, not an import: segments never imports feedback (STYLE.md, dependency direction).
"""

from django import template
from django.utils import timezone

from feedback.forms import InsightForm, SurveyForm
from feedback.selectors import items as selectors
from feedback.selectors import surveys
from feedback.services.items import not_analysed_reason
from intimacy_ops import access, lifecycle, sensitive

register = template.Library()


def customer_feedback_context(
    request, customer, *, form=None, logged=None, survey_form=None, survey_note=""
) -> dict:
    user = request.user
    invitations = surveys.for_customer(user, customer)
    for invitation in invitations:
        invitation.may_cancel = "cancel" in lifecycle.actions_for(user, invitation)
    negative = selectors.negative_for_customer(user, customer)
    recent = selectors.recent_for_customer(user, customer)
    sensitive.prime(user, [*negative, *recent])
    for item in [*negative, *recent]:
        item.shown_text = sensitive.show(user, item, "text")
        item.note = not_analysed_reason(item)
    return {
        "request": request,
        "customer": customer,
        "negative": negative,
        "recent": recent,
        "may_log": bool(access.allowed(user, "log_feedback", customer)),
        "form": form or InsightForm(),
        "logged": logged,
        "invitations": invitations,
        "may_schedule": bool(access.allowed(user, "schedule_survey", customer)),
        "survey_form": survey_form or SurveyForm(initial={"due_on": timezone.localdate()}),
        "survey_note": survey_note,
    }


@register.inclusion_tag("feedback/_customer_feedback.html", takes_context=True)
def customer_feedback(context, customer) -> dict:
    return customer_feedback_context(context["request"], customer)
