"""Platform events answered once, across retries, restarts and server processes.

Every event with an id is stored in `seen_events` before it is answered; the store's insert
decides (a unique key), so of two instances given the same event exactly one answers it.

An event its platform will not send again once acknowledged (a Slack mention or DM, a Teams
message) is also *held*: stored with the neutral message, under the name of the one turn of
one process answering it, until `held_until`. The adapter holds it before it acknowledges it
to the platform, so no acknowledged event exists that the store does not hold. The holder
renews the hold while its turn runs (`kept`) and marks the event answered once the platform
took the replies (`answered`). A hold that expires unanswered (its holder died) is taken over
by one other process (`take`: an update that succeeds only while it is still expired and
unanswered), at most MAX_ATTEMPTS turns in all; then it is given up, logged.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import replace
from datetime import datetime, timedelta

from bot.messages import Incoming, incoming_to_dict
from knowledge.records import SeenEvent, new_id
from knowledge.store import Store, StoreError
from knowledge.store.query import Below, OneOf

log = logging.getLogger(__name__)

SEEN_FOR = timedelta(days=2)  # platforms retry an event for minutes; keep ids well beyond
# Turns started on one held event, by any process, before it is given up: an event that
# kills whoever answers it must not go round the instances for ever.
MAX_ATTEMPTS = 3
RETAKE_BATCH = 50  # held events a process takes over in one round, at most


UNHELD = ""  # no hold: the store could not be asked (bot/core.py `hold`)


def event_key(message: Incoming) -> str:
    return f"{message.platform}:{message.event_id}"


class Holds:
    def __init__(self, *, store: Store, clock: Callable[[], datetime], hold_for: timedelta) -> None:
        self.store = store
        self.clock = clock
        # A held event is kept this long past the last sign of life of the process
        # answering it; then another may take it over.
        self.hold_for = hold_for

    async def first_time(self, message: Incoming, *, holder: str | None) -> bool:
        """True once per platform event. With a `holder`, the event is stored held by it
        with the message, and one whose holder let its hold expire unanswered is taken
        over (true again, for one process)."""
        key = event_key(message)
        seen = self.clock()
        record = SeenEvent(event_key=key, seen_at=seen, expires_at=seen + SEEN_FOR)
        if holder is not None:
            record = replace(
                record,
                incoming=incoming_to_dict(message),
                holder=holder,
                held_until=seen + self.hold_for,
                attempts=1,
            )
        if await self.store.seen_events.insert(record):
            return True
        return holder is not None and await self._take_over(key, holder=holder, at=seen)

    async def take(self, message: Incoming) -> str | None:
        """Holds an event for a new turn of this process: the holder's name, or None when
        the event is not this process's to answer (answered, or held by a live holder)."""
        holder = new_id()
        return holder if await self.first_time(message, holder=holder) else None

    async def _take_over(self, key: str, *, holder: str, at: datetime) -> bool:
        def take(current: SeenEvent | None) -> SeenEvent | None:
            if current is None or not _let_go(current, at) or current.attempts >= MAX_ATTEMPTS:
                return current
            return replace(
                current,
                holder=holder,
                held_until=at + self.hold_for,
                attempts=current.attempts + 1,
            )

        taken = await self.store.seen_events.update(key, take)
        return taken is not None and taken.holder == holder and taken.answered_at is None

    @contextlib.asynccontextmanager
    async def kept(self, message: Incoming, *, holder: str) -> AsyncIterator[None]:
        """Renews `holder`'s hold while the block runs (a slow turn, a conversation waiting
        its turn), so no other process takes the event over meanwhile."""
        renewing = asyncio.create_task(self._renew(event_key(message), holder=holder))
        try:
            yield
        finally:
            renewing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewing

    async def _renew(self, key: str, *, holder: str) -> None:
        every = self.hold_for.total_seconds() / 3
        while True:
            await asyncio.sleep(every)
            until = self.clock() + self.hold_for
            try:
                await self.store.seen_events.update(key, _renewed(holder=holder, until=until))
            except StoreError as exc:  # the next renewal may get through
                log.warning("renewing the hold on an event failed: %s", exc)

    async def answered(self, message: Incoming) -> None:
        """Marks a held event answered, its replies with the platform: no one takes it over
        now, and the message is dropped (only the id and times are kept)."""
        at = self.clock()

        def mark(current: SeenEvent | None) -> SeenEvent | None:
            if current is None or current.answered_at is not None:
                return current
            return replace(current, answered_at=at, holder="", held_until=None, incoming={})

        await self.store.seen_events.update(event_key(message), mark)

    async def let_go(self, platforms: Iterable[str]) -> list[SeenEvent]:
        """Events of `platforms` whose holder stopped renewing before answering them."""
        return await self.store.seen_events.find(
            platform=OneOf.of(platforms),
            answered_at=None,
            held_until=Below(self.clock()),
            limit=RETAKE_BATCH,
        )

    async def give_up(self, key: str) -> None:
        """Stops taking over an event that has had its turns (or holds no message): it is
        no longer held and its message is dropped. Said once, by the process that did it."""
        at = self.clock()
        dropped: SeenEvent | None = None

        def drop(current: SeenEvent | None) -> SeenEvent | None:
            nonlocal dropped
            if current is None or not _let_go(current, at):
                dropped = None
                return current
            dropped = current
            return replace(current, holder="", held_until=None, incoming={})

        await self.store.seen_events.update(key, drop)
        if dropped is not None:
            log.error(
                "a %s event was given up unanswered after %d turns",
                dropped.platform,
                dropped.attempts,
            )

    async def prune(self) -> None:
        """Forgets event ids past SEEN_FOR."""
        seen_events = self.store.seen_events
        for seen in await seen_events.find(expires_at=Below(self.clock())):
            await seen_events.delete(seen.key)


def _let_go(seen: SeenEvent, at: datetime) -> bool:
    return seen.answered_at is None and seen.held_until is not None and seen.held_until < at


def _renewed(*, holder: str, until: datetime) -> Callable[[SeenEvent | None], SeenEvent | None]:
    """The change renewing `holder`'s hold until `until`; only its own: a retry of an event
    held elsewhere keeps nothing alive."""

    def renew(current: SeenEvent | None) -> SeenEvent | None:
        if current is None or current.holder != holder or current.held_until is None:
            return current
        return replace(current, held_until=until)

    return renew
