"""Asking: answers with their evidence, more, details, near ties, unmet demand, bad input."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.core import Core
from bot.demand import answer_demand
from bot.flows.ask import DEEPEST, NEAR_TIE, PAGE
from bot.messages import Reply
from knowledge.records import DemandStatus
from tests.conftest import Clock
from tests.dialogue import Chat, Inbox


async def test_a_question_gets_cards_with_result_origin_contact_and_why(chat: Chat) -> None:
    await chat.send("hvordan får vi ventetiden ned i hjemmeplejen?")
    answer = chat.expect("Løsninger på “hvordan får vi", "Opstartsteam sikrer hjemmehjælp")
    card = next(c for c in answer.cards if c.solution_id == "hurtig-opstart-i-hjemmeplejen")
    assert card.result == "Ventetid fra henvendelse til første besøg: 4,8 → 0,9 dage (2022–2023)"
    assert card.origin.startswith("Aarhus Kommune")
    assert card.contact.startswith("Mette Kjærgaard")
    assert "hjemmeplejen" in card.why
    assert [a.label for a in card.actions] == ["Kontakt Mette Kjærgaard", "Mere om løsningen"]
    # Two cards, both about elder care: the answer offers following it (issue 17)
    assert [a.label for a in answer.actions] == ["Hjalp ikke", "Følg ældrepleje"]
    assert len(answer.cards) == 2


async def test_english_is_answered_in_english_after_switching(chat: Chat) -> None:
    await chat.send("english")
    chat.expect("I will write to you in English")
    await chat.send("how do we cut sick leave among care workers")
    answer = chat.expect("for “how do we cut sick leave among care workers”:", "More about this")
    assert "sygefravaer" in answer.cards[0].solution_id
    assert "." in answer.cards[0].result
    assert "→" in answer.cards[0].result
    await chat.send("dansk")
    chat.expect("Jeg skriver dansk til dig")


async def test_more_shows_the_next_answers_and_then_says_there_are_no_more(chat: Chat) -> None:
    await chat.send("ventetid")
    first = chat.expect("Løsninger på “ventetid”")
    shown = {c.solution_id for c in first.cards}
    await chat.press("Vis flere")
    second = chat.expect("Flere løsninger")
    assert shown.isdisjoint(c.solution_id for c in second.cards)
    for _ in range(3):
        await chat.send("mere")
        reply = chat.expect()
        if "ikke flere løsninger" in reply.text:
            break
    else:
        raise AssertionError("'mere' never ran out")


async def test_typing_more_never_shows_an_answer_twice_and_runs_out(chat: Chat) -> None:
    await chat.send("skole elever unge familie børn")  # more matches than "more" goes through
    seen = [c.solution_id for c in chat.expect("Løsninger på").cards]
    for _ in range(DEEPEST // PAGE + 1):
        await chat.send("mere")
        reply = chat.expect()
        if "ikke flere løsninger" in reply.text:
            break
        seen += [c.solution_id for c in reply.cards]
    else:
        raise AssertionError("'mere' never ran out")
    assert len(seen) == len(set(seen)) == DEEPEST


async def test_more_without_a_question_says_what_to_do(chat: Chat) -> None:
    await chat.send("mere")
    chat.expect("Stil et spørgsmål først")


async def test_details_show_every_result_the_contacts_and_the_id(chat: Chat) -> None:
    await chat.send("ventetid hjemmepleje opstart")
    chat.expect("Opstartsteam")
    await chat.press("Mere om løsningen")
    details = chat.expect("Resultater:", "Kontaktperson:", "Løsningens id: ")
    assert details.cards[0].details


async def test_a_question_nothing_answers_becomes_demand_and_the_asker_can_follow_it(
    chat: Chat, core: Core
) -> None:
    await chat.send("hvordan organiserer vi snerydning på kirkegårdene")
    chat.expect("Jeg kender endnu ingen løsning", "gemt dit spørgsmål")
    [demand] = await core.services.store.demand.all()
    assert demand.question.startswith("hvordan organiserer")
    assert demand.asker == "console:anna"
    assert demand.status is DemandStatus.OPEN
    assert not demand.notify
    await chat.press("Giv mig besked")
    chat.expect("Det gør jeg")
    assert (await core.services.store.demand.get(demand.id)).notify  # type: ignore[union-attr]


async def test_nobody_can_follow_someone_elses_demand(chat: Chat, core: Core) -> None:
    await chat.send("snerydning på kirkegårdene")
    reply = chat.expect("Jeg kender endnu ingen")
    other = chat.as_user(user_id="mallory")
    await other.act_with(reply.actions[0])
    other.expect("Den knap virker ikke længere")
    [demand] = await core.services.store.demand.all()
    assert not demand.notify


async def test_empty_emoji_only_and_punctuation_questions_are_explained_not_recorded(
    chat: Chat, core: Core
) -> None:
    for text, expected in (("", "Skriv dit spørgsmål"), ("   \n\t", "Skriv dit spørgsmål")):
        await chat.send(text)
        chat.expect(expected)
    for text in ("😀🙏", "?!... ---", "🇩🇰"):
        await chat.send(text)
        chat.expect("nogen ord at søge efter")
    assert await core.services.store.demand.count() == 0


async def test_a_ten_thousand_character_question_is_answered_and_quoted_short(
    chat: Chat, core: Core
) -> None:
    question = "ventetid i hjemmeplejen " + "bla " * 2500
    await chat.send(question)
    reply = chat.expect()
    assert len(reply.text) < 300
    for demand in await core.services.store.demand.all():
        assert len(demand.question) <= 1000


async def test_markup_in_a_question_is_kept_as_plain_text_for_the_adapters_to_escape(
    chat: Chat, core: Core
) -> None:
    await chat.send("dansk")  # chosen: the English words of the markup change nothing
    chat.expect()
    await chat.send("<!channel> @here <script>alert(1)</script> snerydning kirkegård")
    reply = chat.expect("Jeg kender endnu ingen")
    assert "<!channel> @here <script>" in reply.text  # verbatim: escaping is per platform
    await chat.send("<!channel>")
    chat.expect("Jeg kender endnu ingen")


def _tie(replies: list[Reply]) -> Reply | None:
    return next((r for r in replies if r.choice is not None), None)


async def test_a_near_tie_is_asked_back_and_the_choice_is_learned_for_everyone(
    chat: Chat, core: Core
) -> None:
    question = await _a_near_tie(core)
    await chat.send(question)
    asked = chat.expect("eller ingen af dem")
    assert asked.choice is not None
    _first, second, none = asked.choice.options
    assert none.id == "pick_none"
    await chat.act_with(second)
    chosen = chat.expect("det husker jeg")
    assert chosen.cards[0].solution_id == second.payload["solution"]
    other = chat.as_user(user_id="bo", user_name="Bo")
    await other.send(question)
    answer = other.expect("Løsninger på")
    assert answer.cards[0].solution_id == second.payload["solution"]
    # …and through another server on the same store (or after a restart)
    again = Core(kb=core.services.kb, settings=core.services.settings, clock=core.services.clock)
    third = Chat(core=again, message=replace(other.message, user_id="cy", user_name="Cy"))
    await third.send(question)
    answer = third.expect("Løsninger på")
    assert answer.cards[0].solution_id == second.payload["solution"]


async def test_neither_of_a_near_tie_records_demand(chat: Chat, core: Core) -> None:
    question = await _a_near_tie(core)
    await chat.send(question)
    chat.expect("eller ingen af dem")
    await chat.press("Ingen af dem")
    chat.expect("Jeg kender endnu ingen løsning")
    [demand] = await core.services.store.demand.all()
    assert demand.question == question


async def test_answers_the_asker_rejected_never_close_their_demand(chat: Chat, core: Core) -> None:
    await chat.send("sygefravær")
    shown = {c.solution_id for c in chat.expect("på “sygefravær”:").cards}
    await chat.press("Hjalp ikke")
    chat.expect("mangler en god løsning")
    await chat.press("Giv mig besked")
    chat.expect("Det gør jeg")
    question = await _a_near_tie(core)
    await chat.send(question)
    tied = chat.expect("eller ingen af dem")
    await chat.press("Ingen af dem")
    chat.expect("Jeg kender endnu ingen løsning")
    demands = {d.question: d for d in await core.services.store.demand.all()}
    assert set(demands["sygefravær"].rejected) == shown
    assert set(demands[question].rejected) == {
        a.payload["solution"] for a in tied.all_actions() if a.id == "pick"
    }
    inbox = Inbox(core, "console")
    await answer_demand(kb=core.services.kb, outbox=core.outbox)
    for demand in await core.services.store.demand.all():  # answered by another, or open
        assert demand.answered_by not in demand.rejected
    rejected_titles = [(await core.services.store.solutions.get(i)).title for i in shown]
    for letter in inbox.take(to=chat.message.user):
        assert not any(title in letter for title in rejected_titles)


async def test_a_tampered_list_of_shown_answers_is_refused(chat: Chat) -> None:
    await chat.send("sygefravær")
    answer = chat.expect("på “sygefravær”:")
    unhelpful = next(a for a in answer.actions if a.payload.get("helpful") is False)
    for shown in ("x", ["../etc"], ["a"] * 9, [1]):
        await chat.act_with(replace(unhelpful, payload={**unhelpful.payload, "shown": shown}))
        chat.expect("Den knap virker ikke længere")


async def _a_near_tie(core: Core) -> str:
    """A question on which the demo knowledge base's two best answers score within NEAR_TIE."""
    for question in (
        "hjemmepleje",
        "ventetid",
        "sygefravær",
        "ensomhed",
        "skolefravær",
        "ældre",
        "borgere",
        "unge",
        "fald",
        "genoptræning",
    ):
        s = [m.score for m in core.services.kb.ask(question, top=3)] + [0.0]
        if len(s) > 2 and s[0] - s[1] < NEAR_TIE and s[1] - s[2] >= NEAR_TIE:
            return question
    raise AssertionError("no near tie among the candidate questions")


