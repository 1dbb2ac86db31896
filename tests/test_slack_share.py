"""Sharing a solution with the Slack modal, on the real slack-bolt stack over loopback HTTP:
`/spred del en løsning`, the App Home's button and the message shortcut "Del som løsning"
open the share form prefilled; a refused submission comes back as the modal's field errors
(the modal stays open with what was typed), a good one closes it and the draft and its
look-alikes reach the sharer's DM, from where it goes to the review queue."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from bot.core import Core
from bot.flows.share import FORM_ID, SHARED
from bot.server import CORE
from knowledge.records import SubmissionState
from tests.answers import values
from tests.slack_mock import (
    TEAM,
    Call,
    SlackMock,
    form_body,
    interaction_body,
    share_shortcut,
    signed,
)
from tests.test_slack import ANNA, FORM, Spred, _data, _running, pressed, rendered, view_of

EMAIL = "anna@odense.eksempel.dk"  # her Slack profile's


@pytest.fixture
async def spred(tmp_path: Path) -> AsyncIterator[Spred]:
    slack = SlackMock()
    slack.add_user(ANNA, "Anna Holm", EMAIL)
    await slack.start()
    server, http = await _running(await _data(tmp_path / "data"), slack)
    core: Core = server.app[CORE]
    await core.organisations.installed(f"slack:{TEAM}", name="Odense Kommune")
    yield Spred(server, http, slack)
    await http.close()
    await server.close()
    await slack.close()


def slash(spred: Spred, text: str) -> bytes:
    return form_body(
        {
            "command": "/spred",
            "text": text,
            "user_id": ANNA,
            "channel_id": "C0CARE",
            "team_id": TEAM,
            "response_url": spred.slack.response_url,
            "trigger_id": "trig-share",
        }
    )


def fields_of(opened: Call) -> dict[str, dict[str, Any]]:
    """The modal's input blocks by block id, in order."""
    view = view_of(opened)
    assert view["callback_id"] == f"spred-form:{FORM_ID}"
    return {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}


def prefilled(opened: Call) -> dict[str, str]:
    return {
        name: block["element"]["initial_value"]
        for name, block in fields_of(opened).items()
        if "initial_value" in block["element"]
    }


async def submitted(spred: Spred, typed: dict[str, Any]) -> tuple[int, bytes]:
    """What Slack gets back at once for the modal's submission: the modal's fate."""
    state = {
        name: {"value": {"type": "plain_text_input", "value": value}}
        for name, value in typed.items()
    }
    body = interaction_body(
        {
            "type": "view_submission",
            "team": {"id": TEAM},
            "user": {"id": ANNA, "team_id": TEAM},
            "view": {
                "id": "V0SHARE",
                "type": "modal",
                "callback_id": f"spred-form:{FORM_ID}",
                "private_metadata": "C0CARE",
                "blocks": [{"type": "input", "block_id": name} for name in typed],
                "state": {"values": state},
            },
        }
    )
    headers = {"Content-Type": FORM, **signed(body)}
    async with spred.http.post(
        spred.server.make_url("/slack/events"), data=body, headers=headers
    ) as response:
        return response.status, await response.read()


async def said(slack: SlackMock, fragment: str) -> Call:
    """The first message posted that shows `fragment`, waiting for it."""
    async with asyncio.timeout(5):
        while True:
            found = [c for c in slack.called("chat.postMessage") if fragment in rendered(c.args)]
            if found:
                return found[0]
            slack.changed.clear()
            await slack.changed.wait()


