"""Slack: slack-bolt mounted on the shared aiohttp server at POST /slack/events, or over
Socket Mode when SLACK_APP_TOKEN is set (then the HTTP endpoint is off)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from adapters.slack.adapter import SlackAdapter
from adapters.slack.config import SlackConfig
from bot.core import Core

__all__ = ["SLACK", "SlackAdapter", "SlackConfig", "mount_slack"]

SLACK = web.AppKey("slack", SlackAdapter)


def mount_slack(app: web.Application, config: SlackConfig, *, core: web.AppKey[Core]) -> None:
    """Adds Slack to the server; the core is started by an earlier cleanup context and
    found under `core`."""

    async def running(app: web.Application) -> AsyncIterator[None]:
        adapter = SlackAdapter(config=config, core=app[core])
        await adapter.start()
        app[SLACK] = adapter
        yield
        await adapter.close()

    async def events(request: web.Request) -> web.Response:
        return await request.app[SLACK].handle(request)

    app.cleanup_ctx.append(running)
    if not config.socket_mode:
        app.router.add_post("/slack/events", events)
