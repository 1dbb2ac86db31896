"""Where users of a platform that lets a bot write only to people who wrote to it first
(Teams) can be written to later: what the platform gave on their first contact, kept in the
store as it came. Adapters keep and read addresses here, never in the store itself."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from knowledge.records import Address
from knowledge.store import Store, StoreError

log = logging.getLogger(__name__)


class Addresses:
    def __init__(self, *, store: Store, clock: Callable[[], datetime]) -> None:
        self.store = store
        self.clock = clock

    async def remember(self, user: str, reference: Mapping[str, Any]) -> None:
        """Keeps where a platform-qualified user can be reached; a reference that did not
        change writes nothing, so most messages cost no write. A store out of reach is
        logged, not raised: the message it came with is still answered (with an apology,
        should the store still be out of reach), and its next message keeps it."""
        try:
            known = await self.store.addresses.get(user)
            if known is None or dict(known.reference) != dict(reference):
                await self.store.addresses.upsert(
                    Address(user=user, reference=dict(reference), updated_at=self.clock())
                )
        except StoreError as exc:
            log.error("cannot keep where a user is reached: %s", exc)

    async def of(self, user: str) -> Mapping[str, Any] | None:
        address = await self.store.addresses.get(user)
        return None if address is None else address.reference

    async def forget(self, user: str) -> None:
        await self.store.addresses.delete(user)
