"""What only the PostgreSQL backend has: several processes on one database, its schema, its
messages, and `spred transfer` between a data directory and a database. The store contract
itself runs on PostgreSQL through the `store` fixture (tests/conftest.py)."""

from __future__ import annotations

import asyncio
import secrets
import subprocess
import sys
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import psycopg
import pytest

from knowledge.records import (
    Adoption,
    Conversation,
    Demand,
    DemandStatus,
    LoginLink,
    Person,
    SeenEvent,
    Stage,
)
from knowledge.solutions import Solution
from knowledge.store import PostgresStore, Store, StoreError, open_store, postgres
from knowledge.store.postgres import SCHEMA_VERSION
from knowledge.store.query import Below
from tests.conftest import make_solution
from tests.dialogue import Chat

ROOT = Path(__file__).resolve().parents[1]


def _count_up(record: Conversation | None) -> Conversation:
    n = 0 if record is None else int(record.data["n"])
    return Conversation(conversation_key="tæller", state="idle", data={"n": n + 1})


async def _opened(url: str) -> Store:
    return await open_store(Path("unused"), database=url)


async def test_two_processes_updating_one_key_lose_no_change(database_url: str) -> None:
    # Two stores, each with its own pool of connections, as two `spred serve` processes.
    first, second = PostgresStore(database_url), PostgresStore(database_url)
    await first.open()
    await second.open()
    try:
        await asyncio.gather(
            *(
                s.conversations.update("tæller", _count_up)
                for _ in range(50)
                for s in (first, second)
            )
        )
        stored = await second.conversations.get("tæller")
        assert stored is not None
        assert stored.data == {"n": 100}
    finally:
        await first.close()
        await second.close()


async def test_version_changes_with_a_write_by_another_process(database_url: str) -> None:
    first, second = await _opened(database_url), await _opened(database_url)
    try:
        before = await first.solutions.version()
        await second.solutions.upsert(make_solution())
        after_upsert = await first.solutions.version()
        assert after_upsert != before
        await second.solutions.delete("kortere-ventetid")
        assert await first.solutions.version() != after_upsert
        assert await first.people.version() == 0  # another collection's writes do not count
    finally:
        await first.close()
        await second.close()


async def test_upsert_many_writes_all_or_nothing(database_url: str) -> None:
    store = await _opened(database_url)
    try:
        await store.conversations.upsert(Conversation(conversation_key="a", state="før"))
        # PostgreSQL refuses the second record's key, too long for its index, after the
        # first row is written.
        too_long = Conversation(conversation_key=secrets.token_hex(5000), state="x")
        with pytest.raises(StoreError, match="writing conversations: index row"):
            await store.conversations.upsert_many(
                [Conversation(conversation_key="a", state="efter"), too_long]
            )
        kept = await store.conversations.get("a")
        assert kept is not None
        assert kept.state == "før"
        assert await store.conversations.count() == 1
    finally:
        await store.close()


async def test_a_nul_character_is_kept_as_the_replacement_character(database_url: str) -> None:
    store = await _opened(database_url)
    try:
        data = {"question": "vente\x00tiden", "literal": "\\u0000", "k\x00": "v"}
        await store.conversations.upsert(Conversation(conversation_key="a", state="s", data=data))
        stored = await store.conversations.get("a")
        assert stored is not None
        assert stored.data == {"question": "vente\ufffdtiden", "literal": "\\u0000", "k\ufffd": "v"}
    finally:
        await store.close()


async def test_a_key_or_a_condition_with_a_nul_character_is_looked_up_as_stored(
    database_url: str,
) -> None:
    # A web address's %00 arrives as a NUL, which a text column cannot hold either.
    store = await _opened(database_url)
    try:
        assert await store.submissions.get("\x00") is None
        assert await store.submissions.find(org_id="slack:\x00") == []
        assert await store.submissions.delete("a\x00b") is False
        await store.conversations.upsert(Conversation(conversation_key="k\x00", state="s"))
        stored = await store.conversations.get("k\x00")
        assert stored is not None
        assert stored.conversation_key == "k\ufffd"  # kept as the JSON keeps it
        assert await store.conversations.keys() == ["k\ufffd"]
    finally:
        await store.close()


