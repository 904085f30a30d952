"""Domain errors and their single mapping to HTTP status codes (CONTRACT.md, "Errors").

Services raise these; `api_exception_handler` turns them into JSON for the API and
`intimacy_ops.middleware.DomainErrorMiddleware` into a page for the browser.
"""

import logging
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions as drf
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class DomainError(Exception):
    status = 400
    code = "invalid"
    default_message = "The request could not be carried out."

    def __init__(self, message: str | None = None, **extra):
        self.message = message or self.default_message
        self.extra = extra
        super().__init__(self.message)

    def as_dict(self) -> dict:
        return {"detail": self.message, "code": self.code, **self.extra}


class ValidationFailed(DomainError):
    """Bad input: `fields` maps each field name to its messages."""

    status = 400
    code = "invalid"
    default_message = "Some fields need attention."

    def __init__(self, fields: dict[str, list[str] | str] | None = None, message: str | None = None):
        self.fields = {
            name: [msgs] if isinstance(msgs, str) else list(msgs) for name, msgs in (fields or {}).items()
        }
        super().__init__(message)

    def as_dict(self) -> dict:
        # The same shape DRF gives serializer errors: field name → list of messages.
        return (
            {**self.fields, "detail": self.message, "code": self.code} if self.fields else super().as_dict()
        )


class NotAuthenticated(DomainError):
    status = 401
    code = "not_authenticated"
    default_message = "Sign in first: send a session cookie or 'Authorization: Token <token>'."


class PermissionDenied(DomainError):
    status = 403
    code = "permission_denied"
    default_message = "Your role does not allow this action."
    action = ""  # what was refused, for the denial log only (never in the answer)
    target = ""  # "app_label.model:pk": a label and a key, never a field's value

    def about(self, action: str, obj) -> "PermissionDenied":
        """Name the refused action and its object for the denial log; the answer does not change."""
        self.action = action
        self.target = obj._meta.label_lower if isinstance(obj, type) else f"{obj._meta.label_lower}:{obj.pk}"
        return self


class NotFound(DomainError):
    """Missing, or outside the user's scope: the two are indistinguishable on purpose."""

    status = 404
    code = "not_found"
    default_message = "Not found."


class TransitionNotAllowed(DomainError):
    status = 409
    code = "transition_not_allowed"

    def __init__(self, *, action: str, status: str, allowed_actions: Iterable[str] = (), reason: str = ""):
        """`reason`, when given, says why in the object's own words instead of "Cannot … while …"."""
        allowed = sorted(allowed_actions)
        hint = f" Allowed now: {', '.join(allowed)}." if allowed else " No action is allowed in this state."
        why = reason or f"Cannot {action.replace('_', ' ')} while the status is '{status}'."
        super().__init__(
            f"{why}{hint}",
            action=action,
            status=status,
            allowed_actions=allowed,
        )


class Conflict(DomainError):
    """The data changed under the request (a stale preview, a duplicate)."""

    status = 409
    code = "conflict"
    default_message = "The data changed since you looked; reload and try again."


class RateLimited(DomainError):
    status = 429
    code = "rate_limited"
    default_message = "Too many attempts; try again later."


denials = logging.getLogger("intimacy_ops.access")


def log_denial(request, exc: Exception) -> None:
    """One record per 403 answered: who, which action on which object, and the request id.

    Only ids, labels and route names: never a field's value, never the reason's free text.
    """
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    route = match.view_name if match else request.path
    action = getattr(exc, "action", "") or f"{request.method} {route}"
    # Without an object named by `access.require`, the route's numeric ids say what was asked for.
    target = getattr(exc, "target", "") or " ".join(
        f"{route}:{name}={value}"
        for name, value in (match.kwargs.items() if match else ())
        if isinstance(value, int)
    )
    fields = {
        "user_id": getattr(user, "pk", None),
        "username": getattr(user, "username", "") or "anonymous",
        "action": action,
        "object": target or "-",
        "request_id": getattr(request, "request_id", "-"),
    }
    denials.warning(
        "denied user=%(username)s (id %(user_id)s) action=%(action)s object=%(object)s request_id=%(request_id)s",
        fields,
        extra=fields,
    )


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's handler plus the domain errors. Django's own 403/404 keep DRF's treatment."""
    if isinstance(exc, DomainError):
        headers = {}
        if isinstance(exc, RateLimited) and "retry_after_seconds" in exc.extra:
            headers["Retry-After"] = str(exc.extra["retry_after_seconds"])
        if isinstance(exc, NotAuthenticated):
            headers["WWW-Authenticate"] = "Token"
        if exc.status == 403:
            log_denial(context["request"], exc)
        return Response(exc.as_dict(), status=exc.status, headers=headers)
    if isinstance(exc, Http404):
        exc = drf.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = drf.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "detail" in response.data:
        response.data.setdefault("code", getattr(response.data["detail"], "code", "error"))
    if response is not None and response.status_code == 403:
        log_denial(context["request"], exc)
    return response
