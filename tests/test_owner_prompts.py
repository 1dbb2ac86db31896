"""The yearly question to each solution's owner (bot/confirmations.py) and their answers
(bot/flows/owner.py): gathered, at most weekly, never in quiet hours, once across
instances; *Ja, stadig*, *Opdater tallene* and *Bruges ikke længere*, each kept as a change."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from bot.config import ConfigError, Settings
from bot.confirmations import due_solutions
from bot.core import Core
from bot.messages import Reply, reply_to_dict
from knowledge.kb import KnowledgeBase
from knowledge.lexicon import Lexicon
from knowledge.matcher import Matcher
from knowledge.records import (
    Adoption,
    Interest,
    Letter,
    OwnerPrompt,
    Person,
    SolutionVersion,
    Stage,
)
from knowledge.store import Store
from knowledge.versions import history
from tests.conftest import ADMIN, Clock, make_solution
from tests.dialogue import Chat, Inbox

METTE = {"name": "Mette Hansen", "email": "mette.hansen@odense.eksempel.dk", "slack_id": "U0METTE"}
JENS = {"name": "Jens Graver", "slack_id": "U0JENS"}
LONG_AGO = datetime(2025, 9, 1, 10, 0, tzinfo=UTC)  # 14 months before the clock's Monday
LATELY = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)


async def _publish(core: Core, *solutions: object, at: datetime) -> None:
    await core.services.kb.publish(list(solutions), by="cli", at=at)  # type: ignore[arg-type]


@pytest.fixture
async def owned(core: Core) -> Core:
    """Two solutions of Mette's and one of Jens's confirmed 14 months ago; one of Mette's
    confirmed this summer. The demo's solutions, stored undated and without history, are
    not asked about."""
    await _publish(
        core,
        make_solution("ventetid", title="Kortere ventetid", contacts=[METTE]),
        make_solution("faldskole", title="Faldskole for ældre", contacts=[JENS, METTE],
                      owner="mette.hansen@odense.eksempel.dk"),
        make_solution("natteroen", title="Ro om natten", contacts=[JENS]),
        at=LONG_AGO,
    )  # fmt: skip
    await _publish(core, make_solution("frisk", title="Frisk løsning", contacts=[METTE]), at=LATELY)
    return core


def _mette(chat: Chat) -> Chat:
    return chat.as_user(platform="slack", user_id="U0METTE", user_name="Mette Hansen")


def _letter(chat: Chat, reply: Reply) -> Chat:
    """Someone reading the question in their chat: its buttons are there to press."""
    chat.taken.append(reply)
    return chat


async def test_one_gathered_question_to_each_owner_then_not_again_within_a_week(
    owned: Core, clock: Clock
) -> None:
    inbox = Inbox(owned, "slack")
    assert await owned.ask_owners_if_due() == 2  # Mette and Jens
    [mette] = inbox.take(to="slack:U0METTE")
    assert "2 løsninger" in mette
    for title in ("Kortere ventetid", "Faldskole for ældre"):
        assert title in mette
    assert "Frisk løsning" not in mette
    assert "Ventetid på visitation: 14 → 3 dage (2023)" in mette  # each with its result
    assert "Resultater bekræftet september 2025" in mette
    [letter] = [n for n in inbox.notices if n.to == "slack:U0JENS"]
    assert [c.title for c in letter.reply.cards] == ["Ro om natten"]
    assert [a.label for a in letter.reply.cards[0].actions] == [
        "Ja, stadig",
        "Opdater tallene",
        "Bruges ikke længere",
    ]
    inbox.notices.clear()
    clock.advance(days=1)  # Tuesday: the hourly job runs, but it is not a week yet
    assert await owned.ask_owners_if_due() == 0
    clock.advance(days=6)  # next Monday, unanswered: asked again, once
    assert await owned.ask_owners_if_due() == 2
    assert len(inbox.take(to="slack:U0METTE")) == 1


async def test_quiet_hours_and_weekends_wait_for_working_hours(owned: Core, clock: Clock) -> None:
    inbox = Inbox(owned, "slack")
    clock.now = datetime(2026, 11, 2, 17, 30, tzinfo=UTC)  # 18:30 in Copenhagen
    assert await owned.ask_owners_if_due() == 0
    clock.now = datetime(2026, 11, 7, 10, 0, tzinfo=UTC)  # a Saturday
    assert await owned.ask_owners_if_due() == 0
    assert inbox.notices == []
    clock.now = datetime(2026, 11, 9, 8, 0, tzinfo=UTC)  # Monday, 9 in Copenhagen
    assert await owned.ask_owners_if_due() == 2


async def test_two_instances_on_one_store_ask_once(
    owned: Core, other: Store, lexicon: Lexicon, clock: Clock
) -> None:
    kb = await KnowledgeBase.load(other, matcher=Matcher(lexicon=lexicon))
    second = Core(kb=kb, settings=owned.services.settings, clock=clock)
    assert await owned.ask_owners_if_due() + await second.ask_owners_if_due() == 2
    # Even past the hourly job, each owner's own record lets one letter through a week.
    now = clock()
    assert await owned.owner_prompts.ask(now) + await second.owner_prompts.ask(now) == 0
    letters = await other.outbox.find(to="slack:U0METTE")
    assert len(letters) == 1


async def test_a_letter_begun_by_a_process_that_died_is_written_once(
    owned: Core, clock: Clock
) -> None:
    store = owned.services.store
    died = OwnerPrompt(owner="U0JENS", letter_id="owner-prompt-died", asked_at=clock())
    await store.owner_prompts.upsert(died)
    written = Letter(
        id=died.letter_id, to="slack:U0JENS", kind="owner-prompt", reply=reply_to_dict(Reply())
    )
    await store.outbox.insert(written)  # then the process died before marking it sent
    assert await owned.owner_prompts.ask(clock()) == 2
    jens = await store.outbox.find(to="slack:U0JENS")
    assert [letter.id for letter in jens] == ["owner-prompt-died"]
    stored = await store.owner_prompts.get("U0JENS")
    assert stored is not None
    assert stored.sent_at == clock()
    assert stored.to == "slack:U0JENS"


async def test_an_owner_nowhere_to_be_found_is_tried_again_in_a_week(
    core: Core, clock: Clock
) -> None:
    hidden = {"name": "Ulla Skov", "email": "ulla@vejle.eksempel.dk"}  # no id, no directory
    await _publish(core, make_solution("skjult", contacts=[hidden]), at=LONG_AGO)
    assert await core.owner_prompts.ask(clock()) == 0
    kept = await core.services.store.owner_prompts.get("ulla@vejle.eksempel.dk")
    assert kept is not None
    assert kept.sent_at == clock()
    assert kept.to == ""
    assert await core.services.store.outbox.find(delivered_at=None) == []


# --- the owner's answers


async def _asked(owned: Core, chat: Chat) -> tuple[Chat, Inbox]:
    inbox = Inbox(owned, "slack")
    await owned.owner_prompts.ask(owned.services.clock())
    [notice] = [n for n in inbox.notices if n.to == "slack:U0METTE"]
    inbox.notices.clear()
    return _letter(_mette(chat), notice.reply), inbox


async def test_yes_still_true_confirms_today_and_a_second_press_is_told(
    owned: Core, chat: Chat, clock: Clock
) -> None:
    mette, _ = await _asked(owned, chat)
    await mette.press_on("Kortere ventetid", "Ja, stadig")
    mette.expect("Tak! Resultaterne i “Kortere ventetid” er bekræftet i dag")
    stored = await owned.services.store.solutions.get("ventetid")
    assert stored is not None
    assert stored.confirmed == date(2026, 11, 2)
    versions = await history(owned.services.store, "ventetid")
    assert (versions[-1].kept.action, versions[-1].kept.by) == ("confirm", "slack:U0METTE")
    await mette.press_on("Kortere ventetid", "Ja, stadig")
    mette.expect("Der er allerede svaret for “Kortere ventetid”", "november 2026")
    assert len(await history(owned.services.store, "ventetid")) == len(versions)
    # answered, it is no longer due: next week's letter asks only about the other
    clock.advance(days=7)
    inbox = Inbox(owned, "slack")
    await owned.owner_prompts.ask(clock())
    [again] = inbox.take(to="slack:U0METTE")
    assert "Faldskole for ældre" in again
    assert "Kortere ventetid" not in again


async def test_only_the_owner_or_an_admin_may_answer(owned: Core, chat: Chat) -> None:
    mette, _ = await _asked(owned, chat)
    someone = _letter(chat.as_user(platform="slack", user_id="U0ANDEN"), mette.taken[-1])
    await someone.press_on("Kortere ventetid", "Ja, stadig")
    someone.expect("Det er Mette Hansen, der står for tallene")
    await someone.press_on("Kortere ventetid", "Bruges ikke længere")
    someone.expect("Det er Mette Hansen, der står for tallene")
    admin = _letter(chat.as_user(user_id="admin"), mette.taken[-1])
    assert f"console:{admin.message.user_id}" == ADMIN
    await admin.press_on("Faldskole", "Ja, stadig")
    admin.expect("er bekræftet i dag")
    stored = await owned.services.store.solutions.get("ventetid")
    assert stored is not None
    assert stored.confirmed == LONG_AGO.date()


async def test_a_stale_or_forged_button_is_answered_plainly(owned: Core, chat: Chat) -> None:
    mette, _ = await _asked(owned, chat)
    await mette.act("owner_confirm", {"solution": "findes-ikke", "confirmed": ""})
    mette.expect("Den løsning findes ikke længere i Spred")
    await mette.act("owner_update", {"solution": "../etc", "confirmed": ""})
    mette.expect("Den knap virker ikke længere")
    await owned.services.kb.retire("ventetid", by="cli")
    for label in ("Ja, stadig", "Opdater tallene", "Bruges ikke længere"):
        await mette.press_on("Kortere ventetid", label)
        mette.expect("“Kortere ventetid” er allerede trukket tilbage")
    await mette.act("figures_save")  # the save button of no update under way
    mette.expect("Der er ingen nye tal i gang")


async def test_update_the_figures_field_by_field_then_saved_and_confirmed(
    owned: Core, chat: Chat
) -> None:
    mette, _ = await _asked(owned, chat)
    await mette.press_on("Kortere ventetid", "Opdater tallene")
    mette.expect("Lad os opdatere resultatet i “Kortere ventetid”. Jeg spørger om 6 felter")
    mette.expect("Hvad blev målt?", "Nu: Ventetid på visitation", "Behold")
    await mette.press("Behold")
    mette.expect("Tallet før", "Nu: 14")
    await mette.send("mange")
    mette.expect("Skriv et tal")
    mette.expect("Tallet før")
    await mette.send("12,5")
    mette.expect("Tallet efter", "Nu: 3")
    await mette.send("2")
    mette.expect("Måleenhed", "Nu: dage")
    await mette.send("behold")
    mette.expect("Over hvilken periode?", "Nu: 2023")
    await mette.send("2025–2026")
    mette.expect("Hvor kommer tallene fra?", "Nu: Kommunens egen opgørelse")
    await mette.send("Årsopgørelse 2026")
    mette.expect("Gem tallene", "Ventetid på visitation: 12,5 → 2 dage (2025–2026)")
    stored = await owned.services.store.solutions.get("ventetid")
    assert stored is not None
    assert stored.results[0].before == 14
    await mette.press("Gem tallene")
    mette.expect("Tallene i “Kortere ventetid” er opdateret og bekræftet i dag")
    stored = await owned.services.store.solutions.get("ventetid")
    assert stored is not None
    assert stored.results[0].to_dict() == {
        "metric": "Ventetid på visitation",
        "before": 12.5,
        "after": 2,
        "unit": "dage",
        "period": "2025–2026",
        "source": "Årsopgørelse 2026",
    }
    assert stored.confirmed == date(2026, 11, 2)
    [*_, version] = await history(owned.services.store, "ventetid")
    assert (version.kept.action, version.kept.by) == ("update", "slack:U0METTE")
    changed = {c.field: (c.before, c.after) for c in version.changes()}
    assert changed["results[0].before"] == (14, 12.5)
    assert changed["confirmed"] == ("2025-09-01", "2026-11-02")
    answer = owned.services.kb.ask("ventetid visitation", top=1)
    assert answer[0].solution.results[0].after == 2  # answered from at once


async def test_an_update_needs_a_figure_and_can_be_cancelled(owned: Core, chat: Chat) -> None:
    mette, _ = await _asked(owned, chat)
    await mette.press_on("Kortere ventetid", "Opdater tallene")
    mette.expect("Lad os opdatere")
    mette.expect("Hvad blev målt?")
    await mette.press("Behold")
    mette.expect("Tallet før")
    await mette.send("-")
    mette.expect("Tallet efter")
    await mette.send("-")
    mette.expect("Der skal være mindst ét tal")
    mette.expect("Tallet før")
    await mette.send("annullér")
    mette.expect("Annulleret")
    stored = await owned.services.store.solutions.get("ventetid")
    assert stored is not None
    assert stored.confirmed == LONG_AGO.date()


async def test_no_longer_used_asks_once_then_retires_and_tells_who_adopted_it(
    owned: Core, chat: Chat
) -> None:
    store = owned.services.store
    console = Inbox(owned, "console")
    await store.adoptions.upsert_many(
        [
            Adoption(id="a1", solution_id="ventetid", user="console:bo", organization="Vejle",
                     stage=Stage.ADOPTED),
            Adoption(id="a2", solution_id="ventetid", user="console:ida", organization="Vejle",
                     stage=Stage.INTERESTED),  # only interested: not told
        ]
    )  # fmt: skip
    await store.people.upsert(Person(id="per", name="Per Lund", slack_id="U0PER"))
    await store.interests.upsert(
        Interest(id="per:ventetid", person_id="per", solution_id="ventetid", did="piloting")
    )
    bo = chat.as_user(user_id="bo", user_name="Bo")
    await bo.send("english")  # Bo reads English: his letter is in English
    bo.expect("English")
    mette, slack = await _asked(owned, chat)
    await mette.press_on("Kortere ventetid", "Bruges ikke længere")
    mette.expect("Skal “Kortere ventetid” trækkes tilbage", "Ja, træk den tilbage")
    await mette.press("Nej, behold den")
    mette.expect("“Kortere ventetid” bliver stående")
    stored = await store.solutions.get("ventetid")
    assert stored is not None
    assert not stored.retired
    await mette.press("Ja, træk den tilbage")
    mette.expect("“Kortere ventetid” er trukket tilbage", "2 der prøver eller bruger den")
    stored = await store.solutions.get("ventetid")
    assert stored is not None
    assert stored.retired
    assert "ventetid" not in [m.solution.id for m in owned.services.kb.ask("ventetid visitation")]
    [*_, version] = await history(store, "ventetid")
    assert (version.kept.action, version.kept.by) == ("retire", "slack:U0METTE")
    [to_bo] = console.take(to="console:bo")
    assert (
        "Mette Hansen of Odense Kommune reports that “Kortere ventetid” is no longer used" in to_bo
    )
    [to_per] = slack.take(to="slack:U0PER")
    assert "Mette Hansen fra Odense Kommune melder, at “Kortere ventetid” ikke bruges" in to_per
    assert console.take(to="console:ida") == []
    await mette.press("Ja, træk den tilbage")  # pressed twice
    mette.expect("allerede trukket tilbage")


def test_the_interval_is_a_setting(tmp_path: object) -> None:
    assert Settings.from_env({}).confirm_months == 12
    assert Settings.from_env({"SPRED_CONFIRM_MONTHS": " 6 "}).confirm_months == 6
    for wrong in ("0", "121", "et år", "1.5", "-3"):
        with pytest.raises(ConfigError, match="SPRED_CONFIRM_MONTHS must be a whole number"):
            Settings.from_env({"SPRED_CONFIRM_MONTHS": wrong})


async def test_a_shorter_interval_asks_sooner(owned: Core, clock: Clock) -> None:
    six = replace(owned.services.settings, confirm_months=6)
    owned.services.settings = six
    inbox = Inbox(owned, "slack")
    await owned.owner_prompts.ask(clock())
    [mette] = inbox.take(to="slack:U0METTE")
    assert "Frisk løsning" not in mette  # June: five months ago
    clock.now = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    await owned.services.store.owner_prompts.delete("mette.hansen@odense.eksempel.dk")
    await owned.owner_prompts.ask(clock())
    [later] = inbox.take(to="slack:U0METTE")
    assert "Frisk løsning" in later


@pytest.mark.parametrize("read_already", [False, True])
async def test_due_are_those_confirmed_or_first_kept_long_enough_ago(
    store: Store, read_already: bool
) -> None:
    today = date(2026, 11, 2)
    solutions = [
        make_solution("confirmed-long-ago", confirmed="2025-09-01"),
        make_solution("confirmed-lately", confirmed="2026-06-01"),
        make_solution("kept-long-ago"),  # undated: its first version tells
        make_solution("kept-lately"),
        make_solution("no-history"),
        make_solution("retired-long-ago", confirmed="2025-01-01", retired=True),
    ]
    await store.solutions.upsert_many(solutions)

    def version(solution_id: str, n: int, at: datetime) -> SolutionVersion:
        return SolutionVersion(id=f"{solution_id}/{n}", solution_id=solution_id, number=n,
                               action="import", at=at)  # fmt: skip

    await store.solution_versions.upsert_many(
        [
            version("kept-long-ago", 1, LONG_AGO),
            version("kept-long-ago", 2, datetime(2026, 10, 1, tzinfo=UTC)),  # a later change
            version("kept-lately", 1, datetime(2026, 5, 1, tzinfo=UTC)),
        ]
    )
    among = solutions if read_already else None
    due = await due_solutions(store, today=today, months=12, among=among)
    assert sorted(s.id for s in due) == ["confirmed-long-ago", "kept-long-ago"]


async def test_an_owner_with_more_due_than_a_letter_shows_is_asked_about_each(
    core: Core, clock: Clock
) -> None:
    many = [
        make_solution(f"loesning-{n:02d}", title=f"Løsning {n:02d}", contacts=[JENS])
        for n in range(12)
    ]
    await _publish(core, *many, at=LONG_AGO)
    inbox = Inbox(core, "slack")

    async def asked_about() -> list[str]:
        assert await core.ask_owners_if_due() == 1
        [letter] = [n for n in inbox.notices if n.to == "slack:U0JENS"]
        inbox.notices.clear()
        return [c.title for c in letter.reply.cards]

    first = await asked_about()
    assert first == [f"Løsning {n:02d}" for n in range(10)]  # a letter shows ten
    clock.advance(days=7)  # unanswered: next week those not asked about come first
    second = await asked_about()
    assert second[:2] == ["Løsning 10", "Løsning 11"]
    assert len(second) == 10
    clock.advance(days=7)  # each asked about once: a new round, from the start
    assert await asked_about() == first
