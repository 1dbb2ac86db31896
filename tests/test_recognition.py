"""Recognition (bot/recognition.py): once a month, on the first working day, originators
whose solutions spread last month are thanked in one letter each, their managers too where
the originator agreed to be named, and managers whose units adapted a solution; through the
respect budget, retried the next working day, then dropped; once per person and month, also
across two instances. Every backend: the bookkeeping is store records."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from bot.config import Settings
from bot.core import Core
from bot.reach import FULL, Budget
from bot.recognition import ADAPTER, MANAGER, ORIGINATOR, SENT_THIS_MONTH
from knowledge.kb import KnowledgeBase
from knowledge.lexicon import Lexicon
from knowledge.matcher import Matcher
from knowledge.records import Adaptation, Adoption, Consent, Person, Stage
from knowledge.solutions import Result
from knowledge.store import Store
from tests.conftest import Clock, make_solution
from tests.dialogue import Chat, Inbox

CARE = ("hurtig-opstart-i-hjemmeplejen", "tillidsbaseret-visitation-i-hjemmeplejen")
METTE_MAIL, LONE_MAIL = (
    "mette.kjaergaard@aarhus.eksempel.dk",
    "lone.mikkelsen@kalundborg.eksempel.dk",
)
METTE, JENS, LONE, KARL, VERA = (f"console:{p}" for p in ("mette", "jens", "lone", "karl", "vera"))
OCTOBER = datetime(2026, 10, 20, 9, 0, tzinfo=UTC)
NOVEMBER = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)
DECEMBER_1 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # a Tuesday, 10:00 in Copenhagen
PEOPLE = (
    Person(id="jens", name="Jens Leder", organization="Aarhus Kommune"),
    Person(id="mette", name="Mette Kjærgaard", email=METTE_MAIL, organization="Aarhus Kommune",
           manager_id="jens"),
    Person(id="karl", name="Karl Chef", organization="Kalundborg Kommune"),
    Person(id="lone", name="Lone Mikkelsen", email=LONE_MAIL, organization="Kalundborg Kommune",
           manager_id="karl"),
    Person(id="vera", name="Vera Vang", organization="Vejle Kommune", unit="Hjemmeplejen"),
)  # fmt: skip


def _adoption(solution: str, organization: str, at: datetime, **changes: object) -> Adoption:
    adoption = Adoption(
        id=f"{solution}:{organization}",
        solution_id=solution,
        user=f"console:{organization}",
        organization=organization,
        stage=Stage.ADOPTED,
        updated_at=at,
    )
    return replace(adoption, **changes)  # type: ignore[arg-type]


async def _title(store: Store, solution_id: str) -> str:
    solution = await store.solutions.get(solution_id)
    assert solution is not None
    return solution.title


async def test_last_months_spread_thanks_originators_managers_and_adapters_once(
    core: Core, clock: Clock
) -> None:
    store = core.services.store
    inbox = Inbox(core, "console")
    await store.people.upsert_many(list(PEOPLE))
    await store.consents.upsert(Consent(person_id="mette", named=True))  # Lone never said
    # Mette's second solution, and what spread: before, in and after November.
    second = make_solution(
        "mettes-anden",
        title="Mettes anden løsning",
        organization="Aarhus Kommune",
        contacts=[{"name": "Mette Kjærgaard", "email": METTE_MAIL}],
    )
    await core.services.kb.publish([second], by="cli", at=OCTOBER, action="import")
    metric = "Ventetid fra henvendelse til første besøg"  # the original's: it can repeat it
    measured = Result(metric=metric, before=10, after=3, unit="dage").to_dict()
    await store.adoptions.upsert_many([
        _adoption(CARE[0], "Kommune 1", OCTOBER),
        _adoption(CARE[0], "Kommune 2", OCTOBER),
        _adoption(CARE[0], "Aarhus Kommune", NOVEMBER),  # its own: not spreading
        _adoption(CARE[0], "Kommune 3", NOVEMBER),
        _adoption(CARE[0], "Kommune 4", NOVEMBER, stage=Stage.INTERESTED),  # not using it
        _adoption(CARE[0], "Horsens Kommune", NOVEMBER, stage=Stage.PILOTING,
                  local_result=measured, measured_at=NOVEMBER),
        _adoption(CARE[0], "Kommune 9", DECEMBER_1.replace(hour=7)),  # December's news
        _adoption("mettes-anden", "Kommune 5", NOVEMBER),
        _adoption(CARE[1], "Kommune 6", NOVEMBER),
        _adoption("to-voksne-i-klassen-for-inklusion", "Kommune 7", OCTOBER),  # before
    ])  # fmt: skip
    await store.adaptations.upsert(
        Adaptation(id="a1", solution_id=CARE[0], organization="Vejle Kommune",
                   unit="Hjemmeplejen", text="uden ipad", manager_id="vera", created_at=NOVEMBER)
    )  # fmt: skip

    clock.now = DECEMBER_1
    assert await core.recognise_if_due() == 4
    care, care_2 = await _title(store, CARE[0]), await _title(store, CARE[1])
    [to_mette] = inbox.take(to=METTE)
    assert to_mette.splitlines()[:3] == [
        "Tak fra Spred – det her skete i november:",
        f"• Din løsning «{care}» bruges nu i 5 andre organisationer (2 nye i november), blev "
        "tilpasset i Hjemmeplejen i Vejle Kommune og resultatet er gentaget 1 sted mere.",
        "• Din løsning «Mettes anden løsning» bruges nu i én anden organisation "
        "(én ny i november).",
    ]
    assert "Færre beskeder" in to_mette
    assert "Må din leder" not in to_mette  # she answered already
    [to_jens] = inbox.take(to=JENS)
    assert f"• Din medarbejder Mette Kjærgaards løsning «{care}» bruges nu i 5" in to_jens
    assert "«Mettes anden løsning»" in to_jens
    assert "Stop" in to_jens
    [to_lone] = inbox.take(to=LONE)
    assert f"• Din løsning «{care_2}» bruges nu i én anden organisation" in to_lone
    assert "Må din leder få at vide, med dit navn" in to_lone
    assert "Ja, gerne mit navn" in to_lone
    assert inbox.take(to=KARL) == []  # Lone never agreed to be named
    [to_vera] = inbox.take(to=VERA)
    assert f"• Jeres tilpasning af «{care}» i Hjemmeplejen i Vejle Kommune står nu" in to_vera
    assert "Løsningen fra Aarhus Kommune bruges nu i 5 andre organisationer." in to_vera
    consent = await store.consents.get("lone")
    assert consent is not None
    assert consent.named is None  # asked once: not asked again next month

    # Never twice: not on the next look, not the next day, not by asking again.
    clock.advance(minutes=30)
    assert await core.recognise_if_due() == 0
    clock.advance(days=1)
    assert await core.recognise_if_due() == 0
    published = list(core.services.kb.matcher.published())
    planned = {p.user: p for p in await core.recognition.plan(published, at=clock.now)}
    assert planned[METTE].blocked == SENT_THIS_MONTH
    assert [p.why for p in planned[METTE].parts] == [ORIGINATOR, ORIGINATOR]
    assert [p.why for p in planned[JENS].parts] == [MANAGER, MANAGER]
    assert [p.why for p in planned[VERA].parts] == [ADAPTER]
    state = await store.recognitions.get(METTE)
    assert state is not None
    assert state.month == "2026-11"
    assert [letter.id for letter in await store.outbox.find(to=METTE)] == [
        "recognition-console:mette-2026-11"
    ]


async def test_a_refused_letter_is_tried_the_next_working_day_then_dropped(
    core: Core, clock: Clock, chat: Chat
) -> None:
    store = core.services.store
    inbox = Inbox(core, "console")
    await store.people.upsert_many([p for p in PEOPLE if p.id in ("mette", "lone")])
    lone = chat.as_user(user_id="lone", user_name="Lone Mikkelsen")
    await lone.send("english")
    lone.expect()
    await store.adoptions.upsert_many([
        _adoption(CARE[0], "Kommune 3", NOVEMBER),
        _adoption(CARE[1], "Kommune 6", NOVEMBER),
    ])  # fmt: skip
    budget = Budget(store=store, rules=core.services.settings.nudges, clock=clock)
    # Both got a digest that morning; Lone gets one the next morning too.
    for person, at in ((METTE, DECEMBER_1), (LONE, DECEMBER_1), (LONE, DECEMBER_1.replace(day=2))):
        assert await budget.spend(person, kind="digest", at=at.replace(hour=8), ref=f"d-{at.day}")

    clock.now = DECEMBER_1
    assert await core.recognise_if_due() == 0
    published = list(core.services.kb.matcher.published())
    planned = {p.user: p.blocked for p in await core.recognition.plan(published, at=clock.now)}
    assert planned == {METTE: FULL, LONE: FULL}
    clock.now = DECEMBER_1.replace(day=2)  # the next working day
    assert await core.recognise_if_due() == 1
    [letter] = inbox.take(to=METTE)
    assert "bruges nu i én anden organisation (én ny i november)" in letter
    clock.now = DECEMBER_1.replace(day=3)  # Lone's budget allows again, but it is dropped
    assert await core.recognise_if_due() == 0
    assert inbox.take(to=LONE) == []
    # In English, had it gone out: what she reads in.
    [hers] = [p for p in await core.recognition.plan(published, at=clock.now) if p.user == LONE]
    assert hers.blocked is None
    assert hers.parts[0].text.startswith("Your solution «")
    assert "is now used in one other organisation (one new in November)" in hers.parts[0].text


async def test_nothing_spread_nothing_sent_and_only_on_the_first_working_days(
    core: Core, clock: Clock
) -> None:
    store = core.services.store
    inbox = Inbox(core, "console")
    await store.people.upsert_many(list(PEOPLE))
    await store.adoptions.upsert(_adoption(CARE[0], "Kommune 1", OCTOBER))  # not November
    clock.now = DECEMBER_1
    assert await core.recognise_if_due() == 0
    assert await core.recognition.plan(core.services.kb.matcher.published(), at=clock.now) == []
    assert await store.outbox.count() == 0
    # News in December is told on the first working day of January (Friday the 1st is a
    # holiday nobody keeps here: a working day), not on a weekend or in quiet hours.
    await store.adoptions.upsert(_adoption(CARE[0], "Kommune 2", DECEMBER_1))
    for moment in (
        datetime(2026, 12, 31, 9, 0, tzinfo=UTC),  # still December
        datetime(2027, 1, 1, 6, 0, tzinfo=UTC),  # 07:00 in Copenhagen: quiet hours
        datetime(2027, 1, 6, 9, 0, tzinfo=UTC),  # the fourth working day: too late
    ):
        clock.now = moment
        assert await core.recognise_if_due() == 0
    clock.now = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)  # Monday: the second working day
    assert await core.recognise_if_due() == 1
    [letter] = inbox.take(to=METTE)
    assert "(én ny i december)" in letter


async def test_two_instances_send_one_letter_and_spend_one_slot(
    core: Core, clock: Clock, other: Store, lexicon: Lexicon, tmp_path: Path
) -> None:
    store = core.services.store
    await store.people.upsert_many(list(PEOPLE))
    await store.adoptions.upsert(_adoption(CARE[0], "Kommune 3", NOVEMBER))
    kb = await KnowledgeBase.load(other, matcher=Matcher(lexicon=lexicon))
    second = Core(kb=kb, settings=Settings(data_dir=tmp_path / "data"), clock=clock)
    Inbox(core, "console"), Inbox(second, "console")  # where both find and tell her
    clock.now = DECEMBER_1
    await asyncio.gather(
        core.recognition.send(core.services.kb.matcher.published(), at=clock.now),
        second.recognition.send(second.services.kb.matcher.published(), at=clock.now),
    )
    letters = await store.outbox.find(to=METTE)
    assert [letter.id for letter in letters] == ["recognition-console:mette-2026-11"]
    reach = await store.reach.get(METTE)
    assert reach is not None
    assert list(reach.spent) == ["recognition-console:mette-2026-11"]
    assert await second.recognition.send(kb.matcher.published(), at=clock.now) == []
