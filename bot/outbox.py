"""Messages for people other than the one the bot is answering: introductions, adoptions told
to originators, demand answered, manager prompts.

Each is stored first and delivered second, so a message for a Slack user written by
`spred import` or by the terminal chat waits in the store until `spred serve` (which has the
Slack adapter) delivers it. A platform's adapter registers a `Deliver` function; it returns
False when it cannot reach the user now (a console user who is not chatting), and the letter
waits for the next `flush`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime, timedelta

from bot.messages import Notice, reply_from_dict, reply_to_dict
from knowledge.records import Letter, new_id, now
from knowledge.store import Store

log = logging.getLogger(__name__)

KEPT = timedelta(days=30)  # delivered letters are kept this long, for admins to look into
# A letter nobody could deliver this long is stale news (a workspace that uninstalled Spred,
# a Teams user who never wrote to it): forgotten, not posted months late.
UNDELIVERED_KEPT = timedelta(days=30)

Deliver = Callable[[Notice], Awaitable[bool]]
Reachable = Callable[[str], Awaitable[bool]]
Find = Callable[..., Awaitable["str | None"]]  # find(email=, org_id=): bot.connectors.Finder


class Outbox:
    def __init__(self, *, store: Store, clock: Callable[[], datetime] = now) -> None:
        self.store = store
        self.clock = clock
        self._deliverers: dict[str, Deliver] = {}
        self._reachable: dict[str, Reachable] = {}
        self._titles: dict[str, str] = {}
        self._finders: dict[str, Find] = {}
        self._lock = asyncio.Lock()  # one flush at a time, so no letter goes out twice

    def register(
        self,
        platform: str,
        deliver: Deliver,
        *,
        reachable: Reachable | None = None,
        title: str = "",
        find: Find | None = None,
    ) -> None:
        """`reachable`, for platforms where a bot can only write to people who wrote to it
        first, says whether a user (platform-qualified) can be written to at all; `title`
        is what people call the platform; `find` looks a colleague up by e-mail in one of
        its organisations (bot.connectors.Finder)."""
        self._deliverers[platform] = deliver
        self._titles[platform] = title or platform
        if reachable is not None:
            self._reachable[platform] = reachable
        if find is not None:
            self._finders[platform] = find

    async def find(self, *, email: str, org_id: str) -> str | None:
        """A colleague's platform-qualified id, found by e-mail in the organisation
        `org_id` by the platform it is on; None when that platform cannot look people up
        (or failed to: someone not found is told by e-mail instead)."""
        check = self._finders.get(org_id.partition(":")[0])
        if check is None or not email:
            return None
        try:
            found = await check(email=email, org_id=org_id)
        except Exception:
            log.exception("looking a colleague up in %s failed", org_id)
            return None
        return found if isinstance(found, str) and found else None

    @property
    def platforms(self) -> dict[str, str]:
        """The platforms this process delivers to, and what people call them."""
        return dict(self._titles)

    async def reachable(self, to: str) -> bool:
        """False only when the platform says so; a letter for a platform this process
        cannot deliver to waits for one that can."""
        check = self._reachable.get(to.partition(":")[0])
        return True if check is None else await check(to)

    async def send(self, notice: Notice, *, letter_id: str | None = None) -> None:
        """Stores the letter, then tries to deliver it. With `letter_id`, sending the same
        letter again (after a crash between storing it and recording that it was sent)
        changes nothing."""
        if letter_id is not None and await self.store.outbox.get(letter_id) is not None:
            return
        letter = Letter(
            id=letter_id or new_id(),
            to=notice.to,
            kind=notice.kind,
            reply=reply_to_dict(notice.reply),
            created_at=self.clock(),
        )
        await self.store.outbox.upsert(letter)
        await self.flush(to=notice.to)

    async def flush(self, *, to: str | None = None) -> int:
        """Delivers waiting letters (for one user, or all) this process can deliver; returns
        how many went out."""
        async with self._lock:
            letters = sorted(
                (
                    letter
                    for letter in await self.store.outbox.all()
                    if letter.delivered_at is None
                    and (to is None or letter.to == to)
                    and letter.to.partition(":")[0] in self._deliverers
                ),
                key=lambda letter: letter.created_at,
            )
            sent = 0
            for letter in letters:
                if await self._deliver(letter):
                    await self.store.outbox.upsert(replace(letter, delivered_at=self.clock()))
                    sent += 1
            return sent

    async def prune(self) -> int:
        """Forgets letters delivered more than KEPT ago, and those nobody could deliver for
        UNDELIVERED_KEPT, so the outbox does not grow for ever; returns how many."""
        delivered_before, written_before = self.clock() - KEPT, self.clock() - UNDELIVERED_KEPT
        old = [
            letter.id
            for letter in await self.store.outbox.all()
            if (letter.delivered_at is not None and letter.delivered_at < delivered_before)
            or (letter.delivered_at is None and letter.created_at < written_before)
        ]
        for letter_id in old:
            await self.store.outbox.delete(letter_id)
        return len(old)

    async def _deliver(self, letter: Letter) -> bool:
        platform = letter.to.partition(":")[0]
        notice = Notice(to=letter.to, kind=letter.kind, reply=reply_from_dict(letter.reply))
        try:
            return await self._deliverers[platform](notice)
        except Exception:  # one unreachable user must not stop the others' letters
            log.exception("could not deliver a %s letter to %s", letter.kind, letter.to)
            return False

    async def waiting(self, *, to: str | None = None) -> list[Letter]:
        return [
            letter
            for letter in await self.store.outbox.all()
            if letter.delivered_at is None and (to is None or letter.to == to)
        ]
