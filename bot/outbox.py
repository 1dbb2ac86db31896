"""Messages for people other than the one the bot is answering: introductions, adoptions told
to originators, demand answered, manager prompts.

Each is stored first and delivered second, so a message for a Slack user written by
`spred import` or by the terminal chat waits in the store until `spred serve` (which has the
Slack adapter) delivers it. A platform's adapter registers a `Deliver` function; it returns
False when it cannot reach the user now (a console user who is not chatting), and the letter
waits for the next `flush`.

Several server processes may share one store: each letter is sent exactly once between them
because a process delivers only letters it has claimed (`Collection.claim`, FOR UPDATE SKIP
LOCKED on PostgreSQL) for a lease, marks each delivered right after the platform took it,
and gives back (`release`) those it could not deliver now. A process killed mid-send leaves
its claimed letters to the others once the lease is over.

One window is left to the platforms: a process killed after the platform accepted a post
but before the letter was marked delivered. Every send of a letter is first recorded (an
insert of `letter:<id>` in `seen_events`, which leaves the letter and its claim as they
are), so the process that sends it again after the lease knows an earlier send began
(`Notice.retried`); a connector that can look (Slack: the DM's history, where the post is
marked with the letter's id) posts nothing if the platform has it. Where a platform cannot
be asked (Teams), the letter is posted again, once. Marking each letter at once, not a
batch at the end, keeps that to the one letter in flight per killed process; and a letter
is begun only while at least half its lease is left, so no lease runs out under a slow
post and lets a second process send what the first is still sending.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime, timedelta

from bot.messages import Notice, reply_from_dict, reply_to_dict
from knowledge.records import Letter, SeenEvent, new_id, now
from knowledge.store import Store
from knowledge.store.query import Below, Condition, OneOf

log = logging.getLogger(__name__)

KEPT = timedelta(days=30)  # delivered letters are kept this long, for admins to look into
# A letter nobody could deliver this long is stale news (a workspace that uninstalled Spred,
# a Teams user who never wrote to it): forgotten, not posted months late.
UNDELIVERED_KEPT = timedelta(days=30)
# How long a claimed letter is this process's to send (SPRED_CLAIM_SECONDS): far longer than
# posting a batch takes (Slack paces one post a second per channel; a call times out after
# 10 s), short enough that a killed process's letters go out soon after.
LEASE = timedelta(seconds=120)
BATCH = 10  # letters claimed at a time: a batch is posted well within half a lease

Deliver = Callable[[Notice], Awaitable[bool]]
Reachable = Callable[[str], Awaitable[bool]]
Find = Callable[..., Awaitable["str | None"]]  # find(email=, org_id=): bot.connectors.Finder


class Outbox:
    def __init__(
        self,
        *,
        store: Store,
        clock: Callable[[], datetime] = now,
        lease: timedelta = LEASE,
    ) -> None:
        self.store = store
        self.clock = clock
        self.lease = lease
        self._deliverers: dict[str, Deliver] = {}
        self._reachable: dict[str, Reachable] = {}
        self._titles: dict[str, str] = {}
        self._finders: dict[str, Find] = {}

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
        letter again (after a crash between storing it and recording that it was sent, or
        from another process) changes nothing: only the first insert stores it."""
        letter = Letter(
            id=letter_id or new_id(),
            to=notice.to,
            kind=notice.kind,
            reply=reply_to_dict(notice.reply),
            created_at=self.clock(),
        )
        if await self.store.outbox.insert(letter):
            await self.flush(to=notice.to)

    async def flush(self, *, to: str | None = None) -> int:
        """Delivers waiting letters (for one user, or all) this process can deliver and no
        other process is delivering now; returns how many went out."""
        if not self._deliverers:
            return 0
        conditions: dict[str, Condition] = {
            "delivered_at": None,
            "platform": OneOf.of(self._deliverers),
        }
        if to is not None:
            conditions["to"] = to
        sent = 0
        undelivered: list[str] = []  # claimed, not delivered: given back at the end
        try:
            while True:
                start = self.clock()
                until = start + self.lease
                letters = await self.store.outbox.claim(
                    now=start, until=until, limit=BATCH, **conditions
                )
                undelivered += [letter.id for letter in letters]
                for letter in letters:
                    if until - self.clock() < self.lease / 2:
                        break  # the rest go out in another batch, under a fresh lease
                    if await self._deliver(letter):
                        await self.store.outbox.update(letter.id, self._delivered)
                        undelivered.remove(letter.id)
                        sent += 1
                if len(letters) < BATCH:
                    return sent
        finally:
            # Not delivered now (the user cannot be reached, the platform refused): anyone's
            # to try again, at once rather than when the lease ends.
            if undelivered:
                await self.store.outbox.release(undelivered)

    def _delivered(self, current: Letter | None) -> Letter | None:
        # An update, not an upsert: a letter erased meanwhile (a person forgotten, bot/
        # privacy.py) stays erased.
        if current is None or current.delivered_at is not None:
            return current
        return replace(current, delivered_at=self.clock())

    async def prune(self) -> int:
        """Forgets letters delivered more than KEPT ago, and those nobody could deliver for
        UNDELIVERED_KEPT, so the outbox does not grow for ever; returns how many."""
        delivered_before, written_before = self.clock() - KEPT, self.clock() - UNDELIVERED_KEPT
        old = [
            *await self.store.outbox.find(delivered_at=Below(delivered_before)),
            *await self.store.outbox.find(delivered_at=None, created_at=Below(written_before)),
        ]
        for letter in old:
            await self.store.outbox.delete(letter.id)
        return len(old)

    async def _deliver(self, letter: Letter) -> bool:
        platform = letter.to.partition(":")[0]
        notice = Notice(
            to=letter.to,
            kind=letter.kind,
            reply=reply_from_dict(letter.reply),
            letter=letter.id,
            retried=not await self._first_send(letter),
        )
        try:
            return await self._deliverers[platform](notice)
        except Exception:  # one unreachable user must not stop the others' letters
            log.exception("could not deliver a %s letter to %s", letter.kind, letter.to)
            return False

    async def _first_send(self, letter: Letter) -> bool:
        """Records that a send of `letter` begins; False if one began before. Kept as long
        as an undelivered letter is (pruned with the platforms' event ids)."""
        at = self.clock()
        began = SeenEvent(event_key=f"letter:{letter.id}", seen_at=at, expires_at=at + KEPT)
        return await self.store.seen_events.insert(began)

    async def waiting(self, *, to: str | None = None) -> list[Letter]:
        if to is None:
            return await self.store.outbox.find(delivered_at=None)
        return await self.store.outbox.find(delivered_at=None, to=to)