async def test_a_question_with_a_nul_character_is_answered(chat: Chat) -> None:
    # On every backend: PostgreSQL's JSONB cannot hold the NUL the question is kept with.
    await chat.send("hvordan får vi vente\x00tiden ned i hjemmeplejen?")
    chat.expect("Løsninger på")


async def test_two_stores_opening_at_once_migrate_once(database_url: str) -> None:
    stores = await asyncio.gather(_opened(database_url), _opened(database_url))
    for store in stores:
        await store.close()
    async with await psycopg.AsyncConnection.connect(database_url) as conn:
        cursor = await conn.execute("SELECT schema_version FROM spred_meta ORDER BY 1")
        assert await cursor.fetchall() == [(v,) for v in range(1, SCHEMA_VERSION + 1)]


async def test_a_database_from_a_newer_spred_is_refused(database_url: str) -> None:
    await (await _opened(database_url)).close()
    async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as conn:
        await conn.execute("INSERT INTO spred_meta VALUES (%s)", (SCHEMA_VERSION + 1,))
    with pytest.raises(StoreError, match="newer Spred") as refused:
        await _opened(database_url)
    assert "DATABASE_URL" in str(refused.value)


async def test_an_unreachable_database_is_named_without_its_password() -> None:
    url = "postgresql://spred:hemmeligt-ord@127.0.0.1:1/spred"
    with pytest.raises(StoreError) as refused:
        await _opened(url)
    message = str(refused.value)
    assert "127.0.0.1:1/spred" in message
    assert "hemmeligt-ord" not in message


