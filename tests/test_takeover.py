"""An acknowledged event is answered even if the process that took it dies: the core holds
it with the message until answered, and another instance whose connector can answer it
again (`Retaker`) takes it over once the hold has expired; once, and a few times at most."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path

import pytest

from bot.config import Settings
from bot.connectors import Retaker
from bot.core import Core
from bot.holds import MAX_ATTEMPTS
from bot.messages import Incoming, Notice, Reply
from knowledge.kb import KnowledgeBase, demo_solutions
from knowledge.lexicon import Lexicon
from knowledge.matcher import Matcher
from knowledge.store import Store
from tests.conftest import Clock

HOLD = 30  # seconds: SPRED_CLAIM_SECONDS of these instances
QUESTION = Incoming(
    platform="slack",
    user_id="U1",
    conversation="C1",
    thread="1700000000.000100",
    text="ventetid hjemmepleje opstart",
    direct=False,
    event_id="Ev1",
)


class Platform:
    """A connector that can answer a held event again: through its core, posting each
    reply to `posted` as (conversation, thread, text)."""

    platform = "slack"
    title = "Slack"

    def __init__(self, core: Core, posted: list[tuple[str, str | None, str]]) -> None:
        self.core = core
        self.posted = posted
        self.health = "ok"

    def mount(self, app: object) -> None:
        pass

    async def start(self, core: Core) -> None:
        pass

    async def stop(self) -> None:
        pass

    async def deliver(self, notice: Notice) -> bool:
        return False

    async def reachable(self, user: str) -> bool:
        return True

    async def retake(self, message: Incoming) -> None:
        await self.core.answer(message, send=self.sender(message))

    def sender(self, message: Incoming):  # type: ignore[no-untyped-def]
        async def send(replies: list[Reply]) -> None:
            await asyncio.sleep(0)  # lets another instance run in between
            for reply in replies:
                self.posted.append((message.conversation, message.thread, reply.text))

        return send


async def instance(
    store: Store, lexicon: Lexicon, clock: Clock, tmp_path: Path, posted: list
) -> Core:
    kb = await KnowledgeBase.load(store, matcher=Matcher(lexicon=lexicon))
    settings = Settings(data_dir=tmp_path / "data", claim_seconds=HOLD)
    core = Core(kb=kb, settings=settings, clock=clock)
    platform = Platform(core, posted)
    assert isinstance(platform, Retaker)
    core.connect(platform)
    return core


async def dies_while_posting(core: Core, message: Incoming) -> None:
    """The core answers the event and its process dies while posting the replies."""
    posting = asyncio.Event()

    async def send(replies: list[Reply]) -> None:
        assert replies
        posting.set()
        await asyncio.Event().wait()  # Slack never gets the post

    task = asyncio.create_task(core.answer(message, send=send))
    await posting.wait()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


@pytest.fixture
async def cores(
    store: Store, other: Store, lexicon: Lexicon, clock: Clock, tmp_path: Path
) -> tuple[list[Core], list[tuple[str, str | None, str]]]:
    """Three instances (A, B, C) on one store, posting to one platform."""
    await store.solutions.upsert_many(demo_solutions())
    posted: list[tuple[str, str | None, str]] = []
    made = [await instance(s, lexicon, clock, tmp_path, posted) for s in (store, other, other)]
    return made, posted


async def test_an_event_its_taker_never_answered_is_answered_once_by_another(
    store: Store, cores: tuple[list[Core], list], clock: Clock
) -> None:
    (a, b, c), posted = cores
    await dies_while_posting(a, QUESTION)
    held = await store.seen_events.get("slack:Ev1")
    assert held is not None
    assert held.answered_at is None
    assert held.incoming["text"] == QUESTION.text  # kept for whoever takes it over
    # While A's hold lasts nobody takes it over.
    clock.advance(seconds=HOLD - 1)
    assert await b.retake_unanswered() == 0
    assert posted == []
    clock.advance(seconds=2)
    await asyncio.gather(b.retake_unanswered(), c.retake_unanswered())
    assert len(posted) == 1
    [(conversation, thread, text)] = posted
    assert (conversation, thread) == ("C1", QUESTION.thread)
    assert "hjemmepleje" in text.lower()
    answered = await store.seen_events.get("slack:Ev1")
    assert answered is not None
    assert answered.answered_at == clock.now
    assert answered.incoming == {}  # the question is not kept once answered
    assert answered.held_until is None
    assert answered.attempts == 2
    # Answered: never taken over again, by a later round or Slack's retry.
    clock.advance(seconds=HOLD * 10)
    assert await b.retake_unanswered() + await c.retake_unanswered() == 0
    assert await c.answer(QUESTION, send=Platform(c, posted).sender(QUESTION)) is False
    assert len(posted) == 1


async def test_an_answered_event_is_never_taken_over(
    store: Store, cores: tuple[list[Core], list], clock: Clock
) -> None:
    (a, b, _), posted = cores
    assert await a.answer(QUESTION, send=Platform(a, posted).sender(QUESTION)) is True
    assert len(posted) == 1
    answered = await store.seen_events.get("slack:Ev1")
    assert answered is not None
    assert answered.incoming == {}
    assert answered.attempts == 1
    clock.advance(seconds=HOLD * 2)
    assert await b.retake_unanswered() == 0
    assert await b.answer(QUESTION, send=Platform(b, posted).sender(QUESTION)) is False
    assert len(posted) == 1


async def test_a_retry_of_an_expired_hold_is_answered_by_whoever_gets_it(
    cores: tuple[list[Core], list], clock: Clock
) -> None:
    (a, b, c), posted = cores
    await dies_while_posting(a, QUESTION)
    # A retry of the event (the platform's, or a second delivery) while A holds it: nothing.
    assert await b.answer(QUESTION, send=Platform(b, posted).sender(QUESTION)) is False
    clock.advance(seconds=HOLD + 1)
    taken = await asyncio.gather(
        b.answer(QUESTION, send=Platform(b, posted).sender(QUESTION)),
        c.answer(QUESTION, send=Platform(c, posted).sender(QUESTION)),
    )
    assert sorted(taken) == [False, True]
    assert len(posted) == 1


async def test_an_event_that_kills_every_taker_is_given_up_after_a_few_turns(
    store: Store, cores: tuple[list[Core], list], clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    (a, b, c), posted = cores
    await dies_while_posting(a, QUESTION)
    for n in range(MAX_ATTEMPTS - 1):
        clock.advance(seconds=HOLD + 1)
        await dies_while_posting((b, c)[n % 2], QUESTION)
    seen = await store.seen_events.get("slack:Ev1")
    assert seen is not None
    assert seen.attempts == MAX_ATTEMPTS
    clock.advance(seconds=HOLD + 1)
    with caplog.at_level(logging.ERROR, logger="bot.core"):
        assert await b.retake_unanswered() == 0
    assert "given up unanswered after 3 turns" in caplog.text
    given_up = await store.seen_events.get("slack:Ev1")
    assert given_up is not None
    assert given_up.answered_at is None
    assert given_up.held_until is None
    assert given_up.incoming == {}
    assert await c.answer(QUESTION, send=Platform(c, posted).sender(QUESTION)) is False
    clock.advance(seconds=HOLD * 2)
    assert await c.retake_unanswered() == 0
    assert posted == []


async def test_a_slow_turn_keeps_its_hold(
    store: Store, other: Store, lexicon: Lexicon, tmp_path: Path
) -> None:
    """The process answering renews its hold while it works: a turn longer than the hold
    is not taken over by another (real time here: a hold of one second)."""
    await store.solutions.upsert_many(demo_solutions())
    posted: list[tuple[str, str | None, str]] = []
    settings = Settings(data_dir=tmp_path / "data", claim_seconds=1)
    kb = [await KnowledgeBase.load(s, matcher=Matcher(lexicon=lexicon)) for s in (store, other)]
    a, b = (Core(kb=k, settings=settings) for k in kb)
    for core in (a, b):
        core.connect(Platform(core, posted))

    async def slow(replies: list[Reply]) -> None:
        await asyncio.sleep(2.5)  # Slack pacing, say
        posted.append(("C1", None, replies[0].text))

    answering = asyncio.create_task(a.answer(QUESTION, send=slow))
    await asyncio.sleep(2)
    assert await b.retake_unanswered() == 0
    assert await answering is True
    assert len(posted) == 1


async def test_an_event_handled_without_a_hold_keeps_no_message(
    store: Store, cores: tuple[list[Core], list]
) -> None:
    """`handle` (a platform that sends an event again until acknowledged, as Teams) only
    marks it seen: nothing to take over, no text kept."""
    (a, _, _), _ = cores
    assert await a.handle(QUESTION)
    seen = await store.seen_events.get("slack:Ev1")
    assert seen is not None
    assert seen.incoming == {}
    assert seen.held_until is None
    assert await a.handle(QUESTION) == []
