"""Where each user is in a conversation, kept in the store so a restart loses nothing.

A session is keyed by (platform, conversation, user): the same person can be adding a
solution in private while asking questions in a channel. An adapter decides what one
conversation is: Slack keys all of a user's private exchanges (DM, /spred, forms, App Home
buttons) to one, so a flow begun in one place goes on in another.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.messages import Incoming
from knowledge.records import Conversation
from knowledge.store import Store

TIMEOUT = timedelta(minutes=30)


class Flow(enum.StrEnum):
    IDLE = "idle"
    ADDING = "adding"  # an admin answering the add-a-solution questions
    EDITING = "editing"  # an admin writing the new value of one field
    ADOPTION = "adoption"  # someone telling which organisation adopts
    PLANNING = "planning"  # a manager answering the adaptation plan's questions
    REPORTING = "reporting"  # a manager telling how an adaptation went


@dataclass(slots=True, kw_only=True)
class Session:
    key: str
    flow: Flow = Flow.IDLE
    data: dict[str, Any] = field(default_factory=dict)  # the flow's own, cleared with it
    memory: dict[str, Any] = field(default_factory=dict)  # kept: language, last question, org
    expired: Flow | None = None  # the flow that timed out before this turn

    def start(self, flow: Flow, **data: Any) -> None:
        self.flow, self.data = flow, dict(data)

    def end(self) -> None:
        self.flow, self.data = Flow.IDLE, {}


class Sessions:
    def __init__(self, *, store: Store, clock: Callable[[], datetime]) -> None:
        self.store = store
        self.clock = clock

    @staticmethod
    def key_of(message: Incoming) -> str:
        return f"{message.platform}:{message.conversation}:{message.user_id}"

    async def load(self, message: Incoming) -> Session:
        key = self.key_of(message)
        record = await self.store.conversations.get(key)
        if record is None:
            return Session(key=key)
        raw = dict(record.data)
        session = Session(
            key=key,
            flow=_flow(record.state),
            data=dict(raw.get("flow", {})),
            memory=dict(raw.get("memory", {})),
        )
        if session.flow is not Flow.IDLE and self.clock() - record.updated_at > TIMEOUT:
            session.expired = session.flow
            session.end()
        return session

    async def save(self, session: Session) -> None:
        record = Conversation(
            conversation_key=session.key,
            state=session.flow.value,
            data={"flow": session.data, "memory": session.memory},
            updated_at=self.clock(),
        )
        await self.store.conversations.upsert(record)


def _flow(value: str) -> Flow:
    try:
        return Flow(value)
    except ValueError:  # written by a newer or older Spred: start afresh rather than fail
        return Flow.IDLE
