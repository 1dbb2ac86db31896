"""An event Slack has its acknowledgement for is in the store before the acknowledgement goes,
so a process that dies after acknowledging loses nothing: another takes it over and answers
it, once. Once: an answer (or a letter) Slack already has from the process that died is
found in the conversation by its mark, and not posted again. Over the real slack-bolt stack
against the mock Slack."""

from __future__ import annotations

from collections.abc import Coroutine
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from adapters.slack import SLACK
from adapters.slack.delivery import marker
from bot.core import Core
from bot.messages import Notice, Reply
from bot.server import CORE
from knowledge.records import SeenEvent
from tests import test_slack
from tests.slack_mock import BOT_USER, event_body
from tests.test_slack import ANNA, Spred, dm, mention

slack, spred = test_slack.slack, test_slack.spred  # fixtures: the mock Slack, a running Spred

QUESTION = "ventetid hjemmepleje opstart"
THREAD = "1700000000.000100"  # the mention's ts: its answer's thread


def _dies_after_acknowledging(spred: Spred, monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on this process acknowledges events and then does nothing more with them,
    as one killed right after its acknowledgement went out."""
    answers = spred.server.app[SLACK].adapter.answers

    def dropped(work: Coroutine[Any, Any, Any]) -> None:
        work.close()

    monkeypatch.setattr(answers, "_start", dropped)


async def _acknowledged_by_one_that_died(
    spred: Spred, monkeypatch: pytest.MonkeyPatch, event: dict[str, Any], event_id: str
) -> None:
    """Slack sends the event, and the process that acknowledges it dies right after."""
    _dies_after_acknowledging(spred, monkeypatch)
    await spred.event(event, event_id=event_id)
    monkeypatch.undo()


async def _lapse(core: Core, event_id: str) -> None:
    """The hold on an event runs out, as when its holder stopped renewing it."""
    past = core.services.clock() - timedelta(seconds=1)

    def lapsed(current: SeenEvent | None) -> SeenEvent | None:
        assert current is not None
        assert current.held_until is not None
        return replace(current, held_until=past)

    await core.services.store.seen_events.update(f"slack:{event_id}", lapsed)


async def _taken_over(spred: Spred, event_id: str) -> None:
    core = spred.server.app[CORE]
    await _lapse(core, event_id)
    assert await core.retake_unanswered() == 1
    await spred.server.app[SLACK].adapter.drain(within=10)


async def test_an_event_is_held_before_slack_has_its_acknowledgement(
    spred: Spred, monkeypatch: pytest.MonkeyPatch
) -> None:
    _dies_after_acknowledging(spred, monkeypatch)
    response = await spred.event(mention(QUESTION), event_id="EvKilled")
    assert response.status == 200
    held = await spred.server.app[CORE].services.store.seen_events.get("slack:EvKilled")
    assert held is not None
    assert held.holder
    assert held.answered_at is None
    assert held.incoming["text"] == QUESTION
    assert held.incoming["org_id"] == "slack:T0TEAM"  # from the signed payload
    assert spred.slack.called("chat.postMessage") == []


async def test_an_event_acknowledged_by_a_process_that_died_is_answered_once_in_its_thread(
    spred: Spred, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _acknowledged_by_one_that_died(spred, monkeypatch, mention(QUESTION), "EvKilled")
    await _taken_over(spred, "EvKilled")
    [answer] = spred.slack.called("chat.postMessage")
    assert answer.args["channel"] == "C0CARE"
    assert answer.args["thread_ts"] == THREAD
    assert answer.args["metadata"] == marker("answer", "EvKilled")
    assert "Opstartsteam" in answer.args["text"]
    [looked] = spred.slack.called("conversations.replies")
    assert looked.args["ts"] == THREAD
    # taken over with the asker's profile, as the first answer would have been
    assert [c.args["user"] for c in spred.slack.called("users.info")] == [ANNA]
    seen = await spred.server.app[CORE].services.store.seen_events.get("slack:EvKilled")
    assert seen is not None
    assert seen.answered_at is not None
    assert seen.incoming == {}
    assert await spred.server.app[CORE].retake_unanswered() == 0


async def test_an_answer_slack_took_before_its_process_died_is_not_posted_again(
    spred: Spred, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _acknowledged_by_one_that_died(spred, monkeypatch, mention(QUESTION), "EvPosted")
    # what the process that died had posted, marked, before the store heard of it
    spred.slack.messages["C0CARE"] = [
        {"ts": "1700000001.0", "thread_ts": THREAD, "metadata": marker("answer", "EvOther")},
        {"ts": "1700000002.0", "thread_ts": THREAD, "metadata": marker("answer", "EvPosted")},
    ]
    await _taken_over(spred, "EvPosted")
    assert spred.slack.called("chat.postMessage") == []
    seen = await spred.server.app[CORE].services.store.seen_events.get("slack:EvPosted")
    assert seen is not None
    assert seen.answered_at is not None


async def test_an_answer_that_cannot_be_looked_for_is_given_rather_than_lost(
    spred: Spred, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _acknowledged_by_one_that_died(spred, monkeypatch, mention(QUESTION), "EvNoScope")
    spred.slack.fail("conversations.replies", 403)  # a workspace without the history scope
    await _taken_over(spred, "EvNoScope")
    [answer] = spred.slack.called("chat.postMessage")
    assert answer.args["thread_ts"] == THREAD


async def test_a_direct_message_is_taken_over_into_the_dm(
    spred: Spred, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _acknowledged_by_one_that_died(spred, monkeypatch, dm(QUESTION), "EvDm")
    await _taken_over(spred, "EvDm")
    [answer] = spred.slack.called("chat.postMessage")
    assert answer.args["channel"] == f"D{ANNA}"  # the DM conversations.open gives
    assert "thread_ts" not in answer.args
    [looked] = spred.slack.called("conversations.history")
    assert looked.args["channel"] == f"D{ANNA}"


async def test_an_event_held_by_a_live_process_is_acknowledged_and_left_to_it(
    spred: Spred, monkeypatch: pytest.MonkeyPatch
) -> None:
    _dies_after_acknowledging(spred, monkeypatch)  # still holding it, as far as the store knows
    await spred.event(mention(QUESTION), event_id="EvTwice")
    monkeypatch.undo()
    again = await spred.event(mention(QUESTION), event_id="EvTwice")  # to another instance
    assert again.status == 200
    await spred.server.app[SLACK].adapter.drain(within=10)
    assert spred.slack.called("users.info") == []  # not worked on at all
    assert spred.slack.called("chat.postMessage") == []


async def test_spreds_own_posts_are_not_held(spred: Spred) -> None:
    own = mention("svar", user=BOT_USER, bot_id="B0SPRED")
    await spred.event(own, event_id="EvOwn")
    assert await spred.server.app[CORE].services.store.seen_events.get("slack:EvOwn") is None


async def test_every_answer_is_marked_with_its_event(spred: Spred) -> None:
    await spred.post(event_body(mention(QUESTION), event_id="EvMarked"))
    await spred.server.app[SLACK].adapter.drain(within=10)
    [answer] = spred.slack.called("chat.postMessage")
    assert answer.args["metadata"] == marker("answer", "EvMarked")


def _letter(text: str) -> Notice:
    return Notice(to=f"slack:{ANNA}", kind="test", reply=Reply(text=text))


async def _sent_before(core: Core, letter_id: str) -> None:
    """A send of the letter began in a process that then died (bot/outbox.py)."""
    at = core.services.clock()
    began = SeenEvent(
        event_key=f"letter:{letter_id}", seen_at=at, expires_at=at + timedelta(days=1)
    )
    assert await core.services.store.seen_events.insert(began)


async def test_a_letter_slack_has_from_a_process_that_died_is_not_posted_again(
    spred: Spred,
) -> None:
    core: Core = spred.server.app[CORE]
    await _sent_before(core, "L1")
    spred.slack.messages[f"D{ANNA}"] = [{"ts": "1.0", "metadata": marker("letter", "L1")}]
    await core.outbox.send(_letter("Hej Anna"), letter_id="L1")
    assert spred.slack.called("chat.postMessage") == []
    assert await core.outbox.waiting() == []  # delivered, by the process that died


async def test_a_letter_whose_first_send_did_not_reach_slack_is_posted_once_marked(
    spred: Spred,
) -> None:
    core: Core = spred.server.app[CORE]
    await _sent_before(core, "L2")
    await core.outbox.send(_letter("Hej Anna"), letter_id="L2")
    [posted] = spred.slack.called("chat.postMessage")
    assert posted.args["metadata"] == marker("letter", "L2")
    assert len(spred.slack.called("conversations.history")) == 1
    await core.outbox.flush()
    assert len(spred.slack.called("chat.postMessage")) == 1


async def test_a_first_send_of_a_letter_does_not_look_in_slack_first(spred: Spred) -> None:
    await spred.server.app[CORE].outbox.send(_letter("Hej Anna"), letter_id="L3")
    assert len(spred.slack.called("chat.postMessage")) == 1
    assert spred.slack.called("conversations.history") == []
