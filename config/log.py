"""Log lines that say whose request they belong to.

Every line written while a request is served carries its request id, the user and the commune
(RequestContextFilter reads them from a context variable the middleware sets), and each request
ends with one access line. `LOG_FORMAT=json` writes each line as one JSON object for the log
collector; the default is a readable text line.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str = "-"
    user: str = "-"
    commune: str = "-"


_NO_REQUEST = RequestContext()
_context: ContextVar[RequestContext | None] = ContextVar("request_context", default=None)


def request_context_set(context: RequestContext):
    return _context.set(context)


def request_context_reset(token) -> None:
    _context.reset(token)


class RequestContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        context = _context.get() or _NO_REQUEST
        for name in ("request_id", "user", "commune"):
            if not hasattr(record, name):
                setattr(record, name, getattr(context, name))
        return True
