"""Taking a data file's lock without waiting silently for ever.

Another Spred process (an import, a server) holds a file's lock only while it reads or writes
it: seconds at most. A process that waits longer says so, and gives up at a deadline with a
StoreError naming the file, instead of hanging; a server then answers with its apology.
"""

from __future__ import annotations

import fcntl
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.store.base import StoreError

log = logging.getLogger(__name__)

TIMEOUT_SETTING = "SPRED_LOCK_TIMEOUT"
DEFAULT_TIMEOUT = 30.0  # seconds; a 25,000-solution import holds a lock for a few
NOTICE_AFTER = 1.0  # seconds of waiting before the wait is told


@dataclass(frozen=True, slots=True, kw_only=True)
class LockWait:
    """How long to wait for a lock another process holds, and whom to tell that we wait."""

    timeout: float = DEFAULT_TIMEOUT
    on_wait: Callable[[str], None] = field(default=log.warning)


DEFAULT_WAIT = LockWait()


def acquire(fd: int, *, path: Path, wait: LockWait) -> None:
    """An exclusive flock on `fd` (the lock file of `path`), polled so that the wait can be
    told after NOTICE_AFTER seconds and given up at `wait.timeout`."""
    start = time.monotonic()
    pause = 0.005
    told = False
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        waited = time.monotonic() - start
        if waited >= wait.timeout:
            raise StoreError(
                f"{path} is still in use by another Spred process after {wait.timeout:g} s; "
                f"gave up. Try again when it is done, or wait longer by setting "
                f"{TIMEOUT_SETTING} (seconds)."
            )
        if not told and waited >= NOTICE_AFTER:
            told = True
            wait.on_wait(
                f"waiting for {path}: another Spred process is using it "
                f"(giving up after {wait.timeout:g} s)"
            )
        time.sleep(min(pause, wait.timeout - waited))
        pause = min(pause * 2, 0.1)
