"""Spred on Microsoft Teams: botbuilder's CloudAdapter at POST /api/messages.

Each message is acknowledged at once and answered proactively (Teams gives a request 15
seconds), through the conversation reference it came with. Teams sends no acknowledged
activity again, so before the acknowledgement the core holds it, with that reference
(`Incoming.reply_to`), until it is answered: should this process die first, another
answers it (`retake`, bot/holds.py). The reference of a personal (1:1) chat is also stored,
so the core's outbox can reach that user later, also after a restart; a channel or group
chat is never remembered as where a user's letters go. A message written in a team channel
carries the channel's own reference (`Incoming.channel_reference`), which the core keeps
only when an admin lets the channel follow a topic: its weekly digest is posted there.

Every tenant is served (`MICROSOFT_APP_TYPE=MultiTenant`), or only those SPRED_TEAMS_TENANTS
lists (`tenants.Gate`). Each activity's tenant is the organisation it comes from
(`Incoming.org_id`); the tenant is kept in the stored reference and named in every activity
Spred sends, so a letter reaches each person in their own tenant.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Coroutine, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from aiohttp import web
from botbuilder.core import InvokeResponse, TurnContext
from botbuilder.core.teams import TeamsActivityHandler
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import (
    Activity,
    ActivityTypes,
    ChannelAccount,
    ConversationAccount,
    ConversationReference,
)

from adapters.teams import cards, events, inbound, invokes
from adapters.teams.config import TeamsConfig
from adapters.teams.connectors import ReusedConnectorsAuthentication, SigningKeysUnavailable
from adapters.teams.tenants import Gate
from bot.core import Core
from bot.follows import is_channel
from bot.i18n import say
from bot.messages import Incoming, Notice, Reply

log = logging.getLogger(__name__)

RETRIED = (429, 502, 504)
GONE = (403, 404)  # the user removed Spred, or the conversation is no more
ATTEMPTS = 4
BACKOFF = 0.5  # seconds, doubled each try, with jitter
LONGEST_WAIT = 30.0  # seconds: a longer Retry-After is not waited out in full
SENDING_AT_ONCE = 8
KEYS_RETRY_AFTER = 30  # seconds Bot Framework is asked to wait when a token cannot be checked


class SpredBot(TeamsActivityHandler):
    def __init__(self, teams: TeamsAdapter) -> None:
        self.teams = teams

    async def on_turn(self, turn_context: TurnContext) -> None:
        """A tenant this Spred does not serve is turned away before anything else: nothing
        of the activity is processed or stored, and the sender is told, once per message,
        invoke or installation (other activities are only dropped)."""
        activity = turn_context.activity
        if self.teams.gate.admits(events.tenant_of(activity)):
            await super().on_turn(turn_context)
        elif activity.type == ActivityTypes.invoke:
            refused = invokes.refused(activity, self.teams.refusal(activity))
            await turn_context.send_activity(
                Activity(type=ActivityTypes.invoke_response, value=refused)
            )
        elif activity.type == ActivityTypes.message or events.adds_spred(activity):
            self.teams.refuse(turn_context)

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        await self.teams.received(turn_context)

    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse:
        """Every invoke gets an answer Teams can show (`invokes`); an Action.Execute that
        names a Spred action is taken like an Action.Submit."""
        activity = turn_context.activity
        if events.submitted(activity) is None:
            return invokes.unsupported(activity)
        try:
            await self.teams.received(turn_context)
        except Exception:  # the store, say: logged, and Teams is told, not left with a 500
            log.exception("a Teams %s invoke failed", events.CARD_ACTION)
            return invokes.failed(activity)
        return invokes.taken(activity)

    async def on_conversation_update_activity(self, turn_context: TurnContext) -> None:
        # TeamsActivityHandler reads channelData here and fails when a client leaves it out;
        # Spred only cares whether it was added itself.
        added = turn_context.activity.members_added or []
        await self.on_members_added_activity(added, turn_context)

    async def on_members_added_activity(
        self, members_added: list[ChannelAccount], turn_context: TurnContext
    ) -> None:
        if events.adds_spred(turn_context.activity):  # Spred itself was installed
            await self.teams.installed(turn_context.activity)
            await self.teams.received(turn_context, action="welcome")


class TeamsAdapter:
    def __init__(self, *, config: TeamsConfig, core: Core) -> None:
        self.config = config
        self.core = core
        self.auth = ReusedConnectorsAuthentication(config.for_botbuilder())
        self.cloud = CloudAdapter(self.auth)
        self.cloud.on_turn_error = self._turn_failed
        self.bot = SpredBot(self)
        self.gate = Gate(config.tenants)
        self._answering: set[asyncio.Task[object]] = set()
        # A few replies in flight at once keep connections to the connector reused; a burst
        # of fifty at once only opens more of them (measured: the p95 gets worse).
        self._sending = asyncio.Semaphore(SENDING_AT_ONCE)

    async def start(self) -> None:
        """Nothing to reach before the first activity: Teams calls Spred."""

    async def close(self) -> None:
        """Lets answers already under way finish, briefly."""
        if self._answering:
            await asyncio.wait(self._answering, timeout=5)
        await self.auth.close()

    # --- HTTP

    async def handle(self, request: web.Request) -> web.Response:
        """POST /api/messages. The body is read and turned into an Activity here, once, so
        a request that is not one gets a 400 (CloudAdapter.process would answer it with a
        500, which Bot Framework retries); a token that is not valid gets a 401; a turn that
        fails is logged (`_turn_failed`)."""
        try:
            activity = inbound.activity(
                request.headers.get("Content-Type", ""), await request.read()
            )
        except inbound.NotAnActivity as exc:
            return _status(400, str(exc))
        try:
            invoked = await self.cloud.process_activity(
                request.headers.get("Authorization", ""), activity, self.bot.on_turn
            )
        except PermissionError:
            return _status(401, "missing or invalid token")
        except SigningKeysUnavailable:
            log.warning(
                "cannot verify a Teams token now: Bot Framework's signing keys are out of reach"
            )
            return web.json_response(
                {"error": "cannot verify the token now; send the activity again"},
                status=503,
                headers={"Retry-After": str(KEYS_RETRY_AFTER)},
            )
        if invoked is not None:  # an invoke: SpredBot's answer
            if invoked.status >= 500:  # the turn failed before SpredBot answered (logged)
                invoked = invokes.failed(activity)
            return web.json_response(invoked.body, status=invoked.status)
        return web.Response(status=201)

    async def _turn_failed(self, turn_context: TurnContext, error: Exception) -> None:
        """An error in a turn (the store, say) is logged, and Teams still gets its 2xx: a
        500 would only make Bot Framework send the same activity again."""
        log.error("a Teams %s activity failed", turn_context.activity.type, exc_info=error)

    # --- inbound

    async def received(self, turn_context: TurnContext, *, action: str | None = None) -> None:
        """Remembers where the sender can be reached (their personal chat only: letters
        meant for them must never go to a channel), has the core hold the activity, then
        answers in the background so the HTTP response goes back to Teams at once. An
        activity delivered again while held or once answered (here or by another process)
        is acknowledged and not answered."""
        activity = turn_context.activity
        reference = _reference(activity)
        if events.is_personal(activity):
            await self._remember(events.user_of(activity), reference)
        message = replace(events.incoming(activity, action=action), reply_to=reference.serialize())
        if message.channel:  # kept by the core only if an admin lets the channel follow
            channel = _channel_reference(reference, events.channel_id(activity))
            message = replace(message, channel_reference=_stored(channel))
        # Held before Teams has its acknowledgement: none exists the store does not hold.
        holder = await self.core.hold(message)
        if holder is None:
            return
        self._background(self._answer(message, reference, holder=holder))

    async def retake(self, message: Incoming) -> None:
        """An activity another process acknowledged and died before answering: answered
        as `received` would have, into its conversation as an answer to it, through the
        reference held with it. The core decides whether it is this process's to answer."""
        holder = await self.core.hold(message)  # takes over the expired hold, or None
        if holder is None:
            return
        reference = _held_reference(message)
        if reference is None:  # its hold expires again, and the core gives it up
            log.error("a Teams activity taken over holds nowhere to answer it")
            return
        await self._answer(message, reference, holder=holder)

    async def installed(self, activity: Activity) -> None:
        """Spred was added in a tenant. The first to add it there becomes the tenant's
        local admin; everyone after (each person who adds Spred for themselves sends the
        same activity) is not made one by it: local admins name others."""
        org_id = events.org_of(events.tenant_of(activity))
        if org_id:
            await self.core.organisations.installed(
                org_id, installer=events.user_of(activity), first_only=True
            )

    def refusal(self, activity: Activity) -> str:
        """What someone in a tenant this Spred does not serve is told."""
        locale = activity.locale if isinstance(activity.locale, str) else ""
        language = "en" if locale.lower().startswith("en") else "da"
        return say(language, "teams_tenant_refused")

    def refuse(self, turn_context: TurnContext) -> None:
        """Tells the sender, as an answer to their activity, that this Spred is not set up
        for their organisation; nothing is remembered."""
        activity = turn_context.activity
        reply = Reply(text=self.refusal(activity))
        self._background(self.send(_reference(activity), reply))

    def _background(self, work: Coroutine[Any, Any, object]) -> None:
        task = asyncio.create_task(work)
        self._answering.add(task)
        task.add_done_callback(self._answering.discard)

    async def _remember(self, user: str, reference: ConversationReference) -> None:
        """Keeps where a user can be written to later; the message id is left out (a later
        letter is a new message, not a reply), so most messages change nothing on disk."""
        await self.core.addresses.remember(user, _stored(reference))

    async def _answer(
        self, message: Incoming, reference: ConversationReference, *, holder: str
    ) -> None:
        """The replies, one at a time, as answers to the activity `reference` was taken
        from; a reply Teams refused for good is logged (`send`) and the event still counts
        as answered, as a second try would post the replies before it again."""

        async def send(replies: list[Reply]) -> None:
            for reply in replies:
                await self.send(reference, reply)

        try:
            await self.core.answer(message, send=send, holder=holder)
        except Exception:
            log.exception("the core failed on a Teams %s", message.action or "message")

    # --- outbound

    async def send(
        self, reference: ConversationReference, reply: Reply, *, answering: bool = True
    ) -> bool:
        """One reply into a conversation: as an answer to the activity the reference was
        taken from (POST …/activities/{id}), or, `answering=False`, as a new message; a
        reply too big for one message goes as several, in order (`cards.activities`).
        429, 502 and 504 are retried with backoff and jitter, after at least the
        Retry-After the connector asks for (its client tries once); anything else is
        logged and given up."""
        return await self._send(reference, reply, answering=answering) is None

    async def _send(
        self, reference: ConversationReference, reply: Reply, *, answering: bool
    ) -> int | None:
        """`send`, saying why it failed: None when sent, else the connector's status (0
        when there was none). Each message is retried on its own, so none is sent twice."""
        for outgoing in cards.activities(reply):
            status = await self._send_one(reference, outgoing, answering=answering)
            if status is not None:
                return status
        return None

    async def _send_one(
        self, reference: ConversationReference, outgoing: Activity, *, answering: bool
    ) -> int | None:
        failed: list[Exception] = []

        tenant = reference.conversation.tenant_id if reference.conversation else None
        if tenant and outgoing.channel_data is None:
            # Teams asks for the tenant here too in a message a bot starts (a letter).
            outgoing.channel_data = {"tenant": {"id": tenant}}

        async def post(turn_context: TurnContext) -> None:
            # The continuation's own id would become the reply-to id: put back the real one.
            turn_context.activity.id = reference.activity_id if answering else None
            try:
                await turn_context.send_activity(outgoing)
            except Exception as exc:  # kept here: the turn's error handler would swallow it
                failed.append(exc)

        for attempt in range(1, ATTEMPTS + 1):
            failed.clear()
            try:
                async with self._sending:
                    await self.cloud.continue_conversation(
                        reference, post, self.config.app_id or None
                    )
                if failed:
                    raise failed[0]
                return None
            except Exception as exc:
                status = _status_of(exc)
                if status not in RETRIED or attempt == ATTEMPTS:
                    log.error(
                        "sending to Teams conversation failed: %s", status or type(exc).__name__
                    )
                    return status or 0
                await asyncio.sleep(_pause(attempt, _retry_after(exc)))
        return 0

    async def _address(self, user: str) -> ConversationReference | None:
        """Where a user's letters go: their personal chat with Spred, if they have one; a
        channel's digests (`is_channel`), the channel itself, as its admin left it."""
        address = await self.core.addresses.of(user)
        if address is None:  # never wrote to Spred: Teams lets no bot write first
            return None
        conversation = address.get("conversation")
        kind = conversation.get("conversationType") if isinstance(conversation, Mapping) else None
        if is_channel(user):
            if kind != "channel":
                return None
        elif kind not in (None, "personal"):  # stored by an older Spred, which kept channels
            return None
        return ConversationReference().deserialize(dict(address))

    @property
    def health(self) -> str:
        return "ok"  # Teams calls Spred; there is nothing to reach before it does

    async def reachable(self, user: str) -> bool:
        return await self._address(user) is not None

    async def find(self, *, email: str, org_id: str) -> str | None:
        """A colleague in the tenant `org_id` ("teams:<tenant id>") by e-mail: Teams lets a
        bot write only to people who wrote to it, and gives it no e-mail, so it is someone
        the people directory knows on Teams who has written to Spred, from that tenant."""
        platform, _, tenant = org_id.partition(":")
        if platform != events.PLATFORM:
            return None
        person = await self.core.services.person_for("", "", email)
        teams_id = person.platform_id(events.PLATFORM) if person else None
        if not teams_id:
            return None
        user = f"{events.PLATFORM}:{teams_id}"
        address = await self.core.addresses.of(user)
        conversation = address.get("conversation") if address else None
        if not isinstance(conversation, Mapping):  # never wrote to Spred
            return None
        known = conversation.get("tenantId")
        if tenant and known and known != tenant:
            return None
        return user

    async def deliver(self, notice: Notice) -> bool:
        """A letter from the outbox. When Teams says the user is gone (they removed Spred,
        403/404), their address is forgotten: the letter waits in the outbox, costing no
        further calls, until they write to Spred again, and the core stops offering them
        as reachable meanwhile. A channel's digest goes the same way: when Spred was
        removed from its team, it waits until an admin lets the channel follow again."""
        reference = await self._address(notice.to)
        if reference is None:
            return False
        status = await self._send(reference, notice.reply, answering=False)
        if status in GONE:
            await self.core.addresses.forget(notice.to)
            log.warning(
                "Teams refused a %s letter for %s (%s): they removed Spred or left (a "
                "channel: Spred left its team); the letters wait until they write to Spred "
                "(there) again",
                notice.kind,
                notice.to,
                status,
            )
        return status is None


