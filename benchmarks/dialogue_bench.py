"""Dialogue core speed: one turn (`Core.handle`) from message to replies, on the TinyDB
store on disk, with the conversation state written durably each turn as in production.
Measured for asking (the demo knowledge base and 10,000 solutions, with a busy outbox,
demand and adoption history) and for pressing a button."""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks.evalset import load_questions
from benchmarks.harness import median_p95_ms
from benchmarks.synthetic import scaled_solutions
from bot.config import Settings
from bot.core import Core
from bot.messages import Incoming
from knowledge.kb import KnowledgeBase, demo_solutions
from knowledge.records import Adoption, Demand, Stage, new_id
from knowledge.solutions import Solution
from knowledge.store import Store, open_store

HISTORY = 2000  # adoptions and open demand already stored


async def with_history(store: Store, solutions: Sequence[Solution]) -> None:
    """HISTORY adoptions of the solutions and as much open demand, as a busy base has."""
    await store.adoptions.upsert_many(
        Adoption(id=new_id(), solution_id=solutions[i % len(solutions)].id,
                 user=f"slack:U{i}", organization=f"Kommune {i % 98}", stage=Stage.PILOTING)
        for i in range(HISTORY)
    )  # fmt: skip
    await store.demand.upsert_many(
        Demand(id=new_id(), question=f"spørgsmål nummer {i}", asker=f"slack:U{i}")
        for i in range(HISTORY)
    )


async def turns(core: Core, *, limit: int | None = None) -> tuple[list[float], list[float]]:
    """Seconds of each turn asking the development set's questions (the first `limit`; 20
    users in turn), and of each press of the first answer's details button."""
    asking, pressing = [], []
    for i, question in enumerate(q.q for q in load_questions()[:limit]):
        message = Incoming(platform="slack", user_id=f"U{i % 20}", text=question)
        start = time.perf_counter()
        replies = await core.handle(message)
        asking.append(time.perf_counter() - start)
        buttons = [a for r in replies for a in r.all_actions() if a.id == "details"]
        if buttons:
            press = Incoming(platform="slack", user_id=f"U{i % 20}",
                             action="details", payload=buttons[0].payload)  # fmt: skip
            start = time.perf_counter()
            await core.handle(press)
            pressing.append(time.perf_counter() - start)
    return asking, pressing


async def _run(size: int) -> tuple[tuple[float, float], tuple[float, float]]:
    with tempfile.TemporaryDirectory() as tmp:
        store = await open_store(Path(tmp) / "data")
        try:
            solutions = demo_solutions() if size == 0 else scaled_solutions(size)
            await store.solutions.upsert_many(solutions)
            await with_history(store, solutions)
            kb = await KnowledgeBase.load(store)
            core = Core(kb=kb, settings=Settings(data_dir=Path(tmp)))
            asking, pressing = await turns(core)
            return median_p95_ms(asking), median_p95_ms(pressing)
        finally:
            await store.close()


def main(sizes: tuple[int, ...] = (0, 10_000)) -> None:
    print("\n## Dialogue core: one turn, TinyDB on disk (state written durably each turn)\n")
    print("| solutions | question median | question p95 | button median | button p95 |")
    print("|---:|---:|---:|---:|---:|")
    for size in sizes:
        (ask_median, ask_p95), (press_median, press_p95) = asyncio.run(_run(size))
        shown = f"{len(demo_solutions()):,} (demo)" if size == 0 else f"{size:,}"
        print(
            f"| {shown} | {ask_median:.1f} ms | {ask_p95:.1f} ms | "
            f"{press_median:.1f} ms | {press_p95:.1f} ms |"
        )