async def test_feedback_is_stored_and_admins_see_it(chat: Chat, admin: Chat, core: Core) -> None:
    await chat.send("ventetid hjemmepleje opstart")
    answer = chat.expect("Opstartsteam")
    assert "feedback" not in [a.id for a in answer.actions[1:]]  # nobody is asked for praise
    assert answer.actions[0].label == "Hjalp ikke"
    # …but a "this helped" button on a message from before still counts
    helped = {"q": "ventetid hjemmepleje opstart", "solution": answer.cards[0].solution_id}
    await chat.act("feedback", helped | {"helpful": True})
    chat.expect("Tak! Det hjælper")
    await chat.send("sygefravær")
    chat.expect()
    await chat.press("Hjalp ikke")
    chat.expect("Jeg har gemt “sygefravær” som et spørgsmål, der mangler", "Giv mig besked")
    [*items] = await core.services.store.feedback.all()
    assert sorted(f.helpful for f in items) == [False, True]
    [unmet] = await core.services.store.demand.all()  # shown, but not what was needed
    assert unmet.question == "sygefravær"
    await admin.send("feedback")
    admin.expect("1 hjalp, 1 hjalp ikke", "ventetid hjemmepleje opstart")
    await chat.send("feedback")
    chat.expect("Det er kun Spreds administratorer")


