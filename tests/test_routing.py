"""Open questions reach people who may know (issue 17, bot/routing.py, bot/flows/routed.py):
who is asked (followers of the question's topic in other units and organisations, never the
asker), how often (twice a week, within the respect budget, never in quiet hours), named or
anonymous as the asker chose, each button's path, and once across two instances. Every
backend: routing's bookkeeping is store records."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from bot import follows
from bot.config import Settings
from bot.core import Core
from bot.flows.share import SHARED
from bot.messages import Action, Notice
from bot.reach import FULL, set_mode
from bot.routing import letter_id, topics_of
from knowledge.kb import KnowledgeBase
from knowledge.lexicon import Lexicon
from knowledge.matcher import Matcher
from knowledge.records import (
    Demand,
    DemandStatus,
    Organisation,
    Person,
    ReachMode,
    RoutedAnswer,
    SubmissionState,
)
from knowledge.store import Store
from knowledge.topics import Kind, Topic, known_topics
from tests.answers import SNOW, answers
from tests.conftest import Clock
from tests.dialogue import Chat, Inbox, flat

ANNA = "console:anna"
CARE = Topic(kind=Kind.DOMAIN, value="ældrepleje")
OPSTART = "hurtig-opstart-i-hjemmeplejen"  # a solution on elder care
QUESTION = "ventetid hjemmepleje opstart"
PEOPLE = (
    Person(id="anna", name="Anna Holm", organization="Odense Kommune", unit="Hjemmeplejen Vest",
           email="anna.holm@odense.eksempel.dk"),
    Person(id="bo", name="Bo", organization="Odense Kommune", unit="Hjemmeplejen Vest"),
    Person(id="carl", name="Carl", organization="Odense Kommune", unit="Plejecenter Syd",
           email="carl@odense.eksempel.dk"),
    Person(id="dora", name="Dora", organization="Vejle Kommune", unit="Hjemmeplejen"),
    Person(id="frida", name="Frida", organization="Vejle Kommune", unit="Visitationen",
           email="frida@vejle.eksempel.dk"),
)  # fmt: skip
# Dora's answers to the share dialogue: the problem is the question she was asked.
DORAS = answers(
    SHARED,
    without=("problem",),
    contact=("Skriv “-”, hvis det er dig (Dora)", "-"),
    email=("e-mail", "dora@vejle.eksempel.dk"),
)
FOLLOWERS = ("console:bo", "console:carl", "console:dora", "console:eva")  # eva: no entry


async def _setup(core: Core, clock: Clock, *, followers: tuple[str, ...] = FOLLOWERS) -> Inbox:
    store = core.services.store
    await store.people.upsert_many(list(PEOPLE))
    for n, user in enumerate((*followers, ANNA, "slack:#C1")):
        await follows.follow(store, user, CARE, label="ældrepleje", language="da",
                             at=clock.now - timedelta(days=10 - n))  # fmt: skip
    return Inbox(core, "console")


async def _demand(core: Core, clock: Clock, n: int = 1, **changes: object) -> Demand:
    """Anna's question that only near misses on elder care answered, asked two hours ago."""
    demand = Demand(
        id=f"d{n}",
        question=f"spørgsmål nummer {n} om nattevagter",
        asker=ANNA,
        asker_name="Anna Holm",
        asked_at=clock.now - timedelta(hours=2),
        rejected=(OPSTART,),
        near_miss=True,
        **changes,  # type: ignore[arg-type]
    )
    await core.services.store.demand.upsert(demand)
    return demand


async def _offered_to_dora(chat: Chat, core: Core, clock: Clock) -> tuple[Inbox, Chat, Notice]:
    """A question nobody could answer, routed to Dora, its one follower: the letters, her
    chat and her letter."""
    inbox = await _setup(core, clock, followers=("console:dora",))
    await _demand(core, clock)
    await core.route_if_due()
    [letter] = _letters(inbox, "console:dora")
    return inbox, chat.as_user(user_id="dora", user_name="Dora"), letter


def _letters(inbox: Inbox, to: str) -> list[Notice]:
    found = [n for n in inbox.notices if n.to == to]
    inbox.notices = [n for n in inbox.notices if n.to != to]
    return found


def _button(notice: Notice, label: str) -> Action:
    return next(a for a in notice.reply.actions if a.label == label)


