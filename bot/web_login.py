"""Logging in to the web without passwords (issue 18): someone writes `dashboard` (`log
ind`, `login`) to Spred privately where their platform verified who they are; Spred answers
with a one-time link, `SPRED_PUBLIC_URL/login/<token>`. Opening it starts a browser session.

The store keeps sha256 hashes of tokens and session ids, never them, so a copy of the data
logs nobody in. A link is used once, across every server process: it is marked used by one
`Collection.update` that finds it unused and unexpired. A session ends after IDLE unseen;
when it was last seen is written at most every SEEN_EVERY, so pages cost no write each.

The signing key (CSRF tokens) is SPRED_SECRET_KEY, or else one Spred makes on first start
and keeps in the store: inserted once, so two instances starting together agree on it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from knowledge.records import LoginLink, SecretKey, WebSession
from knowledge.store import Store
from knowledge.store.query import Below

LINK_FOR = timedelta(minutes=10)
IDLE = timedelta(hours=8)
SEEN_EVERY = timedelta(minutes=1)
SECRET_NAME = "web-signing-key"
TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")  # what secrets.token_urlsafe(32) gives


def hashed(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def login_path(token: str) -> str:
    return f"/login/{token}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Opened:
    """A session a login link opened: the cookie's id (the browser's only) and the record."""

    session_id: str
    session: WebSession


class Logins:
    def __init__(self, *, store: Store, clock: Callable[[], datetime]) -> None:
        self.store = store
        self.clock = clock

    async def link(self, *, user: str, org_id: str, language: str) -> str:
        """A new one-time token for `user` as their platform verified them."""
        token = secrets.token_urlsafe(32)
        await self.store.login_links.upsert(
            LoginLink(
                token_hash=hashed(token),
                user=user,
                org_id=org_id,
                language=language,
                expires_at=self.clock() + LINK_FOR,
            )
        )
        return token

    async def redeem(self, token: str) -> Opened | None:
        """A new session for the link's user, if `token` names an unused, unexpired link;
        the link is used up by this call then, whoever else tries it at the same moment."""
        if not TOKEN.fullmatch(token):
            return None
        now = self.clock()
        won: LoginLink | None = None

        def use(current: LoginLink | None) -> LoginLink | None:
            nonlocal won
            if current is None or current.used_at is not None or current.expires_at <= now:
                return current
            won = replace(current, used_at=now)
            return won

        await self.store.login_links.update(hashed(token), use)
        if won is None:
            return None
        session_id = secrets.token_urlsafe(32)
        session = WebSession(
            session_hash=hashed(session_id),
            user=won.user,
            org_id=won.org_id,
            language=won.language,
            created_at=now,
            seen_at=now,
        )
        await self.store.web_sessions.upsert(session)
        return Opened(session_id=session_id, session=session)

    async def session(self, session_id: str) -> WebSession | None:
        """The live session a cookie names, marked seen; None (and forgotten) once idle."""
        if not TOKEN.fullmatch(session_id):
            return None
        key = hashed(session_id)
        session = await self.store.web_sessions.get(key)
        now = self.clock()
        if session is None:
            return None
        if session.seen_at + IDLE <= now:
            await self.store.web_sessions.delete(key)
            return None
        if now - session.seen_at < SEEN_EVERY:
            return session

        def seen(current: WebSession | None) -> WebSession | None:
            if current is None or current.seen_at + IDLE <= now or current.seen_at >= now:
                return current
            return replace(current, seen_at=now)

        return await self.store.web_sessions.update(key, seen)

    async def end(self, session_id: str) -> None:
        if TOKEN.fullmatch(session_id):
            await self.store.web_sessions.delete(hashed(session_id))

    async def prune(self) -> int:
        """Forgets expired links and idle sessions; how many."""
        now = self.clock()
        links = await self.store.login_links.find(expires_at=Below(now))
        idle = await self.store.web_sessions.find(seen_at=Below(now - IDLE))
        for link in links:
            await self.store.login_links.delete(link.key)
        for session in idle:
            await self.store.web_sessions.delete(session.key)
        return len(links) + len(idle)


async def signing_key(store: Store, configured: str) -> bytes:
    """SPRED_SECRET_KEY, else the key kept in the store, made now if there is none yet."""
    if configured:
        return configured.encode()
    made = SecretKey(name=SECRET_NAME, value=secrets.token_hex(32))
    if await store.secrets.insert(made):
        return made.value.encode()
    kept = await store.secrets.get(SECRET_NAME)
    if kept is None:  # inserted by another and removed since: cannot be, but never keyless
        raise RuntimeError("the web's signing key vanished from the store")
    return kept.value.encode()


def csrf_token(key: bytes, session: WebSession) -> str:
    """The token a session's forms carry: bound to it, made with the signing key."""
    return hmac.new(key, f"csrf\n{session.session_hash}".encode(), hashlib.sha256).hexdigest()


def csrf_ok(key: bytes, session: WebSession, given: str) -> bool:
    return hmac.compare_digest(csrf_token(key, session), given)