async def test_a_conversation_is_kept_per_platform_conversation_and_user(
    chat: Chat, clock: Clock
) -> None:
    await chat.send("english")
    chat.expect("English")
    elsewhere = chat.as_user(conversation="channel-1")
    await elsewhere.send("hjælp")
    elsewhere.expect("Skriv et spørgsmål")  # still Danish in another conversation
    elsewhere.expect_nothing()


async def test_spred_language_en_makes_english_the_default(chat: Chat, core: Core) -> None:
    core.services.settings = replace(core.services.settings, language="en")
    await chat.send("help")
    chat.expect("Ask a question in your own words")
    await chat.send("dansk")
    chat.expect("Jeg skriver dansk til dig")
    await chat.send("hjælp")
    chat.expect("Skriv et spørgsmål med dine egne ord")


async def test_each_show_more_button_continues_from_its_own_page(chat: Chat) -> None:
    await chat.send("skole elever")  # eight answers on the demo base: three pages
    first = chat.expect("Løsninger på")
    await chat.act_with(next(a for a in first.actions if a.id == "more"))
    second = chat.expect("Flere løsninger")
    await chat.act_with(next(a for a in second.actions if a.id == "more"))
    third = chat.expect("Flere løsninger")
    assert third.cards
    assert {c.solution_id for c in third.cards}.isdisjoint(
        c.solution_id for c in (*first.cards, *second.cards)
    )
    await chat.act("more", {"q": "ventetid", "offset": 10_000})
    chat.expect("Den knap virker ikke længere")


