"""Following on Slack (issue 17), on the real slack-bolt stack against the mock Slack server:
the *Følg* button on an answer, and a channel that follows a topic (an admin writes `digest
#kanal ældrepleje` in the channel; the weekly digest is posted in that channel)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.core import Core
from bot.follows import channel_address
from bot.server import CORE
from knowledge.records import Adoption, Follow, Stage
from tests.slack_mock import BOT_USER, TEAM, SlackMock
from tests.test_slack import ADMIN, ANNA, Spred, _data, _running, button, dm, mention, pressed

MONDAY = datetime(2030, 1, 7, 8, 0, tzinfo=UTC)  # 09:00 in Copenhagen


@pytest.fixture
async def spred(tmp_path: Path) -> AsyncIterator[Spred]:
    slack = SlackMock()
    slack.add_user(ANNA, "Anna Holm")
    slack.add_user(ADMIN, "Bo Admin")
    await slack.start()
    server, http = await _running(await _data(tmp_path / "data"), slack)
    yield Spred(server, http, slack)
    await http.close()
    await server.close()
    await slack.close()


async def test_an_admin_lets_a_channel_follow_and_its_digest_is_posted_there(
    spred: Spred,
) -> None:
    core: Core = spred.server.app[CORE]
    said = f"<@{BOT_USER}> digest <#C0CARE|pleje> ældrepleje"
    await spred.event(mention(said, user=ANNA), event_id="Ev1")  # not an admin: told who may
    [asked] = await spred.slack.wait_for("chat.postMessage")
    assert "Kun Spreds administratorer og jeres organisations lokale" in asked.args["text"]
    await spred.event(mention(said, user=ADMIN), event_id="Ev2")
    posts = await spred.slack.wait_for("chat.postMessage", 2)
    assert "Denne kanal får nu en kort oversigt over nyt i ældrepleje" in posts[1].args["text"]
    channel = channel_address("slack", "C0CARE")
    [held] = await core.services.store.follows.find(user=channel)
    assert held.topic == "domain:aeldrepleje"

    followed = held.at
    await core.services.store.adoptions.upsert(
        Adoption(id="hurtig-opstart-i-hjemmeplejen:slack:U9", user="slack:U9",
                 solution_id="hurtig-opstart-i-hjemmeplejen", organization="Vejle Kommune",
                 stage=Stage.ADOPTED, updated_at=followed + timedelta(minutes=1))
    )  # fmt: skip
    published = list(core.services.kb.matcher.published())
    [sent] = await core.digests.send(published, at=MONDAY)  # after the follow, in any run
    assert sent.user == channel
    await core.outbox.flush()
    posts = await spred.slack.wait_for("chat.postMessage", 3)
    digest = posts[2].args
    assert digest["channel"] == "C0CARE"  # in the channel, not a DM
    assert "thread_ts" not in digest
    assert "Vejle Kommune bruger nu Opstartsteam" in digest["text"]
    assert not [b for b in digest["blocks"] if b["type"] == "actions"]  # nobody's budget
    assert spred.slack.called("conversations.open") == []

    await spred.event(mention(f"<@{BOT_USER}> stop digest <#C0CARE|pleje> ældrepleje",
                              user=ADMIN), event_id="Ev3")  # fmt: skip
    posts = await spred.slack.wait_for("chat.postMessage", 4)
    assert "Denne kanal får ikke længere oversigten over ældrepleje" in posts[3].args["text"]
    assert await core.services.store.follows.find(user=channel) == []


async def test_a_channel_stops_a_topic_no_solution_names_any_more_and_is_then_forgotten(
    spred: Spred,
) -> None:
    core: Core = spred.server.app[CORE]
    store = core.services.store
    channel = channel_address("slack", "C0CARE")
    # the workspace the admin writes from, as a distributable app's install keeps it
    await core.addresses.remember(f"slack:{ADMIN}", {"team_id": TEAM})
    await spred.event(mention(f"<@{BOT_USER}> digest <#C0CARE|pleje> ældrepleje", user=ADMIN),
                      event_id="Ev1")  # fmt: skip
    await spred.slack.wait_for("chat.postMessage")
    kept = await store.addresses.get(channel)  # where its digests go: that workspace
    assert kept is not None
    assert kept.reference == {"team_id": TEAM}
    # followed while some solution named it; now none does (all of them retired, say)
    await store.follows.upsert(Follow(id=f"{channel}|tag:nattevagter", user=channel,
                                      topic="tag:nattevagter", label="Nattevagter"))  # fmt: skip

    async def said(text: str, event_id: str, posts: int) -> str:
        await spred.event(mention(f"<@{BOT_USER}> {text}", user=ADMIN), event_id=event_id)
        return str((await spred.slack.wait_for("chat.postMessage", posts))[-1].args["text"])

    stopped = await said("stop digest <#C0CARE|pleje> nattevagter", "Ev2", 2)
    assert "Denne kanal får ikke længere oversigten over Nattevagter" in stopped
    assert [f.topic for f in await store.follows.find(user=channel)] == ["domain:aeldrepleje"]
    assert await store.addresses.get(channel) == kept  # still follows something
    never = await said("stop digest <#C0CARE|pleje> skoler", "Ev3", 3)
    assert "Denne kanal får ikke oversigten over skoler" in never
    stopped = await said("stop digest <#C0CARE|pleje> ældrepleje", "Ev4", 4)
    assert "Denne kanal får ikke længere oversigten over ældrepleje" in stopped
    assert await store.follows.find(user=channel) == []
    assert await store.addresses.get(channel) is None  # follows nothing: nothing kept


async def test_a_channel_digest_asked_for_in_a_dm_is_explained(spred: Spred) -> None:
    await spred.event(dm("digest #pleje ældrepleje", user=ADMIN), event_id="Ev1")
    [post] = await spred.slack.wait_for("chat.postMessage")
    assert "Skriv det i den kanal, der skal have oversigten" in post.args["text"]


async def test_the_follow_button_on_an_answer_follows_and_again_says_so(spred: Spred) -> None:
    core: Core = spred.server.app[CORE]
    await spred.event(dm("hvordan får vi ventetiden ned i hjemmeplejen?"), event_id="EvF1")
    [answer] = await spred.slack.wait_for("chat.postMessage")
    follow = button(answer, "Følg ældrepleje")
    assert [e["text"]["text"] for b in answer.args["blocks"] if b["type"] == "actions"
            for e in b["elements"]].count("Følg ældrepleje") == 1  # fmt: skip
    await spred.interaction(pressed(ANNA, follow["value"], channel="D0ANNA"))
    posts = await spred.slack.wait_for("chat.postMessage", 2)
    assert "Du følger nu ældrepleje" in posts[1].args["text"]
    [held] = await core.services.store.follows.find(user=f"slack:{ANNA}")
    assert held.topic == "domain:aeldrepleje"
    await spred.interaction(pressed(ANNA, follow["value"], channel="D0ANNA"))
    posts = await spred.slack.wait_for("chat.postMessage", 3)
    assert "Du følger allerede ældrepleje" in posts[2].args["text"]
    await spred.event(dm("hvordan får vi ventetiden ned i hjemmeplejen?"), event_id="EvF2")
    posts = await spred.slack.wait_for("chat.postMessage", 4)
    assert "ventetiden ned i hjemmeplejen" in posts[3].args["text"]
    assert "Følg" not in str(posts[3].args["blocks"])  # followed now: not offered
