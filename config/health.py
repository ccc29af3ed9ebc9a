"""Health probes for the orchestrator: `/healthz` (the process answers) and `/readyz` (it can
serve: database, Redis, storage, migrations).

They live in config/ beside the settings and the Celery app because they check the process's
wiring, not a part of the domain: no models, no templates, no login. Bodies are JSON and name
what failed, never how (the details, which may name hosts, go to the log).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from reports.models import reports_storage

logger = logging.getLogger(__name__)

REDIS_TIMEOUT_SECONDS = 2
_migrations_applied = False  # once all are applied, they stay so for the life of the process


@never_cache
@require_safe
def healthz(request):
    """Alive: the process answers. Reads nothing, so a database outage does not restart it."""
    return JsonResponse({"status": "ok"})


def _database() -> None:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")


def _redis_urls() -> list[str]:
    urls = [settings.CELERY_BROKER_URL, getattr(settings, "CELERY_RESULT_BACKEND", None) or ""]
    for cache in settings.CACHES.values():
        if "redis" in cache["BACKEND"].lower():
            location = cache["LOCATION"]
            urls.extend(location if isinstance(location, list | tuple) else [location])
    return sorted({url for url in urls if url.startswith(("redis://", "rediss://", "unix://"))})


def _redis() -> None:
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    for url in _redis_urls():
        client = redis.Redis.from_url(
            url,
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
            retry=Retry(NoBackoff(), 0),  # one try: the probe has its own timeout
        )
        try:
            client.ping()
        finally:
            client.close()


def _storage() -> None:
    """Write and delete a small file in every storage the portal writes to."""
    for storage in {id(s): s for s in (default_storage, reports_storage())}.values():
        name = storage.save(f"readyz/{uuid.uuid4().hex}.txt", ContentFile(b"ready\n"))
        storage.delete(name)


def _migrations() -> None:
    global _migrations_applied
    if _migrations_applied:
        return
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    unapplied = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if unapplied:
        raise RuntimeError(f"{len(unapplied)} migrations not applied")
    _migrations_applied = True


def _checks() -> dict[str, Callable[[], None]]:
    checks = {"database": _database}
    if settings.REDIS_URL:
        checks["redis"] = _redis
    checks["storage"] = _storage
    checks["migrations"] = _migrations
    return checks


@never_cache
@require_safe
def readyz(request):
    """Ready: 200 when every check passes, else 503 naming the checks that failed."""
    results = {}
    for name, check in _checks().items():
        if name == "migrations" and results.get("database") == "failed":
            results[name] = "failed"  # cannot be read without the database
            continue
        try:
            check()
        except Exception as error:
            logger.warning("Readiness check %s failed: %s: %s", name, type(error).__name__, error)
            results[name] = "failed"
        else:
            results[name] = "ok"
    failed = sorted(name for name, result in results.items() if result != "ok")
    body = {"status": "unavailable" if failed else "ok", "checks": results}
    if failed:
        body["failed"] = failed
    return JsonResponse(body, status=503 if failed else 200)
