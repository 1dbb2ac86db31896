"""Slack on the real slack-bolt stack over loopback HTTP: signed requests to the real
/slack/events, and a mock Slack Web API that records the bot's real calls."""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import orjson
import pytest
from aiohttp.test_utils import TestServer

from adapters.slack import SLACK
from bot.config import Settings
from bot.core import Core
from bot.messages import Reply
from bot.server import CORE, build_app
from knowledge.kb import demo_solutions
from knowledge.records import Person, SeenEvent
from knowledge.solutions import parse_solution
from knowledge.store import open_store
from tests.conftest import Clock, solution_dict
from tests.slack_mock import (
    APP_TOKEN,
    BOT_USER,
    SECRET,
    TOKEN,
    Call,
    SlackMock,
    event_body,
    form_body,
    interaction_body,
    share_shortcut,
    signed,
)

ANNA = "U0ANNA"
ADMIN = "U0ADMIN"


@dataclass
class Spred:
    server: TestServer
    http: aiohttp.ClientSession
    slack: SlackMock

    async def post(
        self,
        body: bytes,
        *,
        headers: dict[str, str] | None = None,
        content_type: str = "application/json",
    ) -> aiohttp.ClientResponse:
        sent = {"Content-Type": content_type, **(signed(body) if headers is None else headers)}
        async with self.http.post(
            self.server.make_url("/slack/events"), data=body, headers=sent
        ) as response:
            await response.read()
            return response

    async def event(
        self, event: dict[str, Any], *, event_id: str, headers: dict[str, str] | None = None
    ) -> aiohttp.ClientResponse:
        body = event_body(event, event_id=event_id)
        return await self.post(body, headers={**signed(body), **(headers or {})})

    async def interaction(self, payload: dict[str, Any]) -> aiohttp.ClientResponse:
        return await self.post(
            interaction_body(payload), content_type="application/x-www-form-urlencoded"
        )


async def _data(path: Path, *extra: dict[str, Any]) -> Path:
    store = await open_store(path)
    await store.solutions.upsert_many(demo_solutions())
    if extra:
        await store.solutions.upsert_many([parse_solution(e, path="s") for e in extra])
    await store.close()
    return path


def _environ(slack: SlackMock, **extra: str) -> dict[str, str]:
    return {
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack.api_url,
        **extra,
    }


@pytest.fixture
async def slack() -> AsyncIterator[SlackMock]:
    mock = SlackMock()
    mock.add_user(ANNA, "Anna Holm", "anna@odense.eksempel.dk")
    mock.add_user(ADMIN, "Bo Admin")
    await mock.start()
    yield mock
    await mock.close()


async def _running(data: Path, slack: SlackMock) -> tuple[TestServer, aiohttp.ClientSession]:
    settings = Settings(data_dir=data, admins=frozenset({f"slack:{ADMIN}"}), refresh_seconds=60)
    server = TestServer(build_app(settings, environ=_environ(slack)), host="127.0.0.1")
    await server.start_server()
    server.app[SLACK].adapter.poster.interval = 0.0  # Slack's one-a-second pacing, off for tests
    return server, aiohttp.ClientSession()


@pytest.fixture
async def spred(tmp_path: Path, slack: SlackMock) -> AsyncIterator[Spred]:
    server, http = await _running(await _data(tmp_path / "data"), slack)
    yield Spred(server, http, slack)
    await http.close()
    await server.close()


def mention(
    text: str,
    *,
    user: str = ANNA,
    ts: str = "1700000000.000100",
    channel: str = "C0CARE",
    **extra: Any,
) -> dict[str, Any]:
    return {
        "type": "app_mention",
        "user": user,
        "text": text,
        "ts": ts,
        "channel": channel,
        **extra,
    }


def dm(text: str, *, user: str = ANNA, **extra: Any) -> dict[str, Any]:
    return {
        "type": "message",
        "channel_type": "im",
        "channel": "D0ANNA",
        "user": user,
        "text": text,
        "ts": "1700000001.000200",
        **extra,
    }


def rendered(call_args: dict[str, Any]) -> str:
    """What Slack shows: the message text and every text object in the blocks (not the
    buttons' values, which Slack never renders)."""
    found = [str(call_args.get("text", ""))]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") in ("mrkdwn", "plain_text"):
                found.append(str(node.get("text", "")))
            for key, value in node.items():
                if key != "value":
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(call_args.get("blocks"))
    return "\n".join(found)


def button(post: Call, label: str) -> dict[str, Any]:
    """The button a posted message shows with `label` in its text."""
    return next(
        e
        for b in post.args["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if label in e["text"]["text"]
    )


def pressed(
    user: str, value: str, *, channel: str = "", ephemeral: bool = False, **extra: Any
) -> dict[str, Any]:
    """A block_actions payload as Slack sends it: on a message in `channel` (with the
    `container` Slack always adds), or on the App Home when `channel` is empty."""
    body: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": user},
        "trigger_id": "trig-press",
        "actions": [{"action_id": "spred-0", "value": value}],
        **extra,
    }
    if channel:
        body["channel"] = {"id": channel}
        body["container"] = {
            "type": "message",
            "message_ts": "1700000002.000300",
            "channel_id": channel,
            "is_ephemeral": ephemeral,
        }
    else:
        body["container"] = {"type": "view", "view_id": "V0HOME"}
        body["view"] = {"type": "home", "id": "V0HOME"}
    return body


def view_of(call: Call) -> dict[str, Any]:
    view = call.args["view"]
    return dict(orjson.loads(view) if isinstance(view, str) else view)


