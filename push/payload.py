"""What the push sends: the body of a commune's approved period, and its signature.

The body carries the period's figures in the shape of the API's figures resource
(`api.serializers.FigureSerializer`, `GET /api/v1/communes/<code>/figures/?period=`) and each
task's state at the end of the period (`reporting.results.task_results`: the states of the
report's Appendix II), under `version` (the body's shape) and `revision` (the n-th approval of
this period: a reopened and closed again period sends revision 2).
"""

from __future__ import annotations

import hashlib
import hmac
import json

from django.core.serializers.json import DjangoJSONEncoder

from api.serializers import FigureSerializer
from push.models import PAYLOAD_VERSION
from reporting.models import ReportingPeriod
from reporting.results import task_results
from reporting.selectors import commune_figure_rows

EVENT = "period.approved"
SIGNATURE_HEADER = "X-KPI-Signature"  # "t=<unix seconds>,v1=<hex HMAC-SHA256>"
KEY_HEADER = "Idempotency-Key"  # "<commune code>:<period code>:<revision>"


def push_key(commune_code: str, period_code: str, revision: int) -> str:
    return f"{commune_code}:{period_code}:{revision}"


def push_payload(*, period: ReportingPeriod, revision: int) -> dict:
    """The period's body as a dict (read with `period.commune.province` at hand)."""
    commune = period.commune
    figures = FigureSerializer(commune_figure_rows(commune, period), many=True).data
    tasks = task_results({commune.pk: period}, year=period.year).get(commune.pk, [])
    return {
        "version": PAYLOAD_VERSION,
        "event": EVENT,
        "key": push_key(commune.code, period.code, revision),
        "revision": revision,
        "province": {"code": commune.province.code, "name": commune.province.name},
        "commune": {"code": commune.code, "name": commune.name, "kind": commune.kind},
        "period": {
            "code": period.code,
            "kind": period.kind,
            "window_start": period.window_start.isoformat(),
            "window_end": period.window_end.isoformat(),
            "closed_at": period.closed_at.isoformat() if period.closed_at else None,
        },
        "figures": [dict(row) for row in figures],
        "tasks": [
            {
                "task": result.task.pk,
                "code": result.task.code,
                "name": result.task.name,
                "state": str(result.state),
                "due_date": result.due_date.isoformat() if result.due_date else None,
                "extended_to": result.extended_to.isoformat() if result.extended_to else None,
                "percent": result.percent,
            }
            for result in tasks
        ],
    }


def push_body(payload: dict) -> str:
    """The JSON text sent and signed: UTF-8, keys sorted, no spaces, decimals as strings."""
    return json.dumps(
        payload, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )


def push_signature(*, token: str, timestamp: int, body: bytes) -> str:
    """HMAC-SHA256 with the shared token over "<timestamp>." followed by the body's bytes."""
    mac = hmac.new(token.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def push_signature_valid(
    *, token: str, header: str, body: bytes, now: int, tolerance: int = 300
) -> bool:
    """What a receiver checks (the README shows the same in a few lines): the timestamp is
    recent and the HMAC matches, compared in constant time."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = push_signature(token=token, timestamp=timestamp, body=body)
    return hmac.compare_digest(expected, header.strip())