def _reference(activity: Activity) -> ConversationReference:
    """Where to answer an activity, naming its tenant in the conversation (where botbuilder
    and Teams look for it) also when only its channelData did."""
    reference = TurnContext.get_conversation_reference(activity)
    tenant = events.tenant_of(activity)
    if tenant and reference.conversation is not None and not reference.conversation.tenant_id:
        reference.conversation.tenant_id = tenant
    return reference


def _channel_reference(reference: ConversationReference, channel: str) -> ConversationReference:
    """Where a new post in a team channel goes: the conversation that is the channel itself
    (a message sent there starts a thread of its own), in the tenant `reference` names;
    no message to answer, and no person: nobody's id is kept with a channel's address."""
    written_in = reference.conversation
    return ConversationReference(
        bot=reference.bot,
        channel_id=reference.channel_id,
        service_url=reference.service_url,
        locale=reference.locale,
        conversation=ConversationAccount(
            id=channel,
            conversation_type="channel",
            is_group=True,
            tenant_id=written_in.tenant_id if written_in is not None else None,
        ),
    )


def _stored(reference: ConversationReference) -> dict[str, Any]:
    """A reference as an address keeps it: without the message it was taken from (a later
    letter is a new message, not a reply), so most messages change nothing on disk."""
    stored: dict[str, Any] = reference.serialize()
    stored.pop("activityId", None)
    conversation = stored.get("conversation")
    if isinstance(conversation, dict) and conversation.get("tenantID"):
        # botbuilder-python reads back its own spelling, "tenantID"; the Teams one is kept
        # beside it for anyone who reads the store.
        conversation["tenantId"] = conversation["tenantID"]
    return stored


