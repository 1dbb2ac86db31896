"""Where each user is in a conversation, kept in the store so a restart loses nothing, and
one turn at a time per conversation.

A session is keyed by (platform, conversation, user): the same person can be adding a
solution in private while asking questions in a channel. An adapter decides what one
conversation is: Slack keys all of a user's private exchanges (DM, /spred, forms, App Home
buttons) to one, so a flow begun in one place goes on in another.

Two messages of one conversation (a double click, two devices, a platform's retry racing
the original) are handled one after the other, the second seeing what the first changed.
The guarantee is a hold on the conversation's record in the store, taken and given back
with `Collection.update`, so it holds across server processes sharing one store; a lock in
this process only keeps its own turns in arrival order without asking the store each time.
"""

from __future__ import annotations

import asyncio
import enum
import logging
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from bot.messages import Incoming
from knowledge.records import Conversation, new_id
from knowledge.store import Store

log = logging.getLogger(__name__)

TIMEOUT = timedelta(minutes=30)  # a flow left silent this long is over
HOLD = timedelta(seconds=60)  # a turn held longer (its process died) lets the next one in
FIRST_WAIT, LONGEST_WAIT = 0.02, 0.5  # seconds between asking for a conversation held elsewhere


class Flow(enum.StrEnum):
    """The states of the multi-turn dialogues (bot/dialogues.py declares who handles each)."""

    IDLE = "idle"
    ADDING = "adding"  # an admin answering the add-a-solution questions
    REVIEWING = "reviewing"  # an admin looking at the finished draft: publish or not
    EDITING = "editing"  # an admin writing the new value of one field
    ADOPTION = "adoption"  # someone telling which organisation adopts
    PLANNING = "planning"  # a manager answering the adaptation plan's questions
    REPORTING = "reporting"  # a manager telling how an adaptation went
    RELAYING = "relaying"  # writing to a colleague through Spred (bot/flows/relay.py)
    SHARING = "sharing"  # anyone answering the share-a-solution questions (bot/flows/share.py)
    SHARE_CHECK = "share_check"  # a sharer looking at their finished draft: submit or fix
    SHARE_FIXING = "share_fixing"  # a sharer writing the new value of one field
    REVIEW_NOTE = "review_note"  # an editor writing what to change, or why not (review.py)
    MEASURING = "measuring"  # a unit giving its own before and after (bot/flows/measure.py)
    FIGURES = "figures"  # an owner giving a solution's result anew (bot/flows/owner.py)
    FIGURES_CHECK = "figures_check"  # an owner looking at the new result: save or not
    # open questions reach people who may know (issue 17, bot/flows/routed.py)
    ROUTED_NAMING = "routed_naming"  # naming the colleague who may know
    # Roadshows (issue 17, bot/flows/roadshow.py)
    ROADSHOW = "roadshow"  # an organiser answering the roadshow's questions
    ROADSHOW_CHECK = "roadshow_check"  # the organiser looking at it whole: send or not
    ROADSHOW_FORWARD = "roadshow_forward"  # an invited person naming a colleague to invite


@dataclass(slots=True, kw_only=True)
class Session:
    key: str
    flow: Flow = Flow.IDLE
    data: dict[str, Any] = field(default_factory=dict)  # the flow's own, cleared with it
    memory: dict[str, Any] = field(default_factory=dict)  # kept: language, last question, org
    expired: Flow | None = None  # the flow that timed out before this turn
    discard: bool = False  # the person asked to be forgotten: no record kept after the turn

    @staticmethod
    def language_in(memory: Mapping[str, Any], default: str) -> str:
        """The language the person chose ("english", "dansk"), else the one they last asked
        a question in, else `default`."""
        return str(memory.get("language") or memory.get("written_in") or default)

    def go(self, flow: Flow, data: dict[str, Any] | None = None) -> None:
        """Moves to `flow`; `data` replaces the flow's data, which ending a flow clears."""
        self.flow = flow
        if flow is Flow.IDLE:
            self.data = {}
        elif data is not None:
            self.data = dict(data)


async def spoken_by(store: Store, user: str) -> str:
    """The language a platform-qualified user last chose or asked in, in any of their
    conversations; "" when none tells. Letters to them are written in it."""
    mine = sorted(
        await store.conversations.find(user=user), key=lambda c: c.updated_at, reverse=True
    )
    spoken = (Session.language_in(c.data.get("memory", {}), "") for c in mine)
    return next((found for found in spoken if found), "")


class Sessions:
    def __init__(self, *, store: Store, clock: Callable[[], datetime]) -> None:
        self.store = store
        self.clock = clock
        self._turns = _Queues()

    @staticmethod
    def key_of(message: Incoming) -> str:
        return f"{message.platform}:{message.conversation}:{message.user_id}"

    @asynccontextmanager
    async def hold(self, message: Incoming) -> AsyncIterator[Session]:
        """The sender's session, theirs alone until the block ends: saved as the block left
        it, or, if the block raised, left as it was before this message."""
        key = self.key_of(message)
        async with self._turns.one_at_a_time(key):
            token = new_id()
            record = await self._claim(key, token)
            session = self._session(key, record)
            try:
                yield session
            except BaseException:
                await self._release(key, token, None)
                raise
            await self._release(key, token, session, message)

    async def _claim(self, key: str, token: str) -> Conversation:
        wait = FIRST_WAIT
        while True:
            now = self.clock()

            def claim(current: Conversation | None, now: datetime = now) -> Conversation:
                if current is None:
                    current = Conversation(conversation_key=key, state=Flow.IDLE, updated_at=now)
                elif current.held_by and current.held_until and current.held_until > now:
                    return current  # another turn of this conversation is under way
                return replace(current, held_by=token, held_until=now + HOLD)

            record = await self.store.conversations.update(key, claim)
            if record is not None and record.held_by == token:
                return record
            await asyncio.sleep(wait)
            wait = min(wait * 2, LONGEST_WAIT)

    async def _release(
        self, key: str, token: str, session: Session | None, message: Incoming | None = None
    ) -> None:
        now = self.clock()
        lost = False

        def release(current: Conversation | None) -> Conversation | None:
            nonlocal lost
            if session is not None and session.discard:
                return None  # erased with everything else of theirs (bot/privacy.py)
            if current is None or current.held_by != token:
                lost = True  # held past HOLD, and another turn took over: it wins
                return current
            if session is None:
                return replace(current, held_by="", held_until=None)
            return Conversation(
                conversation_key=key,
                state=session.flow.value,
                data={"flow": session.data, "memory": session.memory},
                updated_at=now,
                user=message.user if message else "",
                org_id=message.org_id if message else "",
            )

        await self.store.conversations.update(key, release)
        if lost:
            log.warning("a turn took longer than %s; what it changed in its dialogue is lost", HOLD)

    def _session(self, key: str, record: Conversation) -> Session:
        raw = dict(record.data)
        session = Session(
            key=key,
            flow=_flow(record.state),
            data=dict(raw.get("flow", {})),
            memory=dict(raw.get("memory", {})),
        )
        if session.flow is not Flow.IDLE and self.clock() - record.updated_at > TIMEOUT:
            session.expired = session.flow
            session.go(Flow.IDLE)
        return session


def _flow(value: str) -> Flow:
    try:
        return Flow(value)
    except ValueError:  # written by a newer or older Spred: start afresh rather than fail
        return Flow.IDLE


class _Queues:
    """This process's turns of one conversation, one at a time in arrival order; a key's
    lock is forgotten once nobody holds or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def one_at_a_time(self, key: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (asyncio.Lock(), 0))
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)
