"""A Teams team channel that follows a topic (issue 17): an admin or local admin @mentions
Spred in the channel with `digest ældrepleje`; the weekly digest is posted in that channel,
on the real botbuilder stack over loopback HTTP against the mock connector."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from botbuilder.schema import Activity

from adapters.teams import events
from bot.core import Core
from bot.follows import channel_address
from bot.server import CORE, STORE
from knowledge.records import Adoption, Stage
from tests import test_teams
from tests.teams_mock import BOT, Connector, message
from tests.test_teams import ADMIN, Spred, _data, _running, _stop, buttons
from tests.test_teams_tenants import AARHUS, BORNHOLM, _added

connector = test_teams.connector  # the mock connector on loopback

MONDAY = datetime(2030, 1, 7, 8, 0, tzinfo=UTC)  # 09:00 in Copenhagen
CHANNEL = "19:pleje@thread.tacv2"  # a channel in Aarhus's team
TEAM = "19:team@thread.tacv2"
LONE = {"user": "29:lone", "name": "Lone Lokal"}  # the first to add Spred in Aarhus
BO = {"user": "29:bo", "name": "Bo Bornholm"}  # the first to add Spred in Bornholm
ANNA = {"user": "29:anna", "name": "Anna Holm"}
STARTED = "Denne kanal får nu en kort oversigt over nyt i ældrepleje"
WHO_MAY = "Kun Spreds administratorer og jeres organisations lokale administratorer"
IN_A_CHANNEL = "Skriv det i den kanal i et team, der skal have oversigten"


def _in_channel(
    text: str,
    *,
    connector: Connector,
    tenant: str = AARHUS,
    thread: str = "1700000000001",
    **kwargs: Any,
) -> dict[str, Any]:
    """A message that @mentions Spred in a post of a team channel, as Teams sends it: the
    conversation is the post's thread, channelData names the channel and the team."""
    activity = message(
        f"<at>Spred</at> {text}",
        connector=connector,
        conversation=f"{CHANNEL};messageid={thread}",
        kind="channel",
        tenant=tenant,
        **kwargs,
    )
    activity["conversation"]["isGroup"] = True
    activity["entities"] = [{"type": "mention", "text": "<at>Spred</at>", "mentioned": BOT}]
    activity["channelData"] = {
        "channel": {"id": CHANNEL},
        "team": {"id": TEAM},
        "tenant": {"id": tenant},
    }
    return activity


def _address(tenant: str = AARHUS) -> str:
    return channel_address("teams", f"{tenant}/{CHANNEL}")


async def _local_admins(spred: Spred) -> None:
    """Lone adds Spred in Aarhus and Bo in Bornholm: each their tenant's local admin."""
    await spred.post(_added(spred.connector, AARHUS, conversation="a:personal-lone", **LONE))
    await spred.post(_added(spred.connector, BORNHOLM, conversation="a:personal-bo", **BO))
    await spred.connector.wait_for(2)  # the welcomes


