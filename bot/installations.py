"""What a platform's distributable app keeps in the store for its adapter (the Slack app any
workspace installs): each installation as the platform's SDK gave it, and the single-use,
expiring states of installs in progress. Adapters keep them here, never in the store itself.

An installation is looked up at every request of its workspace, so the look-up is cached in
this process; the cache is emptied whenever the collection's version changes, by this
process or another, so an uninstall anywhere is seen at the next look-up.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Hashable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from knowledge.records import OAuthState, SlackInstallation
from knowledge.store import Store
from knowledge.store.query import Below

Data = Mapping[str, Any]
MAX_STATE = 200  # characters: a state Spred gave is 43; anything longer is not one


class Installations:
    def __init__(self, *, store: Store, clock: Callable[[], datetime]) -> None:
        self.store = store
        self.clock = clock
        self._version: Hashable = None
        self._cache: dict[str, Data | None] = {}

    async def get(self, key: str) -> Data | None:
        """The installation kept under `key`; a keyed read only after a change."""
        if not key:
            return None
        collection = self.store.slack_installations
        version = await collection.version()
        if version != self._version:  # changed, here or in another process
            self._cache.clear()
            self._version = version
        if key not in self._cache:
            record = await collection.get(key)
            self._cache[key] = None if record is None else dict(record.installation)
        return self._cache[key]

    async def save(self, key: str, data: Data) -> None:
        record = SlackInstallation(workspace=key, installation=dict(data), updated_at=self.clock())
        await self.store.slack_installations.upsert(record)

    async def change(self, key: str, change: Callable[[Data], Data | None]) -> None:
        """Replaces the installation under `key` (if there is one) with `change(it)`, as
        one step no other process comes between; None removes it."""

        def changed(current: SlackInstallation | None) -> SlackInstallation | None:
            if current is None:
                return None
            data = change(current.installation)
            if data is None:
                return None
            return replace(current, installation=dict(data), updated_at=self.clock())

        await self.store.slack_installations.update(key, changed)

    async def remove(self, key: str) -> None:
        await self.store.slack_installations.delete(key)


class InstallStates:
    """States handed to a browser starting an install: each good once, until it expires."""

    def __init__(self, *, store: Store, clock: Callable[[], datetime]) -> None:
        self.store = store
        self.clock = clock

    async def issue(self, *, seconds: int) -> str:
        state = secrets.token_urlsafe(32)
        expires = self.clock() + timedelta(seconds=seconds)
        await self.store.oauth_states.upsert(OAuthState(state=state, expires_at=expires))
        return state

    async def consume(self, state: str) -> bool:
        """Whether `state` was given here and is still fresh; it is used up either way, in
        one step no other process comes between (so a state is accepted at most once)."""
        if not isinstance(state, str) or not state or len(state) > MAX_STATE:
            return False
        taken: list[OAuthState | None] = []

        def take(current: OAuthState | None) -> OAuthState | None:
            taken[:] = [current]  # the last run is the one stored, if the backend retries
            return None

        await self.store.oauth_states.update(state, take)
        found = taken[0] if taken else None
        return found is not None and self.clock() < found.expires_at

    async def prune(self) -> int:
        """Removes the states never used that have expired (a browser that opened the
        install page and left); how many. Asks the store for the expired ones only."""
        now = self.clock()

        def expired(current: OAuthState | None) -> OAuthState | None:
            return None if current is not None and current.expires_at < now else current

        gone = 0
        for state in await self.store.oauth_states.find(expires_at=Below(now)):
            await self.store.oauth_states.update(state.key, expired)
            gone += 1
        return gone
