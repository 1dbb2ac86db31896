"""The knowledge base: the store's solutions and the matcher's index, kept in step."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime
from importlib import resources
from pathlib import Path

from knowledge.freshness import fresher_first
from knowledge.lexicon import load_lexicon
from knowledge.matcher import Match, Matcher
from knowledge.records import now
from knowledge.solutions import Solution, parse_solutions
from knowledge.store import Store, StoreError
from knowledge.topics import Topic, known_topics
from knowledge.transfer import parse_json
from knowledge.versions import kept

# Changed solutions swapped into the live index, on the event loop (under a millisecond
# each); a larger change is indexed beside it on a thread, so no question waits seconds.
IN_PLACE = 500
# How often a server looks at solutions.json: a stat of the file when nothing changed, so
# often enough that an import is noticed well within the five seconds the README promises.
LOOK_EVERY = 1.0

log = logging.getLogger(__name__)

# Seconds of a turn of the event loop that matching may take: questions asked together are
# matched in one turn until this much is used, the rest in the turns after, so the loop's
# other work (a chat platform's acknowledgements) waits for at most this much matching, or
# one question's, at a time.
MATCHING_PER_TURN = 0.010


class KnowledgeBase:
    def __init__(self, *, store: Store, matcher: Matcher) -> None:
        self.store = store
        self.matcher = matcher
        self._version: Hashable = None  # of the solutions the matcher holds
        self._turns = _Turns()
        self._topics: Mapping[str, Topic] = {}
        self._topics_made = -1  # the matcher's generation they were made at

    def topics(self) -> Mapping[str, Topic]:
        """Every topic the published solutions name, by folded name (knowledge/topics.py),
        made again only when the index has changed: over 10,000 solutions it takes about a
        second, too long for each `følg` or routed question. As fresh as the answers."""
        if self._topics_made != self.matcher.generation:
            self._topics = known_topics(self.matcher.published())
            self._topics_made = self.matcher.generation
        return self._topics

    @property
    def version(self) -> Hashable:
        """The version of the stored solutions the index was last brought up to."""
        return self._version

    @classmethod
    async def load(
        cls, store: Store, *, data_dir: Path | None = None, matcher: Matcher | None = None
    ) -> KnowledgeBase:
        """Indexes every stored solution. Synonyms and glossary lines in `data_dir` (files
        named as the shipped ones) extend the shipped ones."""
        if matcher is None:
            extra = [data_dir] if data_dir is not None else []
            matcher = Matcher(lexicon=await asyncio.to_thread(load_lexicon, extra))
        kb = cls(store=store, matcher=matcher)
        kb._version = await store.solutions.version()
        # Seconds for a large knowledge base: off the event loop.
        await asyncio.to_thread(kb.matcher.add_all, await store.solutions.all())
        return kb

    async def refresh(self) -> bool:
        """Re-indexes what changed if the stored solutions changed behind our back (`spred
        import` while `spred serve` runs); True if anything did. Only the changed solutions
        are tokenised, on a thread, and swapped in at once, so a question never meets a
        half-changed index; when many changed, a new index is built beside the old one."""
        version = await self.store.solutions.version()
        if version == self._version:
            return False
        stored = await self.store.solutions.all()
        changed, gone = self.matcher.differences(stored)
        if not changed and not gone:  # our own publish, already indexed
            self._version = version
            return False
        if len(changed) + len(gone) > min(IN_PLACE, max(len(stored), len(self.matcher)) // 2):
            matcher = Matcher(lexicon=self.matcher.lexicon, threshold=self.matcher.threshold)
            await asyncio.to_thread(matcher.add_all, stored)
            self.matcher = matcher
        else:
            prepared = await asyncio.to_thread(self.matcher.prepare, changed)
            self.matcher.apply(prepared, gone=gone)
        # The version read first: a publish while this ran leaves the store newer, so the
        # next refresh indexes it again, whichever of the two was applied last.
        self._version = version
        return True

    async def follow(self, *, every: float, changed: asyncio.Event) -> None:
        """Refreshes as soon as the store tells of a change to the solutions (`Store.watch`:
        PostgreSQL's notices, so a solution stored by any instance is answered from by all
        within moments), and every `every` seconds in any case: files have no such feed, and
        a notice can be lost with the connection it came on. Sets `changed` when something
        changed. It runs on its own schedule: other background work (delivering letters,
        prompting managers, which can take many seconds) never holds it up."""
        told = asyncio.Event()
        listening = asyncio.create_task(self._listen(told))
        try:
            while True:
                told.clear()  # before refreshing: a notice meanwhile means another round
                try:
                    if await self.refresh():
                        log.info("knowledge base changed: %d solutions", len(self.matcher))
                        changed.set()
                except StoreError as exc:  # keep answering from what was loaded; say why
                    log.error("cannot reload the knowledge base: %s", exc)
                # (Not wait_for: on 3.11 a cancel that meets its timeout can be lost.)
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(every):
                        await told.wait()
        finally:
            listening.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listening

    async def _listen(self, told: asyncio.Event) -> None:
        try:
            async with contextlib.aclosing(self.store.watch(["solutions"])) as changes:
                async for _ in changes:
                    told.set()
        except Exception:  # a bug, not the database (the feed rides out its failures)
            log.exception("the store's change feed stopped: looking for changes now and then")

    async def publish(
        self,
        solutions: Sequence[Solution],
        *,
        by: str = "",
        at: datetime | None = None,
        action: str = "publish",
    ) -> list[Solution]:
        """Keeps each change's version (knowledge/versions.py), stores (all or nothing),
        then indexes: a solution is never findable before it is durable. Returns them as
        stored (with their confirmed day)."""
        at = at or now()  # the server's flows pass their clock's
        solutions = await kept(self.store, solutions, by=by, action=action, at=at)
        await self.store.solutions.upsert_many(solutions)
        self.matcher.add_all(solutions)
        # The version is left as it was: another process may have written between reading
        # it and this write, and only `refresh` (which finds ours already indexed) can tell.
        return solutions

    async def retire(
        self, solution_id: str, *, by: str = "", at: datetime | None = None
    ) -> Solution | None:
        """Hides a solution from answers; it stays in the store and in exports."""
        solution = await self.store.solutions.get(solution_id)
        if solution is None:
            return None
        retired = replace(solution, retired=True)
        [stored] = await self.publish([retired], by=by, at=at, action="retire")
        return stored

    async def search(
        self, question: str, *, top: int = 3, today: date | None = None
    ) -> list[Match]:
        """The best matches for a question, best first, once matching has its turn
        (MATCHING_PER_TURN); given `today`, a stale solution comes after a fresher one as
        relevant (knowledge/freshness.py)."""
        await self._turns.wait()
        return self.ask(question, top=top, today=today)

    def ask(self, question: str, *, top: int = 3, today: date | None = None) -> list[Match]:
        """`search` at once, for callers with no event loop to share (the command line,
        tests); the server's flows use `search`."""
        if today is None:
            return self.matcher.search(question, top=top)
        # One more than shown: a fresh match just below the last place may take a stale one's.
        return fresher_first(self.matcher.search(question, top=top + 1), today=today)[:top]


