"""Teams on the real botbuilder stack over loopback HTTP: activities POSTed to the real
/api/messages with serviceUrl pointing at a mock connector service that records replies."""

from __future__ import annotations

import copy
import struct
import subprocess
import sys
import zipfile
import zlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import orjson
import pytest
from aiohttp.test_utils import TestServer
from botbuilder import schema
from botbuilder.core import TurnContext
from botbuilder.schema import (
    Attachment,
    ChannelAccount,
    ConversationAccount,
    ConversationReference,
)
from msrest.serialization import Serializer

from adapters.teams import TeamsConfigError, cards
from adapters.teams.connectors import wire
from bot.config import Settings
from bot.core import Core
from bot.messages import Incoming
from bot.server import build_app
from knowledge.kb import demo_solutions
from knowledge.solutions import parse_solution
from knowledge.store import open_store
from tests.conftest import Clock, solution_dict
from tests.teams_mock import BOT, Connector, message
from tests.test_cli import base_env

ROOT = Path(__file__).resolve().parents[1]
ADMIN = "29:admin"


@dataclass
class Spred:
    server: TestServer
    http: aiohttp.ClientSession
    connector: Connector

    async def post(
        self, activity: dict[str, Any] | bytes, *, headers: dict[str, str] | None = None
    ) -> aiohttp.ClientResponse:
        body = activity if isinstance(activity, bytes) else orjson.dumps(activity)
        sent = {"Content-Type": "application/json"} if headers is None else headers
        async with self.http.post(
            self.server.make_url("/api/messages"), data=body, headers=sent
        ) as response:
            await response.read()
            return response

    async def say(self, text: str, **kwargs: Any) -> aiohttp.ClientResponse:
        return await self.post(message(text, connector=self.connector, **kwargs))

    async def submit(self, value: dict[str, Any], **kwargs: Any) -> aiohttp.ClientResponse:
        return await self.post(message("", connector=self.connector, value=value, **kwargs))


async def _data(path: Path, *extra: dict[str, Any]) -> Path:
    store = await open_store(path)
    await store.solutions.upsert_many(demo_solutions())
    await store.solutions.upsert_many([parse_solution(e, path="s") for e in extra])
    await store.close()
    return path


@pytest.fixture
async def connector() -> AsyncIterator[Connector]:
    mock = Connector()
    await mock.start()
    yield mock
    await mock.close()


async def _running(
    data: Path,
    connector: Connector,
    environ: dict[str, str] | None = None,
) -> Spred:
    settings = Settings(data_dir=data, admins=frozenset({f"teams:{ADMIN}"}), refresh_seconds=60)
    server = TestServer(build_app(settings, environ=environ or {}), host="127.0.0.1")
    await server.start_server()
    return Spred(server, aiohttp.ClientSession(), connector)


async def _stop(spred: Spred) -> None:
    await spred.http.close()
    await spred.server.close()


@pytest.fixture
async def spred(tmp_path: Path, connector: Connector) -> AsyncIterator[Spred]:
    running = await _running(await _data(tmp_path / "data"), connector)
    yield running
    await _stop(running)


def buttons(posted: Any) -> list[dict[str, Any]]:
    return [a for card in posted.cards for a in card.get("actions", [])]


async def test_a_personal_message_is_answered_as_a_reply_with_adaptive_cards(
    spred: Spred,
) -> None:
    response = await spred.say("hvordan får vi ventetiden ned i hjemmeplejen?")
    assert response.status in (200, 201)
    [reply] = await spred.connector.wait_for()
    assert reply.conversation == "a:personal-anna"
    assert reply.reply_to == "act-1"  # POSTed to …/activities/{activity.id}
    assert "Opstartsteam sikrer hjemmehjælp" in reply.text
    card = reply.cards[0]
    assert card["type"] == "AdaptiveCard"
    assert card["version"] == "1.5"
    titles = [b["title"] for b in buttons(reply)]
    assert "Kontakt Mette Kjærgaard" in titles
    assert all(b["type"] == "Action.Submit" for b in buttons(reply))


