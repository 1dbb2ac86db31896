"""Local results: a unit that adopted a solution gives its own before and after (the
solution's metric, in its place), kept with its adoption and shown under the solution, with
how many places the result held in. Every test runs on each store backend."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.cards import card, local_result_lines
from bot.core import Core
from bot.messages import Reply, reply_from_dict, reply_to_dict
from knowledge.evidence import evidence_of, held
from knowledge.kb import KnowledgeBase
from knowledge.records import Adoption, Nudge, NudgeState, Person, Stage
from knowledge.solutions import Result, Solution, parse_solution
from tests.conftest import Clock, solution_dict
from tests.dialogue import Chat

QUESTION = "ventetid hjemmepleje opstart"
SOLUTION = "hurtig-opstart-i-hjemmeplejen"  # 4,8 → 0,9 dage, from Aarhus Kommune
TITLE = "Opstartsteam"


async def _we_use_it(who: Chat) -> None:
    """`who` asks, opens the solution's details and reports that the unit uses it."""
    await who.send(QUESTION)
    who.expect(TITLE)
    await who.press_on(TITLE, "Mere om løsningen")
    who.expect("Vi bruger den nu")
    await who.press("Vi bruger den nu")
    who.expect("bruger nu")


async def test_we_use_it_asks_for_figures_and_they_show_under_the_solution(
    chat: Chat, core: Core
) -> None:
    await _we_use_it(chat)
    chat.expect("Målte I noget?", "Ventetid fra henvendelse til første besøg", "Nej, ikke målt")
    await chat.press("Ja, vi har målt")
    chat.expect("1/3", "i dage")
    await chat.send("fjorten")
    chat.expect("Skriv tallet", "1/3")
    await chat.send("-")  # a figure cannot be skipped: a local result is a before and after
    chat.expect("Skriv tallet", "1/3")
    await chat.send("14")
    chat.expect("2/3")
    await chat.send("4,5")  # a Danish decimal comma
    chat.expect("3/3")
    await chat.send("2026")
    saved = chat.expect("I Odense Kommune, Hjemmeplejen Vest: 14 → 4,5 dage, 2026")
    assert "resultatet er nu gentaget 1 sted." in saved.text
    [adoption] = await core.services.store.adoptions.find(solution_id=SOLUTION)
    assert adoption.stage is Stage.ADOPTED
    assert adoption.local_result is not None
    assert (adoption.local_result["before"], adoption.local_result["after"]) == (14, 4.5)
    assert adoption.local_result["metric"] == "Ventetid fra henvendelse til første besøg"

    eve = chat.as_user(user_id="eve", organization="Vejle Kommune", unit="")
    await eve.send(QUESTION)
    answer = eve.expect(TITLE)
    card = next(c for c in answer.cards if c.solution_id == SOLUTION)
    assert card.local_results == (
        "Resultatet er gentaget ét sted mere",
        "I Odense Kommune, Hjemmeplejen Vest: 14 → 4,5 dage, 2026",
    )
    # English readers see English words and a decimal point (the unit is the solution's)
    await eve.send("english")
    eve.expect()
    await eve.act("details", {"solution": SOLUTION})
    details = eve.expect("In Odense Kommune, Hjemmeplejen Vest: 14 → 4.5 dage, 2026")
    assert reply_from_dict(reply_to_dict(details)).cards == details.cards


async def test_not_measured_keeps_nothing_and_we_use_it_again_asks_again(
    chat: Chat, core: Core
) -> None:
    await _we_use_it(chat)
    chat.expect("Målte I noget?")
    await chat.press("Nej, ikke målt")
    chat.expect("Helt i orden")
    [adoption] = await core.services.store.adoptions.find(solution_id=SOLUTION)
    assert adoption.local_result is None
    await chat.press_on(TITLE, "Mere om løsningen")
    chat.expect("Vi bruger den nu")
    await chat.press("Vi bruger den nu")
    chat.expect("Du har allerede meldt")
    chat.expect("Målte I noget?")
    await chat.press("Ja, vi har målt")
    chat.expect("1/3")
    await chat.press("Nej, ikke målt")  # during the questions: they end
    chat.expect("Helt i orden")
    await chat.send("14")  # no longer an answer
    chat.expect("ingen knap har det nummer")
    [adoption] = await core.services.store.adoptions.find(solution_id=SOLUTION)
    assert adoption.local_result is None


