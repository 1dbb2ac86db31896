"""A loopback stand-in for Slack: the Web API the bot calls (recording each real HTTP call,
with the token it carried) and the signed requests Slack sends to /slack/events. For the
distributable app it also plays Slack's side of an install: `install(code, team, …)` makes
a code that oauth.v2.access exchanges once for that workspace's bot token, which the mock
then takes (and auth.test answers for) until the workspace is uninstalled."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

import orjson
from aiohttp import web
from aiohttp.test_utils import TestServer

SECRET = "test-signing-secret"
TOKEN = "xoxb-test-token"
APP_TOKEN = "xapp-test-token"
BOT_USER = "U0SPRED"
TEAM = "T0TEAM"
CLIENT_ID = "1111.2222"
CLIENT_SECRET = "test-client-secret"


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic)

    @property
    def token(self) -> str:
        """The bearer token the call carried ("" without one)."""
        return self.headers.get("Authorization", "").removeprefix("Bearer ")


@dataclass
class SlackMock:
    """Answers Web API methods like Slack; `fail(method, status, …)` makes the next call to
    a method fail once, e.g. with a 429 and Retry-After; `hold(method)` keeps calls to a
    method waiting; `stall(method, after=n)` keeps those after the n-th untaken."""

    calls: list[Call] = field(default_factory=list)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    failures: dict[str, deque[tuple[int, dict[str, str]]]] = field(default_factory=dict)
    holds: dict[str, asyncio.Event] = field(default_factory=dict)
    # method → (calls taken before stalling, the event that ends the stall, calls waiting)
    stalls: dict[str, tuple[int, asyncio.Event, list[web.Request]]] = field(default_factory=dict)
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    server: TestServer | None = None
    envelopes: asyncio.Queue[dict[str, Any]] = field(default_factory=asyncio.Queue)
    # bot token → what auth.test says of it; the one workspace's token to begin with
    tokens: dict[str, dict[str, Any]] = field(
        default_factory=lambda: {
            TOKEN: {"user_id": BOT_USER, "bot_id": "B0SPRED", "team_id": TEAM, "user": "spred"}
        }
    )
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)  # code → oauth.v2.access
    # refresh token → (bot token it replaces, seconds each new token lasts): token rotation
    refreshes: dict[str, tuple[str, int]] = field(default_factory=dict)
    # channel → the messages posted there, oldest first, as conversations.history gives them
    messages: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def install(
        self,
        code: str,
        *,
        team: str,
        name: str,
        installer: str,
        enterprise: str | None = None,
        org_wide: bool = False,
        expires_in: int | None = None,
    ) -> str:
        """A code Slack would hand the browser after `installer` approved the install in
        workspace `team`; oauth.v2.access exchanges it once. Returns the bot token. With
        `expires_in`, the app rotates tokens: each lasts that many seconds, and its refresh
        token gets the next (whose name is this one's with "-r" added)."""
        token = f"xoxb-{team}-{code}"
        bot_user = f"U0BOT{team}"
        self.tokens[token] = {
            "user_id": bot_user,
            "bot_id": f"B0{team}",
            "team_id": team,
            "team": name,
            "user": "spred",
            **({"enterprise_id": enterprise} if org_wide and enterprise else {}),
        }
        self.codes[code] = {
            "app_id": "A0SPRED",
            "access_token": token,
            "token_type": "bot",
            "scope": "chat:write,commands",
            "bot_user_id": bot_user,
            "team": None if org_wide else {"id": team, "name": name},
            "enterprise": {"id": enterprise, "name": "Grid"} if enterprise else None,
            "is_enterprise_install": org_wide,
            "authed_user": {"id": installer},
        }
        if expires_in is not None:
            self.codes[code] |= {"refresh_token": f"xoxe-{token}", "expires_in": expires_in}
            self.refreshes[f"xoxe-{token}"] = (token, expires_in)
        return token

    def revoke(self, token: str) -> None:
        """Slack no longer takes the token (the app was uninstalled there)."""
        self.tokens.pop(token, None)

    def add_user(
        self, user_id: str, name: str, email: str = "", *, team: str = TEAM, grid: str = ""
    ) -> None:
        """`grid`: the Enterprise Grid organisation the user's workspace is in."""
        self.users[user_id] = {
            "id": user_id,
            "team_id": team,
            "name": name.split()[0].lower(),
            "real_name": name,
            "profile": {"real_name": name, "email": email, "title": ""},
            **({"enterprise_user": {"enterprise_id": grid}} if grid else {}),
        }

    def fail(self, method: str, status: int, headers: dict[str, str] | None = None) -> None:
        self.failures.setdefault(method, deque()).append((status, headers or {}))

    def hold(self, method: str) -> asyncio.Event:
        """Calls to `method` are recorded as they come, then wait unanswered until the
        event returned is set."""
        released = self.holds[method] = asyncio.Event()
        return released

    def stall(self, method: str, *, after: int) -> asyncio.Event:
        """Calls to `method` after the first `after` wait, not taken, until the event
        returned is set; then each is taken (recorded and answered) only if its caller is
        still connected, as Slack takes a post only when it answers: one from a process
        killed meanwhile never arrived."""
        released = asyncio.Event()
        self.stalls[method] = (after, released, [])
        return released

    def stalled(self, method: str) -> int:
        """How many calls to `method` wait in a stall with their caller still connected."""
        _, _, waiting = self.stalls[method]
        return sum(1 for request in waiting if _connected(request))

    @property
    def api_url(self) -> str:
        assert self.server is not None
        return str(self.server.make_url("/api/"))

    @property
    def response_url(self) -> str:
        assert self.server is not None
        return str(self.server.make_url("/respond/1"))

    def called(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    async def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        async with asyncio.timeout(timeout):
            while len(self.called(method)) < count:
                self.changed.clear()
                await self.changed.wait()
        return self.called(method)

    async def start(self, *, port: int | None = None) -> None:
        """Serves on `port` (a free one if None), as Slack coming up there would."""
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/respond/{id}", self._respond)
        app.router.add_get("/socket", self._socket)
        self.server = TestServer(app, host="127.0.0.1", port=port)
        await self.server.start_server()

    async def close(self) -> None:
        if self.server is not None:
            await self.server.close()

    async def _arguments(self, request: web.Request) -> dict[str, Any]:
        body = await request.read()
        if not body:
            return dict(request.query)
        if request.content_type == "application/json":
            return orjson.loads(body or b"{}")
        return dict(parse_qsl(body.decode()))

    def _record(self, method: str, args: dict[str, Any], request: web.Request) -> None:
        self.calls.append(Call(method, args, dict(request.headers)))
        self.changed.set()

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args = await self._arguments(request)
        queued = self.failures.get(method)
        if queued:
            status, headers = queued.popleft()
            self._record(f"{method}!{status}", args, request)
            return web.json_response({"ok": False, "error": "mock"}, status=status, headers=headers)
        stall = self.stalls.get(method)
        if stall is not None and len(self.called(method)) >= stall[0]:
            _, released, waiting = stall
            waiting.append(request)
            try:  # (aiohttp may cancel the wait when the caller goes)
                await released.wait()
            finally:
                waiting.remove(request)
            if not _connected(request):
                self._record(f"{method}!gone", args, request)
                return web.Response(status=499)
        self._record(method, args, request)
        held = self.holds.get(method)
        if held is not None:
            await held.wait()
        if method == "apps.connections.open":
            if request.headers.get("Authorization") != f"Bearer {APP_TOKEN}":
                return web.json_response({"ok": False, "error": "invalid_auth"})
            assert self.server is not None
            url = str(self.server.make_url("/socket")).replace("http://", "ws://")
            return web.json_response({"ok": True, "url": url})
        authorization = request.headers.get("Authorization")
        if method == "oauth.v2.access":
            return web.json_response(self._exchange(authorization, args))
        token = (authorization or "").removeprefix("Bearer ")
        if token not in self.tokens:  # as Slack answers a missing or wrong token
            error = "not_authed" if authorization is None else "invalid_auth"
            return web.json_response({"ok": False, "error": error})
        return web.json_response({"ok": True, **self._answer(method, args, token)})

    def _exchange(self, authorization: str | None, args: dict[str, Any]) -> dict[str, Any]:
        """oauth.v2.access: the app's own credentials (HTTP Basic) and a code not used yet."""
        expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if authorization != f"Basic {expected}":
            return {"ok": False, "error": "invalid_client_id"}
        if args.get("grant_type") == "refresh_token":
            return self._refresh(str(args.get("refresh_token")))
        answer = self.codes.pop(str(args.get("code")), None)
        if answer is None:
            return {"ok": False, "error": "invalid_code"}
        return {"ok": True, **answer}

    def _refresh(self, refresh_token: str) -> dict[str, Any]:
        """A rotation: the next token (the old one stays good until it expires)."""
        known = self.refreshes.pop(refresh_token, None)
        if known is None:
            return {"ok": False, "error": "invalid_refresh_token"}
        old, expires_in = known
        token = f"{old}-r"
        self.tokens[token] = self.tokens[old]
        self.refreshes[f"xoxe-{token}"] = (token, expires_in)
        return {
            "ok": True,
            "token_type": "bot",
            "access_token": token,
            "refresh_token": f"xoxe-{token}",
            "expires_in": expires_in,
        }

    def _answer(self, method: str, args: dict[str, Any], token: str) -> dict[str, Any]:
        if method == "auth.test":
            return dict(self.tokens[token])
        if method == "users.info":
            user = self.users.get(str(args.get("user")))
            return {"user": user} if user else {"ok": False, "error": "user_not_found"}
        if method == "users.lookupByEmail":
            # as Slack: only people in the token's own workspace are found (in its whole
            # Enterprise Grid organisation, for an org-wide install's token)
            email, team = args.get("email"), self.tokens[token]["team_id"]
            grid = self.tokens[token].get("enterprise_id")
            found = [
                u
                for u in self.users.values()
                if u["profile"]["email"] == email
                and (
                    u["team_id"] == team
                    or (grid and (u.get("enterprise_user") or {}).get("enterprise_id") == grid)
                )
            ]
            if not found:
                return {"ok": False, "error": "users_not_found"}
            return {"user": found[0]}
        if method == "conversations.open":
            return {"channel": {"id": f"D{args.get('users')}"}}
        if method == "chat.postMessage":
            return self._post(args, token)
        if method in ("conversations.history", "conversations.replies"):
            return self._history(method, args)
        return {}

    def _post(self, args: dict[str, Any], token: str) -> dict[str, Any]:
        channel = str(args.get("channel"))
        posted = self.messages.setdefault(channel, [])
        ts = f"{time.time():.6f}"
        while posted and ts <= posted[-1]["ts"]:  # unique and rising, as Slack's are
            ts = f"{float(ts) + 0.000001:.6f}"
        message = {"type": "message", "ts": ts, "bot_id": self.tokens[token].get("bot_id", "")}
        message |= {key: args[key] for key in ("text", "thread_ts", "metadata") if key in args}
        posted.append(message)
        return {"channel": channel, "ts": ts}

    def _history(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        """A channel's newest messages, or a thread's; with their metadata only when asked
        for (include_all_metadata), as Slack answers."""
        found = self.messages.get(str(args.get("channel")), [])
        if method == "conversations.replies":
            found = [m for m in found if m.get("thread_ts") == args.get("ts")]
        else:
            found = found[::-1]
        found = found[: int(args.get("limit") or 100)]
        if str(args.get("include_all_metadata", "")).lower() not in ("1", "true"):
            found = [{k: v for k, v in m.items() if k != "metadata"} for m in found]
        return {"messages": found, "has_more": False}

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        """Socket Mode: sends queued envelopes and records each acknowledgement."""
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        await socket.send_json({"type": "hello", "num_connections": 1})

        async def send() -> None:
            while True:
                await socket.send_json(await self.envelopes.get())

        sender = asyncio.create_task(send())
        try:
            async for frame in socket:
                if frame.type.name == "TEXT":
                    self._record("socket_ack", orjson.loads(frame.data), request)
        finally:
            sender.cancel()
        return socket

    async def _respond(self, request: web.Request) -> web.Response:
        """A response_url; `fail("response_url", 404)` makes it expired or used up, which
        Slack answers with a 404 and a plain-text body."""
        args = await self._arguments(request)
        queued = self.failures.get("response_url")
        if queued:
            status, headers = queued.popleft()
            self._record(f"response_url!{status}", args, request)
            return web.Response(status=status, text="no_active_hooks", headers=headers)
        self._record("response_url", args, request)
        return web.json_response({"ok": True})


def _connected(request: web.Request) -> bool:
    transport = request.transport
    return transport is not None and not transport.is_closing()


def signed(body: bytes, *, secret: str = SECRET, timestamp: int | None = None) -> dict[str, str]:
    """The headers Slack sends: HMAC-SHA256 v0 over the bytes 'v0:{timestamp}:{body}', as
    Slack signs them (any bytes, so also a body that is not UTF-8)."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256)
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest.hexdigest()}"}


def event_body(
    event: dict[str, Any], *, event_id: str, team: str = TEAM, bot_user: str = BOT_USER
) -> bytes:
    return orjson.dumps(
        {
            "token": "legacy",
            "team_id": team,
            "api_app_id": "A0SPRED",
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "event": event,
            "authorizations": [{"team_id": team, "user_id": bot_user, "is_bot": True}],
        }
    )


def form_body(fields: dict[str, str]) -> bytes:
    return urlencode(fields).encode()


def interaction_body(payload: dict[str, Any]) -> bytes:
    return urlencode({"payload": orjson.dumps(payload).decode()}).encode()


def share_shortcut(*, user: str, response_url: str, trigger_id: str = "") -> dict[str, Any]:
    """The message shortcut *Del som løsning* pressed on Karen's message in #care, as Slack
    sends it (with a trigger id when it may open a modal)."""
    payload: dict[str, Any] = {
        "type": "message_action",
        "callback_id": "share_solution",
        "user": {"id": user},
        "team": {"id": TEAM},
        "channel": {"id": "C0CARE"},
        "response_url": response_url,
        "message": {
            "type": "message",
            "user": "U0KAREN",
            "ts": "1700000001.000100",
            "text": "Vi gav <@U0BO|Bo> et fast opstartsteam &amp; ventetiden faldt til 1 dag",
        },
    }
    if trigger_id:
        payload["trigger_id"] = trigger_id
    return payload
