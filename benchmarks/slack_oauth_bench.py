"""Slack as a distributable app beside Slack for one workspace, under the same load: 100
people, 10 mentions each (1,000 signed app_mention events), sent by 50 senders that each
speak for two people in turn and send the next mention once the last is answered (so at
most 50 are unanswered at any moment, the load one process keeps up with), through the
real server (its own process) and slack-bolt to the loopback mock of Slack in tests/. Once
all 100 people are in one workspace (SLACK_BOT_TOKEN); once each is in a workspace of their
own, 100 workspaces installed first through the real OAuth flow, so every event is
authorized and answered with its own workspace's token. Target: the distributable app's ack
p99 and answer p95 within 10 % of the one workspace's (the installation look-up is cached,
never a store scan)."""

from __future__ import annotations

import asyncio
import html
import re
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import aiohttp

from benchmarks.evalset import load_questions
from benchmarks.harness import free_port, median_ms, quantile_ms, serving, stop
from benchmarks.slack_bench import Threads
from knowledge.kb import demo_solutions
from knowledge.store import open_store
from tests.slack_mock import (
    BOT_USER,
    CLIENT_ID,
    CLIENT_SECRET,
    SECRET,
    TEAM,
    TOKEN,
    SlackMock,
    event_body,
    signed,
)

PEOPLE = 100  # and, for the distributable app, workspaces: one each
SENDERS = 50  # each speaks for two people in turn, so at most 50 mentions wait at once
EACH = 10
WITHIN = 0.10  # the distributable app's figures may be this much over the one workspace's
RUNS = 7  # pairs: at about 45 ms, 10 % is within one run's noise, so a median of several


@dataclass
class Seen:
    acks: list[float] = field(default_factory=list)
    answers: list[float] = field(default_factory=list)
    lost: int = 0
    identity_asked: int = 0  # auth.test calls while serving the events


def _team(i: int, *, distributed: bool) -> tuple[str, str]:
    """Person i's workspace and the bot's user id there."""
    if not distributed:
        return TEAM, BOT_USER
    team = f"T{i:05d}"
    return team, f"U0BOT{team}"


async def _install(http: aiohttp.ClientSession, base: str, slack: SlackMock, i: int) -> None:
    """One workspace installs Spred as a browser would: the page, Slack, the redirect."""
    async with http.get(f"{base}/slack/install") as response:
        page = await response.text()
        cookie = next(
            c.split(";")[0]
            for c in response.headers.getall("Set-Cookie")
            if c.startswith("slack-app-oauth-state=")
        )
    link = html.unescape(re.findall(r'<a class="add" href="([^"]+)"', page)[0])
    state = parse_qs(urlsplit(link).query)["state"][0]
    team, _ = _team(i, distributed=True)
    slack.install(f"code{i}", team=team, name=f"Kommune {i}", installer=f"U{i:04d}")
    redirect = f"{base}/slack/oauth_redirect?code=code{i}&state={state}"
    async with http.get(redirect, headers={"Cookie": cookie}) as response:
        assert response.status == 200, response.status


