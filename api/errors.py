"""One error shape for the whole API:

    {"error": {"code": "not_found", "message": "Không tìm thấy…", "fields": {"value": ["…"]}}}

`message` is in the request's language (Vietnamese unless the client asks for English);
`fields` appears for invalid input only, with the messages of each field.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.signals import got_request_exception
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger("django.request")


class Conflict(exceptions.APIException):
    status_code = 409
    default_code = "conflict"
    default_detail = _(
        "Someone else saved this report since you read it: read it again, then send its new version."
    )


class WorkflowConflict(exceptions.APIException):
    """The report's state does not allow the action (e.g. approving a draft)."""

    status_code = 409
    default_code = "invalid_state"
    default_detail = _("The report's current state does not allow this action.")


class PreconditionFailed(exceptions.APIException):
    status_code = 412
    default_code = "precondition_failed"
    default_detail = _(
        "The report changed since you read it (its ETag no longer matches If-Match): read it again."
    )


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_code = "precondition_required"
    default_detail = _(
        "Say which version of the report you are changing: send an If-Match header with its ETag, "
        "or its «version»."
    )


def _messages(detail):
    """ErrorDetail trees → plain strings, keeping the shape (dicts by field, lists per item)."""
    if isinstance(detail, dict):
        return {str(key): _messages(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_messages(item) for item in detail]
    return str(detail)


def _first_message(detail) -> str | None:
    if isinstance(detail, dict):
        for value in detail.values():
            found = _first_message(value)
            if found:
                return found
        return None
    if isinstance(detail, list):
        for item in detail:
            found = _first_message(item)
            if found:
                return found
        return None
    return str(detail) if detail else None


def error_body(exc: exceptions.APIException) -> dict:
    if isinstance(exc, exceptions.ValidationError):
        body = {"code": "invalid", "message": str(_("Some of the data sent is not valid."))}
        if isinstance(exc.detail, dict):
            body["fields"] = _messages(exc.detail)
            general = exc.detail.get("non_field_errors")
            if general:
                body["message"] = _first_message(general)
        else:
            body["message"] = _first_message(exc.detail) or body["message"]
        return body
    if isinstance(exc, exceptions.Throttled):
        return {
            "code": "throttled",
            "message": str(
                _("Too many requests from this token: wait %(seconds)s seconds and try again.")
                % {"seconds": int(exc.wait or 1)}
            ),
        }
    code = exc.detail.code if isinstance(exc.detail, exceptions.ErrorDetail) else None
    return {"code": code or exc.default_code, "message": _first_message(exc.detail) or ""}


class ServerError(exceptions.APIException):
    status_code = 500
    default_code = "server_error"
    default_detail = _(
        "The portal met an unexpected error and has recorded it: try again later. If it goes on, "
        "tell the administrator the time of the request."
    )


def _server_error_report(exc, context) -> None:
    """A bug answers in the error shape, but is reported as Django reports one: the traceback
    logged on `django.request` and `got_request_exception` sent (error reporting listens)."""
    request = getattr(context.get("request"), "_request", None)
    logger.error(
        "Internal Server Error: %s",
        request.path if request is not None else "?",
        exc_info=(type(exc), exc, exc.__traceback__),
        extra={"status_code": 500, "request": request},
    )
    got_request_exception.send(sender=None, request=request)


def api_exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found: it does not exist, or you may not see it."))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(_("Your role does not allow this action."))
    response = drf_exception_handler(exc, context)
    if response is None:
        _server_error_report(exc, context)
        exc = ServerError()
        response = Response(status=exc.status_code)
    response.data = {"error": error_body(exc)}
    return response
