"""Microsoft Teams: botbuilder's CloudAdapter mounted on the shared server at
POST /api/messages. Everything Teams-specific stays in this package, so it can be replaced
(Microsoft points new bots to a successor SDK) without touching bot/. Registered with
server assembly as the `teams` entry point (`configure`)."""

from __future__ import annotations

from collections.abc import Mapping

from aiohttp import web

from adapters.teams.adapter import TeamsAdapter
from adapters.teams.config import TeamsConfig, TeamsConfigError
from adapters.teams.events import PLATFORM
from bot.core import Core
from bot.messages import Notice

__all__ = [
    "TEAMS",
    "TeamsAdapter",
    "TeamsConfig",
    "TeamsConfigError",
    "TeamsConnector",
    "configure",
]


class TeamsConnector:
    """Teams behind the one interface every platform has (bot/connectors.py)."""

    platform = PLATFORM
    title = "Teams"

    def __init__(self, config: TeamsConfig) -> None:
        self.config = config
        self.adapter: TeamsAdapter | None = None

    def mount(self, app: web.Application) -> None:
        app[TEAMS] = self
        app.router.add_post("/api/messages", self._messages)

    async def start(self, core: Core) -> None:
        self.adapter = TeamsAdapter(config=self.config, core=core)
        await self.adapter.start()

    async def stop(self) -> None:
        if self.adapter is not None:
            await self.adapter.close()

    async def deliver(self, notice: Notice) -> bool:
        return self.adapter is not None and await self.adapter.deliver(notice)

    async def reachable(self, user: str) -> bool:
        return self.adapter is not None and await self.adapter.reachable(user)

    @property
    def health(self) -> str:
        return "ok" if self.adapter is not None else "starting"

    async def _messages(self, request: web.Request) -> web.Response:
        if self.adapter is None:
            return web.json_response({"error": "starting"}, status=503)
        return await self.adapter.handle(request)


TEAMS = web.AppKey("teams", TeamsConnector)


def configure(environ: Mapping[str, str], *, host: str | None = None) -> TeamsConnector | None:
    """None when Teams is off; refuses an unauthenticated bot on a public `host`."""
    config = TeamsConfig.from_env(environ)
    if config is None:
        return None
    if host is not None:
        config.check_bind(host)
    return TeamsConnector(config)