async def test_answers_that_miss_the_point_of_a_question_say_so(chat: Chat) -> None:
    await chat.send("ventetid i hjemmeplejen på ladestandere")
    answer = chat.expect("men ingen af dem nævner “ladestandere”:")
    assert answer.cards  # the nearest are still shown, and "did not help" records demand
    await chat.press("Hjalp ikke")
    chat.expect("mangler en god løsning")


async def test_a_question_only_near_misses_answer_is_demand_weighted_lower(
    chat: Chat, core: Core
) -> None:
    from bot.demand import NEAR_MISS, UNANSWERED, answer_demand, most_asked

    near = "ventetid i hjemmeplejen på ladestandere"
    for user in ("a", "b"):
        asker = chat.as_user(user_id=user)
        for _ in range(2):  # asking again counts the person once
            await asker.send(near)
            asker.expect("ingen af dem nævner “ladestandere”:")
    await chat.send("snerydning på kirkegårdene")
    chat.expect("Jeg kender endnu ingen løsning")
    await chat.send("snerydning på kirkegårdene")
    chat.expect("Jeg kender endnu ingen løsning")
    board = most_asked(await core.services.store.demand.all())
    assert [(a.question, a.count, a.weight, a.near_miss) for a in board] == [
        ("snerydning på kirkegårdene", 2, 2 * UNANSWERED, False),
        (near, 2, 2 * NEAR_MISS, True),
    ]
    # The answers already shown never close it; only one that names what was asked would.
    assert await answer_demand(kb=core.services.kb, outbox=core.outbox) == 0
    # Saying they did not help makes it demand like any other, once.
    asker = chat.as_user(user_id="a")
    await asker.send(near)
    asker.expect("ladestandere")
    await asker.press("Hjalp ikke")
    asker.expect("mangler en god løsning")
    board = most_asked(await core.services.store.demand.all())
    assert [(a.count, a.weight, a.near_miss) for a in board if a.question == near] == [
        (2, UNANSWERED + NEAR_MISS, False)
    ]


async def test_a_near_tie_on_a_near_miss_says_so_too(chat: Chat) -> None:
    await chat.send("ventetid hjemmepleje droner")
    chat.expect("Ingen af dem nævner “droner”. Mente du")
    await chat.press("Ingen af dem")
    chat.expect("kan se, at der mangler en løsning")


async def test_answers_that_cover_the_question_carry_no_such_note(chat: Chat) -> None:
    await chat.send("hvordan får vi ventetiden ned i hjemmeplejen?")
    answer = chat.expect("Løsninger på")
    assert "nævner" not in answer.text


async def test_the_note_names_at_most_three_words_in_english_too(chat: Chat) -> None:
    await chat.send("english")
    chat.expect("English")
    await chat.send(
        "hjemmeplejen ventetid opstart visitation ladestandere elbiler vejrdata xylofoner"
    )
    chat.expect("mention “ladestandere”, “elbiler” or “vejrdata”:")