async def test_stale_forged_and_others_buttons_are_refused_plainly(chat: Chat, core: Core) -> None:
    await _we_use_it(chat)
    offer = chat.expect("Målte I noget?")
    measure = next(a for a in offer.actions if a.id == "measure")
    for payload in ({}, {"adoption": ["x"]}, {"adoption": "nope"}, {"adoption": "x" * 10_000}):
        await chat.act("measure", payload)
        chat.expect("Den knap virker ikke længere")
    # someone of another organisation, even with the button itself
    eve = chat.as_user(user_id="eve", organization="Vejle Kommune", unit="Hjemmeplejen Vest")
    await eve.act_with(measure)
    eve.expect("hører til en anden enheds melding")
    await eve.act("measure_skip", dict(measure.payload))
    eve.expect("hører til en anden enheds melding")
    # a colleague of the same unit may give its figures
    carl = chat.as_user(user_id="carl", user_name="Carl Berg")
    await carl.act_with(measure)
    carl.expect("1/3")
    await carl.send("annuller")
    carl.expect("Annulleret")
    [adoption] = await core.services.store.adoptions.find(solution_id=SOLUTION)
    assert adoption.local_result is None


async def test_huge_and_hostile_answers_are_refused_and_earlier_answers_kept(
    chat: Chat, core: Core
) -> None:
    await _we_use_it(chat)
    chat.expect("Målte I noget?")
    await chat.press("Ja, vi har målt")
    chat.expect("1/3")
    await chat.send("9" * 5000)
    chat.expect("for stort", "1/3")
    await chat.send("12.5")
    chat.expect("2/3")
    await chat.send("1e400")
    chat.expect("for stort", "2/3")
    await chat.send("3")
    chat.expect("3/3")
    await chat.send("2026 " * 100)
    chat.expect("højst 100", "3/3")
    await chat.send("2026\x1b[31m")
    chat.expect("3/3")
    await chat.send("-")  # the period may be left out
    chat.expect("I Odense Kommune, Hjemmeplejen Vest: 12,5 → 3 dage")
    [adoption] = await core.services.store.adoptions.find(solution_id=SOLUTION)
    assert adoption.local_result is not None
    assert (adoption.local_result["before"], adoption.local_result["period"]) == (12.5, "")


async def test_answers_typed_so_far_survive_a_restart(chat: Chat, core: Core, clock: Clock) -> None:
    await _we_use_it(chat)
    chat.expect("Målte I noget?")
    await chat.press("Ja, vi har målt")
    chat.expect("1/3")
    await chat.send("14")
    chat.expect("2/3")
    # another process (or this one restarted) on the same store takes the next turn
    store = core.services.store
    kb = await KnowledgeBase.load(store, matcher=core.services.kb.matcher)
    again = Core(kb=kb, settings=core.services.settings, clock=clock)
    later = Chat(core=again, message=chat.message)
    await later.send("5")
    later.expect("3/3")
    await later.send("2026")
    later.expect("14 → 5 dage, 2026")
    [adoption] = await store.adoptions.find(solution_id=SOLUTION)
    assert adoption.local_result is not None
    assert adoption.local_result["after"] == 5


async def test_a_managers_report_back_asks_for_the_units_figures(chat: Chat, core: Core) -> None:
    store = core.services.store
    await store.people.upsert_many(
        [
            Person(id="bo", name="Bo Leder", organization="Odense Kommune",
                   unit="Hjemmeplejen Vest", role="Leder"),
            Person(id="dora", name="Dora Dahl", organization="Odense Kommune",
                   unit="Sygeplejen", manager_id="bo"),
        ]
    )  # fmt: skip
    await store.adoptions.upsert(
        Adoption(id=f"{SOLUTION}:console:anna", solution_id=SOLUTION, user="console:anna",
                 organization="Odense Kommune", unit="Hjemmeplejen Vest", stage=Stage.PILOTING)
    )  # fmt: skip
    follow_up = Nudge(id="n1", manager_id="bo", solution_id=SOLUTION, kind="follow-up",
                      state=NudgeState.SENT)  # fmt: skip
    await store.nudges.upsert(follow_up)
    bo = chat.as_user(user_id="bo", user_name="Bo Leder", organization="", unit="")
    await bo.act("nudge_report", {"nudge": "n1"})
    bo.expect("Hvad tilpassede I")
    await bo.send("natteamet tager første besøg")
    bo.expect("Tilpasset i Odense Kommune, Hjemmeplejen Vest")
    offer = bo.expect("Målte I noget?")
    measure = next(a for a in offer.actions if a.id == "measure")
    # Dora is in Bo's organisation, but not in the unit that adopted it
    dora = chat.as_user(user_id="dora", user_name="Dora Dahl", organization="", unit="")
    await dora.act_with(measure)
    dora.expect("hører til en anden enheds melding")
    await bo.act_with(measure)
    bo.expect("1/3")
    for answer in ("4,8", "1,5", "2026"):
        await bo.send(answer)
        bo.expect()
    [adoption] = await store.adoptions.find(solution_id=SOLUTION)
    assert adoption.stage is Stage.ADOPTED  # the report moved the unit on; the figures stay
    assert adoption.local_result is not None
    assert (adoption.local_result["before"], adoption.local_result["after"]) == (4.8, 1.5)


