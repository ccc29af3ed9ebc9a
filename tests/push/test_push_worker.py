"""The push through a real Celery worker on a real Redis: retries with backoff, and a worker
killed while it posts (restarted, the sweep takes its row up again).

PostgreSQL with `redis-server` installed (the worker shares the test database); skipped
otherwise, like tests/reminders/test_outbox_faults.py whose throwaway Redis it uses. Each
scenario prints its figures.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from push.models import PushDelivery, PushStatus
from push.services import push_sweep
from push.tasks import push_deliver_task
from reporting.services import period_close
from tests.push.conftest import TOKEN, endpoint_for, one_report_approved
from tests.push.receiver import Receiver
from tests.reminders.test_outbox_faults import ThrowawayRedis, _database_url, _publishing_to

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
]

WAIT_SECONDS = 40
STUCK_SECONDS = 3  # the sending timeout here (10 minutes in production)


class Worker:
    def __init__(self, *, redis_url: str, tmp: Path, name: str):
        self.log = tmp / f"{name}.log"
        env = os.environ | {
            "DATABASE_URL": _database_url(),
            "REDIS_URL": redis_url,
            "OUTBOX_SENDING_TIMEOUT": str(STUCK_SECONDS),
            "PUSH_RETRY_BASE_SECONDS": "1",  # 1 s, then 2 s
            "DEBUG": "1",
            "CONN_MAX_AGE": "0",
        }
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                [
                    *(str(Path(sys.executable).with_name("celery")), "-A", "config", "worker"),
                    *("--pool=solo", "--loglevel=INFO", "--without-heartbeat"),
                    *("--without-mingle", "--without-gossip"),
                    f"--hostname={name}@{socket.gethostname()}",
                ],
                cwd=django_settings.BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while "ready." not in self.log.read_text():
            if self.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("The Celery worker did not start:\n" + self.log.read_text())
            time.sleep(0.2)

    def kill(self) -> None:
        """SIGKILL: nothing recorded, nothing acknowledged."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


@pytest.fixture
def rig(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the worker process shares the test database: PostgreSQL only")
    if not (shutil.which("redis-server") and shutil.which("redis-cli")):
        pytest.skip("needs redis-server and redis-cli on PATH")
    redis = ThrowawayRedis(tmp_path)
    redis.start()
    workers: list[Worker] = []

    def worker(name: str) -> Worker:
        workers.append(Worker(redis_url=redis.url, tmp=tmp_path, name=name))
        return workers[-1]

    try:
        with _publishing_to(redis.url):
            yield worker
    finally:
        for running in workers:
            running.kill()
        redis.stop()


def _wait_until(condition, what: str, workers=()) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            logs = "\n".join(w.log.read_text()[-3000:] for w in workers)
            pytest.fail(f"{what} did not happen in time:\n{logs}")
        time.sleep(0.2)


def _delivered() -> bool:
    return PushDelivery.objects.filter(status=PushStatus.DELIVERED).exists()


def test_a_worker_retries_with_backoff_until_the_receiver_takes_the_body(rig, seeds, figures):
    receiver = Receiver(TOKEN, fail_first=2)
    try:
        commune = seeds["dien-quang"]
        endpoint_for(commune.province, receiver.url)
        period = one_report_approved(commune, "2025")
        worker = rig("push-retry")
        started = time.monotonic()
        period_close(actor=None, period=period)  # queued to Redis on commit
        _wait_until(_delivered, "the delivery", [worker])
        took = time.monotonic() - started
        delivery = PushDelivery.objects.get()
        assert (delivery.attempts, delivery.status_code) == (3, 200)
        assert (receiver.requests, receiver.failed, len(receiver.taken)) == (3, 2, 1)
        assert took >= 1 + 2  # the two waits, 1 s then 2 s
        figures(
            f"[push] receiver failing twice: requests {receiver.requests}, "
            f"503 answered {receiver.failed}, taken {len(receiver.taken)}, "
            f"attempts {delivery.attempts}, {took:.1f} s"
        )
    finally:
        receiver.close()


def test_a_worker_killed_while_posting_costs_no_second_delivery(rig, seeds, settings, figures):
    settings.OUTBOX_SENDING_TIMEOUT = STUCK_SECONDS  # this process's sweep, as the workers'
    receiver = Receiver(TOKEN, hold_first=True)  # takes the body, then never answers
    try:
        commune = seeds["dien-quang"]
        endpoint_for(commune.province, receiver.url)
        period = one_report_approved(commune, "2025")
        first = rig("push-first")
        period_close(actor=None, period=period)
        _wait_until(lambda: receiver.requests == 1, "the first post", [first])
        first.kill()  # while its request waits for the answer
        delivery = PushDelivery.objects.get()
        assert delivery.status == PushStatus.SENDING and delivery.attempts == 1
        assert push_sweep().waiting == 0  # a claim younger than the timeout is left alone

        second = rig("push-second")  # the restart
        time.sleep(max(0, STUCK_SECONDS + 0.5 - (time.time() - delivery.claimed_at.timestamp())))
        assert push_sweep().queued == 1  # the dead worker's claim has timed out
        push_deliver_task.delay(delivery.pk)  # and a stray second message for the same row
        _wait_until(_delivered, "the delivery after the restart", [second])
        time.sleep(1)  # the stray message is handled too
        delivery.refresh_from_db()
        assert (delivery.attempts, delivery.status_code) == (2, 200)
        # On the wire the body went twice (the first answer never came back); the receiver
        # took it once, by its Idempotency-Key, and answered the repeat with 200.
        assert (receiver.requests, len(receiver.taken), receiver.repeats) == (2, 1, 1)
        assert list(receiver.taken) == ["dien-quang:2025:1"]
        assert "skipped" in second.log.read_text()
        figures(
            f"[push] worker killed while posting: deliveries recorded 1, posts "
            f"{receiver.requests}, taken {len(receiver.taken)}, repeats answered "
            f"{receiver.repeats}, duplicates taken 0"
        )
    finally:
        receiver.close()