class _Turns:
    """Matching's share of the event loop's turns. The first question in a turn always
    runs, so every question is matched; a question that finds the turn's share used waits
    for the next turn. One that waits may be passed by questions asked as the next turn
    begins; as each question is matched once, only by those being answered meanwhile. It
    orders this process's use of its own index: nothing across processes rests on it."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._began: float | None = None  # when matching began in this turn
        self._next: asyncio.Future[None] | None = None  # set as the next turn begins

    async def wait(self) -> None:
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # on another loop (tests, the command line): afresh
            self._loop, self._began, self._next = loop, None, None
        while self._began is not None and loop.time() - self._began >= MATCHING_PER_TURN:
            if self._next is None:
                self._next = loop.create_future()
            await asyncio.shield(self._next)  # one waiter cancelled cancels no other
        if self._began is None:
            self._began = loop.time()
            loop.call_soon(self._turn_ends)  # runs as the loop's next turn begins

    def _turn_ends(self) -> None:
        self._began = None
        waiting, self._next = self._next, None
        if waiting is not None:
            waiting.set_result(None)


def demo_solutions() -> list[Solution]:
    """The demo knowledge base shipped with Spred (fictional people, realistic solutions)."""
    payload = resources.files("knowledge").joinpath("demo/solutions.json").read_bytes()
    batch = parse_solutions(parse_json(payload, name="demo/solutions.json"))
    if batch.errors:  # shipped data: a failure here is a bug, caught by the tests
        raise ValueError("\n".join(map(str, batch.errors)))
    return batch.solutions
