"""Spred on the web: public pages on the shared aiohttp server, answered by the same dialogue
core as Slack and Teams. Registered with server assembly as the `web` entry point
(`configure`), always on: `GET /` (what Spred is, a question box, `?q=` answers),
`GET /ask?q=` (an answer as an HTML fragment, for the page's script), `GET /l/<id>` (one
solution's page) and the static files under /static/web/.

Visitors are anonymous: they ask and read. What needs a person (contacting a colleague,
adopting, following, saying an answer did not help) is shown as a plain line pointing to
Slack or Teams. People log in with a one-time link the chat gives them (`dashboard`), to
the dashboard (admins) or their own page (adapters/web/account.py); editors review
submissions from the dashboard (adapters/web/review.py).
"""

from __future__ import annotations

from collections.abc import Mapping

from aiohttp import web

from adapters.web.adapter import PLATFORM, WebAdapter
from adapters.web.config import WebConfig
from adapters.web.pages import mount_pages
from bot.core import Core
from bot.messages import Notice

__all__ = ["WEB", "WebAdapter", "WebConfig", "WebConnector", "configure"]


class WebConnector:
    """The web behind the one interface every platform has (bot/connectors.py). Nobody on
    the web can be written to: its visitors are anonymous, so letters never go there."""

    platform = PLATFORM
    title = "Spred"

    def __init__(self, config: WebConfig) -> None:
        self.config = config
        self.adapter: WebAdapter | None = None

    def mount(self, app: web.Application) -> None:
        app[WEB] = self
        mount_pages(app, self)

    async def start(self, core: Core) -> None:
        self.adapter = WebAdapter(config=self.config, core=core)

    async def stop(self) -> None:
        self.adapter = None

    async def deliver(self, notice: Notice) -> bool:
        return False

    async def reachable(self, user: str) -> bool:
        return False

    @property
    def health(self) -> str:
        return "starting" if self.adapter is None else "ok"


WEB = web.AppKey("web", WebConnector)


def configure(environ: Mapping[str, str], *, host: str | None = None) -> WebConnector:
    return WebConnector(WebConfig.from_env(environ))
