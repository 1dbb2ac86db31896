"""Slack under a burst: 50 concurrent signed `app_mention` events (five rounds) against the
demo knowledge base, through the real server and slack-bolt to the loopback mock of Slack's
Web API in tests/. Measures the acknowledgement and the time until the answer's
chat.postMessage reaches "Slack", and compares the acknowledgement throughput with a bare
aiohttp server that only checks the signature."""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path

import aiohttp

from benchmarks.evalset import load_questions
from benchmarks.harness import free_port, median_ms, quantile_ms, serving, stop
from knowledge.kb import demo_solutions
from knowledge.store import open_store
from tests.slack_mock import BOT_USER, SECRET, TOKEN, SlackMock, event_body, signed

BURST = 50
ROUNDS = 5


async def _burst(
    url: str, bodies: list[bytes], http: aiohttp.ClientSession
) -> tuple[list[float], list[float], float]:
    """Sends all at once; returns each one's start time, its acknowledgement latency, and
    the wall time of the burst."""
    starts: list[float] = [0.0] * len(bodies)
    acks: list[float] = [0.0] * len(bodies)

    async def one(i: int, body: bytes) -> None:
        headers = {"Content-Type": "application/json", **signed(body)}
        starts[i] = time.perf_counter()
        async with http.post(url, data=body, headers=headers) as response:
            await response.read()
            assert response.status == 200, response.status
        acks[i] = time.perf_counter() - starts[i]

    began = time.perf_counter()
    await asyncio.gather(*(one(i, b) for i, b in enumerate(bodies)))
    return starts, acks, time.perf_counter() - began


def _mentions(round_no: int, questions: list[str]) -> list[bytes]:
    return [
        event_body(
            {
                "type": "app_mention",
                "user": f"U{i:04d}",
                "text": f"<@{BOT_USER}> {questions[(round_no * BURST + i) % len(questions)]}",
                "ts": f"{round_no}.{i:06d}",
                "channel": f"C{round_no}x{i:04d}",  # one each: Slack paces per channel
            },
            event_id=f"Ev{round_no}-{i}",
        )
        for i in range(BURST)
    ]


async def _spred(questions: list[str]) -> tuple[list[float], list[float], float]:
    slack = SlackMock()
    for i in range(BURST):
        slack.add_user(f"U{i:04d}", f"Person {i}", f"p{i}@kommune.eksempel.dk")
    await slack.start()
    acks: list[float] = []
    answers: list[float] = []
    throughput = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        store = await open_store(Path(tmp) / "data")
        await store.solutions.upsert_many(demo_solutions())
        await store.close()
        port = free_port()
        environ = {
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": slack.api_url,
        }
        argv = ["-m", "bot", "serve", "--port", str(port), "--data", str(Path(tmp) / "data")]
        server = await serving(argv, environ, port)
        try:
            async with aiohttp.ClientSession() as http:
                url = f"http://127.0.0.1:{port}/slack/events"
                for round_no in range(ROUNDS):
                    before = len(slack.called("chat.postMessage"))
                    bodies = _mentions(round_no, questions)
                    starts, latencies, wall = await _burst(url, bodies, http)
                    acks += latencies
                    throughput += BURST / wall
                    posts = await slack.wait_for("chat.postMessage", before + BURST, timeout=60)
                    for post in posts[before:]:
                        i = int(str(post.args["thread_ts"]).split(".")[1])
                        answers.append(post.at - starts[i])
        finally:
            await stop(server)
            await slack.close()
    return acks, answers, throughput / ROUNDS


async def _bare() -> tuple[list[float], float]:
    port = free_port()
    server = await serving(["-m", "benchmarks.bare_slack", str(port)], {}, port)
    acks: list[float] = []
    throughput = 0.0
    try:
        async with aiohttp.ClientSession() as http:
            url = f"http://127.0.0.1:{port}/slack/events"
            for round_no in range(ROUNDS):
                _, latencies, wall = await _burst(url, _mentions(round_no, ["x"]), http)
                acks += latencies
                throughput += BURST / wall
    finally:
        await stop(server)
    return acks, throughput / ROUNDS


def _row(name: str, acks: list[float], throughput: float, answers: list[float] | None) -> str:
    answer = (
        f"{median_ms(answers):.0f} ms | {quantile_ms(answers, 0.95):.0f} ms" if answers else "– | –"
    )
    return (
        f"| {name} | {median_ms(acks):.1f} ms | {quantile_ms(acks, 0.99):.1f} ms | "
        f"{max(acks) * 1000:.0f} ms | {throughput:.0f}/s | {answer} |"
    )


def main() -> None:
    questions = [q.q for q in load_questions() if q.kind != "none"]
    acks, answers, throughput = asyncio.run(_spred(questions))
    bare_acks, bare_throughput = asyncio.run(_bare())
    print(f"\n## Slack: {BURST} concurrent signed app_mention events, {ROUNDS} rounds, demo base\n")
    print("| server | ack median | ack p99 | ack max | acks/s | answer median | answer p95 |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    print(_row("Spred (slack-bolt, the core, the mock Web API)", acks, throughput, answers))
    print(_row("bare aiohttp, signature check only", bare_acks, bare_throughput, None))
