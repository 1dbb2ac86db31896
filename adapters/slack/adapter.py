"""Spred on Slack: slack-bolt's AsyncApp on the shared aiohttp server (or Socket Mode).

Inbound, each Slack payload becomes one `Incoming` (events.py) and goes to the core; the
replies are rendered as Block Kit (blocks.py) and sent (delivery.py). Requests are checked
before bolt sees them (payloads.py), so a malformed one gets a 4xx rather than an exception.
A payload whose acknowledgement says nothing (events, buttons, /spred) is acknowledged
before bolt or the core sees it, and answered after (answers.py): Slack's 3 seconds never
wait for a profile, the store or the matcher. Slack itself is reached in the background
(connection.py): the server serves without it.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.error import BoltUnhandledRequestError
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.request.internals import extract_enterprise_id, extract_team_id
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import blocks, events, oauth, requests
from adapters.slack.answers import HOLDER, Answers
from adapters.slack.config import SlackConfig
from adapters.slack.connection import Connection, Health, quiet_bolt_logger
from adapters.slack.delivery import Poster, marker, reason, web_client
from adapters.slack.events import Person
from adapters.slack.installations import Installations, States, org_of
from adapters.slack.people import People
from adapters.slack.workspaces import Installed, Workspaces, address
from bot.core import Core
from bot.holds import UNHELD
from bot.i18n import say
from bot.messages import Form, Incoming, Notice, Reply

log = logging.getLogger(__name__)

START_WAIT = 3.0  # seconds start() waits for Slack's first answer before serving without it
IDENTITY_WAIT = 300.0  # seconds an event that came before the bot knew its own ids waits
ANSWERS_WAIT = 10.0  # seconds close() lets answers in progress finish
MAX_KINDS = 100  # kinds of unhandled payload remembered, to say each once

Respond = Callable[..., Awaitable[Any]]
Post = Callable[[Reply], Awaitable[bool]]


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
        self._unhandled: set[str] = set()
        once = web_client(
            token=config.bot_token, api_url=config.api_url, session=self.session, retries=0
        )
        self.connection = Connection(config=config, client=once)
        self.workspaces: Workspaces | None = None
        self.states: States | None = None
        self.oauth: oauth.AsyncOAuthFlow | None = None
        # A distributable app's bolt client exchanges codes and rotates tokens: Slack's
        # answers then hold tokens, which slack_sdk's own logger shows whole at DEBUG.
        bolt_client = web_client(
            token=None,
            api_url=config.api_url,
            session=self.session,
            logger=oauth.oauth_logger() if config.distributable else None,
        )
        if config.distributable:
            self.app = self._distributed(bolt_client, post_interval)
        else:
            # bolt is given no token: it is authorized by what the connection learned, never
            # by asking Slack on a request's way in
            self.app = AsyncApp(
                client=bolt_client,
                # bolt takes an AsyncAuthorize as it is (an isinstance check); its hint omits it
                authorize=self.connection.authorize(),  # type: ignore[arg-type]
                **self._bolt_settings(),
            )
        self.people = People(
            core=core,
            client=self.client,
            poster=self.poster,
            connection=self.connection,
            workspaces=self.workspaces,
        )
        self.app.error(self._on_error)
        self.answers = Answers(self.app, hold=self._hold)
        self._listen()

    def _bolt_settings(self) -> dict[str, Any]:
        return {
            "signing_secret": self.config.signing_secret or None,
            "logger": quiet_bolt_logger(),
            "process_before_response": False,
            "raise_error_for_unhandled_request": True,  # to _on_error, not a 7-line warning
            "attaching_conversation_kwargs_enabled": False,  # AI-assistant helpers, unused
        }

    def _distributed(self, bolt_client: AsyncWebClient, post_interval: float) -> AsyncApp:
        """bolt for a distributable app: its OAuth flow, and each request authorized with
        its workspace's installation as kept (a cached look-up; no call to Slack)."""
        installations = Installations(self.core.installations)
        self.workspaces = Workspaces(
            installations=installations,
            addresses=self.core.addresses,
            session=self.session,
            api_url=self.config.api_url,
            interval=post_interval,
            rotator=AsyncTokenRotator(
                client_id=self.config.client_id,
                client_secret=self.config.client_secret,
                client=bolt_client,
            ),
        )
        self.states = States(self.core.install_states)
        self.oauth = oauth.flow(
            config=self.config,
            client=bolt_client,
            installations=installations,
            states=self.states,
            organisations=self.core.organisations,
        )
        authorize = Installed(self.workspaces)
        app = AsyncApp(
            client=bolt_client,
            authorize=authorize,  # type: ignore[arg-type]  # (as above)
            oauth_flow=self.oauth,
            installation_store=installations,
            installation_store_bot_only=True,
            **self._bolt_settings(),
        )
        # app_uninstalled and tokens_revoked remove the installation (bolt's listeners)
        app.enable_token_revocation_listeners()
        return app

    async def install(self, request: web.Request) -> web.Response:
        """GET /slack/install and /slack/oauth_redirect (the distributable app only)."""
        if self.oauth is None:
            return requests.refused(404, "Spred is not a distributable Slack app here")
        return await oauth.serve(self.oauth, request)

    @property
    def health(self) -> Health:
        """How Spred stands with Slack: "ok", "connecting", "unreachable" or "invalid_auth"."""
        return self.connection.health

    async def start(self) -> None:
        """Starts reaching Slack: learning the bot's own ids (to ignore its own messages)
        and, in Socket Mode, opening the socket. Never fails because of Slack: after
        START_WAIT seconds at most it returns, and Slack is tried again in the background
        until it answers. The distributable app first forgets install links left unused."""
        if self.states is not None:
            await self.states.kept.prune()
        await self.connection.open(app=self.app, answers=self.answers, wait=START_WAIT)

    async def close(self) -> None:
        """Stops reaching for Slack (closing the socket), lets the answers in progress be
        sent, then closes the connections to Slack."""
        await self.connection.close()
        await self.drain(within=ANSWERS_WAIT)
        await self.session.close()

    async def drain(self, *, within: float) -> None:
        """Waits, up to `within` seconds, for the answers being worked on to be sent."""
        await self.answers.drain(within=within)

    # --- HTTP

    async def handle(self, request: web.Request) -> web.Response:
        """POST /slack/events: checked here first. A payload whose acknowledgement says
        nothing is acknowledged at once and handed to bolt after; for any other, bolt's
        response is the acknowledgement."""
        checked = await requests.check(request, verifier=self.verifier)
        if isinstance(checked, web.Response):
            return checked
        text, payload, bolt_headers = checked.text, checked.payload, checked.headers
        # bolt gets the very text and headers checked above, not aiohttp's second reading
        if events.acknowledged_at_once(payload):
            acknowledgement = web.Response(status=200)

            async def ack() -> None:  # on its way to Slack before any work but the hold
                await acknowledgement.prepare(request)
                await acknowledgement.write_eof()

            query = request.query_string
            await self.answers.acknowledge(
                payload,
                functools.partial(AsyncBoltRequest, body=text, query=query, headers=bolt_headers),
                ack=ack,
            )
            return acknowledgement
        try:
            bolt_request = AsyncBoltRequest(
                body=text, query=request.query_string, headers=bolt_headers
            )
            bolt_response = await self.app.async_dispatch(bolt_request)
        except Exception as exc:  # bolt failed on a shape payloads.py should have refused
            kind, error = events.kind(payload), type(exc).__name__
            log.error("bolt failed on a signed Slack %s (%s); refused with 400", kind, error)
            return requests.refused(400, "malformed Slack payload")
        if bolt_response.status == 404:  # signed but nothing Spred handles: Slack wants a 2xx
            return web.Response(status=200)
        if bolt_response.status >= 500:  # bolt failed on it; _on_error has said why
            return requests.refused(400, "malformed Slack payload")
        return await to_aiohttp_response(bolt_response)

    # --- inbound

    def _listen(self) -> None:
        app, tracked = self.app, self.answers.tracked
        app.event("app_mention")(tracked(self._on_event))
        app.event("message")(tracked(self._on_event))
        app.event("app_home_opened")(tracked(self._on_home))
        app.command("/spred")(tracked(self._on_command))
        # every button, forged ids too (the core refuses them); Spred sends no legacy
        # attachments or dialogs, so their payloads are not button presses
        app.block_action({"action_id": re.compile(".*")})(tracked(self._on_action))
        app.message_shortcut(events.SHARE_SHORTCUT)(tracked(self._on_shortcut))
        form = re.compile(re.escape(events.FORM_CALLBACK) + ".*")
        app.view({"type": "view_submission", "callback_id": form})(tracked(self._on_view))

    async def _on_error(self, error: Exception, body: dict[str, Any]) -> None:
        """bolt's errors. A payload no listener takes is expected (Slack sends events the app
        does not use): said once per kind, at DEBUG. Anything else is a fault in Spred."""
        kind = events.kind(body if isinstance(body, Mapping) else {})
        if isinstance(error, BoltUnhandledRequestError):
            if kind not in self._unhandled and len(self._unhandled) < MAX_KINDS:
                self._unhandled.add(kind)
                log.debug("Slack sent a %s, which Spred does not handle; ignored", kind)
            return
        log.error("handling a Slack %s failed", kind, exc_info=error)

    async def _on_event(
        self, body: dict[str, Any], event: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        kind = str(event.get("type"))
        if kind == "message" and event.get("channel_type") != "im":
            return  # channel messages reach Spred as app_mention when they name the bot
        refused = events.unanswerable(event)
        if refused:
            log.debug("a Slack %s was ignored: %s", kind, refused)
            return
        if self.workspaces is None:
            own = await self.connection.own_id(within=IDENTITY_WAIT)
        else:  # the installation's, as bolt's authorize found it
            own = context.bot_user_id
        # The core answers an event once, across Slack's retries, restarts and processes;
        # one Spred answers is held from before its acknowledgement (`_hold`).
        event_id = body.get("event_id")
        event_id = event_id if isinstance(event_id, str) else ""
        holder = str(context.get(HOLDER) or "")
        if not events.from_a_person(event, own):
            if holder:  # held before the bot's own id could tell: nothing to answer
                await self.core.answered(_event(event_id))
            return
        poster = self._poster(context)
        async with self.answers.turn():
            person = await self.people.profile(
                event["user"], poster.client, org_of_context(context)
            )
            message = events.EVENTS[kind](event, person, own or "")
            message = self._verified(replace(message, event_id=event_id), context)
            channel, thread = event["channel"], message.thread
            mark = marker("answer", event_id)
            await self._answer(
                message,
                lambda reply: poster.post(channel, reply, thread=thread, mark=mark),
                holder=holder,
            )
            await self._place(message.user_id, context)

    async def _hold(self, payload: Mapping[str, Any]) -> str | None:
        """Holds the event a payload is, if Spred answers it (`Answers.acknowledge`), with
        the organisation its signed payload names."""
        message = events.asked(payload)
        if message is None:
            return UNHELD
        raw = dict(payload)
        where = {"team_id": extract_team_id(raw), "enterprise_id": extract_enterprise_id(raw)}
        return await self.core.hold(replace(message, org_id=org_of(where)))

    async def retake(self, message: Incoming) -> None:
        """An event (a mention, a DM) another process acknowledged and died before
        answering: taken over (`Core.hold`, which one process wins), and answered as
        `_on_event` would have, where it was asked, with its workspace's token; unless the
        answer is there already (the process died after Slack took it), which is then
        marked answered."""
        holder = await self.core.hold(message)
        if not holder:
            return
        poster = await self._poster_of(message)
        if poster is None:  # its hold lapses again, and is given up after its turns
            log.warning("a Slack event taken over is from a workspace Spred left")
            return
        thread, mark = message.thread, marker("answer", message.event_id)
        if message.direct:  # its conversation names the user, not the DM channel
            channel = await poster.dm_channel(message.user_id)
            if channel is None:
                return
        else:
            channel = message.conversation
        if await poster.has_posted(channel, thread=thread, mark=mark):
            log.info("a Slack event taken over had its answer already")
            await self.core.answered(message)
            return
        person = await self.people.profile(message.user_id, poster.client, message.org_id)
        message = replace(message, user_name=person.name, email=person.email)
        async with self.answers.turn():
            await self._answer(
                message,
                lambda reply: poster.post(channel, reply, thread=thread, mark=mark),
                holder=holder,
            )

    async def _poster_of(self, message: Incoming) -> Poster | None:
        """The poster of the workspace a message came from."""
        if self.workspaces is None:
            return self.poster
        workspace = message.org_id.removeprefix(f"{events.PLATFORM}:")
        if workspace.startswith("E"):  # an org-wide install's enterprise
            return await self.workspaces.poster_in(team_id=None, enterprise_id=workspace)
        if workspace:
            return await self.workspaces.poster_in(team_id=workspace, enterprise_id=None)
        return await self.workspaces.poster_for(message.user)

    async def _answer(self, message: Incoming, post: Post, *, holder: str = UNHELD) -> None:
        """A mention or DM answered where it was asked (`post`, one reply at a time)."""

        async def send(replies: list[Reply]) -> None:
            for reply in replies:
                await post(reply)

        try:
            await self.core.answer(message, send=send, holder=holder)
        except Exception:
            log.exception("the core failed on a Slack message")

    async def _on_command(
        self,
        ack: Callable[..., Awaitable[None]],
        body: dict[str, Any],
        respond: Respond,
        context: AsyncBoltContext,
    ) -> None:
        await ack()
        await self._privately(body, respond, context, events.command, what="command")

    async def _on_action(
        self,
        ack: Callable[..., Awaitable[None]],
        body: dict[str, Any],
        respond: Respond,
        context: AsyncBoltContext,
    ) -> None:
        await ack()
        await self._privately(body, respond, context, events.action, what="button press")

    async def _on_shortcut(
        self,
        ack: Callable[..., Awaitable[None]],
        body: dict[str, Any],
        context: AsyncBoltContext,
    ) -> None:
        """ "Del som løsning" on a message: the share form as a modal, prefilled from the
        message; anything else goes to the sharer's DM, where the dialogue goes on (the
        message may be in a channel others read)."""
        await ack()
        user = events.sender(body)
        if not user:
            log.debug("a Slack shortcut without a sender was ignored")
            return
        poster = self._poster(context)
        trigger = body.get("trigger_id")
        async with self.answers.turn():
            person = await self.people.profile(user, poster.client, org_of_context(context))
            message = self._verified(events.shortcut(body, person), context)
            for reply in await self._handle(message):
                if reply.form is not None and isinstance(trigger, str) and trigger:
                    await self._open_form(
                        message, reply.form, body, poster, trigger=trigger, language=reply.language
                    )
                else:
                    await poster.direct(message.user_id, reply)
            await self._place(message.user_id, context)

    async def _privately(
        self,
        body: dict[str, Any],
        respond: Respond,
        context: AsyncBoltContext,
        translate: Callable[[Mapping[str, Any], Person], Incoming],
        *,
        what: str,
    ) -> None:
        """A command or a button press, from its sender, answered only to them."""
        user = events.sender(body)
        if not user:
            log.debug("a Slack %s without a sender was ignored", what)
            return
        poster = self._poster(context)
        async with self.answers.turn():
            message = translate(
                body, await self.people.profile(user, poster.client, org_of_context(context))
            )
            message = self._verified(message, context)
            await self._answer_privately(message, body, respond, poster)
            await self._place(message.user_id, context)

    async def _answer_privately(
        self, message: Incoming, body: dict[str, Any], respond: Respond, poster: Poster
    ) -> None:
        """Replies only the asker sees: forms as modals; in the asker's DM with Spred, posted
        there to keep; elsewhere ephemeral where Slack gave a response_url; else (App Home
        buttons, or a response_url Slack no longer takes) in the asker's DM."""
        dm = events.in_direct_message(body)
        trigger = body.get("trigger_id")
        for reply in await self._handle(message):
            if reply.form is not None and isinstance(trigger, str) and trigger:
                await self._open_form(
                    message, reply.form, body, poster, trigger=trigger, language=reply.language
                )
            elif dm:
                await poster.post(dm, reply)
            elif body.get("response_url"):
                if not await self._respond(respond, reply):
                    await poster.direct(message.user_id, reply)
            else:
                await poster.direct(message.user_id, reply)

    async def _open_form(
        self,
        message: Incoming,
        form: Form,
        body: dict[str, Any],
        poster: Poster,
        *,
        trigger: str,
        language: str,
    ) -> None:
        """A form as a modal; if Slack will not open it (the trigger_id lasts 3 seconds),
        the asker is told so in their DM rather than left waiting."""
        view = blocks.modal(form, metadata=events.channel_of(body))
        try:
            await poster.client.views_open(trigger_id=trigger, view=view)
        except Exception as exc:
            log.error("views.open failed: %s", reason(exc))
            text = say(language, "form_failed")
            await poster.direct(message.user_id, Reply(text=text, language=language))

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

    async def _on_view(
        self,
        ack: Callable[..., Awaitable[None]],
        body: dict[str, Any],
        context: AsyncBoltContext,
    ) -> None:
        user = events.sender(body)
        if not user:
            await ack()  # closes the modal: there is no one to answer
            log.debug("a Slack form without a sender was ignored")
            return
        poster = self._poster(context)
        message = events.submission(
            body, await self.people.profile(user, poster.client, org_of_context(context))
        )
        replies = await self._handle(self._verified(message, context))
        view = events.as_mapping(body.get("view"))
        refused = next((r for r in replies if r.form is not None and r.form.has_errors), None)
        if refused is not None and refused.form is not None:  # on the fields; the modal stays
            outdated = say(refused.language, "form_outdated")
            errors = blocks.form_errors(refused.form, view, outdated=outdated)
            await ack(response_action="errors", errors=errors)
            return
        failed = next((r for r in replies if r.failed), None)
        errors = blocks.failure_errors(failed, view) if failed else {}
        if errors:  # the modal stays open with what was typed, to send again
            await ack(response_action="errors", errors=errors)
            return
        await ack()
        for reply in replies:
            await poster.direct(message.user_id, reply)
        await self._place(message.user_id, context)

    async def _on_home(self, event: dict[str, Any], context: AsyncBoltContext) -> None:
        user = events.id_of(event.get("user"))
        if event.get("tab") not in (None, "home") or not user:
            return
        client = self._poster(context).client
        async with self.answers.turn():
            reply = await self.core.home(user=f"{events.PLATFORM}:{user}")
            _, shown = blocks.message(reply)
            view = {"type": "home", "blocks": shown}
            await _logged("views.publish", client.views_publish(user_id=user, view=view))

    def _poster(self, context: AsyncBoltContext) -> Poster:
        """How to answer a request: with its workspace's token, as bolt's authorize found
        it (one workspace: the one poster)."""
        if self.workspaces is None or not context.bot_token:
            return self.poster
        return self.workspaces.poster(context.bot_token)

    @staticmethod
    def _verified(message: Incoming, context: AsyncBoltContext) -> Incoming:
        """The message with the organisation Slack's signed payload says it came from."""
        return replace(message, org_id=org_of_context(context))

    async def _place(self, user_id: str, context: AsyncBoltContext) -> None:
        """In the distributable app, keeps which workspace the sender wrote from, for
        letters to them; after they have their answer, so a first write never delays it."""
        if self.workspaces is not None:
            where = address(team_id=context.team_id, enterprise_id=context.enterprise_id)
            await self.workspaces.remember(f"{events.PLATFORM}:{user_id}", where)

    async def _handle(self, message: Incoming) -> list[Reply]:
        try:
            return await self.core.handle(message)
        except Exception:
            log.exception("the core failed on a Slack %s", message.action or "message")
            return []

    # --- the connector's side: reaching people (people.py)

    async def reachable(self, user: str) -> bool:
        return await self.people.reachable(user)

    async def find(self, *, email: str, org_id: str) -> str | None:
        return await self.people.find(email=email, org_id=org_id)

    async def deliver(self, notice: Notice) -> bool:
        return await self.people.deliver(notice)


def _event(event_id: str) -> Incoming:
    """A Slack event by its id alone, to mark it answered."""
    return Incoming(platform=events.PLATFORM, user_id="", event_id=event_id)


def org_of_context(context: AsyncBoltContext) -> str:
    """The organisation Slack's signed payload says a request came from."""
    return org_of({"team_id": context.team_id, "enterprise_id": context.enterprise_id})


async def _logged(what: str, call: Awaitable[Any]) -> None:
    """Awaits a call to Slack; a failure is logged (never the text sent) and the listener
    goes on."""
    try:
        await call
    except Exception as exc:
        log.error("%s failed: %s", what, reason(exc))
