"""The distributable Slack app on the real slack-bolt stack over loopback HTTP: workspaces
installed through the real OAuth flow (the "Add to Slack" page, Slack's redirect with the
browser's cookie, oauth.v2.access at the mock Slack), then each answered with its own token,
letters sent with the token of the addressee's workspace, uninstalls and revoked tokens."""

from __future__ import annotations

import html
import logging
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import aiohttp
import orjson
import pytest
from aiohttp.test_utils import TestServer

from adapters.slack import SLACK, SlackAdapter
from adapters.slack.config import SCOPES
from bot.config import Settings
from bot.core import Core
from bot.demand import answer_demand
from bot.i18n import say
from bot.messages import Notice, Reply
from bot.server import CORE, build_app
from knowledge.kb import demo_solutions
from knowledge.records import Person
from knowledge.solutions import parse_solution
from knowledge.store import open_store
from tests.conftest import solution_dict
from tests.slack_mock import (
    CLIENT_ID,
    CLIENT_SECRET,
    SECRET,
    SlackMock,
    event_body,
    signed,
)

AARHUS, ODENSE = "T0AARHUS", "T0ODENSE"
METTE, ANNA = "U0METTE", "U0ANNA"  # Mette works in Aarhus, Anna in Odense
COOKIE = "slack-app-oauth-state"  # bolt's cookie name


@dataclass
class Spred:
    server: TestServer
    http: aiohttp.ClientSession
    slack: SlackMock

    @property
    def adapter(self) -> SlackAdapter:
        adapter = self.server.app[SLACK].adapter
        assert adapter is not None
        return adapter

    @property
    def core(self) -> Core:
        return self.server.app[CORE]

    async def get(self, path: str, *, cookie: str | None = None) -> tuple[int, str, Any]:
        headers = {"Cookie": cookie} if cookie is not None else {}
        async with self.http.get(
            self.server.make_url(path), headers=headers, allow_redirects=False
        ) as response:
            return response.status, await response.text(), response.headers

    async def start_install(self) -> tuple[str, dict[str, list[str]], str]:
        """A browser opening the install page: the link's address, its query, and the
        cookie the page set (sent back as a browser would)."""
        status, page, headers = await self.get("/slack/install")
        assert status == 200
        link = html.unescape(re.findall(r'<a class="add" href="([^"]+)"', page)[0])
        cookie = next(c for c in headers.getall("Set-Cookie") if c.startswith(COOKIE))
        split = urlsplit(link)
        return f"{split.scheme}://{split.netloc}{split.path}", parse_qs(split.query), cookie

    async def install(self, team: str, name: str, installer: str, **grid: Any) -> str:
        """Installs Spred in `team` through the whole flow; returns its bot token. `grid`:
        the mock's `enterprise` and `org_wide`, for an Enterprise Grid install."""
        _, query, cookie = await self.start_install()
        code = f"code-{team}"
        token = self.slack.install(code, team=team, name=name, installer=installer, **grid)
        status, page, _ = await self.get(
            f"/slack/oauth_redirect?code={code}&state={query['state'][0]}",
            cookie=cookie.split(";")[0],
        )
        assert status == 200, page
        return token

    async def post(self, body: bytes, *, content_type: str = "application/json") -> int:
        """A signed request to /slack/events; its status once what it started is done."""
        headers = {"Content-Type": content_type, **signed(body)}
        async with self.http.post(
            self.server.make_url("/slack/events"), data=body, headers=headers
        ) as response:
            await response.read()
            status = response.status
        await self.adapter.drain(within=5)
        return status

    async def press(self, user: str, team: str, value: dict[str, Any]) -> int:
        """`user` of workspace `team` presses a button in their DM with Spred."""
        press = {
            "type": "block_actions",
            "user": {"id": user, "team_id": team},
            "team": {"id": team, "domain": team.casefold()},
            "trigger_id": "trig-1",
            "channel": {"id": f"D{user}"},
            "container": {"type": "message", "channel_id": f"D{user}", "message_ts": "1.2"},
            "actions": [{"action_id": "spred-0", "value": orjson.dumps(value).decode()}],
        }
        body = urlencode({"payload": orjson.dumps(press).decode()}).encode()
        return await self.post(body, content_type="application/x-www-form-urlencoded")

    async def event(self, event: dict[str, Any], *, team: str, event_id: str) -> int:
        body = event_body(event, event_id=event_id, team=team, bot_user=f"U0BOT{team}")
        return await self.post(body)

    async def dm(self, user: str, team: str, text: str, *, event_id: str) -> int:
        event = {
            "type": "message",
            "channel_type": "im",
            "channel": f"D{user}",
            "user": user,
            "text": text,
            "ts": "1700000001.000200",
        }
        return await self.event(event, team=team, event_id=event_id)

    def posted(self, channel: str) -> list[str]:
        """The tokens each message posted to `channel` carried."""
        return [
            c.token
            for c in self.slack.calls
            if c.method == "chat.postMessage" and c.args.get("channel") == channel
        ]


