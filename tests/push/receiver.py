"""A receiving system for the push tests: an http.server in a thread on 127.0.0.1.

It checks each body's signature with the shared token the way the README tells a province to
(HMAC-SHA256 over "<t>." + body, the time within five minutes), answers 401 to a wrong one,
can be told to fail the first N requests (503) or to hold the first valid one (a worker killed
while posting), and takes each delivery once by its Idempotency-Key: a repeat is answered 200
and counted, not taken again.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    def __init__(self, token: str, *, fail_first: int = 0, hold_first: bool = False):
        self.token = token
        self.fail_first = fail_first
        self.hold_first = hold_first
        self.release = threading.Event()
        self.requests = 0  # every POST that reached it
        self.failed = 0  # answered 503 on purpose
        self.refused = 0  # wrong or missing signature: 401
        self.repeats = 0  # a key already taken, answered 200 again
        self.taken: dict[str, dict] = {}  # key → body, each taken once
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status, hold = receiver.take(
                    body,
                    self.headers.get("X-KPI-Signature", ""),
                    self.headers.get("Idempotency-Key", ""),
                )
                if hold:
                    receiver.release.wait(120)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/ioc/kpi"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def signature_valid(self, header: str, body: bytes) -> bool:
        try:
            parts = dict(item.split("=", 1) for item in header.split(","))
            timestamp = int(parts["t"])
        except (KeyError, ValueError):
            return False
        if abs(time.time() - timestamp) > 300:
            return False
        expected = hmac.new(
            self.token.encode(), f"{timestamp}.".encode() + body, hashlib.sha256
        ).hexdigest()
        return hmac.compare_digest(expected, parts.get("v1", ""))

    def take(self, body: bytes, signature: str, key: str) -> tuple[int, bool]:
        with self.lock:
            self.requests += 1
            if self.fail_first > 0:
                self.fail_first -= 1
                self.failed += 1
                return 503, False
            if not self.signature_valid(signature, body):
                self.refused += 1
                return 401, False
            if key in self.taken:
                self.repeats += 1
                return 200, False
            self.taken[key] = json.loads(body)
            hold, self.hold_first = self.hold_first, False
            return 200, hold

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