async def test_a_local_admin_lets_a_team_channel_follow_and_its_digest_is_posted_there(
    tmp_path: Path, connector: Connector
) -> None:
    spred = await _running(await _data(tmp_path / "data"), connector)
    await _local_admins(spred)
    core: Core = spred.server.app[CORE]
    store = spred.server.app[STORE]
    await spred.post(
        _in_channel("digest ældrepleje", connector=connector, activity_id="act-1", **LONE)
    )
    confirmed = (await connector.wait_for(3))[2]
    [held] = await store.follows.find(user=_address())
    address = await store.addresses.get(_address())
    await store.adoptions.upsert(
        Adoption(id="hurtig-opstart-i-hjemmeplejen:teams:29:u9", user="teams:29:u9",
                 solution_id="hurtig-opstart-i-hjemmeplejen", organization="Vejle Kommune",
                 stage=Stage.ADOPTED, updated_at=held.at + timedelta(minutes=1))
    )  # fmt: skip
    published = list(core.services.kb.matcher.published())
    [sent] = await core.digests.send(published, at=MONDAY)
    assert await core.outbox.waiting() == []  # delivered as it was sent
    digest = (await connector.wait_for(4))[3]
    await spred.post(
        _in_channel("stop digest ældrepleje", connector=connector, activity_id="act-2",
                    thread="1700000000002", **LONE)
    )  # fmt: skip
    stopped = (await connector.wait_for(5))[4]
    left = await store.follows.find(user=_address())
    await _stop(spred)

    # Confirmed in the thread it was asked in, saying how to stop it there.
    assert confirmed.conversation == f"{CHANNEL};messageid=1700000000001"
    assert confirmed.reply_to == "act-1"
    assert STARTED in confirmed.text
    assert "stop digest ældrepleje" in confirmed.text
    assert held.topic == "domain:aeldrepleje"
    # The channel itself is kept, in its tenant, and nobody's id with it.
    assert address is not None
    kept = address.reference
    assert kept["conversation"]["id"] == CHANNEL
    assert kept["conversation"]["conversationType"] == "channel"
    assert kept["conversation"]["tenantId"] == AARHUS
    assert "user" not in kept
    assert "activityId" not in kept
    # One post, a new one in the channel (not a reply, not in anyone's personal chat).
    assert sent.user == _address()
    assert len(connector.posted) == 5
    assert digest.conversation == CHANNEL
    assert digest.reply_to is None
    assert digest.tenant == AARHUS
    assert digest.activity["channelData"] == {"tenant": {"id": AARHUS}}
    assert "Vejle Kommune bruger nu Opstartsteam" in digest.text
    assert buttons(digest) == []  # no Færre beskeder / Stop: nobody's budget
    assert stopped.conversation == f"{CHANNEL};messageid=1700000000002"
    assert "Denne kanal får ikke længere oversigten over ældrepleje" in stopped.text
    assert left == []


async def test_a_global_admin_may_name_the_channel_first_and_a_persons_digest_keeps_its_buttons(
    tmp_path: Path, connector: Connector
) -> None:
    spred = await _running(await _data(tmp_path / "data"), connector)
    core: Core = spred.server.app[CORE]
    store = spred.server.app[STORE]
    admin = {"user": ADMIN, "name": "Ada Admin"}
    await spred.post(_in_channel("Digest #Pleje ældrepleje.", connector=connector, **admin))
    await spred.say("følg ældrepleje", conversation="a:personal-anna", tenant=AARHUS, **ANNA)
    posted = await connector.wait_for(2)
    [channel] = await store.follows.find(user=_address())
    await store.adoptions.upsert(
        Adoption(id="hurtig-opstart-i-hjemmeplejen:teams:29:u9", user="teams:29:u9",
                 solution_id="hurtig-opstart-i-hjemmeplejen", organization="Vejle Kommune",
                 stage=Stage.ADOPTED, updated_at=channel.at + timedelta(minutes=5))
    )  # fmt: skip
    published = list(core.services.kb.matcher.published())
    sent = await core.digests.send(published, at=MONDAY)
    assert await core.outbox.waiting() == []  # delivered as they were sent
    digests = {p.conversation: p for p in (await connector.wait_for(4))[2:]}
    await _stop(spred)
    by_conversation = {p.conversation: p.text for p in posted[:2]}  # before the digests
    assert STARTED in by_conversation[f"{CHANNEL};messageid=1700000000001"]
    assert "Du følger nu ældrepleje" in by_conversation["a:personal-anna"]
    assert sorted(s.user for s in sent) == [_address(), "teams:29:anna"]
    assert sorted(digests) == [CHANNEL, "a:personal-anna"]
    assert buttons(digests[CHANNEL]) == []
    assert {b["title"] for b in buttons(digests["a:personal-anna"])} >= {"Færre beskeder"}


async def test_someone_not_an_admin_is_told_who_may_and_nothing_is_kept(
    tmp_path: Path, connector: Connector
) -> None:
    spred = await _running(await _data(tmp_path / "data"), connector)
    await _local_admins(spred)
    await spred.post(_in_channel("digest ældrepleje", connector=connector, **ANNA))
    refused = (await connector.wait_for(3))[2]
    store = spred.server.app[STORE]
    follows = await store.follows.count()
    address = await store.addresses.get(_address())
    await _stop(spred)
    assert refused.conversation == f"{CHANNEL};messageid=1700000000001"
    assert WHO_MAY in refused.text
    assert follows == 0
    assert address is None


