"""Spred on Microsoft Teams: botbuilder's CloudAdapter at POST /api/messages.

Each message is acknowledged at once and answered proactively (Teams gives a request 15
seconds), through the conversation reference stored on first contact; the same references
let the core's outbox reach Teams users later, also after a restart.
"""

from __future__ import annotations

import asyncio
import logging
import random
from typing import Any

import orjson
from aiohttp import web
from botbuilder.core import TurnContext
from botbuilder.core.teams import TeamsActivityHandler
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import ChannelAccount, ConversationReference

from adapters.teams import cards, events
from adapters.teams.config import TeamsConfig
from adapters.teams.connectors import ReusedConnectorsAuthentication
from bot.core import Core
from bot.messages import Incoming, Notice, Reply
from knowledge.records import Address, now

log = logging.getLogger(__name__)

RETRIED = (429, 502, 504)
ATTEMPTS = 4
BACKOFF = 0.5  # seconds, doubled each try, with jitter
SENDING_AT_ONCE = 8


class SpredBot(TeamsActivityHandler):
    def __init__(self, teams: TeamsAdapter) -> None:
        self.teams = teams

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        await self.teams.received(turn_context)

    async def on_conversation_update_activity(self, turn_context: TurnContext) -> None:
        # TeamsActivityHandler reads channelData here and fails when a client leaves it out;
        # Spred only cares whether it was added itself.
        added = turn_context.activity.members_added or []
        await self.on_members_added_activity(added, turn_context)

    async def on_members_added_activity(
        self, members_added: list[ChannelAccount], turn_context: TurnContext
    ) -> None:
        bot = turn_context.activity.recipient.id
        if any(member.id == bot for member in members_added):  # Spred itself was installed
            await self.teams.received(turn_context, action="welcome")


class TeamsAdapter:
    def __init__(self, *, config: TeamsConfig, core: Core) -> None:
        self.config = config
        self.core = core
        self.auth = ReusedConnectorsAuthentication(config.for_botbuilder())
        self.cloud = CloudAdapter(self.auth)
        self.bot = SpredBot(self)
        self._answering: set[asyncio.Task[None]] = set()
        # A few replies in flight at once keep connections to the connector reused; a burst
        # of fifty at once only opens more of them (measured: the p95 gets worse).
        self._sending = asyncio.Semaphore(SENDING_AT_ONCE)

    async def start(self) -> None:
        self.core.outbox.register(events.PLATFORM, self._deliver, reachable=self._known)

    async def close(self) -> None:
        """Lets answers already under way finish, briefly."""
        if self._answering:
            await asyncio.wait(self._answering, timeout=5)
        await self.auth.close()

    # --- HTTP

    async def handle(self, request: web.Request) -> web.Response:
        """POST /api/messages. Bad requests get a 4xx here; CloudAdapter alone answers a
        missing Content-Type or broken JSON with a 500."""
        if "application/json" not in request.headers.get("Content-Type", ""):
            return _status(400, "Content-Type must be application/json")
        try:
            body = orjson.loads(await request.read())
        except orjson.JSONDecodeError:
            return _status(400, "malformed JSON")
        if not isinstance(body, dict) or not isinstance(body.get("type"), str):
            return _status(400, "not a Bot Framework activity")
        if not all(_has_id(body.get(part)) for part in ("from", "conversation", "recipient")):
            return _status(400, "an activity needs from, conversation and recipient ids")
        try:
            response = await self.cloud.process(request, self.bot)
        except web.HTTPUnauthorized:
            return _status(401, "missing or invalid token")
        return response or web.Response(status=200)

    # --- inbound

    async def received(self, turn_context: TurnContext, *, action: str | None = None) -> None:
        """Remembers where the sender can be reached, then answers in the background so
        the HTTP response goes back to Teams at once."""
        activity = turn_context.activity
        reference = TurnContext.get_conversation_reference(activity)
        await self._remember(events.user_of(activity), reference)
        message = events.incoming(activity, action=action)
        task = asyncio.create_task(self._answer(message, reference))
        self._answering.add(task)
        task.add_done_callback(self._answering.discard)

    async def _remember(self, user: str, reference: ConversationReference) -> None:
        """Keeps where a user can be written to later; the message id is left out (a later
        letter is a new message, not a reply), so most messages change nothing on disk."""
        stored = reference.serialize()
        stored.pop("activityId", None)
        addresses = self.core.services.store.addresses
        known = await addresses.get(user)
        if known is None or dict(known.reference) != stored:
            await addresses.upsert(Address(user=user, reference=stored, updated_at=now()))

    async def _answer(self, message: Incoming, reference: ConversationReference) -> None:
        try:
            replies = await self.core.handle(message)
        except Exception:
            log.exception("the core failed on a Teams %s", message.action or "message")
            return
        for reply in replies:
            await self.send(reference, reply)

    # --- outbound

    async def send(
        self, reference: ConversationReference, reply: Reply, *, answering: bool = True
    ) -> bool:
        """One reply into a conversation: as an answer to the activity the reference was
        taken from (POST …/activities/{id}), or, `answering=False`, as a new message.
        429, 502 and 504 are retried with backoff and jitter (the connector client tries
        once); anything else is logged and given up."""
        outgoing = cards.activity(reply)

        async def post(turn_context: TurnContext) -> None:
            # The continuation's own id would become the reply-to id: put back the real one.
            turn_context.activity.id = reference.activity_id if answering else None
            await turn_context.send_activity(outgoing)

        for attempt in range(1, ATTEMPTS + 1):
            try:
                async with self._sending:
                    await self.cloud.continue_conversation(
                        reference, post, self.config.app_id or None
                    )
                return True
            except Exception as exc:
                status = _status_of(exc)
                if status not in RETRIED or attempt == ATTEMPTS:
                    log.error(
                        "sending to Teams conversation failed: %s", status or type(exc).__name__
                    )
                    return False
                await asyncio.sleep(BACKOFF * 2 ** (attempt - 1) * (0.5 + random.random()))
        return False

    async def _known(self, user: str) -> bool:
        return await self.core.services.store.addresses.get(user) is not None

    async def _deliver(self, notice: Notice) -> bool:
        address = await self.core.services.store.addresses.get(notice.to)
        if address is None:  # never wrote to Spred: Teams lets no bot write first
            return False
        reference = ConversationReference().deserialize(dict(address.reference))
        return await self.send(reference, notice.reply, answering=False)


def _status_of(exc: Exception) -> int | None:
    response: Any = getattr(exc, "response", None)
    for name in ("status_code", "status"):
        value = getattr(response, name, None)
        if isinstance(value, int):
            return value
    return None


def _status(status: int, why: str) -> web.Response:
    return web.json_response({"error": why}, status=status)


def _has_id(party: object) -> bool:
    return isinstance(party, dict) and isinstance(party.get("id"), str) and bool(party["id"])
