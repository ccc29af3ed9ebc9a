"""Celery tasks of reporting: thin, each calls one service."""

from __future__ import annotations

from datetime import date

from celery import shared_task

from reporting.services import periods_open


@shared_task(name="reporting.periods_open", soft_time_limit=10 * 60, time_limit=11 * 60)
def periods_open_task(on: str | None = None) -> int:
    """Each commune's periods due by today get their rows (pages never create them on a read)."""
    return periods_open(date.fromisoformat(on) if on else None)
