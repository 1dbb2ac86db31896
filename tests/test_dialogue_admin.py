"""Admins by chat: add (guided and by form), edit, retire, demand; and what others get."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bot.config import Settings
from bot.core import Core
from bot.flows.draft import FIELDS
from bot.messages import Incoming
from knowledge.kb import KnowledgeBase
from knowledge.lexicon import Lexicon
from knowledge.matcher import Matcher
from knowledge.store import Store, StoreError, open_store
from tests.answers import answers
from tests.conftest import ADMIN, Clock, make_solution
from tests.dialogue import Chat

ANSWERS = answers(FIELDS)


async def _fill_in(admin: Chat, answers: list[tuple[str, str]]) -> None:
    for expected_question, answer in answers:
        admin.expect(expected_question)
        await admin.send(answer)


async def test_an_admin_adds_a_solution_by_chat_and_the_next_question_finds_it(
    admin: Chat, chat: Chat, core: Core
) -> None:
    await admin.send("tilføj")
    admin.expect("Lad os tilføje en løsning. Jeg stiller 15 korte spørgsmål")
    await _fill_in(admin, ANSWERS)
    preview = admin.expect("Skal den udgives?", "420 → 260,5 timer (2023–2024)", "Silkeborg")
    assert [a.id for a in preview.actions] == ["publish", "cancel"]
    await admin.press("Udgiv")
    admin.expect("er udgivet", "faelles-maskinpulje-til-snerydning-paa-kirkegaarde")
    stored = await core.services.store.solutions.get(
        "faelles-maskinpulje-til-snerydning-paa-kirkegaarde"
    )
    assert stored is not None
    assert stored.results[0].after == 260.5
    assert stored.status == "proven"
    assert stored.tags == ("snerydning", "kirkegård", "vinter")
    await chat.send("hvordan rydder vi sne på kirkegården")
    chat.expect("Fælles maskinpulje til snerydning")


async def test_each_answer_is_checked_on_the_spot_and_asked_again(admin: Chat) -> None:
    await admin.send("add")
    admin.expect("Lad os tilføje")
    admin.expect("Titel")
    await admin.send("   ")
    admin.expect("skal udfyldes")
    admin.expect("Titel")
    await admin.send("x" * 201)
    admin.expect("Det er 201 tegn. Der er plads til højst 200.")
    admin.expect("Titel")
    await admin.send("Titel med \x1b[31m kontroltegn")
    admin.expect("Teksten indeholder tegn, jeg ikke kan gemme")
    admin.expect("Titel")
    await admin.send("En god titel")
    await _fill_in(admin, ANSWERS[1:6])
    admin.expect("Tallet før", "men mindst ét af tallene før og efter skal med")
    await admin.send("mange")
    admin.expect("Skriv et tal")
    admin.expect("Tallet før")
    await admin.send("1e400")
    admin.expect("Det tal er for stort")
    admin.expect("Tallet før")
    await admin.send("-")
    admin.expect("Tallet efter", "(skal udfyldes, da der ikke er et tal før)")
    await admin.send("-")
    admin.expect("Der skal være mindst ét tal – før eller efter.")  # results spread solutions
    await admin.send("1.250")
    reply = admin.expect("Tallet efter")
    assert "skal udfyldes" not in reply.text  # there is a figure before now
    await admin.send("900")
    await _fill_in(admin, ANSWERS[8:11])
    admin.expect("e-mail")
    await admin.send("jens at silkeborg")
    admin.expect("Skriv en e-mailadresse")
    admin.expect("e-mail")
    await admin.send("jens@silkeborg.eksempel.dk")
    await _fill_in(admin, ANSWERS[12:13])
    admin.expect("Status")
    await admin.send("meget brugt")
    admin.expect("Skriv pilot, afprøvet eller udbredt.")
    admin.expect("Status")
    await admin.send("afprovet")  # a keyboard without ø
    await _fill_in(admin, [("Emneord", ", ".join(f"ord{i}" for i in range(31)))])
    admin.expect("Der er plads til højst 30. Du skrev 31.")
    await _fill_in(admin, ANSWERS[14:])
    admin.expect("1.250 → 900 timer", "afprøvet")
    await admin.send("annullér")
    admin.expect("Annulleret. Intet er gemt.")
    await admin.press("Udgiv")  # the stale button of a cancelled draft
    admin.expect("ingen kladde at udgive")


async def test_only_admins_may_maintain_and_a_forged_payload_does_not_make_one(
    chat: Chat, core: Core
) -> None:
    for text in ("tilføj", "efterspørgsel", "fjern hurtig-opstart-i-hjemmeplejen"):
        await chat.send(text)
        refusal = chat.expect("Det er kun Spreds administratorer, der kan det.")
        assert "SPRED_ADMINS" not in refusal.text  # a setting means nothing to a nurse
        assert "den, der står for Spred hos jer" in refusal.text
    await chat.act("add_form", {"user": ADMIN, "admin": True})
    chat.expect("Det er kun Spreds administratorer")
    await chat.act("add_solution", {"values": {"title": "x"}, "user": ADMIN})
    chat.expect("Det er kun Spreds administratorer")
    named_admin = chat.as_user(user_name="admin", user_id="impostor")
    await named_admin.send("tilføj")
    named_admin.expect("Det er kun Spreds administratorer")
    retired = await core.services.store.solutions.get("hurtig-opstart-i-hjemmeplejen")
    assert retired is not None
    assert not retired.retired


async def test_a_question_that_starts_like_a_command_is_still_a_question(chat: Chat) -> None:
    await chat.send("fjern ventetiden i hjemmeplejen")
    chat.expect("på “fjern ventetiden i hjemmeplejen”")
    for question in ("fjern e-mail spam fra borgere", "ret covid-19 test i hjemmeplejen"):
        await chat.send(question)  # a hyphenated word naming no solution: still a question
        reply = chat.expect()
        assert "Det er kun Spreds administratorer" not in reply.text


async def test_edit_one_field_and_retire(admin: Chat, chat: Chat, core: Core) -> None:
    await admin.send("ret hurtig-opstart-i-hjemmeplejen titel")
    admin.expect("Nuværende titel: Opstartsteam sikrer hjemmehjælp")
    await admin.send("Opstartsteam giver hjemmehjælp inden for et døgn")
    admin.expect("er opdateret (titel)")
    stored = await core.services.store.solutions.get("hurtig-opstart-i-hjemmeplejen")
    assert stored is not None
    assert stored.title == "Opstartsteam giver hjemmehjælp inden for et døgn"
    await admin.send("ret hurtig-opstart-i-hjemmeplejen farve")
    admin.expect(
        "Skriv: ret <id> <felt>. Felterne hedder: titel, resumé, problem, organisation, enhed, "
        "mål, før, efter, måleenhed, periode, kontaktperson, e-mail, rolle, status, emneord"
    )
    await admin.send("ret hurtig-opstart-i-hjemmeplejen måleenhed")  # each name it lists works
    admin.expect("Nuværende måleenhed: dage")
    await admin.send("annullér")
    admin.expect("Annulleret")
    await core.services.kb.publish([make_solution(results=[{"metric": "Ventetid", "before": 4.8}])])
    await admin.send("ret kortere-ventetid før")  # its one figure cannot go
    admin.expect("Nuværende før: 4,8")
    await admin.send("-")
    refusal = admin.expect("Løsningen mangler noget", "• Skriv mindst ét tal – før eller efter.")
    assert "solution." not in refusal.text
    await admin.send("annullér")
    admin.expect("Annulleret")
    await admin.send("ret findes-ikke titel")
    admin.expect("ingen løsning med id “findes-ikke”")
    await admin.send("fjern hurtig-opstart-i-hjemmeplejen")
    admin.expect("er trukket tilbage")
    await chat.send("hvordan får vi ventetiden ned i hjemmeplejen?")  # it answered this
    answer = chat.expect()
    shown = [c.solution_id for c in answer.cards]
    assert shown  # other solutions still answer it…
    assert "hurtig-opstart-i-hjemmeplejen" not in shown  # …the retired one never does
    kept = await core.services.store.solutions.get("hurtig-opstart-i-hjemmeplejen")
    assert kept is not None
    assert kept.retired


async def test_admins_see_open_demand_most_asked_first(admin: Chat, chat: Chat) -> None:
    for user, question in (
        ("a", "snerydning på kirkegården"),
        ("b", "Snerydning på kirkegården?"),
        ("c", "hundeluftning i byens parker"),
    ):
        asker = chat.as_user(user_id=user)
        await asker.send(question)
        asker.expect("Jeg kender endnu ingen")
    await admin.send("efterspørgsel")
    listing = admin.expect("Spørgsmål uden en god løsning, de hyppigste først:")
    lines = listing.text.splitlines()
    assert lines[1].startswith("• 2× ")
    assert "snerydning" in lines[1].lower()
    assert lines[2].startswith("• 1× ")


async def test_the_add_form_shows_errors_on_its_fields_then_previews(admin: Chat) -> None:
    await admin.act("add_form")
    form = admin.expect().form
    assert form is not None
    assert [f.name for f in form.fields][:2] == ["title", "summary"]
    values = {"title": "Maskinpulje", "summary": "", "before": "mange", "email": "nej"}
    await admin.act("add_solution", {"values": values})
    again = admin.expect().form
    assert again is not None
    errors = {f.name: f.error for f in again.fields if f.error}
    assert set(errors) == {"summary", "organization", "metric", "before", "contact", "email"}
    assert "Skriv et tal" in errors["before"]
    assert next(f.value for f in again.fields if f.name == "title") == "Maskinpulje"
    figures = {"title": "Maskinpulje", "before": "", "after": ""}  # each optional, not both
    await admin.act("add_solution", {"values": figures})
    both = admin.expect().form
    assert both is not None
    assert {f.name: f.error for f in both.fields}[
        "before"
    ] == "Skriv mindst ét tal – før eller efter."
    hints = {f.name: f.hint for f in both.fields if f.hint}
    assert hints == dict.fromkeys(
        ("before", "after"), "Mindst ét af tallene før og efter skal med."
    )
    values = {name: answer for name, (_, answer) in zip(_names(), ANSWERS, strict=True)}
    await admin.act("add_solution", {"values": values})
    admin.expect("Skal den udgives?")
    await admin.send("Udgiv!")  # typed, with punctuation, as on a phone
    admin.expect("er udgivet")


def _names() -> list[str]:
    return [f.name for f in FIELDS]


async def test_a_dialogue_silent_for_30_minutes_expires_with_a_message(
    admin: Chat, clock: Clock
) -> None:
    await admin.send("tilføj")
    admin.expect("Lad os tilføje")
    admin.expect("Titel")
    await admin.send("En titel")
    admin.expect("resumé")
    clock.advance(minutes=31)
    await admin.send("ventetid hjemmepleje opstart")
    admin.expect(
        "Du var ved at tilføje en løsning, men der er ikke sket noget i 30 minutter",
        "Skriv “tilføj” for at begynde forfra.",
    )
    admin.expect("på “ventetid hjemmepleje opstart”:")  # the message is taken as what it is now


async def test_a_restart_in_the_middle_of_adding_loses_nothing(
    tmp_path: Path, lexicon: Lexicon, clock: Clock
) -> None:
    settings = Settings(data_dir=tmp_path / "data", admins=frozenset({ADMIN}))

    async def started() -> tuple[Core, Store]:
        store = await open_store(settings.data_dir)
        kb = await KnowledgeBase.load(store, matcher=Matcher(lexicon=lexicon))
        core = Core(kb=kb, settings=settings, clock=clock)
        return core, store

    me = Incoming(platform="console", user_id="admin", user_name="Bo", conversation="t")
    core, store = await started()
    first = Chat(core=core, message=me)
    await first.send("tilføj")
    first.expect("Lad os")
    first.expect("Titel")
    await _fill_in_first(first, ANSWERS[:4])
    await store.close()

    core, store = await started()
    second = Chat(core=core, message=me)
    clock.advance(minutes=5)
    await second.send(ANSWERS[4][1])
    second.expect(ANSWERS[5][0])
    await store.close()


async def _fill_in_first(chat: Chat, answers: list[tuple[str, str]]) -> None:
    for i, (_, answer) in enumerate(answers):
        await chat.send(answer)
        if i + 1 < len(answers):
            chat.expect(answers[i + 1][0])
        else:
            chat.expect()


async def test_rights_withdrawn_mid_dialogue_end_it(admin: Chat, core: Core) -> None:
    await admin.send("tilføj")
    admin.expect("Lad os")
    admin.expect("Titel")
    core.services.settings = replace(core.services.settings, admins=frozenset())
    await admin.send("En titel")
    admin.expect("Det er kun Spreds administratorer")
    await admin.send("ventetid hjemmepleje opstart")
    admin.expect("på “ventetid hjemmepleje opstart”:")


async def test_a_store_failure_on_publish_keeps_the_draft_for_another_try(
    admin: Chat, core: Core, monkeypatch: pytest.MonkeyPatch
) -> None:
    await admin.send("tilføj")
    admin.expect("Lad os")
    await _fill_in(admin, ANSWERS)
    admin.expect("Skal den udgives?")
    kb = core.services.kb
    working = kb.publish

    async def full_disk(solutions: object, **_: object) -> None:
        raise StoreError("cannot write solutions.json: No space left on device")

    monkeypatch.setattr(kb, "publish", full_disk)
    await admin.press("Udgiv")
    admin.expect(
        "Løsningen kunne ikke gemmes, så intet er udgivet.",
        "(Teknisk årsag: cannot write solutions.json: No space left on device)",
    )
    monkeypatch.setattr(kb, "publish", working)
    await admin.press("Udgiv")
    admin.expect("er udgivet")