async def test_a_failure_inside_spred_is_said_plainly_and_the_next_question_works(
    chat: Chat, core: Core, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(question: str, **_: object) -> list[object]:
        raise OSError("disk gone")

    with monkeypatch.context() as patch:
        patch.setattr(core.services.kb, "search", broken)
        await chat.send("ventetid hjemmepleje")
        chat.expect("Beklager, noget gik galt hos mig")
    assert "disk gone" in caplog.text  # for whoever runs Spred, with the traceback
    await chat.send("ventetid hjemmepleje")
    chat.expect("Hjemmeplejen justerer selv hjælpen")


MOST_BUTTONS = 8  # on an answer with three cards: the README says so


def card_domain(core: Core, solution_id: str) -> str:
    return next(s for s in core.services.kb.matcher.published() if s.id == solution_id).domains[0]


async def test_an_answer_carries_few_buttons_and_the_rest_is_one_step_away(
    chat: Chat, core: Core
) -> None:
    await chat.send("skole elever fravær")  # three cards, and more behind them
    answer = chat.expect("Løsninger på", "Vis flere")
    assert len(answer.cards) == 3
    assert len(answer.all_actions()) <= MOST_BUTTONS
    for card in answer.cards:
        assert [a.id for a in card.actions] == ["contact", "details"]
    assert [a.id for a in answer.actions] == ["more", "feedback"]
    first = answer.cards[0]
    await chat.press_on(first.title, "Mere om løsningen")
    details = chat.expect(first.title)
    [card] = details.cards
    labels = [a.label for a in card.actions]
    assert labels[1:4] == ["Vi prøver den", "Vi bruger den nu", "Hvem bruger den?"]
    assert labels[4:] == [f"Følg {card_domain(core, first.solution_id)}"]  # issue 17
    assert labels[0].startswith("Kontakt ")  # and no "more about it" on what is that already
    assert await core.services.store.adoptions.count() == 0  # reading on records no use


async def test_a_number_alone_is_not_searched_and_presses_nothing(chat: Chat, core: Core) -> None:
    await chat.send("ventetid hjemmepleje opstart")
    chat.expect("Opstartsteam")
    for typed in ("7", "2", " [1] ", "3."):  # a button's place, as a phone user might guess
        await chat.send(typed)
        said = f"Der er ikke noget at trykke på med tallet {typed.strip(' [].')}"
        chat.expect(said, "Skriv dit spørgsmål med ord")
    assert await core.services.store.introductions.count() == 0  # nothing was pressed
    assert await core.services.store.demand.count() == 0  # nor searched
    await chat.send("mere")  # the question before the numbers is still the one to go on with
    chat.expect("løsninger, der passer til “ventetid hjemmepleje opstart”")
    await chat.send("english")
    chat.expect("English")
    await chat.send("7")
    chat.expect("There is nothing to press with the number 7", "Type your question in words")
    await chat.send("2024 budget")  # a number in a question is part of the question
    reply = chat.expect()
    assert "nothing to press" not in reply.text


async def test_an_english_question_is_answered_in_english_unless_a_language_was_chosen(
    chat: Chat,
) -> None:
    await chat.send("how do we cut sick leave among home care staff?")
    answer = chat.expect("Solutions for")
    first = answer.cards[0].actions
    assert [a.label.split()[0] for a in first] == ["Contact", "More"]
    await chat.press("More about")  # a button keeps the language of the question
    chat.expect("Contact people")
    await chat.send("hvordan får vi ventetiden ned i hjemmeplejen?")
    chat.expect("Løsninger på")
    await chat.send("hjælp")  # a command tells nothing: the last question's language stays
    chat.expect("Skriv et spørgsmål")
    await chat.send("dansk")
    chat.expect()
    await chat.send("how do we cut sick leave among home care staff?")
    chat.expect("Løsninger på")  # chosen wins
