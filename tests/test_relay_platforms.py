"""Colleagues across organisations and platforms, end to end: Anna asks in Slack (the real
slack-bolt stack against the mock Web API), Mette built the solution in another
organisation and uses Teams (the real botbuilder stack against the mock connector), both
over loopback HTTP on one Spred server. The introduction, Svar, a message each way with
hostile markup escaped for each platform, the end, and nothing passed on after it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import aiohttp
import orjson
import pytest
from aiohttp.test_utils import TestServer

from adapters.slack import SLACK
from adapters.teams import TEAMS
from bot.config import Settings
from bot.server import CORE, build_app
from knowledge.kb import demo_solutions
from knowledge.records import Person
from knowledge.solutions import parse_solution
from knowledge.store import open_store
from tests.conftest import solution_dict
from tests.slack_mock import (
    SECRET,
    TOKEN,
    Call,
    SlackMock,
    event_body,
    interaction_body,
    signed,
)
from tests.teams_mock import Connector, Posted, message
from tests.test_slack import ANNA, button, dm, pressed, rendered

METTE = "29:mette"
METTE_CHAT = "a:personal-mette"
CONTACT = {
    "name": "Mette Hansen",
    "email": "mette@aarhus.eksempel.dk",
    "role": "Visitator",
    "teams_id": METTE,
    "teams_tenant_id": "tenant-b",
}
SAID = ("chat.postMessage", "chat.postEphemeral", "response_url")


@dataclass
class Spred:
    server: TestServer
    http: aiohttp.ClientSession
    slack: SlackMock
    teams: Connector

    async def _post(self, path: str, body: bytes, headers: dict[str, str]) -> None:
        async with self.http.post(self.server.make_url(path), data=body, headers=headers) as r:
            await r.read()
            assert r.status < 300, r.status

    async def slack_event(self, event: dict[str, Any], *, event_id: str) -> None:
        body = event_body(event, event_id=event_id)
        await self._post(
            "/slack/events", body, {"Content-Type": "application/json", **signed(body)}
        )

    async def slack_press(self, value: str) -> None:
        body = interaction_body(pressed(ANNA, value, channel="D0ANNA"))
        headers = {"Content-Type": "application/x-www-form-urlencoded", **signed(body)}
        await self._post("/slack/events", body, headers)

    async def teams_message(self, text: str, value: dict[str, Any] | None = None) -> None:
        activity = message(
            text,
            connector=self.teams,
            user=METTE,
            name="Mette Hansen",
            conversation=METTE_CHAT,
            value=value,
        )
        activity["conversation"]["tenantId"] = "tenant-b"
        body = orjson.dumps(activity)
        await self._post("/api/messages", body, {"Content-Type": "application/json"})

    async def slack_says(self, fragment: str, *, after: int) -> Call:
        """The first thing Spred shows in Slack, among the calls from `after` on, that
        contains `fragment`."""
        async with asyncio.timeout(5):
            while True:
                for call in self.slack.calls[after:]:
                    if call.method in SAID and fragment in rendered(call.args):
                        return call
                self.slack.changed.clear()
                await self.slack.changed.wait()

    async def teams_says(self, fragment: str, *, after: int) -> Posted:
        async with asyncio.timeout(5):
            while True:
                for posted in self.teams.posted[after:]:
                    if fragment in posted.text + orjson.dumps(posted.cards).decode():
                        return posted
                self.teams.changed.clear()
                await self.teams.changed.wait()


@pytest.fixture
async def spred(tmp_path: Path) -> AsyncIterator[Spred]:
    store = await open_store(tmp_path / "data")
    await store.solutions.upsert_many(demo_solutions())
    entry = solution_dict("kortere-ventetid", organization="Aarhus Kommune", contacts=[CONTACT])
    await store.solutions.upsert(parse_solution(entry, path="s"))
    await store.close()
    slack, teams = SlackMock(), Connector()
    slack.add_user(ANNA, "Anna Holm", "anna@odense.eksempel.dk")
    await slack.start()
    await teams.start()
    environ = {"SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET}
    environ["SLACK_API_URL"] = slack.api_url
    settings = Settings(data_dir=tmp_path / "data", refresh_seconds=60)
    server = TestServer(build_app(settings, environ=environ), host="127.0.0.1")
    await server.start_server()
    server.app[SLACK].adapter.poster.interval = 0.0  # Slack's pacing, off for tests
    http = aiohttp.ClientSession()
    yield Spred(server, http, slack, teams)
    await http.close()
    await server.close()
    await teams.close()
    await slack.close()


def teams_button(posted: Posted, title: str) -> dict[str, Any]:
    """The data an Adaptive Card's button sends back when pressed."""
    [found] = [a["data"] for c in posted.cards for a in c.get("actions", []) if a["title"] == title]
    return dict(found)


