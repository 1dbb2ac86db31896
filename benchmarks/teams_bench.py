"""Teams under a burst: 50 concurrent message activities (five rounds) POSTed to
`spred serve` in its own process (loopback, the Emulator's unauthenticated mode), answered
to the loopback mock connector in tests/. Measures the HTTP acknowledgement and the time
until each reply reaches the connector: from one tenant, from ten (each a new organisation
Spred remembers on its first message), and from the same ten with SPRED_TEAMS_TENANTS
listing them."""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path

import aiohttp
import orjson

from benchmarks.evalset import load_questions
from benchmarks.harness import free_port, median_ms, quantile_ms, serving, stop
from knowledge.kb import demo_solutions
from knowledge.store import open_store
from tests.teams_mock import Connector, message

BURST = 50
ROUNDS = 5
TENANTS = [f"{n:08x}-0000-4000-8000-{n:012x}" for n in range(1, 11)]
# (label, the tenants the burst's activities come from in turn, the server's environment)
SHAPES: tuple[tuple[str, list[str], dict[str, str]], ...] = (
    ("1 tenant", TENANTS[:1], {}),
    (f"{len(TENANTS)} tenants", TENANTS, {}),
    (f"{len(TENANTS)} tenants, allow-list", TENANTS, {"SPRED_TEAMS_TENANTS": ",".join(TENANTS)}),
)


async def _send(
    http: aiohttp.ClientSession,
    url: str,
    activity: dict[str, object],
    starts: dict[str, float],
    acks: list[float],
) -> None:
    conversation = str(activity["conversation"]["id"])  # type: ignore[index]
    starts[conversation] = time.perf_counter()
    headers = {"Content-Type": "application/json"}
    async with http.post(url, data=orjson.dumps(activity), headers=headers) as response:
        await response.read()
        assert response.status < 300, response.status
    acks.append(time.perf_counter() - starts[conversation])


async def _run(
    questions: list[str], tenants: list[str], environ: dict[str, str]
) -> tuple[list[float], list[float]]:
    connector = Connector()
    await connector.start()
    acks: list[float] = []
    answers: list[float] = []
    starts: dict[str, float] = {}  # by conversation, one each
    with tempfile.TemporaryDirectory() as tmp:
        store = await open_store(Path(tmp) / "data")
        await store.solutions.upsert_many(demo_solutions())
        await store.close()
        port = free_port()
        argv = ["-m", "bot", "serve", "--port", str(port), "--data", str(Path(tmp) / "data")]
        server = await serving(argv, environ, port)
        try:
            async with aiohttp.ClientSession() as http:
                url = f"http://127.0.0.1:{port}/api/messages"
                for round_no in range(ROUNDS):
                    before = len(connector.posted)
                    activities = [
                        message(
                            questions[(round_no * BURST + i) % len(questions)],
                            connector=connector,
                            user=f"29:user-{i}",
                            conversation=f"a:bench-{round_no}-{i}",
                            activity_id=f"act-{round_no}-{i}",
                            tenant=tenants[i % len(tenants)],
                        )
                        for i in range(BURST)
                    ]
                    await asyncio.gather(*(_send(http, url, a, starts, acks) for a in activities))
                    posted = await connector.wait_for(before + BURST, timeout=60)
                    answers += [reply.at - starts[reply.conversation] for reply in posted[before:]]
        finally:
            await stop(server)
            await connector.close()
    return acks, answers


def main() -> None:
    questions = [q.q for q in load_questions() if q.kind != "none"]
    print(f"\n## Teams: {BURST} concurrent message activities, {ROUNDS} rounds, demo base\n")
    print("| from | ack median | ack p99 | reply median | reply p95 | reply max |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, tenants, environ in SHAPES:
        acks, answers = asyncio.run(_run(questions, tenants, environ))
        print(
            f"| {label} | {median_ms(acks):.1f} ms | {quantile_ms(acks, 0.99):.1f} ms | "
            f"{median_ms(answers):.0f} ms | {quantile_ms(answers, 0.95):.0f} ms | "
            f"{max(answers) * 1000:.0f} ms |"
        )
