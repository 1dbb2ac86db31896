"""The aiohttp application every platform's connector mounts on, and `spred serve`."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
from collections.abc import AsyncIterator, Callable, Mapping
from datetime import datetime

from aiohttp import web
from aiohttp.typedefs import Handler

from bot import __version__, feeds, roadshow_ics
from bot.config import Settings
from bot.connectors import Connector, configure_all, registered
from bot.core import Core
from bot.demand import answer_demand
from knowledge.kb import LOOK_EVERY, KnowledgeBase
from knowledge.records import now
from knowledge.store import LockWait, Store, StoreError, open_store

log = logging.getLogger(__name__)

SETTINGS = web.AppKey("settings", Settings)
STORE = web.AppKey("store", Store)
KNOWLEDGE = web.AppKey("knowledge", KnowledgeBase)
CORE = web.AppKey("core", Core)
# The platforms these settings turn on, by name; started after the core, stopped before it.
CONNECTORS = web.AppKey("connectors", dict[str, Connector])
PLATFORMS = web.AppKey("platforms", tuple[str, ...])  # every registered one, on or not
# The core's time: the wall clock; a test's own so that what depends on the day (the months
# a solution's page counts its users in) is the same on any day the test runs.
CLOCK: web.AppKey[Callable[[], datetime]] = web.AppKey("clock")


def build_app(
    settings: Settings,
    *,
    environ: Mapping[str, str] = os.environ,
    host: str | None = None,
    clock: Callable[[], datetime] = now,
) -> web.Application:
    """The server; each registered platform whose settings are in `environ` is mounted on
    it. With `host` (the address it will listen on), an unsafe set-up is refused before it
    starts."""
    app = web.Application(client_max_size=1024 * 1024, middlewares=[_client_gone])
    app[SETTINGS] = settings
    app[CLOCK] = clock
    platforms = registered()
    app[PLATFORMS] = tuple(platforms)
    app[CONNECTORS] = configure_all(platforms, environ, host=host)
    app.cleanup_ctx.append(_knowledge)
    app.router.add_get("/healthz", healthz)
    feeds.mount(app, knowledge=KNOWLEDGE, settings=SETTINGS)  # /feeds/<topic>.atom (issue 17)
    roadshow_ics.mount(app, store=STORE)  # /roadshows/<id>.ics (issue 17)
    for connector in app[CONNECTORS].values():
        connector.mount(app)
    return app


@web.middleware
async def _client_gone(request: web.Request, handler: Handler) -> web.StreamResponse:
    """A client that hangs up before its whole body arrived is no error of Spred's: one
    line, not aiohttp's traceback at ERROR; nothing of the half request was used."""
    try:
        return await handler(request)
    except ConnectionResetError:
        log.info(
            "%s %s: the client left before its request was complete", request.method, request.path
        )
        return web.Response(status=400)


async def _knowledge(app: web.Application) -> AsyncIterator[None]:
    store = await open_store(
        app[SETTINGS].data_dir,
        lock_wait=LockWait(timeout=app[SETTINGS].lock_timeout),
        database=app[SETTINGS].database_url,  # PostgreSQL's schema is brought up to date here
    )
    app[STORE] = store
    app[KNOWLEDGE] = kb = await KnowledgeBase.load(store, data_dir=app[SETTINGS].data_dir)
    log.info("knowledge base loaded: %d solutions", len(kb.matcher))
    app[CORE] = core = Core(kb=kb, settings=app[SETTINGS], clock=app[CLOCK])
    # What was loaded lives as long as the server: kept out of the garbage collector's full
    # collections, which would otherwise walk the whole index (40-50 ms with the event loop
    # stopped, a few times a minute under load: the platforms' acknowledgements wait).
    gc.collect()
    gc.freeze()
    started: list[Connector] = []
    try:
        for connector in app[CONNECTORS].values():
            await connector.start(core)
            started.append(connector)
            core.connect(connector)
        watcher = asyncio.create_task(_follow_changes(core, every=app[SETTINGS].refresh_seconds))
        yield
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher
    finally:
        for connector in reversed(started):
            await connector.stop()
        await store.close()


async def _follow_changes(core: Core, *, every: float) -> None:
    """Picks up solutions another process stored (`spred import` while the server runs),
    closes the demand they answer, sends the managers' prompts that are due and the owners'
    yearly questions, deletes what people wrote once it is older than the retention period
    (hourly), delivers letters other processes left in the outbox for the platforms this
    server reaches, and answers the events a process acknowledged but died before answering.
    The first round runs at once: demand answered while the server was down is told now."""
    kb = core.services.kb
    changed = asyncio.Event()
    changed.set()
    # The knowledge base is looked at on its own schedule: a round here that takes long
    # (letters to deliver, a platform spacing its posts) must not delay it.
    watcher = asyncio.create_task(kb.follow(every=min(every, LOOK_EVERY), changed=changed))
    try:
        while True:
            try:
                if changed.is_set():
                    changed.clear()
                    await answer_demand(kb=kb, outbox=core.outbox)
                # Every instance runs each round: sending takes claims, the periodic jobs
                # a store record that one instance a period wins (bot/jobs.py).
                await core.prune_if_due()  # what is kept only for a while, hourly
                await core.nudges.run_due()  # prompts to managers whose time has come
                await core.retention.sweep_if_due()  # what people wrote, kept no longer
                await core.tell_editors_if_due()  # new submissions, gathered, once a day
                await core.ask_owners_if_due()  # do the figures still hold? yearly, hourly
                await core.digest_if_due()  # followers' weekly news, on its day's morning
                await core.recognise_if_due()  # monthly thanks for what spread (issue 17)
                await core.route_if_due()  # open questions to those who may know, hourly
                await core.roadshows_if_due()  # roadshows' reminders and follow-ups
                await core.outbox.flush()
                await core.retake_unanswered()  # events whose answerer died before answering
            except StoreError as exc:  # say why, once a round, and go on
                log.error("background work on the store failed: %s", exc)
            # A change wakes it, so demand is answered at once. (Not wait_for: on 3.11 a
            # cancel that meets its timeout can leave it waiting for ever.)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(every):
                    await changed.wait()
    finally:
        watcher.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watcher


async def healthz(request: web.Request) -> web.Response:
    """Always 200 (the contract's): a store out of reach is "degraded" in the body, as
    questions are still answered from the loaded knowledge base, with apologies for what
    needs the store."""
    app = request.app
    connectors = app[CONNECTORS]
    store = app[STORE]
    reachable = await store.ping()
    return web.json_response(
        {
            "status": "ok" if reachable else "degraded",
            "version": __version__,
            # which platforms are on, and whether each can reach its platform now
            "adapters": {name: name in connectors for name in app[PLATFORMS]},
            "platforms": {name: c.health for name, c in connectors.items()},
            "solutions": len(app[KNOWLEDGE].matcher),
            "store": {"backend": store.backend, "ok": reachable},
        }
    )


def base_url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
