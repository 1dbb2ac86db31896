"""One turn of a conversation at a time, across server processes; the dialogues' declared
states; a platform's event answered once; a failing store answered with an apology."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from pathlib import Path

import pytest

from bot import core as core_module
from bot.config import Settings
from bot.core import DIALOGUES, Core
from bot.dialogues import END, Dialogue, State, Step
from bot.holds import SEEN_FOR
from bot.i18n import TEXTS
from bot.messages import Incoming
from bot.sessions import Flow
from knowledge.kb import KnowledgeBase, demo_solutions
from knowledge.lexicon import Lexicon
from knowledge.matcher import Matcher
from knowledge.records import Conversation
from knowledge.store import Store, StoreError, open_store
from tests.conftest import ADMIN, Clock
from tests.dialogue import Chat

ADMIN_MESSAGE = Incoming(platform="console", user_id="admin", conversation="terminal")


def _said(message: Incoming, text: str) -> Incoming:
    return replace(message, text=text)


async def _draft(core: Core) -> dict:
    record = await core.services.store.conversations.get("console:terminal:admin")
    assert record is not None
    return dict(record.data["flow"])


async def test_two_answers_sent_at_once_are_both_kept_in_order(core: Core) -> None:
    # A double click, or two devices: the second answer waits for the first and is the
    # answer to the next question, not a second answer to the same one.
    await core.handle(_said(ADMIN_MESSAGE, "tilføj"))
    first, second = await asyncio.gather(
        core.handle(_said(ADMIN_MESSAGE, "Snerydning med fælles maskiner")),
        core.handle(_said(ADMIN_MESSAGE, "Kirkegårdene deler maskiner og rydder sne sammen.")),
    )
    assert "resumé" in first[0].text.lower()
    assert "problem" in second[0].text.lower()
    draft = await _draft(core)
    assert draft["step"] == 2
    assert draft["draft"]["title"] == "Snerydning med fælles maskiner"
    assert draft["draft"]["summary"] == "Kirkegårdene deler maskiner og rydder sne sammen."


async def _core_on(store: Store, lexicon: Lexicon, clock: Clock, data: Path) -> Core:
    kb = await KnowledgeBase.load(store, matcher=Matcher(lexicon=lexicon))
    return Core(kb=kb, settings=Settings(data_dir=data, admins=frozenset({ADMIN})), clock=clock)


async def test_two_server_processes_on_one_directory_take_turns(
    tmp_path: Path, lexicon: Lexicon, clock: Clock
) -> None:
    # Two cores on one data directory, as two `spred serve` processes: each has its own
    # in-process queue, so only the hold in the store keeps their turns apart.
    data = tmp_path / "data"
    stores = [await open_store(data), await open_store(data)]
    try:
        await stores[0].solutions.upsert_many(demo_solutions())
        one, two = [await _core_on(s, lexicon, clock, data) for s in stores]
        await one.handle(_said(ADMIN_MESSAGE, "tilføj"))
        answers = [f"Snerydning med fælles maskiner, udgave {i}" for i in range(1, 4)]
        await asyncio.gather(
            one.handle(_said(ADMIN_MESSAGE, answers[0])),
            two.handle(_said(ADMIN_MESSAGE, answers[1])),
            one.handle(_said(ADMIN_MESSAGE, answers[2])),
        )
        # Which process went first is theirs to settle; that no answer was lost is not.
        draft = await _draft(two)
        assert draft["step"] == 3
        filled = [draft["draft"][name] for name in ("title", "summary", "problem")]
        assert sorted(filled) == answers
        held = await stores[1].conversations.get("console:terminal:admin")
        assert held is not None
        assert held.held_by == ""  # every turn gave the conversation back
    finally:
        for store in stores:
            await store.close()


async def test_a_turn_held_by_a_process_that_died_is_taken_over_after_the_hold(
    core: Core, clock: Clock
) -> None:
    key = "console:terminal:admin"
    await core.services.store.conversations.upsert(
        Conversation(
            conversation_key=key,
            state="idle",
            held_by="a-process-that-died",
            held_until=clock() + SEEN_FOR,  # far off: nobody may take it yet
        )
    )
    waiting = asyncio.create_task(core.handle(_said(ADMIN_MESSAGE, "hjælp")))
    await asyncio.sleep(0.1)
    assert not waiting.done()  # it waits for the other turn
    clock.advance(days=3)  # the hold runs out
    replies = await asyncio.wait_for(waiting, timeout=5)
    assert "Skriv et spørgsmål" in replies[0].text


async def test_a_failing_turn_gives_the_conversation_back_unchanged(
    core: Core, monkeypatch: pytest.MonkeyPatch
) -> None:
    await core.handle(_said(ADMIN_MESSAGE, "tilføj"))

    async def broken(turn: object) -> list:
        raise RuntimeError("a bug")

    monkeypatch.setitem(core_module.ACTIONS, "help", broken)
    [reply] = await core.handle(_said(ADMIN_MESSAGE, "hjælp"))  # in the flow: an answer
    assert not reply.failed
    monkeypatch.setitem(core_module.admin.ADDING.states, Flow.ADDING, State(on_text=broken))
    [reply] = await core.handle(_said(ADMIN_MESSAGE, "Titel der får turen til at fejle"))
    assert reply.failed
    record = await core.services.store.conversations.get("console:terminal:admin")
    assert record is not None
    assert record.held_by == ""
    assert record.data["flow"]["step"] == 1  # "hjælp" was the title; the failing turn kept nothing


async def test_an_event_delivered_again_is_answered_once(core: Core) -> None:
    question = Incoming(
        platform="slack", user_id="U1", conversation="C1", text="sygefravær", event_id="Ev1"
    )
    first, again = await asyncio.gather(core.handle(question), core.handle(question))
    assert sorted(map(len, (first, again))) == [0, 1]
    assert await core.handle(replace(question, text="ventetid")) == []
    assert len(await core.handle(replace(question, event_id="Ev2"))) == 1


async def test_a_damaged_store_is_answered_with_the_apology_and_the_log_says_what_to_do(
    core: Core, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def damaged(*args: object, **kwargs: object) -> None:
        raise StoreError("data/conversations.json is not a readable Spred data file; restore")

    monkeypatch.setattr(core.services.store.conversations, "update", damaged)
    with caplog.at_level(logging.ERROR):
        [reply] = await core.handle(_said(ADMIN_MESSAGE, "sygefravær"))
    assert reply.failed
    assert "Beklager, noget gik galt" in reply.text
    assert "conversations.json is not a readable Spred data file; restore" in caplog.text
    assert "Traceback" not in caplog.text


# --- the dialogues as declared


def _states() -> list[tuple[Dialogue, Flow]]:
    return [(d, state) for d in DIALOGUES for state in d.states]


def test_every_state_belongs_to_one_dialogue_and_has_its_texts() -> None:
    states = [state for _, state in _states()]
    assert len(states) == len(set(states))
    assert set(states) == set(Flow) - {Flow.IDLE}
    for _, state in _states():
        danish, english = TEXTS[f"expired_{state.value}"]  # said when it expires
        assert danish
        assert english


WALKS: dict[Flow, list[tuple[str | None, str]]] = {
    # From idle, what reaches each state: typed text, or (action, payload as in the tests).
    Flow.ADDING: [(None, "tilføj")],
    Flow.REVIEWING: [("add_solution", "form")],
    Flow.EDITING: [(None, "ret hurtig-opstart-i-hjemmeplejen titel")],
    Flow.ADOPTION: [("adopt", "piloting")],
    Flow.SHARING: [(None, "del en løsning")],
    Flow.ROADSHOW: [(None, "roadshow hurtig-opstart-i-hjemmeplejen")],
}


async def test_every_state_is_reachable_from_its_entry_points(core: Core) -> None:
    admin = Chat(core=core, message=ADMIN_MESSAGE)
    walked = {}
    for state, steps in WALKS.items():
        await admin.send("annuller")
        admin.expect()
        for action, text in steps:
            if action is None:
                await admin.send(text)
            elif action == "adopt":
                payload = {"solution": "hurtig-opstart-i-hjemmeplejen", "stage": text}
                await admin.act("adopt", payload)
            else:
                await admin.act(action, {"values": _form_values()})
            while admin.pending:
                admin.expect()
        record = await core.services.store.conversations.get("console:terminal:admin")
        walked[state] = record.state if record else None
    assert walked == {state: state.value for state in WALKS}
    # Planning and reporting start from a manager's prompt: tests/test_nudges.py walks them;
    # relaying from a colleague's Svar: tests/test_relay.py; checking, fixing and an
    # editor's note follow a whole shared draft: tests/test_dialogue_share.py; measuring
    # from a report back's "Ja, vi har målt": tests/test_local_results.py; an owner's update
    # of the figures from the yearly question's "Opdater tallene": tests/test_owner_prompts.py;
    # naming a colleague from a routed question's "Jeg kender en": tests/test_routing.py.
    prompted = {
        Flow.PLANNING,
        Flow.REPORTING,
        Flow.RELAYING,
        Flow.SHARE_CHECK,
        Flow.SHARE_FIXING,
        Flow.REVIEW_NOTE,
        Flow.MEASURING,
        Flow.FIGURES,
        Flow.FIGURES_CHECK,
        Flow.ROUTED_NAMING,
        # a roadshow's summary and an invitation's "Send til en kollega": tests/test_roadshows.py
        Flow.ROADSHOW_CHECK,
        Flow.ROADSHOW_FORWARD,
    }
    assert set(WALKS) | prompted == set(Flow) - {Flow.IDLE}


def _form_values() -> dict[str, str]:
    from bot.flows.draft import FIELDS
    from tests.answers import values

    return values(FIELDS)


async def test_a_handler_may_not_lead_to_another_dialogues_state(core: Core) -> None:
    async def astray(turn: object) -> Step:
        return Step(replies=[], next=Flow.PLANNING)

    async def fine(turn: object) -> Step:
        return Step(replies=[], next=END)

    dialogue = Dialogue(
        name="test", entry_points={"go": astray}, states={Flow.ADDING: State(on_text=fine)}
    )
    admin = Chat(core=core, message=ADMIN_MESSAGE)
    turn_core = core

    async def run() -> None:
        from bot.turn import Turn

        async with turn_core.sessions.hold(ADMIN_MESSAGE) as session:
            turn = Turn(services=turn_core.services, message=ADMIN_MESSAGE, session=session)
            await dialogue.entry("go")(turn)

    with pytest.raises(RuntimeError, match="has no state 'planning'"):
        await run()
    admin.expect_nothing()