def _environ(slack: SlackMock) -> dict[str, str]:
    assert slack.server is not None
    return {
        "SLACK_CLIENT_ID": CLIENT_ID,
        "SLACK_CLIENT_SECRET": CLIENT_SECRET,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack.api_url,
        "SLACK_AUTHORIZE_URL": str(slack.server.make_url("/oauth/v2/authorize")),
    }


@pytest.fixture
async def slack() -> AsyncIterator[SlackMock]:
    mock = SlackMock()
    mock.tokens.clear()  # no workspace's token is known until it installs Spred
    mock.add_user(METTE, "Mette Hansen", "mette@aarhus.eksempel.dk")
    mock.add_user(ANNA, "Anna Holm", "anna@odense.eksempel.dk")
    await mock.start()
    yield mock
    await mock.close()


async def _serve(data: Path, slack: SlackMock) -> Spred:
    settings = Settings(data_dir=data, refresh_seconds=60)
    server = TestServer(build_app(settings, environ=_environ(slack)), host="127.0.0.1")
    await server.start_server()
    spred = Spred(server, aiohttp.ClientSession(), slack)
    assert spred.adapter.workspaces is not None
    spred.adapter.workspaces.interval = 0.0  # Slack's one-a-second pacing, off for tests
    return spred


async def _stop(spred: Spred) -> None:
    await spred.http.close()
    await spred.server.close()


@pytest.fixture
async def spred(tmp_path: Path, slack: SlackMock) -> AsyncIterator[Spred]:
    store = await open_store(tmp_path / "data")
    await store.solutions.upsert_many(demo_solutions())
    await store.close()
    running = await _serve(tmp_path / "data", slack)
    yield running
    await _stop(running)


async def test_the_install_page_links_to_slack_with_the_client_id_scopes_and_a_state(
    spred: Spred, slack: SlackMock
) -> None:
    status, page, headers = await spred.get("/slack/install")
    assert status == 200
    assert headers["Content-Type"].startswith("text/html")
    for language in ("da", "en"):
        assert html.escape(say(language, "slack_install_button")) in page
        assert html.escape(say(language, "slack_install_intro")) in page
    address, query, cookie = await spred.start_install()
    assert slack.server is not None
    assert address == str(slack.server.make_url("/oauth/v2/authorize"))
    assert query["client_id"] == [CLIENT_ID]
    assert query["scope"] == [",".join(SCOPES)]
    state = query["state"][0]
    assert len(state) >= 32
    assert cookie.startswith(f"{COOKIE}={state};")  # bound to this browser
    assert "HttpOnly" in cookie
    assert await spred.core.services.store.oauth_states.get(state) is not None


