"""What the segments pages share: page size, htmx detection, error messages (query strings and sortable
headers: intimacy_ops.listing)."""

from django.http import HttpRequest

from intimacy_ops import errors

PAGE_SIZE = 25


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _field_messages(problem: errors.ValidationFailed) -> list[str]:
    return [message for messages_ in problem.fields.values() for message in messages_] or [problem.message]
