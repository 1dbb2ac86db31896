"""Several `spred serve` processes on one PostgreSQL database (issue 15), under the Slack load
of slack_bench: 50 people in channels of their own, each asking again once answered (500
signed mentions, 50 unanswered at any moment), against one instance on TinyDB, one on
PostgreSQL and two on PostgreSQL. With two, the mentions are spread over both in turn as a
load balancer would, and every tenth also goes to the other one at the same moment, as a
Slack retry can: each must be answered once. Then one of the two is killed (SIGKILL) half
way through the load, and again half way through delivering a burst of letters from the
outbox: every acknowledged mention must be answered once, every letter delivered once.

Real server processes, all posting to one loopback mock of Slack's Web API. Besides the
latencies, the CPU seconds the instances (and the database's processes serving them) used
per answered mention: two instances cost more than one by what they coordinate, PostgreSQL
more than TinyDB by the round trips. The set-ups without a kill run three times in turn and
the run with the median CPU per answer is shown. Speed is reported against its targets;
only a mention or letter answered twice or never fails the run (exit status 1)."""

from __future__ import annotations

import asyncio
import contextlib
import re
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import orjson

from benchmarks.database import backend_cpu_seconds, cpu_seconds, fresh_schema, unreachable
from benchmarks.evalset import load_questions
from benchmarks.harness import free_port, quantile_ms, serving, stop
from benchmarks.slack_bench import (
    ANSWERS_WAIT,
    CONCURRENT,
    EACH,
    LATE,
    Seen,
    asking_again,
    mention,
    tally,
)
from bot.messages import Reply, reply_to_dict
from knowledge.kb import demo_solutions
from knowledge.records import Letter, now
from knowledge.store import open_store
from tests.slack_mock import SECRET, TOKEN, SlackMock, signed

ALSO_TO_BOTH = 10  # every tenth mention also goes to the other instance at once
LETTERS = 300
KILL_AT = 0.5  # share of the mentions sent (or letters posted) when one instance is killed
# In the runs with a kill, a claim on a letter lasts this long, and each server looks for
# letters to send this often: short, so the letters a killed instance held go out within
# seconds rather than after the production defaults (SPRED_CLAIM_SECONDS, 2 minutes).
CLAIM_SECONDS = "5"
REFRESH_SECONDS = "1"
# After a kill, how long the mentions not answered yet may still take: a turn another
# process held when it died is let in after 60 s (bot/sessions.py).
STRAGGLERS_WAIT = 90.0
LETTERS_WAIT = 120.0  # seconds the letters may take before the undelivered count as lost
LOOK = 0.2  # seconds between looks at the outbox for letters still waiting
# Runs of each set-up without a kill (the one with a kill runs once); the table shows the
# run with the median CPU per answered mention.
REPEATS = 3
CPU_RISE_TARGET = 1.20  # two instances' CPU per answered mention, at most this times one's
POSTGRES_CPU_TARGET = 2.0  # PostgreSQL's CPU per answered mention, at most this times TinyDB's


@dataclass(frozen=True, kw_only=True)
class Setup:
    name: str
    instances: int
    postgres: bool
    kill: bool = False


SETUPS = (
    Setup(name="1 instance, TinyDB", instances=1, postgres=False),
    Setup(name="1 instance, PostgreSQL", instances=1, postgres=True),
    Setup(name="2 instances, PostgreSQL", instances=2, postgres=True),
    Setup(name="2 instances, PostgreSQL, one killed", instances=2, postgres=True, kill=True),
)


@dataclass(frozen=True, kw_only=True)
class Instance:
    process: asyncio.subprocess.Process
    url: str  # its Slack events endpoint


@dataclass
class Load:
    """What one setup showed under the Slack load."""

    setup: Setup
    seen: Seen
    answered: int = 0  # mentions answered at least once
    to_both: int = 0  # mentions sent to both instances at once
    failed_over: int = 0  # mentions a dead instance did not acknowledge, sent to the other
    cpu: float = 0.0  # the instances' CPU seconds during the load
    database_cpu: float | None = None  # the database's, for their connections
    # The mentions not answered after a kill, by who was sent and who acknowledged them.
    lost_kinds: Counter[str] = field(default_factory=Counter)


