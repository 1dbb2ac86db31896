"""The web's logged-in pages (issue 18): `GET /login/<token>` (a one-time link from the chat
opens a session), `POST /logout` (with the session's CSRF token), `GET /dashboard` and its
tables as CSV (`/dashboard/<table>.csv`) for admins, and `GET /me`, a person's own page.
Editors review submissions from the dashboard (adapters/web/review.py).

The session cookie holds a random id the store knows only hashed (bot/web_login.py):
HttpOnly, SameSite=Lax, Secure when Spred is served over https. Who the person is, and
what they may see, comes from the platform that verified them when they asked for the
link (the user and organisation the link was bound to), never from the browser.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

from aiohttp import web

from adapters.web.render import stacked_chart
from bot.dashboard import PAGE_ROWS, Dashboard, as_csv
from bot.i18n import say
from bot.roles import Role
from bot.web_login import csrf_ok, csrf_token
from knowledge.records import WebSession

if TYPE_CHECKING:
    from adapters.web import WebConnector
    from adapters.web.pages import Pages

log = logging.getLogger(__name__)

SESSION_COOKIE = "spred_session"
# A login link's token in any logged line (aiohttp's access log among them) shows as this.
_LOGIN_IN_TEXT = re.compile(r"/login/[^\s\"'?]+")
HIDDEN = "/login/…"


class HideLoginTokens(logging.Filter):
    """Keeps login tokens out of a logger's lines: the path `/login/<token>` is logged as
    `/login/…` (the access log's request line, and anything else that names one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = _LOGIN_IN_TEXT.sub(HIDDEN, record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(
                _LOGIN_IN_TEXT.sub(HIDDEN, a) if isinstance(a, str) else a for a in record.args
            )
        for name in ("first_request_line", "request_path", "path"):
            value = record.__dict__.get(name)
            if isinstance(value, str):
                record.__dict__[name] = _LOGIN_IN_TEXT.sub(HIDDEN, value)
        return True


HIDE_TOKENS = HideLoginTokens()


def hide_tokens_in_logs() -> None:
    """Once per process: aiohttp's access and server loggers never show a token."""
    for name in ("aiohttp.access", "aiohttp.server", "aiohttp.web"):
        logger = logging.getLogger(name)
        if HIDE_TOKENS not in logger.filters:
            logger.addFilter(HIDE_TOKENS)


