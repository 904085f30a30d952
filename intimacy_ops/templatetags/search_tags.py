"""`{{ hit.title|highlight:q }}`: the search's words marked in a hit (escaped first; case-insensitive, as the
search matches)."""

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def highlight(text, query):
    text, query = str(text or ""), str(query or "").strip()
    if not query:
        return text
    pattern = re.compile(re.escape(query), re.IGNORECASE)
    parts, last = [], 0
    for found in pattern.finditer(text):
        parts += [escape(text[last : found.start()]), f"<mark>{escape(found.group(0))}</mark>"]
        last = found.end()
    parts.append(escape(text[last:]))
    return mark_safe("".join(parts))  # noqa: S308 — every piece escaped above
