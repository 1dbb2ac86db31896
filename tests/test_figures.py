"""Figures that stay true: each solution's owner and confirmed day, how fresh an answer's
evidence is, and every change kept as a version (knowledge/versions.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from bot.core import Core
from knowledge.kb import KnowledgeBase
from knowledge.lexicon import Lexicon
from knowledge.matcher import Matcher
from knowledge.records import Person
from knowledge.solutions import Contact, Solution, parse_solutions
from knowledge.store import Store
from knowledge.validation import ValidationError
from knowledge.versions import history, undo
from tests.conftest import Clock, make_solution, solution_dict
from tests.dialogue import Chat

TWO_CONTACTS = [
    {"name": "Mette Hansen", "email": "mette.hansen@odense.eksempel.dk"},
    {"name": "Jens Graver", "slack_id": "U0JENS"},
]
MARCH = datetime(2026, 3, 14, 10, 0, tzinfo=UTC)


# --- owner and confirmed day, validated as an import is


def test_the_owner_is_the_first_contact_unless_another_is_named() -> None:
    first = make_solution(contacts=TWO_CONTACTS)
    assert (first.owner, first.owner_contact.name) == ("", "Mette Hansen")
    assert "owner" not in first.to_dict()  # old exports stay as they were
    named = make_solution(contacts=TWO_CONTACTS, owner="U0JENS", confirmed="2026-03-14")
    assert named.owner_contact.name == "Jens Graver"
    assert named.confirmed == date(2026, 3, 14)
    assert Solution.from_dict(named.to_dict()) == named  # export → import
    assert named.to_dict()["confirmed"] == "2026-03-14"
    by_mail = make_solution(contacts=TWO_CONTACTS, owner="METTE.HANSEN@odense.eksempel.dk")
    assert by_mail.owner_contact.name == "Mette Hansen"


def test_an_owner_or_day_that_does_not_fit_is_refused_naming_the_field() -> None:
    batch = parse_solutions(
        [
            solution_dict("a", owner="Someone Else"),
            solution_dict("b", confirmed="14. marts"),
            solution_dict("c", confirmed="2026-02-30"),
            solution_dict("d", confirmed="14-03-2026"),  # as a Danish spreadsheet writes it
            solution_dict("e", confirmed="2026-03-14T09:30:00Z"),  # as a moment is exported
        ]
    )
    assert [e.path for e in batch.errors] == [
        "solutions[0].owner",
        "solutions[1].confirmed",
        "solutions[2].confirmed",
    ]
    assert "none of the contacts" in batch.errors[0].message
    assert "expected a day like 2026-03-14" in batch.errors[1].message
    assert [s.confirmed for s in batch.solutions] == [date(2026, 3, 14)] * 2
    with pytest.raises(ValidationError):
        Solution.from_dict(solution_dict(owner=["not", "text"]))


# --- every change kept


async def test_every_change_keeps_its_version_and_can_be_undone(store: Store) -> None:
    kb = KnowledgeBase(store=store, matcher=Matcher())
    [first] = await kb.publish([make_solution()], by="console:admin", at=MARCH)
    assert first.confirmed == date(2026, 3, 14)  # dated when first stored
    later = datetime(2026, 6, 1, tzinfo=UTC)
    edited = replace(first, results=(replace(first.results[0], after=2),), confirmed=None)
    [stored] = await kb.publish([edited], by="slack:U1", at=later, action="edit")
    assert stored.confirmed == date(2026, 3, 14)  # an edit keeps the day it had
    await kb.publish([stored], by="slack:U1", at=later)  # as it was: nothing to keep
    await kb.retire(first.id, by="slack:U2", at=later)

    versions = await history(store, first.id)
    assert [(v.kept.number, v.kept.action, v.kept.by) for v in versions] == [
        (1, "publish", "console:admin"),
        (2, "edit", "slack:U1"),
        (3, "retire", "slack:U2"),
    ]
    assert versions[0].kept.previous is None
    assert versions[0].changes()[0].field == "id"  # created: every field is new
    assert [(c.field, c.before, c.after) for c in versions[1].changes()] == [
        ("results[0].after", 3, 2)
    ]
    assert [(c.field, c.before, c.after) for c in versions[2].changes()] == [
        ("retired", None, True)
    ]

    restored = await undo(store, first.id, by="console:admin", at=later)
    assert restored is not None
    assert not restored.retired
    assert await store.solutions.get(first.id) == restored
    assert [v.kept.action for v in await history(store, first.id)][-1] == "undo"


async def test_the_first_version_has_nothing_to_undo(store: Store) -> None:
    kb = KnowledgeBase(store=store, matcher=Matcher())
    await kb.publish([make_solution()], by="cli", at=MARCH)
    assert await undo(store, "kortere-ventetid", by="cli", at=MARCH) is None
    assert await undo(store, "findes-ikke", by="cli", at=MARCH) is None
    assert len(await history(store, "kortere-ventetid")) == 1


async def test_an_admin_edit_in_chat_is_kept_with_who_made_it(
    admin: Chat, core: Core, clock: Clock
) -> None:
    store = core.services.store
    await admin.send("ret hurtig-opstart-i-hjemmeplejen titel")
    admin.expect("Nuværende titel: Opstartsteam")
    await admin.send("Hurtig opstart af hjemmehjælp")
    admin.expect("Hurtig opstart af hjemmehjælp")
    [version] = await history(store, "hurtig-opstart-i-hjemmeplejen")
    kept = version.kept
    assert (kept.action, kept.by, kept.at) == ("edit", "console:admin", clock())
    [change] = version.changes()  # the demo's solutions stay undated: an edit confirms nothing
    assert (change.field, change.after) == ("title", "Hurtig opstart af hjemmehjælp")


async def test_an_admin_undoes_an_edit_in_chat_and_others_may_not(
    admin: Chat, chat: Chat, core: Core
) -> None:
    store = core.services.store
    solution_id = "hurtig-opstart-i-hjemmeplejen"
    before = await store.solutions.get(solution_id)
    assert before is not None
    await admin.send(f"fortryd {solution_id}")  # stored before Spred kept versions
    admin.expect("er ikke ændret, siden den blev gemt første gang")
    await admin.send(f"ret {solution_id} titel")
    admin.expect("Nuværende titel")
    await admin.send("En forkert titel")
    admin.expect("er opdateret")
    await chat.send(f"fortryd {solution_id}")
    chat.expect("Det er kun Spreds administratorer, der kan det.")
    await admin.send(f"undo {solution_id}")
    admin.expect("er som før den seneste ændring", f"fortryd {solution_id}")
    assert await store.solutions.get(solution_id) == before
    await chat.send("hurtig opstart i hjemmeplejen")  # answers use it at once
    chat.expect(before.title)
    assert [v.kept.action for v in await history(store, solution_id)] == ["edit", "undo"]


async def test_the_owner_confirms_the_results_and_no_one_else_may(
    chat: Chat, core: Core, clock: Clock
) -> None:
    store = core.services.store
    solution_id = "hurtig-opstart-i-hjemmeplejen"
    solution = await store.solutions.get(solution_id)
    assert solution is not None
    anna_mail = "anna.holm@odense.eksempel.dk"
    await store.people.upsert(
        Person(id="anna", name="Anna Holm", email=anna_mail, organization="Odense Kommune")
    )
    owned = replace(
        solution,
        contacts=(*solution.contacts, Contact(name="Anna Holm", email=anna_mail)),
        owner=anna_mail.upper(),
        confirmed=date(2024, 1, 5),
    )
    await core.services.kb.publish([owned], by="cli", at=clock())
    bo = chat.as_user(user_id="bo", user_name="Bo Berg")
    await bo.send(f"bekræft {solution_id}")
    bo.expect("Det er Anna Holm, der står for tallene")
    assert (await store.solutions.get(solution_id)) == owned

    await chat.send(f"bekræft {solution_id}")
    chat.expect("er bekræftet i dag")
    confirmed = await store.solutions.get(solution_id)
    assert confirmed is not None
    assert confirmed.confirmed == clock().date()
    last = (await history(store, solution_id))[-1]
    assert (last.kept.action, last.kept.by) == ("confirm", "console:anna")
    assert [(c.field, c.after) for c in last.changes()] == [("confirmed", "2026-11-02")]
    await chat.send("hurtig opstart i hjemmeplejen")
    chat.expect("Resultater bekræftet november 2026")
    clock.advance(days=40)
    admin = chat.as_user(user_id="admin", user_name="Bo Admin")  # an admin may, for her
    await admin.send(f"confirm {solution_id}")
    admin.expect("er bekræftet i dag")
    assert (await history(store, solution_id))[-1].kept.by == "console:admin"

    await core.services.kb.retire(solution_id, by="cli", at=clock())
    await chat.send(f"confirm {solution_id}")
    chat.expect("er trukket tilbage og bruges ikke længere")


# --- how fresh the evidence is


async def test_an_answer_says_when_its_results_were_confirmed_and_when_they_are_stale(
    chat: Chat, core: Core, clock: Clock
) -> None:
    kb = core.services.kb
    solution = await core.services.store.solutions.get("hurtig-opstart-i-hjemmeplejen")
    assert solution is not None
    await kb.publish([replace(solution, confirmed=date(2026, 3, 14))], by="cli", at=clock())
    await chat.send("hurtig opstart i hjemmeplejen")
    reply = chat.expect("Resultater bekræftet marts 2026")
    assert "ikke bekræftet" not in reply.cards[0].freshness

    clock.now = datetime(2027, 9, 15, 9, 0, tzinfo=UTC)  # 18 months and a day later
    await chat.send("hurtig opstart i hjemmeplejen")
    chat.expect("Resultaterne er ikke bekræftet siden marts 2026 – tallene kan være forældede")
    await chat.send("english")
    chat.expect()
    await chat.send("hurtig opstart i hjemmeplejen")
    chat.expect("The results have not been confirmed since March 2026")


@pytest.mark.parametrize("stale_first", [True, False])
async def test_of_two_equally_relevant_the_fresher_comes_first(
    store: Store, lexicon: Lexicon, stale_first: bool
) -> None:
    old, new = date(2024, 1, 10), date(2026, 5, 1)
    ids = ("a-ventetid", "b-ventetid")
    kb = KnowledgeBase(store=store, matcher=Matcher(lexicon=lexicon))
    days = (old, new) if stale_first else (new, old)
    await kb.publish(
        [make_solution(i, confirmed=d.isoformat()) for i, d in zip(ids, days, strict=True)]
    )
    question = "kortere ventetid visitation hjemmeplejen"
    plain = kb.ask(question, top=2)
    assert len(plain) == 2
    assert plain[0].score == plain[1].score  # equally relevant
    today = date(2026, 11, 2)
    fresh = await kb.search(question, top=2, today=today)
    assert [m.solution.confirmed for m in fresh] == [new, old]
    assert [m.score for m in fresh] == [m.score for m in plain]  # scores as they were
    # a day within 18 months is not stale: the matcher's order stands
    assert kb.ask(question, top=2, today=date(2025, 7, 10)) == plain


async def test_a_clearly_better_stale_answer_still_comes_first(
    store: Store, lexicon: Lexicon
) -> None:
    kb = KnowledgeBase(store=store, matcher=Matcher(lexicon=lexicon))
    stale = make_solution("stale", confirmed="2020-01-01")
    other = make_solution(
        "other",
        title="Fælles maskinpulje til snerydning",
        summary="Kirkegårdene deler maskiner og har lidt ventetid.",
        confirmed="2026-10-01",
        tags=["snerydning"],
    )
    await kb.publish([stale, other])
    found = kb.ask("kortere ventetid visitation hjemmeplejen", top=2, today=date(2026, 11, 2))
    assert found[0].solution.id == "stale"
