"""Slack: slack-bolt mounted on the shared aiohttp server at POST /slack/events, or over
Socket Mode when SLACK_APP_TOKEN is set (then the HTTP endpoint is off). Registered with
server assembly as the `slack` entry point (`configure`)."""

from __future__ import annotations

from collections.abc import Mapping

from aiohttp import web

from adapters.slack.adapter import SlackAdapter
from adapters.slack.config import SlackConfig
from adapters.slack.events import PLATFORM
from bot.core import Core
from bot.messages import Notice

__all__ = ["SLACK", "SlackAdapter", "SlackConfig", "SlackConnector", "configure"]


class SlackConnector:
    """Slack behind the one interface every platform has (bot/connectors.py)."""

    platform = PLATFORM
    title = "Slack"

    def __init__(self, config: SlackConfig) -> None:
        self.config = config
        self.adapter: SlackAdapter | None = None

    def mount(self, app: web.Application) -> None:
        app[SLACK] = self
        if not self.config.socket_mode:
            app.router.add_post("/slack/events", self._events)

    async def start(self, core: Core) -> None:
        """Never fails because of Slack: the adapter keeps trying and says so in `health`."""
        self.adapter = SlackAdapter(config=self.config, core=core)
        await self.adapter.start()

    async def stop(self) -> None:
        if self.adapter is not None:
            await self.adapter.close()

    async def deliver(self, notice: Notice) -> bool:
        return self.adapter is not None and await self.adapter.deliver(notice)

    async def reachable(self, user: str) -> bool:
        return True  # a bot may write to anyone in the workspace

    @property
    def health(self) -> str:
        return "starting" if self.adapter is None else self.adapter.health

    async def _events(self, request: web.Request) -> web.Response:
        if self.adapter is None:
            return web.json_response({"ok": False, "error": "starting"}, status=503)
        return await self.adapter.handle(request)


SLACK = web.AppKey("slack", SlackConnector)


def configure(environ: Mapping[str, str], *, host: str | None = None) -> SlackConnector | None:
    config = SlackConfig.from_env(environ)
    return None if config is None else SlackConnector(config)