async def test_startup_asks_slack_who_the_bot_is_and_healthz_says_slack_is_on(
    spred: Spred,
) -> None:
    assert spred.slack.called("auth.test")
    async with spred.http.get(spred.server.make_url("/healthz")) as response:
        health = await response.json()
    assert health["adapters"]["slack"] is True
    assert health["platforms"]["slack"] == "ok"


async def test_url_verification_echoes_the_challenge(spred: Spred) -> None:
    body = orjson.dumps({"type": "url_verification", "challenge": "abc123", "token": "x"})
    async with spred.http.post(
        spred.server.make_url("/slack/events"),
        data=body,
        headers={"Content-Type": "application/json", **signed(body)},
    ) as response:
        assert response.status == 200
        assert "abc123" in await response.text()


async def test_a_mention_is_answered_once_in_its_thread_naming_the_top_titles(
    spred: Spred,
) -> None:
    started = time.monotonic()
    response = await spred.event(
        mention(f"<@{BOT_USER}> hvordan får vi ventetiden ned i hjemmeplejen?"), event_id="Ev1"
    )
    assert response.status == 200
    assert time.monotonic() - started < 3
    [post] = await spred.slack.wait_for("chat.postMessage")
    assert post.args["channel"] == "C0CARE"
    assert post.args["thread_ts"] == "1700000000.000100"
    assert "Opstartsteam sikrer hjemmehjælp" in post.args["text"]
    blocks = post.args["blocks"]
    assert any(b["type"] == "actions" for b in blocks)
    assert "Kontakt Mette Kjærgaard" in rendered(post.args)
    assert BOT_USER not in post.args["text"]
    # a reply in a thread stays in that thread
    await spred.event(mention(f"<@{BOT_USER}> sygefravær", thread_ts="1699.1"), event_id="Ev2")
    posts = await spred.slack.wait_for("chat.postMessage", 2)
    assert posts[1].args["thread_ts"] == "1699.1"


async def test_a_direct_message_is_answered_in_the_dm_and_says_so_when_nothing_matches(
    spred: Spred,
) -> None:
    await spred.event(dm("snerydning på kirkegårdene"), event_id="Ev3")
    [post] = await spred.slack.wait_for("chat.postMessage")
    assert post.args["channel"] == "D0ANNA"
    assert "Jeg kender endnu ingen løsning" in post.args["text"]
    assert "thread_ts" not in post.args


async def test_bots_the_bot_itself_edits_deletes_and_channel_chatter_are_ignored(
    spred: Spred,
) -> None:
    ignored = [
        dm("ventetid", bot_id="B0OTHER"),
        dm("ventetid", subtype="bot_message"),
        dm("ventetid", user=BOT_USER),
        dm("ventetid", subtype="message_changed"),
        dm("ventetid", subtype="message_deleted"),
        {**dm("ventetid"), "channel_type": "channel"},
        {"type": "reaction_added", "user": ANNA, "reaction": "+1", "item": {}},  # not handled
    ]
    for i, event in enumerate(ignored):
        assert (await spred.event(event, event_id=f"EvI{i}")).status == 200
    await spred.event(dm("sygefravær"), event_id="EvLast")  # a real one, as a marker
    posts = await spred.slack.wait_for("chat.postMessage")
    assert len(posts) == 1
    assert "sygefravær" in posts[0].args["text"].lower()


async def test_two_copies_of_an_event_arriving_together_are_answered_once(spred: Spred) -> None:
    same = dm("ventetid hjemmepleje opstart")
    answers = await asyncio.gather(*(spred.event(same, event_id="EvTwin") for _ in range(2)))
    assert [a.status for a in answers] == [200, 200]
    await spred.slack.wait_for("chat.postMessage")  # the twins' answer, before the marker
    await spred.event(dm("sygefravær"), event_id="EvAfter")  # a marker after both
    await spred.slack.wait_for("chat.postMessage", 2)
    await asyncio.sleep(0.2)
    posts = spred.slack.called("chat.postMessage")
    assert len(posts) == 2
    assert "sygefravær" in posts[-1].args["text"].lower()


async def test_event_ids_past_keeping_are_forgotten_at_start_and_by_the_cores_pruning(
    tmp_path: Path, slack: SlackMock
) -> None:
    from bot.server import CORE, STORE

    long_ago = datetime(2020, 1, 1, tzinfo=UTC)
    data = await _data(tmp_path / "data")
    store = await open_store(data)
    await store.seen_events.upsert(SeenEvent(event_key="slack:EvOld", expires_at=long_ago))
    await store.close()
    server, http = await _running(data, slack)
    running = server.app[STORE]
    for _ in range(100):  # the server's first round of background work, at start
        if await running.seen_events.get("slack:EvOld") is None:
            break
        await asyncio.sleep(0.02)
    assert await running.seen_events.get("slack:EvOld") is None
    await running.seen_events.upsert(SeenEvent(event_key="slack:EvStale", expires_at=long_ago))
    await Spred(server, http, slack).event(dm("sygefravær"), event_id="EvNow")
    await slack.wait_for("chat.postMessage")
    await server.app[CORE].prune()  # as the server does whenever the knowledge base changes
    kept = {e.event_key for e in await running.seen_events.all()}
    await http.close()
    await server.close()
    assert kept == {"slack:EvNow"}


