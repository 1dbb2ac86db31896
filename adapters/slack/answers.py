"""The answers Spred is working on for Slack, each in a task of its own, started once Slack
has its acknowledgement; counted, so that close() can let them finish before the
connections to Slack close, and tests can wait until what a request started is done."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest

from adapters.slack import events

log = logging.getLogger(__name__)

Listener = Callable[..., Awaitable[Any]]
# Holds the event a payload is (bot/core.py `Core.hold`): the hold's name, "" when there is
# nothing to hold, None when it is not this process's to answer.
Hold = Callable[[Mapping[str, Any]], Awaitable["str | None"]]
HOLDER = "spred_holder"  # where bolt's context gives a listener the hold's name

# Answers worked on at once in this process; the rest wait their turn, in order. Under a
# sustained burst, hundreds of answers each doing a little in every turn of the event loop
# would make each turn long, and every acknowledgement wait for it; a few dozen keep the
# store's group commits full. A limit on this process's own work: whether an event is
# answered once rests on the store, across processes, not on this.
AT_ONCE = 64


class Answers:
    def __init__(self, app: AsyncApp, *, hold: Hold) -> None:
        self.app = app
        self.hold = hold
        self._working: set[asyncio.Task[Any]] = set()
        self._turns = asyncio.Semaphore(AT_ONCE)

    async def acknowledge(
        self,
        payload: Mapping[str, Any],
        request: Callable[..., AsyncBoltRequest],
        *,
        ack: Callable[[], Awaitable[None]],
    ) -> None:
        """Acknowledges a payload whose acknowledgement says nothing (`ack`), then hands it
        to bolt in the background: its listener answers it. An event Spred answers is held
        first (`hold`): an acknowledged event is then in the store, for another process to
        answer should this one die; one held elsewhere (a delivery to two instances) is
        acknowledged and left alone. `request(context=…)` makes bolt's request."""
        holder = await self.hold(payload)
        await ack()
        if holder is None:
            return
        context = {HOLDER: holder} if holder else {}
        self._start(self._dispatched(functools.partial(request, context=context), payload))

    async def _dispatched(
        self, request: Callable[[], AsyncBoltRequest], payload: Mapping[str, Any]
    ) -> None:
        try:
            await self.app.async_dispatch(request())
        except Exception as exc:  # a shape payloads.py should have refused
            kind, error = events.kind(payload), type(exc).__name__
            log.error("bolt failed on a Slack %s (%s); it is not answered", kind, error)

    def _start(self, work: Coroutine[Any, Any, Any]) -> None:
        """Works on `work` in the background, counted until it is done."""
        task = asyncio.create_task(work)
        self._working.add(task)
        task.add_done_callback(self._working.discard)

    def turn(self) -> asyncio.Semaphore:
        """`async with` it: waits for a place among the answers worked on at once. Taken
        after the acknowledgement, never before it (a form's listener, whose
        acknowledgement waits for the core, takes none)."""
        return self._turns

    def tracked(self, listener: Listener) -> Listener:
        """The listener, counted while it runs: bolt runs it in a task of its own."""

        @functools.wraps(listener)  # bolt reads the arguments to pass from the listener's
        async def run(**kwargs: Any) -> Any:
            task = asyncio.current_task()
            if task is not None:
                self._working.add(task)
            try:
                return await listener(**kwargs)
            finally:
                self._working.discard(task)

        return run

    async def drain(self, *, within: float) -> None:
        """Waits, up to `within` seconds, until no answer is being worked on: also those
        that what it waited for started meanwhile (bolt's listeners)."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(within):
                await asyncio.sleep(0)  # a listener bolt has just scheduled starts, and counts
                while self._working:
                    await asyncio.wait(set(self._working))
                    await asyncio.sleep(0)
