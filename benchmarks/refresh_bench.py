"""How soon the server answers from an import: `spred import` runs in its own process while
the server's background loop (`_follow_changes`, as `spred serve` runs it) and, under load,
ten askers in a loop use the same data directory. Measured from the import's exit until a
question finds the changed solution."""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from benchmarks.evalset import load_questions
from benchmarks.synthetic import scaled_solutions
from bot.config import Settings
from bot.core import Core
from bot.messages import Incoming
from bot.server import _follow_changes
from knowledge.kb import KnowledgeBase
from knowledge.solutions import Solution, parse_solutions
from knowledge.store import open_store
from knowledge.transfer import export_bytes

ROOT = Path(__file__).resolve().parents[1]
SIZE = 10_000
ASKERS = 10
ROUNDS = 3


async def _scenario(
    data: Path, solutions: list[Solution], *, changed: int, askers: int
) -> list[float]:
    store = await open_store(data)
    try:
        kb = await KnowledgeBase.load(store, data_dir=data)
        settings = Settings(data_dir=data)
        core = Core(kb=kb, settings=settings)
        loop = asyncio.create_task(_follow_changes(core, every=settings.refresh_seconds))
        questions = [q.q for q in load_questions()]
        stop = asyncio.Event()

        async def ask(user: int) -> None:
            turn = user
            while not stop.is_set():
                text = questions[turn % len(questions)]
                await core.handle(Incoming(platform="slack", user_id=f"U{user}", text=text))
                turn += askers

        crowd = [asyncio.create_task(ask(u)) for u in range(askers)]
        delays = []
        for round_ in range(ROUNDS):
            # A word no solution has, one for each import (letters: digits are read apart).
            marker = "zqxmark" + "".join(chr(97 + int(d)) for d in f"{changed}{askers}{round_}")
            first = replace(solutions[round_], title=f"Ændret løsning {marker}")
            rest = [replace(s, title=f"{s.title} v{round_}") for s in solutions[100 : 99 + changed]]
            source = data.parent / "import.json"
            source.write_bytes(export_bytes([first, *rest]))
            await asyncio.sleep(2.5)  # the import lands anywhere in the loop's five seconds
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "import", str(source), "--data", str(data),
                cwd=ROOT, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
            )  # fmt: skip
            await process.wait()
            done = time.perf_counter()
            for _ in range(3000):  # a minute at most
                if any(m.solution.title == first.title for m in kb.ask(marker)):
                    break
                await asyncio.sleep(0.02)
            delays.append(time.perf_counter() - done)
        stop.set()
        await asyncio.gather(*crowd)
        loop.cancel()
        await asyncio.gather(loop, return_exceptions=True)
        return delays
    finally:
        await store.close()


async def _run() -> list[tuple[int, int, list[float]]]:
    # Normalised as an import leaves them, so that only what the benchmark changes differs.
    solutions = parse_solutions([s.to_dict() for s in scaled_solutions(SIZE)]).solutions
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        store = await open_store(data)
        await store.solutions.upsert_many(solutions)
        await store.close()
        for changed in (1, 1_000):
            for askers in (0, ASKERS):
                delays = await _scenario(data, solutions, changed=changed, askers=askers)
                rows.append((changed, askers, delays))
    return rows


def main() -> None:
    print(
        f"\n## Server: an import answered from ({SIZE:,} solutions, the loop as `spred serve` "
        f"runs it; {ROUNDS} imports each)\n"
    )
    print("| solutions changed | askers in a loop | after the import: median | slowest |")
    print("|---:|---:|---:|---:|")
    for changed, askers, delays in asyncio.run(_run()):
        print(
            f"| {changed:,} | {askers} | {statistics.median(delays):.1f} s | "
            f"{max(delays):.1f} s (target < 5) |"
        )
