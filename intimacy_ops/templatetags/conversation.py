"""The conversation on a page: `{% include "conversation/_panel.html" with subject=obj %}` draws the comment
form, the watch button and (for a page without a timeline of its own) the timeline; a page with a timeline
merges the comments into it: `{% for step in timeline|with_comments:obj %}` (each comment has `is_comment`)."""

import re
from dataclasses import dataclass

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.html import escape, format_html, linebreaks
from django.utils.safestring import mark_safe

from intimacy_ops import conversation
from intimacy_ops.conversation import selectors
from intimacy_ops.conversation.forms import CommentForm
from intimacy_ops.conversation.services import MENTION

register = template.Library()


@dataclass
class Event:
    """A step of a subject's life a page without its own timeline shows among the comments."""

    at: object
    label: str
    actor: object = None
    detail: str = ""
    is_comment = False


def _comments(obj) -> list:
    cached = getattr(obj, "_conversation_comments", None)
    if cached is None:
        cached = list(selectors.comments_of(obj))
        obj._conversation_comments = cached
    return cached


@register.filter
def with_comments(entries, obj) -> list:
    """A timeline's entries (each with `at`) and the subject's comments, in the order they happened."""
    return sorted([*entries, *_comments(obj)], key=lambda entry: entry.at)


@register.simple_tag(takes_context=True)
def conversation_of(context, obj) -> dict:
    request = context["request"]
    subject = conversation.of(obj)
    watchers = selectors.watchers_of(obj)
    events = [Event(*event) for event in subject.events(obj)] if subject.events else None
    return {
        "subject": subject,
        "obj": obj,
        "form": getattr(request, "conversation_form", None) or CommentForm(),
        "watchers": watchers,
        "watching": any(person.pk == request.user.pk for person in watchers),
        "timeline": with_comments(events, obj) if events is not None else None,
        "comment_url": reverse(f"conversation:{subject.key}-comment", args=[obj.pk]),
        "watch_url": reverse(f"conversation:{subject.key}-watch", args=[obj.pk]),
        "people_url": reverse(f"conversation:{subject.key}-people", args=[obj.pk]),
        "types": ", ".join(settings.CONVERSATION_ATTACHMENT_TYPES),
        "max_bytes": settings.CONVERSATION_ATTACHMENT_MAX_BYTES,
    }


@register.filter
def comment_body(comment) -> str:
    """The comment's text, escaped, paragraphs kept, each mention shown as the person's full name."""
    names = {person.username.lower(): person for person in comment.mentioned.all()}

    def mention(match: re.Match) -> str:
        person = names.get(match.group(1).lower())
        if person is None:
            return match.group(0)
        return format_html(
            '<span class="mention" title="@{}" data-testid="mention">@{}</span>',
            person.username,
            person.display_name,
        )

    return mark_safe(linebreaks(MENTION.sub(lambda m: mention(m), escape(comment.body))))  # noqa: S308
