"""The aiohttp application every adapter mounts on, and `spred serve`."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

from aiohttp import web

from bot import __version__
from bot.config import Settings
from knowledge.kb import KnowledgeBase
from knowledge.store import Store, open_store

log = logging.getLogger(__name__)

SETTINGS = web.AppKey("settings", Settings)
STORE = web.AppKey("store", Store)
KNOWLEDGE = web.AppKey("knowledge", KnowledgeBase)
# Adapters record themselves here as they mount, so /healthz can say which are on.
ADAPTERS = web.AppKey("adapters", dict[str, bool])


def build_app(settings: Settings) -> web.Application:
    app = web.Application(client_max_size=1024 * 1024)
    app[SETTINGS] = settings
    app[ADAPTERS] = {"slack": False, "teams": False}
    app.cleanup_ctx.append(_knowledge)
    app.router.add_get("/healthz", healthz)
    return app


async def _knowledge(app: web.Application) -> AsyncIterator[None]:
    store = await open_store(app[SETTINGS].data_dir)
    app[STORE] = store
    app[KNOWLEDGE] = await KnowledgeBase.load(store, data_dir=app[SETTINGS].data_dir)
    log.info("knowledge base loaded: %d solutions", len(app[KNOWLEDGE].matcher))
    yield
    await store.close()


async def healthz(request: web.Request) -> web.Response:
    app = request.app
    return web.json_response(
        {
            "status": "ok",
            "version": __version__,
            "adapters": app[ADAPTERS],
            "solutions": len(app[KNOWLEDGE].matcher),
        }
    )


def base_url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