async def test_written_in_a_personal_or_group_chat_it_says_to_write_it_in_the_channel(
    tmp_path: Path, connector: Connector
) -> None:
    spred = await _running(await _data(tmp_path / "data"), connector)
    await _local_admins(spred)
    await spred.say("digest ældrepleje", conversation="a:personal-lone", tenant=AARHUS,
                    activity_id="act-1", **LONE)  # fmt: skip
    await connector.wait_for(3)
    group = message("<at>Spred</at> digest ældrepleje", connector=connector, tenant=AARHUS,
                    conversation="19:gruppe@thread.v2", kind="groupChat", activity_id="act-2",
                    **LONE)  # fmt: skip
    group["entities"] = [{"type": "mention", "text": "<at>Spred</at>", "mentioned": BOT}]
    await spred.post(group)
    posted = await connector.wait_for(4)
    store = spred.server.app[STORE]
    follows = await store.follows.count()
    await _stop(spred)
    personal, in_group = sorted(posted[2:], key=lambda p: str(p.reply_to))
    assert (personal.conversation, personal.reply_to) == ("a:personal-lone", "act-1")
    assert (in_group.conversation, in_group.reply_to) == ("19:gruppe@thread.v2", "act-2")
    for said in (personal, in_group):
        assert IN_A_CHANNEL in said.text
        assert "“digest ældrepleje”" in said.text
    assert follows == 0


async def test_another_tenants_admin_cannot_change_this_tenants_channel(
    tmp_path: Path, connector: Connector
) -> None:
    spred = await _running(await _data(tmp_path / "data"), connector)
    await _local_admins(spred)
    store = spred.server.app[STORE]
    await spred.post(_in_channel("digest ældrepleje", connector=connector, **LONE))
    await connector.wait_for(3)
    kept = await store.addresses.get(_address())
    # Bo, Bornholm's local admin, in Aarhus's channel (a channel shared with him): there he
    # is nobody's admin.
    await spred.post(_in_channel("stop digest ældrepleje", connector=connector, **BO))
    shared = (await connector.wait_for(4))[3]
    # An activity from Bornholm naming Aarhus's channel touches only Bornholm's own.
    await spred.post(
        _in_channel("stop digest ældrepleje", connector=connector, tenant=BORNHOLM, **BO)
    )
    not_followed = (await connector.wait_for(5))[4]
    await spred.post(_in_channel("digest ældrepleje", connector=connector, tenant=BORNHOLM, **BO))
    await connector.wait_for(6)
    aarhus = await store.follows.find(user=_address())
    still = await store.addresses.get(_address())
    bornholm = await store.addresses.get(_address(BORNHOLM))
    await _stop(spred)
    assert WHO_MAY in shared.text
    assert "Denne kanal får ikke oversigten over ældrepleje" in not_followed.text
    assert [f.topic for f in aarhus] == ["domain:aeldrepleje"]
    assert still == kept
    assert bornholm is not None
    assert bornholm.reference["conversation"]["tenantId"] == BORNHOLM


def test_a_channel_is_named_by_its_tenant_and_id_and_nothing_else_is_a_channel() -> None:
    def channel(raw: dict[str, Any]) -> str:
        return events.incoming(Activity().deserialize(raw)).channel

    raw = {
        "type": "message",
        "id": "act-1",
        "serviceUrl": "http://127.0.0.1:1/",
        "channelId": "msteams",
        "from": {"id": "29:lone"},
        "recipient": dict(BOT),
        "conversation": {"id": f"{CHANNEL};messageid=1", "conversationType": "channel",
                         "tenantId": AARHUS},
        "text": "digest ældrepleje",
    }  # fmt: skip
    assert channel(raw) == f"{AARHUS}/{CHANNEL}"  # without channelData: the thread's channel
    raw["channelData"] = {"channel": {"id": "19:andet@thread.tacv2"}}
    assert channel(raw) == f"{AARHUS}/19:andet@thread.tacv2"
    raw["channelData"] = {"channel": {"id": "19:x/../y"}}  # not a channel id: none
    assert channel(raw) == ""
    raw["channelData"] = {}
    raw["conversation"]["conversationType"] = "groupChat"
    assert channel(raw) == ""
    raw["conversation"].update(conversationType="channel", tenantId="<script>")  # no tenant
    assert channel(raw) == ""
