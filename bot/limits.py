"""How many questions one client may ask a minute (the web's `/?q=`), across every server
process on one store.

Each question adds one to the count of its client and minute with one `Collection.update`
(as bot/jobs.py starts a job): no writer comes between reading the count and writing it
back, in this process or another, so two processes each admitting the last allowed
question of a minute cannot both win it. An in-process counter would let each of N
processes admit the limit, N times it in all.

A client is named by a hash of its address and the minute, never the address itself, and
its counts are forgotten once the minute is over (pruned within the hour, `Core.prune`).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from knowledge.records import RateCount
from knowledge.store import Store, StoreError
from knowledge.store.query import Below

log = logging.getLogger(__name__)

WINDOW = timedelta(minutes=1)


class RateLimits:
    def __init__(self, *, store: Store, clock: Callable[[], datetime]) -> None:
        self.store = store
        self.clock = clock

    async def admit(self, client: str, *, limit: int) -> bool:
        """Counts one question of `client` (an address) this minute; False when it is over
        `limit` (then it is not counted further, so a flood costs one write a question).
        True when the store cannot count now: the question then gets the core's apology."""
        now = self.clock()
        minute = now.replace(second=0, microsecond=0)
        stamp = minute.strftime("%Y%m%d%H%M")
        hashed = hashlib.sha256(f"spred-rate\n{stamp}\n{client}".encode()).hexdigest()[:32]
        window = f"{hashed}:{stamp}"

        def count(current: RateCount | None) -> RateCount:
            if current is None:
                return RateCount(window=window, count=1, expires_at=minute + WINDOW)
            if current.count > limit:
                return current  # already refused: nothing more to write
            return RateCount(window=window, count=current.count + 1, expires_at=minute + WINDOW)

        try:
            stored = await self.store.rate_limits.update(window, count)
        except StoreError as exc:  # the core apologises for the question itself; no 500
            log.error("counting a web question failed: %s", exc)
            return True
        return stored is not None and stored.count <= limit

    async def prune(self) -> int:
        """Forgets the counts of minutes that are over; how many."""
        old = await self.store.rate_limits.find(expires_at=Below(self.clock()))
        for record in old:
            await self.store.rate_limits.delete(record.window)
        return len(old)
