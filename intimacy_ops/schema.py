"""The OpenAPI schema documents the error answers every operation can give (CONTRACT.md, "Errors").

An operation's own `extend_schema(responses=…)` wins; what it leaves out is added here from how the API
answers: 401 unless the view lets anyone in; 403 (a role may not) wherever one must sign in; 404 for an
object in the path (outside your scope or nonexistent) and for a list page past the end; 400 for a body
or query parameters (field errors, filters, `page_size`); 409 for a write the object's state refuses;
429 for sign-in attempts past the lockout. Schemathesis checks the answers against this (tests/api).
"""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework.permissions import AllowAny

from intimacy_ops.api import ERROR_RESPONSES

TOO_MANY = "Too many failed sign-ins for this username from this address: wait (see Retry-After)."


class AutoSchema(SpectacularAutoSchema):
    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation.setdefault("responses", {})

        def document(code: int, description: str | None = None) -> None:
            responses.setdefault(str(code), {"description": description or ERROR_RESPONSES[code].description})

        public = any(isinstance(permission, AllowAny) for permission in self.view.get_permissions())
        parameters = operation.get("parameters", [])
        writes = method not in ("GET", "HEAD", "OPTIONS")
        if not public:
            document(401)
            document(403)
        if writes or any(parameter["in"] == "query" for parameter in parameters):
            document(400)
        if any(parameter["in"] == "path" for parameter in parameters) or (
            not writes and self._is_list_view()
        ):
            document(404)
        if writes and not public:
            document(409)
        if public and writes:
            document(429, TOO_MANY)
        return operation