def test_a_question_is_in_the_topics_of_its_near_misses_else_those_its_words_name(
    core: Core,
) -> None:
    published = list(core.services.kb.matcher.published())
    known = known_topics(published)
    near = Demand(id="n", question="noget helt andet", asker=ANNA, rejected=(OPSTART,))
    keys = {t.key for t in topics_of(near, published, known)}
    assert "domain:aeldrepleje" in keys
    assert "profession:visitator" in keys
    named = Demand(id="w", question="Hvad gør I i ældrepleje om natten?", asker=ANNA)
    assert [t.key for t in topics_of(named, published, known)] == ["domain:aeldrepleje"]
    nothing = Demand(id="x", question="snerydning med droner", asker=ANNA)
    assert topics_of(nothing, published, known) == []


async def test_followers_in_other_units_are_asked_other_organisations_first_anonymously(
    core: Core, clock: Clock
) -> None:
    inbox = await _setup(core, clock)
    store = core.services.store
    await _demand(core, clock)
    assert await core.route_if_due() == 3
    # Bo shares Anna's unit, Anna asked it, a channel has no one to answer: none asked.
    asked = [r.to for r in sorted(await store.routed.find(demand_id="d1"), key=lambda r: r.to)]
    assert asked == ["console:carl", "console:dora", "console:eva"]
    [letter] = _letters(inbox, "console:dora")
    text = flat(letter.reply)
    assert text.startswith(
        "En kollega spørger: spørgsmål nummer 1 om nattevagter Kender du en løsning?"
    )
    assert "Anna" not in text
    assert [a.label for a in letter.reply.actions] == [
        "Ja, jeg har en", "Jeg kender en, der ved det", "Nej", "Færre beskeder", "Stop",
    ]  # fmt: skip
    assert letter.to == "console:dora"
    assert _letters(inbox, "console:bo") == []
    assert _letters(inbox, ANNA) == []
    demand = await store.demand.get("d1")
    assert demand is not None
    assert demand.routed_at == clock.now
    # Routed once: the next hour finds nothing new.
    clock.advance(hours=1)
    assert await core.route_if_due() == 0


async def test_other_organisations_come_first_and_at_most_five_are_asked(
    core: Core, clock: Clock
) -> None:
    many = tuple(f"console:p{n}" for n in range(6))
    await _setup(core, clock, followers=("console:carl", *many, "console:dora"))
    await _demand(core, clock)
    await core.route_if_due()
    asked = {r.to for r in await core.services.store.routed.find(demand_id="d1")}
    # Dora (Vejle) first; the five left by who followed first; Carl (Anna's own
    # organisation, another unit) only after those whose organisation is not known.
    assert asked == {"console:dora", *many[:4]}


async def test_twice_a_week_within_the_budget_and_never_in_quiet_hours(
    core: Core, clock: Clock
) -> None:
    await _setup(core, clock, followers=("console:dora",))
    store = core.services.store
    budget = core.routing.budget
    for day in range(3):
        await _demand(core, clock, n=day)
        await core.route_if_due()
        clock.advance(days=1)
    asked = sorted(r.demand_id for r in await store.routed.find(to="console:dora"))
    assert asked == ["d0", "d1"]  # the third day's question: two a week is her most
    assert await budget.refusal("console:dora", kind="routed_question") == FULL
    assert await budget.refusal("console:dora", kind="digest") is None  # the budget allows
    # One a day, whatever the kind: a question on the day of a digest waits.
    clock.advance(days=7)
    assert await budget.spend("console:dora", kind="digest", ref="digest-x")
    await _demand(core, clock, n=7)
    assert await core.route_if_due() == 0
    # Quiet hours: nothing is looked at, nothing is marked offered.
    clock.now = clock.now.replace(hour=22) + timedelta(days=1)
    await _demand(core, clock, n=8)
    assert await core.route_if_due() == 0
    demand = await store.demand.get("d8")
    assert demand is not None
    assert demand.routed_at is None
    # Those who said stop are not asked.
    await set_mode(store, "console:dora", ReachMode.STOP, at=clock.now)
    clock.now = clock.now.replace(hour=9) + timedelta(days=3)  # Monday
    assert await core.route_if_due() == 0
    assert len(await store.routed.find(to="console:dora")) == 2


