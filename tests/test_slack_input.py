"""What Slack may send but Spred cannot use, over the real bolt stack on loopback HTTP: bodies
that are not UTF-8 or not a payload, payloads missing or mistyping what Spred needs, events
and interactions Spred does not handle. Each is refused or ignored quietly: never a 5xx, a
traceback, an error in the log or a message to nobody."""

from __future__ import annotations

import logging
import time
from typing import Any

import orjson
import pytest

from adapters.slack import SLACK
from tests import test_slack
from tests.slack_mock import event_body, form_body, interaction_body, signed
from tests.test_slack import ANNA, FORM, Spred, dm, mention, pressed

slack, spred = test_slack.slack, test_slack.spred  # fixtures: the mock Slack, a running Spred


async def _settled(spred: Spred) -> list[str]:
    """The Web API methods Spred called, once what the last request started is done."""
    await spred.server.app[SLACK].adapter.drain(within=10)
    return [call.method for call in spred.slack.calls if call.method != "auth.test"]


def _loud(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Warnings, errors and tracebacks: none is expected for what Slack may send."""
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING or r.exc_info]


def _said_by_spred(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name.startswith("adapters.slack")]


@pytest.mark.parametrize("signature", ["signed over the bytes", "not signed"])
async def test_a_body_that_is_not_utf8_is_401_and_logs_nothing(
    spred: Spred, caplog: pytest.LogCaptureFixture, signature: str
) -> None:
    caplog.set_level(logging.DEBUG)
    body = b'{"type": "event_callback", "event": {"text": "\xff"}}'
    headers = signed(body)
    if signature == "not signed":
        headers["X-Slack-Signature"] = "v0=" + "0" * 64
    assert (await spred.post(body, headers=headers)).status == 401
    assert _loud(caplog) == []
    assert _said_by_spred(caplog) == []
    assert await _settled(spred) == []


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"[1, 2]", "application/json"),
        (b'"a string"', "application/json"),
        (b"[" * 10_000 + b"]" * 10_000, "application/json"),
        (b'{"a": ' * 500 + b"1" + b"}" * 500, "application/json"),
        (b"payload=[1]", FORM),
        (b"payload=" + b"%5B" * 10_000 + b"%5D" * 10_000, FORM),
        (interaction_body({"type": "block_actions", "user": {"id": ANNA}, "actions": []}), FORM),
        (event_body({"type": "app_mention", "user": 42}, event_id="EvInt"), "application/json"),
        (interaction_body({"type": "workflow_step_edit", "callback_id": "c"}), FORM),
        (interaction_body({"type": "view_submission", "view": {"type": "workflow_step",
                                                                "callback_id": "c"}}), FORM),
    ],
    ids=["array", "string", "10000 deep", "500 deep", "payload=[1]", "deep payload",
         "no button pressed", "a user that is a number", "a step without its step",
         "a step's view without its step"],
)  # fmt: skip
async def test_a_signed_body_that_is_not_a_payload_bolt_can_read_is_400(
    spred: Spred, caplog: pytest.LogCaptureFixture, body: bytes, content_type: str
) -> None:
    caplog.set_level(logging.DEBUG)
    response = await spred.post(body, content_type=content_type)
    assert response.status == 400
    assert _loud(caplog) == []
    assert len(_said_by_spred(caplog)) <= 1
    assert await _settled(spred) == []
    async with spred.http.get(spred.server.make_url("/healthz")) as healthy:
        assert healthy.status == 200


@pytest.mark.parametrize(
    "headers",
    [
        {"X-Slack-Request-Timestamp": "9" * 5000, "X-Slack-Signature": "v0=" + "0" * 64},
        {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=ø"},
        {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=00"},
    ],
    ids=["5000-digit timestamp", "signature not ASCII", "short signature"],
)
async def test_signature_headers_slack_never_sends_are_401(
    spred: Spred, caplog: pytest.LogCaptureFixture, headers: dict[str, str]
) -> None:
    body = event_body(mention("ventetid"), event_id="EvHeaders")
    assert (await spred.post(body, headers=headers)).status == 401
    assert _loud(caplog) == []


def _without(payload: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in payload.items() if k != key}


async def test_events_missing_or_mistyping_what_spred_needs_are_ignored_quietly(
    spred: Spred, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    unusable = [
        _without(mention("ventetid"), "channel"),
        _without(mention("ventetid"), "user"),
        mention("ventetid", channel={"id": "C0CARE"}),  # type: ignore[arg-type]
        mention("ventetid", thread_ts=1699.1),
        {**mention("ventetid"), "text": {"text": "ventetid"}},
        dm("ventetid", user={"id": ANNA}),
        {**dm("ventetid"), "channel": None},
        {"type": "app_home_opened", "user": {"name": "anna"}, "tab": "home"},
    ]
    for i, event in enumerate(unusable):
        assert (await spred.event(event, event_id=f"EvU{i}")).status == 200
    assert await _settled(spred) == []
    assert _loud(caplog) == []
    assert len(_said_by_spred(caplog)) <= len(unusable)


async def test_interactions_without_a_sender_answer_no_one(
    spred: Spred, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    button = pressed(ANNA, '{"a": "help", "p": {}}', channel="D0ANNA")
    form = {"type": "view_submission", "view": {"type": "modal", "callback_id": "spred-form:x"}}
    command = {"command": "/spred", "text": "ventetid", "channel_id": "C0CARE", "trigger_id": "t"}
    assert (await spred.interaction(_without(button, "user"))).status == 200
    assert (await spred.interaction({**button, "user": {"id": 7}})).status == 200
    assert (await spred.interaction(form)).status == 200
    assert (await spred.post(form_body(command), content_type=FORM)).status == 200
    assert await _settled(spred) == []
    assert _loud(caplog) == []


async def test_a_button_whose_channel_is_given_as_its_id_is_answered_there(
    spred: Spred, caplog: pytest.LogCaptureFixture
) -> None:
    button = pressed(ANNA, '{"a": "help", "p": {}}', channel="D0ANNA")
    assert (await spred.interaction({**button, "channel": "D0ANNA"})).status == 200
    [post] = await spred.slack.wait_for("chat.postMessage")
    assert post.args["channel"] == "D0ANNA"
    assert _loud(caplog) == []


async def test_a_direct_message_in_a_thread_is_answered_in_that_thread(spred: Spred) -> None:
    await spred.event(dm("sygefravær", thread_ts="1700000000.000100"), event_id="EvT1")
    [post] = await spred.slack.wait_for("chat.postMessage")
    assert post.args["channel"] == "D0ANNA"
    assert post.args["thread_ts"] == "1700000000.000100"


async def test_payloads_spred_does_not_handle_are_said_once_per_kind_at_debug(
    spred: Spred, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    reaction = {"type": "reaction_added", "user": ANNA, "reaction": "+1", "item": {}}
    joined = {"type": "member_joined_channel", "user": ANNA, "channel": "C0CARE"}
    for i, event in enumerate([reaction, reaction, joined]):
        assert (await spred.event(event, event_id=f"EvN{i}")).status == 200
    shortcut = {"type": "shortcut", "callback_id": "s", "user": {"id": ANNA}, "trigger_id": "t"}
    assert (await spred.interaction(shortcut)).status == 200
    other = form_body({"command": "/andet", "text": "x", "user_id": ANNA, "channel_id": "C1"})
    assert (await spred.post(other, content_type=FORM)).status == 200
    assert _loud(caplog) == []
    said = [r for r in caplog.records if r.name.startswith("adapters.slack")]
    assert {r.levelno for r in said} == {logging.DEBUG}  # and something was said
    assert [r.getMessage().split(",")[0] for r in said] == [
        "Slack sent a reaction_added event",
        "Slack sent a member_joined_channel event",
        "Slack sent a shortcut",
        "Slack sent a command /andet",
    ]
    assert await _settled(spred) == []


@pytest.mark.parametrize(
    "payload",
    [
        {"type": "interactive_message", "callback_id": "c", "user": {"id": ANNA},
         "channel": {"id": "D0ANNA"}, "actions": [{"name": "n", "value": "v"}]},
        {"type": "dialog_submission", "callback_id": "c", "user": {"id": ANNA},
         "channel": {"id": "D0ANNA"}, "submission": {"a": "b"}},
        {"type": "dialog_cancellation", "callback_id": "c", "user": {"id": ANNA},
         "channel": {"id": "D0ANNA"}},
        {"type": "workflow_step_edit", "callback_id": "c", "user": {"id": ANNA},
         "workflow_step": {"workflow_step_edit_id": "w"}},
        {"type": "view_closed", "user": {"id": ANNA},
         "view": {"type": "modal", "callback_id": "spred-form:add_solution"}},
    ],
    ids=["legacy attachment button", "dialog submitted", "dialog cancelled", "workflow step",
         "a form closed"],
)  # fmt: skip
async def test_interactions_spred_never_asked_for_are_not_taken_for_button_presses(
    spred: Spred, caplog: pytest.LogCaptureFixture, payload: dict[str, Any]
) -> None:
    assert (await spred.interaction(payload)).status == 200
    assert await _settled(spred) == []
    assert _loud(caplog) == []


async def test_a_real_button_press_after_them_is_still_answered(spred: Spred) -> None:
    """The marker for the test above: the same button, as Spred sends it, is answered."""
    value = orjson.dumps({"a": "help", "p": {}}).decode()
    await spred.interaction(pressed(ANNA, value, channel="D0ANNA"))
    [post] = await spred.slack.wait_for("chat.postMessage")
    assert post.args["channel"] == "D0ANNA"
