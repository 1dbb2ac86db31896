"""Slack: slack-bolt mounted on the shared aiohttp server at POST /slack/events, or over
Socket Mode when SLACK_APP_TOKEN is set (then the HTTP endpoint is off). Registered with
server assembly as the `slack` entry point (`configure`). As a distributable app it also
serves GET /slack/install and /slack/oauth_redirect (oauth.py)."""

from __future__ import annotations

from collections.abc import Mapping

from aiohttp import web

from adapters.slack.adapter import SlackAdapter
from adapters.slack.config import SlackConfig
from adapters.slack.events import PLATFORM
from adapters.slack.oauth import INSTALL_PATH, REDIRECT_PATH
from bot.connectors import Hosted
from bot.core import Core

__all__ = ["SLACK", "SlackAdapter", "SlackConfig", "SlackConnector", "configure"]


class SlackConnector(Hosted[SlackAdapter]):
    """Slack behind the one interface every platform has (bot/connectors.py). Its start
    never fails because of Slack: the adapter keeps trying and says so in `health`."""

    platform = PLATFORM
    title = "Slack"
    path = "/slack/events"

    def __init__(self, config: SlackConfig) -> None:
        super().__init__()
        self.config = config

    def make(self, core: Core) -> SlackAdapter:
        return SlackAdapter(config=self.config, core=core)

    def serves_http(self) -> bool:
        return not self.config.socket_mode

    def mount(self, app: web.Application) -> None:
        app[SLACK] = self
        super().mount(app)
        if self.config.distributable:  # the install pages of the distributable app
            app.router.add_get(INSTALL_PATH, self._install)
            app.router.add_get(REDIRECT_PATH, self._install)

    async def _install(self, request: web.Request) -> web.Response:
        if self.adapter is None:
            return web.json_response({"error": "starting"}, status=503)
        return await self.adapter.install(request)


SLACK = web.AppKey("slack", SlackConnector)


def configure(environ: Mapping[str, str], *, host: str | None = None) -> SlackConnector | None:
    config = SlackConfig.from_env(environ)
    return None if config is None else SlackConnector(config)
