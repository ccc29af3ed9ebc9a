"""Container health checks (docker-compose.yml): `python deploy/healthcheck.py web|worker|beat`.

Exit 0 when healthy, 1 otherwise, with the reason on stderr. Only the standard library and the
portal's own environment, so that a check costs little every 30 seconds.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

# Beat rewrites its schedule file at least every few minutes (celery's sync interval, 3 min, and
# its longest sleep, 5 min); a file older than this means beat is stuck.
BEAT_SCHEDULE_STALE_SECONDS = 15 * 60


def web() -> str | None:
    host = os.environ.get("ALLOWED_HOSTS", "localhost").split(",")[0].strip()
    request = urllib.request.Request(
        "http://127.0.0.1:8000/healthz",
        # The proxy terminates TLS: say so, or the portal would redirect the check to https.
        headers={"Host": host, "X-Forwarded-Proto": "https"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return None if response.status == 200 else f"/healthz answered {response.status}"


def worker() -> str | None:
    node = f"{os.environ.get('CELERY_NODE', 'celery')}@{os.uname().nodename}"
    result = subprocess.run(
        ["celery", "-A", "config", "inspect", "ping", "--timeout", "10", "-d", node],
        capture_output=True,
        text=True,
        timeout=30,
    )
    return None if result.returncode == 0 else f"{node} did not answer: {result.stdout[-300:]}"


def beat() -> str | None:
    files = list(Path(os.environ["BEAT_SCHEDULE"]).parent.glob("*"))
    if not files:
        return "beat has written no schedule yet"
    age = time.time() - max(path.stat().st_mtime for path in files)
    return None if age < BEAT_SCHEDULE_STALE_SECONDS else f"schedule untouched for {age:.0f} s"


if __name__ == "__main__":
    try:
        problem = {"web": web, "worker": worker, "beat": beat}[sys.argv[1]]()
    except Exception as exc:  # any failure to check is a failed check
        problem = f"{type(exc).__name__}: {exc}"
    if problem:
        print(problem, file=sys.stderr)
    sys.exit(1 if problem else 0)
