"""The store's contract, run against every backend, and the file backend's durability."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import signal
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import pytest

from knowledge.records import (
    Adoption,
    Conversation,
    Demand,
    DemandStatus,
    Feedback,
    Introduction,
    Person,
    SeenEvent,
    Stage,
)
from knowledge.store import SCHEMA_VERSION, Store, StoreCorrupt, StoreError, open_store
from knowledge.store import durable as durable_module
from knowledge.store.schema import prepare
from tests.conftest import make_solution, solution_dict

ROOT = Path(__file__).resolve().parents[1]


async def test_upsert_get_all_count_delete(store: Store) -> None:
    assert await store.solutions.get("kortere-ventetid") is None
    first = make_solution()
    await store.solutions.upsert(first)
    assert await store.solutions.get("kortere-ventetid") == first
    await store.solutions.upsert(make_solution("andet-tiltag", title="Andet tiltag"))
    assert await store.solutions.count() == 2
    assert {s.id for s in await store.solutions.all()} == {"kortere-ventetid", "andet-tiltag"}
    assert sorted(await store.solutions.keys()) == ["andet-tiltag", "kortere-ventetid"]
    assert await store.solutions.delete("andet-tiltag") is True
    assert await store.solutions.delete("andet-tiltag") is False
    assert await store.solutions.count() == 1


async def test_upsert_replaces_the_whole_record(store: Store) -> None:
    await store.solutions.upsert(make_solution(**{"x-note": "gammel", "tags": ["a", "b"]}))
    await store.solutions.upsert(make_solution(title="Ny titel", tags=["c"]))
    stored = await store.solutions.get("kortere-ventetid")
    assert stored is not None
    assert stored.title == "Ny titel"
    assert stored.tags == ("c",)
    assert "x-note" not in stored.extra  # not merged with the old document


async def test_every_record_kind_round_trips(store: Store) -> None:
    when = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    records = [
        (store.people, Person(id="anna", name="Anna Berg", manager_id="bo", slack_id="U1")),
        (
            store.adoptions,
            Adoption(
                id="a1",
                solution_id="x",
                user="slack:U1",
                organization="Vejle Kommune",
                stage=Stage.PILOTING,
                updated_at=when,
            ),
        ),
        (
            store.demand,
            Demand(
                id="d1",
                question="hvad med ensomhed?",
                asker="teams:29:a",
                asked_at=when,
                status=DemandStatus.ANSWERED,
                answered_by="x",
                answered_at=when + timedelta(days=2),
            ),
        ),
        (
            store.introductions,
            Introduction(
                id="i1", solution_id="x", asker="console:a", asker_name="A", contact_name="M"
            ),
        ),
        (store.feedback, Feedback(id="f1", user="slack:U2", helpful=False, comment="for vagt")),
        (
            store.conversations,
            Conversation(conversation_key="slack:C1:U1", state="adding", data={"step": 2}),
        ),
        (store.seen_events, SeenEvent(event_key="slack:Ev1", expires_at=when)),
    ]
    for collection, record in records:
        await collection.upsert(record)
        assert await collection.get(record.key) == record


async def test_200_concurrent_upserts_lose_nothing(store: Store) -> None:
    solutions = [make_solution(f"tiltag-{i}", title=f"Tiltag {i}") for i in range(200)]
    await asyncio.gather(*(store.solutions.upsert(s) for s in solutions))
    assert await store.solutions.count() == 200
    assert {s.id for s in await store.solutions.all()} == {s.id for s in solutions}


def _count_up(record: Conversation | None) -> Conversation:
    n = 0 if record is None else int(record.data["n"])
    return Conversation(conversation_key="tæller", state="idle", data={"n": n + 1})


async def test_update_creates_changes_and_removes(store: Store) -> None:
    assert (await store.conversations.update("tæller", _count_up)).data == {"n": 1}
    assert (await store.conversations.update("tæller", _count_up)).data == {"n": 2}
    assert (await store.conversations.get("tæller")).data == {"n": 2}
    assert await store.conversations.update("tæller", lambda _: None) is None
    assert await store.conversations.get("tæller") is None
    with pytest.raises(ValueError, match="may not store"):
        await store.conversations.update("en-anden", _count_up)
    assert await store.conversations.get("tæller") is None


async def test_200_concurrent_updates_lose_no_change(store: Store) -> None:
    await asyncio.gather(*(store.conversations.update("tæller", _count_up) for _ in range(200)))
    assert (await store.conversations.get("tæller")).data == {"n": 200}


async def test_updates_by_two_processes_on_one_directory_lose_no_change(reopen) -> None:
    # Two stores on one directory each have their own thread and lock handle per file, as
    # two `spred serve` processes would: the file lock and re-read keep every change.
    first, second = await reopen(), await reopen()
    try:
        await asyncio.gather(
            *(
                s.conversations.update("tæller", _count_up)
                for _ in range(50)
                for s in (first, second)
            )
        )
        assert (await first.conversations.get("tæller")).data == {"n": 100}
    finally:
        await first.close()
        await second.close()


async def test_upsert_many_with_a_repeated_key_keeps_the_last(store: Store) -> None:
    await store.solutions.upsert_many([make_solution(title="Første"), make_solution(title="Anden")])
    stored = await store.solutions.get("kortere-ventetid")
    assert stored is not None
    assert stored.title == "Anden"


async def test_writes_survive_a_restart(tmp_path: Path, reopen) -> None:
    store = await reopen()
    await asyncio.gather(*(store.solutions.upsert(make_solution(f"s-{i}")) for i in range(50)))
    await store.demand.upsert(Demand(id="d1", question="ventetid?", asker="console:a"))
    await store.close()
    again: Store = await reopen()
    try:
        assert await again.solutions.count() == 50
        assert (await again.demand.get("d1")).question == "ventetid?"
    finally:
        await again.close()


async def test_each_collection_has_its_own_file(tmp_path: Path, reopen) -> None:
    store = await reopen()
    try:
        await store.solutions.upsert(make_solution())
        kb_file = tmp_path / "data" / "solutions.json"
        before = os.stat(kb_file)
        await store.conversations.upsert(Conversation(conversation_key="c:1:u", state="asking"))
        await store.seen_events.upsert(SeenEvent(event_key="slack:Ev1"))
        after = os.stat(kb_file)
        assert (before.st_ino, before.st_mtime_ns) == (after.st_ino, after.st_mtime_ns)
        assert (tmp_path / "data" / "conversations.json").exists()
    finally:
        await store.close()


async def test_a_write_leaves_no_temp_file_and_keeps_the_previous_version(
    tmp_path: Path, reopen
) -> None:
    store = await reopen()
    try:
        await store.solutions.upsert(make_solution(title="Version 1"))
        await store.solutions.upsert(make_solution(title="Version 2"))
    finally:
        await store.close()
    data = tmp_path / "data"
    assert not list(data.glob(".*.tmp"))
    current = orjson.loads((data / "solutions.json").read_bytes())
    backup = orjson.loads((data / "solutions.json.bak").read_bytes())
    assert current["solutions"]["kortere-ventetid"]["title"] == "Version 2"
    assert backup["solutions"]["kortere-ventetid"]["title"] == "Version 1"


async def test_a_failed_write_is_not_acknowledged_and_changes_nothing(
    reopen, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = await reopen()
    try:
        await store.solutions.upsert(make_solution(title="Gemt"))

        def disk_full(*args: object, **kwargs: object) -> None:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(durable_module, "write_atomically", disk_full)
        with pytest.raises(StoreError, match="No space left on device"):
            await store.solutions.upsert(make_solution(title="Tabt"))
        with pytest.raises(StoreError):
            await store.solutions.upsert(make_solution("nyt-tiltag"))
        assert (await store.solutions.get("kortere-ventetid")).title == "Gemt"
        assert await store.solutions.get("nyt-tiltag") is None
        monkeypatch.undo()
        await store.solutions.upsert(make_solution("nyt-tiltag"))
        assert await store.solutions.count() == 2
    finally:
        await store.close()


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b'{"solutions": {"a": {"id": "a", "tit', "invalid JSON at line 1"),
        (b"", "the file is empty"),
        (b"[1, 2]", "expected a JSON object"),
        (b'{"solutions": [1]}', "is not a JSON object"),
    ],
)
async def test_a_damaged_file_is_reported_at_start_up(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    data = tmp_path / "data"
    await (await open_store(data)).close()  # creates the directory and meta.json
    (data / "solutions.json").write_bytes(content)
    with pytest.raises(StoreCorrupt) as caught:
        await open_store(data)
    message = str(caught.value)
    assert str(data / "solutions.json") in message
    assert reason in message
    assert "No backup exists" in message


async def test_a_damaged_file_names_its_backup(tmp_path: Path, reopen) -> None:
    store = await reopen()
    await store.solutions.upsert(make_solution(title="1"))
    await store.solutions.upsert(make_solution(title="2"))
    await store.close()
    path = tmp_path / "data" / "solutions.json"
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])  # torn write
    with pytest.raises(StoreCorrupt, match=r"solutions\.json\.bak"):
        await reopen()


async def test_a_hand_edited_invalid_entry_is_named(tmp_path: Path, reopen) -> None:
    store = await reopen()
    await store.solutions.upsert(make_solution())
    await store.close()
    path = tmp_path / "data" / "solutions.json"
    data = orjson.loads(path.read_bytes())
    data["solutions"]["kortere-ventetid"]["results"] = []
    path.write_bytes(orjson.dumps(data))
    store = await reopen()
    try:
        with pytest.raises(StoreCorrupt, match=r"'kortere-ventetid'.*results") as caught:
            await store.solutions.all()
        assert "\n" not in str(caught.value)  # the CLI prints it as one line
    finally:
        await store.close()


async def test_schema_version_is_stored_and_a_newer_one_refused(tmp_path: Path) -> None:
    data = tmp_path / "data"
    store = await open_store(data)
    await store.close()
    assert orjson.loads((data / "meta.json").read_bytes()) == {"schema_version": SCHEMA_VERSION}
    (data / "meta.json").write_bytes(orjson.dumps({"schema_version": SCHEMA_VERSION + 1}))
    with pytest.raises(StoreError, match="newer Spred"):
        await open_store(data)


def test_migrations_run_in_order_once(tmp_path: Path) -> None:
    data = tmp_path / "data"
    prepare(data, version=1)
    ran: list[int] = []

    def step(n: int):
        return lambda directory: ran.append(n)

    assert prepare(data, version=3, migrations={1: step(1), 2: step(2)}) == 1
    assert ran == [1, 2]
    assert prepare(data, version=3, migrations={1: step(1), 2: step(2)}) == 3
    assert ran == [1, 2]
    with pytest.raises(StoreError, match="no migration from schema 3"):
        prepare(data, version=4, migrations={})


async def test_changes_by_another_process_are_seen_and_kept(tmp_path: Path, reopen) -> None:
    store = await reopen()
    try:
        await store.solutions.upsert(make_solution("her"))
        other = tmp_path / "other.json"
        other.write_bytes(orjson.dumps([solution_dict("fra-en-anden-proces")]))
        run = subprocess.run(
            [sys.executable, "-m", "bot", "import", str(other), "--data", str(tmp_path / "data")],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=False,
        )
        assert run.returncode == 0, run.stderr
        assert await store.solutions.get("fra-en-anden-proces") is not None
        await store.solutions.upsert(make_solution("bagefter"))
    finally:
        await store.close()
    again = await reopen()
    try:
        assert {s.id for s in await again.solutions.all()} == {
            "her",
            "fra-en-anden-proces",
            "bagefter",
        }
    finally:
        await again.close()


WRITER = textwrap.dedent(
    """
    import asyncio, sys
    from pathlib import Path
    from knowledge.store import open_store
    from tests.conftest import make_solution

    async def main():
        store = await open_store(Path(sys.argv[1]))
        i = 0
        while True:
            await store.solutions.upsert(make_solution(f"s-{i}", title="x" * 1500))
            print(i, flush=True)  # acknowledged: durable from here on
            i += 1

    asyncio.run(main())
    """
)


@pytest.mark.parametrize("kill_after", [5, 23, 61])
async def test_sigkill_mid_write_keeps_every_acknowledged_write(
    tmp_path: Path, reopen, kill_after: int
) -> None:
    data = tmp_path / "data"
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(data)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    acknowledged: list[int] = []
    assert child.stdout is not None
    try:
        for line in child.stdout:
            acknowledged.append(int(line))
            if len(acknowledged) >= kill_after:
                break
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    # The child was writing its next upsert when it died: the file must still load.
    store = await reopen()
    try:
        stored = {s.id for s in await store.solutions.all()}
    finally:
        await store.close()
    assert {f"s-{i}" for i in acknowledged} <= stored
    assert len(stored) in (len(acknowledged), len(acknowledged) + 1)


async def test_records_are_values(store: Store) -> None:
    """What get() returns cannot be changed behind the store's back."""
    await store.solutions.upsert(make_solution())
    got = await store.solutions.get("kortere-ventetid")
    with pytest.raises(dataclasses.FrozenInstanceError):
        got.title = "ændret"  # type: ignore[misc]


async def test_a_reload_decodes_only_what_changed(tmp_path: Path, reopen) -> None:
    """After another process wrote the file, the records it did not change are the ones
    already decoded (decoding validates: re-decoding a large knowledge base took seconds)."""
    store = await reopen()
    try:
        await store.solutions.upsert_many([make_solution("uroert"), make_solution("aendret")])
        before = {s.id: s for s in await store.solutions.all()}
        other = await reopen()  # another process: its own writer, lock and copy
        await other.solutions.upsert(make_solution("aendret", title="Ny titel"))
        await other.solutions.upsert(make_solution("ny"))
        await other.solutions.delete("uroert")
        await other.solutions.upsert(make_solution("uroert"))  # the same document again
        await other.close()
        after = {s.id: s for s in await store.solutions.all()}
        assert after["uroert"] is before["uroert"]
        assert after["aendret"].title == "Ny titel"
        assert sorted(after) == ["aendret", "ny", "uroert"]
        assert await store.solutions.get("uroert") is before["uroert"]
    finally:
        await store.close()