@dataclass
class Balancer:
    """Sends each mention to the instances in turn, and every ALSO_TO_BOTH-th to the next
    one at the same moment (marked as Slack marks a retry). A mention no instance
    acknowledged (one was killed with it) goes to the others, as Slack retries a mention it
    got no acknowledgement for. With `kill_after`, `halfway` is set once that many mentions
    were sent."""

    instances: Sequence[Instance]
    http: aiohttp.ClientSession
    questions: list[str]
    load: Load
    kill_after: int | None = None
    halfway: asyncio.Event = field(default_factory=asyncio.Event)
    acked_by: dict[str, set[str]] = field(default_factory=dict)  # ts → urls that acked it
    failed_over: set[str] = field(default_factory=set)  # ts of those sent to another
    to_both: set[str] = field(default_factory=set)  # ts of those sent to both at once
    _sent: int = 0

    async def send(self, round_no: int, i: int) -> None:
        n, self._sent = self._sent, self._sent + 1
        if n == self.kill_after:
            self.halfway.set()
        ts, body = mention(round_no, i, self.questions)
        urls = [instance.url for instance in self.instances]
        first = n % len(urls)
        targets = [urls[first]]
        if len(urls) > 1 and n % ALSO_TO_BOTH == ALSO_TO_BOTH - 1:
            targets.append(urls[(first + 1) % len(urls)])
            self.load.to_both += 1
            self.to_both.add(ts)
        self.load.seen.starts[ts] = time.monotonic()
        acked = await asyncio.gather(
            *(self._post(url, ts, body, retry=k) for k, url in enumerate(targets))
        )
        if any(acked):
            return
        self.load.failed_over += 1
        self.failed_over.add(ts)
        for k, url in enumerate(urls[first + 1 :] + urls[:first], start=len(targets)):
            if await self._post(url, ts, body, retry=k):
                return
        raise RuntimeError(f"no instance acknowledged mention {ts}")

    async def _post(self, url: str, ts: str, body: bytes, *, retry: int) -> bool:
        """True once acknowledged; False if the instance is gone (refused or dropped it)."""
        headers = {"Content-Type": "application/json", **signed(body)}
        if retry:
            headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
        start = time.monotonic()
        try:
            async with self.http.post(url, data=body, headers=headers) as response:
                await response.read()
        except aiohttp.ClientError:
            return False
        if response.status != 200:
            raise RuntimeError(f"mention {ts}: {url} answered {response.status}")
        self.load.seen.acks.append(time.monotonic() - start)
        self.acked_by.setdefault(ts, set()).add(url)
        return True


@contextlib.asynccontextmanager
async def _instances(
    count: int, *, slack: SlackMock, data: Path, database: str | None, claim: bool = False
) -> AsyncIterator[list[Instance]]:
    """`count` servers on one store (its schema already brought up to date), started at once."""
    environ = {
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack.api_url,
        **({"DATABASE_URL": database} if database else {}),
        **(
            {"SPRED_CLAIM_SECONDS": CLAIM_SECONDS, "SPRED_REFRESH_SECONDS": REFRESH_SECONDS}
            if claim
            else {}
        ),
    }
    ports = [free_port() for _ in range(count)]
    started = await asyncio.gather(
        *(
            serving(["-m", "bot", "serve", "--port", str(p), "--data", str(data)], environ, p)
            for p in ports
        ),
        return_exceptions=True,
    )
    processes = [p for p in started if isinstance(p, asyncio.subprocess.Process)]
    try:
        for failure in started:
            if isinstance(failure, BaseException):
                raise failure
        yield [
            Instance(process=p, url=f"http://127.0.0.1:{port}/slack/events")
            for p, port in zip(processes, ports, strict=True)
        ]
    finally:
        for process in processes:
            if process.returncode is None:
                await stop(process)


@contextlib.asynccontextmanager
async def _store_for(setup: Setup) -> AsyncIterator[tuple[Path, str | None]]:
    """A data directory, and for PostgreSQL a fresh schema's URL, holding the demo base."""
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        if not setup.postgres:
            store = await open_store(data)
            await store.solutions.upsert_many(demo_solutions())
            await store.close()
            yield data, None
            return
        async with fresh_schema() as url:
            store = await open_store(data, database=url)
            await store.solutions.upsert_many(demo_solutions())
            await store.close()
            yield data, url


