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
from bot.connectors import Hosted
from bot.core import Core

__all__ = [
    "TEAMS",
    "TeamsAdapter",
    "TeamsConfig",
    "TeamsConfigError",
    "TeamsConnector",
    "configure",
]


class TeamsConnector(Hosted[TeamsAdapter]):
    """Teams behind the one interface every platform has (bot/connectors.py)."""

    platform = PLATFORM
    title = "Teams"
    path = "/api/messages"

    def __init__(self, config: TeamsConfig) -> None:
        super().__init__()
        self.config = config

    def make(self, core: Core) -> TeamsAdapter:
        return TeamsAdapter(config=self.config, core=core)

    def mount(self, app: web.Application) -> None:
        app[TEAMS] = self
        super().mount(app)


TEAMS = web.AppKey("teams", TeamsConnector)


def configure(environ: Mapping[str, str], *, host: str | None = None) -> TeamsConnector | None:
    """None when Teams is off; refuses an unauthenticated bot on a public `host`."""
    config = TeamsConfig.from_env(environ)
    if config is None:
        return None
    if host is not None:
        config.check_bind(host)
    return TeamsConnector(config)
