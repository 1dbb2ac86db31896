"""Retention: what people wrote is not kept for ever. Conversation state, questions (open
demand, feedback with its text), introductions and letters (the messages Spred relayed)
older than `SPRED_RETENTION_DAYS` are deleted by the server's background rounds.

A sweep asks each collection for the records written before the cutoff (an indexed moment),
at most once per SWEEP_EVERY, never on a request's path. Each deletion is one
`Collection.update` that looks at the record again, so a record another process just
renewed (a conversation going on) stays.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from bot.jobs import Schedule
from knowledge.store import Store
from knowledge.store.query import Below

SWEEP_EVERY = timedelta(hours=1)

# The collections retention applies to, and the field (a declared moment) saying when each
# record was written or last used.
WRITTEN_AT: dict[str, str] = {
    "conversations": "updated_at",
    "demand": "asked_at",
    "feedback": "created_at",
    "introductions": "created_at",
    "outbox": "created_at",
    "nudges": "created_at",  # a manager's prompt names the people of a unit
}


class Retention:
    def __init__(self, *, store: Store, clock: Callable[[], datetime], days: int) -> None:
        self.store = store
        self.clock = clock
        self.kept = timedelta(days=days)
        self.schedule = Schedule(store=store, clock=clock)

    async def sweep_if_due(self) -> dict[str, int]:
        """Sweeps if no process on this store has within SWEEP_EVERY (bot/jobs.py): several
        instances sweep once an hour between them, not each."""
        if not await self.schedule.due("retention", every=SWEEP_EVERY):
            return {}
        return await self.sweep()

    async def sweep(self) -> dict[str, int]:
        """Deletes what is older than the retention period; how many, per collection."""
        now = self.clock()
        cutoff = now - self.kept
        deleted: dict[str, int] = {}
        for name, written_at in WRITTEN_AT.items():
            collection = self.store.collections[name]

            def old(current: Any, written_at: str = written_at) -> Any:
                if current is None or getattr(current, written_at) >= cutoff:
                    return current
                held = getattr(current, "held_until", None)  # a conversation's turn under way
                return current if held is not None and held > now else None

            for record in await collection.find(limit=None, **{written_at: Below(cutoff)}):
                if await collection.update(record.key, old) is None:
                    deleted[name] = deleted.get(name, 0) + 1
        return deleted