class Account:
    """The routes of a logged-in person; `pages` renders (adapters/web/pages.py)."""

    def __init__(self, connector: WebConnector, pages: Pages) -> None:
        self.connector = connector
        self.pages = pages
        self._key: bytes | None = None

    def mount(self, app: web.Application) -> set[web.AbstractResource | None]:
        hide_tokens_in_logs()
        return {
            app.router.add_get("/login/{token}", self.login).resource,
            app.router.add_post("/logout", self.logout).resource,
            app.router.add_get("/dashboard", self.dashboard).resource,
            app.router.add_get("/dashboard/{table}.csv", self.csv).resource,
            app.router.add_get("/me", self.me).resource,
        }

    async def key(self) -> bytes:
        """The signing key: SPRED_SECRET_KEY, else the one kept in the store."""
        if self._key is None:
            self._key = await self.pages.adapter.core.signing_key(self.connector.config.secret_key)
        return self._key

    def _secure(self, request: web.Request) -> bool:
        public_url = self.pages.adapter.core.services.settings.public_url
        return request.secure or public_url.startswith("https://")

    async def session(self, request: web.Request) -> WebSession | None:
        cookie = request.cookies.get(SESSION_COOKIE, "")
        return await self.pages.adapter.core.logins.session(cookie) if cookie else None

    async def role(self, session: WebSession) -> Role:
        """What the person the link was bound to is, as the chat would say now."""
        return await self.pages.adapter.core.web_role(session)

    async def values(self, session: WebSession) -> dict[str, Any]:
        return {"session": session, "csrf": csrf_token(await self.key(), session)}

    async def login(self, request: web.Request) -> web.Response:
        language = self.pages.language(request)
        opened = await self.pages.adapter.core.logins.redeem(request.match_info["token"])
        if opened is None:  # used, expired, or never made: one page says how to get one
            return self.pages.render("login_failed.html", request, language, status=410)
        role = await self.role(opened.session)
        to = "/dashboard" if role.admin else "/me"
        response = web.HTTPSeeOther(f"{to}?lang={opened.session.language}")
        response.set_cookie(
            SESSION_COOKIE,
            opened.session_id,
            httponly=True,
            samesite="Lax",
            secure=self._secure(request),
            path="/",
        )
        response.headers["Cache-Control"] = "no-store"
        raise response

    async def logout(self, request: web.Request) -> web.Response:
        language = self.pages.language(request)
        session = await self.session(request)
        form = await request.post()
        given = form.get("csrf")
        if session is not None:
            if not (isinstance(given, str) and csrf_ok(await self.key(), session, given)):
                return self.pages.render("bad_form.html", request, language, status=403)
            await self.pages.adapter.core.logins.end(request.cookies[SESSION_COOKIE])
        response = self.pages.render("logged_out.html", request, language)
        response.del_cookie(SESSION_COOKIE, path="/")
        return response

    async def admin(
        self, request: web.Request, language: str
    ) -> tuple[WebSession, Role] | web.Response:
        """The session and role of an admin, or the page refusing: 401 logged out, 403 not
        an admin. Never the data."""
        session = await self.session(request)
        if session is None:
            return self.pages.render("login_needed.html", request, language, status=401)
        role = await self.role(session)
        if not role.admin:
            values = await self.values(session)
            return self.pages.render("not_admin.html", request, language, status=403, **values)
        return session, role

    async def _dashboard(self, role: Role, language: str) -> Dashboard:
        return await self.pages.adapter.core.dashboard(role, language=language)

    async def dashboard(self, request: web.Request) -> web.Response:
        language = self.pages.language(request)
        admitted = await self.admin(request, language)
        if isinstance(admitted, web.Response):
            return private(admitted)
        session, role = admitted
        board = await self._dashboard(role, language)
        # sent back here by a decision on the review page (adapters/web/review.py)
        decided = request.query.get("decided", "")
        core = self.pages.adapter.core
        notice = await core.confirmation(role, decided, language=language) if decided else ""
        return private(
            self.pages.render(
                "dashboard.html",
                request,
                language,
                notice=notice,
                board=board,
                more=say(language, "dash_more_rows", shown=PAGE_ROWS),
                chart=stacked_chart(board.months, language, label_key="dash_chart_label"),
                intro=_intro(role, language),
                **await self.values(session),
            )
        )

    async def csv(self, request: web.Request) -> web.StreamResponse:
        language = self.pages.language(request)
        admitted = await self.admin(request, language)
        if isinstance(admitted, web.Response):
            return private(admitted)
        _, role = admitted
        board = await self._dashboard(role, language)
        table = board.tables.get(request.match_info["table"])
        if table is not None and table.more:  # the page's first rows: the download has all
            core = self.pages.adapter.core
            table = await core.dashboard_table(role, language=language, name=table.name)
        if table is None:
            return self.pages.render("not_found.html", request, language, status=404)
        response = web.Response(
            text=as_csv(table),
            content_type="text/csv",
            charset="utf-8",
            headers={"Content-Disposition": f'attachment; filename="spred-{table.name}.csv"'},
        )
        return private(response)

    async def me(self, request: web.Request) -> web.Response:
        language = self.pages.language(request)
        session = await self.session(request)
        if session is None:
            return private(self.pages.render("login_needed.html", request, language, status=401))
        core = self.pages.adapter.core
        own = await core.home(user=session.user)
        follows = await core.following(session.user)
        role = await self.role(session)
        return private(
            self.pages.render(
                "me.html",
                request,
                language,
                own=self.pages.reply(own, language),
                follows=follows,
                admin=role.admin,
                **await self.values(session),
            )
        )


def _intro(role: Role, language: str) -> str:
    if role.global_admin or role.organisation is None:
        return say(language, "dash_intro_global")
    name = role.organisation.name or role.organisation.id
    return say(language, "dash_intro_local", organisation=name)


def private(response: web.Response) -> web.Response:
    """A page for one person: no cache keeps it."""
    response.headers["Cache-Control"] = "no-store"
    return response