async def test_named_only_with_consent_and_then_with_the_organisation_the_platform_named(
    chat: Chat, core: Core, clock: Clock
) -> None:
    inbox = await _setup(core, clock, followers=("console:dora",))
    store = core.services.store
    await store.organisations.upsert(Organisation(id="console:odense", platform="console",
                                                  name="Odense Kommune"))  # fmt: skip
    anna = chat.as_user(org_id="console:odense")
    await anna.send(QUESTION)
    anna.expect("Opstartsteam")
    await anna.press("Hjalp ikke")
    anna.expect("Må vi nævne dit navn, hvis vi spørger kolleger?", "Giv mig besked")
    stranger = chat.as_user(user_id="dora")  # her button pressed by another sets nothing
    [named] = [a for a in anna.taken[-1].actions if a.label == "Ja, nævn mit navn"]
    await stranger.act_with(named)
    stranger.expect()
    [demand] = await store.demand.find(asker=ANNA)
    assert demand.name_ok is False
    await anna.press("Ja, nævn mit navn")
    anna.expect("Kolleger, jeg spørger, kan se dit navn og din organisation")
    clock.advance(hours=2)
    assert await core.route_if_due() == 1
    [letter] = _letters(inbox, "console:dora")
    text = flat(letter.reply)
    assert text.startswith(f"Anna Holm (Odense Kommune) spørger: {QUESTION} Kender du")
    assert "anna.holm@" not in text
    assert "Hjemmeplejen Vest" not in text  # nothing from the directory


async def test_nej_thanks_and_a_stale_or_forged_button_is_refused(
    chat: Chat, core: Core, clock: Clock
) -> None:
    inbox = await _setup(core, clock)
    store = core.services.store
    await _demand(core, clock)
    await core.route_if_due()
    [letter] = _letters(inbox, "console:dora")
    dora = chat.as_user(user_id="dora", user_name="Dora")
    eva = chat.as_user(user_id="eva", user_name="Eva")
    await eva.act_with(_button(letter, "Nej"))  # Dora's letter, pressed by Eva
    eva.expect("hører til et spørgsmål, jeg ikke har stillet dig")
    await dora.act("routed_yes", {"routed": "routed-nothing"})
    dora.expect("hører til et spørgsmål, jeg ikke har stillet dig")
    await dora.act("routed_knows", {"routed": ["not", "text"]})
    dora.expect("hører til et spørgsmål")
    await dora.act_with(_button(letter, "Nej"))
    dora.expect("Tak for svaret")
    routed = await store.routed.get(letter_id("d1", "console:dora"))
    assert routed is not None
    assert routed.answer is RoutedAnswer.NO
    # Answered meanwhile: the question is not open any more.
    await store.demand.upsert(
        Demand(id="d1", question="x", asker=ANNA, status=DemandStatus.ANSWERED)
    )
    await dora.act_with(_button(letter, "Jeg kender en, der ved det"))
    dora.expect("det spørgsmål er ikke åbent længere")
    _letters(inbox, "console:carl")
    _letters(inbox, "console:eva")


async def test_jeg_kender_en_asks_the_colleague_named_or_says_what_to_do(
    chat: Chat, core: Core, clock: Clock
) -> None:
    inbox, dora, letter = await _offered_to_dora(chat, core, clock)
    store = core.services.store
    await dora.act_with(_button(letter, "Jeg kender en, der ved det"))
    dora.expect("Hvem ved det? Skriv deres e-mail")
    await dora.send("hende fra visitationen")
    dora.expect("Jeg forstod ikke “hende fra visitationen” som en kollega")
    await dora.send("ukendt@andet.eksempel.dk")
    dora.expect("Jeg kan ikke skrive til ukendt@andet.eksempel.dk gennem Spred",
                "spørgsmål nummer 1 om nattevagter")  # fmt: skip
    knows = _button(letter, "Jeg kender en, der ved det")
    await dora.act_with(knows)
    dora.expect("Hvem ved det?")
    await dora.send("Frida@Vejle.eksempel.dk")
    dora.expect("Jeg har spurgt dem")
    [asked] = _letters(inbox, "console:frida")
    assert flat(asked.reply).startswith("En kollega spørger: spørgsmål nummer 1")
    assert "En kollega mener, du ved noget om det" in flat(asked.reply)
    routed = await store.routed.get(letter_id("d1", "console:frida"))
    assert routed is not None
    assert routed.by == "console:dora"
    reach = await store.reach.get("console:frida")  # it counts in her budget
    assert reach is not None
    assert list(reach.spent) == [routed.id]
    # Named again (by Dora or anyone): she has it already.
    await dora.act_with(knows)
    dora.expect("Hvem ved det?")
    await dora.send("frida@vejle.eksempel.dk")
    dora.expect("De har allerede fået spørgsmålet")
    # After hours nobody is written to unasked: she is told to send it on herself.
    clock.now = clock.now.replace(hour=21)
    await dora.act_with(knows)
    dora.expect("Hvem ved det?")
    await dora.send("carl@odense.eksempel.dk")
    dora.expect("uden for arbejdstid", "spørgsmål nummer 1 om nattevagter")
    assert await store.routed.get(letter_id("d1", "console:carl")) is None