def _spred(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


async def test_transfer_to_a_database_and_back_keeps_every_record(
    tmp_path: Path, database_url: str
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    assert _spred("load-demo", "--data", first).returncode == 0
    store = await open_store(first)
    await store.people.upsert(Person(id="slack:U1", name="Mette Hansen", unit="Hjemmeplejen"))
    await store.close()

    there = _spred("transfer", "--from", first, "--to", database_url)
    assert there.returncode == 0, there.stderr
    assert "solutions: 52\n" in there.stdout
    assert "people: 1\n" in there.stdout
    back = _spred("transfer", "--from", database_url, "--to", second)
    assert back.returncode == 0, back.stderr
    assert back.stdout.splitlines()[:-1] == there.stdout.splitlines()[:-1]

    exports = [_spred("export", "--data", d) for d in (first, second)]
    assert exports[0].returncode == 0
    assert exports[0].stdout == exports[1].stdout
    assert (first / "people.json").read_bytes() == (second / "people.json").read_bytes()


async def test_transfer_into_a_target_holding_other_records_names_the_collection(
    tmp_path: Path, database_url: str
) -> None:
    source = tmp_path / "source"
    assert _spred("load-demo", "--data", source).returncode == 0
    target = await _opened(database_url)
    await target.solutions.upsert(make_solution("kun-i-maalet"))
    await target.close()
    refused = _spred("transfer", "--from", source, "--to", database_url)
    assert refused.returncode != 0
    assert "solutions: 52 copied" in refused.stderr
    assert "holds 53" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_migrate_prints_the_schema_version(database_url: str) -> None:
    done = _spred("migrate", "--database", database_url)
    assert done.returncode == 0, done.stderr
    assert f"schema version {SCHEMA_VERSION}" in done.stdout
    assert "search_path" not in done.stdout  # where it is, not the whole URL


async def test_an_older_database_is_upgraded_one_step_at_a_time(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    await (await _opened(database_url)).close()
    step = "ALTER TABLE solutions ADD COLUMN IF NOT EXISTS title text"
    monkeypatch.setitem(postgres.MIGRATIONS, SCHEMA_VERSION, [step])
    assert await postgres.migrate(database_url, version=SCHEMA_VERSION + 1) == SCHEMA_VERSION
    async with await psycopg.AsyncConnection.connect(database_url) as conn:
        versions = await (await conn.execute("SELECT schema_version FROM spred_meta")).fetchall()
        assert sorted(versions) == [(v,) for v in range(1, SCHEMA_VERSION + 2)]
        await conn.execute("SELECT title FROM solutions")  # the step ran
    with pytest.raises(StoreError, match="no migration from schema"):
        await postgres.migrate(database_url, version=SCHEMA_VERSION + 3)


def test_transfer_from_a_missing_directory_copies_nothing(tmp_path: Path) -> None:
    refused = _spred("transfer", "--from", tmp_path / "stavefejl", "--to", tmp_path / "target")
    assert refused.returncode == 1
    assert refused.stderr.startswith(f"spred: transfer: {tmp_path / 'stavefejl'} is not a data")
    assert refused.stderr.count("\n") == 1
    assert not (tmp_path / "stavefejl").exists()
    assert not (tmp_path / "target").exists()


async def test_whole_collection_reads_keep_the_order_records_were_first_stored_in(
    database_url: str,
) -> None:
    # As the memory backend's dict keeps it (TinyDB's file keeps its own order): a test that
    # takes the first of several records finds the same one on PostgreSQL every run.
    store = await _opened(database_url)

    def talk(key: str, state: str = "s") -> Conversation:
        return Conversation(conversation_key=key, state=state)

    await store.conversations.upsert_many([talk("c"), talk("a")])
    await store.conversations.upsert(talk("b"))
    await store.conversations.upsert(talk("c", "ny"))  # rewritten where it stands
    assert await store.conversations.keys() == ["c", "a", "b"]
    assert [c.state for c in await store.conversations.all()] == ["ny", "s", "s"]
    await store.close()


async def test_two_processes_writing_the_same_keys_in_opposite_orders_both_finish(
    database_url: str,
) -> None:
    first, second = await _opened(database_url), await _opened(database_url)
    keys = [f"k{n}" for n in range(20)]
    try:
        for _ in range(10):
            await asyncio.gather(
                first.conversations.upsert_many(
                    [Conversation(conversation_key=k, state="first") for k in keys]
                ),
                second.conversations.upsert_many(
                    [Conversation(conversation_key=k, state="second") for k in reversed(keys)]
                ),
                *(second.conversations.update(k, _count_up_any) for k in keys[::3]),
            )
        assert await first.conversations.count() == len(keys)
    finally:
        await first.close()
        await second.close()


def _count_up_any(record: Conversation | None) -> Conversation | None:
    return None if record is None else Conversation(conversation_key=record.key, state="updated")


async def test_a_schema_1_database_gets_its_query_columns_filled(database_url: str) -> None:
    # A database as the first PostgreSQL Spred left it: records as JSONB, no query columns.
    async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as conn:
        names = {"names": [spec.name for spec in postgres.COLLECTIONS]}
        for statement in postgres.TABLES:
            await conn.execute(statement, names if "%(" in statement else None)
        await conn.execute(
            "CREATE TABLE spred_meta (schema_version int PRIMARY KEY,"
            " applied_at timestamptz NOT NULL DEFAULT now())"
        )
        await conn.execute("INSERT INTO spred_meta VALUES (1)")
        await conn.execute(
            "INSERT INTO people (key, data) VALUES ('p1', %s::jsonb), ('p2', %s::jsonb)",
            (
                '{"id": "p1", "name": "Anne", "slack_id": "U1", "organization": "",'
                ' "email": "Anne@Vejle.DK"}',
                '{"id": "p2", "name": "Bo", "slack_id": null}',
            ),
        )
        stored = make_solution("s1").to_dict()
        stored.pop("retired", None)  # a field at its default may be left out
        await conn.execute(
            "INSERT INTO solutions (key, data) VALUES ('s1', %s::jsonb)",
            (orjson.dumps(stored).decode(),),
        )
    assert await postgres.migrate(database_url) == 1
    store = await _opened(database_url)
    try:
        assert [p.name for p in await store.people.find(slack_id="U1")] == ["Anne"]
        assert [p.name for p in await store.people.find(slack_id=None)] == ["Bo"]
        assert [p.name for p in await store.people.find(organization=None)] == ["Anne", "Bo"]
        # a field the record computes, filled by reading the records
        assert [p.name for p in await store.people.find(email_key="anne@vejle.dk")] == ["Anne"]
        assert [x.id for x in await store.solutions.find(retired=False)] == ["s1"]
    finally:
        await store.close()


async def _older_database(
    conn: psycopg.AsyncConnection[Any], *, version: int, dropped: tuple[tuple[str, str], ...]
) -> None:
    """A database as a Spred at schema `version` (2 or later) left it: the query columns of
    then, which are today's but `dropped` ((table, field), …), and its versions listed."""
    names = {"names": [spec.name for spec in postgres.COLLECTIONS]}
    for statement in postgres.TABLES:
        await conn.execute(statement, names if "%(" in statement else None)
    for step in postgres.MIGRATIONS[1]:
        await conn.execute(step)
    for table, field in dropped:
        await conn.execute(f"ALTER TABLE {table} DROP COLUMN f_{field}")
    await conn.execute(
        "CREATE TABLE spred_meta (schema_version int PRIMARY KEY,"
        " applied_at timestamptz NOT NULL DEFAULT now())"
    )
    for applied in range(1, version + 1):
        await conn.execute("INSERT INTO spred_meta VALUES (%s)", (applied,))


async def test_a_schema_2_database_gets_the_columns_declared_since(database_url: str) -> None:
    # A database at schema 2 from before a solution's `confirmed` day was asked by.
    async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as conn:
        await _older_database(conn, version=2, dropped=(("solutions", "confirmed"),))
        for key, day in (("old", "2024-05-01"), ("new", "2026-05-01")):
            stored = make_solution(key, confirmed=day).to_dict()
            await conn.execute(
                "INSERT INTO solutions (key, data) VALUES (%s, %s::jsonb)",
                (key, orjson.dumps(stored).decode()),
            )
    assert await postgres.migrate(database_url) == 2  # the version it found
    store = await _opened(database_url)
    try:
        found = await store.solutions.find(confirmed=Below(date(2025, 1, 1)))
        assert [s.id for s in found] == ["old"]
        assert await store.solutions.find(confirmed=None) == []
    finally:
        await store.close()


async def test_a_schema_4_database_gets_the_columns_of_routing_the_login_and_roadshows(
    database_url: str,
) -> None:
    # A database at schema 4, from before routed questions and the web's login were kept.
    async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as conn:
        dropped = (
            ("routed", "to"),
            ("routed", "demand_id"),
            ("login_links", "user"),
            ("roadshows", "organiser"),
        )
        await _older_database(conn, version=4, dropped=dropped)
        link = LoginLink(token_hash="h1", user="slack:U1", expires_at=datetime.now(UTC))
        await conn.execute(
            "INSERT INTO login_links (key, data) VALUES (%s, %s::jsonb)",
            ("h1", orjson.dumps(link.to_dict()).decode()),
        )
    assert await postgres.migrate(database_url) == 4  # the version it found
    store = await _opened(database_url)
    try:
        assert [k.token_hash for k in await store.login_links.find(user="slack:U1")] == ["h1"]
        assert await store.routed.find(to="slack:U1") == []
        assert await store.roadshows.find(organiser="slack:U1") == []
    finally:
        await store.close()


async def test_a_schema_6_database_gets_the_columns_the_dashboard_sums_by(
    database_url: str,
) -> None:
    # A database at schema 6, from before the dashboard asked the store for its sums.
    async with await psycopg.AsyncConnection.connect(database_url, autocommit=True) as conn:
        dropped = (
            ("adoptions", "stage"),
            ("adoptions", "month"),
            ("adoptions", "organization_key"),
            ("demand", "question_key"),
            ("demand", "week"),
            ("demand", "waited_days"),
            ("demand", "answered_by"),
            ("demand", "routed_at"),
            ("nudges", "sent"),
            ("nudges", "planned"),
            ("adaptations", "organization_key"),
        )
        await _older_database(conn, version=6, dropped=dropped)
        asked = datetime(2026, 3, 2, 9, tzinfo=UTC)
        records = {
            "adoptions": Adoption(id="a1", solution_id="s1", user="slack:U1",
                                  organization="Vejle  Kommune", stage=Stage.ADOPTED,
                                  updated_at=asked),
            "demand": Demand(id="d1", question="Hvordan, Ældrepleje?", asker="slack:U1",
                             asked_at=asked, status=DemandStatus.ANSWERED, answered_by="s1",
                             answered_at=asked + timedelta(days=3)),
        }  # fmt: skip
        for table, record in records.items():
            await conn.execute(
                f"INSERT INTO {table} (key, data) VALUES (%s, %s::jsonb)",
                (record.key, orjson.dumps(record.to_dict()).decode()),
            )
    assert await postgres.migrate(database_url) == 6  # the version it found
    store = await _opened(database_url)
    try:
        by = ("stage", "month", "organization_key")
        assert await store.adoptions.tally(by=by) == {("adopted", "2026-03", "vejle kommune"): 1}
        by = ("question_key", "week", "waited_days")
        assert await store.demand.tally(by=by) == {("hvordan aeldrepleje", "2026-W10", 3): 1}
        assert [d.id for d in await store.demand.find(answered_by="s1")] == ["d1"]
    finally:
        await store.close()


async def test_reading_all_again_decodes_only_what_another_process_changed(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = await _opened(database_url), await _opened(database_url)
    try:
        await second.solutions.upsert_many([make_solution(f"s{i}") for i in range(5)])
        assert [s.id for s in await first.solutions.all()] == [f"s{i}" for i in range(5)]
        renamed = make_solution("s2", title="Ny titel")
        decoded: list[str] = []
        real = Solution.from_dict.__func__  # type: ignore[attr-defined]

        def counting(cls: type[Solution], raw: Mapping[str, Any]) -> Solution:
            decoded.append(raw["id"])
            return real(cls, raw)

        monkeypatch.setattr(Solution, "from_dict", classmethod(counting))
        await second.solutions.upsert(renamed)
        await second.solutions.delete("s4")
        again = await first.solutions.all()
        assert decoded == ["s2"]
        assert [s.id for s in again] == ["s0", "s1", "s2", "s3"]
        assert again[2].title == "Ny titel"
    finally:
        await first.close()
        await second.close()


def test_load_demo_if_empty_on_a_database_loads_once_and_says_where(database_url: str) -> None:
    first = _spred("load-demo", "--if-empty", "--database", database_url)
    assert first.returncode == 0, first.stderr
    assert "into PostgreSQL at 127.0.0.1:5432/" in first.stdout
    assert "search_path" not in first.stdout
    again = _spred("load-demo", "--if-empty", "--database", database_url)
    assert again.returncode == 0, again.stderr
    assert again.stdout == ""  # already holds solutions: nothing loaded


async def test_a_bulk_write_of_many_keys_fits_the_lock_table(database_url: str) -> None:
    # 20,000 keys' own locks would overflow PostgreSQL's lock table (64 per connection by
    # default, shared); a keyed update meanwhile waits for the bulk write or goes first.
    first, second = await _opened(database_url), await _opened(database_url)
    seen = [SeenEvent(event_key=f"slack:Ev{n}") for n in range(20_000)]
    try:
        await asyncio.gather(
            first.seen_events.upsert_many(seen),
            second.conversations.update("tæller", _count_up),
            second.seen_events.update("slack:Ev7", lambda current: current),
        )
        assert await second.seen_events.count() == 20_000
    finally:
        await first.close()
        await second.close()
