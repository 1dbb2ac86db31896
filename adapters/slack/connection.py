"""Spred's standing with Slack: who the bot is (auth.test), in Socket Mode the socket, and
the health `/healthz` shows.

Slack being down, or refusing the token, never stops the server: Slack is tried in the
background with backoff until it answers, so Teams, the health check and everything else
keep serving, and the state is said in one log line each time it changes.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Callable
from typing import Any, Literal

from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.adapter.socket_mode.internals import build_headers
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.async_authorize import AsyncAuthorize
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import events
from adapters.slack.answers import Answers
from adapters.slack.config import SlackConfig
from adapters.slack.delivery import TIMEOUT

log = logging.getLogger(__name__)

Health = Literal["ok", "connecting", "unreachable", "invalid_auth"]

RETRY_FIRST = 1.0  # seconds before Slack is tried again after a failure; doubled each time
RETRY_MAX = 60.0
# Slack's answers that say the token itself is wrong (not that Slack is unwell).
TOKEN_REFUSED = frozenset(
    {
        "invalid_auth",
        "not_authed",
        "account_inactive",
        "token_revoked",
        "token_expired",
        "not_allowed_token_type",
        "team_disabled",
    }
)


def quiet_bolt_logger() -> logging.Logger:
    """bolt logs the whole body of a badly signed request at INFO and DEBUG: message text
    and tokens must never reach the logs, so its logger shows warnings only."""
    logger = logging.getLogger("spred.slack.bolt")
    logger.setLevel(logging.WARNING)
    if _not_a_choice not in logger.filters:
        logger.addFilter(_not_a_choice)
    return logger


def _not_a_choice(record: logging.LogRecord) -> bool:
    """bolt reads SLACK_BOT_TOKEN from the environment by itself and warns, at every start,
    that the client Spred gives it wins: that is the intent, not a problem to report."""
    return "`token` will be unused" not in record.getMessage()


class Connection:
    def __init__(self, *, config: SlackConfig, client: AsyncWebClient) -> None:
        """`client` calls Slack once per try (the backoff here does the retrying)."""
        self.config = config
        self.client = client
        self.bot_user_id: str | None = None  # known once auth.test has answered
        self.bot_id: str | None = None
        self._health: Health = "connecting"
        self._changed = asyncio.Condition()
        self._trying: asyncio.Task[None] | None = None
        self._socket: AsyncSocketModeHandler | None = None
        self._closed = False

    @property
    def health(self) -> Health:
        """ "ok" once Slack has answered auth.test (and, in Socket Mode, the socket is open);
        "connecting" until Slack first answers or fails; "unreachable" while it cannot be
        reached; "invalid_auth" while it refuses the token."""
        return self._health

    def authorize(self) -> AsyncAuthorize:
        """bolt's authorization of each request, from what auth.test said: so no request
        waits on Slack, or fails because Slack cannot be reached."""
        return _KnownIdentity(self)

    async def open(self, *, app: AsyncApp, answers: Answers, wait: float) -> None:
        """Starts trying Slack in the background (in Socket Mode, the socket brings Slack's
        requests to `app`, and what needs nothing in its acknowledgement to `answers` once
        acknowledged); waits up to `wait` seconds for Slack's first answer, so a server
        whose Slack is well starts knowing who it is. A distributable app has no token of
        its own to try: each workspace's is tried as its requests come."""
        if self.config.distributable:
            await self._become("ok", why="")
            return
        self._trying = asyncio.create_task(self._keep_trying(app, answers))
        await self.until(lambda: self._health != "connecting", within=wait)

    async def close(self) -> None:
        """Stops trying Slack; whoever waits for the bot's ids stops waiting."""
        async with self._changed:
            self._closed = True
            self._changed.notify_all()
        if self._trying is not None:
            self._trying.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._trying
        if self._socket is not None:
            with contextlib.suppress(Exception):
                await self._socket.close_async()

    async def until(self, settled: Callable[[], bool], *, within: float) -> None:
        """Returns once `settled()` holds after a change of health, or after `within`
        seconds."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(within), self._changed:
                await self._changed.wait_for(settled)

    async def own_id(self, *, within: float) -> str | None:
        """The bot's own user id; while Slack is being reached, waited for up to `within`
        seconds. None if it cannot be known now: Slack refuses the token, is still out of
        reach, or Spred is stopping."""
        await self.until(
            lambda: self.bot_user_id is not None or self._health == "invalid_auth" or self._closed,
            within=within,
        )
        return self.bot_user_id

    async def _keep_trying(self, app: AsyncApp, answers: Answers) -> None:
        delay = RETRY_FIRST
        while True:
            health, why = await self._try(app, answers)
            await self._become(health, why=why)
            if health == "ok":
                return
            await asyncio.sleep(delay)
            delay = min(delay * 2, RETRY_MAX)

    async def _try(self, app: AsyncApp, answers: Answers) -> tuple[Health, str]:
        """One attempt: who the bot is, then (Socket Mode) the socket. The health it gives,
        and why in words for the log."""
        token = "SLACK_BOT_TOKEN"
        try:
            if self.bot_user_id is None:
                identity = await self.client.auth_test()
                self.bot_id = str(identity.get("bot_id") or "")
                self.bot_user_id = str(identity.get("user_id") or "")
            if self.config.socket_mode and self._socket is None:
                token = "SLACK_APP_TOKEN"
                self._socket = await self._open_socket(app, answers)
        except SlackApiError as exc:
            code = str(exc.response.get("error", "") or exc.response.status_code)
            if code in TOKEN_REFUSED:
                return "invalid_auth", f"Slack refuses {token} ({code})"
            return "unreachable", f"Slack answered {code}"
        except Exception as exc:  # whatever the network does, the server keeps serving
            return "unreachable", f"cannot reach Slack at {self.config.api_url} ({_named(exc)})"
        return "ok", ""

    async def _open_socket(self, app: AsyncApp, answers: Answers) -> AsyncSocketModeHandler:
        """The socket's address from Slack (which checks the app token here, where a refusal
        is told apart from an outage), then the socket itself."""
        opened = await self.client.apps_connections_open(app_token=self.config.app_token)
        socket = _AcknowledgingFirst(
            app, self.config.app_token, logger=quiet_bolt_logger(), answers=answers
        )
        socket.client.wss_uri = str(opened["url"])
        try:
            async with asyncio.timeout(TIMEOUT):  # slack_sdk itself would retry for ever
                await socket.connect_async()
        except BaseException:
            with contextlib.suppress(Exception):
                await socket.close_async()
            raise
        return socket

    async def _become(self, health: Health, *, why: str) -> None:
        """Records the health; a change is said in one line."""
        if health != self._health:
            if health == "ok":
                log.info("connected to Slack as %s", self.bot_user_id or "a bot without a user")
            elif health == "invalid_auth":
                log.error(
                    "%s: set the right token and restart; serving without Slack meanwhile, "
                    "and trying again in the background",
                    why,
                )
            else:
                log.warning("%s; serving without Slack, and trying again in the background", why)
        async with self._changed:
            self._health = health
            self._changed.notify_all()


class _AcknowledgingFirst(AsyncSocketModeHandler):
    """bolt's Socket Mode handler, but a payload that needs nothing in its acknowledgement
    is acknowledged before bolt sees it and answered after, as over HTTP."""

    def __init__(
        self, app: AsyncApp, app_token: str, *, logger: logging.Logger, answers: Answers
    ) -> None:
        super().__init__(app, app_token, logger=logger)
        self.answers = answers

    async def handle(self, client: SocketModeClient, req: SocketModeRequest) -> None:  # type: ignore[override]
        payload = req.payload if isinstance(req.payload, dict) else {}
        if not events.acknowledged_at_once(payload):
            await super().handle(client, req)
            return

        async def ack() -> None:
            await client.send_socket_mode_response(SocketModeResponse(envelope_id=req.envelope_id))

        headers = build_headers(req)
        await self.answers.acknowledge(
            payload,
            functools.partial(AsyncBoltRequest, mode="socket_mode", body=payload, headers=headers),
            ack=ack,
        )


class _KnownIdentity(AsyncAuthorize):
    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    async def __call__(
        self, *, enterprise_id: str | None, team_id: str | None, **_: Any
    ) -> AuthorizeResult:
        return AuthorizeResult(
            enterprise_id=enterprise_id,
            team_id=team_id,
            bot_token=self.connection.config.bot_token,
            bot_user_id=self.connection.bot_user_id or None,
            bot_id=self.connection.bot_id or None,
        )


def _named(exc: Exception) -> str:
    """An error as a log can say it: its kind, and the OS's words for a network error (never
    a request, which may hold a token)."""
    detail = getattr(exc, "strerror", None) or ""
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