async def test_the_bots_mention_is_removed_in_channels_and_group_chats(spred: Spred) -> None:
    activity = message(
        "<at>Spred</at> sygefravær i hjemmeplejen",
        connector=spred.connector,
        conversation="19:channel@thread.tacv2",
        kind="channel",
    )
    activity["entities"] = [{"type": "mention", "text": "<at>Spred</at>", "mentioned": BOT}]
    await spred.post(activity)
    [reply] = await spred.connector.wait_for()
    assert reply.conversation == "19:channel@thread.tacv2"
    assert "sygefravær i hjemmeplejen" in reply.text
    assert "<at>" not in reply.text
    group = message("hjælp", connector=spred.connector, conversation="19:group", kind="groupChat")
    await spred.post(group)
    replies = await spred.connector.wait_for(2)
    assert "Skriv et spørgsmål" in replies[1].text


async def test_a_card_submit_performs_the_action_and_a_forged_one_grants_nothing(
    spred: Spred,
) -> None:
    await spred.say("ventetid hjemmepleje opstart")
    [answer] = await spred.connector.wait_for()
    contact = next(b for b in buttons(answer) if b["title"].startswith("Kontakt"))
    await spred.submit(contact["data"], activity_id="act-2")
    replies = await spred.connector.wait_for(2)
    assert "mette.kjaergaard@aarhus.eksempel.dk" in replies[1].text
    await spred.submit(
        {"spred": "add_form", "payload": {"admin": True}, "from": ADMIN}, activity_id="act-3"
    )
    await spred.submit({"spred": ["x"]}, activity_id="act-4")
    replies = await spred.connector.wait_for(4)
    assert "Det er kun Spreds administratorer" in replies[2].text
    assert "Den knap virker ikke længere" in replies[3].text


async def test_the_add_form_shows_its_errors_again_on_the_card(spred: Spred) -> None:
    await spred.submit({"spred": "add_form", "payload": {}}, user=ADMIN, name="Bo")
    [form] = await spred.connector.wait_for()
    inputs = [e for e in form.cards[0]["body"] if e["type"] == "Input.Text"]
    assert [i["id"] for i in inputs][:2] == ["title", "summary"]
    submit = form.cards[0]["actions"][0]
    await spred.submit({**submit["data"], "title": "Maskinpulje", "email": "nej"}, user=ADMIN)
    again = (await spred.connector.wait_for(2))[1]
    body = again.cards[0]["body"]
    title = next(e for e in body if e.get("id") == "title")
    assert title["value"] == "Maskinpulje"
    errors = [e["text"] for e in body if e.get("color") == "Attention"]
    assert any("udfyldes" in e for e in errors)
    assert any("e\\-mail" in e or "e-mail" in e for e in errors)


async def test_installing_the_bot_sends_a_welcome(spred: Spred) -> None:
    update = message("", connector=spred.connector)
    update.update(
        type="conversationUpdate",
        membersAdded=[BOT],
        channelData={"tenant": {"id": "tenant"}, "eventType": "teamMemberAdded"},
    )
    update.pop("text")
    await spred.post(update)
    [welcome] = await spred.connector.wait_for()
    assert "Hej Anna Holm! Jeg er Spred" in welcome.text


async def test_a_429_from_the_connector_is_retried_and_the_reply_delivered_once(
    spred: Spred,
) -> None:
    spred.connector.fail(429, {"Retry-After": "1"})
    spred.connector.fail(502)
    await spred.say("sygefravær")
    posted = await spred.connector.wait_for(timeout=15)
    assert spred.connector.refused == [429, 502]
    assert len(posted) == 1


async def test_hostile_text_cannot_inject_markup_links_or_mentions(
    tmp_path: Path, connector: Connector
) -> None:
    hostile = solution_dict(
        "fjendtlig",
        title="Snerydning [klik](https://evil.example) **fed** <at>Alle</at>",
        summary="Kirkegårde deler maskiner til snerydning. ![x](https://evil.example/x.png)",
        tags=["snerydning", "kirkegård"],
    )
    spred = await _running(await _data(tmp_path / "data", hostile), connector)
    await spred.say('snerydning kirkegård [link](https://evil.example) "}]} <at>Alle</at>')
    [reply] = await connector.wait_for()
    await _stop(spred)
    assert reply.activity["textFormat"] == "plain"
    shown = orjson.dumps(reply.cards).decode()
    assert "[klik](https://evil.example)" not in shown
    assert "\\\\[klik\\\\]\\\\(https" in shown  # escaped: shown as the characters typed
    assert "**fed**" not in shown
    assert not reply.activity.get("entities")


