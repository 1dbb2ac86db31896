"""Store speed: importing 10,000 solutions, one durable upsert at 1,000 and 10,000, and a
small-collection write beside a 10,000-solution knowledge base. Stock TinyDB is measured in
the same run for comparison. Then a question (and its details button) with 1,000 and
100,000 adoptions, interests and adaptations stored, on TinyDB and PostgreSQL (the test
database, SPRED_TEST_DATABASE_URL, in a schema of its own): the time must not grow with
them, as requests ask the store for what they need (`find`) instead of reading all.
`store-postgres` (`report_scale`): storing 10,000 and 100,000 solutions, one upsert, and one
question's turn on PostgreSQL next to TinyDB."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import orjson
import psycopg
from tinydb import TinyDB

from benchmarks.database import fresh_schema, unreachable
from benchmarks.dialogue_bench import HISTORY, turns, with_history
from benchmarks.evalset import load_questions
from benchmarks.harness import median_p95_ms
from benchmarks.synthetic import scaled_solutions
from bot.config import Settings
from bot.core import Core
from bot.messages import Incoming
from knowledge.kb import KnowledgeBase, demo_solutions
from knowledge.matcher import Matcher
from knowledge.records import Adaptation, Adoption, Conversation, Interest, Stage
from knowledge.solutions import Solution, parse_solutions
from knowledge.store import Store, StoreError, open_store
from knowledge.transfer import export_bytes

ROOT = Path(__file__).resolve().parents[1]
ROUNDS = 60


async def _timed_upserts(store: Store, solutions: Sequence[Solution], rounds: int) -> list[float]:
    """Seconds of each of `rounds` upserts of a stored solution with a new title."""
    samples = []
    for i in range(rounds):
        changed = replace(solutions[i * 7 % len(solutions)], title=f"Ændret titel {i}")
        start = time.perf_counter()
        await store.solutions.upsert(changed)
        samples.append(time.perf_counter() - start)
    return samples


async def _upserts(data: Path, size: int) -> tuple[float, float, float]:
    solutions = scaled_solutions(size)
    store = await open_store(data)
    try:
        await store.solutions.upsert_many(solutions)
        samples = await _timed_upserts(store, solutions, ROUNDS)
        small = []
        for i in range(ROUNDS):
            state = Conversation(conversation_key=f"slack:C1:U{i % 5}", state="asking")
            start = time.perf_counter()
            await store.conversations.upsert(state)
            small.append(time.perf_counter() - start)
    finally:
        await store.close()
    median, p95 = median_p95_ms(samples)
    return median, p95, median_p95_ms(small)[0]


def _stock_tinydb(data: Path, size: int) -> float:
    """TinyDB out of the box: JSONStorage re-reads and rewrites the file, without fsync."""
    docs = [s.to_dict() for s in scaled_solutions(size)]
    db = TinyDB(data / "stock.json")
    db.insert_multiple(docs)
    samples = []
    for i in range(10):
        start = time.perf_counter()
        db.update({"title": f"Ændret {i}"}, doc_ids=[i + 1])
        samples.append(time.perf_counter() - start)
    db.close()
    return median_p95_ms(samples)[0]


def _import(data: Path, size: int) -> float:
    source = data / "import.json"
    source.write_bytes(export_bytes(scaled_solutions(size)))
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "bot", "import", str(source), "--data", str(data / "kb")],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


# A process's peak memory counts what it inherited when it was forked (Linux keeps the
# high-water mark across exec), and this benchmark's own process is large after the
# matcher's: so each command is started by a small, fresh process that reports its child's.
_MEASURE = (
    "import os, subprocess, sys\n"
    "child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
    "_, status, usage = os.wait4(child.pid, 0)\n"
    "print(os.waitstatus_to_exitcode(status), usage.ru_maxrss)\n"
)


def _peak(*args: str) -> tuple[float, float]:
    """Seconds and peak resident memory (MB) of one `spred` command in its own process."""
    start = time.perf_counter()
    measured = subprocess.run(
        [sys.executable, "-c", _MEASURE, sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    seconds = time.perf_counter() - start
    code, peak_kb = (int(x) for x in measured.stdout.split())
    if code != 0:
        raise RuntimeError(f"spred {' '.join(args)} failed with status {code}")
    return seconds, peak_kb / 1024  # KB on Linux


def _backup_round_trip(work: Path, size: int) -> None:
    """Memory of restoring a backup: `spred import` of a large export into an empty
    directory, beside `spred list` and `spred export` of the same knowledge base."""
    solutions = parse_solutions([s.to_dict() for s in scaled_solutions(size)]).solutions
    backup = work / "backup.json"
    backup.write_bytes(export_bytes(solutions))
    data = str(work / "restored")
    imported = _peak("import", str(backup), "--data", data)
    listed = _peak("list", "--data", data)
    exported = _peak("export", "--data", data, "-o", str(work / "again.json"))
    same = (work / "again.json").read_bytes() == backup.read_bytes()
    print(
        f"Restoring a backup of {size:,} solutions ({backup.stat().st_size / 1e6:.0f} MB; "
        f"export → import → export {'byte-identical' if same else 'DIFFERS'}), each command "
        f"in its own process:\n"
    )
    print("| command | time | peak RSS |")
    print("|---|---:|---:|")
    for name, (seconds, peak) in (
        ("`spred import` into an empty directory", imported),
        ("`spred list` of the result", listed),
        ("`spred export` of the result", exported),
    ):
        print(f"| {name} | {seconds:.1f} s | {peak:.0f} MB |")
    print()


def main() -> None:
    print("\n## Store (TinyDB files, atomic and fsynced)\n")
    with tempfile.TemporaryDirectory(dir=ROOT) as tmp:
        work = Path(tmp)
        _backup_round_trip(work, 25_000)
        seconds = _import(work, 10_000)
        size = len(orjson.dumps([s.to_dict() for s in scaled_solutions(10_000)]))
        print(
            f"`spred import` of 10,000 solutions ({size / 1e6:.1f} MB, "
            f"{size / 10_000 / 1000:.1f} KB each), whole process: "
            f"{seconds:.2f} s (target < 10 s)\n"
        )
        print(
            "| knowledge base | upsert median | upsert p95 | small write median | "
            "stock TinyDB update median |"
        )
        print("|---:|---:|---:|---:|---:|")
        for size, target in ((1_000, 20), (10_000, 100)):
            directory = work / f"kb{size}"
            median, p95, small = asyncio.run(_upserts(directory, size))
            stock = _stock_tinydb(directory, size)
            print(
                f"| {size:,} | {median:.1f} ms (target < {target}) | {p95:.1f} ms | "
                f"{small:.2f} ms (target < 10) | {stock:.1f} ms |"
            )
    main_history()


# --- a question with a long history stored (issue 15: no whole-collection reads)

HISTORIES = (1_000, 100_000)  # adoptions, and as many interests and adaptations
PER_SHOWN = 20  # of them, each demo solution's own: what its card shows
QUESTIONS = 40


def _history(size: int, solution_ids: list[str]) -> tuple[list[Any], list[Any], list[Any]]:
    """`size` adoptions, interests and adaptations: PER_SHOWN for each solution a question
    can show, the rest of solutions elsewhere (a national installation's other work)."""
    owners = [sid for sid in solution_ids for _ in range(PER_SHOWN)]
    owners += [f"elsewhere-{n % 5_000}" for n in range(size - len(owners))]
    adoptions = [
        Adoption(id=f"a{n}", solution_id=sid, user=f"slack:U{n}", organization=f"Kommune {n % 98}",
                 stage=Stage.PILOTING)
        for n, sid in enumerate(owners)
    ]  # fmt: skip
    interests = [
        Interest(id=f"p{n}:{sid}", person_id=f"p{n}", solution_id=sid, did="details")
        for n, sid in enumerate(owners)
    ]
    adaptations = [
        Adaptation(id=f"t{n}", solution_id=sid, organization=f"Kommune {n % 98}", text="lokalt")
        for n, sid in enumerate(owners)
    ]
    return adoptions, interests, adaptations


async def _stored_in_chunks(collection: Any, records: list[Any]) -> None:
    for start in range(0, len(records), 10_000):
        await collection.upsert_many(records[start : start + 10_000])


async def _asking(store: Store, size: int, data: Path) -> dict[str, float]:
    """Question and button times (ms) with `size` of each history record stored, and what
    reading the three collections whole (each question did, before) takes."""
    solutions = demo_solutions()
    await store.solutions.upsert_many(solutions)
    adoptions, interests, adaptations = _history(size, [s.id for s in solutions])
    await _stored_in_chunks(store.adoptions, adoptions)
    await _stored_in_chunks(store.interests, interests)
    await _stored_in_chunks(store.adaptations, adaptations)
    kb = await KnowledgeBase.load(store)
    core = Core(kb=kb, settings=Settings(data_dir=data))
    questions = [q.q for q in load_questions() if q.expected][:QUESTIONS]
    start = time.perf_counter()
    await core.handle(Incoming(platform="slack", user_id="UWARM", text=questions[0]))
    first = time.perf_counter() - start  # TinyDB builds its field index on the first query
    asking, pressing = [], []
    for i, question in enumerate(questions):
        message = Incoming(platform="slack", user_id=f"U{i % 20}", text=question)
        start = time.perf_counter()
        replies = await core.handle(message)
        asking.append(time.perf_counter() - start)
        details = [a for r in replies for a in r.all_actions() if a.id == "details"]
        if details:  # the details view: its card, and who uses it
            press = replace(message, text="", action="details", payload=dict(details[0].payload))
            start = time.perf_counter()
            await core.handle(press)
            pressing.append(time.perf_counter() - start)
    start = time.perf_counter()
    for collection in (store.adoptions, store.interests, store.adaptations):
        await collection.all()
    whole = time.perf_counter() - start
    ask_median, ask_p95 = median_p95_ms(asking)
    press_median, press_p95 = median_p95_ms(pressing)
    return {
        "first": first * 1000,
        "ask_median": ask_median,
        "ask_p95": ask_p95,
        "press_median": press_median,
        "press_p95": press_p95,
        "whole": whole * 1000,
    }


async def _on_tinydb(size: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(dir=ROOT) as tmp:
        store = await open_store(Path(tmp) / "data")
        try:
            return await _asking(store, size, Path(tmp) / "data")
        finally:
            await store.close()


async def _on_postgres(size: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(dir=ROOT) as tmp:
        async with fresh_schema() as url:
            store = await open_store(Path(tmp), database=url)
            try:
                return await _asking(store, size, Path(tmp))
            finally:
                await store.close()


def main_history() -> None:
    print(
        "\n## A question with a long history stored: adoptions, interests and adaptations "
        f"(each as many; {PER_SHOWN} of each for every solution an answer can show)\n"
    )
    print(
        "| store | history | question median | question p95 | details median | "
        "details p95 | first question | reading the three whole (before) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    backends = {"TinyDB": _on_tinydb}
    reason = unreachable()
    if reason is None:
        backends["PostgreSQL"] = _on_postgres
    for name, run in backends.items():
        for size in HISTORIES:
            t = asyncio.run(run(size))
            print(
                f"| {name} | {size:,} | {t['ask_median']:.1f} ms | {t['ask_p95']:.1f} ms | "
                f"{t['press_median']:.1f} ms | {t['press_p95']:.1f} ms | {t['first']:.0f} ms | "
                f"{t['whole']:.0f} ms |"
            )
    if reason is not None:
        print(f"\n{reason}: PostgreSQL not measured.")


SCALE = (10_000, 100_000)
# Upserts and questions at each size: TinyDB rewrites its whole solutions file (about 200 MB
# at 100,000) for each upsert, and a question at 100,000 takes a tenth of a second or more:
# fewer than above keep the run to a few minutes.
SCALE_ROUNDS = 12
SCALE_QUESTIONS = 120
BATCH = 5_000  # solutions stored at once when a store refuses them all in one


@dataclass(frozen=True, kw_only=True)
class AtScale:
    """One backend holding `size` solutions: storing them all at once (seconds), one upsert
    and one question's turn (median and p95, ms)."""

    backend: str
    size: int
    storing: float
    refused: str  # why storing them all at once failed ("": it did not), then in batches
    upsert: tuple[float, float]
    question: tuple[float, float]


@asynccontextmanager
async def _scale_store(backend: str, work: Path) -> AsyncIterator[Store]:
    if backend == "TinyDB":
        store = await open_store(work / "data")
        try:
            yield store
        finally:
            await store.close()
        return
    async with fresh_schema() as url:
        store = await open_store(work / "unused", database=url)
        try:
            yield store
        finally:
            await store.close()


async def _at_scale(
    backend: str, solutions: Sequence[Solution], matcher: Matcher, work: Path
) -> AtScale:
    """The turns are answered from `matcher`, indexed once for both backends: what differs
    between them is the store each turn reads and writes."""
    async with _scale_store(backend, work) as store:
        start = time.perf_counter()
        refused = await _store_all(store, solutions)
        storing = time.perf_counter() - start
        _progress(f"{backend}, {len(solutions):,}: stored in {storing:.0f} s")
        upserts = await _timed_upserts(store, solutions, SCALE_ROUNDS)
        _progress(f"{backend}, {len(solutions):,}: upserts done")
        await with_history(store, solutions)
        kb = KnowledgeBase(store=store, matcher=matcher)
        core = Core(kb=kb, settings=Settings(data_dir=work))
        asking, _ = await turns(core, limit=SCALE_QUESTIONS)
        _progress(f"{backend}, {len(solutions):,}: questions done")
    return AtScale(
        backend=backend,
        size=len(solutions),
        storing=storing,
        refused=refused,
        upsert=median_p95_ms(upserts),
        question=median_p95_ms(asking),
    )


async def _store_all(store: Store, solutions: Sequence[Solution]) -> str:
    """Stores the solutions in one upsert_many, as `spred import` does; if the store refuses
    so many at once, in batches of BATCH. Returns why it refused ("" if it did not)."""
    try:
        await store.solutions.upsert_many(solutions)
    except (StoreError, psycopg.Error) as exc:
        for at in range(0, len(solutions), BATCH):
            await store.solutions.upsert_many(solutions[at : at + BATCH])
        return str(exc).splitlines()[0]
    return ""


def _progress(line: str) -> None:
    """A long run says how far it is, beside (not in) its table."""
    print(f"  … {line}", file=sys.stderr, flush=True)


def report_scale() -> None:
    why = unreachable()
    backends = ("TinyDB",) if why else ("TinyDB", "PostgreSQL")
    began = time.perf_counter()
    results = []
    for size in SCALE:
        solutions = scaled_solutions(size)
        matcher = Matcher()
        matcher.add_all(solutions)
        _progress(f"{size:,} solutions made and indexed")
        for backend in backends:
            with tempfile.TemporaryDirectory(dir=ROOT) as tmp:
                results.append(asyncio.run(_at_scale(backend, solutions, matcher, Path(tmp))))
        del solutions, matcher
    print(
        f"\n## Store at scale: PostgreSQL next to TinyDB ({SCALE_ROUNDS} upserts of one "
        f"solution; a turn for each of {SCALE_QUESTIONS} of the development set's questions, "
        f"with {HISTORY:,} adoptions and as much open demand stored)\n"
    )
    if why:
        print(f"PostgreSQL skipped: {why}\n")
    print(
        "| solutions | store | storing them all | upsert median | upsert p95 "
        "| question median | question p95 |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|")
    for r in results:
        storing = f"{r.storing:.1f} s" + (" (in batches¹)" if r.refused else "")
        print(
            f"| {r.size:,} | {r.backend} | {storing} | {r.upsert[0]:.1f} ms | "
            f"{r.upsert[1]:.1f} ms | {r.question[0]:.1f} ms | {r.question[1]:.1f} ms |"
        )
    for r in results:
        if r.refused:
            print(
                f"\n¹ {r.backend} refused {r.size:,} solutions in one upsert_many (as "
                f"`spred import` stores them): {r.refused}. Stored in batches of {BATCH:,}."
            )
    print(f"\n(the whole run took {time.perf_counter() - began:.0f} s)")
