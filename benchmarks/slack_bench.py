"""Slack under a burst: 50 concurrent signed `app_mention` events (five rounds) against the
demo knowledge base, through the real server and slack-bolt to the loopback mock of Slack's
Web API in tests/. Measures the acknowledgement and the time until the answer's
chat.postMessage reaches "Slack", counts the events answered other than once, and compares
the acknowledgements with a bare aiohttp server that only checks the signature."""

from __future__ import annotations

import asyncio
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from benchmarks.evalset import load_questions
from benchmarks.harness import free_port, median_ms, quantile_ms, serving, stop
from knowledge.kb import demo_solutions
from knowledge.store import open_store
from tests.slack_mock import BOT_USER, SECRET, TOKEN, Call, SlackMock, event_body, signed

BURST = 50
ROUNDS = 5
ACK_P99_TARGET = 100.0  # ms
ANSWER_P95_TARGET = 500.0  # ms
ANSWERS_WAIT = 30.0  # seconds a round's answers may take before the missing count as lost
LATE = 1.0  # seconds to wait after the last round for an answer posted twice


@dataclass
class Burst:
    """What the bench saw: each acknowledgement's latency, each answer's, the events
    answered never or more than once, and the acknowledgements per second of each round."""

    acks: list[float] = field(default_factory=list)
    answers: list[float] = field(default_factory=list)
    lost: int = 0
    doubled: int = 0
    throughput: list[float] = field(default_factory=list)


async def _burst(
    url: str, bodies: list[bytes], http: aiohttp.ClientSession
) -> tuple[list[float], list[float], float]:
    """Sends all at once; returns each one's start (on the clock the mock stamps calls
    with), its acknowledgement latency, and the wall time of the burst."""
    starts: list[float] = [0.0] * len(bodies)
    acks: list[float] = [0.0] * len(bodies)

    async def one(i: int, body: bytes) -> None:
        headers = {"Content-Type": "application/json", **signed(body)}
        starts[i] = time.monotonic()
        async with http.post(url, data=body, headers=headers) as response:
            await response.read()
            assert response.status == 200, response.status
        acks[i] = time.monotonic() - starts[i]

    began = time.monotonic()
    await asyncio.gather(*(one(i, b) for i, b in enumerate(bodies)))
    return starts, acks, time.monotonic() - began


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


async def _posted(slack: SlackMock, count: int, *, within: float) -> list[Call]:
    """The answers posted once `count` have been, or after `within` seconds however many."""
    try:
        return await slack.wait_for("chat.postMessage", count, timeout=within)
    except TimeoutError:
        return slack.called("chat.postMessage")


async def _spred(questions: list[str]) -> Burst:
    slack = SlackMock()
    for i in range(BURST):
        slack.add_user(f"U{i:04d}", f"Person {i}", f"p{i}@kommune.eksempel.dk")
    await slack.start()
    seen = Burst()
    starts: dict[str, float] = {}  # by the mention's ts, which its answer's thread_ts names
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
                    sent, latencies, wall = await _burst(url, _mentions(round_no, questions), http)
                    starts |= {f"{round_no}.{i:06d}": at for i, at in enumerate(sent)}
                    seen.acks += latencies
                    seen.throughput.append(BURST / wall)
                    await _posted(slack, before + BURST, within=ANSWERS_WAIT)
                await asyncio.sleep(LATE)
        finally:
            await stop(server)
            await slack.close()
    _tally(seen, starts=starts, posts=slack.called("chat.postMessage"))
    return seen


def _tally(seen: Burst, *, starts: dict[str, float], posts: list[Call]) -> None:
    """Each mention's answer latency (to its first answer), and the mentions answered
    never or more than once; `starts` by the mention's ts, which its answer's thread_ts
    names."""
    first: dict[str, Call] = {}
    answers: Counter[str] = Counter()
    for post in posts:
        ts = str(post.args.get("thread_ts"))
        first.setdefault(ts, post)
        answers[ts] += 1
    seen.answers = [first[ts].at - at for ts, at in starts.items() if ts in first]
    seen.lost = sum(1 for ts in starts if ts not in first)
    seen.doubled = sum(answers[ts] - 1 for ts in starts if answers[ts] > 1)


async def _bare() -> Burst:
    port = free_port()
    server = await serving(["-m", "benchmarks.bare_slack", str(port)], {}, port)
    seen = Burst()
    try:
        async with aiohttp.ClientSession() as http:
            url = f"http://127.0.0.1:{port}/slack/events"
            for round_no in range(ROUNDS):
                _, latencies, wall = await _burst(url, _mentions(round_no, ["x"]), http)
                seen.acks += latencies
                seen.throughput.append(BURST / wall)
    finally:
        await stop(server)
    return seen


def _row(name: str, seen: Burst, *, answered: bool) -> str:
    answers = (
        f"{median_ms(seen.answers):.0f} ms | {quantile_ms(seen.answers, 0.95):.0f} ms | "
        f"{seen.lost} | {seen.doubled}"
        if answered
        else "– | – | – | –"
    )
    throughput = sum(seen.throughput) / len(seen.throughput)
    return (
        f"| {name} | {median_ms(seen.acks):.1f} ms | {quantile_ms(seen.acks, 0.99):.1f} ms | "
        f"{max(seen.acks) * 1000:.0f} ms | {throughput:.0f}/s | {answers} |"
    )


def _verdict(spred: Burst, bare: Burst) -> str:
    """Whether Spred met its targets; what bounds a missed acknowledgement target is shown
    beside it: the bare server's p99 on the same machine at the same time."""
    ack, answer = quantile_ms(spred.acks, 0.99), quantile_ms(spred.answers, 0.95)
    missed = []
    if ack > ACK_P99_TARGET:
        bare_ack = quantile_ms(bare.acks, 0.99)
        missed.append(f"ack p99 {ack:.0f} ms > {ACK_P99_TARGET:.0f} ms (bare: {bare_ack:.0f} ms)")
    if answer > ANSWER_P95_TARGET:
        missed.append(f"answer p95 {answer:.0f} ms > {ANSWER_P95_TARGET:.0f} ms")
    if spred.lost or spred.doubled:
        missed.append(f"{spred.lost} events not answered, {spred.doubled} answered twice")
    targets = (
        f"ack p99 ≤ {ACK_P99_TARGET:.0f} ms, answer p95 ≤ {ANSWER_P95_TARGET:.0f} ms, "
        "every event answered once"
    )
    return f"Targets ({targets}): " + ("met." if not missed else "missed: " + "; ".join(missed))


def main() -> None:
    questions = [q.q for q in load_questions() if q.kind != "none"]
    spred = asyncio.run(_spred(questions))
    bare = asyncio.run(_bare())
    print(f"\n## Slack: {BURST} concurrent signed app_mention events, {ROUNDS} rounds, demo base\n")
    print(
        "| server | ack median | ack p99 | ack max | acks/s | answer median | answer p95 "
        "| not answered | answered twice |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(_row("Spred (slack-bolt, the core, the mock Web API)", spred, answered=True))
    print(_row("bare aiohttp, signature check only", bare, answered=False))
    print(f"\n{_verdict(spred, bare)}")