def _slack() -> SlackMock:
    slack = SlackMock()
    for i in range(max(CONCURRENT, LETTERS)):
        slack.add_user(f"U{i:04d}", f"Person {i}", f"p{i}@kommune.eksempel.dk")
    return slack


async def _cpu(instances: Sequence[Instance]) -> dict[int, float]:
    return {i.process.pid: cpu_seconds(i.process.pid) or 0.0 for i in instances}


async def _slack_load(setup: Setup, questions: list[str]) -> Load:
    load = Load(setup=setup, seen=Seen())
    slack = _slack()
    await slack.start()
    try:
        async with (
            _store_for(setup) as (data, database),
            _instances(
                setup.instances, slack=slack, data=data, database=database, claim=setup.kill
            ) as instances,
            aiohttp.ClientSession() as http,
        ):
            total = CONCURRENT * EACH
            balancer = Balancer(
                instances=instances,
                http=http,
                questions=questions,
                load=load,
                kill_after=int(total * KILL_AT) if setup.kill else None,
            )
            before = await _cpu(instances)
            database_before = await backend_cpu_seconds(database) if database else None
            after: dict[int, float] = {}
            killer = asyncio.create_task(_kill_halfway(balancer, instances[-1], after))
            began = time.monotonic()
            await asking_again(balancer.send, load.seen, slack)
            load.seen.sending = time.monotonic() - began
            if setup.kill:  # answers held up by what the killed instance held, still coming
                await _answered(slack, set(balancer.acked_by), wait=STRAGGLERS_WAIT)
            await asyncio.sleep(LATE)
            killer.cancel()
            after = await _cpu(instances) | after  # the killed one's last reading stands
            if database and database_before is not None and not setup.kill:
                # a killed instance's connections, and their CPU, are gone with it
                database_after = await backend_cpu_seconds(database)
                if database_after is not None:
                    load.database_cpu = database_after - database_before
            load.cpu = sum(after[pid] - before[pid] for pid in before)
            killed = instances[-1].url if setup.kill else None
    finally:
        await slack.close()
    posts = slack.called("chat.postMessage")
    tally(load.seen, posts=posts)
    answered = {str(p.args.get("thread_ts")) for p in posts}
    load.answered = sum(1 for ts in load.seen.starts if ts in answered)
    if killed is not None:
        load.lost_kinds = Counter(
            _lost_kind(ts, urls, killed=killed, balancer=balancer)
            for ts, urls in balancer.acked_by.items()
            if ts not in answered
        )
    return load


POST = "chat.postMessage"


def _lost_kind(ts: str, acked: set[str], *, killed: str, balancer: Balancer) -> str:
    """Who was sent a mention never answered, and who acknowledged it."""
    if acked == {killed}:
        return "acknowledged by the killed instance alone"
    if len(acked) > 1:
        return "sent to both at once, acknowledged by both"
    if ts in balancer.failed_over or ts in balancer.to_both:
        return "sent to the killed instance, acknowledged only by the other"
    return "sent to the surviving instance alone"


async def _answered(slack: SlackMock, mentions: set[str], *, wait: float) -> None:
    """Until every one of `mentions` (by ts) is answered, or `wait` seconds."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(wait):
            while mentions - {str(c.args.get("thread_ts")) for c in slack.called(POST)}:
                slack.changed.clear()
                await slack.changed.wait()


async def _kill_halfway(balancer: Balancer, victim: Instance, after: dict[int, float]) -> None:
    """SIGKILLs `victim` once the balancer is half way; its last CPU reading goes in
    `after`."""
    await balancer.halfway.wait()
    after[victim.process.pid] = cpu_seconds(victim.process.pid) or 0.0
    victim.process.kill()
    await victim.process.wait()


@dataclass
class Burst:
    """What one outbox burst showed: deliveries per letter, and how long all took."""

    name: str
    posts: Counter[int] = field(default_factory=Counter)
    seconds: float = 0.0
    # with a kill: how long before it each letter posted twice was first posted (ms)
    before_kill: list[float] = field(default_factory=list)
    undelivered: int = 0  # letters the store still holds as waiting at the end

    @property
    def twice(self) -> int:
        return sum(count - 1 for count in self.posts.values() if count > 1)

    @property
    def lost(self) -> int:
        return sum(1 for n in range(LETTERS) if self.posts[n] == 0)


_LETTER = re.compile(r"Bench letter (\d{4})")


@dataclass
class Postbag:
    """How often each letter was posted to its addressee's DM, read from the mock's calls
    as they come (each call once)."""

    slack: SlackMock
    posts: Counter[int] = field(default_factory=Counter)
    first: dict[int, float] = field(default_factory=dict)  # letter → when first posted
    _read: int = 0

    def count(self) -> Counter[int]:
        for call in self.slack.calls[self._read :]:
            if call.method != "chat.postMessage":
                continue
            found = _LETTER.search(orjson.dumps(call.args).decode())
            if found and str(call.args.get("channel", "")).startswith("D"):
                self.posts[int(found.group(1))] += 1
                self.first.setdefault(int(found.group(1)), call.at)
        self._read = len(self.slack.calls)
        return self.posts

    async def wait(self, enough: Callable[[Counter[int]], bool]) -> None:
        """Until the letters posted so far are `enough`, or LETTERS_WAIT seconds."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(LETTERS_WAIT):
                while not enough(self.count()):
                    self.slack.changed.clear()
                    await self.slack.changed.wait()