async def test_ja_jeg_har_en_shares_it_and_its_publication_tells_the_asker(
    chat: Chat, admin: Chat, core: Core, clock: Clock
) -> None:
    inbox, dora, letter = await _offered_to_dora(chat, core, clock)
    store = core.services.store
    await dora.act_with(_button(letter, "Ja, jeg har en"))
    dora.expect("Dejligt!")
    dora.expect("lad os dele jeres løsning")
    dora.expect("Problemet er din kollegas spørgsmål: “spørgsmål nummer 1 om nattevagter”")
    for question, answer in DORAS:
        dora.expect(question)
        await dora.send(answer)
    dora.expect("Sådan kommer løsningen til at se ud", "spørgsmål nummer 1 om nattevagter")
    while dora.pending:
        dora.expect("Er det den samme som")
    await dora.press("Indsend")
    dora.expect("er sendt til en redaktør", "Kollegaen, der spurgte, får besked")
    [submission] = await store.submissions.find(state=SubmissionState.WAITING)
    assert submission.demand_id == "d1"

    await admin.send("indsendte")
    admin.expect("venter")
    admin.expect(SNOW)
    await admin.press("Udgiv")
    admin.expect("er udgivet")
    _letters(inbox, "console:dora")  # her own "published"
    [told] = _letters(inbox, ANNA)  # though Anna never pressed "Giv mig besked"
    assert "spørgsmål nummer 1 om nattevagter" in flat(told.reply)
    assert SNOW in flat(told.reply)
    demand = await store.demand.get("d1")
    assert demand is not None
    assert demand.status is DemandStatus.ANSWERED
    assert demand.answered_by == "faelles-maskinpulje-til-snerydning-paa-kirkegaarde"


async def test_two_instances_route_each_question_once(
    core: Core, clock: Clock, other: Store, lexicon: Lexicon, tmp_path: Path
) -> None:
    await _setup(core, clock)
    kb = await KnowledgeBase.load(other, matcher=Matcher(lexicon=lexicon))
    second = Core(kb=kb, settings=Settings(data_dir=tmp_path / "data"), clock=clock)
    await _demand(core, clock)
    await _demand(core, clock, n=2)
    # The job (once an hour) and the questions themselves (claimed), each by one.
    counts = await asyncio.gather(core.route_if_due(), second.route_if_due())
    assert sorted(counts) == [0, 3]
    await asyncio.gather(
        *(
            c.routing.route_open(
                list(c.services.kb.matcher.published()), c.services.kb.topics(), at=clock.now
            )
            for c in (core, second)
        )
    )
    letters = await core.services.store.outbox.find(to="console:dora")
    assert [letter.id for letter in letters] == [letter_id("d1", "console:dora")]


async def test_a_near_miss_offered_then_said_not_to_help_is_not_offered_again(
    chat: Chat, core: Core, clock: Clock
) -> None:
    inbox = await _setup(core, clock, followers=("console:dora",))
    store = core.services.store
    near = "ventetid i hjemmeplejen på ladestandere"
    await chat.send(near)
    chat.expect("ingen af dem nævner “ladestandere”:")
    clock.advance(hours=2)
    assert await core.route_if_due() == 1
    [letter] = _letters(inbox, "console:dora")
    await chat.send(near)  # asked again: still offered once
    chat.expect("ladestandere")
    await chat.press("Hjalp ikke")
    chat.expect("mangler en god løsning")
    [demand] = await store.demand.find(asker=ANNA)
    assert (demand.near_miss, demand.routed_at) == (False, clock.now)
    clock.advance(days=2)
    assert await core.route_if_due() == 0
    # Dora's button still finds the question, open under the same id.
    dora = chat.as_user(user_id="dora", user_name="Dora")
    await dora.act_with(_button(letter, "Nej"))
    dora.expect("Tak for svaret")
