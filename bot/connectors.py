"""The one seam between Spred and a chat platform, after opsdroid's connectors.

A platform is a package in adapters/ that registers a `configure` function once, as an
entry point in the `spred.connectors` group of pyproject.toml. Server assembly asks each
registered one for a connector from the environment, mounts its routes and starts it after
the core; the core delivers letters through it. Nothing here or in the core names a
platform, so adding one is a package and a line in pyproject.toml.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Protocol, TypeVar, runtime_checkable

from aiohttp import web

from bot.config import ConfigError
from bot.messages import Incoming, Notice

if TYPE_CHECKING:
    from bot.core import Core

log = logging.getLogger(__name__)

GROUP = "spred.connectors"
TERMINAL = "spred.terminal"  # the terminal chat of `spred chat`, also a connector


class Connector(Protocol):
    platform: str  # the prefix of its users' ids ("slack" in "slack:U123")
    title: str  # what people call the platform, for texts ("Slack")

    def mount(self, app: web.Application) -> None:
        """Adds its HTTP routes, if it has any, before the server starts."""

    async def start(self, core: Core) -> None:
        """Begins taking events to the core. A platform that cannot be reached must not
        stop the server: it says so in `health` and keeps trying."""

    async def stop(self) -> None: ...

    async def deliver(self, notice: Notice) -> bool:
        """Sends a letter to one of its users; False when they cannot be reached now (it
        waits in the outbox for the next try)."""

    async def reachable(self, user: str) -> bool:
        """Whether a platform-qualified user can be written to at all (Teams lets a bot
        write only to people who wrote to it first)."""

    @property
    def health(self) -> str:
        """For /healthz: "ok", or one word saying what is wrong ("unreachable", …)."""


@runtime_checkable
class Finder(Protocol):
    """What a connector may also do: find a colleague by e-mail in one organisation that
    installed Spred (`org_id`: "slack:T123", "teams:<tenant id>"), so an introduction from
    another organisation reaches them. The core asks only connectors that have it."""

    async def find(self, *, email: str, org_id: str) -> str | None:
        """Their platform-qualified user id, or None when the organisation's installation
        does not know the address (or cannot be asked now)."""


@runtime_checkable
class Retaker(Protocol):
    """What a connector may also do: answer an event again that a process acknowledged and
    then died before answering (bot/core.py holds such events until answered). The platform
    will not send it again, so the connector runs the turn (`Core.answer`) and posts the
    replies where the first answer would have gone. The core asks only connectors that
    have it, and only for events their adapter had the core hold."""

    async def retake(self, message: Incoming) -> None: ...


class Adapter(Protocol):
    """What a platform's adapter does once the core has started (it needs the core)."""

    async def start(self) -> None: ...

    async def close(self) -> None: ...

    async def handle(self, request: web.Request) -> web.Response: ...

    async def deliver(self, notice: Notice) -> bool: ...

    async def reachable(self, user: str) -> bool: ...

    @property
    def health(self) -> str: ...


A = TypeVar("A", bound=Adapter)


class Hosted(ABC, Generic[A]):
    """A Connector whose adapter is made when the core starts: what every platform served
    over HTTP shares. Until then its route answers 503 and its health is "starting"."""

    platform: ClassVar[str]
    title: ClassVar[str]
    path: ClassVar[str]  # the route the platform POSTs to

    def __init__(self) -> None:
        self.adapter: A | None = None

    @abstractmethod
    def make(self, core: Core) -> A:
        """The adapter for this core."""

    def serves_http(self) -> bool:
        return True

    def mount(self, app: web.Application) -> None:
        if self.serves_http():
            app.router.add_post(self.path, self._requests)

    async def start(self, core: Core) -> None:
        self.adapter = self.make(core)
        await self.adapter.start()

    async def stop(self) -> None:
        if self.adapter is not None:
            await self.adapter.close()

    async def deliver(self, notice: Notice) -> bool:
        return self.adapter is not None and await self.adapter.deliver(notice)

    async def reachable(self, user: str) -> bool:
        return self.adapter is not None and await self.adapter.reachable(user)

    async def find(self, *, email: str, org_id: str) -> str | None:
        # Finder, when the adapter can: a platform without a directory to ask finds no one.
        if not isinstance(self.adapter, Finder):
            return None
        return await self.adapter.find(email=email, org_id=org_id)

    async def retake(self, message: Incoming) -> None:
        # Retaker, when the adapter can; only its events are held, so no other is asked.
        if isinstance(self.adapter, Retaker):
            await self.adapter.retake(message)
        else:
            log.warning("a held %s event was not answered: nothing here can", self.platform)

    @property
    def health(self) -> str:
        return "starting" if self.adapter is None else self.adapter.health

    async def _requests(self, request: web.Request) -> web.Response:
        if self.adapter is None:
            return web.json_response({"error": "starting"}, status=503)
        return await self.adapter.handle(request)


# What an entry point names: the connector for these settings, or None when the platform
# is not configured; ConfigError when it is configured wrongly. `host` is the address the
# server will listen on (None when unknown), for a platform that is unsafe on some.
Configure = Callable[..., "Connector | None"]


def registered(group: str = GROUP) -> dict[str, Any]:
    """What is registered in an entry point group (by default every platform's
    `configure`), by name."""
    found = entry_points(group=group)
    if not found:
        raise ConfigError(
            f"nothing is registered as {group}: Spred is not installed (run 'make install' "
            "or 'pip install -e .' in its directory)"
        )
    return {entry.name: entry.load() for entry in sorted(found, key=lambda e: e.name)}


def configure_all(
    platforms: Mapping[str, Configure], environ: Mapping[str, str], *, host: str | None
) -> dict[str, Connector]:
    """The connectors these settings turn on, by platform name."""
    connectors = {}
    for name, configure in platforms.items():
        connector = configure(environ, host=host)
        if connector is not None:
            connectors[name] = connector
    return connectors