async def _with_mette(tmp_path: Path) -> Path:
    """Data whose solution names Mette, known on Teams, as its contact."""
    contact = {"name": "Mette Hansen", "email": "m@x.dk", "teams_id": "29:mette"}
    return await _data(tmp_path / "data", solution_dict("kortere-ventetid", contacts=[contact]))


async def test_a_stored_reference_reaches_a_user_proactively_after_a_restart(
    tmp_path: Path, connector: Connector
) -> None:
    data = await _with_mette(tmp_path)
    spred = await _running(data, connector)
    await spred.say("hej", user="29:mette", name="Mette Hansen", conversation="a:personal-mette")
    await connector.wait_for()
    await _stop(spred)

    spred = await _running(data, connector)  # a restart: the reference comes from the store
    await spred.submit(
        {"spred": "contact", "payload": {"solution": "kortere-ventetid"}}, activity_id="act-9"
    )
    posted = await connector.wait_for(3)
    await _stop(spred)
    to_mette = [p for p in posted if p.conversation == "a:personal-mette"]
    assert len(to_mette) == 2
    assert "Anna Holm" in to_mette[1].text
    to_anna = next(p for p in posted if p.conversation == "a:personal-anna")
    assert "Jeg har også givet Mette Hansen besked" in to_anna.text


async def test_a_contact_spred_never_met_on_teams_is_named_with_their_email(
    tmp_path: Path, connector: Connector
) -> None:
    data = await _with_mette(tmp_path)
    spred = await _running(data, connector)
    await spred.submit({"spred": "contact", "payload": {"solution": "kortere-ventetid"}})
    [reply] = await connector.wait_for()
    await _stop(spred)
    assert "m@x.dk" in reply.text
    assert "så skriv selv en mail" in reply.text


@pytest.mark.parametrize(
    ("body", "headers", "status"),
    [
        (b'{"type": "message", ', {"Content-Type": "application/json"}, 400),
        (b'{"type": "message"}', {}, 400),
        (b'{"type": "message"}', {"Content-Type": "text/plain"}, 400),
        (b"[1, 2]", {"Content-Type": "application/json"}, 400),
        (
            b'{"type": "message", "text": "hej", "conversation": {"id": "c"}}',
            {"Content-Type": "application/json"},
            400,
        ),  # no sender, no recipient
    ],
)
async def test_malformed_requests_get_400_and_the_server_stays_healthy(
    spred: Spred, body: bytes, headers: dict[str, str], status: int
) -> None:
    assert (await spred.post(body, headers=headers)).status == status
    async with spred.http.get(spred.server.make_url("/healthz")) as health:
        assert (await health.json())["adapters"]["teams"] is True


async def test_with_an_app_id_a_request_without_a_token_is_401_and_not_processed(
    tmp_path: Path, connector: Connector
) -> None:
    environ = {
        "MICROSOFT_APP_ID": "11111111-2222-3333-4444-555555555555",
        "MICROSOFT_APP_PASSWORD": "secret",
    }
    spred = await _running(await _data(tmp_path / "data"), connector, environ)
    response = await spred.say("ventetid")
    store_conversations = await _conversations(spred)
    await _stop(spred)
    assert response.status == 401
    assert connector.posted == []
    assert store_conversations == 0


async def _conversations(spred: Spred) -> int:
    from bot.server import STORE

    return await spred.server.app[STORE].addresses.count()


def test_without_an_app_id_a_public_bind_is_refused(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    with pytest.raises(TeamsConfigError, match=r"without authentication on 0\.0\.0\.0"):
        build_app(settings, environ={}, host="0.0.0.0")
    build_app(settings, environ={}, host="127.0.0.1")  # the emulator on this machine
    build_app(settings, environ={"SPRED_TEAMS": "off"}, host="0.0.0.0")  # Slack only
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "serve",
            "--host",
            "0.0.0.0",
            "--port",
            "39999",  # never bound: the refusal comes first
            "--data",
            str(tmp_path / "data"),
        ],
        cwd=ROOT,
        env=base_env(),
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert b"refusing to serve Teams without authentication on 0.0.0.0" in done.stderr
    assert b"Traceback" not in done.stderr


