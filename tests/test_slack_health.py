"""Spred's standing with Slack: the server starts and serves when Slack cannot be reached or
refuses the token, says which in one log line and in /healthz, keeps trying in the
background, and takes Slack up (with what waited for it) when Slack answers."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import subprocess
import sys
from pathlib import Path

import aiohttp
import orjson
import pytest
from aiohttp.test_utils import TestServer

from adapters.slack import SLACK, connection
from bot.config import Settings
from bot.messages import Notice, Reply
from bot.server import CORE, build_app
from tests import test_slack
from tests.serving import health
from tests.slack_mock import APP_TOKEN, BOT_USER, SECRET, TOKEN, SlackMock, signed
from tests.test_slack import ANNA, Spred, _data, dm

slack = test_slack.slack  # the mock Slack, a fixture
ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _environ(api_url: str, **extra: str) -> dict[str, str]:
    return {
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": api_url,
        "SPRED_TEAMS": "off",
        **extra,
    }


async def _serving(data: Path, environ: dict[str, str]) -> TestServer:
    settings = Settings(data_dir=data, refresh_seconds=3600)
    server = TestServer(build_app(settings, environ=environ), host="127.0.0.1")
    await server.start_server()
    server.app[SLACK].adapter.poster.interval = 0.0
    return server


async def _health(server: TestServer, http: aiohttp.ClientSession) -> str:
    async with http.get(server.make_url("/healthz")) as response:
        assert response.status == 200
        return str((await response.json())["platforms"]["slack"])


async def _until_health(server: TestServer, http: aiohttp.ClientSession, wanted: str) -> None:
    for _ in range(400):  # bounded: about twenty seconds
        if await _health(server, http) == wanted:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"Slack's health never became {wanted!r}")


def _about_slack(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name.startswith("adapters.slack")]


def _tracebacks(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.exc_info]


@pytest.mark.parametrize("mode", ["http", "socket"])
async def test_with_slack_unreachable_the_server_starts_serves_and_says_so_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, mode: str
) -> None:
    extra = {"SLACK_APP_TOKEN": APP_TOKEN} if mode == "socket" else {}
    nowhere = f"http://127.0.0.1:{_free_port()}/api/"
    server = await _serving(await _data(tmp_path / "data"), _environ(nowhere, **extra))
    async with server, aiohttp.ClientSession() as http:
        assert await _health(server, http) == "unreachable"
        if mode == "http":  # Slack's own check of the Request URL needs no Web API
            body = orjson.dumps({"type": "url_verification", "challenge": "c1"})
            async with http.post(
                server.make_url("/slack/events"), data=body, headers=signed(body)
            ) as verified:
                assert verified.status == 200
                assert "c1" in await verified.text()
    [said] = [r for r in _about_slack(caplog) if r.levelno >= logging.WARNING]
    assert said.levelno == logging.WARNING
    assert "cannot reach Slack" in said.getMessage()
    assert "trying again" in said.getMessage()
    assert _tracebacks(caplog) == []


@pytest.mark.parametrize(
    ("token", "named"),
    [({"SLACK_BOT_TOKEN": "xoxb-wrong"}, "SLACK_BOT_TOKEN"),
     ({"SLACK_APP_TOKEN": "xapp-wrong"}, "SLACK_APP_TOKEN")],
)  # fmt: skip
async def test_with_a_token_slack_refuses_the_server_starts_and_names_the_token(
    tmp_path: Path,
    slack: SlackMock,
    caplog: pytest.LogCaptureFixture,
    token: dict[str, str],
    named: str,
) -> None:
    server = await _serving(await _data(tmp_path / "data"), _environ(slack.api_url, **token))
    async with server, aiohttp.ClientSession() as http:
        assert await _health(server, http) == "invalid_auth"
    [said] = [r for r in _about_slack(caplog) if r.levelno >= logging.WARNING]
    assert said.levelno == logging.ERROR
    assert f"Slack refuses {named} (invalid_auth)" in said.getMessage()
    assert "xoxb-wrong" not in caplog.text
    assert "xapp-wrong" not in caplog.text
    assert _tracebacks(caplog) == []


async def test_when_slack_comes_up_later_what_waited_for_it_goes_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    monkeypatch.setattr(connection, "RETRY_FIRST", 0.05)
    monkeypatch.setattr(connection, "RETRY_MAX", 0.2)
    port = _free_port()
    later = SlackMock()
    later.add_user(ANNA, "Anna Holm")
    server = await _serving(
        await _data(tmp_path / "data"), _environ(f"http://127.0.0.1:{port}/api/")
    )
    http = aiohttp.ClientSession()
    try:
        assert await _health(server, http) == "unreachable"
        # a DM before Spred knows its own ids, and a letter for a Slack user
        spred = Spred(server, http, later)
        assert (await spred.event(dm("sygefravær"), event_id="EvEarly")).status == 200
        core = server.app[CORE]
        await core.outbox.send(Notice(to="slack:U0BO", reply=Reply(text="hej"), kind="test"))
        assert len(await core.outbox.waiting()) == 1
        await later.start(port=port)  # Slack comes up
        await _until_health(server, http, "ok")
        [answer] = await later.wait_for("chat.postMessage")
        assert answer.args["channel"] == "D0ANNA"
        assert "sygefravær" in answer.args["text"].lower()
        assert await core.outbox.flush() == 1
        [letter] = await later.wait_for("conversations.open")
        assert letter.args["users"] == "U0BO"
    finally:
        await http.close()
        await server.close()
        await later.close()
    said = [r.getMessage() for r in _about_slack(caplog) if r.levelno >= logging.INFO]
    assert said[-1] == f"connected to Slack as {BOT_USER}"
    assert len([m for m in said if "cannot reach Slack" in m]) == 1  # said once, tried often
    assert len(later.called("auth.test")) == 1


async def test_without_its_own_ids_spred_answers_only_what_cannot_be_its_own(
    tmp_path: Path, slack: SlackMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from adapters.slack import adapter

    monkeypatch.setattr(adapter, "IDENTITY_WAIT", 0.1)
    monkeypatch.setattr(connection, "RETRY_FIRST", 3600.0)
    slack.fail("auth.test", 503)  # Slack answers the rest, but never who the bot is
    server = await _serving(await _data(tmp_path / "data"), _environ(slack.api_url))
    async with server, aiohttp.ClientSession() as http:
        assert await _health(server, http) == "unreachable"
        spred = Spred(server, http, slack)
        app_marked = dm("ventetid", user=BOT_USER, app_id="A0SPRED", bot_profile={"id": "B1"})
        assert (await spred.event(app_marked, event_id="EvOwn")).status == 200
        assert (await spred.event(dm("sygefravær"), event_id="EvPerson")).status == 200
        await server.app[SLACK].adapter.drain(within=10)
        posts = slack.called("chat.postMessage")
    assert [p.args["channel"] for p in posts] == ["D0ANNA"]
    assert "sygefravær" in posts[0].args["text"].lower()


async def test_closing_stops_trying_slack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(connection, "RETRY_FIRST", 0.05)
    nowhere = f"http://127.0.0.1:{_free_port()}/api/"
    server = await _serving(await _data(tmp_path / "data"), _environ(nowhere))
    trying = server.app[SLACK].adapter.connection._trying
    assert trying is not None
    assert not trying.done()
    await server.close()
    assert trying.cancelled()


def test_spred_serve_starts_with_slack_unreachable_and_answers_healthz(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, **_environ(f"http://127.0.0.1:{_free_port()}/api/")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--port", str(port), "--data", str(tmp_path)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        body = health(port, proc=proc)
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=20)
    assert body["platforms"] == {"slack": "unreachable", "web": "ok"}
    assert "Traceback" not in err
    [said] = [line for line in err.splitlines() if " WARNING " in line or " ERROR " in line]
    assert "cannot reach Slack" in said


async def test_an_answer_in_progress_is_sent_before_the_server_stops(
    tmp_path: Path, slack: SlackMock, caplog: pytest.LogCaptureFixture
) -> None:
    server = await _serving(await _data(tmp_path / "data"), _environ(slack.api_url))
    async with aiohttp.ClientSession() as http:
        spred = Spred(server, http, slack)
        event = dm("ventetid hjemmepleje opstart")
        assert (await spred.event(event, event_id="EvStop")).status == 200
    await server.close()  # at once: the answer is still being worked on
    [post] = slack.called("chat.postMessage")
    assert "Opstartsteam" in post.args["text"]
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