def _solution(**changes: object) -> Solution:
    return parse_solution(solution_dict(**changes), path="s")  # 14 → 3 dage, Odense Syd


def _measured(place: str, before: float, after: float, **changes: object) -> Adoption:
    result = Result(metric="Ventetid på visitation", before=before, after=after, unit="dage")
    fields: dict[str, object] = {
        "id": place,
        "solution_id": "kortere-ventetid",
        "user": "",
        "organization": place,
        "stage": Stage.ADOPTED,
        "local_result": result.to_dict(),
        "measured_at": datetime(2026, 3, 1, tzinfo=UTC),
    } | changes
    return Adoption(**fields)  # type: ignore[arg-type]


def test_a_result_held_where_it_moved_the_same_way_on_the_same_metric() -> None:
    original = _solution().key_result  # fell from 14 to 3
    fell = Result(metric="ventetid på visitation", before=10, after=6)
    rose = Result(metric="Ventetid på visitation", before=6, after=10)
    same = Result(metric="Ventetid på visitation", before=6, after=6)
    other = Result(metric="Tilfredshed", before=10, after=6)
    assert held(original, fell)
    assert not held(original, rose)
    assert not held(original, same)
    assert not held(original, other)
    # an original with one figure has no direction: nothing repeats it
    assert not held(Result(metric="Ventetid på visitation", after=3), fell)


def test_evidence_counts_each_place_once_and_not_the_solutions_own() -> None:
    solution = _solution()
    evidence = evidence_of(
        solution,
        [
            _measured("Vejle Kommune", 14, 5),
            _measured("Horsens Kommune", 9, 4),
            _measured("Horsens Kommune", 9, 12, id="h2",
                      measured_at=datetime(2026, 1, 1, tzinfo=UTC)),  # older, same place
            _measured("Kolding Kommune", 5, 8),  # rose: measured, but did not hold
            _measured("Odense Kommune", 14, 2, unit="Hjemmeplejen Syd"),  # where it came from
            _measured("Fredericia Kommune", 14, 2, solution_id="other"),
        ],
    )  # fmt: skip
    assert evidence.repeated == 2
    places = [m.organization for m in evidence.measured]
    assert sorted(places) == ["Horsens Kommune", "Kolding Kommune", "Odense Kommune",
                              "Vejle Kommune"]  # fmt: skip
    horsens = next(m for m in evidence.measured if m.organization == "Horsens Kommune")
    assert (horsens.result.before, horsens.result.after) == (9, 4)


def _shown_card(language: str) -> Reply:
    """An answer card with two places' local results, one of them named with markup."""
    solution = _solution()
    evidence = evidence_of(
        solution,
        [_measured("Vejle Kommune", 14, 5),
         _measured("<!channel> *Kolding*", 12.5, 4, unit="Pleje_[1]",
                   measured_at=datetime(2026, 4, 1, tzinfo=UTC))],
    )  # fmt: skip
    lines = local_result_lines(evidence, language)
    shown = card(solution, language=language, local_results=lines)
    return Reply(text="", language=language, cards=(shown,))


def test_slack_shows_local_results_under_the_result_escaped() -> None:
    from adapters.slack import blocks

    _, shown = blocks.message(_shown_card("da"))
    texts = [e["text"] for b in shown if b["type"] == "context" for e in b["elements"]]
    assert texts[2:] == [
        "Resultatet er gentaget 2 steder",
        "I &lt;!channel&gt; *Kolding*, Pleje_[1]: 12,5 → 4 dage",
        "I Vejle Kommune: 14 → 5 dage",
    ]


def test_teams_shows_local_results_under_the_result_escaped() -> None:
    from adapters.teams import cards

    [activity] = cards.activities(_shown_card("en"))
    body = [e["text"] for e in activity.attachments[0].content["body"]]
    assert body[4:7] == [
        "The result was repeated in 2 places",
        "In \\<\\!channel\\> \\*Kolding\\*, Pleje\\_\\[1\\]: 12\\.5 → 4 dage",
        "In Vejle Kommune: 14 → 5 dage",
    ]
