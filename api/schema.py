"""OpenAPI additions: the error shape, and the error responses every operation can give."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "example": "not_found"},
                "message": {"type": "string"},
                "fields": {
                    "type": "object",
                    "additionalProperties": True,
                    "description": "For invalid input: the messages of each field.",
                },
            },
        }
    },
}

COMMON_ERRORS = {
    "400": "Invalid parameters or data.",
    "401": "No credentials, or a token that is not valid, expired or revoked.",
    "403": "The caller's role (or a read-only token) does not allow this.",
    "404": "Missing, or belonging to a commune the caller may not read.",
    "405": "Method not allowed.",
    "406": "Not acceptable (the API answers JSON).",
    "429": "Too many requests from this token.",
}
WRITE_ERRORS = {"415": "Unsupported media type (send JSON)."}
# Writes to a unit's report are guarded against lost updates (If-Match / version).
SUBMISSION_WRITE_ERRORS = {
    "409": "The report changed meanwhile (version) or its state does not allow the action.",
    "412": "If-Match does not match the report's current ETag.",
    "428": "Neither If-Match nor a version was sent.",
}


def error_responses_add(result, generator, request, public):
    """A postprocessing hook of drf-spectacular."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, path_item in result.get("paths", {}).items():
        for method, operation in path_item.items():
            errors = dict(COMMON_ERRORS)
            if method in ("post", "put", "patch", "delete"):
                errors.update(WRITE_ERRORS)
                if "/submissions/" in path:
                    errors.update(SUBMISSION_WRITE_ERRORS)
            responses = operation.setdefault("responses", {})
            for status, description in errors.items():
                responses.setdefault(status, {"description": description, "content": reference})
    return result


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """Declares `Authorization: Bearer kpi_…` in the schema (loaded by `ApiConfig.ready`)."""

    target_class = "api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token (kpi_…), created on the portal's «API tokens» page.",
        }


class PortalAutoSchema(AutoSchema):
    """Tags by resource (`indicators`, `submissions`…) rather than by the first path segment."""

    def get_tags(self) -> list[str]:
        parts = [part for part in self.path.split("/") if part and not part.startswith("{")]
        parts = parts[2:] if parts[:2] == ["api", "v1"] else parts
        if parts[:1] == ["communes"] and len(parts) > 1:
            return [parts[1]]
        return parts[:1] or ["api"]
