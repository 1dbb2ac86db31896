"""Importing people by chat on the real slack-bolt stack over loopback HTTP: a refused paste
comes back to Slack as the modal's field errors (the modal stays open with the paste), an
accepted one closes it and the count reaches the local admin's DM."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from bot.core import Core
from bot.flows.people_import import FIELD, FORM_ID
from bot.server import CORE
from knowledge.records import Person
from tests.slack_mock import TEAM, SlackMock, interaction_body, signed
from tests.test_slack import Spred, _data, _running

LOCAL = "U0SOFIE"


@pytest.fixture
async def spred(tmp_path: Path) -> AsyncIterator[Spred]:
    slack = SlackMock()
    slack.add_user(LOCAL, "Sofie Admin")
    await slack.start()
    server, http = await _running(await _data(tmp_path / "data"), slack)
    yield Spred(server, http, slack)
    await http.close()
    await server.close()
    await slack.close()


def submission(pasted: str) -> dict[str, Any]:
    return {
        "type": "view_submission",
        "team": {"id": TEAM},
        "user": {"id": LOCAL, "team_id": TEAM},
        "view": {
            "type": "modal",
            "callback_id": f"spred-form:{FORM_ID}",
            "private_metadata": f"D{LOCAL}",
            "state": {"values": {FIELD: {"value": {"type": "plain_text_input", "value": pasted}}}},
        },
    }


async def submitted(spred: Spred, pasted: str) -> tuple[int, bytes]:
    """What Slack gets back at once for the submission: the modal's fate."""
    body = interaction_body(submission(pasted))
    headers = {"Content-Type": "application/x-www-form-urlencoded", **signed(body)}
    async with spred.http.post(
        spred.server.make_url("/slack/events"), data=body, headers=headers
    ) as response:
        return response.status, await response.read()


async def test_a_refused_paste_returns_its_errors_to_the_slack_modal(spred: Spred) -> None:
    core: Core = spred.server.app[CORE]
    store = core.services.store
    await core.organisations.installed(
        f"slack:{TEAM}", name="Odense Kommune", installer=f"slack:{LOCAL}"
    )
    karen = Person(id="karen", name="Karen Aarhus", organization="Aarhus Kommune")
    await store.people.upsert(karen)
    header = "id,name,email,organization,unit,role,manager_id"
    status, refused = await submitted(
        spred, f"{header}\nanna,Anna Holm,,,,,\nlars,Lars,,Aarhus Kommune,,,"
    )
    assert status == 200
    answer = orjson.loads(refused)
    assert answer["response_action"] == "errors"
    assert list(answer["errors"]) == [FIELD]
    assert "Intet er importeret" in answer["errors"][FIELD]
    assert "Linje 3: “Aarhus Kommune” er en anden organisation" in answer["errors"][FIELD]
    assert await store.people.all() == [karen]
    assert await submitted(spred, f"{header}\nanna,Anna Holm,,,,,") == (200, b"")  # closes
    [done] = await spred.slack.wait_for("chat.postMessage")
    assert "Færdig: 1 nye og 0 opdaterede personer i Odense Kommune" in done.args["text"]
    stored = await store.people.get("anna")
    assert stored is not None
    assert stored.organization == "Odense Kommune"