async def _burst(*, kill: bool) -> Burst:
    """LETTERS letters for as many Slack users, written to the store while two instances
    run; both deliver them, and with `kill` one is SIGKILLed once a share KILL_AT went out."""
    setup = Setup(name="outbox", instances=2, postgres=True)
    burst = Burst(name=f"{LETTERS} letters, 2 instances" + (", one killed" if kill else ""))
    slack = _slack()
    bag = Postbag(slack)
    await slack.start()
    try:
        async with (
            _store_for(setup) as (data, database),
            _instances(2, slack=slack, data=data, database=database, claim=kill) as instances,
        ):
            store = await open_store(data, database=database)
            try:
                letters = [
                    Letter(
                        id=f"bench-letter-{n:04d}",
                        to=f"slack:U{n:04d}",
                        kind="introduction",
                        reply=reply_to_dict(Reply(text=f"Bench letter {n:04d}")),
                        created_at=now(),
                    )
                    for n in range(LETTERS)
                ]
                began = time.monotonic()
                await store.outbox.upsert_many(letters)
                if kill:
                    await bag.wait(lambda posts: posts.total() >= LETTERS * KILL_AT)
                    instances[-1].process.kill()
                    killed_at = time.monotonic()
                    await instances[-1].process.wait()
                await bag.wait(lambda posts: len(posts) == LETTERS)
                # A letter the killed instance posted but had not recorded as delivered
                # waits for its claim to end: wait for the store to say all are delivered.
                for _ in range(int(LETTERS_WAIT / LOOK)):
                    if not await store.outbox.find(delivered_at=None):
                        break
                    await asyncio.sleep(LOOK)
                burst.seconds = time.monotonic() - began
                await asyncio.sleep(LATE)
                burst.undelivered = len(await store.outbox.find(delivered_at=None))
            finally:
                await store.close()
    finally:
        await slack.close()
    burst.posts = bag.count()
    if kill:
        burst.before_kill = [
            (killed_at - bag.first[n]) * 1000 for n, count in burst.posts.items() if count > 1
        ]
    return burst


def _per_event(load: Load, seconds: float | None) -> str:
    return f"{seconds / load.answered * 1000:.2f} ms" if seconds is not None else "–"


