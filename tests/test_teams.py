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
from botframework.connector.auth import (
    AuthenticationConstants,
    ChannelValidation,
    MicrosoftAppCredentials,
)
from botframework.connector.auth.jwt_token_extractor import JwtTokenExtractor
from cryptography.hazmat.primitives.asymmetric import rsa
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
from knowledge.validation import MAX_NESTING, nested_deeper_than
from tests.conftest import Clock, solution_dict
from tests.teams_mock import (
    BOT,
    CARD_LIMIT,
    MESSAGE_LIMIT,
    Connector,
    SigningKeys,
    message,
    utf16_size,
)
from tests.test_cli import base_env

ROOT = Path(__file__).resolve().parents[1]
ADMIN = "29:admin"
APP_ID = "11111111-2222-3333-4444-555555555555"
AUTHENTICATED = {"MICROSOFT_APP_ID": APP_ID, "MICROSOFT_APP_PASSWORD": "secret"}


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


@pytest.fixture
async def signing_keys(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[SigningKeys]:
    """Bot Framework's signing keys on loopback: botframework looks for them nowhere else,
    and the keys it fetched before are forgotten."""
    keys = SigningKeys()
    await keys.start()
    monkeypatch.setattr(JwtTokenExtractor, "metadataCache", {})
    monkeypatch.setattr(ChannelValidation, "open_id_metadata_endpoint", keys.metadata_url)
    monkeypatch.setattr(
        AuthenticationConstants, "TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL", keys.metadata_url
    )
    # Replies carry Spred's own token, which msal would fetch from Microsoft.
    monkeypatch.setattr(
        MicrosoftAppCredentials, "get_access_token", lambda self, force_refresh=False: "ours"
    )
    yield keys
    await keys.close()


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
    response = await spred.say("hvordan får vi ventetiden ned i hjemmeplejen?", activity_id="act-1")
    assert response.status in (200, 201)
    [reply] = await spred.connector.wait_for()
    assert reply.conversation == "a:personal-anna"
    assert reply.reply_to == "act-1"  # POSTed to …/activities/{activity.id}
    # The cards name the solutions, the text does not repeat them: each title once.
    titles = [card["body"][0]["text"] for card in reply.cards if card.get("body")]
    assert len([t for t in titles if "Opstartsteam sikrer hjemmehjælp" in t]) == 1
    assert orjson.dumps(reply.activity).decode().count("Opstartsteam sikrer hjemmehjælp") == 1
    assert "ventetiden ned i hjemmeplejen" in reply.text  # what it answers
    card = reply.cards[0]
    assert card["type"] == "AdaptiveCard"
    assert card["version"] == "1.5"
    titles = [b["title"] for b in buttons(reply)]
    assert "Kontakt Mette Kjærgaard" in titles
    assert {b["type"] for b in buttons(reply)} == {"Action.Submit"}


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


async def test_the_follow_button_on_an_answer_is_one_submit_under_the_cards(
    spred: Spred,
) -> None:
    await spred.say("hvordan får vi ventetiden ned i hjemmeplejen?")
    [answer] = await spred.connector.wait_for()
    *solutions, own = answer.cards  # the solutions' cards, then the answer's own buttons
    assert len(solutions) == 2
    assert [c for c in solutions if "Følg" in str(c.get("actions"))] == []
    assert [b["title"] for b in own["actions"]] == ["Hjalp ikke", "Følg ældrepleje"]
    follow = own["actions"][1]
    assert follow["type"] == "Action.Submit"
    assert follow["data"] == {"spred": "follow", "payload": {"topic": "domain:aeldrepleje"}}
    await spred.submit(follow["data"], activity_id="act-f1")
    replies = await spred.connector.wait_for(2)
    assert "Du følger nu ældrepleje" in replies[1].text


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
    # each under its field, as the card's markdown shows it (dots and dashes escaped)
    required = "Det felt skal udfyldes\\."
    assert errors == [
        required,
        required,
        required,
        "Skriv mindst ét tal – før eller efter\\.",
        required,
        "Skriv en e\\-mailadresse, fx navn@kommune\\.dk\\.",
    ]


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


def _bearer(token: str) -> dict[str, str]:
    return {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}


def _segment(value: object) -> str:
    import base64

    return base64.urlsafe_b64encode(orjson.dumps(value)).decode().rstrip("=")


def _unsigned(header: object, claims: object) -> str:
    return f"{_segment(header)}.{_segment(claims)}.c2lnbmF0dXJl"


BOT_FRAMEWORK = "https://api.botframework.com"


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer not-a-jwt",
        "Bearer x",
        "Bearer abc.def.ghi",
        "Bearer ",
        "Bearer a.b",
        "Bearer a.b.c.d",
        "bearer " + _unsigned({"alg": "RS256", "kid": "k"}, {"iss": BOT_FRAMEWORK}),
        "Basic dXNlcjpwYXNzd29yZA==",
        "Bearer " + _unsigned({"alg": "none", "kid": "k"}, {"iss": BOT_FRAMEWORK})[:-12],
        "Bearer " + _unsigned({"alg": "HS256", "kid": "k"}, {"iss": BOT_FRAMEWORK}),
        "Bearer " + _unsigned({"alg": "RS256"}, {"iss": BOT_FRAMEWORK}),  # no key id
        "Bearer " + _unsigned({"alg": "RS256", "kid": "k"}, {"aud": APP_ID}),  # no issuer
        "Bearer " + _unsigned({"alg": "RS256", "kid": "k"}, [BOT_FRAMEWORK]),
        "Bearer " + _unsigned("RS256", {"iss": BOT_FRAMEWORK}),
        "Bearer e30.e30.!!",
    ],
)
async def test_a_malformed_token_is_401_before_any_key_is_fetched(
    tmp_path: Path,
    connector: Connector,
    signing_keys: SigningKeys,
    authorization: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    spred = await _running(await _data(tmp_path / "data"), connector, AUTHENTICATED)
    headers = {"Content-Type": "application/json", "Authorization": authorization}
    response = await spred.post(message("ventetid", connector=connector), headers=headers)
    stored = await _conversations(spred)
    await _stop(spred)
    assert response.status == 401
    assert signing_keys.hits == 0  # nothing was fetched, from anywhere
    assert connector.posted == []
    assert stored == 0
    assert "Traceback" not in caplog.text


async def test_only_a_token_bot_framework_signed_for_spred_is_answered(
    tmp_path: Path, connector: Connector, signing_keys: SigningKeys
) -> None:
    spred = await _running(await _data(tmp_path / "data"), connector, AUTHENTICATED)
    activity = message("ventetid hjemmepleje", connector=connector, activity_id="act-1")
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    signed = {"app_id": APP_ID, "service_url": connector.url}
    refused = [
        signing_keys.token(**signed, key=other_key),  # forged
        signing_keys.token(**signed, kid="another-key"),  # a key Bot Framework never had
        signing_keys.token(app_id="someone-else", service_url=connector.url),
        signing_keys.token(app_id=APP_ID, service_url="https://elsewhere.example/"),
        signing_keys.token(**signed, exp=1_000_000_000),  # expired long ago
    ]
    statuses = [(await spred.post(activity, headers=_bearer(t))).status for t in refused]
    stored = await _conversations(spred)
    answered = await spred.post(activity, headers=_bearer(signing_keys.token(**signed)))
    [reply] = await connector.wait_for()
    await _stop(spred)
    assert statuses == [401] * len(refused)
    assert stored == 0
    assert signing_keys.hits >= 2  # the keys came from the loopback stand-in
    assert answered.status in (200, 201)
    assert reply.reply_to == "act-1"


async def test_a_token_is_not_refused_for_good_when_the_signing_keys_are_out_of_reach(
    tmp_path: Path, connector: Connector, signing_keys: SigningKeys
) -> None:
    from adapters.teams import adapter

    signing_keys.failing = True
    spred = await _running(await _data(tmp_path / "data"), connector, AUTHENTICATED)
    token = signing_keys.token(app_id=APP_ID, service_url=connector.url)
    activity = message("ventetid", connector=connector)
    response = await spred.post(activity, headers=_bearer(token))
    stored = await _conversations(spred)
    signing_keys.failing = False
    again = await spred.post(activity, headers=_bearer(token))  # Bot Framework's retry
    await connector.wait_for()
    await _stop(spred)
    assert response.status == 503  # Bot Framework sends it again
    assert response.headers["Retry-After"] == str(adapter.KEYS_RETRY_AFTER)
    assert stored == 0
    assert again.status in (200, 201)


def _nested(levels: int) -> bytes:
    """JSON objects nested `levels` deep."""
    return b'{"a":' * levels + b"1" + b"}" * levels


@pytest.mark.parametrize("field", ["channelData", "value", "entities"])
async def test_a_body_nested_deeper_than_the_bound_is_400_and_one_within_it_is_answered(
    spred: Spred, field: str
) -> None:
    def nested_in(field: str, depth: int, activity_id: str) -> bytes:
        """An activity whose JSON nests `depth` levels in all, through `field`."""
        activity = message("hjælp", connector=spred.connector, activity_id=activity_id)
        activity[field] = "NESTED"
        inner = b"[" + _nested(depth - 2) + b"]" if field == "entities" else _nested(depth - 1)
        return orjson.dumps(activity).replace(b'"NESTED"', inner)

    json = {"Content-Type": "application/json"}
    for depth in (1000, MAX_NESTING + 1):
        deep = nested_in(field, depth, "act-deep")
        assert (await spred.post(deep, headers=json)).status == 400
    within = await spred.post(nested_in(field, MAX_NESTING, "act-2"), headers=json)
    [reply] = await spred.connector.wait_for()
    assert within.status in (200, 201)
    assert reply.reply_to == "act-2"
    assert nested_deeper_than([[1]], 1)
    assert not nested_deeper_than([[1]], 2)


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
        [part] = cards.activities(reply)
        outgoing = TurnContext.apply_conversation_reference(part, reference)
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
    # the adoption noted, then whether they measured (tests/test_local_results.py)
    noted = await spred.connector.wait_for(3)
    assert "Målte I noget?" in noted[2].text
    assert await spred.server.app[CORE].nudges.run_due() == 1
    posted = await spred.connector.wait_for(4)
    prompt = posted[3]
    assert prompt.conversation == "a:personal-bo"
    assert "En i din enhed har meldt, at" in prompt.text  # she has not agreed to be named
    assert any(b["title"] == "Planlæg en tilpasning" for b in buttons(prompt))


def test_a_choice_whose_label_is_the_reply_text_says_it_once() -> None:
    from bot.messages import Action, Choice, Reply

    options = (Action(id="pick", label="A", payload={}), Action(id="pick_none", label="Ingen"))
    asked = "Mente du A eller B – eller ingen af dem?"
    shown = orjson.dumps(
        wire(cards.activities(Reply(text=asked, choice=Choice(label=asked, options=options))))
    )
    assert shown.decode().count("Mente du") == 1
    other = cards.activities(Reply(text="Vælg:", choice=Choice(label="Hvilken?", options=options)))
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


@pytest.mark.parametrize(
    ("conversation", "channel_data", "channel", "personal"),
    [
        ({"id": CHANNEL}, {"team": {"id": CHANNEL}, "eventType": "teamMemberAdded"}, "msteams",
         False),
        ({"id": CHANNEL}, {"channel": {"id": CHANNEL}}, "msteams", False),
        ({"id": "19:group", "isGroup": True}, {"tenant": {"id": "t"}}, "msteams", False),
        ({"id": "a:personal-mette", "conversationType": "groupChat"}, None, "msteams", False),
        ({"id": "a:personal-mette"}, {"tenant": {"id": "t"}}, "msteams", False),
        ({"id": "a:personal-mette"}, {"team": {"id": CHANNEL}}, "emulator", False),
        ({"id": "a:personal-mette"}, None, "emulator", True),  # as the Emulator sends
        ({"id": "a:personal-mette", "conversationType": "personal"}, {"team": None}, "msteams",
         True),
    ],
)  # fmt: skip
async def test_spred_added_to_a_team_without_a_conversation_type_is_no_ones_address(
    spred: Spred,
    conversation: dict[str, Any],
    channel_data: dict[str, Any] | None,
    channel: str,
    personal: bool,
) -> None:
    from bot.server import STORE

    added = message("", connector=spred.connector, **METTE)
    added.pop("text")
    added.update(
        type="conversationUpdate", membersAdded=[BOT], conversation=conversation, channelId=channel
    )
    if channel_data is not None:
        added["channelData"] = channel_data
    await spred.post(added)
    [welcome] = await spred.connector.wait_for()
    address = await spred.server.app[STORE].addresses.get("teams:29:mette")
    assert "Jeg er Spred" in welcome.text
    assert welcome.conversation == conversation["id"]
    assert (address is not None) is personal


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


def _fill_the_disk(spred: Spred) -> None:
    """Every write of an address fails from now on, as on a full disk."""
    from bot.server import STORE
    from knowledge.store import StoreError

    async def broken(record: object) -> None:
        raise StoreError("the disk is full")

    spred.server.app[STORE].addresses.upsert = broken  # type: ignore[method-assign]


async def test_a_store_error_in_a_turn_is_logged_not_a_500(
    spred: Spred, caplog: pytest.LogCaptureFixture
) -> None:
    _fill_the_disk(spred)
    response = await spred.say("hej")
    assert response.status in (200, 201)  # a 500 would make Bot Framework send it again
    assert "the disk is full" in caplog.text
    # The address could not be kept; the question is answered all the same.
    [reply] = await spred.connector.wait_for()
    assert reply.text


def _break_every_turn(spred: Spred) -> None:
    """Every Teams turn fails from now on before the core is asked (a bug, say)."""
    from bot.server import CORE

    async def broken(user: str, reference: object) -> None:
        raise RuntimeError("the turn broke")

    spred.server.app[CORE].addresses.remember = broken  # type: ignore[method-assign]


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


def _invoke(connector: Connector, name: str | None, value: Any, **kwargs: Any) -> dict[str, Any]:
    activity = message("", connector=connector, **{"activity_id": "invoke-1", **kwargs})
    activity.pop("text")
    activity.update(type="invoke", value=value)
    if name is not None:
        activity["name"] = name
    return activity


async def _invoked(spred: Spred, activity: dict[str, Any]) -> tuple[int, Any]:
    async with spred.http.post(
        spred.server.make_url("/api/messages"),
        data=orjson.dumps(activity),
        headers={"Content-Type": "application/json"},
    ) as response:
        return response.status, await response.json()


def _execute(data: object, verb: str = "spred") -> dict[str, Any]:
    return {"action": {"type": "Action.Execute", "verb": verb, "data": data}, "trigger": "manual"}


async def test_an_action_execute_naming_a_spred_action_is_taken_like_a_submit(
    spred: Spred,
) -> None:
    await spred.say("ventetid hjemmepleje opstart")
    [answer] = await spred.connector.wait_for()
    contact = next(b for b in buttons(answer) if b["title"].startswith("Kontakt"))
    execute = _execute(contact["data"])
    status, body = await _invoked(spred, _invoke(spred.connector, "adaptiveCard/action", execute))
    replies = await spred.connector.wait_for(2)
    assert status == 200
    assert body == {
        "statusCode": 200,
        "type": "application/vnd.microsoft.activity.message",
        "value": "Spred svarer i chatten.",
    }
    assert "mette.kjaergaard@aarhus.eksempel.dk" in replies[1].text
    assert replies[1].reply_to == "invoke-1"
    english = _invoke(spred.connector, "adaptiveCard/action", execute, activity_id="invoke-2")
    english["locale"] = "en-GB"
    status, body = await _invoked(spred, english)
    await spred.connector.wait_for(3)
    assert (status, body["value"]) == (200, "Spred answers in the chat.")


@pytest.mark.parametrize(
    ("name", "value", "status", "answer"),
    [
        ("adaptiveCard/action", _execute({"orderId": 5}, verb="order"), 200,
         {"statusCode": 400, "type": "application/vnd.microsoft.error"}),
        ("adaptiveCard/action", {"action": {"type": "Action.Submit", "data": {"spred": "help"}}},
         200, {"statusCode": 400, "type": "application/vnd.microsoft.error"}),
        ("adaptiveCard/action", "x", 200, {"statusCode": 400}),
        ("adaptiveCard/action", None, 200, {"statusCode": 400}),
        ("task/fetch", {"data": {"spred": "help"}}, 200, {"task": {"type": "message"}}),
        ("task/submit", {"data": {}}, 200, {"task": {"type": "message"}}),
        ("composeExtension/fetchTask", {"commandId": "x"}, 200, {"task": {"type": "message"}}),
        ("composeExtension/query", {"commandId": "x", "parameters": []}, 200,
         {"composeExtension": {"type": "message"}}),
        ("composeExtension/submitAction", {"commandId": "x"}, 200,
         {"composeExtension": {"type": "message"}}),
        ("signin/tokenExchange", {"id": "x1", "connectionName": "c", "token": "t"}, 412,
         {"id": "x1", "connectionName": "c"}),
        ("signin/verifyState", {"state": "123456"}, 400, {"error": {"code": "NotSupported"}}),
        ("fileConsent/invoke", {"type": "accept", "context": {}}, 200, {}),
        ("actionableMessage/executeAction", {"body": "x"}, 200, {}),
        ("tab/fetch", {"tabContext": {}}, 400, {"error": {"code": "NotSupported"}}),
        ("no/such/invoke", {}, 400, {"error": {"code": "NotSupported"}}),
        (None, {}, 400, {"error": {"code": "NotSupported"}}),
    ],
)  # fmt: skip
async def test_every_other_invoke_gets_the_documented_answer_and_nothing_is_done(
    spred: Spred, name: str | None, value: Any, status: int, answer: dict[str, Any]
) -> None:
    from bot.server import STORE

    got, body = await _invoked(spred, _invoke(spred.connector, name, value))
    stored = await spred.server.app[STORE].addresses.count()
    await spred.say("hjælp", activity_id="act-2")
    [reply] = await spred.connector.wait_for()
    assert got == status
    assert _contains(body, answer)
    assert stored == 0
    assert reply.reply_to == "act-2"  # the invoke itself was never answered in the chat


def _contains(body: Any, expected: Any) -> bool:
    if isinstance(expected, dict):
        return isinstance(body, dict) and all(
            k in body and _contains(body[k], v) for k, v in expected.items()
        )
    return bool(body == expected)


async def test_a_failure_on_an_action_execute_is_told_to_teams_not_a_500(
    spred: Spred, caplog: pytest.LogCaptureFixture
) -> None:
    _break_every_turn(spred)
    execute = _execute({"spred": "help", "payload": {}})
    status, body = await _invoked(spred, _invoke(spred.connector, "adaptiveCard/action", execute))
    assert status == 200
    assert body["statusCode"] == 500
    assert body["type"] == "application/vnd.microsoft.error"
    assert "the turn broke" in caplog.text


def _filler(length: int, seed: str = "") -> str:
    """Text of `length` characters, thick with what markdown escaping and JSON lengthen."""
    return (seed + " Æøå. (x) - [y]! " * (length // 16 + 1))[:length]


def _longest(slug: str, word: str) -> dict[str, Any]:
    """A solution whose every text is as long as the validator allows."""
    from knowledge import solutions as limits

    result = {
        "metric": _filler(200),
        "before": 123456789.5,
        "after": 2,
        "unit": _filler(50),
        "period": _filler(100),
        "source": _filler(500),
    }
    contacts = [
        {"name": _filler(200, f"Kontakt {i}"), "email": f"k{i}@x.dk", "role": _filler(200)}
        for i in range(limits.MAX_CONTACTS)
    ]
    labels = [_filler(limits.MAX_LABEL, f"{word}{i}") for i in range(limits.MAX_LABELS)]
    return solution_dict(
        slug,
        title=_filler(limits.MAX_TITLE, f"{word} {slug}"),
        summary=_filler(limits.MAX_SUMMARY),
        problem=_filler(limits.MAX_PROBLEM),
        description=_filler(limits.MAX_DESCRIPTION),
        results=[result] * limits.MAX_RESULTS,
        organization=_filler(200, "Kommune"),
        unit=_filler(200),
        contacts=contacts,
        sponsors=labels,
        tags=[word, *labels[1:]],
        professions=labels,
        domains=labels,
    )


async def test_replies_with_the_longest_solutions_reach_teams_whole(
    tmp_path: Path, connector: Connector
) -> None:
    word = "snerydningsmaskine"
    slugs = [f"lang-{i}" for i in range(3)]
    data = await _data(tmp_path / "data", *[_longest(slug, word) for slug in slugs])
    spred = await _running(data, connector)
    await spred.say(word)
    answer = await connector.wait_for()
    details = next(b for b in buttons(answer[0]) if b["data"]["spred"] == "details")
    await spred.submit(details["data"], activity_id="act-2")
    await _wait_until(lambda: any(p.reply_to == "act-2" for p in connector.posted))
    await _stop(spred)
    assert connector.refused == []  # nothing too big for Teams
    texts = [
        element.get("text")
        for p in connector.posted
        for c in p.cards
        for element in c.get("body", [])
    ]
    for slug in slugs:  # every title whole, once in the answer and once more in its details
        title = cards.escape(_filler(200, f"{word} {slug}"))
        assert texts.count(title) == (2 if slug == details_of(details) else 1)
        assert not any(f"{word} {slug}" in p.text for p in connector.posted)  # nor the text
    detailed = next(p for p in connector.posted if p.reply_to == "act-2")
    assert "…" in orjson.dumps(detailed.cards).decode()  # the longest texts were shortened
    assert all(utf16_size(c) <= CARD_LIMIT for p in connector.posted for c in p.cards)


def details_of(button: dict[str, Any]) -> str:
    return str(button["data"]["payload"]["solution"])


async def _wait_until(condition: Any, timeout: float = 5.0) -> None:
    import asyncio

    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.02)


def test_a_reply_too_big_for_one_message_is_split_in_order_with_nothing_lost() -> None:
    from bot.cards import card
    from bot.messages import Action, Choice, Reply
    from knowledge.solutions import parse_solution

    many = [
        card(parse_solution(_longest(f"lang-{i}", "ord"), path="s"), language="da", detailed=i < 2)
        for i in range(12)
    ]
    lines = [f"{i}. " + _filler(300) for i in range(400)] + ["x" * 30_000]
    options = (Action(id="pick", label="A"), Action(id="pick_none", label="Ingen"))
    reply = Reply(
        text="\n".join(lines),
        cards=tuple(many),
        choice=Choice(label="Hvilken?", options=options),
        actions=(Action(id="more", label="Flere"),),
    )
    parts = [wire(a) for a in cards.activities(reply)]
    sent = [a for p in parts for a in p.get("attachments") or []]
    assert len(parts) > 3
    assert all(utf16_size(p) <= MESSAGE_LIMIT - 2_000 for p in parts)  # room for addresses
    assert all(utf16_size(a["content"]) <= CARD_LIMIT for a in sent)
    assert "".join(p.get("text") or "" for p in parts).replace("\n", "") == "".join(lines)
    titles = [a["content"]["body"][0]["text"] for a in sent[:12]]
    assert titles == [cards.escape(c.title) for c in many]  # in order, each once, whole
    assert [a["content"]["actions"][0]["title"] for a in sent[12:]] == ["A", "Flere"]


GOOD_PACKAGE = {"MICROSOFT_APP_ID": APP_ID, "SPRED_PUBLIC_URL": "https://spred.odense.eksempel.dk"}


@pytest.mark.parametrize(
    ("change", "setting"),
    [
        ({"MICROSOFT_APP_ID": "spred-bot"}, "MICROSOFT_APP_ID must be the bot's Microsoft App ID"),
        ({"MICROSOFT_APP_ID": APP_ID + "0"}, "MICROSOFT_APP_ID must be"),
        ({"SPRED_PUBLIC_URL": "http://spred.odense.eksempel.dk"},
         "SPRED_PUBLIC_URL must be an https"),
        ({"SPRED_PUBLIC_URL": "spred.odense.eksempel.dk"}, "SPRED_PUBLIC_URL must be an https"),
        ({"SPRED_PUBLIC_URL": "https://[::1"}, "SPRED_PUBLIC_URL must be an https"),
        ({"SPRED_PUBLIC_URL": "https://x.dk/" + "a" * 2048},
         "SPRED_PUBLIC_URL must be at most 2048"),
        ({"SPRED_PRIVACY_URL": "ftp://x.dk/p"}, "SPRED_PRIVACY_URL must be an https"),
        ({"SPRED_TERMS_URL": "http://x.dk/t"}, "SPRED_TERMS_URL must be an https"),
        ({"SPRED_PUBLISHER": "Odense Kommunes digitaliseringsafdeling"},
         "SPRED_PUBLISHER (the developer name Teams shows) must be at most 32 characters: "
         "'Odense Kommunes digitaliseringsafdeling' is 39"),
        ({"SPRED_PUBLIC_URL": "https://spred.digitalisering.odense.eksempel.dk"},
         "SPRED_PUBLISHER (the developer name Teams shows) must be at most 32 characters: "
         "unset, and the host name"),
    ],
)  # fmt: skip
def test_make_teams_package_refuses_what_teams_would_refuse_at_upload(
    tmp_path: Path, change: dict[str, str], setting: str
) -> None:
    from adapters.teams import package

    target = tmp_path / "spred-teams.zip"
    with pytest.raises(package.PackageError) as refused:
        package.build(target, GOOD_PACKAGE | change)
    assert str(refused.value).startswith(setting)
    assert "\n" not in str(refused.value)
    assert not target.exists()
    built = package.manifest(GOOD_PACKAGE | {"SPRED_PUBLISHER": "Odense Kommune"})
    assert built["developer"]["name"] == "Odense Kommune"  # type: ignore[index]
    assert len(package.NAME["short"]) <= 30
    assert len(package.NAME["full"]) <= 100


def test_make_teams_package_names_the_wrong_setting_in_one_line(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "adapters.teams.package", str(tmp_path / "p.zip")],
        cwd=ROOT,
        env=base_env(**GOOD_PACKAGE | {"SPRED_PUBLIC_URL": "http://spred.odense.eksempel.dk"}),
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.decode().splitlines() == [
        "teams-package: SPRED_PUBLIC_URL must be an https address, e.g. "
        "https://spred.kommune.dk, not 'http://spred.odense.eksempel.dk'"
    ]
    assert not (tmp_path / "p.zip").exists()


async def test_an_activity_bot_framework_delivers_again_is_answered_once(spred: Spred) -> None:
    """A retry of the same activity (same id in the same conversation) gets no second
    answer; a new activity with the same text does."""
    await spred.say("hjælp", activity_id="act-7")
    await spred.connector.wait_for(1)
    retried = await spred.say("hjælp", activity_id="act-7")
    assert retried.status in (200, 201)  # acknowledged, so Bot Framework stops retrying
    await spred.say("hjælp", activity_id="act-8")
    replies = await spred.connector.wait_for(2)
    # the retry's answer, had there been one, would have come before act-8's
    assert [r.reply_to for r in replies] == ["act-7", "act-8"]
