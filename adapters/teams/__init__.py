"""Microsoft Teams: botbuilder's CloudAdapter mounted on the shared server at
POST /api/messages. Everything Teams-specific stays in this package, so it can be replaced
(Microsoft points new bots to a successor SDK) without touching bot/."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from adapters.teams.adapter import TeamsAdapter
from adapters.teams.config import TeamsConfig, TeamsConfigError
from bot.core import Core

__all__ = ["TEAMS", "TeamsAdapter", "TeamsConfig", "TeamsConfigError", "mount_teams"]

TEAMS = web.AppKey("teams", TeamsAdapter)


def mount_teams(app: web.Application, config: TeamsConfig, *, core: web.AppKey[Core]) -> None:
    async def running(app: web.Application) -> AsyncIterator[None]:
        adapter = TeamsAdapter(config=config, core=app[core])
        await adapter.start()
        app[TEAMS] = adapter
        yield
        await adapter.close()

    async def messages(request: web.Request) -> web.Response:
        return await request.app[TEAMS].handle(request)

    app.cleanup_ctx.append(running)
    app.router.add_post("/api/messages", messages)
