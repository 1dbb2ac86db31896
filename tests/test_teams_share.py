"""Sharing a solution with an Adaptive Card form, on the real botbuilder stack over loopback
HTTP: *Del vores løsning* in a personal chat sends the share form as a card, prefilled; a
refused submission comes back as the card again with the messages and what was typed, a good
one as the draft and its look-alikes, submitted from there. In a channel, where a card would
be everyone's to read, the same button starts the chat's questions."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.core import Core
from bot.flows.share import SHARED
from bot.server import CORE
from knowledge.records import SubmissionState
from tests.answers import values
from tests.teams_mock import Connector, Posted
from tests.test_teams import Spred, _data, _running, _stop, buttons

TENANT = "tenant"  # the mock's


@pytest.fixture
async def spred(tmp_path: Path, connector: Connector) -> AsyncIterator[Spred]:
    running = await _running(await _data(tmp_path / "data"), connector)
    core: Core = running.server.app[CORE]
    await core.organisations.installed(f"teams:{TENANT}", name="Odense Kommune")
    yield running
    await _stop(running)


@pytest.fixture
async def connector() -> AsyncIterator[Connector]:
    mock = Connector()
    await mock.start()
    yield mock
    await mock.close()


def inputs(posted: Posted) -> dict[str, dict[str, Any]]:
    """A form card's inputs by id, in order."""
    [card] = [c for c in posted.cards if any(e.get("type") == "Input.Text" for e in c["body"])]
    return {e["id"]: e for e in card["body"] if e.get("type") == "Input.Text"}


def errors_on(posted: Posted) -> dict[str, str]:
    """Each input's error, as the card shows it right under the input."""
    [card] = posted.cards
    found: dict[str, str] = {}
    body = card["body"]
    for before, element in itertools.pairwise(body):
        if before.get("type") == "Input.Text" and element.get("color") == "Attention":
            found[before["id"]] = element["text"]
    return found


def submit_data(posted: Posted) -> dict[str, Any]:
    [card] = posted.cards
    [submit] = card["actions"]
    return dict(submit["data"])


async def said(connector: Connector, fragment: str) -> Posted:
    """The first activity posted whose text shows `fragment`, waiting for it."""
    async with asyncio.timeout(5):
        while True:
            found = [p for p in connector.posted if fragment in p.text]
            if found:
                return found[0]
            connector.changed.clear()
            await connector.changed.wait()


async def test_the_share_button_sends_the_form_card_which_refuses_then_submits(
    spred: Spred,
) -> None:
    store = spred.server.app[CORE].services.store
    await spred.say("hjælp")
    [help_reply] = await spred.connector.wait_for()
    share = next(b for b in buttons(help_reply) if b["title"] == "Del vores løsning")
    await spred.submit(share["data"])
    form = (await spred.connector.wait_for(2))[1]
    fields = inputs(form)
    assert list(fields) == [f.name for f in SHARED]
    assert {k: v["value"] for k, v in fields.items() if v["value"]} == {
        "organization": "Odense Kommune",  # the tenant's
        "contact": "Anna Holm",  # the sharer
    }
    assert fields["email"]["isRequired"] is False  # Spred reaches her in Teams
    assert fields["title"]["isRequired"] is True

    typed = values(SHARED, organization="Odense Kommune", contact="Anna Holm", email="")
    data = submit_data(form)
    await spred.submit({**data, **typed, "before": "mange"})
    again = (await spred.connector.wait_for(3))[2]
    assert errors_on(again) == {
        "before": "Skriv et tal, fx 12 eller 12,5 – eller “\\-”, hvis det ikke blev målt\\."
    }
    assert {k: v["value"] for k, v in inputs(again).items()} == {**typed, "before": "mange"}
    await spred.submit({**data, **typed, "organization": "Aarhus Kommune"})
    refused = (await spred.connector.wait_for(4))[3]
    assert list(errors_on(refused)) == ["organization"]
    assert await store.submissions.count() == 0

    await spred.submit({**data, **typed})
    preview = await said(spred.connector, "Sådan kommer løsningen til at se ud")
    submit = next(b for b in buttons(preview) if b["title"] == "Indsend")
    await spred.submit(submit["data"])
    await said(spred.connector, "er sendt til en redaktør")
    [submission] = await store.submissions.all()
    assert submission.state is SubmissionState.WAITING
    assert submission.org_id == f"teams:{TENANT}"
    assert submission.draft["organization"] == "Odense Kommune"
    assert submission.draft["contacts"] == [
        {"name": "Anna Holm", "teams_id": "29:anna", "teams_tenant_id": TENANT}
    ]


async def test_in_a_channel_the_share_button_asks_in_the_chat(spred: Spred) -> None:
    await spred.submit(
        {"spred": "share_form", "payload": {}}, conversation="19:care@thread.tacv2", kind="channel"
    )
    asked = (await spred.connector.wait_for())[0]
    assert not [c for c in asked.cards if c["body"]]  # no form for the channel to read
    assert "lad os dele jeres løsning" in asked.text


async def test_a_forged_form_submission_is_refused_plainly(spred: Spred) -> None:
    await spred.submit({"spred": "share_draft", "payload": {}})  # no inputs came with it
    [told] = await spred.connector.wait_for()
    assert "Formularen kom ikke med sine felter" in told.text