async def test_a_retried_event_is_answered_once_also_after_a_restart(
    tmp_path: Path, slack: SlackMock
) -> None:
    data = await _data(tmp_path / "data")
    server, http = await _running(data, slack)
    spred = Spred(server, http, slack)
    await spred.event(mention("ventetid hjemmepleje opstart"), event_id="EvR")
    await slack.wait_for("chat.postMessage")
    await spred.event(
        mention("ventetid hjemmepleje opstart"),
        event_id="EvR",
        headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "timeout"},
    )
    await http.close()
    await server.close()

    server, http = await _running(data, slack)
    spred = Spred(server, http, slack)
    await spred.event(
        mention("ventetid hjemmepleje opstart"), event_id="EvR", headers={"X-Slack-Retry-Num": "2"}
    )
    # a retry of an event never seen is answered
    await spred.event(mention("sygefravær"), event_id="EvNew", headers={"X-Slack-Retry-Num": "1"})
    posts = await slack.wait_for("chat.postMessage", 2)
    await http.close()
    await server.close()
    assert len(posts) == 2
    assert "sygefravær" in posts[1].args["text"].lower()


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Slack-Request-Timestamp": "abc", "X-Slack-Signature": "v0=00"},
        {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=00"},
        "stale",
        "future",
        "other secret",
    ],
)
async def test_bad_signatures_and_stale_timestamps_get_401_and_nothing_is_posted(
    spred: Spred, headers: Any, caplog: pytest.LogCaptureFixture
) -> None:
    body = event_body(mention("hemmeligt spørgsmål om ventetid"), event_id="EvBad")
    if headers == "stale":
        headers = signed(body, timestamp=int(time.time()) - 6 * 60)
    elif headers == "future":
        headers = signed(body, timestamp=int(time.time()) + 6 * 60)
    elif headers == "other secret":
        headers = signed(body, secret="wrong")
    caplog.set_level(logging.DEBUG)
    response = await spred.post(body, headers=headers)
    assert response.status == 401
    assert not spred.slack.called("chat.postMessage")
    assert "hemmeligt" not in caplog.text
    assert SECRET not in caplog.text
    assert TOKEN not in caplog.text
    async with spred.http.get(spred.server.make_url("/healthz")) as healthy:
        assert healthy.status == 200


async def test_malformed_json_is_400_and_a_huge_body_413(spred: Spred) -> None:
    body = b'{"type": "event_callback", "event": '
    assert (await spred.post(body)).status == 400
    big = b'{"x": "' + b"a" * (1024 * 1024 + 10) + b'"}'
    assert (await spred.post(big)).status == 413
    async with spred.http.get(spred.server.make_url("/healthz")) as healthy:
        assert healthy.status == 200


async def test_a_429_is_waited_out_and_the_answer_posted_exactly_once(spred: Spred) -> None:
    spred.slack.fail("chat.postMessage", 429, {"Retry-After": "1"})
    spred.slack.fail("chat.postMessage", 502)
    await spred.event(dm("ventetid hjemmepleje opstart"), event_id="Ev429")
    posts = await spred.slack.wait_for("chat.postMessage", timeout=10)
    assert [c.method for c in spred.slack.calls if c.method.startswith("chat.postMessage")] == [
        "chat.postMessage!429",
        "chat.postMessage!502",
        "chat.postMessage",
    ]
    assert len(posts) == 1


async def test_the_slash_command_answers_privately_helps_and_opens_the_form_for_admins(
    spred: Spred,
) -> None:
    def command(text: str, user: str = ANNA) -> bytes:
        return form_body(
            {
                "command": "/spred",
                "text": text,
                "user_id": user,
                "channel_id": "C0CARE",
                "team_id": "T0TEAM",
                "response_url": spred.slack.response_url,
                "trigger_id": "trig-1",
            }
        )

    form = "application/x-www-form-urlencoded"
    assert (await spred.post(command("ventetid hjemmepleje opstart"), content_type=form)).ok
    [answer] = await spred.slack.wait_for("response_url")
    assert answer.args["response_type"] == "ephemeral"
    assert "Opstartsteam" in rendered(answer.args)
    await spred.post(command(""), content_type=form)
    help_reply = (await spred.slack.wait_for("response_url", 2))[1]
    assert "Skriv et spørgsmål" in help_reply.args["text"]
    await spred.post(command("add"), content_type=form)
    refused = (await spred.slack.wait_for("response_url", 3))[2]
    assert "Det er kun Spreds administratorer" in refused.args["text"]
    await spred.post(command("add", user=ADMIN), content_type=form)
    [opened] = await spred.slack.wait_for("views.open")
    view = (
        orjson.loads(opened.args["view"])
        if isinstance(opened.args["view"], str)
        else (opened.args["view"])
    )
    assert view["type"] == "modal"
    assert [b["block_id"] for b in view["blocks"]][:2] == ["title", "summary"]
    await spred.post(command("Ny løsning!", user=ADMIN), content_type=form)  # the core's words
    assert len(await spred.slack.wait_for("views.open", 2)) == 2


