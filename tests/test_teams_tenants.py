"""Teams in many tenants, on the real botbuilder stack over loopback HTTP against the mock
connector: each activity's tenant is its organisation, SPRED_TEAMS_TENANTS turns other
tenants away with nothing stored, the first to add Spred in a tenant is its local admin, and
a letter reaches each person in their own tenant."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from botbuilder.schema import Activity
from botframework.connector.auth import MicrosoftAppCredentials

from adapters.teams import TeamsConfig, TeamsConfigError, events
from bot.organisations import Organisations
from bot.server import STORE
from knowledge.store import Store
from tests import test_teams
from tests.conftest import Clock, solution_dict
from tests.teams_mock import BOT, Connector, Posted, SigningKeys, message
from tests.test_cli import base_env
from tests.test_teams import (
    APP_ID,
    AUTHENTICATED,
    ROOT,
    Spred,
    _bearer,
    _data,
    _execute,
    _invoke,
    _invoked,
    _running,
    _stop,
)

# The mock connector and Bot Framework's signing keys on loopback, as tests/test_teams.py has them.
connector = test_teams.connector
signing_keys = test_teams.signing_keys

AARHUS = "aaaaaaaa-0000-4000-8000-00000000000a"
BORNHOLM = "bbbbbbbb-0000-4000-8000-00000000000b"
CHRISTIANSO = "cccccccc-0000-4000-8000-00000000000c"
ANNA = {"user": "29:anna", "name": "Anna Holm", "conversation": "a:personal-anna"}
METTE = {"user": "29:mette", "name": "Mette Hansen", "conversation": "a:personal-mette"}
CONTACT_METTE = {"spred": "contact", "payload": {"solution": "kortere-ventetid"}}
REFUSED = "Denne Spred er ikke sat op til jeres organisation"


def _only_in_channel_data(activity: dict[str, Any], tenant: str) -> dict[str, Any]:
    """The activity with its tenant in channelData.tenant only, as some Teams events send."""
    activity["conversation"].pop("tenantId", None)
    activity["channelData"] = {"tenant": {"id": tenant}}
    return activity


def _added(service: Connector, tenant: str, **who: Any) -> dict[str, Any]:
    """The conversationUpdate Teams sends when someone adds Spred for themselves."""
    update = message("", connector=service, tenant=tenant, activity_id="update-1", **who)
    update.pop("text")
    update.update(type="conversationUpdate", membersAdded=[BOT])
    return update


async def _stored(spred: Spred) -> dict[str, int]:
    """How many records each collection but the knowledge base and the server's own
    schedule (`jobs`, naming nobody) holds (the empty left out)."""
    store = spred.server.app[STORE]
    counts = {
        name: await collection.count()
        for name, collection in store.collections.items()
        if name not in ("solutions", "jobs")
    }
    return {name: count for name, count in counts.items() if count}


async def _with_mette(tmp_path: Path) -> Path:
    contact = {"name": "Mette Hansen", "email": "m@x.dk", "teams_id": "29:mette"}
    return await _data(tmp_path / "data", solution_dict("kortere-ventetid", contacts=[contact]))


async def test_messages_from_two_tenants_are_answered_each_as_its_own_organisation(
    tmp_path: Path, connector: Connector
) -> None:
    spred = await _running(await _data(tmp_path / "data"), connector)
    await spred.say("sygefravær", tenant=AARHUS, **ANNA)
    bo = message("ventetid", connector=connector, user="29:bo", conversation="a:personal-bo")
    await spred.post(_only_in_channel_data(bo, BORNHOLM.upper()))  # any case: one tenant
    posted = await connector.wait_for(2)
    store = spred.server.app[STORE]
    organisations = sorted(o.id for o in await store.organisations.all())
    address = await store.addresses.get("teams:29:bo")
    await _stop(spred)
    assert organisations == [f"teams:{AARHUS}", f"teams:{BORNHOLM}"]
    by_conversation = {p.conversation: p for p in posted}
    assert by_conversation["a:personal-anna"].tenant == AARHUS
    assert by_conversation["a:personal-bo"].tenant == BORNHOLM
    assert by_conversation["a:personal-bo"].activity["channelData"] == {"tenant": {"id": BORNHOLM}}
    assert address is not None
    assert address.reference["conversation"]["tenantId"] == BORNHOLM


@pytest.mark.parametrize(
    ("shape", "value"),
    [
        ("message", None),
        ("submit", {"spred": "help"}),
        ("execute", _execute({"spred": "help"})),
    ],
)
async def test_every_incoming_names_its_tenants_organisation(
    connector: Connector, shape: str, value: Any
) -> None:
    raw = message("hjælp", connector=connector, tenant=None, value=None)
    if shape == "submit":
        raw = message("", connector=connector, tenant=None, value=value)
    if shape == "execute":
        raw = _invoke(connector, "adaptiveCard/action", value, tenant=None)
    assert events.incoming(Activity().deserialize(raw)).org_id == ""
    raw["channelData"] = {"tenant": {"id": BORNHOLM}}
    assert events.incoming(Activity().deserialize(raw)).org_id == f"teams:{BORNHOLM}"
    raw["conversation"]["tenantId"] = AARHUS  # the conversation's comes first
    assert events.incoming(Activity().deserialize(raw)).org_id == f"teams:{AARHUS}"
    raw["conversation"]["tenantId"] = "<script>"  # not a tenant id: no organisation
    assert events.incoming(Activity().deserialize(raw)).org_id == ""


@pytest.mark.parametrize(
    "registration",
    [
        {"MICROSOFT_APP_TYPE": "MultiTenant"},
        {"MICROSOFT_APP_TYPE": "SingleTenant", "MICROSOFT_APP_TENANT_ID": AARHUS},  # as before
    ],
)
async def test_signed_activities_from_each_tenant_are_served_as_its_organisation(
    tmp_path: Path, connector: Connector, signing_keys: SigningKeys, registration: dict[str, str]
) -> None:
    environ = {**AUTHENTICATED, **registration}
    spred = await _running(await _data(tmp_path / "data"), connector, environ)
    token = signing_keys.token(app_id=APP_ID, service_url=connector.url)
    for tenant, who in ((AARHUS, ANNA), (BORNHOLM, METTE)):
        activity = message("sygefravær", connector=connector, tenant=tenant, **who)
        assert (await spred.post(activity, headers=_bearer(token))).status in (200, 201)
    posted = await connector.wait_for(2)
    organisations = await spred.server.app[STORE].organisations.count()
    await _stop(spred)
    assert sorted((p.conversation, p.tenant) for p in posted) == [
        ("a:personal-anna", AARHUS),
        ("a:personal-mette", BORNHOLM),
    ]
    assert organisations == 2


async def test_a_tenant_the_allow_list_leaves_out_is_told_plainly_and_nothing_is_kept(
    tmp_path: Path, connector: Connector, caplog: pytest.LogCaptureFixture
) -> None:
    environ = {"SPRED_TEAMS_TENANTS": f" {AARHUS.upper()} ,{CHRISTIANSO}"}
    spred = await _running(await _data(tmp_path / "data"), connector, environ)
    await spred.say("sygefravær", tenant=BORNHOLM, activity_id="act-1", **METTE)
    await spred.say("hjælp", tenant=BORNHOLM, activity_id="act-2", **METTE)
    await spred.say("hjælp", tenant=None, activity_id="act-3", **METTE)  # no tenant at all
    await spred.post(_added(connector, BORNHOLM, **METTE))
    refused = list(await connector.wait_for(4))
    execute = _invoke(connector, "adaptiveCard/action", _execute(CONTACT_METTE), tenant=BORNHOLM)
    execute["locale"] = "en-GB"
    status, body = await _invoked(spred, execute)
    stored = await _stored(spred)
    await spred.say("sygefravær", tenant=AARHUS, activity_id="act-4", **ANNA)
    answered = (await connector.wait_for(5))[4]
    stored_after = await _stored(spred)
    await _stop(spred)
    assert [p.text.startswith(REFUSED) for p in refused] == [True] * 4
    # Each refused message gets its answer, and the installation a new message.
    assert sorted(str(p.reply_to) for p in refused) == ["None", "act-1", "act-2", "act-3"]
    assert [p.cards for p in refused] == [[]] * 4
    assert status == 200
    assert body["statusCode"] == 400
    assert body["value"]["message"].startswith("This Spred is not set up for your organisation")
    assert stored == {}
    assert len(connector.posted) == 5  # the invoke was answered in its response only
    assert answered.conversation == "a:personal-anna"
    assert "sygefravær" in answered.text
    assert stored_after["organisations"] == 1
    assert caplog.text.count(f"turning away Teams activities from tenant {BORNHOLM}") == 1
    assert caplog.text.count("turning away Teams activities from no tenant") == 1


async def test_the_first_to_add_spred_in_a_tenant_becomes_its_local_admin(
    tmp_path: Path, connector: Connector
) -> None:
    spred = await _running(await _data(tmp_path / "data"), connector)
    await spred.post(_added(connector, AARHUS, **ANNA))
    [welcome] = await connector.wait_for()
    await spred.post(_added(connector, AARHUS, **METTE))  # Mette adds Spred for herself
    await spred.post(_added(connector, BORNHOLM, user="29:bo", conversation="a:personal-bo"))
    await connector.wait_for(3)
    core_orgs = spred.server.app[STORE].organisations
    aarhus, bornholm = (
        await core_orgs.get(f"teams:{AARHUS}"),
        await core_orgs.get(f"teams:{BORNHOLM}"),
    )
    await _stop(spred)
    assert "Hej Anna Holm! Jeg er Spred" in welcome.text
    assert aarhus is not None
    assert aarhus.installer == "teams:29:anna"
    assert aarhus.admins == ("teams:29:anna",)
    assert aarhus.platform == "teams"
    assert bornholm is not None
    assert bornholm.admins == ("teams:29:bo",)


async def test_only_the_first_installation_in_a_tenant_names_an_admin_on_every_store(
    store: Store, clock: Clock
) -> None:
    orgs = Organisations(store=store, clock=clock)
    await orgs.seen(f"teams:{AARHUS}")  # someone wrote before anyone added Spred
    first = await orgs.installed(f"teams:{AARHUS}", installer="teams:29:anna", first_only=True)
    clock.advance(days=1)
    later = await orgs.installed(f"teams:{AARHUS}", installer="teams:29:bo", first_only=True)
    assert first.admins == ("teams:29:anna",)
    assert later == first  # not even the time changed
    assert not await orgs.is_local_admin("teams:29:bo", f"teams:{AARHUS}")


async def test_spred_added_to_a_team_installs_it_but_the_team_is_no_ones_address(
    tmp_path: Path, connector: Connector
) -> None:
    spred = await _running(await _data(tmp_path / "data"), connector)
    update = _added(connector, AARHUS, conversation="19:team@thread.tacv2", kind="channel")
    await spred.post(_only_in_channel_data(update, AARHUS))
    await connector.wait_for()
    store = spred.server.app[STORE]
    organisation = await store.organisations.get(f"teams:{AARHUS}")
    addresses = await store.addresses.count()
    await _stop(spred)
    assert organisation is not None
    assert organisation.admins == ("teams:29:anna",)
    assert addresses == 0


async def test_a_letter_reaches_a_person_in_their_own_tenant_also_after_a_restart(
    tmp_path: Path, connector: Connector
) -> None:
    data = await _with_mette(tmp_path)
    spred = await _running(data, connector)
    # Mette writes once from Bornholm's tenant, which names it in channelData only.
    hello = message("hej", connector=connector, **METTE)
    await spred.post(_only_in_channel_data(hello, BORNHOLM))
    await connector.wait_for()
    await _stop(spred)

    spred = await _running(data, connector)  # the reference comes from the store
    await spred.submit(CONTACT_METTE, tenant=AARHUS, activity_id="act-9", **ANNA)
    posted = await connector.wait_for(3)
    await _stop(spred)
    letter = _only(p for p in posted[1:] if p.conversation == "a:personal-mette")
    answer = _only(p for p in posted[1:] if p.conversation == "a:personal-anna")
    assert "Anna Holm" in letter.text
    assert letter.reply_to is None  # a new message, not an answer
    assert letter.tenant == BORNHOLM
    assert letter.activity["channelData"] == {"tenant": {"id": BORNHOLM}}
    assert answer.tenant == AARHUS
    assert "Jeg har også givet Mette Hansen besked" in answer.text


async def test_a_multitenant_app_writes_to_every_tenant_with_its_one_bot_framework_token(
    tmp_path: Path,
    connector: Connector,
    signing_keys: SigningKeys,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """botbuilder asks Microsoft for a MultiTenant app's token in the botframework.com
    tenant for Bot Framework's audience, whichever tenant the message is for: a letter into
    another tenant needs that tenant only in the conversation it is sent to."""

    def token(self: MicrosoftAppCredentials, force_refresh: bool = False) -> str:
        return f"from {self.oauth_endpoint} for {self.oauth_scope}"

    monkeypatch.setattr(MicrosoftAppCredentials, "get_access_token", token)
    environ = {**AUTHENTICATED, "MICROSOFT_APP_TYPE": "MultiTenant"}
    spred = await _running(await _with_mette(tmp_path), connector, environ)
    signed = _bearer(signing_keys.token(app_id=APP_ID, service_url=connector.url))
    await spred.post(message("hej", connector=connector, tenant=BORNHOLM, **METTE), headers=signed)
    await connector.wait_for()
    contact = message("", connector=connector, value=CONTACT_METTE, tenant=AARHUS, **ANNA)
    await spred.post(contact, headers=signed)
    posted = await connector.wait_for(3)
    await _stop(spred)
    letter = _only(p for p in posted[1:] if p.conversation == "a:personal-mette")
    assert letter.tenant == BORNHOLM
    assert "Anna Holm" in letter.text
    assert {p.authorization for p in posted} == {
        "Bearer from https://login.microsoftonline.com/botframework.com for "
        "https://api.botframework.com"
    }


def _only(posted: Any) -> Posted:
    [one] = list(posted)
    return one


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("", frozenset()),
        ("   ", frozenset()),
        (AARHUS, frozenset({AARHUS})),
        (f"{AARHUS.upper()}, {BORNHOLM},", frozenset({AARHUS, BORNHOLM})),
    ],
)
def test_the_allow_list_reads_tenant_ids_in_any_case(raw: str, expected: frozenset[str]) -> None:
    config = TeamsConfig.from_env({"SPRED_TEAMS_TENANTS": raw})
    assert config is not None
    assert config.tenants == expected


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"SPRED_TEAMS_TENANTS": "aarhus.onmicrosoft.com"},
         "SPRED_TEAMS_TENANTS: 'aarhus.onmicrosoft.com' is not a tenant id: give Microsoft "
         "365 tenant ids"),
        ({"SPRED_TEAMS_TENANTS": f"{AARHUS};{BORNHOLM}"},
         f"SPRED_TEAMS_TENANTS: '{AARHUS};{BORNHOLM}' is not a tenant id"),
        ({"SPRED_TEAMS_TENANTS": f"{BORNHOLM}, {AARHUS}x"},
         f"SPRED_TEAMS_TENANTS: '{AARHUS}x' is not a tenant id"),
        ({"SPRED_TEAMS_TENANTS": " , ,"}, "SPRED_TEAMS_TENANTS names no tenant"),
        ({"MICROSOFT_APP_TYPE": "Multi"},
         "MICROSOFT_APP_TYPE must be one of MultiTenant, SingleTenant, UserAssignedMSI, not "
         "'Multi'"),
    ],
)  # fmt: skip
def test_a_wrong_tenant_setting_stops_the_server_with_one_line_naming_it(
    tmp_path: Path, env: dict[str, str], says: str
) -> None:
    with pytest.raises(TeamsConfigError, match="^" + says.replace(".", r"\.")):
        TeamsConfig.from_env(env)
    done = subprocess.run(
        [sys.executable, "-m", "bot", "serve", "--port", "39997", "--data", str(tmp_path)],
        cwd=ROOT,
        env=base_env(**env),
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    lines = done.stderr.decode().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"spred: {says}")