def _median(runs: list[Load]) -> Load:
    """The run with the median CPU per answered mention."""
    return sorted(runs, key=lambda load: load.cpu / max(load.answered, 1))[len(runs) // 2]


def _row(load: Load, runs: list[Load]) -> str:
    """The median run's figures; answered twice and not at all summed over all runs."""
    seen = load.seen
    answers = len(seen.answers) / seen.answering if seen.answering else 0.0
    each = " / ".join(f"{run.cpu / max(run.answered, 1) * 1000:.2f}" for run in runs)
    return (
        f"| {load.setup.name} | {len(seen.starts)} | {load.to_both} | {load.failed_over} | "
        f"{quantile_ms(seen.acks, 0.99):.1f} ms | {quantile_ms(seen.answers, 0.95):.0f} ms | "
        f"{answers:.0f}/s | {sum(r.seen.doubled for r in runs)} | "
        f"{sum(r.seen.lost for r in runs)} | {_per_event(load, load.cpu)} | {each} ms | "
        f"{_per_event(load, load.database_cpu)} |"
    )


def _ratio(name: str, ours: Load, theirs: Load, target: float) -> str:
    """One CPU target: `ours` per answered mention at most `target` times `theirs`."""
    mine, base = ours.cpu / ours.answered, theirs.cpu / theirs.answered
    verdict = "met" if mine <= target * base else "missed"
    return (
        f"- {name}: {mine * 1000:.2f} vs {base * 1000:.2f} ms CPU per answered mention, "
        f"×{mine / base:.2f} (target ≤ ×{target:.2f}): {verdict}."
    )


def main() -> int:
    why = unreachable()
    if why:
        print(f"\n## Several instances: skipped. {why}\n")
        return 0
    questions = [q.q for q in load_questions() if q.kind != "none"]
    runs: dict[Setup, list[Load]] = {setup: [] for setup in SETUPS}
    for repeat in range(REPEATS):  # in turn, so a slow spell of the machine falls on all
        for setup in SETUPS if repeat == 0 else SETUPS[:-1]:
            runs[setup].append(asyncio.run(_slack_load(setup, questions)))
    loads = [_median(runs[setup]) for setup in SETUPS]
    bursts = [asyncio.run(_burst(kill=kill)) for kill in (False, True)]
    print(
        f"\n## Several instances: {CONCURRENT} people × {EACH} signed mentions, each asking "
        "again once answered\n"
    )
    print(
        "| setup | mentions | sent to both | failed over | ack p99 | answer p95 | answers/s "
        "| answered twice | not answered | instances' CPU per answer | each run "
        "| database's CPU per answer |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for load in loads:
        print(_row(load, runs[load.setup]))
    tiny, postgres, two, killed = loads
    print()
    print(_ratio("1 → 2 instances on PostgreSQL", two, postgres, CPU_RISE_TARGET))
    print(_ratio("PostgreSQL next to TinyDB, 1 instance", postgres, tiny, POSTGRES_CPU_TARGET))
    print(
        f"- one of two killed after {int(CONCURRENT * EACH * KILL_AT)} mentions: "
        f"{killed.seen.lost} acknowledged mentions not answered"
        + "".join(f"; {count} {kind}" for kind, count in killed.lost_kinds.most_common())
        + f"; {killed.seen.doubled} answered twice; "
        f"{sum(1 for a in killed.seen.answers if a > ANSWERS_WAIT)} answered after more than "
        f"{ANSWERS_WAIT:.0f} s (waited for up to {STRAGGLERS_WAIT:.0f} s after the load). Its "
        f"answers/s include the {ANSWERS_WAIT:.0f} s a sender waits for an answer before it "
        "asks again."
    )
    print(f"\n## Outbox: {LETTERS} letters to Slack users, delivered by two instances\n")
    print(
        "| burst | delivered once | delivered twice or more | never | all delivered after "
        "| left waiting in the store |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for burst in bursts:
        once = sum(1 for count in burst.posts.values() if count == 1)
        print(
            f"| {burst.name} | {once} | {sum(1 for c in burst.posts.values() if c > 1)} "
            f"({burst.twice} extra posts) | {burst.lost} | "
            + (f"{burst.seconds:.1f} s" if not burst.lost else "–")
            + f" | {burst.undelivered} |"
        )
    for burst in bursts:
        if burst.before_kill:
            ms = sorted(burst.before_kill)
            print(
                f"\n{burst.name}: the {len(ms)} letters posted twice were first posted "
                f"{ms[0]:.0f}–{ms[-1]:.0f} ms before the kill. One whose post Slack took but "
                "whose delivery the killed instance had not recorded yet goes out again once "
                "its claim ends: at most one per letter it was sending when it died."
            )
    failures = [
        f"{load.setup.name}: {load.seen.doubled} mentions answered twice, {load.seen.lost} "
        "not answered"
        for setup in SETUPS
        for load in runs[setup]
        if load.seen.doubled or load.seen.lost
    ] + [
        f"{burst.name}: {burst.twice} extra posts, {burst.lost} letters never delivered"
        for burst in bursts
        if burst.twice or burst.lost
    ]
    print()
    print("Exactly once: " + ("held." if not failures else "FAILED: " + "; ".join(failures)))
    return 1 if failures else 0
