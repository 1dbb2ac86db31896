"""The web dashboard's numbers (issue 18) at 10,000 solutions and 100,000 records: the time
to compute every table for a global admin and for a local admin, on TinyDB and PostgreSQL.
Target: under 100 ms."""

from __future__ import annotations

import asyncio
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from benchmarks.database import fresh_schema, unreachable
from benchmarks.harness import median_p95_ms
from benchmarks.synthetic import scaled_solutions
from bot.config import Settings
from bot.core import Core
from bot.roles import Role
from knowledge.kb import KnowledgeBase
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
    Submission,
)
from knowledge.store import Store, open_store

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = 10_000
RECORDS = 100_000  # in all: adoptions, demand, nudges, adaptations, people, submissions
ROUNDS = 10
TARGET_MS = 100
ORGANISATIONS = 98
CHUNK = 10_000
LOCAL = Organisation(id="slack:T7", platform="slack", name="Kommune 7", admins=("slack:UL",))


def _records(solution_ids: list[str]) -> dict[str, list[Any]]:
    """RECORDS records (30,000 adoptions and demand each, 25,000 prompts, 9,800 adaptations,
    5,000 people, 200 submissions), spread over the solutions, ORGANISATIONS organisations
    and the last two years."""
    start = datetime(2025, 1, 1, tzinfo=UTC)
    n_sol = len(solution_ids)

    def org(n: int) -> str:
        return f"Kommune {n % ORGANISATIONS}"

    def day(n: int) -> datetime:
        return start + timedelta(hours=n % 16_000)

    stages = (Stage.INTERESTED, Stage.PILOTING, Stage.ADOPTED)
    share = 10_000
    return {
        "adoptions": [
            Adoption(id=f"a{n}", solution_id=solution_ids[n % n_sol], user=f"slack:U{n}",
                     organization=org(n), stage=stages[n % 3], updated_at=day(n))
            for n in range(3 * share)
        ],
        "demand": [
            Demand(id=f"d{n}", question=f"hvordan gør vi ældrepleje nummer {n % 2_000} bedre",
                   asker=f"slack:U{n}", org_id=f"slack:T{n % ORGANISATIONS}", asked_at=day(n),
                   status=DemandStatus.OPEN if n % 3 else DemandStatus.ANSWERED,
                   answered_at=day(n) + timedelta(days=3) if n % 3 == 0 else None)
            for n in range(3 * share)
        ],
        "nudges": [
            Nudge(id=f"n{n}", manager_id=f"p{n % 5_000}", solution_id=solution_ids[n % n_sol],
                  kind="prompt" if n % 4 else "follow-up", state=NudgeState.DONE,
                  sent_at=day(n), plan={"change": "x"} if n % 5 == 0 else {})
            for n in range(25_000)
        ],
        "adaptations": [
            Adaptation(id=f"t{n}", solution_id=solution_ids[n % n_sol], organization=org(n),
                       text="lokalt")
            for n in range(9_800)
        ],
        "people": [
            Person(id=f"p{n}", name=f"Person {n}", organization=org(n)) for n in range(5_000)
        ],
        "submissions": [
            Submission(id=f"s{n}", sharer=f"slack:U{n}", org_id=f"slack:T{n % ORGANISATIONS}",
                       draft={"title": f"Indsendt {n}"})
            for n in range(200)
        ],
    }  # fmt: skip


async def _measure(store: Store, data: Path) -> dict[str, float]:
    solutions = scaled_solutions(SOLUTIONS)
    for begin in range(0, len(solutions), CHUNK):
        await store.solutions.upsert_many(solutions[begin : begin + CHUNK])
    for name, records in _records([s.id for s in solutions]).items():
        collection = store.collections[name]
        for begin in range(0, len(records), CHUNK):
            await collection.upsert_many(records[begin : begin + CHUNK])
    await store.organisations.upsert(LOCAL)
    kb = await KnowledgeBase.load(store)
    core = Core(kb=kb, settings=Settings(data_dir=data))
    roles = {
        "global": Role(user="slack:UG", global_admin=True, organisation=None),
        "local": Role(user="slack:UL", global_admin=False, organisation=LOCAL),
    }
    times: dict[str, float] = {}
    for name, role in roles.items():
        await core.dashboard(role, language="da")  # TinyDB builds its field index first
        made, kept = [], []
        for n in range(ROUNDS):
            # made: after a question nothing answered (a new open demand), as on a busy day
            await store.demand.upsert(Demand(id=f"new{name}{n}", question="ny", asker="x"))
            start = time.perf_counter()
            await core.dashboard(role, language="da")
            made.append(time.perf_counter() - start)
            start = time.perf_counter()  # kept: asked again with nothing changed
            await core.dashboard(role, language="da")
            kept.append(time.perf_counter() - start)
        times[f"{name}_median"], times[f"{name}_p95"] = median_p95_ms(made)
        times[f"{name}_kept"], _ = median_p95_ms(kept)
    return times


async def _on_tinydb() -> dict[str, float]:
    with tempfile.TemporaryDirectory(dir=ROOT) as tmp:
        store = await open_store(Path(tmp) / "data")
        try:
            return await _measure(store, Path(tmp) / "data")
        finally:
            await store.close()


async def _on_postgres() -> dict[str, float]:
    with tempfile.TemporaryDirectory(dir=ROOT) as tmp:
        async with fresh_schema() as url:
            store = await open_store(Path(tmp), database=url)
            try:
                return await _measure(store, Path(tmp))
            finally:
                await store.close()


def main() -> None:
    print(
        f"\n## The web dashboard's numbers at {SOLUTIONS:,} solutions and {RECORDS:,} records "
        f"(target under {TARGET_MS} ms)\n"
    )
    print(
        "| store | global admin: made, median | p95 | unchanged | local admin: made, median "
        "| p95 | unchanged |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    backends = {"TinyDB": _on_tinydb}
    reason = unreachable()
    if reason is None:
        backends["PostgreSQL"] = _on_postgres
    for name, run in backends.items():
        t = asyncio.run(run())
        print(
            f"| {name} | {t['global_median']:.0f} ms | {t['global_p95']:.0f} ms | "
            f"{t['global_kept']:.1f} ms | {t['local_median']:.0f} ms | {t['local_p95']:.0f} ms "
            f"| {t['local_kept']:.1f} ms |"
        )
    if reason is not None:
        print(f"\n{reason}: PostgreSQL not measured.")
