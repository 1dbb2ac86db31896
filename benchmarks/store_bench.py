"""Store speed: importing 10,000 solutions, one durable upsert at 1,000 and 10,000, and a
small-collection write beside a 10,000-solution knowledge base. Stock TinyDB is measured in
the same run for comparison."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import orjson
from tinydb import TinyDB

from benchmarks.harness import median_p95_ms
from benchmarks.synthetic import scaled_solutions
from knowledge.records import Conversation
from knowledge.solutions import parse_solutions
from knowledge.store import open_store
from knowledge.transfer import export_bytes

ROOT = Path(__file__).resolve().parents[1]
ROUNDS = 60


async def _upserts(data: Path, size: int) -> tuple[float, float, float]:
    solutions = scaled_solutions(size)
    store = await open_store(data)
    try:
        await store.solutions.upsert_many(solutions)
        samples = []
        for i in range(ROUNDS):
            changed = replace(solutions[i * 7 % size], title=f"Ændret titel {i}")
            start = time.perf_counter()
            await store.solutions.upsert(changed)
            samples.append(time.perf_counter() - start)
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
