"""Template tags of the privacy part.

- `{% privacy_controls subject as privacy %}`: what a subject's page offers this user about consent and
  the data subject's export (asked of the access policy, like every other button).
- `{% subject_noun as noun %}`: what the declared subjects are called (their verbose names).
- `{{ row|subject_link }}`: the subject of a grant, session or access-log row, linked to its page.
"""

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from intimacy_ops import access
from privacy import consent, subjects
from privacy.services.subject_export import MIN_PURPOSE

register = template.Library()


@register.simple_tag(takes_context=True)
def privacy_controls(context, subject) -> dict:
    user = context["request"].user
    return {
        "may_change_consent": bool(access.allowed(user, "change_consent", subject)),
        "may_export": bool(access.allowed(user, "subject_export", subject)),
        "flags": [
            {"key": key, "label": label, "given": bool(getattr(subject, name))}
            for key, (name, label) in consent.flags(subject).items()
        ],
        "min_purpose": MIN_PURPOSE,
    }


@register.simple_tag
def subject_noun() -> str:
    return " or ".join(subject.verbose_name for subject in subjects.all()) or "data subject"


def _url(row) -> str:
    declaration = subjects.by_content_type_id(row.subject_type_id)
    if declaration is None or not declaration.url_name:
        return ""
    try:
        return reverse(declaration.url_name, args=[row.subject_id])
    except NoReverseMatch:
        return ""


@register.filter
def subject_name(row) -> str:
    subject = row.subject
    return str(subject) if subject is not None else f"#{row.subject_id} (gone)"


@register.filter
def subject_link(row):
    url = _url(row)
    if not url:
        return subject_name(row)
    return format_html('<a href="{}">{}</a>', url, subject_name(row))
