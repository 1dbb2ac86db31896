"""The store's queries, inserts and claims (`find`, `insert`, `claim`, `release`), on every
backend: what a request asks for instead of reading a whole collection."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from knowledge.records import (
    Adoption,
    Demand,
    DemandStatus,
    Letter,
    Nudge,
    NudgeState,
    Organisation,
    Person,
    SeenEvent,
    Stage,
)
from knowledge.store import Store, open_store
from knowledge.store.query import Below, OneOf, largest
from tests.conftest import make_solution

T0 = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)


def _letter(n: int, *, to: str = "slack:U1", delivered: bool = False) -> Letter:
    return Letter(
        id=f"l{n}",
        to=to,
        kind="note",
        reply={"text": str(n)},
        created_at=T0 + timedelta(minutes=n),
        delivered_at=T0 + timedelta(hours=1) if delivered else None,
    )


async def test_find_by_equality_one_of_unset_and_below(store: Store) -> None:
    await store.outbox.upsert_many(
        [_letter(1), _letter(2, to="slack:U2"), _letter(3, delivered=True), _letter(4)]
    )
    ids = lambda letters: [letter.id for letter in letters]  # noqa: E731
    assert ids(await store.outbox.find(to="slack:U1")) == ["l1", "l3", "l4"]
    assert ids(await store.outbox.find(to="slack:U1", delivered_at=None)) == ["l1", "l4"]
    assert ids(await store.outbox.find(to=OneOf("slack:U2", "slack:U9"))) == ["l2"]
    assert ids(await store.outbox.find(to=OneOf())) == []
    before = T0 + timedelta(minutes=2, seconds=30)
    assert ids(await store.outbox.find(created_at=Below(before))) == ["l1", "l2"]
    assert ids(await store.outbox.find(delivered_at=Below(T0 + timedelta(days=1)))) == ["l3"]
    assert ids(await store.outbox.find(delivered_at=None, limit=2)) == ["l1", "l2"]
    assert ids(await store.outbox.find()) == ["l1", "l2", "l3", "l4"]


async def test_find_follows_changes_and_deletions(store: Store) -> None:
    await store.outbox.upsert_many([_letter(1), _letter(2)])
    await store.outbox.upsert(_letter(1, delivered=True))
    await store.outbox.delete("l2")
    assert await store.outbox.find(delivered_at=None) == []
    assert [x.id for x in await store.outbox.find(to="slack:U1")] == ["l1"]


async def test_empty_text_and_enums_compare_as_stored(store: Store) -> None:
    await store.people.upsert_many(
        [
            Person(id="p1", name="Anne", slack_id="U1", organization="Vejle Kommune"),
            Person(id="p2", name="Bo", organization=""),
        ]
    )
    assert [p.id for p in await store.people.find(slack_id="U1")] == ["p1"]
    assert [p.id for p in await store.people.find(slack_id=None)] == ["p2"]
    assert [p.id for p in await store.people.find(organization="")] == ["p2"]
    nudge = Nudge(id="n1", manager_id="p1", solution_id="s1", due_at=T0, created_at=T0)
    await store.nudges.upsert(nudge)
    assert await store.nudges.find(state=NudgeState.SCHEDULED) == [nudge]
    assert await store.nudges.find(state="scheduled", due_at=Below(T0)) == []


async def test_an_undeclared_field_is_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="cannot be queried by reply"):
        await store.outbox.find(reply="x")
    with pytest.raises(ValueError, match=r"CollectionSpec\.fields"):
        await store.outbox.claim(now=T0, until=T0, limit=1, kind="note")


async def test_insert_stores_only_a_new_key(store: Store) -> None:
    first = SeenEvent(event_key="slack:Ev1", seen_at=T0)
    assert await store.seen_events.insert(first) is True
    again = SeenEvent(event_key="slack:Ev1", seen_at=T0 + timedelta(hours=1))
    assert await store.seen_events.insert(again) is False
    assert await store.seen_events.get("slack:Ev1") == first


async def test_of_many_inserting_one_key_exactly_one_wins(store: Store) -> None:
    events = [
        SeenEvent(event_key="slack:Ev2", seen_at=T0 + timedelta(seconds=n)) for n in range(20)
    ]
    won = await asyncio.gather(*(store.seen_events.insert(e) for e in events))
    assert won.count(True) == 1
    assert await store.seen_events.count() == 1


async def test_claims_are_exclusive_until_they_expire_or_end(store: Store) -> None:
    await store.outbox.upsert_many([_letter(n) for n in range(1, 6)] + [_letter(9, delivered=True)])
    until = T0 + timedelta(minutes=1)
    first = await store.outbox.claim(now=T0, until=until, limit=2, delivered_at=None)
    assert [x.id for x in first] == ["l1", "l2"]
    rest = await store.outbox.claim(now=T0, until=until, limit=10, delivered_at=None)
    assert [x.id for x in rest] == ["l3", "l4", "l5"]
    assert await store.outbox.claim(now=T0, until=until, limit=10, delivered_at=None) == []
    # released, written, or expired: claimable again
    await store.outbox.release(["l1"])
    await store.outbox.upsert(_letter(2))
    again = await store.outbox.claim(now=T0, until=until, limit=10, delivered_at=None)
    assert sorted(x.id for x in again) == ["l1", "l2"]
    later = await store.outbox.claim(now=until, until=until + timedelta(minutes=1), limit=10)
    assert sorted(x.id for x in later) == ["l1", "l2", "l3", "l4", "l5", "l9"]


async def test_concurrent_claims_never_share_a_record(store: Store) -> None:
    await store.outbox.upsert_many([_letter(n) for n in range(40)])
    until = T0 + timedelta(minutes=1)
    rounds = await asyncio.gather(
        *(store.outbox.claim(now=T0, until=until, limit=7, delivered_at=None) for _ in range(8))
    )
    claimed = [letter.id for batch in rounds for letter in batch]
    assert sorted(claimed) == sorted(f"l{n}" for n in range(40))


async def test_a_claim_changes_no_version(store: Store) -> None:
    await store.outbox.upsert(_letter(1))
    version = await store.outbox.version()
    await store.outbox.claim(now=T0, until=T0 + timedelta(minutes=1), limit=1)
    assert await store.outbox.version() == version


async def test_computed_fields_find_folded_names_and_addresses(store: Store) -> None:
    await store.people.upsert_many(
        [
            Person(id="p1", name="Anne", email="Anne.Holm@Vejle.dk", organization="Vejle  Kommune"),
            Person(id="p2", name="Bo", organization="Århus Kommune"),
        ]
    )
    assert [p.id for p in await store.people.find(email_key="anne.holm@vejle.dk")] == ["p1"]
    assert [p.id for p in await store.people.find(organization_key="vejle kommune")] == ["p1"]
    assert [p.id for p in await store.people.find(email_key=None)] == ["p2"]
    await store.organisations.upsert(
        Organisation(id="slack:T1", platform="slack", name="VEJLE kommune")
    )
    await store.organisations.upsert(Organisation(id="slack:T2", platform="slack"))
    assert [o.id for o in await store.organisations.find(name_key="vejle kommune")] == ["slack:T1"]
    assert [o.id for o in await store.organisations.find(name_key=None)] == ["slack:T2"]


async def test_find_gives_what_a_filter_of_all_gives_through_writes(store: Store) -> None:
    # Every kind of write, then each kind of condition: find must agree with reading all
    # (the TinyDB backend answers from its in-process index, kept up to date by writes).
    await store.outbox.upsert_many([_letter(n, to=f"slack:U{n % 3}") for n in range(12)])
    assert len(await store.outbox.find(to="slack:U0")) == 4  # TinyDB: the index is built
    await store.outbox.upsert(_letter(4, to="slack:U2"))  # rewritten: moved to another user
    await store.outbox.upsert_many([_letter(20, to="slack:U1"), _letter(1, to="slack:U1")])
    await store.outbox.delete("l7")
    await store.outbox.update("l5", lambda letter: None)
    assert await store.outbox.insert(_letter(21, to="slack:U0")) is True
    everything = await store.outbox.all()
    for to in ("slack:U0", "slack:U1", "slack:U2", "slack:U9"):
        wanted = [x.id for x in everything if x.to == to]
        assert [x.id for x in await store.outbox.find(to=to)] == wanted
    both = [x.id for x in everything if x.to in ("slack:U0", "slack:U2")]
    assert [x.id for x in await store.outbox.find(to=OneOf("slack:U0", "slack:U2"))] == both
    assert [x.id for x in await store.outbox.find(to="slack:U1", limit=2)] == [
        x.id for x in everything if x.to == "slack:U1"
    ][:2]


async def test_tinydb_find_sees_what_another_process_wrote(tmp_path: Path) -> None:
    first, second = await open_store(tmp_path / "data"), await open_store(tmp_path / "data")
    try:
        await first.outbox.upsert_many([_letter(1), _letter(2, to="slack:U2")])
        assert [x.id for x in await first.outbox.find(to="slack:U1")] == ["l1"]  # indexed now
        await second.outbox.upsert(_letter(3))
        await second.outbox.delete("l1")
        assert [x.id for x in await first.outbox.find(to="slack:U1")] == ["l3"]
    finally:
        await first.close()
        await second.close()


async def test_a_field_a_stored_form_leaves_out_is_found_as_the_record_reads(store: Store) -> None:
    # A solution is stored without `retired` while it is not: TinyDB's index reads the record.
    await store.solutions.upsert_many(
        [make_solution("in-use"), make_solution("gone", retired=True)]
    )
    assert [s.id for s in await store.solutions.find(retired=False)] == ["in-use"]
    assert [s.id for s in await store.solutions.find(retired=True)] == ["gone"]


# --- tally: the sums a dashboard asks the store for, on every backend


async def test_tally_counts_each_group_under_the_conditions(store: Store) -> None:
    def adoption(n: int, stage: Stage, organization: str, *, month: int = 3) -> Adoption:
        return Adoption(id=f"a{n}", solution_id=f"s{n % 2}", user=f"slack:U{n}",
                        organization=organization, stage=stage,
                        updated_at=datetime(2026, month, 10, tzinfo=UTC))  # fmt: skip

    await store.adoptions.upsert_many(
        [
            adoption(1, Stage.ADOPTED, "Vejle Kommune"),
            adoption(2, Stage.ADOPTED, "vejle  kommune"),
            adoption(3, Stage.INTERESTED, "Odense Kommune", month=4),
            adoption(4, Stage.ADOPTED, "Odense Kommune"),
            adoption(5, Stage.PILOTING, ""),
        ]
    )
    tally = store.adoptions.tally
    assert await tally(by=("stage",)) == {("adopted",): 3, ("interested",): 1, ("piloting",): 1}
    assert await tally(by=("solution_id", "organization_key"), stage=Stage.ADOPTED) == {
        ("s1", "vejle kommune"): 1,
        ("s0", "vejle kommune"): 1,
        ("s0", "odense kommune"): 1,
    }
    assert await tally(by=("organization",), stage=OneOf(Stage.PILOTING)) == {(None,): 1}
    assert await tally(by=("month", "stage"), organization_key="odense kommune") == {
        ("2026-04", "interested"): 1,
        ("2026-03", "adopted"): 1,
    }
    assert await tally(by=("stage",), solution_id="s9") == {}
    assert await tally(by=("stage",), stage=OneOf()) == {}
    # a change and a deletion are counted as they are now
    await store.adoptions.upsert(adoption(5, Stage.ADOPTED, "Aarhus Kommune"))
    await store.adoptions.delete("a1")
    assert await tally(by=("stage",)) == {("adopted",): 3, ("interested",): 1}


async def test_tally_groups_by_flags_and_numbers_with_moments_as_conditions(store: Store) -> None:
    asked = datetime(2026, 3, 2, 9, tzinfo=UTC)  # a Monday: week 10
    await store.demand.upsert_many(
        [
            Demand(id="d1", question="Ældrepleje?", asker="u1", asked_at=asked),
            Demand(id="d2", question="ældrepleje", asker="u2", asked_at=asked,
                   status=DemandStatus.ANSWERED, answered_at=asked + timedelta(days=2)),
            Demand(id="d3", question="Skole", asker="u3", asked_at=asked - timedelta(days=7)),
        ]
    )  # fmt: skip
    await store.nudges.upsert_many(
        [
            Nudge(id="n1", manager_id="m1", solution_id="s1", sent_at=asked, plan={"x": 1}),
            Nudge(id="n2", manager_id="m1", solution_id="s1", sent_at=asked),
            Nudge(id="n3", manager_id="m2", solution_id="s1"),
        ]
    )
    by = ("question_key", "waited_days")
    assert await store.demand.tally(by=by) == {
        ("aeldrepleje", None): 1,
        ("aeldrepleje", 2): 1,
        ("skole", None): 1,
    }
    # a moment as a condition, not a group (the backends that index count the records then)
    assert await store.demand.tally(by=("week",), asked_at=Below(asked)) == {("2026-W09",): 1}
    assert await store.nudges.tally(by=("sent", "planned")) == {
        (True, True): 1,
        (True, False): 1,
        (False, False): 1,
    }
    assert await store.nudges.tally(by=("manager_id",), sent=True) == {("m1",): 2}


async def test_tally_refuses_what_it_cannot_group_by(store: Store) -> None:
    with pytest.raises(ValueError, match="cannot be queried by colour"):
        await store.adoptions.tally(by=("colour",))
    with pytest.raises(ValueError, match="cannot be grouped by asked_at"):
        await store.demand.tally(by=("asked_at",))
    with pytest.raises(ValueError, match="needs at least one field"):
        await store.demand.tally(by=())


async def test_tally_gives_the_largest_groups_first_in_one_order_everywhere(store: Store) -> None:
    solutions = ["s-b", "s-a", "s-æ", "s-c", "s-b", "s-c", "s-b", "s-Z"]
    await store.adoptions.upsert_many(
        Adoption(id=f"a{n}", solution_id=s, user=f"u{n}", organization="")
        for n, s in enumerate(solutions)
    )
    tally = store.adoptions.tally
    # largest first; as large: by the value, code point by code point ("Z" before "a")
    assert list((await tally(by=("solution_id",), most=4)).items()) == [
        (("s-b",), 3),
        (("s-c",), 2),
        (("s-Z",), 1),
        (("s-a",), 1),
    ]
    assert list(await tally(by=("solution_id",), most=10)) == [
        ("s-b",), ("s-c",), ("s-Z",), ("s-a",), ("s-æ",)
    ]  # fmt: skip
    assert await tally(by=("solution_id",), most=0) == {}
    # unset last among groups as large
    await store.adoptions.upsert(
        Adoption(id="q", solution_id="s-q", user="u", organization="Odense")
    )
    by = ("organization", "solution_id")
    assert list(await tally(by=by, most=5, solution_id=OneOf("s-a", "s-q"))) == [
        ("Odense", "s-q"),
        (None, "s-a"),
    ]


def test_largest_is_the_head_of_the_whole_order() -> None:
    rng = random.Random(7)
    for _ in range(200):
        counts = {
            (rng.choice(["a", "b", "Z", "æ", None]), rng.choice(["x", "y", None]), n): rng.randint(
                1, 4
            )
            for n in range(rng.randint(0, 30))
        }
        whole = sorted(
            counts.items(),
            key=lambda item: (
                -item[1],
                tuple((v is None, "" if v is None else v) for v in item[0]),
            ),
        )
        for most in (0, 1, 3, 10, 40):
            assert list(largest(counts, most).items()) == whole[:most]


async def test_tally_counts_different_values_when_asked(store: Store) -> None:
    people = [("s1", "Vejle Kommune"), ("s1", "vejle  kommune"), ("s1", "Odense Kommune"),
              ("s2", "Odense Kommune"), ("s2", ""), ("s3", "")]  # fmt: skip
    await store.adoptions.upsert_many(
        Adoption(id=f"a{n}", solution_id=s, user=f"u{n}", organization=o)
        for n, (s, o) in enumerate(people)
    )
    organisations = await store.adoptions.tally(by=("solution_id",), distinct="organization_key")
    # two spellings of Vejle are one; an adoption without an organisation counts none
    assert organisations == {("s1",): 2, ("s2",): 1}
    assert await store.adoptions.tally(
        by=("solution_id",), distinct="organization_key", most=1
    ) == {("s1",): 2}
    with pytest.raises(ValueError, match="cannot be queried by colour"):
        await store.adoptions.tally(by=("solution_id",), distinct="colour")
    with pytest.raises(ValueError, match="cannot be grouped by asked_at"):
        await store.demand.tally(by=("status",), distinct="asked_at")
