"""Several server instances on one store: each event answered, each letter and prompt sent,
each periodic job run, exactly once between them, and one conversation's turns one after
the other. On PostgreSQL the second instance has a store of its own (its own connection
pool), as a second `spred serve` process would; the file and memory backends serve one
process, so there both instances share the store."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest

from bot.config import ConfigError, Settings
from bot.core import Core
from bot.demand import answer_demand
from bot.jobs import Schedule
from bot.messages import Incoming, Notice, Reply
from bot.outbox import BATCH, Outbox
from knowledge.kb import KnowledgeBase, demo_solutions
from knowledge.lexicon import Lexicon
from knowledge.matcher import Matcher
from knowledge.records import Demand, DemandStatus, Letter, Nudge, NudgeState, Person
from knowledge.store import Store, open_store
from knowledge.store.postgres import migrate
from tests.conftest import Clock

LEASE = timedelta(seconds=30)
SOLUTION = "hurtig-opstart-i-hjemmeplejen"


class Postman:
    """A platform's delivery: records each letter delivered; users in `away` cannot be
    reached now, and those in `broken` make it raise."""

    def __init__(self) -> None:
        self.delivered: list[str] = []
        self.away: set[str] = set()
        self.broken: set[str] = set()

    async def deliver(self, notice: Notice) -> bool:
        await asyncio.sleep(0)  # lets another instance's round run in between
        if notice.to in self.broken:
            raise ConnectionError("the platform failed")
        if notice.to in self.away:
            return False
        self.delivered.append(notice.to)
        return True


def outbox(store: Store, clock: Clock, postman: Postman, *platforms: str) -> Outbox:
    box = Outbox(store=store, clock=clock, lease=LEASE)
    for platform in platforms or ("slack",):
        box.register(platform, postman.deliver)
    return box


async def write_letters(store: Store, clock: Clock, *users: str) -> None:
    """Letters as `spred import` or the terminal chat leave them: stored, not delivered."""
    writer = Outbox(store=store, clock=clock)  # delivers to no platform
    for user in users:
        await writer.send(Notice(to=user, kind="test", reply=Reply(text=f"Til {user}")))


async def instance(store: Store, lexicon: Lexicon, clock: Clock, tmp_path: Path) -> Core:
    kb = await KnowledgeBase.load(store, matcher=Matcher(lexicon=lexicon))
    return Core(kb=kb, settings=Settings(data_dir=tmp_path / "data"), clock=clock)


async def test_an_event_given_to_two_instances_is_answered_by_one(
    store: Store, other: Store, lexicon: Lexicon, clock: Clock, tmp_path: Path
) -> None:
    await store.solutions.upsert_many(demo_solutions())
    cores = [await instance(s, lexicon, clock, tmp_path) for s in (store, other)]
    for n in range(4):
        message = Incoming(
            platform="slack",
            user_id=f"U{n}",
            conversation=f"C{n}",
            text="ventetid hjemmepleje opstart",
            event_id=f"Ev{n}",
        )
        answers = await asyncio.gather(*(core.handle(message) for core in cores))
        assert sorted(len(a) > 0 for a in answers) == [False, True]
    assert await store.seen_events.count() == 4


async def test_letters_are_delivered_once_by_two_instances(
    store: Store, other: Store, clock: Clock
) -> None:
    users = [f"slack:U{n:02}" for n in range(3 * BATCH + 3)]
    await write_letters(store, clock, *users)
    postman = Postman()
    boxes = [outbox(s, clock, postman) for s in (store, other)]
    sent = await asyncio.gather(*(box.flush() for box in boxes), boxes[0].flush())
    assert sum(sent) == len(users)
    assert sorted(postman.delivered) == users  # each once
    assert await boxes[1].waiting() == []
    assert [await box.flush() for box in boxes] == [0, 0]


async def test_a_killed_instances_letters_go_out_once_its_lease_is_over(
    store: Store, other: Store, clock: Clock
) -> None:
    users = [f"slack:U{n}" for n in range(5)]
    await write_letters(store, clock, *users)
    # An instance claimed them and was killed before it sent any.
    held = await store.outbox.claim(
        now=clock.now, until=clock.now + LEASE, limit=100, delivered_at=None, platform="slack"
    )
    assert len(held) == len(users)
    postman = Postman()
    survivor = outbox(other, clock, postman)
    assert await survivor.flush() == 0  # theirs while the lease lasts
    clock.advance(seconds=LEASE.total_seconds())
    assert await survivor.flush() == len(users)
    assert await survivor.flush() == 0
    assert sorted(postman.delivered) == users


async def test_letters_that_could_not_go_out_are_given_back_at_once(
    store: Store, other: Store, clock: Clock
) -> None:
    await write_letters(store, clock, "slack:UAWAY", "slack:UBROKEN", "slack:UHERE")
    postman = Postman()
    postman.away, postman.broken = {"slack:UAWAY"}, {"slack:UBROKEN"}
    assert await outbox(store, clock, postman).flush() == 1
    assert [letter.to for letter in await store.outbox.find(delivered_at=None)] == [
        "slack:UAWAY",
        "slack:UBROKEN",
    ]
    postman.away, postman.broken = set(), set()
    # Not held until the lease ends: another instance delivers them now.
    assert await outbox(other, clock, postman).flush() == 2
    assert postman.delivered == ["slack:UHERE", "slack:UAWAY", "slack:UBROKEN"]


async def test_a_letter_sent_by_two_instances_under_one_id_goes_out_once(
    store: Store, other: Store, clock: Clock
) -> None:
    postman = Postman()
    boxes = [outbox(s, clock, postman) for s in (store, other)]
    notice = Notice(to="slack:UBO", kind="nudge-prompt", reply=Reply(text="Hej Bo"))
    await asyncio.gather(*(box.send(notice, letter_id="nudge-1") for box in boxes))
    assert postman.delivered == ["slack:UBO"]
    delivered = await store.outbox.get("nudge-1")
    assert delivered is not None
    assert delivered.delivered_at == clock.now
    clock.advance(minutes=1)
    await boxes[1].send(notice, letter_id="nudge-1")  # after a crash: sent already
    assert postman.delivered == ["slack:UBO"]
    assert await store.outbox.get("nudge-1") == delivered


async def test_an_instance_claims_only_letters_for_its_platforms(
    store: Store, clock: Clock
) -> None:
    # More letters than a batch for platforms it cannot reach come first: they must not
    # fill its claims and keep its own from going out.
    await write_letters(store, clock, *(f"teams:{n}" for n in range(BATCH + 2)), "slack:U1")
    postman = Postman()
    assert await outbox(store, clock, postman).flush() == 1
    assert postman.delivered == ["slack:U1"]
    assert len(await store.outbox.find(delivered_at=None, platform="teams")) == BATCH + 2
    claimable = await store.outbox.claim(
        now=clock.now, until=clock.now + LEASE, limit=100, platform="teams"
    )
    assert len(claimable) == BATCH + 2  # none of them was left claimed


async def test_prompts_due_are_sent_once_by_two_instances(
    store: Store, other: Store, lexicon: Lexicon, clock: Clock, tmp_path: Path
) -> None:
    await store.solutions.upsert_many(demo_solutions())
    managers = [Person(id=f"m{n}", name=f"Leder {n}", organization="Odense") for n in range(12)]
    await store.people.upsert_many(managers)
    await store.nudges.upsert_many(
        [
            # due this very moment: "due_at <= now", though `Below` alone is "<"
            Nudge(id=f"p{n}", manager_id=m.id, solution_id=SOLUTION, due_at=clock.now)
            for n, m in enumerate(managers)
        ]
    )
    await store.nudges.upsert(  # and one a microsecond later, not due yet
        Nudge(
            id="later",
            manager_id="m0",
            solution_id=SOLUTION,
            due_at=clock.now + timedelta(microseconds=1),
        )
    )
    cores = [await instance(s, lexicon, clock, tmp_path) for s in (store, other)]
    postman = Postman()
    for core in cores:
        core.outbox.register("console", postman.deliver)
    sent = await asyncio.gather(*(core.nudges.run_due() for core in cores))
    assert sum(sent) == len(managers)
    assert sorted(postman.delivered) == sorted(f"console:{m.id}" for m in managers)
    states = Counter(n.state for n in await store.nudges.all())
    assert states == {NudgeState.SENT: len(managers), NudgeState.SCHEDULED: 1}
    letters = await store.outbox.find(delivered_at=None)
    assert letters == []
    assert sorted(letter.id for letter in await store.outbox.all()) == sorted(
        f"nudge-p{n}" for n in range(len(managers))
    )


async def test_demand_answered_by_two_instances_tells_the_asker_once(
    store: Store, other: Store, lexicon: Lexicon, clock: Clock, tmp_path: Path
) -> None:
    await store.demand.upsert(
        Demand(id="d1", question="ventetid hjemmepleje opstart", asker="slack:UASK", notify=True)
    )
    await store.solutions.upsert_many(demo_solutions())
    cores = [await instance(s, lexicon, clock, tmp_path) for s in (store, other)]
    postman = Postman()
    for core in cores:
        core.outbox.register("slack", postman.deliver)
    closed = await asyncio.gather(
        *(answer_demand(kb=core.services.kb, outbox=core.outbox) for core in cores)
    )
    assert sorted(closed) == [0, 1]
    assert postman.delivered == ["slack:UASK"]
    [letter] = await store.outbox.all()
    assert letter.id == "demand-d1"
    answered = await store.demand.get("d1")
    assert answered is not None
    assert answered.status is DemandStatus.ANSWERED


async def test_a_periodic_job_runs_once_a_period_across_instances(
    store: Store, other: Store, clock: Clock
) -> None:
    schedules = [Schedule(store=s, clock=clock) for s in (store, other, store, other)]
    every = timedelta(hours=1)
    started = await asyncio.gather(*(s.due("sweep", every=every) for s in schedules))
    assert sorted(started) == [False, False, False, True]
    clock.advance(minutes=59)
    assert [await s.due("sweep", every=every) for s in schedules] == [False] * 4
    assert await schedules[1].due("prune", every=every)  # each job on its own
    clock.advance(minutes=1)
    started = await asyncio.gather(*(s.due("sweep", every=every) for s in schedules))
    assert sorted(started) == [False, False, False, True]


async def test_two_instances_take_turns_in_one_conversation(
    store: Store, other: Store, lexicon: Lexicon, clock: Clock, tmp_path: Path
) -> None:
    first, second = [await instance(s, lexicon, clock, tmp_path) for s in (store, other)]
    message = Incoming(platform="slack", user_id="UANNA", conversation="D1", text="english")
    async with first.sessions.hold(message) as session:
        # The first instance's turn is under way; the same user's next message reaches
        # the other instance, which must wait for it rather than read the old state.
        session.memory["asked"] = "ventetid"
        turn = asyncio.create_task(second.handle(message))
        await asyncio.sleep(0.3)
        assert not turn.done()
    [reply] = await asyncio.wait_for(turn, timeout=5)
    assert reply.language == "en"
    kept = await store.conversations.get(first.sessions.key_of(message))
    assert kept is not None
    assert kept.data["memory"] == {"asked": "ventetid", "language": "en"}  # neither lost
    assert kept.held_by == ""


async def test_letters_waiting_in_an_older_database_are_claimed_by_platform(
    database_url: str, tmp_path: Path
) -> None:
    # Schema 1 had no column for the letter's platform; the step to 2 fills it from `to`.
    await migrate(database_url, version=1)
    letter = Letter(id="old", to="slack:U1", kind="test", reply={"text": "Hej"})
    async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as conn:
        await conn.execute(
            "INSERT INTO outbox (key, data) VALUES (%s, %s::jsonb)",
            (letter.key, psycopg.types.json.Jsonb(letter.to_dict())),
        )
    store = await open_store(tmp_path / "unused", database=database_url)
    try:
        clock = Clock()
        claimed = await store.outbox.claim(
            now=clock.now, until=clock.now + LEASE, limit=10, platform="slack"
        )
        assert [c.id for c in claimed] == ["old"]
    finally:
        await store.close()


@pytest.mark.parametrize(
    ("name", "default", "given"),
    [("SPRED_CLAIM_SECONDS", 120.0, 2.5), ("SPRED_REFRESH_SECONDS", 5.0, 0.2)],
)
def test_claim_and_refresh_seconds_are_read_and_checked(
    name: str, default: float, given: float
) -> None:
    field = name.removeprefix("SPRED_").lower()
    assert getattr(Settings.from_env({}), field) == default
    assert getattr(Settings.from_env({name: f" {given} "}), field) == given
    for wrong in ("0", "-1", "nan", "soon", "86400"):
        with pytest.raises(ConfigError, match=f"{name} must be a number of seconds"):
            Settings.from_env({name: wrong})


async def test_an_instances_lease_is_its_settings(
    store: Store, lexicon: Lexicon, tmp_path: Path
) -> None:
    kb = await KnowledgeBase.load(store, matcher=Matcher(lexicon=lexicon))
    settings = Settings(data_dir=tmp_path, claim_seconds=7)
    assert Core(kb=kb, settings=settings).outbox.lease == timedelta(seconds=7)
