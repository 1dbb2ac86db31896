"""The respect budget (bot/reach.py): one a day, three a week, none in quiet hours or on
weekends, fewer or none as each person chose; one slot per message, also when two server
processes spend at once. Every backend, and two processes on PostgreSQL (`other`)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.config import NudgeRules
from bot.reach import FULL, QUIET, STOPPED, Budget, set_mode
from knowledge.records import ReachMode
from knowledge.store import Store

MONDAY = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # 10:00 in Copenhagen
ANNA = "slack:UANNA"


def _budget(store: Store) -> Budget:
    return Budget(store=store, rules=NudgeRules(), clock=lambda: MONDAY)


async def test_one_a_day_and_three_a_week_across_two_processes(store: Store, other: Store) -> None:
    first, second = _budget(store), _budget(other)
    assert await first.spend(ANNA, kind="digest", at=MONDAY, ref="digest-1")
    # the same message again, from the other process: no second slot, still allowed
    assert await second.spend(ANNA, kind="digest", at=MONDAY, ref="digest-1")
    later = MONDAY + timedelta(hours=5)
    assert not await second.spend(ANNA, kind="invitation", at=later, ref="inv-1")
    assert await second.refusal(ANNA, at=later) == FULL
    for day, ref in ((1, "r-tue"), (2, "r-wed")):
        assert await second.spend(
            ANNA, kind="recognition", at=MONDAY + timedelta(days=day), ref=ref
        )
    thursday = MONDAY + timedelta(days=3)
    assert not await first.spend(ANNA, kind="routed_question", at=thursday, ref="r-thu")
    assert await first.refusal(ANNA, at=thursday) == FULL
    # a week after the first, a slot is free again
    assert await first.spend(ANNA, kind="digest", at=MONDAY + timedelta(days=7), ref="digest-2")
    reach = await store.reach.get(ANNA)
    assert reach is not None
    assert sorted(reach.spent) == ["digest-1", "digest-2", "r-tue", "r-wed"]
    assert await store.reach.get("slack:UBO") is None  # spent on nobody else


async def test_of_two_processes_spending_the_last_slot_at_once_one_gets_it(
    store: Store, other: Store
) -> None:
    for attempt in range(3):
        person = f"slack:U{attempt}"
        won = await asyncio.gather(
            _budget(store).spend(person, kind="digest", at=MONDAY, ref="a"),
            _budget(other).spend(person, kind="invitation", at=MONDAY, ref="b"),
        )
        assert sorted(won) == [False, True]
        reach = await store.reach.get(person)
        assert reach is not None
        assert len(reach.spent) == 1


async def test_quiet_hours_and_weekends_spend_nothing(store: Store) -> None:
    budget = _budget(store)
    evening = MONDAY.replace(hour=17)  # 18:00 in Copenhagen
    saturday = MONDAY + timedelta(days=5)
    early = MONDAY.replace(hour=6)  # 07:00
    for moment in (evening, saturday, early):
        assert await budget.refusal(ANNA, at=moment) == QUIET
        assert not await budget.spend(ANNA, kind="digest", at=moment)
    assert await store.reach.get(ANNA) is None


async def test_fewer_is_one_every_other_week_and_stop_is_none(store: Store) -> None:
    budget = _budget(store)
    await set_mode(store, ANNA, ReachMode.FEWER, at=MONDAY)
    assert await budget.spend(ANNA, kind="digest", at=MONDAY, ref="w1")
    assert not await budget.spend(ANNA, kind="digest", at=MONDAY + timedelta(days=7), ref="w2")
    assert await budget.spend(ANNA, kind="digest", at=MONDAY + timedelta(days=14), ref="w3")
    await set_mode(store, ANNA, ReachMode.STOP, at=MONDAY)
    at = MONDAY + timedelta(days=28)
    assert await budget.refusal(ANNA, at=at) == STOPPED
    assert not await budget.spend(ANNA, kind="digest", at=at, ref="w5")
    await set_mode(store, ANNA, ReachMode.ALL, at=at)
    assert await budget.spend(ANNA, kind="digest", at=at, ref="w5")
    reach = await store.reach.get(ANNA)
    assert reach is not None
    assert sorted(reach.spent) == ["w5"]  # spends older than the longest window are forgotten


async def test_only_known_kinds_spend(store: Store) -> None:
    with pytest.raises(ValueError, match="not a kind of unsolicited message"):
        await _budget(store).spend(ANNA, kind="nudge", at=MONDAY)
