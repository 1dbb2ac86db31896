"""Slack's acknowledgement goes back before Spred works on the answer, over the real bolt
stack on loopback HTTP and over the socket: nothing the answer needs (the asker's profile,
the store, the matcher) runs before it, and the answer is still given, once."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from aiohttp.test_utils import TestServer

from adapters.slack import SLACK, answers
from bot.config import Settings
from bot.core import Send
from bot.messages import Incoming
from bot.server import CORE, build_app
from tests import test_slack
from tests.slack_mock import APP_TOKEN, SlackMock, event_body, form_body, interaction_body, signed
from tests.test_slack import (
    ANNA,
    FORM,
    Spred,
    _data,
    _environ,
    _running,
    mention,
    pressed,
    rendered,
)

slack, spred = test_slack.slack, test_slack.spred  # fixtures: the mock Slack, a running Spred


def _command(slack: SlackMock, text: str) -> dict[str, str]:
    return {
        "command": "/spred",
        "text": text,
        "user_id": ANNA,
        "channel_id": "C0CARE",
        "team_id": "T0TEAM",
        "response_url": slack.response_url,
        "trigger_id": "trig-1",
    }


def _request(kind: str, slack: SlackMock) -> tuple[bytes, str, str]:
    """A signed request of each kind acknowledged at once: its body, its content type and
    the Web API method its answer ends in."""
    if kind == "mention":
        body = event_body(mention("ventetid hjemmepleje opstart"), event_id="EvAck")
        return body, "application/json", "chat.postMessage"
    if kind == "command":
        return form_body(_command(slack, "ventetid hjemmepleje opstart")), FORM, "response_url"
    value = orjson.dumps({"a": "help", "p": {}}).decode()  # on the App Home: answered by DM
    return interaction_body(pressed(ANNA, value)), FORM, "chat.postMessage"


@contextlib.contextmanager
def _sent_unread(spred: Spred, body: bytes, *, content_type: str) -> Iterator[socket.socket]:
    """The request, sent over a connection of its own whose answer is left unread, so what
    has arrived can be looked at without waiting for it."""
    url = spred.server.make_url("/slack/events")
    headers = {
        "Host": f"{url.host}:{url.port}",
        "Content-Type": content_type,
        "Content-Length": str(len(body)),
        "Connection": "close",
        **signed(body),
    }
    head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    with socket.create_connection((str(url.host), int(url.port or 80))) as connection:
        connection.sendall(f"POST {url.path} HTTP/1.1\r\n{head}\r\n".encode() + body)
        connection.setblocking(False)
        yield connection


def _arrived(connection: socket.socket) -> bytes:
    """What the server has sent on the connection so far, left there to be read."""
    try:
        return connection.recv(65536, socket.MSG_PEEK)
    except BlockingIOError:
        return b""


@pytest.mark.parametrize("kind", ["mention", "command", "button"])
async def test_the_acknowledgement_is_sent_before_spred_asks_slack_who_asked(
    spred: Spred, kind: str
) -> None:
    body, content_type, answered_by = _request(kind, spred.slack)
    profile_asked = spred.slack.hold("users.info")
    with _sent_unread(spred, body, content_type=content_type) as connection:
        await spred.slack.wait_for("users.info", timeout=10)  # the answer has begun
        try:
            assert _arrived(connection).startswith(b"HTTP/1.1 200 ")
        finally:
            profile_asked.set()
    await spred.server.app[SLACK].adapter.drain(within=10)
    assert len(spred.slack.called(answered_by)) == 1


def _held_core(
    server: TestServer, monkeypatch: pytest.MonkeyPatch
) -> tuple[asyncio.Event, asyncio.Event]:
    """The core takes messages up (the first event is set) but answers none until the second
    event is set."""
    core = server.app[CORE]
    answer = core.answer  # how a mention is answered (held until posted)
    working, go_on = asyncio.Event(), asyncio.Event()

    async def held(message: Incoming, *, send: Send, holder: str) -> bool:
        working.set()
        await go_on.wait()
        return await answer(message, send=send, holder=holder)

    monkeypatch.setattr(core, "answer", held)
    return working, go_on


async def test_a_mention_is_acknowledged_while_the_core_is_still_answering_it(
    spred: Spred, monkeypatch: pytest.MonkeyPatch
) -> None:
    working, go_on = _held_core(spred.server, monkeypatch)
    async with asyncio.timeout(10):  # an acknowledgement that waited for the core: never
        response = await spred.event(mention("ventetid hjemmepleje opstart"), event_id="EvHeld")
        await working.wait()
    assert response.status == 200
    assert spred.slack.called("chat.postMessage") == []
    go_on.set()
    await spred.server.app[SLACK].adapter.drain(within=10)
    [answer] = spred.slack.called("chat.postMessage")
    assert "Opstartsteam" in answer.args["text"]


async def test_stopping_spred_sends_the_answers_it_has_acknowledged(
    tmp_path: Path, slack: SlackMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    server, http = await _running(await _data(tmp_path / "data"), slack)
    working, go_on = _held_core(server, monkeypatch)
    try:
        response = await Spred(server, http, slack).event(mention("ventetid"), event_id="EvStop")
        assert response.status == 200
        await asyncio.wait_for(working.wait(), 10)
    finally:
        await http.close()
    closing = asyncio.create_task(server.close())
    connection = server.app[SLACK].adapter.connection
    async with asyncio.timeout(10):
        while not connection._closed:  # stopping has begun: Slack is no longer tried
            await asyncio.sleep(0.01)
    go_on.set()
    await closing
    assert len(slack.called("chat.postMessage")) == 1


async def test_over_the_socket_the_acknowledgement_is_sent_before_spred_asks_slack(
    tmp_path: Path, slack: SlackMock
) -> None:
    environ = {**_environ(slack), "SLACK_APP_TOKEN": APP_TOKEN}
    settings = Settings(data_dir=await _data(tmp_path / "data"), refresh_seconds=60)
    server = TestServer(build_app(settings, environ=environ), host="127.0.0.1")
    async with server:
        profile_asked = slack.hold("users.info")
        command: dict[str, Any] = _command(slack, "ventetid hjemmepleje opstart")
        await slack.envelopes.put(
            {
                "envelope_id": "env-cmd",
                "type": "slash_commands",
                "accepts_response_payload": True,
                "payload": command,
            }
        )
        [asked] = await slack.wait_for("users.info", timeout=10)
        profile_asked.set()
        acknowledged = [c for c in slack.calls if c.method == "socket_ack"]
        assert [c.args["envelope_id"] for c in acknowledged] == ["env-cmd"]
        assert slack.calls.index(acknowledged[0]) < slack.calls.index(asked)
        await server.app[SLACK].adapter.drain(within=10)
        [answer] = slack.called("response_url")
    assert "Opstartsteam" in rendered(answer.args)


async def test_answers_beyond_those_worked_on_at_once_wait_their_turn_and_are_all_given(
    tmp_path: Path, slack: SlackMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(answers, "AT_ONCE", 2)
    for i in range(5):
        slack.add_user(f"U0P{i}", f"Person {i}")
    server, http = await _running(await _data(tmp_path / "data"), slack)
    core = server.app[CORE]
    answer = core.answer
    taken_up, go_on = asyncio.Queue[str](), asyncio.Event()

    async def held(message: Incoming, *, send: Send, holder: str) -> bool:
        taken_up.put_nowait(message.conversation)
        await go_on.wait()
        return await answer(message, send=send, holder=holder)

    monkeypatch.setattr(core, "answer", held)
    spred = Spred(server, http, slack)
    try:
        for i in range(5):  # all acknowledged at once, whatever waits
            event = mention("ventetid hjemmepleje", user=f"U0P{i}", channel=f"C0P{i}")
            assert (await spred.event(event, event_id=f"EvTurn{i}")).status == 200
        first = {await asyncio.wait_for(taken_up.get(), 10) for _ in range(2)}
        with pytest.raises(TimeoutError):  # a third is not taken up while two are worked on
            await asyncio.wait_for(taken_up.get(), 0.5)
        go_on.set()
        await server.app[SLACK].adapter.drain(within=10)
    finally:
        await http.close()
        await server.close()
    assert first < {f"C0P{i}" for i in range(5)}
    answered = sorted(str(p.args["channel"]) for p in slack.called("chat.postMessage"))
    assert answered == [f"C0P{i}" for i in range(5)]  # each once


async def test_an_event_delivered_to_two_servers_on_one_directory_is_answered_once(
    tmp_path: Path, slack: SlackMock
) -> None:
    # Two servers on one data directory, as two `spred serve` processes behind one Request
    # URL: each acknowledges the event at once, and only the store decides who answers it.
    data = await _data(tmp_path / "data")
    servers = [await _running(data, slack) for _ in range(2)]
    try:
        same = event_body(mention("ventetid hjemmepleje opstart"), event_id="EvBoth")
        acknowledged = await asyncio.gather(
            *(Spred(server, http, slack).post(same) for server, http in servers)
        )
        assert [a.status for a in acknowledged] == [200, 200]
        for server, _ in servers:
            await server.app[SLACK].adapter.drain(within=10)
    finally:
        for server, http in servers:
            await http.close()
            await server.close()
    assert len(slack.called("chat.postMessage")) == 1