def _held_reference(message: Incoming) -> ConversationReference | None:
    """The reference `received` held a message with (its `reply_to`), or None when it
    names no conversation to answer in."""
    reference = ConversationReference().deserialize(dict(message.reply_to))
    if reference.conversation is None or not reference.service_url:
        return None
    return reference


def _status_of(exc: Exception) -> int | None:
    response: Any = getattr(exc, "response", None)
    for name in ("status_code", "status"):
        value = getattr(response, name, None)
        if isinstance(value, int):
            return value
    return None


def _retry_after(exc: Exception) -> float | None:
    """The seconds the connector's Retry-After asks for (a number or an HTTP date)."""
    headers: Any = getattr(getattr(exc, "response", None), "headers", None)
    value = headers.get("Retry-After") if isinstance(headers, Mapping) else None
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError):
        return None


def _pause(attempt: int, retry_after: float | None) -> float:
    """Seconds before try `attempt + 1`: the backoff with jitter, or the Retry-After if
    that is longer, never more than LONGEST_WAIT."""
    backoff = BACKOFF * 2 ** (attempt - 1) * (0.5 + random.random())
    return min(max(backoff, retry_after or 0.0), LONGEST_WAIT)


def _status(status: int, why: str) -> web.Response:
    return web.json_response({"error": why}, status=status)
