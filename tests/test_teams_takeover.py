"""A Teams activity is answered once even if the instance that acknowledged it dies before
answering: two Spred instances on one store, each with the real botbuilder stack at its own
/api/messages, replying to one mock connector service. Instance A takes an activity in and
is "killed" while posting its answer (its background answer cancelled); once A's hold has
expired, instance B answers it, once, into the same conversation as an answer to it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import orjson
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from adapters.teams import TeamsAdapter, TeamsConfig, TeamsConnector
from adapters.teams.cards import SUBMIT_KEY
from bot.config import Settings
from bot.connectors import Retaker
from bot.core import Core
from bot.messages import Incoming, Reply, incoming_from_dict, incoming_to_dict
from knowledge.kb import KnowledgeBase, demo_solutions
from knowledge.lexicon import Lexicon
from knowledge.matcher import Matcher
from knowledge.store import Store, StoreError
from tests.conftest import Clock
from tests.teams_mock import Connector, message

HOLD = 30  # seconds: SPRED_CLAIM_SECONDS of these instances
CONVERSATION = "a:personal-anna"


@dataclass
class Instance:
    core: Core
    connector: TeamsConnector
    server: TestServer
    http: aiohttp.ClientSession

    @property
    def adapter(self) -> TeamsAdapter:
        assert self.connector.adapter is not None
        return self.connector.adapter

    async def post(self, activity: dict[str, Any]) -> int:
        async with self.http.post(
            self.server.make_url("/api/messages"),
            data=orjson.dumps(activity),
            headers={"Content-Type": "application/json"},
        ) as response:
            await response.read()
            return response.status

    async def settled(self) -> None:
        """Waits for every answer this instance is working on."""
        await asyncio.gather(*self.adapter._answering)

    async def killed_while_posting(self, activity: dict[str, Any]) -> list[Reply]:
        """Takes `activity` in, and dies while posting the answer: Teams never gets it.
        The replies it was posting."""
        posting: list[Reply] = []
        started = asyncio.Event()

        async def never(reference: Any, reply: Reply, **kwargs: Any) -> bool:
            posting.append(reply)
            started.set()
            await asyncio.Event().wait()
            return True

        self.adapter.send = never  # type: ignore[method-assign]
        assert await self.post(activity) in (200, 201)  # acknowledged
        await started.wait()
        for task in list(self.adapter._answering):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        return posting

    async def close(self) -> None:
        await self.http.close()
        await self.server.close()
        await self.connector.stop()


async def _instance(store: Store, lexicon: Lexicon, clock: Clock, tmp_path: Path) -> Instance:
    kb = await KnowledgeBase.load(store, matcher=Matcher(lexicon=lexicon))
    settings = Settings(data_dir=tmp_path / "data", claim_seconds=HOLD)
    core = Core(kb=kb, settings=settings, clock=clock)
    config = TeamsConfig.from_env({})  # anonymous: no token to check on loopback
    assert config is not None
    connector = TeamsConnector(config)
    assert isinstance(connector, Retaker)
    core.connect(connector)
    await connector.start(core)
    app = web.Application()
    connector.mount(app)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    return Instance(core, connector, server, aiohttp.ClientSession())


@pytest.fixture
async def teams() -> AsyncIterator[Connector]:
    mock = Connector()
    await mock.start()
    yield mock
    await mock.close()


@pytest.fixture
async def instances(
    store: Store, other: Store, lexicon: Lexicon, clock: Clock, tmp_path: Path
) -> AsyncIterator[tuple[Instance, Instance]]:
    """A and B, two instances on one store (on PostgreSQL, each with its own pool)."""
    await store.solutions.upsert_many(demo_solutions())
    a = await _instance(store, lexicon, clock, tmp_path)
    b = await _instance(other, lexicon, clock, tmp_path)
    yield a, b
    await a.close()
    await b.close()


async def test_an_activity_whose_instance_died_is_answered_once_by_another(
    store: Store, instances: tuple[Instance, Instance], teams: Connector, clock: Clock
) -> None:
    a, b = instances
    activity = message(
        "ventetid hjemmepleje opstart", connector=teams, activity_id="act-1", user="29:anna"
    )
    posting = await a.killed_while_posting(activity)
    assert posting  # A had its answer and was posting it
    held = await store.seen_events.get(f"teams:{CONVERSATION}:act-1")
    assert held is not None
    assert held.answered_at is None
    assert held.incoming["text"] == "ventetid hjemmepleje opstart"
    assert held.incoming["reply_to"]["activityId"] == "act-1"  # where to answer it
    # Bot Framework delivers it again to B while A's hold lasts: acknowledged, not answered.
    assert await b.post(activity) in (200, 201)
    await b.settled()
    assert teams.posted == []
    clock.advance(seconds=HOLD - 1)
    assert await b.core.retake_unanswered() == 0
    assert teams.posted == []
    clock.advance(seconds=2)
    assert await b.core.retake_unanswered() == 1
    [answer] = teams.posted
    assert answer.conversation == CONVERSATION
    assert answer.reply_to == "act-1"  # POSTed to …/activities/act-1
    assert answer.tenant == "tenant"
    assert "ventetid hjemmepleje opstart" in answer.text
    assert answer.cards  # the solutions, as A would have answered
    answered = await store.seen_events.get(f"teams:{CONVERSATION}:act-1")
    assert answered is not None
    assert answered.answered_at == clock.now
    assert answered.incoming == {}  # neither the question nor the reference is kept
    assert answered.attempts == 2
    # Answered: not taken over again, and a later delivery of it is not answered.
    clock.advance(seconds=HOLD * 10)
    assert await a.core.retake_unanswered() + await b.core.retake_unanswered() == 0
    assert await b.post(activity) in (200, 201)
    await b.settled()
    assert len(teams.posted) == 1


async def test_a_card_submit_whose_instance_died_is_answered_by_another(
    instances: tuple[Instance, Instance], teams: Connector, clock: Clock
) -> None:
    a, b = instances
    submit = message(
        "",
        connector=teams,
        value={SUBMIT_KEY: "help"},
        activity_id="act-2",
        conversation="19:group",
        kind="groupChat",
    )
    posting = await a.killed_while_posting(submit)
    assert posting
    clock.advance(seconds=HOLD + 1)
    assert await b.core.retake_unanswered() == 1
    [answer] = teams.posted
    assert (answer.conversation, answer.reply_to) == ("19:group", "act-2")
    assert "Skriv et spørgsmål" in answer.text  # the help the button asked for
    assert await a.core.retake_unanswered() == 0
    assert len(teams.posted) == 1


async def test_an_activity_answered_by_its_instance_is_not_taken_over(
    store: Store, instances: tuple[Instance, Instance], teams: Connector, clock: Clock
) -> None:
    a, b = instances
    activity = message("hjælp", connector=teams, activity_id="act-3")
    assert await a.post(activity) in (200, 201)
    await a.settled()
    [answer] = teams.posted
    assert answer.reply_to == "act-3"
    answered = await store.seen_events.get(f"teams:{CONVERSATION}:act-3")
    assert answered is not None
    assert answered.answered_at is not None
    assert answered.incoming == {}
    clock.advance(seconds=HOLD * 2)
    assert await b.core.retake_unanswered() == 0
    assert await b.post(activity) in (200, 201)
    await b.settled()
    assert len(teams.posted) == 1


def test_where_a_message_is_answered_is_stored_with_it_and_never_shown() -> None:
    reference = {"activityId": "act-1", "conversation": {"id": CONVERSATION}}
    held = Incoming(platform="teams", user_id="29:anna", text="hej", reply_to=reference)
    assert incoming_from_dict(orjson.loads(orjson.dumps(incoming_to_dict(held)))) == held
    assert "act-1" not in repr(held)
    assert incoming_from_dict({"platform": "teams", "user_id": "29:anna"}).reply_to == {}


async def test_an_activity_the_store_could_not_hold_is_still_answered_once(
    store: Store,
    instances: tuple[Instance, Instance],
    teams: Connector,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The store fails as the activity is held before the acknowledgement: Teams gets its
    acknowledgement all the same, and the answer holds the activity when it can."""
    a, _ = instances

    async def unreachable(message: Incoming) -> str | None:
        raise StoreError("the database is out of reach")

    monkeypatch.setattr(a.core.holds, "take", unreachable)
    activity = message("hjælp", connector=teams, activity_id="act-4")
    assert await a.post(activity) in (200, 201)
    await a.settled()
    [answer] = teams.posted
    assert answer.reply_to == "act-4"
    answered = await store.seen_events.get(f"teams:{CONVERSATION}:act-4")
    assert answered is not None
    assert answered.answered_at is not None
    assert await a.post(activity) in (200, 201)  # delivered again: not answered again
    await a.settled()
    assert len(teams.posted) == 1
