"""Two real `spred serve` processes on one PostgreSQL schema, with the Slack mock: a Slack
event both are given is answered once, and the letters left in the outbox are delivered
once each between them, also when one is killed (SIGKILL) in the middle of sending."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest

from bot.messages import Notice, Reply
from bot.outbox import Outbox
from knowledge.store import open_store
from tests.conftest import make_solution
from tests.slack_mock import SECRET, TOKEN, SlackMock, event_body, signed

ROOT = Path(__file__).resolve().parents[1]
LEASE = 1  # seconds: SPRED_CLAIM_SECONDS, so a killed instance's letters go out soon


@dataclass
class Instance:
    port: int
    process: asyncio.subprocess.Process

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _up(instance: Instance, http: aiohttp.ClientSession, *, within: float = 30) -> None:
    """Waits until the instance answers /healthz with Slack reached."""
    async with asyncio.timeout(within):
        while True:
            assert instance.process.returncode is None, "spred serve exited"
            try:
                async with http.get(f"{instance.url}/healthz") as response:
                    if (await response.json())["platforms"].get("slack") == "ok":
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.05)


@asynccontextmanager
async def serving(
    database_url: str, slack: SlackMock, tmp_path: Path, *, count: int = 2
) -> AsyncIterator[list[Instance]]:
    """`count` instances of `spred serve` on the database, started at once."""
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack.api_url,
        "SPRED_TEAMS": "off",
        "SPRED_CLAIM_SECONDS": str(LEASE),
        "SPRED_REFRESH_SECONDS": "0.2",
    }
    instances = []
    for n in range(count):
        port = _free_port()
        with (tmp_path / f"serve-{n}.log").open("w") as log:
            process = await asyncio.create_subprocess_exec(
                *(sys.executable, "-m", "bot", "serve", "--port", str(port)),
                *("--data", str(tmp_path / "unused"), "--database", database_url),
                cwd=ROOT,
                env=env,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=log,
            )
        instances.append(Instance(port, process))
    try:
        async with aiohttp.ClientSession() as http:
            await asyncio.gather(*(_up(i, http) for i in instances))
        yield instances
    finally:
        for instance in instances:
            if instance.process.returncode is None:
                instance.process.terminate()
        for instance in instances:
            await instance.process.wait()
    for n in range(count):
        assert "Traceback" not in (tmp_path / f"serve-{n}.log").read_text()


@pytest.fixture
async def slack() -> AsyncIterator[SlackMock]:
    mock = SlackMock()
    mock.add_user("U0ANNA", "Anna Holm")
    await mock.start()
    yield mock
    await mock.close()


async def test_one_event_given_to_two_instances_is_answered_once(
    database_url: str, slack: SlackMock, tmp_path: Path
) -> None:
    store = await open_store(tmp_path / "unused", database=database_url)
    await store.solutions.upsert(make_solution())  # one: the instances start sooner
    await store.close()
    async with serving(database_url, slack, tmp_path) as instances:
        event = {
            "type": "app_mention",
            "user": "U0ANNA",
            "text": "<@U0SPRED> ventetid visitation",
            "ts": "1700000000.000100",
            "channel": "C0CARE",
        }
        body = event_body(event, event_id="EvTwice")
        headers = {"Content-Type": "application/json", **signed(body)}
        async with aiohttp.ClientSession() as http:

            async def post(instance: Instance) -> int:
                async with http.post(
                    f"{instance.url}/slack/events", data=body, headers=headers
                ) as response:
                    return response.status

            assert await asyncio.gather(*(post(i) for i in instances)) == [200, 200]
        await slack.wait_for("chat.postMessage", timeout=10)
        await asyncio.sleep(1)  # time enough for a second answer, were there one
    [answer] = slack.called("chat.postMessage")
    assert answer.args["channel"] == "C0CARE"
    assert "Kortere ventetid i hjemmeplejen" in answer.args["text"]


async def _leave_letters(database_url: str, tmp_path: Path, users: list[str]) -> None:
    """Letters for Slack users, as `spred import` or the terminal chat leave them."""
    store = await open_store(tmp_path / "unused", database=database_url)
    try:
        writer = Outbox(store=store)  # delivers to no platform: they wait
        for user in users:
            await writer.send(Notice(to=user, kind="test", reply=Reply(text=f"Til {user}")))
    finally:
        await store.close()


async def _all_posted(slack: SlackMock, users: list[str], *, within: float) -> Counter[str]:
    """How often each user's DM was posted to, once every one of them was (plus a lease and
    a few rounds, for a second post to show)."""
    channels = {f"D{user.removeprefix('slack:')}" for user in users}
    async with asyncio.timeout(within):
        while not channels <= {c.args["channel"] for c in slack.called("chat.postMessage")}:
            slack.changed.clear()
            await slack.changed.wait()
    await asyncio.sleep(LEASE + 0.5)
    return Counter(str(c.args["channel"]) for c in slack.called("chat.postMessage"))


async def test_letters_go_out_once_between_two_instances_also_when_one_is_killed(
    database_url: str, slack: SlackMock, tmp_path: Path
) -> None:
    first = [f"slack:U0A{n:02}" for n in range(24)]
    await _leave_letters(database_url, tmp_path, first)
    # Slack takes 8 posts, then keeps the next waiting: each instance is then in the
    # middle of sending a letter (and holds more claimed).
    released = slack.stall("chat.postMessage", after=8)
    async with serving(database_url, slack, tmp_path) as (killed, survivor):
        async with asyncio.timeout(20):
            while slack.stalled("chat.postMessage") < 2:
                await asyncio.sleep(0.02)
        killed.process.send_signal(signal.SIGKILL)
        await killed.process.wait()
        async with asyncio.timeout(5):  # Slack sees its connection go
            while slack.stalled("chat.postMessage") > 1:
                await asyncio.sleep(0.02)
        released.set()
        posted = await _all_posted(slack, first, within=15)
        assert posted == Counter({f"D{user.removeprefix('slack:')}": 1 for user in first})

        # Letters left while the survivor runs alone go out once too.
        more = [f"slack:U0B{n:02}" for n in range(6)]
        await _leave_letters(database_url, tmp_path, more)
        posted = await _all_posted(slack, first + more, within=10)
        assert survivor.process.returncode is None
    assert posted == Counter({f"D{user.removeprefix('slack:')}": 1 for user in first + more})


async def test_a_mention_acknowledged_by_an_instance_killed_before_answering_is_answered_once(
    database_url: str, slack: SlackMock, tmp_path: Path
) -> None:
    """Slack sends an acknowledged event no more: the survivor answers it, once."""
    store = await open_store(tmp_path / "unused", database=database_url)
    await store.solutions.upsert(make_solution())
    await store.close()
    released = slack.stall("chat.postMessage", after=0)  # the answer is on its way, not there
    async with serving(database_url, slack, tmp_path) as (killed, survivor):
        event = {
            "type": "app_mention",
            "user": "U0ANNA",
            "text": "<@U0SPRED> ventetid visitation",
            "ts": "1700000000.000200",
            "channel": "C0CARE",
        }
        body = event_body(event, event_id="EvKilled")
        headers = {"Content-Type": "application/json", **signed(body)}
        async with (
            aiohttp.ClientSession() as http,
            http.post(f"{killed.url}/slack/events", data=body, headers=headers) as response,
        ):
            assert response.status == 200  # acknowledged: Slack will not send it again
        async with asyncio.timeout(20):
            while slack.stalled("chat.postMessage") < 1:
                await asyncio.sleep(0.02)
        killed.process.send_signal(signal.SIGKILL)
        await killed.process.wait()
        async with asyncio.timeout(5):  # Slack sees its connection go: that post never arrives
            while slack.stalled("chat.postMessage") > 0:
                await asyncio.sleep(0.02)
        released.set()
        await slack.wait_for("chat.postMessage", timeout=15)
        await asyncio.sleep(LEASE + 1)  # time enough for a second answer, were there one
        assert survivor.process.returncode is None
    [answer] = slack.called("chat.postMessage")
    assert answer.args["channel"] == "C0CARE"
    assert answer.args["thread_ts"] == "1700000000.000200"
    assert "Kortere ventetid i hjemmeplejen" in answer.args["text"]
