"""Everything Spred sends to Slack: a Web API client that retries what is safe to retry,
paced posting (about one message a second per channel, as Slack asks), and DMs."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import aiohttp
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import blocks
from bot.messages import Reply

log = logging.getLogger(__name__)

RETRIES = 3
TIMEOUT = 10  # seconds for one Web API call


class AsyncGatewayErrorRetryHandler(AsyncRetryHandler):
    """Retries Slack's 500-504 and timeouts (slack_sdk's built-in handler knows 500 and
    503). A chat.* call only on 502 and 503, which say Slack did not take it: after a
    timeout, a 500 or a 504 the message may be posted already, and a retry posts it twice."""

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        posts = request.url.rstrip("/").rsplit("/", 1)[-1].startswith("chat.")
        if isinstance(error, TimeoutError):
            return not posts
        status = response.status_code if response is not None else 0
        return status in ((502, 503) if posts else (500, 502, 503, 504))


def web_client(
    *,
    token: str | None,
    api_url: str,
    session: aiohttp.ClientSession | None = None,
    retries: int = RETRIES,
    logger: logging.Logger | None = None,
) -> AsyncWebClient:
    """slack_sdk's default client tries once; this one rides out 429s (after Retry-After),
    gateway errors, timeouts and dropped connections, `retries` times. With `session`,
    connections to Slack are kept open between calls instead of opened for each. `logger`:
    slack_sdk's own by default, which at DEBUG logs each answer whole."""
    return AsyncWebClient(
        token=token,
        base_url=api_url,
        timeout=TIMEOUT,
        session=session,
        logger=logger,
        retry_handlers=[
            AsyncRateLimitErrorRetryHandler(max_retry_count=retries),
            AsyncGatewayErrorRetryHandler(max_retry_count=retries),
            AsyncConnectionErrorRetryHandler(max_retry_count=retries),
        ]
        if retries
        else [],
    )


MAX_REMEMBERED = 10_000  # DM channels, paced channels and profiles kept; beyond, the oldest go
LOOKED_AT = 100  # messages read back when looking for an earlier post (the newest first)

# What Spred marks an answer or a letter with, as Slack's message metadata: a process that
# takes over an event or a letter whose first sender died between Slack taking the post and
# the store hearing of it finds the post there (`has_posted`), and posts nothing again.
Marker = dict[str, Any]


def marker(kind: str, key: str) -> Marker:
    """The mark of Spred's post of one thing: "answer" of an event id, "letter" of a letter's."""
    return {"event_type": f"spred_{kind}", "event_payload": {"id": key}}


class Poster:
    def __init__(self, client: AsyncWebClient, *, interval: float = 1.0) -> None:
        self.client = client
        self.interval = interval
        self._channels: dict[str, tuple[asyncio.Lock, list[float]]] = {}  # → (lock, last post)
        self._direct: dict[str, str] = {}  # user id → their DM channel with the bot

    async def post(
        self,
        channel: str,
        reply: Reply,
        *,
        thread: str | None = None,
        mark: Marker | None = None,
    ) -> bool:
        """Posts one reply; False (logged with its context) if Slack refused it for good."""
        text, shown = blocks.message(reply)
        arguments: dict[str, Any] = {"channel": channel, "text": text, "blocks": shown}
        if thread:
            arguments["thread_ts"] = thread
        if mark is not None:
            arguments["metadata"] = mark
        lock, last = self._paced(channel)
        async with lock:
            wait = last[0] + self.interval - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            try:
                await self.client.chat_postMessage(**arguments, unfurl_links=False)
                return True
            except Exception as exc:
                log.error("chat.postMessage to %s failed: %s", channel, reason(exc))
                return False
            finally:
                last[0] = time.monotonic()

    def _paced(self, channel: str) -> tuple[asyncio.Lock, list[float]]:
        """The channel's lock and last post time. At MAX_REMEMBERED channels, those no post
        waits on and none went to within the interval are forgotten: they start afresh
        just as they would have."""
        paced = self._channels.get(channel)
        if paced is None:
            if len(self._channels) >= MAX_REMEMBERED:
                idle_since = time.monotonic() - self.interval
                for known, (lock, last) in list(self._channels.items()):
                    if not lock.locked() and last[0] <= idle_since:
                        del self._channels[known]
            paced = self._channels[channel] = (asyncio.Lock(), [0.0])
        return paced

    async def direct(
        self, user_id: str, reply: Reply, *, thread: str | None = None, mark: Marker | None = None
    ) -> bool:
        """Posts to a user's DM with the bot."""
        channel = await self.dm_channel(user_id)
        if channel is None:
            return False
        posted = await self.post(channel, reply, thread=thread, mark=mark)
        if not posted:
            self._direct.pop(user_id, None)
        return posted

    async def dm_channel(self, user_id: str) -> str | None:
        """A user's DM channel with the bot, opened once and remembered, since it stays the
        same (and forgotten if a post there fails); None if Slack would not open it."""
        channel = self._direct.get(user_id)
        if channel is None:
            try:
                opened = await self.client.conversations_open(users=user_id)
            except Exception as exc:
                log.error("conversations.open with %s failed: %s", user_id, reason(exc))
                return None
            if len(self._direct) >= MAX_REMEMBERED:
                self._direct.clear()
            channel = self._direct[user_id] = str(opened["channel"]["id"])
        return channel

    async def has_posted(self, channel: str, *, thread: str | None, mark: Marker) -> bool | None:
        """Whether a post marked `mark` is in the thread (or among the channel's newest
        messages); None when Slack cannot be asked (a workspace that installed Spred before
        it asked for the history scopes, say): then nobody can tell."""
        try:
            if thread:
                found = await self.client.conversations_replies(
                    channel=channel, ts=thread, include_all_metadata=True, limit=LOOKED_AT
                )
            else:
                found = await self.client.conversations_history(
                    channel=channel, include_all_metadata=True, limit=LOOKED_AT
                )
        except Exception as exc:
            log.warning("looking for an earlier post in %s failed: %s", channel, reason(exc))
            return None
        messages = found.get("messages")
        return isinstance(messages, list) and any(
            isinstance(m, dict) and _marked(m.get("metadata"), mark) for m in messages
        )


def _marked(metadata: object, mark: Marker) -> bool:
    return (
        isinstance(metadata, dict)
        and metadata.get("event_type") == mark["event_type"]
        and metadata.get("event_payload") == mark["event_payload"]
    )


def reason(exc: Exception) -> str:
    """The API's error code, never the request (which holds the message text)."""
    response = getattr(exc, "response", None)
    if response is not None:
        return f"{getattr(response, 'status_code', '?')} {response.get('error', '')}".strip()
    return type(exc).__name__
