"""Loopback stand-ins for Bot Framework: the connector service a Teams bot replies to (it
records every activity the bot POSTs and can fail the next ones: 429, 502, …), and the
OpenID metadata and signing keys a bot verifies incoming tokens with (it counts every
request, so a test can tell whether the bot reached out)."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import jwt
from aiohttp import web
from aiohttp.test_utils import TestServer
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

BOT = {"id": "28:spred-bot", "name": "Spred"}
# What Teams refuses with 413 MessageSizeTooBig, counted in UTF-16: a message over 40 KB
# (its older documentation; the newer says about 100 KB) or a card over about 28 KB.
MESSAGE_LIMIT = 40_000
CARD_LIMIT = 28_000


def utf16_size(value: Any) -> int:
    return len(json.dumps(value, ensure_ascii=False).encode("utf-16-le"))


@dataclass
class Posted:
    conversation: str
    reply_to: str | None
    activity: dict[str, Any]
    at: float = field(default_factory=time.monotonic)
    authorization: str = ""  # the header the bot sent it with

    @property
    def text(self) -> str:
        return str(self.activity.get("text") or "")

    @property
    def tenant(self) -> str | None:
        """The tenant the activity names in its conversation. botbuilder-python writes it
        as "tenantID", Teams as "tenantId": Bot Framework reads JSON names in any case."""
        conversation = self.activity.get("conversation") or {}
        named = {k.lower(): v for k, v in conversation.items()}
        return named.get("tenantid")

    @property
    def cards(self) -> list[dict[str, Any]]:
        return [a["content"] for a in self.activity.get("attachments") or []]


@dataclass
class Connector:
    posted: list[Posted] = field(default_factory=list)
    refused: list[int] = field(default_factory=list)
    refused_at: list[float] = field(default_factory=list)  # time.monotonic() of each
    failures: deque[tuple[int, dict[str, str]]] = field(default_factory=deque)
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    server: TestServer | None = None
    _ids: itertools.count[int] = field(default_factory=itertools.count)

    @property
    def url(self) -> str:
        assert self.server is not None
        return str(self.server.make_url("/")).rstrip("/") + "/"

    def fail(self, status: int, headers: dict[str, str] | None = None) -> None:
        self.failures.append((status, headers or {}))

    async def wait_for(self, count: int = 1, timeout: float = 5.0) -> list[Posted]:
        async with asyncio.timeout(timeout):
            while len(self.posted) < count:
                self.changed.clear()
                await self.changed.wait()
        return self.posted

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/v3/conversations/{conversation}/activities", self._post)
        app.router.add_post("/v3/conversations/{conversation}/activities/{reply_to}", self._post)
        self.server = TestServer(app, host="127.0.0.1")
        await self.server.start_server()

    async def close(self) -> None:
        if self.server is not None:
            await self.server.close()

    async def _post(self, request: web.Request) -> web.Response:
        body = await request.json()
        if self.failures:
            status, headers = self.failures.popleft()
            self.refused.append(status)
            self.refused_at.append(time.monotonic())
            self.changed.set()
            return web.json_response({"error": {"code": "mock"}}, status=status, headers=headers)
        cards = [a.get("content") for a in body.get("attachments") or []]
        if utf16_size(body) > MESSAGE_LIMIT or any(utf16_size(c) > CARD_LIMIT for c in cards):
            self.refused.append(413)
            self.changed.set()
            return web.json_response({"error": {"code": "MessageSizeTooBig"}}, status=413)
        self.posted.append(
            Posted(
                request.match_info["conversation"],
                request.match_info.get("reply_to"),
                body,
                authorization=request.headers.get("Authorization", ""),
            )
        )
        self.changed.set()
        return web.json_response({"id": f"activity-{next(self._ids)}"})


def message(
    text: str,
    *,
    connector: Connector,
    user: str = "29:anna",
    name: str = "Anna Holm",
    conversation: str = "a:personal-anna",
    kind: str = "personal",
    value: dict[str, Any] | None = None,
    activity_id: str | None = None,  # a new one each time, as Teams gives
    tenant: str | None = "tenant",
) -> dict[str, Any]:
    activity: dict[str, Any] = {
        "type": "message",
        "id": activity_id or f"act-{uuid.uuid4().hex}",
        "timestamp": "2026-11-28T10:00:00.000Z",
        "serviceUrl": connector.url,
        "channelId": "msteams",
        "from": {"id": user, "name": name, "aadObjectId": "aad-" + user},
        "conversation": {"id": conversation, "conversationType": kind},
        "recipient": dict(BOT),
        "text": text,
        "locale": "da-DK",
    }
    if tenant is not None:
        activity["conversation"]["tenantId"] = tenant
    if value is not None:
        activity["value"] = value
        activity.pop("text")
    return activity


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class SigningKeys:
    """Bot Framework's OpenID metadata (`metadata_url`) and the key set it points to, with
    one key that `token` signs with. `failing` answers every request with a 500."""

    hits: int = 0
    failing: bool = False
    kid: str = "spred-test-key"
    key: rsa.RSAPrivateKey = field(default_factory=_new_key)
    server: TestServer | None = None

    @property
    def metadata_url(self) -> str:
        assert self.server is not None
        return str(self.server.make_url("/.well-known/openidconfiguration"))

    def token(
        self,
        *,
        app_id: str,
        service_url: str,
        key: rsa.RSAPrivateKey | None = None,
        kid: str | None = None,
        **claims: Any,
    ) -> str:
        """A token as Bot Framework signs one for a message to the bot `app_id`."""
        now = int(time.time())
        body = {
            "iss": "https://api.botframework.com",
            "aud": app_id,
            "serviceurl": service_url,
            "nbf": now - 60,
            "exp": now + 3600,
            **claims,
        }
        return jwt.encode(
            body, key or self.key, algorithm="RS256", headers={"kid": kid or self.kid}
        )

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/.well-known/openidconfiguration", self._metadata)
        app.router.add_get("/keys", self._keys)
        self.server = TestServer(app, host="127.0.0.1")
        await self.server.start_server()

    async def close(self) -> None:
        if self.server is not None:
            await self.server.close()

    async def _metadata(self, request: web.Request) -> web.Response:
        self.hits += 1
        if self.failing:
            return web.Response(status=500)
        assert self.server is not None
        return web.json_response({"jwks_uri": str(self.server.make_url("/keys"))})

    async def _keys(self, request: web.Request) -> web.Response:
        self.hits += 1
        if self.failing:
            return web.Response(status=500)
        public = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        return web.json_response(
            {"keys": [public | {"kid": self.kid, "use": "sig", "endorsements": ["msteams"]}]}
        )
