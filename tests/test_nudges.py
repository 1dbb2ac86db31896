"""Prompts to middle managers: triggers, respect (rate limit, quiet hours, opt-out), the
scheduler across restarts, and the plan → follow-up → note → shown-in-answers loop."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.config import ConfigError, NudgeRules, Settings
from bot.core import Core
from bot.flows.home import shortened
from bot.i18n import say
from bot.messages import Action, reply_from_dict
from knowledge.kb import KnowledgeBase, demo_solutions
from knowledge.lexicon import Lexicon
from knowledge.matcher import Matcher
from knowledge.records import Adoption, Consent, Interest, Nudge, NudgeState, OptOut, Person, Stage
from knowledge.store import Store, open_store
from tests.conftest import Clock
from tests.dialogue import Chat, Inbox

QUESTION = "ventetid hjemmepleje opstart"
SOLUTION = "hurtig-opstart-i-hjemmeplejen"
STAFF = [
    Person(
        id="bo",
        name="Bo Leder",
        organization="Odense Kommune",
        unit="Hjemmeplejen Vest",
        role="Leder",
    ),
    Person(
        id="anna",
        name="Anna Holm",
        organization="Odense Kommune",
        unit="Hjemmeplejen Vest",
        manager_id="bo",
    ),
    Person(
        id="carl",
        name="Carl Berg",
        organization="Odense Kommune",
        unit="Hjemmeplejen Vest",
        manager_id="bo",
    ),
    Person(
        id="dora",
        name="Dora Dahl",
        organization="Odense Kommune",
        unit="Sygeplejen",
        manager_id="bo",
    ),
]


def person(chat: Chat, user_id: str, name: str) -> Chat:
    return chat.as_user(user_id=user_id, user_name=name, organization="", unit="")


async def _staffed(core: Core) -> None:
    await core.services.store.people.upsert_many(STAFF)


async def _prompted(chat: Chat, core: Core, button: str) -> list[Action]:
    """Anna asks and presses `button` (the adoption stages are on the solution's details);
    the prompt goes to Bo. Returns its buttons."""
    await _staffed(core)
    inbox = Inbox(core, "console")
    anna = person(chat, "anna", "Anna Holm")
    await anna.send(QUESTION)
    anna.expect()
    if button.startswith("Vi "):
        await _details(anna)
    await anna.press(button)
    anna.expect("Din leder får også en kort besked om løsningen.")
    assert await core.nudges.run_due() == 1
    await core.outbox.flush()
    assert len(inbox.take(to="console:bo")) == 1
    [letter] = await core.services.store.outbox.all()
    return list(reply_from_dict(letter.reply).actions)


async def _details(asker: Chat, title: str = "Opstartsteam") -> None:
    """Opens the details of the answer card titled `title`, where the adoption buttons are."""
    await asker.press_on(title, "Mere om løsningen")
    asker.expect("Vi prøver den")


async def test_an_adoption_prompts_the_manager_saying_what_was_done(
    chat: Chat, core: Core, clock: Clock
) -> None:
    await _staffed(core)
    # interest alone is not use, and the manager's own organisation is not "another"
    await core.services.store.adoptions.upsert_many(
        [
            Adoption(id="x", solution_id=SOLUTION, user="slack:U9",
                     organization="Vejle Kommune", stage=Stage.INTERESTED),
            Adoption(id="y", solution_id=SOLUTION, user="slack:U8",
                     organization="Horsens Kommune", stage=Stage.PILOTING),
        ]
    )  # fmt: skip
    inbox = Inbox(core, "console")
    anna = person(chat, "anna", "Anna Holm")
    await anna.send(QUESTION)
    anna.expect("Opstartsteam")
    await _details(anna)
    await anna.press("Vi prøver den")
    anna.expect("Hjemmeplejen Vest i Odense Kommune prøver nu", "Din leder får også en kort",
                "Må din leder se dit navn")  # fmt: skip
    await anna.press("Ja, gerne mit navn")  # before it is sent: the prompt names her
    anna.expect("Din leder kan se dit navn")
    assert await core.nudges.run_due() == 1
    await core.outbox.flush()
    [prompt] = inbox.take(to="console:bo")
    assert prompt.startswith(
        "Anna Holm har meldt, at Hjemmeplejen Vest i Odense Kommune er begyndt at prøve "
        "“Opstartsteam sikrer hjemmehjælp inden for et døgn”.\n\n"
        "Løsningen kommer fra Aarhus Kommune.\n"
        "➜ Ventetid fra henvendelse til første besøg: 4,8 → 0,9 dage (2022–2023)\n"
        "Én anden organisation har meldt, at den prøver eller bruger den.\n\n"  # Horsens
    )
    for fragment in (
        "• Hvad skal I ændre, for at den passer til jeres hverdag?",
        "• Hvem prøver den først?",
        "Du får højst én besked om samme løsning inden for 30 dage.",
        "Planlæg en tilpasning",
        "Kontakt Mette Kjærgaard",
        "Ikke relevant nu",
        "Mind mig om to uger",
        "Ingen flere påmindelser",
    ):
        assert fragment in prompt
    assert "interesse" not in prompt
    assert await core.nudges.run_due() == 0  # sent once


async def test_an_introduction_prompts_the_manager_too(chat: Chat, core: Core) -> None:
    await _staffed(core)
    anna = person(chat, "anna", "Anna Holm")
    await anna.send(QUESTION)
    anna.expect()
    await anna.press("Kontakt Mette")
    anna.expect("Du kan skrive til Mette", "Din leder får også en kort besked om løsningen.")
    [nudge] = await core.services.store.nudges.all()
    assert nudge.manager_id == "bo"
    assert nudge.member_ids == ("anna",)
    assert nudge.reason == (  # as it would be sent if she does not agree to be named
        "En i din enhed har bedt om kontakt til kollegaen bag "
        "“Opstartsteam sikrer hjemmehjælp inden for et døgn”."
    )


async def test_being_answered_tells_no_manager_anything(chat: Chat, core: Core) -> None:
    """An answer may be a wrong match: only what people do with it counts."""
    await _staffed(core)
    for user_id, name in (("anna", "Anna Holm"), ("carl", "Carl Berg")):
        for _ in range(2):
            asker = person(chat, user_id, name)
            await asker.send(QUESTION)
            asker.expect("Opstartsteam")
    assert await core.services.store.nudges.count() == 0
    assert await core.services.store.interests.count() == 0


async def test_two_in_a_unit_reading_more_about_one_solution_prompt_their_manager(
    chat: Chat, core: Core, clock: Clock
) -> None:
    await _staffed(core)
    for user_id, name in (("anna", "Anna Holm"), ("dora", "Dora Dahl")):
        asker = person(chat, user_id, name)
        await asker.send(QUESTION)
        asker.expect("Opstartsteam")
        await _details(asker)
    assert await core.services.store.nudges.count() == 0  # different units
    clock.advance(days=3)
    carl = person(chat, "carl", "Carl Berg")
    await carl.send(QUESTION)
    carl.expect("Opstartsteam")
    await carl.press_on("Opstartsteam", "Mere om løsningen")
    carl.expect("Flere i din enhed har læst mere om “Opstartsteam", "Vi prøver den")
    [nudge] = await core.services.store.nudges.all()
    assert nudge.member_ids == ("anna", "carl")
    assert nudge.reason == (  # as it is sent unless they agree to be named
        "2 personer i din enhed har læst mere om "
        "“Opstartsteam sikrer hjemmehjælp inden for et døgn” i Spred."
    )


async def test_a_group_prompt_says_what_each_of_them_did(core: Core) -> None:
    """Each person's furthest step, each in its own sentence; reading more again after
    reporting use does not take the report back."""
    await _staffed(core)
    solution = await core.services.store.solutions.get(SOLUTION)
    assert solution is not None
    anna, carl = STAFF[1], STAFF[2]
    await core.services.store.opt_outs.upsert(OptOut(manager_id="bo"))  # no prompt on her own
    prompt = await core.nudges.on_act(
        anna, solution, did="adopted", organization="Odense Kommune", unit="Hjemmeplejen Vest"
    )
    assert prompt is None
    await core.services.store.opt_outs.delete("bo")
    assert await core.nudges.on_act(anna, solution, did="details") is None  # alone: no group
    nudge = await core.nudges.on_act(carl, solution, did="details")
    assert nudge is not None
    await core.services.store.consents.upsert_many(
        [Consent(person_id="anna", named=True), Consent(person_id="carl", named=True)]
    )
    assert await core.nudges.run_due() == 1
    [letter] = await core.services.store.outbox.all()
    assert reply_from_dict(letter.reply).text.startswith(
        "Anna Holm har meldt, at Hjemmeplejen Vest i Odense Kommune nu bruger "
        "“Opstartsteam sikrer hjemmehjælp inden for et døgn”. "
        "Carl Berg har læst mere om “Opstartsteam sikrer hjemmehjælp inden for et døgn” i Spred."
    )
    with pytest.raises(ValueError, match="not something a person does"):
        await core.nudges.on_act(carl, solution, did="answered")


async def test_at_most_one_prompt_per_manager_and_solution_in_30_days(
    chat: Chat, core: Core, clock: Clock
) -> None:
    await _staffed(core)
    solution = await core.services.store.solutions.get(SOLUTION)
    anna = await core.services.store.people.get("anna")
    assert solution is not None
    assert anna is not None
    assert await core.nudges.on_interest(anna, solution, why="x") is not None
    clock.advance(days=29)
    assert await core.nudges.on_interest(anna, solution, why="x") is None
    clock.advance(days=2)
    assert await core.nudges.on_interest(anna, solution, why="x") is not None


async def test_no_prompts_in_quiet_hours_or_weekends(core: Core, clock: Clock) -> None:
    await _staffed(core)
    inbox = Inbox(core, "console")
    solution = await core.services.store.solutions.get(SOLUTION)
    anna = await core.services.store.people.get("anna")
    assert solution is not None
    assert anna is not None
    clock.now = datetime(2026, 11, 6, 16, 30, tzinfo=UTC)  # Friday 17:30 in Copenhagen
    nudge = await core.nudges.on_interest(anna, solution, why="x")
    assert nudge is not None
    assert nudge.due_at == datetime(2026, 11, 9, 7, 0, tzinfo=UTC)  # Monday 08:00 there
    clock.now = datetime(2026, 11, 8, 12, 0, tzinfo=UTC)  # Sunday noon
    assert await core.nudges.run_due() == 0
    clock.now = datetime(2026, 11, 9, 7, 0, tzinfo=UTC)
    assert await core.nudges.run_due() == 1
    await core.outbox.flush()
    assert len(inbox.take(to="console:bo")) == 1


async def test_a_manager_can_opt_out_and_back_in(chat: Chat, core: Core) -> None:
    buttons = await _prompted(chat, core, "Vi prøver den")
    anna = person(chat, "anna", "Anna Holm")
    bo = person(chat, "bo", "Bo Leder")
    opt_out = next(a for a in buttons if a.id == "nudge_opt_out")
    await anna.act_with(opt_out)  # not hers to press
    anna.expect("til en anden leder")
    await bo.act_with(opt_out)
    bo.expect("ikke flere påmindelser")
    solution = await core.services.store.solutions.get(
        "tidlig-kontakt-ved-sygefravaer-i-hjemmeplejen"
    )
    anna_person = await core.services.store.people.get("anna")
    assert solution is not None
    assert anna_person is not None
    assert await core.nudges.on_interest(anna_person, solution, why="x") is None
    await bo.send("påmindelser til")
    bo.expect("påmindelser igen")
    assert await core.nudges.on_interest(anna_person, solution, why="x") is not None


async def test_plan_follow_up_note_and_the_note_in_later_answers(
    chat: Chat, core: Core, clock: Clock
) -> None:
    buttons = await _prompted(chat, core, "Kontakt Mette")
    inbox = Inbox(core, "console")
    plan = next(a for a in buttons if a.id == "nudge_plan")
    bo = person(chat, "bo", "Bo Leder")
    await bo.act_with(plan)
    bo.expect("Tre korte spørgsmål", "1/3: Hvad vil I ændre")
    await bo.send("   ")
    bo.expect("Skriv et par ord")
    await bo.send("vi bruger vores eksisterende natteam som opstartsteam.")
    bo.expect("2/3: Hvem prøver den først")
    await bo.send("team Vest")
    bo.expect("3/3: Hvornår går I i gang")
    await bo.send("1. december")
    bo.expect("Om 14 dage spørger jeg, hvordan det er gået.")
    clock.advance(days=13)
    assert await core.nudges.run_due() == 0
    clock.advance(days=1, hours=1)
    assert await core.nudges.run_due() == 1
    await core.outbox.flush()
    [follow_up] = inbox.take(to="console:bo")
    # the manager's own words on a line of their own: no ".." after their full stop
    assert "I ville ændre:\nvi bruger vores eksisterende natteam som opstartsteam.\n\n" in follow_up
    assert "Du får højst én besked" not in follow_up  # a plan's follow-up, not a prompt
    letter = next(x for x in await core.services.store.outbox.all() if x.kind == "nudge-follow-up")
    report = next(a for a in reply_from_dict(letter.reply).actions if a.id == "nudge_report")
    await bo.act_with(report)
    bo.expect("Hvad tilpassede I", "skriv ikke navne på borgere eller kolleger")
    await bo.send("natteamet tager første besøg; ventetiden faldt fra 4 til 1 dag")
    bo.expect("Det her står nu under løsningen", "Tilpasset i Odense Kommune")
    [adoption] = await core.services.store.adoptions.all()
    assert adoption.stage is Stage.PILOTING
    assert adoption.organization == "Odense Kommune"
    nudges = await core.services.store.nudges.all()
    assert {n.state for n in nudges} == {NudgeState.PLANNED, NudgeState.DONE}
    other = chat.as_user(user_id="eve")
    await other.send(QUESTION)
    answer = other.expect()
    card = next(c for c in answer.cards if c.solution_id == SOLUTION)
    assert card.adaptations == (
        "Tilpasset i Odense Kommune, Hjemmeplejen Vest: natteamet tager første besøg; "
        "ventetiden faldt fra 4 til 1 dag",
    )


async def test_a_restart_between_scheduling_and_sending_loses_and_doubles_nothing(
    tmp_path: Path, lexicon: Lexicon, clock: Clock
) -> None:
    settings = Settings(data_dir=tmp_path / "data")

    async def started() -> tuple[Core, Store]:
        store = await open_store(settings.data_dir)
        kb = await KnowledgeBase.load(store, matcher=Matcher(lexicon=lexicon))
        return Core(kb=kb, settings=settings, clock=clock), store

    core, store = await started()
    await store.solutions.upsert_many(demo_solutions())
    await store.people.upsert_many(STAFF)
    solution = await store.solutions.get(SOLUTION)
    assert solution is not None
    nudge = await core.nudges.on_interest(STAFF[1], solution, why="x")
    assert nudge is not None
    await store.close()

    core, store = await started()  # the restart
    # several sending rounds at once, as two overlapping timer ticks would run them
    sent = await asyncio.gather(*(core.nudges.run_due() for _ in range(3)))
    assert sum(sent) == 1
    # a crash after the letter was written but before the prompt was marked sent:
    stored = await store.nudges.get(nudge.id)
    assert stored is not None
    await store.nudges.upsert(replace(stored, state=NudgeState.SCHEDULED))
    assert await core.nudges.run_due() == 1
    letters = [x for x in await store.outbox.all() if x.kind == "nudge-prompt"]
    await store.close()
    assert len(letters) == 1


async def test_an_admin_sets_someones_manager_by_chat(admin: Chat, core: Core) -> None:
    await _staffed(core)
    await admin.send("sæt Doras leder til Anna Holm")
    admin.expect("Dora Dahl har nu Anna Holm som leder")
    dora = await core.services.store.people.get("dora")
    assert dora is not None
    assert dora.manager_id == "anna"
    await admin.send("set Dora's manager to Nobody Here")
    admin.expect("Jeg kan ikke finde “Nobody Here” i personkartoteket")
    await admin.send("sæt Doras leder til Dora Dahl")
    admin.expect("Dora Dahl kan ikke være sin egen leder")
    await core.services.store.people.upsert(replace(STAFF[1], id="anna2"))  # a namesake
    await admin.send("sæt Doras leder til anna holm")
    admin.expect("Flere hedder “anna holm”: Anna Holm (anna), Anna Holm (anna2)")
    await admin.send("sæt Doras leder til ANNA2")  # an id, however cased
    admin.expect("Dora Dahl har nu Anna Holm som leder")
    dora = await core.services.store.people.get("dora")
    assert dora is not None
    assert dora.manager_id == "anna2"


def test_the_rules_are_configurable_and_bad_values_named() -> None:
    rules = NudgeRules.from_env(
        {"SPRED_NUDGE_GROUP": "3", "SPRED_FOLLOW_UP_DAYS": "7", "SPRED_QUIET_HOURS": "16-9"}
    )
    assert (rules.group, rules.follow_up_days, rules.quiet_from, rules.quiet_until) == (3, 7, 16, 9)
    for env, named in (
        ({"SPRED_NUDGE_GROUP": "many"}, "SPRED_NUDGE_GROUP"),
        ({"SPRED_FOLLOW_UP_DAYS": "0"}, "SPRED_FOLLOW_UP_DAYS"),
        ({"SPRED_QUIET_HOURS": "evening"}, "SPRED_QUIET_HOURS"),
        ({"SPRED_QUIET_HOURS": "8-17"}, "SPRED_QUIET_HOURS"),  # no working hour left
        ({"SPRED_QUIET_HOURS": "8-8"}, "SPRED_QUIET_HOURS"),
    ):
        with pytest.raises(ConfigError, match=named):
            NudgeRules.from_env(env)


async def test_a_managers_own_page_lists_the_prompts_waiting_for_an_answer(
    chat: Chat, core: Core
) -> None:
    await _prompted(chat, core, "Vi bruger den nu")
    page = await core.home(user="console:bo")
    assert "Påmindelser, der venter på dit svar:" in page.text
    # she was asked, and did not answer: the prompt, and the page, do not name her
    assert "Opstartsteam sikrer hjemmehjælp inden for et døgn – en i din enhed" in page.text
    assert any(a.id == "nudge_plan" for a in page.actions)


async def test_a_prompts_buttons_act_once_and_an_old_prompt_changes_nothing(
    chat: Chat, core: Core
) -> None:
    buttons = await _prompted(chat, core, "Vi prøver den")
    by_id = {a.id: a for a in buttons}
    bo = person(chat, "bo", "Bo Leder")
    await bo.act_with(by_id["nudge_plan"])
    bo.expect("1/3: Hvad vil I ændre")
    await bo.send("x" * 600)
    bo.expect("Det er 600 tegn", "højst 500 tegn")  # said plainly, and the question stays open
    for answer in ("natteamet", "team Vest", "1. december"):
        await bo.send(answer)
        bo.expect()
    for pressed in ("nudge_plan", "nudge_snooze", "nudge_dismiss"):
        await bo.act_with(by_id[pressed])
        bo.expect("allerede besvaret")
    states = sorted(n.state for n in await core.services.store.nudges.all())
    assert states == sorted([NudgeState.PLANNED, NudgeState.SCHEDULED])  # one follow-up
    await bo.send("hvordan får vi ventetiden ned")  # not caught in a flow
    bo.expect("Opstartsteam")


async def test_a_report_moves_on_the_managers_own_unit_only(
    chat: Chat, core: Core, clock: Clock
) -> None:
    await _staffed(core)
    dora = chat.as_user(user_id="dora", user_name="Dora Dahl", organization="Odense Kommune",
                        unit="Sygeplejen")  # fmt: skip
    await dora.send(QUESTION)
    dora.expect("Opstartsteam")
    await _details(dora)
    await dora.press("Vi prøver den")
    dora.expect("Sygeplejen i Odense Kommune prøver nu")
    await core.nudges.run_due()
    prompt = next(n for n in await core.services.store.nudges.all())
    bo = person(chat, "bo", "Bo Leder")
    await bo.act("nudge_plan", {"nudge": prompt.id})
    bo.expect("1/3: Hvad vil I ændre")
    for answer in ("natteamet", "team Vest", "1. december"):
        await bo.send(answer)
        bo.expect()
    clock.advance(days=21)  # snoozed or late: the follow-up tells the plan's real age
    assert await core.nudges.run_due() == 1
    follow_up = next(n for n in await core.services.store.nudges.all() if n.kind == "follow-up")
    letter = next(x for x in await core.services.store.outbox.all() if x.kind == "nudge-follow-up")
    assert "For 21 dage siden" in reply_from_dict(letter.reply).text
    await bo.act("nudge_report", {"nudge": follow_up.id})
    bo.expect("Hvad tilpassede I")
    await bo.send("natteamet tager første besøg")
    bo.expect("Tilpasset i Odense Kommune, Hjemmeplejen Vest")
    stages = {(a.unit, a.stage) for a in await core.services.store.adoptions.all()}
    assert stages == {("Sygeplejen", Stage.PILOTING), ("Hjemmeplejen Vest", Stage.PILOTING)}


async def test_askers_under_different_managers_are_not_counted_together(
    chat: Chat, core: Core
) -> None:
    await core.services.store.people.upsert_many(
        [Person(id="m1", name="Mia Leder"), Person(id="m2", name="Max Leder"),
         Person(id="xena", name="Xena", manager_id="m1"),
         Person(id="yrsa", name="Yrsa", manager_id="m2")]
    )  # fmt: skip
    for user_id, name in (("xena", "Xena"), ("yrsa", "Yrsa")):
        asker = person(chat, user_id, name)
        await asker.send(QUESTION)
        asker.expect("Opstartsteam")
        await _details(asker)
    assert await core.services.store.interests.count() == 2
    assert await core.services.store.nudges.count() == 0


async def test_sentences_like_an_admin_command_are_questions_from_anyone_else(
    chat: Chat,
) -> None:
    await chat.send("sæt en ny leder til at styre ventetiden i hjemmeplejen")
    reply = chat.expect("Løsninger på “sæt en ny leder")
    assert say("da", "not_admin") not in reply.text


async def test_answered_prompts_and_old_interest_are_forgotten_after_the_window(
    chat: Chat, core: Core, clock: Clock
) -> None:
    buttons = await _prompted(chat, core, "Vi prøver den")
    bo = person(chat, "bo", "Bo Leder")
    await bo.act_with(next(a for a in buttons if a.id == "nudge_dismiss"))
    bo.expect("lader den ligge")
    anna = person(chat, "anna", "Anna Holm")
    await anna.send("sygefravær")
    answer = anna.expect()
    await _details(anna, answer.cards[0].title)  # interest in another solution, on its own
    store = core.services.store
    assert await core.nudges.prune() == 0  # all within the window
    clock.advance(days=31)
    waiting = Nudge(id="w", manager_id="bo", solution_id=SOLUTION, state=NudgeState.SENT,
                    created_at=clock.now - timedelta(days=40))  # fmt: skip
    await store.nudges.upsert(waiting)
    interest = await store.interests.count()
    assert interest >= 2
    assert await core.nudges.prune() == 1 + interest  # the dismissed prompt and the interest
    assert [n.id for n in await store.nudges.all()] == ["w"]  # still waiting: kept
    assert await store.interests.count() == 0


async def test_interest_from_when_being_answered_counted_is_forgotten(
    core: Core, clock: Clock
) -> None:
    await _staffed(core)
    solution = await core.services.store.solutions.get(SOLUTION)
    assert solution is not None
    store = core.services.store
    await store.interests.upsert(  # as `on_asked` wrote it: no `did`
        Interest(id=f"carl:{SOLUTION}", person_id="carl", solution_id=SOLUTION, at=clock.now)
    )
    assert await core.nudges.on_act(STAFF[1], solution, did="details") is None  # not a pair
    assert await core.nudges.prune() == 1
    assert [i.person_id for i in await store.interests.all()] == ["anna"]


async def test_we_dropped_it_on_a_follow_up_closes_the_plan(chat: Chat, core: Core) -> None:
    await _staffed(core)
    follow_up = Nudge(id="f", manager_id="bo", solution_id=SOLUTION, kind="follow-up",
                      state=NudgeState.SENT, plan={"change": "natteamet"})  # fmt: skip
    await core.services.store.nudges.upsert(follow_up)
    bo = person(chat, "bo", "Bo Leder")
    await bo.act("nudge_dismiss", {"nudge": "f"})
    bo.expect("Jeg lukker planen og spørger ikke mere til den.")
    stored = await core.services.store.nudges.get("f")
    assert stored is not None
    assert stored.state is NudgeState.DISMISSED


async def test_people_whose_manager_spred_knows_are_told_what_reaches_the_manager(
    chat: Chat, core: Core
) -> None:
    await _staffed(core)
    anna = person(chat, "anna", "Anna Holm")
    for act in ("welcome", "help"):
        await anna.act(act)
        anna.expect("Godt at vide:", "kan din leder få en kort besked om det")
    await anna.send("hjælp")
    anna.expect("Hvad du spørger om, får din leder ikke at vide, og dit navn kun, hvis du siger ja")
    for other in (
        person(chat, "bo", "Bo Leder"),
        person(chat, "eve", "Eve"),
    ):  # no manager, none known
        await other.send("hjælp")
        assert "din leder" not in other.expect("Skriv et spørgsmål").text


def test_a_long_button_label_is_cut_at_a_word() -> None:
    label = "Planlæg en tilpasning: Hjemmeplejen justerer selv hjælpen uden at vente på visitator"
    cut = shortened(label)
    assert cut == "Planlæg en tilpasning: Hjemmeplejen justerer selv hjælpen uden at vente på…"
    assert len(cut) <= 75
    assert shortened("Kort") == "Kort"
