"""`spred serve` run as a process in tests, as an operator runs it."""

from __future__ import annotations

import subprocess
import time
import urllib.request
from typing import Any

import orjson


def health(port: int, *, proc: subprocess.Popen[str], within: float = 20) -> dict[str, Any]:
    """GET /healthz once the server answers (at most `within` seconds); its JSON body."""
    deadline = time.monotonic() + within
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                assert r.status == 200
                return dict(orjson.loads(r.read()))
        except OSError:
            assert proc.poll() is None, "spred serve exited"
            assert time.monotonic() < deadline, "spred serve did not come up"
            time.sleep(0.05)
