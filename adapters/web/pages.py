"""The web's routes, its templates (Jinja2 through aiohttp-jinja2, autoescaped) and the
headers every response gets.

Pages are whole without JavaScript: a question is `GET /?q=…` and its answer a page. The
static script only turns the form into a chat, fetching `GET /ask?q=…`, the same answer as
an HTML fragment. Everything a page needs is shipped in the package (no CDN, no network).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import aiohttp_jinja2
import jinja2
from aiohttp import web
from aiohttp.typedefs import Handler

from adapters.web.account import Account
from adapters.web.adapter import WebAdapter, clean, visitor_or_new
from adapters.web.render import ReplyView, card_view, chart, reply_view, stacked_chart
from adapters.web.review import Review
from bot.i18n import say
from bot.messages import Reply

if TYPE_CHECKING:
    from adapters.web import WebConnector

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
STATIC = "/static/web/"
VISITOR_COOKIE = "spred_visitor"
LANGUAGES = ("da", "en")

# Sent with every response of the web's routes (pages, fragments, static files, their
# 404 and 429): no inline script or style can run, nothing loads from elsewhere, no framing.
# Other routes keep their own (the Slack install page has an inline style).
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}

# The texts the templates use by name (`t.web_intro`); named here, the one text table
# (bot/i18n.py) knows they are used.
PAGE_TEXTS = (
    "web_name",
    "web_tagline",
    "web_intro",
    "web_skip",
    "web_other_language",
    "web_question_label",
    "web_question_hint",
    "web_ask",
    "web_answer_heading",
    "web_ask_failed",
    "web_too_many_title",
    "web_too_many",
    "web_unavailable_title",
    "web_unavailable",
    "web_not_found_title",
    "web_not_found",
    "web_results",
    "web_before",
    "web_after",
    "web_metric",
    "web_unit",
    "web_period",
    "web_source",
    "web_users",
    "web_no_users",
    "web_local",
    "web_footer",
    "label_problem",
    "label_how",
    "label_conditions",
    "label_contact",
    "label_contacts",
    "label_sponsors",
    # the web's login and dashboard (issue 18)
    "web_logout",
    "web_login_failed_title",
    "web_login_failed",
    "web_login_needed_title",
    "web_login_how",
    "web_not_admin_title",
    "web_not_admin",
    "web_own_page",
    "web_logged_out_title",
    "web_logged_out",
    "web_bad_form_title",
    "web_bad_form",
    "dash_title",
    "dash_intro_global",
    "dash_download",
    "dash_empty",
    "dash_by_month",
    # editors review submissions on the web (adapters/web/review.py)
    "web_review_title",
    "web_review_intro",
    "web_review_decide",
    "web_review_publish_hint",
    "web_review_refused",
    "web_review_note_error",
    "web_review_none",
    "web_review_decided_title",
    "web_review_back",
    "act_review_publish",
    "act_review_changes",
    "act_review_reject",
    "dash_organisation",
    "dash_sharer",
    # a solution's page: who uses it over time
    "web_users_by_month",
    "web_users_none_lately",
)


def mount_pages(app: web.Application, connector: WebConnector) -> None:
    aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
        undefined=jinja2.StrictUndefined,  # a misspelt name fails the tests, not a page
    )
    pages = Pages(connector)
    account = Account(connector, pages)
    ours = {
        *account.mount(app),
        *Review(account).mount(app),
        app.router.add_get("/", pages.home).resource,
        app.router.add_get("/ask", pages.ask).resource,
        app.router.add_get("/l/{solution_id}", pages.solution).resource,
        app.router.add_static(STATIC, HERE / "static", append_version=False),
    }

    async def headers(request: web.Request, response: web.StreamResponse) -> None:
        if request.match_info.route.resource in ours:
            for name, value in HEADERS.items():
                response.headers.setdefault(name, value)

    app.on_response_prepare.append(headers)

    @web.middleware
    async def unavailable(request: web.Request, handler: Handler) -> web.StreamResponse:
        """A page of Spred's that fails (the store out of reach, say) is a page saying so and
        when to try again, never a bare 500: one rule for every page."""
        try:
            return await handler(request)
        except web.HTTPException:
            raise
        except Exception:
            resource = request.match_info.route.resource
            if resource not in ours:
                raise
            # the route's pattern, never the path: a login link's token must not be logged
            log.exception("the page %s failed", resource.canonical if resource else "?")
            response = pages.render(
                "unavailable.html", request, pages.language(request), status=503
            )
            response.headers["Retry-After"] = "30"
            return response

    app.middlewares.append(unavailable)


def language_of(request: web.Request, default: str) -> str:
    """`?lang=`, else the first of Danish and English the browser prefers, else `default`."""
    chosen = request.query.get("lang", "")
    if chosen in LANGUAGES:
        return chosen
    preferred = []
    for i, part in enumerate(request.headers.get("Accept-Language", "").split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        primary = tag.split("-")[0].strip().lower()
        if primary in LANGUAGES and weight > 0:
            preferred.append((-weight, i, primary))
    return min(preferred)[2] if preferred else default


class Pages:
    def __init__(self, connector: WebConnector) -> None:
        self.connector = connector

    @property
    def adapter(self) -> WebAdapter:
        adapter = self.connector.adapter
        if adapter is None:  # before the core started: aiohttp answers 503
            raise web.HTTPServiceUnavailable(text="Spred is starting", headers={"Retry-After": "5"})
        return adapter

    def _context(self, request: web.Request, language: str, **values: Any) -> dict[str, Any]:
        other = "en" if language == "da" else "da"
        return {
            "lang": language,
            "t": {key: say(language, key) for key in PAGE_TEXTS},
            "other_lang": other,
            "other_url": str(request.rel_url.update_query(lang=other)),
            "static": STATIC,
            **values,
        }

    def render(
        self, name: str, request: web.Request, language: str, status: int = 200, **values: Any
    ) -> web.Response:
        context = self._context(request, language, **values)
        return aiohttp_jinja2.render_template(name, request, context, status=status)

    async def _answer(
        self, request: web.Request, language: str
    ) -> tuple[list[Reply] | None, str, bool]:
        """The replies to the request's question (None: over the rate limit), the visitor,
        and whether the visitor is new."""
        adapter = self.adapter
        visitor, new = visitor_or_new(request.cookies.get(VISITOR_COOKIE))
        if not await adapter.admit(request.remote or ""):
            return None, visitor, new
        raw_more = request.query.get("more", "")
        small = raw_more.isascii() and raw_more.isdigit() and len(raw_more) <= 3
        more = int(raw_more) if small else None
        question = clean(request.query.get("q", ""))
        replies = await adapter.ask(visitor=visitor, text=question, language=language, more=more)
        return replies, visitor, new

    @staticmethod
    def _keep(request: web.Request, response: web.Response, visitor: str, new: bool) -> None:
        if new:  # a session cookie: the visitor's conversation ("mere"), nothing more
            response.set_cookie(
                VISITOR_COOKIE,
                visitor,
                httponly=True,
                samesite="Lax",
                secure=request.secure,
                path="/",
            )

    def language(self, request: web.Request) -> str:
        return language_of(request, self.adapter.core.services.settings.language)

    @staticmethod
    def reply(reply: Reply, language: str) -> ReplyView:
        return reply_view(reply, language)

    async def home(self, request: web.Request) -> web.Response:
        language = self.language(request)
        if "q" not in request.query:
            return self.render("home.html", request, language, exchange=None, question="")
        replies, visitor, new = await self._answer(request, language)
        if replies is None:
            return self._too_many(request, language, "too_many.html")
        question = clean(request.query.get("q", ""))
        exchange = _exchange(question, replies, language)
        response = self.render("home.html", request, language, exchange=exchange, question=question)
        self._keep(request, response, visitor, new)
        return response

    async def ask(self, request: web.Request) -> web.Response:
        language = self.language(request)
        replies, visitor, new = await self._answer(request, language)
        if replies is None:
            return self._too_many(request, language, "too_many_fragment.html")
        exchange = _exchange(clean(request.query.get("q", "")), replies, language)
        response = self.render("exchange.html", request, language, exchange=exchange)
        self._keep(request, response, visitor, new)
        return response

    def _too_many(self, request: web.Request, language: str, name: str) -> web.Response:
        response = self.render(name, request, language, status=429)
        response.headers["Retry-After"] = "60"
        return response

    async def solution(self, request: web.Request) -> web.Response:
        language = self.language(request)
        page = await self.adapter.solution_page(
            request.match_info["solution_id"], language=language
        )
        if page is None:
            return self.render("not_found.html", request, language, status=404)
        charts = [c for c in (chart(f, language) for f in page.figures) if c is not None]
        users_chart = (
            stacked_chart(
                page.months, language, label_key="web_users_chart_label", title=page.card.title
            )
            if page.months
            else None
        )
        return self.render(
            "solution.html",
            request,
            language,
            page=page,
            view=card_view(page.card, language, on_its_page=True),
            charts=charts,
            users_chart=users_chart,
        )


def _exchange(question: str, replies: list[Reply], language: str) -> Mapping[str, Any]:
    shown = " ".join(question.split())
    return {
        "asked": say(language, "web_you_asked", question=shown[:200]) if shown else "",
        "replies": [reply_view(r, language) for r in replies],
    }