async def test_two_workspaces_install_and_each_is_answered_with_its_own_token(
    spred: Spred, slack: SlackMock
) -> None:
    aarhus = await spred.install(AARHUS, "Aarhus Kommune", installer=METTE)
    odense = await spred.install(ODENSE, "Odense Kommune", installer=ANNA)
    assert aarhus != odense
    store = spred.core.services.store
    organisation = await store.organisations.get(f"slack:{AARHUS}")
    assert organisation is not None
    assert organisation.name == "Aarhus Kommune"
    assert organisation.installer == f"slack:{METTE}"
    assert organisation.admins == (f"slack:{METTE}",)
    kept = await store.slack_installations.get(ODENSE)
    assert kept is not None
    assert kept.installation["bot_token"] == odense
    assert kept.installation["user_id"] == ANNA

    assert await spred.dm(METTE, AARHUS, "ventetid i hjemmeplejen", event_id="Ev1") == 200
    assert await spred.dm(ANNA, ODENSE, "ventetid i hjemmeplejen", event_id="Ev2") == 200
    assert spred.posted(f"D{METTE}") == [aarhus]
    assert spred.posted(f"D{ANNA}") == [odense]
    profiles = {c.args["user"]: c.token for c in slack.called("users.info")}
    assert profiles == {METTE: aarhus, ANNA: odense}
    # every Web API call carried a bot token Slack knows (oauth.v2.access: the app's own)
    carried = {c.token for c in slack.calls if c.method != "oauth.v2.access"}
    assert carried == {aarhus, odense}
    # a request is authorized from the installation as kept: Slack is asked who a token is
    # only at the install, never on a request's way in
    assert await spred.dm(METTE, AARHUS, "mere", event_id="Ev3") == 200
    assert [c.token for c in slack.called("auth.test")] == [aarhus, odense]


async def test_a_letter_to_someone_in_another_workspace_carries_that_workspaces_token(
    spred: Spred, slack: SlackMock
) -> None:
    await spred.install(AARHUS, "Aarhus Kommune", installer=METTE)
    odense = await spred.install(ODENSE, "Odense Kommune", installer=ANNA)
    await spred.dm(ANNA, ODENSE, "hej", event_id="Ev1")
    await spred.dm(METTE, AARHUS, "hej", event_id="Ev2")
    before = len(spred.posted(f"D{ANNA}"))
    assert await spred.core.outbox.reachable(f"slack:{ANNA}") is True
    letter = Notice(to=f"slack:{ANNA}", kind="test", reply=Reply(text="Mette vil gerne tale"))
    await spred.core.outbox.send(letter)
    assert spred.posted(f"D{ANNA}")[before:] == [odense]
    assert await spred.core.outbox.waiting() == []
    # the Incoming carried the workspace it came from
    address = await spred.core.addresses.of(f"slack:{ANNA}")
    assert address == {"team_id": ODENSE}


async def test_someone_spred_never_heard_from_is_not_reachable_on_slack(spred: Spred) -> None:
    await spred.install(AARHUS, "Aarhus Kommune", installer=METTE)
    assert await spred.core.outbox.reachable("slack:U0STRANGER") is False


async def test_an_uninstalled_workspace_is_never_written_to_with_its_old_token(
    spred: Spred, slack: SlackMock
) -> None:
    aarhus = await spred.install(AARHUS, "Aarhus Kommune", installer=METTE)
    odense = await spred.install(ODENSE, "Odense Kommune", installer=ANNA)
    await spred.dm(METTE, AARHUS, "hej", event_id="Ev1")
    uninstalled = {"type": "app_uninstalled"}
    assert await spred.event(uninstalled, team=AARHUS, event_id="Ev2") == 200
    slack.revoke(aarhus)
    store = spred.core.services.store
    assert await store.slack_installations.get(AARHUS) is None
    assert await store.slack_installations.get(ODENSE) is not None
    assert await store.organisations.get(f"slack:{AARHUS}") is not None  # kept: its data
    calls = len(slack.calls)
    assert await spred.dm(METTE, AARHUS, "hej igen", event_id="Ev3") == 200
    assert await spred.core.outbox.reachable(f"slack:{METTE}") is False
    await spred.core.outbox.send(Notice(to=f"slack:{METTE}", kind="test", reply=Reply(text="x")))
    assert [c.method for c in slack.calls[calls:]] == []  # nothing, with any token
    await spred.dm(ANNA, ODENSE, "hej", event_id="Ev4")
    assert spred.posted(f"D{ANNA}") == [odense]


