"""What the segments pages share: page size, query strings, sortable headers, htmx detection."""

from django.http import HttpRequest

from intimacy_ops import errors

PAGE_SIZE = 25


def _querystring(request: HttpRequest, **changes) -> str:
    """The current query with some keys replaced (None removes one); the page number always resets."""
    query = request.GET.copy()
    query.pop("page", None)
    for key, value in changes.items():
        query.pop(key, None)
        if value not in (None, ""):
            query[key] = value
    return query.urlencode()


def _sort_headers(request: HttpRequest, columns: list[tuple[str, str, str]], current: str) -> list[dict]:
    """Column headers that sort: a click sorts ascending, a second click descending."""
    headers = []
    for key, label, flags in columns:
        active = current.lstrip("-") == key
        descending = active and current.startswith("-")
        headers.append(
            {
                "key": key,
                "label": label,
                "active": active,
                "descending": descending,
                "numeric": "num" in flags,
                "hide_small": "hide" in flags,
                "query": _querystring(request, sort=(key if descending or not active else f"-{key}")),
            }
        )
    return headers


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _field_messages(problem: errors.ValidationFailed) -> list[str]:
    return [message for messages_ in problem.fields.values() for message in messages_] or [problem.message]
