"""Request context for the audit trail, the page-side mapping of domain errors, and the Permissions-Policy."""

import contextvars
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from intimacy_ops.errors import DomainError, NotAuthenticated, log_denial


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    ip: str | None


current_request: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "current_request", default=None
)


class RequestContextMiddleware:
    """Gives every request an id (kept from X-Request-ID when sent) that the audit trail records."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        supplied = request.headers.get("X-Request-ID", "")
        request_id = supplied[:64] if supplied.replace("-", "").isalnum() else uuid.uuid4().hex
        request.request_id = request_id
        token = current_request.set(RequestContext(request_id=request_id, ip=request.META.get("REMOTE_ADDR")))
        try:
            response = self.get_response(request)
        finally:
            current_request.reset(token)
        response["X-Request-ID"] = request_id
        return response


class DomainErrorMiddleware:
    """A domain error raised by a page becomes the error page of its status, in the layout."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DomainError) or request.path.startswith("/api/"):
            return None
        if isinstance(exception, NotAuthenticated):
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        if exception.status == 403:
            log_denial(request, exception)
        template = (
            f"errors/{exception.status}.html" if exception.status in (403, 404, 409) else "errors/error.html"
        )
        return render(request, template, {"error": exception}, status=exception.status)


class PermissionsPolicyMiddleware:
    """Every response says which browser features no page may use: settings.PERMISSIONS_POLICY, `feature=()`."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(origins)})" for feature, origins in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.header)
        return response