async def test_revoked_tokens_remove_the_installation(spred: Spred, slack: SlackMock) -> None:
    odense = await spred.install(ODENSE, "Odense Kommune", installer=ANNA)
    await spred.dm(ANNA, ODENSE, "hej", event_id="Ev1")
    revoked = {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": [f"U0BOT{ODENSE}"]}}
    assert await spred.event(revoked, team=ODENSE, event_id="Ev2") == 200
    assert await spred.core.services.store.slack_installations.get(ODENSE) is None
    slack.revoke(odense)
    assert await spred.core.outbox.reachable(f"slack:{ANNA}") is False
    calls = len(slack.calls)
    await spred.dm(ANNA, ODENSE, "hej", event_id="Ev3")
    assert slack.calls[calls:] == []


async def _nothing_installed(spred: Spred) -> None:
    store = spred.core.services.store
    assert await store.slack_installations.count() == 0
    assert await store.organisations.count() == 0


async def test_a_forged_state_installs_nothing(spred: Spred, slack: SlackMock) -> None:
    slack.install("code-1", team=AARHUS, name="Aarhus Kommune", installer=METTE)
    forged = "f" * 43
    status, page, _ = await spred.get(
        f"/slack/oauth_redirect?code=code-1&state={forged}", cookie=f"{COOKIE}={forged}"
    )
    assert status == 401
    assert html.escape(say("da", "slack_install_failed_state")) in page
    assert html.escape(say("en", "slack_install_failed_state")) in page
    assert slack.called("oauth.v2.access") == []
    await _nothing_installed(spred)


async def test_a_missing_state_or_cookie_installs_nothing(spred: Spred, slack: SlackMock) -> None:
    slack.install("code-1", team=AARHUS, name="Aarhus Kommune", installer=METTE)
    _, query, cookie = await spred.start_install()
    state = query["state"][0]
    status, _, _ = await spred.get("/slack/oauth_redirect?code=code-1", cookie=cookie)
    assert status == 400
    status, page, _ = await spred.get(f"/slack/oauth_redirect?code=code-1&state={state}")
    assert status == 400  # another browser than the one that started
    assert html.escape(say("en", "slack_install_failed_state")) in page
    other = f"{COOKIE}={'x' * 43}"
    status, _, _ = await spred.get(f"/slack/oauth_redirect?code=code-1&state={state}", cookie=other)
    assert status == 400
    assert slack.called("oauth.v2.access") == []
    await _nothing_installed(spred)


async def test_a_state_is_used_once(spred: Spred, slack: SlackMock) -> None:
    _, query, cookie = await spred.start_install()
    slack.install("code-1", team=AARHUS, name="Aarhus Kommune", installer=METTE)
    redirect = f"/slack/oauth_redirect?code=code-1&state={query['state'][0]}"
    status, _, _ = await spred.get(redirect, cookie=cookie.split(";")[0])
    assert status == 200
    await spred.core.services.store.slack_installations.delete(AARHUS)
    slack.install("code-1", team=AARHUS, name="Aarhus Kommune", installer=METTE)
    status, _, _ = await spred.get(redirect, cookie=cookie.split(";")[0])
    assert status == 401
    assert len(slack.called("oauth.v2.access")) == 1
    assert await spred.core.services.store.slack_installations.count() == 0


async def test_a_code_slack_refuses_installs_nothing(
    spred: Spred, slack: SlackMock, caplog: pytest.LogCaptureFixture
) -> None:
    _, query, cookie = await spred.start_install()
    caplog.set_level(logging.DEBUG)
    status, page, _ = await spred.get(
        f"/slack/oauth_redirect?code=secret-code-42&state={query['state'][0]}",
        cookie=cookie.split(";")[0],
    )
    assert status == 401
    assert html.escape(say("da", "slack_install_failed_refused")) in page
    assert [c.args.get("code") for c in slack.called("oauth.v2.access")] == ["secret-code-42"]
    await _nothing_installed(spred)
    assert "secret-code-42" not in caplog.text
    assert CLIENT_SECRET not in caplog.text


async def test_cancelled_in_slack_is_a_failure_page(spred: Spred, slack: SlackMock) -> None:
    status, page, _ = await spred.get("/slack/oauth_redirect?error=access_denied&state=x")
    assert status == 400
    assert html.escape(say("da", "slack_install_failed_cancelled")) in page
    await _nothing_installed(spred)


async def test_hostile_markup_in_a_team_name_is_shown_as_text(
    spred: Spred, slack: SlackMock
) -> None:
    _, query, cookie = await spred.start_install()
    slack.install("code-x", team=AARHUS, name="<script>alert(1)</script>", installer=METTE)
    status, page, _ = await spred.get(
        f"/slack/oauth_redirect?code=code-x&state={query['state'][0]}",
        cookie=cookie.split(";")[0],
    )
    assert status == 200
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


async def test_tokens_are_never_logged(
    spred: Spred, slack: SlackMock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    token = await spred.install(AARHUS, "Aarhus Kommune", installer=METTE)
    await spred.dm(METTE, AARHUS, "hej", event_id="Ev1")
    await spred.event({"type": "app_uninstalled"}, team=AARHUS, event_id="Ev2")
    assert spred.posted(f"D{METTE}") == [token]
    assert token not in caplog.text
    assert CLIENT_SECRET not in caplog.text


async def test_an_installation_survives_a_restart(tmp_path: Path, slack: SlackMock) -> None:
    store = await open_store(tmp_path / "data")
    await store.solutions.upsert_many(demo_solutions())
    await store.close()
    first = await _serve(tmp_path / "data", slack)
    token = await first.install(AARHUS, "Aarhus Kommune", installer=METTE)
    await _stop(first)
    raw = orjson.loads((tmp_path / "data" / "slack_installations.json").read_bytes())
    assert token in str(raw)  # kept in the store's own file, not a second one
    again = await _serve(tmp_path / "data", slack)
    try:
        await again.dm(METTE, AARHUS, "hej", event_id="Ev1")
        assert again.posted(f"D{METTE}") == [token]
    finally:
        await _stop(again)


async def test_a_workspace_that_never_installed_gets_no_answer(
    spred: Spred, slack: SlackMock
) -> None:
    await spred.install(AARHUS, "Aarhus Kommune", installer=METTE)
    calls = len(slack.calls)
    assert await spred.dm(ANNA, ODENSE, "hej", event_id="Ev1") == 200
    assert slack.calls[calls:] == []


async def test_a_button_and_a_command_are_answered_with_their_workspaces_token(
    spred: Spred, slack: SlackMock
) -> None:
    aarhus = await spred.install(AARHUS, "Aarhus Kommune", installer=METTE)
    odense = await spred.install(ODENSE, "Odense Kommune", installer=ANNA)
    await spred.press(ANNA, ODENSE, {"a": "help", "p": {}})
    assert spred.posted(f"D{ANNA}") == [odense]
    command = {
        "command": "/spred",
        "text": "hjælp",
        "user_id": METTE,
        "team_id": AARHUS,
        "channel_id": f"D{METTE}",
        "trigger_id": "trig-2",
    }
    await spred.post(urlencode(command).encode(), content_type="application/x-www-form-urlencoded")
    assert spred.posted(f"D{METTE}") == [aarhus]  # no response_url: in the DM
    assert {c.args["user"]: c.token for c in slack.called("users.info")} == {
        ANNA: odense,
        METTE: aarhus,
    }


async def test_a_rotating_token_is_renewed_for_answers_and_for_letters(
    spred: Spred, slack: SlackMock
) -> None:
    _, query, cookie = await spred.start_install()
    first = slack.install(
        "code-r", team=ODENSE, name="Odense Kommune", installer=ANNA, expires_in=60
    )
    redirect = f"/slack/oauth_redirect?code=code-r&state={query['state'][0]}"
    assert (await spred.get(redirect, cookie=cookie.split(";")[0]))[0] == 200
    await spred.dm(ANNA, ODENSE, "hej", event_id="Ev1")  # bolt renews it: an hour is too short
    assert spred.posted(f"D{ANNA}") == [f"{first}-r"]
    await spred.core.outbox.send(Notice(to=f"slack:{ANNA}", kind="test", reply=Reply(text="x")))
    assert spred.posted(f"D{ANNA}") == [f"{first}-r", f"{first}-r-r"]  # and so does a letter
    kept = await spred.core.services.store.slack_installations.get(ODENSE)
    assert kept is not None
    assert kept.installation["bot_token"] == f"{first}-r-r"
    assert kept.installation["bot_refresh_token"] == f"xoxe-{first}-r-r"


async def test_a_colleague_in_another_workspace_is_found_and_told_there_with_its_token(
    spred: Spred, slack: SlackMock
) -> None:
    """Kontakt from Odense on an Aarhus solution whose contact gives only an e-mail: Spred
    asks Aarhus' workspace (users.lookupByEmail with Aarhus' token), writes to her there,
    and keeps her workspace, so later letters reach her too."""
    aarhus = await spred.install(AARHUS, "Aarhus Kommune", installer=METTE)
    odense = await spred.install(ODENSE, "Odense Kommune", installer=ANNA)
    slack.add_user("U0KIRSTEN", "Kirsten Berg", "kirsten@aarhus.eksempel.dk", team=AARHUS)
    contact = {"name": "Kirsten Berg", "email": "kirsten@aarhus.eksempel.dk", "role": "Leder"}
    entry = solution_dict("kortere-ventetid", organization="Aarhus Kommune", contacts=[contact])
    await spred.core.services.kb.publish([parse_solution(entry, path="s")])
    await spred.press(ANNA, ODENSE, {"a": "contact", "p": {"solution": "kortere-ventetid"}})
    [lookup] = slack.called("users.lookupByEmail")
    assert lookup.token == aarhus
    assert spred.posted("DU0KIRSTEN") == [aarhus]  # the introduction, in her workspace
    assert spred.posted(f"D{ANNA}") == [odense]  # the asker told, in hers
    assert await spred.core.addresses.of("slack:U0KIRSTEN") == {"team_id": AARHUS}
    assert await spred.core.outbox.reachable("slack:U0KIRSTEN") is True


async def test_after_an_uninstall_kontakt_gives_the_email_and_nothing_uses_the_old_token(
    spred: Spred, slack: SlackMock
) -> None:
    """Kirsten was reached in Aarhus' workspace before; Aarhus uninstalls Spred. A letter
    already waiting for her is not posted, and a new Kontakt from Odense falls back to
    her e-mail, told so plainly, with nothing sent with Aarhus' old token."""
    aarhus = await spred.install(AARHUS, "Aarhus Kommune", installer=METTE)
    odense = await spred.install(ODENSE, "Odense Kommune", installer=ANNA)
    slack.add_user("U0KIRSTEN", "Kirsten Berg", "kirsten@aarhus.eksempel.dk", team=AARHUS)
    contact = {"name": "Kirsten Berg", "email": "kirsten@aarhus.eksempel.dk", "role": "Leder"}
    entry = solution_dict("kortere-ventetid", organization="Aarhus Kommune", contacts=[contact])
    await spred.core.services.kb.publish([parse_solution(entry, path="s")])
    await spred.core.addresses.remember("slack:U0KIRSTEN", {"team_id": AARHUS})
    await spred.event({"type": "app_uninstalled"}, team=AARHUS, event_id="Ev1")
    slack.revoke(aarhus)
    calls = len(slack.calls)
    waiting = Notice(to="slack:U0KIRSTEN", kind="adoption", reply=Reply(text="x"))
    await spred.core.outbox.send(waiting)
    assert await spred.core.outbox.flush() == 0
    await spred.press(ANNA, ODENSE, {"a": "contact", "p": {"solution": "kortere-ventetid"}})
    assert {c.token for c in slack.calls[calls:]} == {odense}  # Anna's answer only
    [answer] = [c for c in slack.calls[calls:] if c.method == "chat.postMessage"]
    assert "kirsten@aarhus.eksempel.dk" in str(answer.args)
    assert "Jeg har også givet" not in str(answer.args)  # not told Kirsten was notified
    [record] = await spred.core.services.store.introductions.all()
    assert (record.contact, record.relay) == ("", None)


async def test_demand_answered_reaches_the_asker_in_her_own_workspace(
    spred: Spred, slack: SlackMock
) -> None:
    """Anna (Odense) asks what nothing answers and asks to be told; a solution from Aarhus
    answers it later: the letter goes to her with Odense's token, never Aarhus'."""
    aarhus = await spred.install(AARHUS, "Aarhus Kommune", installer=METTE)
    odense = await spred.install(ODENSE, "Odense Kommune", installer=ANNA)
    question = "snerydning med droner på kirkegården"
    await spred.dm(ANNA, ODENSE, question, event_id="Ev1")
    [demand] = await spred.core.services.store.demand.all()
    assert demand.org_id == f"slack:{ODENSE}"
    await spred.press(ANNA, ODENSE, {"a": "notify", "p": {"demand": demand.id}})
    before = len(spred.posted(f"D{ANNA}"))
    entry = solution_dict(
        "droner-til-snerydning",
        title="Droner til snerydning på kirkegården",
        summary="Snerydning med droner på kirkegården.",
        organization="Aarhus Kommune",
        tags=["snerydning", "droner", "kirkegård"],
    )
    await spred.core.services.kb.publish([parse_solution(entry, path="s")])
    assert await answer_demand(kb=spred.core.services.kb, outbox=spred.core.outbox) == 1
    assert spred.posted(f"D{ANNA}")[before:] == [odense]
    assert aarhus not in spred.posted(f"D{ANNA}")


async def test_two_installed_workspaces_talk_through_spred_each_with_its_own_token(
    spred: Spred, slack: SlackMock
) -> None:
    """Anna (Odense) contacts Kirsten (Aarhus, found by e-mail); Kirsten presses Svar, Anna
    too, and a message goes each way: every post to Kirsten carries Aarhus' token, every
    post to Anna Odense's."""
    aarhus = await spred.install(AARHUS, "Aarhus Kommune", installer=METTE)
    odense = await spred.install(ODENSE, "Odense Kommune", installer=ANNA)
    slack.add_user("U0KIRSTEN", "Kirsten Berg", "kirsten@aarhus.eksempel.dk", team=AARHUS)
    slack.add_user(ANNA, "Anna Holm", "anna@odense.eksempel.dk", team=ODENSE)
    contact = {"name": "Kirsten Berg", "email": "kirsten@aarhus.eksempel.dk", "role": "Leder"}
    entry = solution_dict("kortere-ventetid", organization="Aarhus Kommune", contacts=[contact])
    await spred.core.services.kb.publish([parse_solution(entry, path="s")])

    async def press(user: str, team: str, action: str, payload: dict[str, Any]) -> None:
        assert await spred.press(user, team, {"a": action, "p": payload}) == 200

    def posts_to(user: str) -> list[tuple[str, str]]:
        return [
            (c.token, str(c.args))
            for c in slack.calls
            if c.method == "chat.postMessage" and c.args.get("channel") == f"D{user}"
        ]

    await press(ANNA, ODENSE, "contact", {"solution": "kortere-ventetid"})
    [introduction] = await spred.core.services.store.introductions.all()
    await press("U0KIRSTEN", AARHUS, "relay_reply", {"introduction": introduction.id})
    await press(ANNA, ODENSE, "relay_reply", {"introduction": introduction.id})
    await spred.dm(ANNA, ODENSE, "Hvordan kom I i gang?", event_id="Ev1")
    await spred.dm("U0KIRSTEN", AARHUS, "Med to visitatorer.", event_id="Ev2")
    to_kirsten, to_anna = posts_to("U0KIRSTEN"), posts_to(ANNA)
    assert {token for token, _ in to_kirsten} == {aarhus}
    assert {token for token, _ in to_anna} == {odense}
    assert sum("Hvordan kom I i gang?" in text for _, text in to_kirsten) == 1
    assert sum("Med to visitatorer." in text for _, text in to_anna) == 1
    assert not any("anna@odense.eksempel.dk" in text for _, text in to_kirsten)


async def test_a_profile_email_links_a_directory_entry_only_of_its_own_organisation(
    spred: Spred, slack: SlackMock
) -> None:
    """Someone in Aarhus' workspace whose Slack profile gives the e-mail of a person in
    Odense's directory is not made that person: prompts and introductions for Bo must never
    go to another organisation's workspace. Kirsten, in Aarhus' own directory, is linked."""
    await spred.install(AARHUS, "Aarhus Kommune", installer=METTE)
    await spred.install(ODENSE, "Odense Kommune", installer=ANNA)
    store = spred.core.services.store
    await store.people.upsert_many(
        [
            Person(id="bo", name="Bo Leder", email="bo@odense.eksempel.dk",
                   organization="Odense Kommune"),
            Person(id="kirsten", name="Kirsten Berg", email="kirsten@aarhus.eksempel.dk",
                   organization="Aarhus Kommune"),
        ]
    )  # fmt: skip
    slack.add_user("U0FAKE", "Bo Leder", "bo@odense.eksempel.dk", team=AARHUS)
    slack.add_user("U0KIRSTEN", "Kirsten Berg", "kirsten@aarhus.eksempel.dk", team=AARHUS)
    await spred.dm("U0FAKE", AARHUS, "hej", event_id="Ev1")
    await spred.dm("U0KIRSTEN", AARHUS, "hej", event_id="Ev2")
    bo, kirsten = await store.people.get("bo"), await store.people.get("kirsten")
    assert bo is not None
    assert kirsten is not None
    assert (bo.slack_id, kirsten.slack_id) == (None, "U0KIRSTEN")


async def test_an_org_wide_install_is_one_organisation_whose_installer_is_its_admin(
    spred: Spred, slack: SlackMock
) -> None:
    """An Enterprise Grid admin installs Spred for the whole grid: messages from any of its
    workspaces are of that one organisation, where the installer is a local admin."""
    token = await spred.install(
        "T0GRIDA", "Region", installer=METTE, enterprise="E0GRID", org_wide=True
    )
    event = {
        "type": "message",
        "channel_type": "im",
        "channel": f"D{METTE}",
        "user": METTE,
        "text": "lokale admins",
        "ts": "1700000001.000200",
    }
    body = orjson.loads(event_body(event, event_id="Ev1", team="T0GRIDA", bot_user="U0BOTT0GRIDA"))
    body |= {"enterprise_id": "E0GRID", "is_ext_shared_channel": False}
    body["authorizations"] = [
        {"enterprise_id": "E0GRID", "team_id": None, "user_id": "U0BOTT0GRIDA",
         "is_bot": True, "is_enterprise_install": True}
    ]  # fmt: skip
    assert await spred.post(orjson.dumps(body)) == 200
    [answer] = [c for c in slack.calls if c.method == "chat.postMessage"]
    assert answer.token == token
    assert f"slack:{METTE}" in str(answer.args)  # she is listed: a local admin here
    [conversation] = await spred.core.services.store.conversations.all()
    assert conversation.org_id == "slack:E0GRID"


async def test_a_colleague_in_an_org_wide_grid_is_found_in_any_of_its_workspaces(
    spred: Spred, slack: SlackMock
) -> None:
    """Kontakt from Odense on a solution of a grid installed org-wide: Kirsten, in another
    workspace of the grid than the installer's, is found with the grid's token, and the
    introduction reaches her with it."""
    grid = await spred.install(
        "T0GRIDA", "Region", installer=METTE, enterprise="E0GRID", org_wide=True
    )
    odense = await spred.install(ODENSE, "Odense Kommune", installer=ANNA)
    organisation = await spred.core.organisations.get("slack:E0GRID")
    assert organisation is not None
    slack.add_user("U0KIRSTEN", "Kirsten Berg", "kirsten@grid.eksempel.dk", team="T0GRIDB",
                   grid="E0GRID")  # fmt: skip
    contact = {"name": "Kirsten Berg", "email": "kirsten@grid.eksempel.dk"}
    entry = solution_dict("kortere-ventetid", organization=organisation.name, contacts=[contact])
    await spred.core.services.kb.publish([parse_solution(entry, path="s")])
    await spred.press(ANNA, ODENSE, {"a": "contact", "p": {"solution": "kortere-ventetid"}})
    [lookup] = slack.called("users.lookupByEmail")
    assert lookup.token == grid
    assert spred.posted("DU0KIRSTEN") == [grid]
    assert spred.posted(f"D{ANNA}") == [odense]
    assert await spred.core.outbox.reachable("slack:U0KIRSTEN") is True