async def test_spred_del_opens_the_form_which_refuses_on_its_fields_and_then_submits(
    spred: Spred,
) -> None:
    store = spred.server.app[CORE].services.store
    assert (await spred.post(slash(spred, "del en løsning"), content_type=FORM)).status == 200
    [opened] = await spred.slack.wait_for("views.open")
    assert opened.args["trigger_id"] == "trig-share"
    blocks = fields_of(opened)
    assert list(blocks) == [f.name for f in SHARED]
    assert prefilled(opened) == {
        "organization": "Odense Kommune",  # the workspace's
        "contact": "Anna Holm",  # the sharer, from her profile
        "email": EMAIL,
    }
    assert blocks["email"]["optional"] is True  # Spred reaches her on Slack
    assert blocks["title"]["optional"] is False

    typed = values(
        SHARED,
        title="Opstartsteam i hjemmeplejen",
        summary="Et fast opstartsteam tager de første besøg, så ventetiden på hjemmepleje falder.",
        organization="Odense Kommune",
        contact="Anna Holm",
        email=EMAIL,
    )
    status, refused = await submitted(spred, {**typed, "before": "mange", "after": "1e400"})
    assert status == 200
    answer = orjson.loads(refused)
    assert answer["response_action"] == "errors"  # the modal stays open, as typed
    assert answer["errors"] == {
        "before": "Skriv et tal, fx 12 eller 12,5 – eller “-”, hvis det ikke blev målt.",
        "after": "Det tal er for stort. Skriv et mindre tal.",
    }
    status, refused = await submitted(spred, {**typed, "organization": "Aarhus Kommune"})
    answer = orjson.loads(refused)
    assert list(answer["errors"]) == ["organization"]
    assert "Du deler fra Odense Kommune" in answer["errors"]["organization"]
    assert not spred.slack.called("chat.postMessage")
    assert await store.submissions.count() == 0

    assert await submitted(spred, typed) == (200, b"")  # closes the modal
    preview = await said(spred.slack, "Sådan kommer løsningen til at se ud")
    assert preview.args["channel"] == f"D{ANNA}"  # the draft goes on in her DM
    assert "420 → 260,5 timer" in rendered(preview.args)
    alike = await said(spred.slack, "Er det den samme som “Opstartsteam sikrer hjemmehjælp")
    assert alike.args["channel"] == f"D{ANNA}"
    submit = next(
        e
        for b in preview.args["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["text"]["text"] == "Indsend"
    )
    await spred.interaction(pressed(ANNA, submit["value"], channel=f"D{ANNA}", team={"id": TEAM}))
    sent = await said(spred.slack, "er sendt til en redaktør")
    assert sent.args["channel"] == f"D{ANNA}"
    [submission] = await store.submissions.all()
    assert submission.state is SubmissionState.WAITING
    assert submission.org_id == f"slack:{TEAM}"
    assert submission.draft["organization"] == "Odense Kommune"
    assert submission.draft["contacts"] == [
        {"name": "Anna Holm", "email": EMAIL, "slack_id": ANNA, "slack_team_id": TEAM}
    ]


async def test_the_app_homes_button_opens_the_form(spred: Spred) -> None:
    await spred.event(
        {"type": "app_home_opened", "user": ANNA, "tab": "home", "channel": "D0ANNA"},
        event_id="EvShareHome",
    )
    [home] = await spred.slack.wait_for("views.publish")
    share = next(
        e
        for b in view_of(home)["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["text"]["text"] == "Del vores løsning"
    )
    await spred.interaction(pressed(ANNA, share["value"], team={"id": TEAM}))  # no channel
    [opened] = await spred.slack.wait_for("views.open")
    assert opened.args["trigger_id"] == "trig-press"
    assert list(fields_of(opened)) == [f.name for f in SHARED]
    assert not spred.slack.called("chat.postMessage")  # no chat questions besides


async def test_the_message_shortcut_opens_the_form_prefilled_from_the_message(
    spred: Spred,
) -> None:
    shortcut = share_shortcut(
        user=ANNA, response_url=spred.slack.response_url, trigger_id="trig-shortcut"
    )
    assert (await spred.interaction(shortcut)).status == 200
    [opened] = await spred.slack.wait_for("views.open")
    assert opened.args["trigger_id"] == "trig-shortcut"
    shown = prefilled(opened)
    # the message as its reader saw it: Slack's markup read, its escaping undone
    assert shown["summary"] == "Vi gav Bo et fast opstartsteam & ventetiden faldt til 1 dag"
    assert shown["contact"] == "Anna Holm"
    assert not spred.slack.called("chat.postMessage")  # nothing in the channel, nor the DM


async def test_a_modal_of_an_older_form_is_told_to_open_again(spred: Spred) -> None:
    """A modal opened before the form had some of its fields: Slack takes errors only on
    fields a modal shows, so what is missing is said on its first field."""
    older = values([f for f in SHARED if f.name != "metric"])  # asked for since
    older = {**older, "contact": "Anna Holm", "email": ""}
    status, refused = await submitted(spred, {**older, "before": "mange"})
    assert status == 200
    answer = orjson.loads(refused)
    assert answer["response_action"] == "errors"
    assert answer["errors"]["before"].startswith("Skriv et tal")
    assert "ældre udgave af Spred" in answer["errors"]["title"]
    assert set(answer["errors"]) <= set(older)