def test_make_teams_package_builds_the_zip_an_admin_uploads(tmp_path: Path) -> None:
    env = base_env(
        MICROSOFT_APP_ID="11111111-2222-3333-4444-555555555555",
        SPRED_PUBLIC_URL="https://spred.odense.eksempel.dk",
    )
    target = tmp_path / "spred-teams.zip"
    done = subprocess.run(
        [sys.executable, "-m", "adapters.teams.package", str(target)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(target) as archive:
        assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = orjson.loads(archive.read("manifest.json"))
        sizes = {
            name: struct.unpack(">II", archive.read(name)[16:24])
            for name in ("color.png", "outline.png")
        }
        assert zlib.decompress(archive.read("color.png")[41:-16])  # real image data
    assert manifest["manifestVersion"] == "1.17"
    assert manifest["id"] == manifest["bots"][0]["botId"] == env["MICROSOFT_APP_ID"]
    assert manifest["validDomains"] == ["spred.odense.eksempel.dk"]
    assert set(manifest["bots"][0]["scopes"]) == {"personal", "team", "groupChat"}
    assert sizes == {"color.png": (192, 192), "outline.png": (32, 32)}
    missing = subprocess.run(
        [sys.executable, "-m", "adapters.teams.package", str(target)],
        cwd=ROOT,
        env=base_env(),
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert missing.returncode == 1
    assert missing.stderr.startswith(b"teams-package: MICROSOFT_APP_ID is not set")


async def test_replies_are_sent_as_exactly_the_json_msrest_would_send(core: Core) -> None:
    models = {k: v for k, v in schema.__dict__.items() if isinstance(v, type)}
    msrest = Serializer(models)
    reference = ConversationReference(
        activity_id="act-1",
        user=ChannelAccount(id="29:anna", name="Anna"),
        bot=ChannelAccount(id="28:bot", name="Spred"),
        channel_id="msteams",
        service_url="https://smba.example/",
        locale="da-DK",
        conversation=ConversationAccount(id="a:1", conversation_type="personal"),
    )
    replies = await core.handle(
        Incoming(
            platform="teams",
            user_id="29:anna",
            user_name="Anna",
            conversation="a:1",
            text="ventetid hjemmepleje opstart",
        )
    )
    replies += await core.handle(
        Incoming(
            platform="teams",
            user_id="29:anna",
            conversation="a:1",
            action="details",
            payload={"solution": "hurtig-opstart-i-hjemmeplejen"},
        )
    )
    replies += await core.handle(
        Incoming(
            platform="teams", user_id="29:x", conversation="a:2", text="snerydning <b>kirkegård</b>"
        )
    )
    for reply in replies:
        outgoing = TurnContext.apply_conversation_reference(cards.activity(reply), reference)
        outgoing.timestamp = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
        # msrest knows only plain dicts (it would send a card given as a dict subclass as
        # its repr), so it gets plain copies: the JSON must be the same.
        plain = copy.copy(outgoing)
        plain.attachments = [
            Attachment(content_type=a.content_type, content=orjson.loads(orjson.dumps(a.content)))
            for a in outgoing.attachments or []
        ] or None
        assert wire(outgoing) == msrest.body(plain, "Activity")


async def test_a_managers_prompt_reaches_them_proactively(spred: Spred) -> None:
    from bot.server import CORE, STORE
    from knowledge.records import Person

    await spred.say("hej", user="29:bo", name="Bo Leder", conversation="a:personal-bo")
    await spred.connector.wait_for()
    store = spred.server.app[STORE]
    spred.server.app[CORE].services.clock = Clock()  # a Monday morning: today may be a weekend
    await store.people.upsert_many(
        [
            Person(id="bo", name="Bo Leder", organization="Odense Kommune", teams_id="29:bo"),
            Person(
                id="anna",
                name="Anna Holm",
                organization="Odense Kommune",
                manager_id="bo",
                teams_id="29:anna",
            ),
        ]
    )
    await spred.submit(
        {
            "spred": "adopt",
            "payload": {"solution": "hurtig-opstart-i-hjemmeplejen", "stage": "adopted"},
        }
    )
    await spred.connector.wait_for(2)
    assert await spred.server.app[CORE].nudges.run_due() == 1
    posted = await spred.connector.wait_for(3)
    prompt = posted[2]
    assert prompt.conversation == "a:personal-bo"
    assert "Anna Holm har meldt, at" in prompt.text
    assert any(b["title"] == "Planlæg en tilpasning" for b in buttons(prompt))


def test_a_choice_whose_label_is_the_reply_text_says_it_once() -> None:
    from bot.messages import Action, Choice, Reply

    options = (Action(id="pick", label="A", payload={}), Action(id="pick_none", label="Ingen"))
    asked = "Mente du A eller B – eller ingen af dem?"
    shown = orjson.dumps(
        wire(cards.activity(Reply(text=asked, choice=Choice(label=asked, options=options))))
    )
    assert shown.decode().count("Mente du") == 1
    other = cards.activity(Reply(text="Vælg:", choice=Choice(label="Hvilken?", options=options)))
    assert "Hvilken?" in orjson.dumps(wire(other)).decode()


def test_button_styles_are_the_adaptive_card_ones() -> None:
    from bot.messages import Action

    actions = [
        Action(id="a", label="Ja", style="primary"),
        Action(id="b", label="Fjern", style="danger"),
        Action(id="c", label="Senere"),
    ]
    shown = orjson.dumps(wire(cards.adaptive([], actions))).decode()
    assert '"style":"positive"' in shown
    assert '"style":"destructive"' in shown
    assert shown.count('"style"') == 2


CHANNEL = "19:team@thread.tacv2"
METTE = {"user": "29:mette", "name": "Mette Hansen"}
CONTACT_METTE = {"spred": "contact", "payload": {"solution": "kortere-ventetid"}}


def _in_channel(text: str, *, connector: Connector, **kwargs: Any) -> dict[str, Any]:
    """A channel message that @mentions Spred, as Teams sends it."""
    activity = message(
        f"<at>Spred</at> {text}",
        connector=connector,
        conversation=CHANNEL,
        kind="channel",
        **kwargs,
    )
    activity["entities"] = [{"type": "mention", "text": "<at>Spred</at>", "mentioned": BOT}]
    return activity


async def test_letters_go_to_the_personal_chat_never_to_a_channel_the_user_wrote_in(
    tmp_path: Path, connector: Connector
) -> None:
    spred = await _running(await _with_mette(tmp_path), connector)
    await spred.say("hej", conversation="a:personal-mette", **METTE)
    await connector.wait_for()
    await spred.post(_in_channel("sygefravær", connector=connector, activity_id="act-2", **METTE))
    await connector.wait_for(2)
    added = message("", connector=connector, conversation=CHANNEL, kind="channel", **METTE)
    added.update(
        type="conversationUpdate",
        id="act-3",
        membersAdded=[BOT],
        channelData={"eventType": "teamMemberAdded", "team": {"id": CHANNEL}},
    )
    added.pop("text")
    await spred.post(added)  # Mette adds Spred to a team
    await connector.wait_for(3)
    await spred.submit(CONTACT_METTE, activity_id="act-9")
    posted = await connector.wait_for(5)
    await _stop(spred)
    in_channel = [p for p in posted if p.conversation == CHANNEL]
    # There: the answer and the welcome, nothing else.
    assert [p.reply_to for p in in_channel] == ["act-2", None]
    assert "Jeg er Spred" in in_channel[1].text
    [letter] = [p for p in posted[3:] if p.conversation != "a:personal-anna"]
    assert letter.conversation == "a:personal-mette"
    assert "Anna Holm" in letter.text


async def test_a_contact_seen_only_in_a_channel_is_named_with_their_email(
    tmp_path: Path, connector: Connector
) -> None:
    from bot.server import STORE
    from knowledge.records import Address

    spred = await _running(await _with_mette(tmp_path), connector)
    await spred.post(_in_channel("hej", connector=connector, **METTE))
    await connector.wait_for()
    store = spred.server.app[STORE]
    remembered = await store.addresses.get("teams:29:mette")
    await spred.submit(CONTACT_METTE, activity_id="act-8")
    await connector.wait_for(2)
    # A channel an older Spred stored as Mette's address is not used either.
    channel = {"conversation": {"id": CHANNEL, "conversationType": "channel"}, "bot": BOT}
    await store.addresses.upsert(Address(user="teams:29:mette", reference=channel))
    await spred.submit(CONTACT_METTE, activity_id="act-9")
    posted = await connector.wait_for(3)
    await _stop(spred)
    assert remembered is None
    assert len(posted) == 3
    assert [p.conversation for p in posted[1:]] == ["a:personal-anna"] * 2
    assert all("m@x.dk" in p.text and "skriv selv en mail" in p.text for p in posted[1:])


@pytest.mark.parametrize(
    "change",
    [
        {"entities": "x"},
        {"entities": [5]},
        {"timestamp": "nope"},
        {"localTimestamp": "nope"},
        {"attachments": "x"},
        {"type": "conversationUpdate", "membersAdded": "x"},
        {"type": "conversationUpdate", "membersAdded": ["x"]},
        {"from": "x"},
        {"type": "invoke", "name": "adaptiveCard/action", "value": "x"},
    ],
)
async def test_a_malformed_activity_gets_400_not_a_500(
    spred: Spred, change: dict[str, Any]
) -> None:
    activity = message("sygefravær", connector=spred.connector)
    response = await spred.post({**activity, **change})
    assert response.status == 400
    async with spred.http.get(spred.server.make_url("/healthz")) as health:
        assert (await health.json())["adapters"]["teams"] is True
    assert (await spred.say("hjælp", activity_id="act-2")).status in (200, 201)
    [reply] = await spred.connector.wait_for()
    assert reply.reply_to == "act-2"  # the malformed one was never answered


@pytest.mark.parametrize(
    "entities",
    [
        [{"type": "mention", "text": "<at>Spred</at>", "mentioned": "x"}],
        [{"type": "mention", "text": "<at>Spred</at>"}],
        [{"type": "mention", "text": "<at>Spred</at>", "mentioned": {"name": "Spred"}}],
        [{"type": "mention", "text": 5, "mentioned": BOT}],
        [{"type": "mention", "text": "<at>(</at>", "mentioned": {"id": BOT["id"], "name": "("}}],
        [{"text": "<at>Spred</at>", "mentioned": BOT}],
        [{"type": 5, "mentioned": BOT}],
        [{"type": "clientInfo", "locale": "da-DK"}],
    ],
)
async def test_a_message_with_an_odd_mention_is_still_answered(
    spred: Spred, entities: list[Any]
) -> None:
    activity = _in_channel("hjælp", connector=spred.connector)
    activity["entities"] = entities
    response = await spred.post(activity)
    assert response.status in (200, 201)
    [reply] = await spred.connector.wait_for()
    assert reply.conversation == CHANNEL


async def test_a_store_error_in_a_turn_is_logged_not_a_500(
    spred: Spred, caplog: pytest.LogCaptureFixture
) -> None:
    from bot.server import STORE
    from knowledge.store import StoreError

    async def broken(record: object) -> None:
        raise StoreError("the disk is full")

    spred.server.app[STORE].addresses.upsert = broken  # type: ignore[method-assign]
    response = await spred.say("hej")
    assert response.status in (200, 201)  # a 500 would make Bot Framework send it again
    assert "the disk is full" in caplog.text


async def test_teams_html_reaches_the_core_as_plain_text(connector: Connector) -> None:
    from adapters.teams import events

    text = (
        "<p><at>Spred</at> sygefravær &amp; hjemmepleje&nbsp;i Odense</p>"
        "<p>og&nbsp;<b>Aarhus</b><br>nu &lt;3 a < b</p>"
    )
    activity = schema.Activity.deserialize(_in_channel("", connector=connector) | {"text": text})
    seen = events.incoming(activity)
    assert seen.text == "sygefravær & hjemmepleje i Odense og Aarhus nu <3 a < b"
    assert not seen.direct
    plain = schema.Activity.deserialize(
        message("Spred: hvad med <at>Spred</at>", connector=connector)
    )
    assert events.incoming(plain).text == "Spred: hvad med Spred"  # no mention entity: kept


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        ({"MICROSOFT_APP_TYPE": "SingleTenant", "MICROSOFT_APP_TENANT_ID": "t"},
         "MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD"),
        ({"MICROSOFT_APP_TYPE": "SingleTenant", "MICROSOFT_APP_ID": "a",
          "MICROSOFT_APP_TENANT_ID": "t"}, "MICROSOFT_APP_PASSWORD"),
        ({"MICROSOFT_APP_TYPE": "SingleTenant", "MICROSOFT_APP_ID": "a",
          "MICROSOFT_APP_PASSWORD": "p"}, "MICROSOFT_APP_TENANT_ID"),
        ({"MICROSOFT_APP_TYPE": "UserAssignedMSI", "MICROSOFT_APP_TENANT_ID": "t"},
         "MICROSOFT_APP_ID"),
        ({"MICROSOFT_APP_TYPE": "userassignedmsi", "MICROSOFT_APP_ID": "a"},
         "MICROSOFT_APP_TENANT_ID"),
    ],
)  # fmt: skip
def test_an_incomplete_app_registration_says_what_to_set(env: dict[str, str], missing: str) -> None:
    from adapters.teams import TeamsConfig

    with pytest.raises(TeamsConfigError, match=f"needs {missing}: set "):
        TeamsConfig.from_env(env)


@pytest.mark.parametrize(
    "env",
    [
        {},
        {"MICROSOFT_APP_ID": "a", "MICROSOFT_APP_PASSWORD": "p"},
        {"MICROSOFT_APP_TYPE": "SingleTenant", "MICROSOFT_APP_ID": "a",
         "MICROSOFT_APP_PASSWORD": "p", "MICROSOFT_APP_TENANT_ID": "t"},
        {"MICROSOFT_APP_TYPE": "UserAssignedMSI", "MICROSOFT_APP_ID": "a",
         "MICROSOFT_APP_TENANT_ID": "t"},
    ],
)  # fmt: skip
def test_every_accepted_app_registration_is_one_botbuilder_takes(env: dict[str, str]) -> None:
    from adapters.teams import TeamsConfig
    from adapters.teams.connectors import ReusedConnectorsAuthentication

    config = TeamsConfig.from_env(env)
    assert config is not None
    ReusedConnectorsAuthentication(config.for_botbuilder())


def test_form_labels_are_shown_as_written() -> None:
    from bot.messages import Form, FormField

    form = Form(
        id="add",
        title="Tilføj",
        fields=(FormField(name="email", label="Kontaktpersonens e-mail (f.eks. a_b@x.dk)"),),
        submit="Gem",
    )
    content = cards.form_card(form).content
    [field] = [e for e in content["body"] if e["type"] == "Input.Text"]
    assert field["label"] == "Kontaktpersonens e-mail (f.eks. a_b@x.dk)"


async def test_a_429_waits_at_least_the_retry_after(spred: Spred) -> None:
    from adapters.teams import adapter

    spred.connector.fail(429, {"Retry-After": "2"})
    await spred.say("sygefravær")
    [posted] = await spred.connector.wait_for(timeout=15)
    assert posted.at - spred.connector.refused_at[0] >= 2
    assert adapter._pause(1, 3600) == adapter.LONGEST_WAIT  # bounded
    assert adapter._pause(1, None) <= adapter.BACKOFF * 1.5


async def test_a_user_who_removed_spred_keeps_their_letter_until_they_write_again(
    tmp_path: Path, connector: Connector, caplog: pytest.LogCaptureFixture
) -> None:
    from bot.server import CORE, STORE

    spred = await _running(await _with_mette(tmp_path), connector)
    await spred.say("hej", conversation="a:personal-mette", **METTE)
    await connector.wait_for()
    connector.fail(403)  # Mette removed Spred: the introduction is refused
    await spred.submit(CONTACT_METTE, activity_id="act-9")
    await connector.wait_for(2)
    core, store = spred.server.app[CORE], spred.server.app[STORE]
    assert connector.refused == [403]
    assert await store.addresses.get("teams:29:mette") is None
    assert len(await core.outbox.waiting(to="teams:29:mette")) == 1
    assert await core.outbox.flush() == 0  # and Teams is not asked again
    assert connector.refused == [403]
    assert caplog.text.count("they removed Spred") == 1
    await spred.say("hej igen", conversation="a:personal-mette", activity_id="act-10", **METTE)
    await connector.wait_for(3)
    assert await core.outbox.flush() == 1
    posted = await connector.wait_for(4)
    await _stop(spred)
    to_mette = [p for p in posted if p.conversation == "a:personal-mette"]
    assert "Anna Holm" in to_mette[-1].text
    assert to_mette[-1].reply_to is None
