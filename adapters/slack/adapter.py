"""Spred on Slack: slack-bolt's AsyncApp on the shared aiohttp server (or Socket Mode).

Inbound, each Slack payload becomes one `Incoming` (events.py) and goes to the core; the
replies are rendered as Block Kit (blocks.py) and sent (delivery.py). Requests are checked
before bolt sees them, so a malformed one gets a 4xx rather than an exception.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.internals import parse_body
from slack_sdk.signature import SignatureVerifier

from adapters.slack import blocks, delivery, events
from adapters.slack.config import SlackConfig
from adapters.slack.delivery import Poster, reason, web_client
from adapters.slack.events import Person
from bot.core import Core
from bot.i18n import say
from bot.messages import Form, Incoming, Notice, Reply

log = logging.getLogger(__name__)

PROFILE_FOR = 3600.0  # seconds a users.info answer is trusted
PROFILE_RETRY = 60.0  # seconds before a users.info that failed is asked again
MAX_BODY = 1024 * 1024

Respond = Callable[..., Awaitable[Any]]


def quiet_bolt_logger() -> logging.Logger:
    """bolt logs the whole body of a badly signed request at INFO and DEBUG: message text
    and tokens must never reach the logs, so its logger shows warnings only."""
    logger = logging.getLogger("spred.slack.bolt")
    logger.setLevel(logging.WARNING)
    return logger


class SlackAdapter:
    def __init__(self, *, config: SlackConfig, core: Core, post_interval: float = 1.0) -> None:
        self.config = config
        self.core = core
        self.session = aiohttp.ClientSession()
        self.client = web_client(
            token=config.bot_token, api_url=config.api_url, session=self.session
        )
        self.poster = Poster(self.client, interval=post_interval)
        self.verifier = SignatureVerifier(config.signing_secret) if config.signing_secret else None
        self.bot_user_id = ""
        self._people: dict[str, tuple[float, Person]] = {}  # user id → (trusted until, …)
        self.app = AsyncApp(
            client=self.client,
            signing_secret=config.signing_secret or None,
            logger=quiet_bolt_logger(),
            process_before_response=False,
            raise_error_for_unhandled_request=False,
        )
        self._listen()

    async def start(self) -> None:
        """Learns the bot's own ids (to ignore its own messages) and takes over delivering
        the core's letters to Slack users."""
        identity = await self.client.auth_test()
        self.bot_user_id = str(identity.get("user_id", ""))

    async def close(self) -> None:
        await self.session.close()

    # --- HTTP

    async def handle(self, request: web.Request) -> web.Response:
        """POST /slack/events: checked here first, then dispatched to bolt."""
        if (request.content_length or 0) > MAX_BODY:
            return _status(413, "request body over 1 MiB")
        timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
        signature = request.headers.get("X-Slack-Signature", "")
        # bolt 1.30 raises on a missing or non-numeric timestamp: answer 401 before it sees one.
        # ASCII digits only: "²".isdigit() is True, but int("²") raises.
        if not signature or not _TIMESTAMP.fullmatch(timestamp.strip()):
            return _status(401, "missing or malformed Slack signature headers")
        try:
            body = await request.read()
        except web.HTTPRequestEntityTooLarge:
            return _status(413, "request body over 1 MiB")
        if self.verifier is None or not self.verifier.is_valid(body, timestamp, signature):
            return _status(401, "invalid Slack signature or stale timestamp")
        try:  # bolt's own reading of the body, which would otherwise raise inside bolt
            parse_body(body.decode(), request.content_type)
        except ValueError:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
            return _status(400, "malformed request body")
        bolt_response = await self.app.async_dispatch(await to_bolt_request(request))
        if bolt_response.status == 404:  # signed but nothing Spred handles: Slack wants a 2xx
            return web.Response(status=200)
        if bolt_response.status >= 500:  # bolt choked on the payload's shape, not on Spred
            log.warning("a signed Slack request bolt could not read was refused")
            return _status(400, "malformed Slack payload")
        return await to_aiohttp_response(bolt_response)

    # --- inbound

    def _listen(self) -> None:
        app = self.app
        app.event("app_mention")(self._on_event)
        app.event("message")(self._on_event)
        app.event("app_home_opened")(self._on_home)
        app.command("/spred")(self._on_command)
        app.action(re.compile(".*"))(self._on_action)  # forged ids too: the core refuses them
        form = re.compile(re.escape(events.FORM_CALLBACK) + ".*")
        app.view({"type": "view_submission", "callback_id": form})(self._on_view)

    async def _on_event(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        kind = str(event.get("type"))
        if kind == "message" and event.get("channel_type") != "im":
            return  # channel messages reach Spred as app_mention when they name the bot
        if not events.from_a_person(event, self.bot_user_id):
            return
        person = await self._person(str(event["user"]))
        message = events.EVENTS[kind](event, person, self.bot_user_id)
        # The core answers an event once, across Slack's retries, restarts and processes.
        message = replace(message, event_id=str(body.get("event_id", "")))
        for reply in await self._handle(message):  # answered where it was asked
            await self.poster.post(str(event["channel"]), reply, thread=message.thread)

    async def _on_command(
        self, ack: Callable[..., Awaitable[None]], body: dict[str, Any], respond: Respond
    ) -> None:
        await ack()
        message = events.command(body, await self._person(str(body.get("user_id", ""))))
        await self._answer_privately(message, body, respond)

    async def _on_action(
        self, ack: Callable[..., Awaitable[None]], body: dict[str, Any], respond: Respond
    ) -> None:
        await ack()
        user = str((body.get("user") or {}).get("id", ""))
        message = events.action(body, await self._person(user))
        await self._answer_privately(message, body, respond)

    async def _answer_privately(
        self, message: Incoming, body: dict[str, Any], respond: Respond
    ) -> None:
        """Replies only the asker sees: forms as modals; in the asker's DM with Spred, posted
        there to keep; elsewhere ephemeral where Slack gave a response_url; else (App Home
        buttons, or a response_url Slack no longer takes) in the asker's DM."""
        dm = events.in_direct_message(body)
        for reply in await self._handle(message):
            if reply.form is not None and body.get("trigger_id"):
                await self._open_form(message, reply.form, body, language=reply.language)
            elif dm:
                await self.poster.post(dm, reply)
            elif body.get("response_url"):
                if not await self._respond(respond, reply):
                    await self.poster.direct(message.user_id, reply)
            else:
                await self.poster.direct(message.user_id, reply)

    async def _open_form(
        self, message: Incoming, form: Form, body: dict[str, Any], *, language: str
    ) -> None:
        """A form as a modal; if Slack will not open it (the trigger_id lasts 3 seconds),
        the asker is told so in their DM rather than left waiting."""
        opened_in = str((body.get("channel") or {}).get("id") or body.get("channel_id") or "")
        view = blocks.modal(form, metadata=opened_in)
        try:
            await self.client.views_open(trigger_id=body["trigger_id"], view=view)
        except Exception as exc:
            log.error("views.open failed: %s", reason(exc))
            text = say(language, "form_failed")
            await self.poster.direct(message.user_id, Reply(text=text, language=language))

    async def _respond(self, respond: Respond, reply: Reply) -> bool:
        """An ephemeral reply through the response_url; False (logged) if Slack did not
        take it: bolt returns the 404 of an expired or used-up response_url, not raising."""
        text, shown = blocks.message(reply)
        try:
            response = await respond(
                text=text, blocks=shown, response_type="ephemeral", replace_original=False
            )
        except Exception as exc:
            log.warning("response_url failed (%s); replying in the DM instead", reason(exc))
            return False
        status = getattr(response, "status_code", 200)
        if not 200 <= status < 300:
            log.warning("response_url answered %s; replying in the DM instead", status)
            return False
        return True

    async def _on_view(self, ack: Callable[..., Awaitable[None]], body: dict[str, Any]) -> None:
        user = str((body.get("user") or {}).get("id", ""))
        message = events.submission(body, await self._person(user))
        replies = await self._handle(message)
        refused = next((r.form for r in replies if r.form is not None and r.form.has_errors), None)
        if refused is not None:  # shown on the fields, the modal stays open
            await ack(response_action="errors", errors=blocks.form_errors(refused))
            return
        failed = next((r for r in replies if r.failed), None)
        errors = blocks.failure_errors(failed, body.get("view") or {}) if failed else {}
        if errors:  # the modal stays open with what was typed, to send again
            await ack(response_action="errors", errors=errors)
            return
        await ack()
        for reply in replies:
            await self.poster.direct(message.user_id, reply)

    async def _on_home(self, event: dict[str, Any]) -> None:
        user = str(event.get("user", ""))
        if event.get("tab") not in (None, "home") or not user:
            return
        reply = await self.core.home(user=f"{events.PLATFORM}:{user}")
        _, shown = blocks.message(reply)
        view = {"type": "home", "blocks": shown}
        await _logged("views.publish", self.client.views_publish(user_id=user, view=view))

    async def _handle(self, message: Incoming) -> list[Reply]:
        try:
            return await self.core.handle(message)
        except Exception:
            log.exception("the core failed on a Slack %s", message.action or "message")
            return []

    # --- people

    async def _person(self, user_id: str) -> Person:
        cached = self._people.get(user_id)
        if cached and time.monotonic() < cached[0]:
            return cached[1]
        person = Person(id=user_id)
        trusted_for = PROFILE_FOR
        try:
            info = await self.client.users_info(user=user_id)
            user = info.get("user") or {}
            profile = user.get("profile") or {}
            person = Person(
                id=user_id,
                name=str(
                    profile.get("real_name") or user.get("real_name") or user.get("name") or ""
                ),
                email=str(profile.get("email") or ""),
            )
        except Exception as exc:
            log.warning("users.info for %s failed: %s", user_id, type(exc).__name__)
            trusted_for = PROFILE_RETRY  # a passing failure must not hide the name for an hour
        self._people.pop(user_id, None)  # re-added last: the oldest answer is forgotten first
        while len(self._people) >= delivery.MAX_REMEMBERED:
            del self._people[next(iter(self._people))]
        self._people[user_id] = (time.monotonic() + trusted_for, person)
        await self._enrich(person)
        return person

    async def _enrich(self, person: Person) -> None:
        """Links a directory entry to its Slack user by email, so prompts and introductions
        for that person reach them on Slack."""
        if person.email:
            await self.core.link_person(
                platform=events.PLATFORM, user_id=person.id, email=person.email
            )

    async def deliver(self, notice: Notice) -> bool:
        return await self.poster.direct(notice.to.partition(":")[2], notice.reply)


async def _logged(what: str, call: Awaitable[Any]) -> None:
    """Awaits a call to Slack; a failure is logged (never the text sent) and the listener
    goes on."""
    try:
        await call
    except Exception as exc:
        log.error("%s failed: %s", what, reason(exc))


_TIMESTAMP = re.compile(r"-?[0-9]+")


def _status(status: int, why: str) -> web.Response:
    return web.json_response({"ok": False, "error": why}, status=status)
