"""The dashboard's numbers (issue 18) on every backend: demand by topic and week by week,
answered demand and its wait, spreading per solution and stage by stage over time, managers,
each as far as the admin may see, and made from the store's sums without decoding one
question, adoption, prompt or adaptation."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.core import Core
from bot.dashboard import Dashboard, Topics, dashboard, whole_table
from bot.roles import Role
from knowledge.records import (
    Adaptation,
    Adoption,
    Demand,
    DemandStatus,
    Nudge,
    NudgeState,
    Organisation,
    Person,
    Stage,
)
from tests.test_request_reads import whole_reads

GLOBAL = Role(user="console:admin", global_admin=True, organisation=None)
ODENSE = Organisation(id="slack:TOD", platform="slack", name="Odense Kommune", admins=("slack:UL",))
LOCAL = Role(user="slack:UL", global_admin=False, organisation=ODENSE)
NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # the test clock's: a Monday, week 45
HOUSING = "housing-first-med-egen-bolig-og-bostoette"  # Odense Kommune's solution
HOME_CARE = "hurtig-opstart-i-hjemmeplejen"  # Aarhus Kommune's


def _asked(n: int, question: str, *, org: str, days_ago: int, waited: int | None = None) -> Demand:
    asked_at = NOW - timedelta(days=days_ago)
    return Demand(
        id=f"d{n}",
        question=question,
        asker=f"slack:U{n}",
        org_id=org,
        asked_at=asked_at,
        status=DemandStatus.OPEN if waited is None else DemandStatus.ANSWERED,
        answered_at=None if waited is None else asked_at + timedelta(days=waited, hours=1),
    )


def _adoption(
    n: int, solution: str, organisation: str, stage: Stage, *, months_ago: int
) -> Adoption:
    return Adoption(id=f"a{n}", solution_id=solution, user=f"slack:U{n}",
                    organization=organisation, stage=stage,
                    updated_at=NOW - timedelta(days=31 * months_ago))  # fmt: skip


@pytest.fixture
async def stored(core: Core) -> Core:
    store = core.services.store
    await store.demand.upsert_many(
        [
            _asked(1, "Ældrepleje om natten?", org="slack:TOD", days_ago=1),
            _asked(2, "ældrepleje om natten", org="slack:TVE", days_ago=8),
            _asked(3, "Hvad med hjemløshed blandt unge", org="slack:TVE", days_ago=2),
            _asked(4, "ÆLDREPLEJE OM NATTEN!", org="slack:TVE", days_ago=100),
            _asked(5, "sne på taget", org="slack:TOD", days_ago=3),
            _asked(6, "ældrepleje og demens", org="slack:TOD", days_ago=20, waited=2),
            _asked(7, "ældrepleje med robotter", org="slack:TVE", days_ago=30, waited=10),
            _asked(8, "ældrepleje og mad", org="slack:TVE", days_ago=40, waited=4),
        ]
    )
    await store.adoptions.upsert_many(
        [
            _adoption(1, HOUSING, "Vejle Kommune", Stage.ADOPTED, months_ago=0),
            _adoption(2, HOUSING, "Aarhus Kommune", Stage.PILOTING, months_ago=1),
            _adoption(3, HOME_CARE, "odense  kommune", Stage.ADOPTED, months_ago=1),
            _adoption(4, HOME_CARE, "Vejle Kommune", Stage.INTERESTED, months_ago=2),
            _adoption(5, HOME_CARE, "Vejle Kommune", Stage.ADOPTED, months_ago=14),
        ]
    )
    await store.people.upsert_many(
        [
            Person(id="m1", name="Mette", organization="Odense Kommune"),
            Person(id="m2", name="Mads", organization="Vejle Kommune"),
        ]
    )
    await store.nudges.upsert_many(
        [
            Nudge(id="n1", manager_id="m1", solution_id=HOME_CARE, sent_at=NOW, plan={"a": 1},
                  state=NudgeState.DONE),
            Nudge(id="n2", manager_id="m2", solution_id=HOME_CARE, sent_at=NOW),
            Nudge(id="n3", manager_id="m2", solution_id=HOME_CARE),  # not sent yet
            Nudge(id="n4", manager_id="m1", solution_id=HOME_CARE, kind="follow-up",
                  state=NudgeState.DISMISSED),
        ]
    )  # fmt: skip
    await store.adaptations.upsert_many(
        [
            Adaptation(id="t1", solution_id=HOME_CARE, organization="Odense Kommune", text="x"),
            Adaptation(id="t2", solution_id=HOME_CARE, organization="Vejle Kommune", text="y"),
        ]
    )
    await store.organisations.upsert(ODENSE)
    return core


async def _made_from_sums(core: Core, role: Role, language: str) -> Dashboard:
    """The dashboard, made while decoding an adoption, prompt or adaptation fails the test:
    their sums are the store's. (The in-memory backend has no index: it decodes to count.
    A TinyDB file builds its index once, decoding what it computes, before the view made
    here: a question stored after the first view has the view made again.)"""
    store = core.services.store
    if store.backend == "memory":
        return await core.dashboard(role, language=language)
    await core.dashboard(role, language=language)
    dismissed = replace(
        _asked(99, "Ældrepleje om natten", org="slack:TVE", days_ago=400),
        status=DemandStatus.DISMISSED,
    )
    await store.demand.upsert(dismissed)  # in no table, but a change
    with whole_reads(store), nothing_decoded():
        return await core.dashboard(role, language=language)


@contextmanager
def nothing_decoded() -> Iterator[None]:
    real = {kind: kind.from_dict for kind in (Adoption, Nudge, Adaptation)}

    def refused(cls: type, raw: Any) -> Any:
        raise AssertionError(f"a {cls.__name__} decoded on the dashboard's path")

    for kind in real:
        kind.from_dict = classmethod(refused)  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        for kind, method in real.items():
            kind.from_dict = method  # type: ignore[method-assign]


async def test_a_global_admin_sees_every_sum(stored: Core) -> None:
    board = await _made_from_sums(stored, GLOBAL, "da")
    tables = board.tables
    assert list(tables) == ["demand", "demand_trend", "answered", "spreading",
                            "adoptions_by_month", "managers", "submissions",
                            "confirmations"]  # fmt: skip
    # the same question however typed counts once, with its latest wording
    assert tables["demand"].rows == (
        ("ældrepleje", 3, 1, "Ældrepleje om natten?"),
        ("(uden emne)", 1, 1, "sne på taget"),  # as often as the next: by name
        ("hjemløshed", 1, 1, "Hvad med hjemløshed blandt unge"),
    )
    trend = tables["demand_trend"]
    assert trend.columns[0] == "Emne"
    assert trend.columns[-2:] == ("2026 uge 44", "2026 uge 45")
    assert len(trend.columns) == 1 + 8
    rows = {row[0]: row[1:] for row in trend.rows}
    # weeks 38 to 45, today a Monday: asked 1, 8, 20, 30 and 40 days ago (weeks 44, 43, 42,
    # 40, 39); 100 days ago is before the trend
    assert rows["ældrepleje"] == (0, 1, 1, 0, 1, 1, 1, 0)
    assert rows["hjemløshed"] == (0, 0, 0, 0, 0, 0, 1, 0)
    assert rows["(uden emne)"] == (0, 0, 0, 0, 0, 0, 1, 0)
    assert list(rows) == ["ældrepleje", "(uden emne)", "hjemløshed"]  # most first, then A-Z
    # an answered question counts in the week it was asked too
    assert sum(rows["ældrepleje"]) == 5
    assert tables["answered"].rows == (("ældrepleje", 3, 4, 10),)  # waits 2, 4, 10 days
    titles = {s.id: s.title for s in stored.services.kb.matcher.published()}
    assert tables["spreading"].rows == (
        (titles[HOME_CARE], 1, 0, 2, "odense  kommune, Vejle Kommune"),
        (titles[HOUSING], 0, 1, 1, "Vejle Kommune"),
    )
    # each to its page, where its own spreading is shown month by month
    assert tables["spreading"].links == (f"/l/{HOME_CARE}", f"/l/{HOUSING}")
    months = tables["adoptions_by_month"]
    assert len(months.rows) == 12
    assert months.rows[-3:] == (("2026-09", 1, 0, 0), ("2026-10", 0, 1, 1), ("2026-11", 0, 0, 1))
    assert sum(row[3] for row in months.rows) == 2  # fourteen months ago is off the chart
    assert [m.stages for m in board.months[-2:]] == [(0, 1, 1), (0, 0, 1)]
    # prompts sent 2 (one planned), a follow-up answered, two adaptations
    assert tables["managers"].rows == ((titles[HOME_CARE], 2, 1, 1, 2),)


async def test_a_local_admin_sees_their_organisations_share(stored: Core) -> None:
    board = await _made_from_sums(stored, LOCAL, "en")
    tables = board.tables
    # questions asked from Odense's workspace only
    assert tables["demand"].rows == (
        ("(no topic)", 1, 1, "sne på taget"),
        ("ældrepleje", 1, 1, "Ældrepleje om natten?"),
    )
    assert tables["answered"].rows == (("ældrepleje", 1, 2, 2),)
    assert tables["demand_trend"].columns[-1] == "2026 week 45"
    titles = {s.id: s.title for s in stored.services.kb.matcher.published()}
    # Odense's own solution wherever it is used, and what Odense uses; Vejle's use of
    # another's solution is not theirs to see
    assert tables["spreading"].rows == (
        (titles[HOUSING], 0, 1, 1, "Vejle Kommune"),
        (titles[HOME_CARE], 0, 0, 1, "odense  kommune"),
    )
    assert [m.stages for m in board.months[-2:]] == [(0, 1, 1), (0, 0, 1)]
    # Odense's manager's prompt and follow-up, and Odense's adaptation
    assert tables["managers"].rows == ((titles[HOME_CARE], 1, 1, 1, 1),)


async def test_a_local_admin_of_an_unnamed_organisation_sees_no_one_elses(stored: Core) -> None:
    unnamed = Organisation(id="slack:TX", platform="slack", name="", admins=("slack:UX",))
    role = Role(user="slack:UX", global_admin=False, organisation=unnamed)
    board = await stored.dashboard(role, language="da")
    for name in ("demand", "demand_trend", "answered", "spreading", "managers"):
        assert board.tables[name].rows == (), name
    assert {m.stages for m in board.months} == {(0, 0, 0)}


async def test_a_page_shows_the_first_rows_and_the_download_every_row(stored: Core) -> None:
    lonely = "faellesspisning-mod-ensomhed-i-landdistrikter"  # only looked at, by Odense
    await stored.services.store.adoptions.upsert(
        _adoption(6, lonely, "Odense Kommune", Stage.INTERESTED, months_ago=0)
    )
    services, topics = stored.services, Topics()
    titles = {s.id: s.title for s in services.kb.matcher.published()}
    whole = await whole_table(services, GLOBAL, language="da", topics=topics, name="spreading")
    assert whole is not None
    # used by most first, then (used by none) looked at by most
    assert [row[0] for row in whole.rows] == [titles[HOME_CARE], titles[HOUSING], titles[lonely]]
    assert not whole.more
    for rows in (1, 2):
        page = await dashboard(services, GLOBAL, language="da", topics=topics, rows=rows)
        assert page.tables["spreading"].rows == whole.rows[:rows]
        assert page.tables["spreading"].more
    page = await dashboard(services, GLOBAL, language="da", topics=topics, rows=3)
    assert page.tables["spreading"].rows == whole.rows
    assert not page.tables["spreading"].more
    # a local admin's page is cut the same way: Odense's solution and what Odense uses
    local = await whole_table(services, LOCAL, language="da", topics=topics, name="spreading")
    assert local is not None
    assert [row[0] for row in local.rows] == [titles[HOUSING], titles[HOME_CARE], titles[lonely]]
    page = await dashboard(services, LOCAL, language="da", topics=topics, rows=2)
    assert page.tables["spreading"].rows == local.rows[:2]
    assert page.tables["spreading"].more
    managers = await dashboard(services, GLOBAL, language="da", topics=topics, rows=1)
    assert managers.tables["managers"].rows == ((titles[HOME_CARE], 2, 1, 1, 2),)
    assert not managers.tables["managers"].more
    assert await whole_table(services, GLOBAL, language="da", topics=topics, name="x") is None


async def test_spreading_counts_an_organisation_once(stored: Core) -> None:
    # a second person in Vejle looked at the same solution the same month as the first
    await stored.services.store.adoptions.upsert(
        _adoption(7, HOME_CARE, "vejle kommune", Stage.INTERESTED, months_ago=2)
    )
    board = await stored.dashboard(GLOBAL, language="da")
    assert board.tables["adoptions_by_month"].rows[-3] == ("2026-09", 1, 0, 0)
    assert [m.stages for m in board.months[-3:]] == [(1, 0, 0), (0, 1, 1), (0, 0, 1)]
    # and Vejle is one organisation interested in it
    titles = {s.id: s.title for s in stored.services.kb.matcher.published()}
    assert board.tables["spreading"].rows[0] == (
        titles[HOME_CARE],
        1,
        0,
        2,
        "odense  kommune, Vejle Kommune",
    )