async def _run(questions: list[str], *, distributed: bool) -> Seen:
    slack = SlackMock()
    for i in range(PEOPLE):
        slack.add_user(f"U{i:04d}", f"Person {i}", f"p{i}@kommune.eksempel.dk")
    await slack.start()
    assert slack.server is not None
    seen = Seen()
    starts: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        store = await open_store(Path(tmp) / "data")
        await store.solutions.upsert_many(demo_solutions())
        await store.close()
        port = free_port()
        environ = {"SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": slack.api_url}
        if distributed:
            environ |= {
                "SLACK_CLIENT_ID": CLIENT_ID,
                "SLACK_CLIENT_SECRET": CLIENT_SECRET,
                "SLACK_AUTHORIZE_URL": str(slack.server.make_url("/oauth/v2/authorize")),
            }
        else:
            environ["SLACK_BOT_TOKEN"] = TOKEN
        argv = ["-m", "bot", "serve", "--port", str(port), "--data", str(Path(tmp) / "data")]
        server = await serving(argv, environ, port)
        base = f"http://127.0.0.1:{port}"
        threads = Threads(slack)
        watcher = asyncio.create_task(threads.watch())
        try:
            async with aiohttp.ClientSession() as http:
                if distributed:
                    for i in range(PEOPLE):
                        await _install(http, base, slack, i)
                identity_before = len(slack.called("auth.test"))

                async def sender(j: int) -> None:
                    for n in range(2 * EACH):  # for two people in turn: j, then j + SENDERS
                        i, k = j + n % 2 * SENDERS, n // 2
                        team, bot_user = _team(i, distributed=distributed)
                        ts = f"{k}.{i:06d}"
                        question = questions[(k * PEOPLE + i) % len(questions)]
                        event = {
                            "type": "app_mention",
                            "user": f"U{i:04d}",
                            "text": f"<@{bot_user}> {question}",
                            "ts": ts,
                            "channel": f"C{k}x{i:04d}",  # one each: Slack paces per channel
                        }
                        body = event_body(
                            event, event_id=f"Ev{k}-{i}", team=team, bot_user=bot_user
                        )
                        headers = {"Content-Type": "application/json", **signed(body)}
                        starts[ts] = start = time.monotonic()
                        async with http.post(
                            f"{base}/slack/events", data=body, headers=headers
                        ) as response:
                            await response.read()
                            assert response.status == 200, response.status
                        seen.acks.append(time.monotonic() - start)
                        await threads.answered(ts)

                await asyncio.gather(*(sender(j) for j in range(SENDERS)))
                seen.identity_asked = len(slack.called("auth.test")) - identity_before
        finally:
            watcher.cancel()
            await stop(server)
            await slack.close()
    first: dict[str, float] = {}
    for post in slack.called("chat.postMessage"):
        first.setdefault(str(post.args.get("thread_ts")), post.at)
    seen.answers = [first[ts] - at for ts, at in starts.items() if ts in first]
    seen.lost = sum(1 for ts in starts if ts not in first)
    return seen


def _row(name: str, seen: Seen) -> str:
    return (
        f"| {name} | {median_ms(seen.acks):.1f} ms | {quantile_ms(seen.acks, 0.99):.1f} ms | "
        f"{median_ms(seen.answers):.0f} ms | {quantile_ms(seen.answers, 0.95):.0f} ms | "
        f"{seen.lost} | {seen.identity_asked} |"
    )


def main() -> None:
    """RUNS runs of each set-up, alternating, so a busy moment of the machine falls on both;
    the verdict compares the medians of their ack p99 and answer p95."""
    questions = [q.q for q in load_questions() if q.kind != "none"]
    ones: list[Seen] = []
    manys: list[Seen] = []
    for _ in range(RUNS):
        ones.append(asyncio.run(_run(questions, distributed=False)))
        manys.append(asyncio.run(_run(questions, distributed=True)))
    print(
        f"\n## Slack: one workspace vs {PEOPLE} installed workspaces, {PEOPLE * EACH} events, "
        f"{RUNS} runs each\n"
    )
    print(
        "| set-up | ack median | ack p99 | answer median | answer p95 | not answered "
        "| auth.test while serving |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for one, many in zip(ones, manys, strict=True):
        print(_row("one workspace (SLACK_BOT_TOKEN)", one))
        print(_row(f"distributable, {PEOPLE} workspaces, one person each", many))
    verdicts = []
    for what, q, part in (("ack p99", 0.99, "acks"), ("answer p95", 0.95, "answers")):
        ours = statistics.median(quantile_ms(getattr(s, part), q) for s in manys)
        theirs = statistics.median(quantile_ms(getattr(s, part), q) for s in ones)
        ratio = ours / theirs - 1 if theirs else 0.0
        verdict = "met" if ratio <= WITHIN else "missed"
        verdicts.append(
            f"- {what}, median of {RUNS}: {ours:.0f} ms vs {theirs:.0f} ms ({ratio:+.0%}): "
            f"{verdict}"
        )
    print(f"\nTarget: the distributable app within {WITHIN:.0%} of one workspace.")
    print("\n".join(verdicts))