async def test_slack_and_teams_colleagues_talk_through_spred_until_one_ends_it(
    spred: Spred,
) -> None:
    # Mette has written to Spred once, from her own tenant: Teams lets Spred write to her.
    await spred.teams_message("hej")
    await spred.teams.wait_for(1)

    # Anna, in Slack, asks to contact her; Mette gets the introduction in Teams.
    teams_seen = len(spred.teams.posted)
    await spred.slack_press('{"a": "contact", "p": {"solution": "kortere-ventetid"}}')
    await spred.slack_says("Svarer Mette Hansen, kan I få en snak her gennem Spred", after=0)
    introduction = await spred.teams_says("har fundet jeres løsning", after=teams_seen)
    assert introduction.conversation == METTE_CHAT
    assert introduction.text.startswith("Anna Holm har fundet jeres løsning “Kortere ventetid")

    # Mette presses Svar; Anna is told in her Slack DM, and presses Svar there too.
    slack_seen, teams_seen = len(spred.slack.calls), len(spred.teams.posted)
    await spred.teams_message("", value=teams_button(introduction, "Svar"))
    await spred.teams_says("Skriv din besked her", after=teams_seen)
    accepted = await spred.slack_says("Mette Hansen (Aarhus Kommune) vil gerne", after=slack_seen)
    assert accepted.args["channel"] == f"D{ANNA}"
    slack_seen = len(spred.slack.calls)
    await spred.slack_press(button(accepted, "Svar")["value"])
    await spred.slack_says("sender jeg den til Mette Hansen", after=slack_seen)

    # Anna writes with markup; Teams shows it as plain text, as she typed it (Slack gave
    # Spred her @channel as text, never as a mention).
    teams_seen, slack_seen = len(spred.teams.posted), len(spred.slack.calls)
    hostile = "Hvordan kom I i gang? <!channel> [klik](https://evil.example) *fed*"
    await spred.slack_event(dm(hostile), event_id="Ev1")
    await spred.slack_says("Sendt til Mette Hansen.", after=slack_seen)
    passed_on = await spred.teams_says("Anna Holm skriver:", after=teams_seen)
    assert passed_on.conversation == METTE_CHAT
    assert passed_on.text == (
        "Anna Holm skriver:\nHvordan kom I i gang? @channel [klik](https://evil.example) *fed*"
    )
    assert passed_on.activity["textFormat"] == "plain"

    # Mette answers with a mention and a ping in Slack's markup: Slack shows them as text.
    slack_seen, teams_seen = len(spred.slack.calls), len(spred.teams.posted)
    await spred.teams_message("Vi startede med to visitatorer <@U0BOSS> <!here> & co")
    await spred.teams_says("Sendt til Anna Holm.", after=teams_seen)
    answer = await spred.slack_says("Mette Hansen (Aarhus Kommune) skriver:", after=slack_seen)
    assert answer.args["channel"] == f"D{ANNA}"
    shown = orjson.dumps(answer.args["blocks"]).decode() + answer.args["text"]
    assert "visitatorer &lt;@U0BOSS&gt; &lt;!here&gt; &amp; co" in shown
    assert "<@U0BOSS>" not in shown
    assert "<!here>" not in shown

    # Anna ends it; Mette is told, and what she writes then stays with Spred.
    slack_seen, teams_seen = len(spred.slack.calls), len(spred.teams.posted)
    await spred.slack_event(dm("afslut", ts="1700000009.000100"), event_id="Ev2")
    await spred.slack_says("Samtalen med Mette Hansen er afsluttet", after=slack_seen)
    await spred.teams_says("Anna Holm har afsluttet samtalen", after=teams_seen)
    slack_seen, teams_seen = len(spred.slack.calls), len(spred.teams.posted)
    await spred.teams_message("Hallo?")
    await spred.teams_says("din besked er ikke sendt videre", after=teams_seen)
    assert [c.method for c in spred.slack.calls[slack_seen:]] == []


@pytest.mark.parametrize(("team", "found"), [("T0TEAM", True), ("T0ELSEWHERE", False)])
async def test_slack_finds_a_colleague_by_email_in_her_own_workspace_only(
    spred: Spred, team: str, found: bool
) -> None:
    """users.lookupByEmail with the workspace's token; someone the token's workspace finds
    but whose contact names another workspace is not written to there."""
    spred.slack.add_user("U0METTE", "Mette Hansen", "mette@aarhus.eksempel.dk")
    contact = {"name": "Mette Hansen", "email": "mette@aarhus.eksempel.dk", "slack_team_id": team}
    entry = solution_dict("kortere-ventetid", organization="Aarhus Kommune", contacts=[contact])
    await spred.server.app[CORE].services.kb.publish([parse_solution(entry, path="s")])
    await spred.slack_press('{"a": "contact", "p": {"solution": "kortere-ventetid"}}')
    if found:
        await spred.slack_says("Svarer Mette Hansen", after=0)
        introduction = await spred.slack_says("har fundet jeres løsning", after=0)
        assert introduction.args["channel"] == "DU0METTE"
    else:
        await spred.slack_says("Jeg kan ikke give Mette Hansen besked herfra", after=0)
        assert spred.slack.called("conversations.open") == []
    [lookup] = spred.slack.called("users.lookupByEmail")
    assert lookup.args["email"] == "mette@aarhus.eksempel.dk"
    assert lookup.headers["Authorization"] == f"Bearer {TOKEN}"


async def test_teams_finds_a_colleague_who_wrote_to_spred_from_that_tenant_only(
    spred: Spred,
) -> None:
    core = spred.server.app[CORE]
    mette = Person(id="mette", name="Mette Hansen", email="mette@aarhus.eksempel.dk")
    await core.services.store.people.upsert(replace(mette, teams_id=METTE))
    teams = spred.server.app[TEAMS]
    email = "mette@aarhus.eksempel.dk"
    assert await teams.find(email=email, org_id="teams:tenant-b") is None  # never wrote
    await spred.teams_message("hej")
    await spred.teams.wait_for(1)
    assert await teams.find(email=email, org_id="teams:tenant-b") == f"teams:{METTE}"
    assert await teams.find(email=email, org_id="teams:tenant-c") is None  # her address's
    assert await teams.find(email="bo@aarhus.eksempel.dk", org_id="teams:tenant-b") is None
    assert await teams.find(email=email, org_id="slack:T0TEAM") is None