async def test_buttons_work_and_a_forged_button_is_refused(spred: Spred) -> None:
    await spred.event(dm("ventetid hjemmepleje opstart"), event_id="EvB")
    [post] = await spred.slack.wait_for("chat.postMessage")
    contact = next(
        e
        for b in post.args["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if "Kontakt" in e["text"]["text"]
    )

    def press(value: str) -> dict[str, Any]:
        return {
            "type": "block_actions",
            "user": {"id": ANNA},
            "channel": {"id": "D0ANNA"},
            "response_url": spred.slack.response_url,
            "trigger_id": "t",
            "actions": [{"action_id": "spred-1", "value": value}],
        }

    assert (await spred.interaction(press(contact["value"]))).status == 200
    [told] = await spred.slack.wait_for("response_url")
    assert "mette.kjaergaard@aarhus.eksempel.dk" in told.args["text"]
    await spred.interaction(press('{"a": "publish", "p": {"admin": true}}'))
    await spred.interaction(press("not json"))
    replies = await spred.slack.wait_for("response_url", 3)
    assert "ingen kladde at udgive" in replies[1].args["text"]  # nobody's draft is open
    assert "Den knap virker ikke længere" in replies[2].args["text"]


async def test_a_modal_with_invalid_input_shows_errors_on_its_fields(spred: Spred) -> None:
    def submit(values: dict[str, str], user: str = ADMIN) -> dict[str, Any]:
        state = {
            name: {"value": {"type": "plain_text_input", "value": v}} for name, v in values.items()
        }
        return {
            "type": "view_submission",
            "user": {"id": user},
            "view": {
                "type": "modal",
                "callback_id": "spred-form:add_solution",
                "private_metadata": "D0ADMIN",
                "state": {"values": state},
            },
        }

    async def submitted(values: dict[str, str]) -> dict[str, Any]:
        """What Slack gets back at once for the submission: the modal's fate."""
        body = interaction_body(submit(values))
        async with spred.http.post(
            spred.server.make_url("/slack/events"),
            data=body,
            headers={"Content-Type": "application/x-www-form-urlencoded", **signed(body)},
        ) as response:
            return dict(await response.json())

    answer = await submitted({"title": "Maskinpulje", "email": "nej"})
    assert answer["response_action"] == "errors"
    assert "summary" in answer["errors"]
    assert "e-mail" in answer["errors"]["email"]
    good = GOOD_SOLUTION
    core = spred.server.app[CORE]
    real = core.services.kb.store.solutions.get

    async def failing(key: str) -> None:  # the store, asked whether the id is free
        raise OSError("disk gone")

    core.services.kb.store.solutions.get = failing  # type: ignore[method-assign]
    failed = await submitted(good)
    core.services.kb.store.solutions.get = real  # type: ignore[method-assign]
    assert failed["response_action"] == "errors"  # the modal stays open, nothing typed lost
    assert "noget gik galt" in failed["errors"]["title"]
    assert (await spred.interaction(submit(good))).status == 200
    [preview] = await spred.slack.wait_for("chat.postMessage")
    assert "Skal den udgives?" in rendered(preview.args)
    # Publish, pressed where the preview went: the admin's DM with Spred
    assert preview.args["channel"] == f"D{ADMIN}"
    publish = button(preview, "Udgiv")["value"]
    press = pressed(ADMIN, publish, channel=preview.args["channel"])
    assert (await spred.interaction(press)).status == 200
    published = (await spred.slack.wait_for("chat.postMessage", 2))[1]
    assert "er udgivet" in published.args["text"]
    stored = await core.services.store.solutions.all()
    assert [s.title for s in stored if s.title == good["title"]] == [good["title"]]


async def test_app_home_shows_recent_questions_and_followed_solutions(spred: Spred) -> None:
    await spred.event(dm("ventetid hjemmepleje opstart"), event_id="EvH1")
    await spred.slack.wait_for("chat.postMessage")
    await spred.event(
        {"type": "app_home_opened", "user": ANNA, "tab": "home", "channel": "D0ANNA"},
        event_id="EvH2",
    )
    [published] = await spred.slack.wait_for("views.publish")
    assert published.args["user_id"] == ANNA
    assert "ventetid hjemmepleje opstart" in orjson.dumps(published.args["view"]).decode()


async def test_hostile_markup_in_a_question_and_a_solution_is_escaped(
    tmp_path: Path, slack: SlackMock
) -> None:
    hostile = solution_dict(
        "fjendtlig-markup",
        title="Snerydning <!channel> <https://evil.example|klik her> & <@U0BOSS>",
        summary="Kirkegårde <!here> deler maskiner til snerydning.",
        tags=["snerydning", "kirkegård"],
    )
    data = await _data(tmp_path / "data", hostile)
    server, http = await _running(data, slack)
    spred = Spred(server, http, slack)
    await spred.event(dm("snerydning kirkegård &lt;!channel&gt; <!here>"), event_id="EvX")
    [post] = await slack.wait_for("chat.postMessage")
    await http.close()
    await server.close()
    shown = rendered(post.args)
    for raw in ("<!channel>", "<!here>", "<https://evil", "<@U0BOSS>"):
        assert raw not in shown
    assert "&lt;!channel&gt;" in shown
    assert "&amp;" in shown


async def test_very_long_solutions_stay_within_slacks_block_limits(
    tmp_path: Path, slack: SlackMock
) -> None:
    long = [
        solution_dict(
            f"lang-loesning-{i}",
            title=f"Snerydning {i} " + "ø" * 180,
            summary="Snerydning på kirkegårde. " * 19,
            description="Lang tekst & mere. " * 260,
            problem="<problem> " * 199,
            tags=["snerydning", "kirkegård"],
        )
        for i in range(4)
    ]
    data = await _data(tmp_path / "data", *long)
    server, http = await _running(data, slack)
    spred = Spred(server, http, slack)
    await spred.event(dm("snerydning kirkegård"), event_id="EvL1")
    [answer] = await slack.wait_for("chat.postMessage")
    await spred.interaction(
        {
            "type": "block_actions",
            "user": {"id": ANNA},
            "channel": {"id": "D0ANNA"},
            "actions": [
                {
                    "action_id": "spred-0",
                    "value": '{"a": "details", "p": {"solution": "lang-loesning-0"}}',
                }
            ],
        }
    )
    posts = await slack.wait_for("chat.postMessage", 2)
    await http.close()
    await server.close()
    for post in (answer, posts[1]):
        blocks = post.args["blocks"]
        assert 0 < len(blocks) <= 50
        assert len(post.args["text"]) <= 4000
        for block in blocks:
            texts = [block.get("text", {}), *list(block.get("elements", []))]
            for t in texts:
                if isinstance(t, dict) and t.get("type") == "mrkdwn":
                    assert len(t["text"]) <= 3000


async def test_an_introduction_reaches_a_slack_contact_by_dm(
    tmp_path: Path, slack: SlackMock
) -> None:
    entry = solution_dict(
        "kortere-ventetid",
        contacts=[{"name": "Mette Hansen", "email": "m@x.dk", "slack_id": "U0METTE"}],
    )
    data = await _data(tmp_path / "data", entry)
    server, http = await _running(data, slack)
    spred = Spred(server, http, slack)
    await spred.interaction(
        {
            "type": "block_actions",
            "user": {"id": ANNA},
            "channel": {"id": "D0ANNA"},
            "response_url": slack.response_url,
            "actions": [
                {
                    "action_id": "spred-1",
                    "value": '{"a": "contact", "p": {"solution": "kortere-ventetid"}}',
                }
            ],
        }
    )
    [opened] = await slack.wait_for("conversations.open")
    [told] = await slack.wait_for("chat.postMessage")
    await http.close()
    await server.close()
    assert opened.args["users"] == "U0METTE"
    assert told.args["channel"] == "DU0METTE"
    assert "Anna Holm" in told.args["text"]


async def test_without_slack_settings_the_endpoint_is_404_and_in_socket_mode_too(
    tmp_path: Path, slack: SlackMock
) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    for environ in ({}, {"SLACK_BOT_TOKEN": TOKEN}):
        server = TestServer(build_app(settings, environ=environ), host="127.0.0.1")
        async with server, aiohttp.ClientSession() as http:
            async with http.post(server.make_url("/slack/events"), data=b"{}") as response:
                assert response.status == 404
            async with http.get(server.make_url("/healthz")) as health:
                assert (await health.json())["adapters"]["slack"] is False


async def test_socket_mode_receives_events_over_the_websocket_and_turns_http_off(
    tmp_path: Path, slack: SlackMock
) -> None:
    environ = {**_environ(slack), "SLACK_APP_TOKEN": APP_TOKEN}
    settings = Settings(data_dir=await _data(tmp_path / "data"), refresh_seconds=60)
    server = TestServer(build_app(settings, environ=environ), host="127.0.0.1")
    async with server, aiohttp.ClientSession() as http:
        body = event_body(dm("ventetid hjemmepleje opstart"), event_id="EvS")
        async with http.post(
            server.make_url("/slack/events"), data=body, headers=signed(body)
        ) as response:
            assert response.status == 404
        await slack.envelopes.put(
            {
                "envelope_id": "env-1",
                "type": "events_api",
                "accepts_response_payload": False,
                "payload": orjson.loads(body),
            }
        )
        [ack] = await slack.wait_for("socket_ack")
        [post] = await slack.wait_for("chat.postMessage")
    assert ack.args["envelope_id"] == "env-1"
    assert "Opstartsteam" in post.args["text"]


async def test_a_post_slack_may_have_taken_is_not_posted_again(
    spred: Spred, caplog: pytest.LogCaptureFixture
) -> None:
    spred.slack.fail("chat.postMessage", 500)  # Slack failed, perhaps after posting it
    await spred.event(dm("ventetid hjemmepleje opstart"), event_id="Ev500")
    await spred.slack.wait_for("chat.postMessage!500", timeout=10)
    await spred.event(dm("sygefravær"), event_id="Ev500b")
    [post] = await spred.slack.wait_for("chat.postMessage", timeout=10)
    assert "sygefravær" in post.args["text"].lower()
    assert [c.method for c in spred.slack.calls if c.method.startswith("chat.")] == [
        "chat.postMessage!500",
        "chat.postMessage",
    ]
    assert "chat.postMessage to D0ANNA failed: 500" in caplog.text


async def test_a_post_slack_keeps_refusing_is_logged_and_the_next_one_still_goes(
    spred: Spred, caplog: pytest.LogCaptureFixture
) -> None:
    for _ in range(4):  # the first try and three retries
        spred.slack.fail("chat.postMessage", 503)
    await spred.event(dm("hemmeligt om ventetid hjemmepleje"), event_id="EvF1")
    await spred.slack.wait_for("chat.postMessage!503", 4, timeout=15)
    await spred.event(dm("sygefravær"), event_id="EvF2")
    [post] = await spred.slack.wait_for("chat.postMessage", timeout=10)
    assert "sygefravær" in post.args["text"].lower()
    assert "chat.postMessage to D0ANNA failed: 503" in caplog.text
    assert "hemmeligt" not in caplog.text


async def test_posts_to_one_channel_are_paced(spred: Spred) -> None:
    spred.server.app[SLACK].adapter.poster.interval = 0.3
    for i, text in enumerate(("ventetid hjemmepleje opstart", "sygefravær", "ensomhed ældre")):
        await spred.event(dm(text), event_id=f"EvP{i}")
    await spred.slack.wait_for("chat.postMessage", 3)
    sent = [c.at for c in spred.slack.calls if c.method == "chat.postMessage"]
    assert len(sent) == 3
    # a lower bound only: however slow the machine, the spacing cannot be shorter
    assert all(later - earlier >= 0.29 for earlier, later in itertools.pairwise(sent))


async def test_a_signed_interaction_with_broken_json_is_400(spred: Spred) -> None:
    body = b"payload=%7Bnot-json"
    response = await spred.post(body, content_type="application/x-www-form-urlencoded")
    assert response.status == 400


async def _anna_reports_to_bo(core: Core) -> None:
    """Anna's manager is Bo, both on Slack; on a Monday morning, so prompts may go out."""
    core.services.clock = Clock()
    await core.services.store.people.upsert_many(
        [Person(id="bo", name="Bo Leder", organization="Odense Kommune", slack_id="U0BO"),
         Person(id="anna", name="Anna Holm", organization="Odense Kommune", manager_id="bo",
                slack_id=ANNA)]
    )  # fmt: skip


async def test_a_managers_prompt_reaches_them_by_dm(spred: Spred) -> None:
    core = spred.server.app[CORE]
    await _anna_reports_to_bo(core)
    await spred.interaction(
        {
            "type": "block_actions",
            "user": {"id": ANNA},
            "channel": {"id": "D0ANNA"},
            "response_url": spred.slack.response_url,
            "actions": [
                {
                    "action_id": "spred-0",
                    "value": orjson.dumps(
                        {
                            "a": "adopt",
                            "p": {"solution": "hurtig-opstart-i-hjemmeplejen", "stage": "piloting"},
                        }
                    ).decode(),
                }
            ],
        }
    )
    await spred.slack.wait_for("response_url")
    assert await core.nudges.run_due() == 1
    [opened] = await spred.slack.wait_for("conversations.open")
    [prompt] = await spred.slack.wait_for("chat.postMessage")
    assert opened.args["users"] == "U0BO"
    # she was asked whether it may name her, and has not answered: it does not
    assert "En i din enhed har meldt, at Odense Kommune er begyndt at prøve" in rendered(
        prompt.args
    )
    assert "Planlæg en tilpasning" in rendered(prompt.args)
    poster = spred.server.app[SLACK].adapter.poster
    assert await poster.direct("U0BO", Reply(text="igen"))  # the DM channel is remembered
    assert len(spred.slack.called("conversations.open")) == 1


async def test_the_directory_learns_slack_ids_from_profiles_by_email(spred: Spred) -> None:
    from bot.server import STORE

    store = spred.server.app[STORE]
    await store.people.upsert(Person(id="anna", name="Anna Holm", email="ANNA@odense.eksempel.dk"))
    await spred.event(dm("sygefravær"), event_id="EvE")
    await spred.slack.wait_for("chat.postMessage")
    anna = await store.people.get("anna")
    assert anna is not None
    assert anna.slack_id == ANNA


FORM = "application/x-www-form-urlencoded"
GOOD_SOLUTION = {
    "title": "Maskinpulje til snerydning",
    "summary": "Deler maskiner.",
    "organization": "Silkeborg Kommune",
    "metric": "Timer",
    "before": "420",
    "after": "260",
    "contact": "Jens",
    "email": "jens@silkeborg.eksempel.dk",
}


def slash(spred: Spred, text: str, *, user: str = ANNA, channel: str = "C0CARE") -> bytes:
    return form_body(
        {
            "command": "/spred",
            "text": text,
            "user_id": user,
            "channel_id": channel,
            "team_id": "T0TEAM",
            "response_url": spred.slack.response_url,
            "trigger_id": "trig-1",
        }
    )


async def test_a_solution_added_through_spred_add_in_a_channel_is_published_from_the_dm(
    spred: Spred,
) -> None:
    await spred.post(slash(spred, "add", user=ADMIN, channel="C0CARE"), content_type=FORM)
    [opened] = await spred.slack.wait_for("views.open")
    view = view_of(opened)
    state = {
        name: {"value": {"type": "plain_text_input", "value": value}}
        for name, value in GOOD_SOLUTION.items()
    }
    submission = {
        "type": "view_submission",
        "user": {"id": ADMIN},
        "view": {**view, "id": "V0FORM", "state": {"values": state}},
    }
    assert (await spred.interaction(submission)).status == 200
    [preview] = await spred.slack.wait_for("chat.postMessage")
    assert preview.args["channel"] == f"D{ADMIN}"
    assert "Skal den udgives?" in rendered(preview.args)
    publish = button(preview, "Udgiv")["value"]
    await spred.interaction(pressed(ADMIN, publish, channel=preview.args["channel"]))
    published = (await spred.slack.wait_for("chat.postMessage", 2))[1]
    assert published.args["channel"] == f"D{ADMIN}"
    assert "er udgivet" in published.args["text"]
    assert "ingen kladde" not in published.args["text"]
    store = spred.server.app[CORE].services.store
    assert GOOD_SOLUTION["title"] in {s.title for s in await store.solutions.all()}


async def test_planning_started_on_the_app_home_goes_on_in_the_dm(spred: Spred) -> None:

    core = spred.server.app[CORE]
    await _anna_reports_to_bo(core)
    adopt = {"a": "adopt", "p": {"solution": "hurtig-opstart-i-hjemmeplejen", "stage": "piloting"}}
    await spred.interaction(pressed(ANNA, orjson.dumps(adopt).decode(), channel="D0ANNA"))
    await spred.slack.wait_for("chat.postMessage")
    assert await core.nudges.run_due() == 1
    await spred.slack.wait_for("chat.postMessage", 2)  # the prompt, in Bo's DM
    await spred.event(
        {"type": "app_home_opened", "user": "U0BO", "tab": "home", "channel": "DU0BO"},
        event_id="EvHome",
    )
    [home] = await spred.slack.wait_for("views.publish")
    plan = next(
        e
        for b in view_of(home)["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if "Planlæg" in e["text"]["text"]
    )
    await spred.interaction(pressed("U0BO", plan["value"]))  # on the Home tab: no channel
    asked = (await spred.slack.wait_for("chat.postMessage", 3))[2]
    assert asked.args["channel"] == "DU0BO"
    assert "Hvad vil I ændre" in asked.args["text"]
    await spred.event(
        dm("Vi starter med ét team om morgenen", user="U0BO", channel="DU0BO"), event_id="EvPlan1"
    )
    answered = (await spred.slack.wait_for("chat.postMessage", 4))[3]
    assert answered.args["channel"] == "DU0BO"
    assert "Hvem prøver den først?" in answered.args["text"]


async def test_a_button_pressed_in_the_dm_is_answered_in_the_dm_to_keep(spred: Spred) -> None:
    await spred.event(dm("ventetid hjemmepleje opstart"), event_id="EvKeep")
    [answer] = await spred.slack.wait_for("chat.postMessage")
    contact = button(answer, "Kontakt")["value"]
    response_url = {"response_url": spred.slack.response_url}
    await spred.interaction(pressed(ANNA, contact, channel="D0ANNA", **response_url))
    told = (await spred.slack.wait_for("chat.postMessage", 2))[1]
    assert told.args["channel"] == "D0ANNA"
    assert "mette.kjaergaard@aarhus.eksempel.dk" in told.args["text"]
    assert not spred.slack.called("response_url")
    # an ephemeral /spred answer (maybe in a DM between two people) stays ephemeral
    await spred.interaction(
        pressed(ANNA, contact, channel="D0OTHERS", ephemeral=True, **response_url)
    )
    [ephemeral] = await spred.slack.wait_for("response_url")
    assert ephemeral.args["response_type"] == "ephemeral"
    assert "mette.kjaergaard@aarhus.eksempel.dk" in ephemeral.args["text"]
    assert len(spred.slack.called("chat.postMessage")) == 2


async def test_an_expired_response_url_falls_back_to_the_dm_with_a_warning(
    spred: Spred, caplog: pytest.LogCaptureFixture
) -> None:
    spred.slack.fail("response_url", 404)
    await spred.post(slash(spred, "ventetid hjemmepleje opstart"), content_type=FORM)
    [dm_answer] = await spred.slack.wait_for("chat.postMessage")
    assert spred.slack.called("response_url!404")
    assert dm_answer.args["channel"] == f"D{ANNA}"
    assert "Opstartsteam" in rendered(dm_answer.args)
    assert "response_url answered 404" in caplog.text
    assert "ventetid" not in caplog.text
    # a button on an ephemeral answer in a channel, whose response_url is used up
    spred.slack.fail("response_url", 404)
    contact = button(dm_answer, "Kontakt")["value"]
    await spred.interaction(
        pressed(
            ANNA,
            contact,
            channel="C0CARE",
            ephemeral=True,
            response_url=spred.slack.response_url,
        )
    )
    told = (await spred.slack.wait_for("chat.postMessage", 2))[1]
    assert told.args["channel"] == f"D{ANNA}"
    assert "mette.kjaergaard@aarhus.eksempel.dk" in told.args["text"]


async def test_a_form_slack_will_not_open_is_said_in_the_dm(
    spred: Spred, caplog: pytest.LogCaptureFixture
) -> None:
    spred.slack.fail("views.open", 200)  # Slack's {"ok": false}, e.g. an expired trigger_id
    await spred.post(slash(spred, "add", user=ADMIN), content_type=FORM)
    [told] = await spred.slack.wait_for("chat.postMessage")
    assert spred.slack.called("views.open!200")
    assert told.args["channel"] == f"D{ADMIN}"
    assert "Formularen kunne ikke åbnes" in told.args["text"]
    assert "views.open failed" in caplog.text


async def test_a_timestamp_of_unicode_digits_gets_401_not_500(spred: Spred) -> None:
    body = event_body(mention("ventetid"), event_id="EvSup")
    for timestamp in ("²", "１７００", "-²"):
        headers = {"X-Slack-Request-Timestamp": timestamp, "X-Slack-Signature": "v0=00"}
        assert (await spred.post(body, headers=headers)).status == 401
    assert not spred.slack.called("chat.postMessage")


def test_slack_markup_reaches_the_core_as_people_read_it() -> None:
    from adapters.slack.events import plain

    assert plain(f"<@{BOT_USER}> spørg i <#C0CARE|hjemmepleje> om ventetid") == (
        "spørg i #hjemmepleje om ventetid"
    )
    assert plain("<!here> <!channel> <!everyone|everyone> hej") == "@here @channel @everyone hej"
    assert plain("spørg <!subteam^S0TEAM|@plejeteam> om det") == "spørg @plejeteam om det"
    assert plain("<@U0BOSS> og <@U0MIE|mie> siger ventetid") == "og mie siger ventetid"
    assert plain(f"<@{BOT_USER}|spred> sygefravær", bot_user_id=BOT_USER) == "sygefravær"
    assert plain("<#C0CARE> <!subteam^S0TEAM> <!date^1700000000^{date}|18. nov> x") == "18. nov x"
    assert plain("se <https://x.dk/a?b=1&amp;c=2|siden> og <mailto:a@b.dk>") == (
        "se siden og mailto:a@b.dk"
    )
    assert plain("a &lt;b&gt; &amp; c") == "a <b> & c"


async def test_a_failed_profile_is_asked_for_again_after_a_minute(
    spred: Spred, monkeypatch: pytest.MonkeyPatch
) -> None:
    from adapters.slack import people as slack_people

    newcomer = "U0NEW"
    await spred.event(dm("sygefravær", user=newcomer, channel="DU0NEW"), event_id="EvP1")
    await spred.event(dm("sygefravær"), event_id="EvP2")
    await spred.slack.wait_for("chat.postMessage", 2)
    spred.slack.add_user(newcomer, "Ny Kollega")  # Slack answers again

    class Later:
        """The adapter's clock, 61 seconds on."""

        @staticmethod
        def monotonic() -> float:
            return time.monotonic() + 61

    monkeypatch.setattr(slack_people, "time", Later)
    await spred.event(dm("sygefravær", user=newcomer, channel="DU0NEW"), event_id="EvP3")
    await spred.event(dm("sygefravær"), event_id="EvP4")
    await spred.slack.wait_for("chat.postMessage", 4)
    asked = [c.args["user"] for c in spred.slack.calls if c.method.startswith("users.info")]
    assert asked.count(newcomer) == 2  # the failure was not trusted for an hour
    assert asked.count(ANNA) == 1  # a good answer is
    slack_adapter = spred.server.app[SLACK].adapter
    assert (await slack_adapter.people.profile(newcomer)).name == "Ny Kollega"


async def test_remembered_channels_and_profiles_stay_within_their_cap(
    spred: Spred, monkeypatch: pytest.MonkeyPatch
) -> None:
    from adapters.slack import delivery

    monkeypatch.setattr(delivery, "MAX_REMEMBERED", 3)
    slack_adapter = spred.server.app[SLACK].adapter
    poster = slack_adapter.poster
    for i in range(6):
        user = f"U0P{i}"
        await spred.event(dm("sygefravær", user=user, channel=f"D{user}"), event_id=f"EvCap{i}")
        await spred.slack.wait_for("chat.postMessage", i + 1)
        async with asyncio.timeout(5):  # the post is done: its channel is idle again
            while any(lock.locked() for lock, _ in poster._channels.values()):
                await asyncio.sleep(0.01)
    assert len(slack_adapter.people.profiles) <= 3
    assert len(poster._channels) <= 3
    assert "U0P5" in slack_adapter.people.profiles  # the newest is kept
    assert "DU0P5" in poster._channels


def test_a_failure_on_a_modal_is_said_on_its_first_field_as_shown() -> None:
    from adapters.slack import blocks

    view = {
        "blocks": [{"type": "input", "block_id": "title"}, {"type": "input", "block_id": "tags"}],
        "state": {"values": {"tags": {}, "title": {}}},  # Slack's object: any order
    }
    assert blocks.failure_errors(Reply(text="Beklager"), view) == {"title": "Beklager"}


async def test_each_kind_of_message_carries_the_workspace_slack_verified(spred: Spred) -> None:
    """Incoming.org_id from the signed payload: the organisation is remembered from a DM,
    a /spred command and a button press alike (removed between them to see each)."""
    store = spred.server.app[CORE].services.store
    team = "slack:T0TEAM"
    await spred.event(dm("hej"), event_id="EvOrg")
    await spred.slack.wait_for("chat.postMessage")
    assert await store.organisations.get(team) is not None
    await store.organisations.delete(team)
    await spred.post(slash(spred, "hjælp"), content_type=FORM)
    await spred.slack.wait_for("response_url")
    assert await store.organisations.get(team) is not None
    await store.organisations.delete(team)
    value = orjson.dumps({"a": "help", "p": {}}).decode()
    await spred.interaction(pressed(ANNA, value, channel="D0ANNA", team={"id": "T0TEAM"}))
    await spred.slack.wait_for("chat.postMessage", 2)
    assert await store.organisations.get(team) is not None


async def test_the_message_shortcut_shares_a_message_as_a_solution_in_the_senders_dm(
    spred: Spred,
) -> None:
    """Without a trigger_id no modal can open (tests/test_slack_share.py has the modal): the
    chat's questions, in the sharer's DM, with the message as the summary."""
    shortcut = share_shortcut(user=ANNA, response_url=spred.slack.response_url)
    assert (await spred.interaction(shortcut)).status == 200
    posts = await spred.slack.wait_for("chat.postMessage", 3)
    assert [p.args["channel"] for p in posts] == [f"D{ANNA}"] * 3  # not in the channel
    said = [rendered(p.args) for p in posts]
    assert "lad os dele jeres løsning" in said[0]
    # the message as its reader saw it (Slack's markup read, & escaped again going out)
    assert "“Vi gav Bo et fast opstartsteam &amp; ventetiden faldt til 1 dag”" in said[1]
    assert "Titel" in said[2]
    await spred.event(dm("Fast opstartsteam"), event_id="EvShare1")
    asked = (await spred.slack.wait_for("chat.postMessage", 4))[3]
    assert "Hvilket problem løser den?" in rendered(asked.args)
    await spred.event(dm("Lang ventetid på første besøg"), event_id="EvShare2")
    # the summary came from the message: the next question is the organisation's
    nxt = (await spred.slack.wait_for("chat.postMessage", 5))[4]
    assert "Hvilken organisation står bag?" in rendered(nxt.args)
