"""Several instances on one PostgreSQL database: a solution stored by one is answered from by
all at once (LISTEN/NOTIFY), and a database that breaks its connections or goes away and
comes back is used again without a restart, the users meanwhile getting an apology."""

from __future__ import annotations

import asyncio
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import orjson
import psycopg
import pytest
from aiohttp.test_utils import TestServer

from bot.config import Settings
from bot.i18n import say
from bot.server import build_app
from knowledge.kb import KnowledgeBase
from knowledge.lexicon import Lexicon
from knowledge.matcher import Matcher
from knowledge.records import Conversation, SeenEvent
from knowledge.store import MemoryStore, PostgresStore, Store, StoreError, connections, open_store
from knowledge.store.connections import Attempt
from tests.conftest import TEST_DATABASE_URL, make_solution, postgres_schema, solution_dict
from tests.db_proxy import Relay
from tests.teams_mock import Connector, Posted, message
from tests.test_cli import base_env

ROOT = Path(__file__).resolve().parents[1]
QUESTION = "hvordan screener vi sproget hos tosprogede børn i dagtilbud?"
TITLE = "Sprogscreening af tosprogede børn i dagtilbud"
OPSTART = "Opstartsteam sikrer hjemmehjælp"  # a demo solution the question below finds


def _sprog() -> dict[str, Any]:
    return solution_dict(
        "sprogscreening",
        title=TITLE,
        problem="Tosprogede børn fik først sprogstøtte i skolen.",
        summary="Sprogscreening af alle tosprogede børn i dagtilbud ved tre år.",
        tags=["sprog", "screening", "tosprogede", "dagtilbud"],
        domains=["dagtilbud"],
    )


def _named(url: str) -> tuple[str, str]:
    """`url` with an application_name of its own, so a test can find its connections."""
    name = f"spred_{secrets.token_hex(4)}"
    return f"{url}&application_name={name}", name


async def _terminate(name: str) -> int:
    """Ends every connection whose application_name is `name`, as a failover or an
    administrator would (pg_terminate_backend); how many it ended."""
    async with await psycopg.AsyncConnection.connect(TEST_DATABASE_URL, autocommit=True) as admin:
        cursor = await admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE application_name = %s",
            (name,),
        )
        row = await cursor.fetchone()
        assert row is not None
        return int(row[0])


async def _next(changes: AsyncIterator[str], within: float = 10) -> str:
    async with asyncio.timeout(within):
        return await anext(changes)


# --- the change feed


async def test_a_solution_stored_by_one_process_is_told_to_another(database_url: str) -> None:
    url, name = _named(database_url)
    watching, writing = PostgresStore(url), PostgresStore(database_url)
    await watching.open()
    await writing.open()
    changes = watching.watch(["solutions"])
    try:
        # Listening now; what was written before nobody listened is told once.
        assert await _next(changes) == "solutions"
        await writing.people.upsert_many([])  # not a write; nor is another collection's:
        await writing.adoptions.delete("nothing-there")
        await writing.solutions.upsert(make_solution())
        assert await _next(changes) == "solutions"

        # The listening connection ended (a failover): listened again, and told at once.
        assert await _terminate(name) >= 1
        assert await _next(changes) == "solutions"
        await writing.solutions.delete("kortere-ventetid")
        assert await _next(changes) == "solutions"
    finally:
        await changes.aclose()
        await watching.close()
        await writing.close()


async def test_a_write_in_another_schema_is_not_told(database_url: str) -> None:
    watching = PostgresStore(database_url)
    await watching.open()
    changes = watching.watch(["solutions"])
    try:
        assert await _next(changes) == "solutions"
        async with postgres_schema() as elsewhere:
            other = PostgresStore(elsewhere)
            await other.open()
            await other.solutions.upsert(make_solution())
            await other.close()
        mine = PostgresStore(database_url)
        await mine.open()
        await mine.solutions.upsert(make_solution("min-egen"))
        await mine.close()
        # Told of our own schema's write only: the other schema's would have come first.
        assert await _next(changes) == "solutions"
        with pytest.raises(TimeoutError):
            await _next(changes, within=0.3)
    finally:
        await changes.aclose()
        await watching.close()


async def test_only_announced_collections_can_be_watched(store: Store) -> None:
    with pytest.raises(ValueError, match="writes to people are not announced"):
        await anext(store.watch(["solutions", "people"]))


async def test_a_store_without_a_feed_ends_its_watch_at_once(tmp_path: Path) -> None:
    for store in (MemoryStore(), await open_store(tmp_path / "data")):  # PostgreSQL: above
        try:
            assert [name async for name in store.watch(["solutions"])] == []
        finally:
            await store.close()


async def test_a_knowledge_base_follows_a_change_at_once_not_at_its_next_look(
    database_url: str, lexicon: Lexicon
) -> None:
    mine, theirs = PostgresStore(database_url), PostgresStore(database_url)
    await mine.open()
    await theirs.open()
    kb = await KnowledgeBase.load(mine, matcher=Matcher(lexicon=lexicon))
    changed = asyncio.Event()
    # Its periodic look an hour apart: only the notice can bring the change in time.
    following = asyncio.create_task(kb.follow(every=3600, changed=changed))
    try:
        await asyncio.sleep(0.5)  # listening (and the first look done)
        changed.clear()
        await theirs.solutions.upsert(make_solution())
        async with asyncio.timeout(10):
            await changed.wait()
        assert [m.solution.id for m in kb.ask("kortere ventetid hjemmeplejen")] == [
            "kortere-ventetid"
        ]
    finally:
        following.cancel()
        await asyncio.gather(following, return_exceptions=True)
        await mine.close()
        await theirs.close()


# --- two `spred serve` processes on one database


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _healthz(http: aiohttp.ClientSession, base: str) -> dict[str, Any]:
    async with http.get(f"{base}/healthz") as response:
        assert response.status == 200
        return dict(await response.json())


async def _until_up(http: aiohttp.ClientSession, base: str, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            await _healthz(http, base)
            return
        except aiohttp.ClientError:
            assert proc.poll() is None, "spred serve exited"
            assert time.monotonic() < deadline, "spred serve did not come up"
            await asyncio.sleep(0.1)


async def _ask(http: aiohttp.ClientSession, base: str, connector: Connector, text: str) -> Posted:
    before = len(connector.posted)
    activity = message(text, connector=connector, user=f"29:{secrets.token_hex(3)}")
    async with http.post(f"{base}/api/messages", json=activity) as response:
        assert response.status in (200, 201)
    posted = await connector.wait_for(before + 1, timeout=15)
    return posted[before]


def _serve(port: int, database_url: str, data: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    """`spred serve` on `port`, its log in `data`.log (a pipe nobody reads could fill)."""
    with data.with_suffix(".log").open("w") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "bot", "serve", "--port", str(port), "--database",
             database_url, "--data", str(data)],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log, text=True,
        )  # fmt: skip


def _names(posted: Posted, title: str) -> bool:
    return title in orjson.dumps(posted.activity).decode()


@pytest.fixture
async def connector() -> AsyncIterator[Connector]:
    mock = Connector()
    await mock.start()
    yield mock
    await mock.close()


async def test_a_solution_imported_beside_two_servers_is_answered_by_both_within_2_s(
    tmp_path: Path, database_url: str, connector: Connector
) -> None:
    env = base_env(SPRED_TEAMS="on")
    ports = [_free_port(), _free_port()]
    data = [tmp_path / "a", tmp_path / "b"]
    servers = [_serve(port, database_url, d, env) for port, d in zip(ports, data, strict=True)]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        async with aiohttp.ClientSession() as http:
            for base, proc in zip(bases, servers, strict=True):
                await _until_up(http, base, proc)
            before = await _ask(http, bases[1], connector, QUESTION)
            assert not _names(before, TITLE)

            (tmp_path / "kb.json").write_bytes(orjson.dumps([_sprog()]))
            imported = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "import", str(tmp_path / "kb.json"),
                "--database", database_url, cwd=ROOT, env=env,
            )  # fmt: skip
            assert await imported.wait() == 0
            deadline = time.monotonic() + 2
            waiting = set(bases)
            while waiting and time.monotonic() < deadline:
                for base in list(waiting):
                    if (await _healthz(http, base))["solutions"] == 1:
                        waiting.discard(base)
                await asyncio.sleep(0.02)
            assert not waiting, f"not picked up within 2 s by {sorted(waiting)}"
            for base in bases:
                answer = await _ask(http, base, connector, QUESTION)
                assert _names(answer, TITLE)
    finally:
        for proc in servers:
            proc.terminate()
        for proc in servers:
            proc.wait(timeout=20)
    for d in data:
        assert "Traceback" not in d.with_suffix(".log").read_text()


# --- connections lost, the database away and back


async def _serving(
    tmp_path: Path, url: str, connector: Connector
) -> tuple[TestServer, aiohttp.ClientSession]:
    settings = Settings(data_dir=tmp_path / "data", database_url=url, refresh_seconds=60)
    server = TestServer(build_app(settings, environ={}), host="127.0.0.1")
    await server.start_server()
    return server, aiohttp.ClientSession()


async def _say(server: TestServer, http: aiohttp.ClientSession, connector: Connector) -> Posted:
    base = str(server.make_url("")).rstrip("/")
    return await _ask(http, base, connector, "hvordan får vi ventetiden ned i hjemmeplejen?")


async def _stored_demo(url: str) -> None:
    from knowledge.kb import demo_solutions

    store = PostgresStore(url)
    await store.open()
    await store.solutions.upsert_many(demo_solutions())
    await store.close()


async def test_connections_the_database_ended_are_replaced_and_the_question_answered(
    tmp_path: Path, database_url: str, connector: Connector, caplog: pytest.LogCaptureFixture
) -> None:
    await _stored_demo(database_url)
    url, name = _named(database_url)
    server, http = await _serving(tmp_path, url, connector)
    try:
        assert _names(await _say(server, http, connector), OPSTART)
        assert await _terminate(name) >= 1  # every one the server had
        answer = await _say(server, http, connector)
        assert _names(answer, OPSTART)
        # the server met the ended connections and tried again (how psycopg words the end
        # depends on when it reads it: "terminating connection …" or "server closed …")
        assert "trying once more" in caplog.text
        body = await _healthz(http, str(server.make_url("")).rstrip("/"))
        assert body["store"] == {"backend": "postgresql", "ok": True}
        assert body["status"] == "ok"
    finally:
        await http.close()
        await server.close()


async def test_a_database_gone_away_gets_an_apology_and_is_used_again_when_back(
    tmp_path: Path, database_url: str, connector: Connector, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(connections, "POOL_WAIT", 1.0)  # the apology sooner
    await _stored_demo(database_url)
    relay = Relay(database_url)
    await relay.start()
    server, http = await _serving(tmp_path, relay.url, connector)
    base = str(server.make_url("")).rstrip("/")
    apology = say("da", "internal_error")
    try:
        assert _names(await _say(server, http, connector), OPSTART)

        await relay.cut()
        assert (await _say(server, http, connector)).text == apology
        body = await _healthz(http, base)
        assert body["status"] == "degraded"
        assert body["store"] == {"backend": "postgresql", "ok": False}

        await relay.start()
        deadline = time.monotonic() + 60
        while not (await _healthz(http, base))["store"]["ok"]:
            assert time.monotonic() < deadline, "the database was not used again"
            await asyncio.sleep(0.2)
        answer = await _say(server, http, connector)
        assert _names(answer, OPSTART)
        assert (await _healthz(http, base))["status"] == "ok"
    finally:
        await http.close()
        await server.close()
        await relay.cut()


# --- what a failure of the database does to one operation


async def test_writes_after_the_connection_was_ended_are_tried_again_and_done(
    database_url: str,
) -> None:
    url, name = _named(database_url)
    store = PostgresStore(url)
    await store.open()
    try:
        await store.conversations.count()  # a connection in the pool now
        assert await _terminate(name) >= 1
        assert await store.seen_events.insert(_seen("e1"))  # failed before COMMIT: again
        assert await _terminate(name) >= 1
        stored = await store.conversations.update("tæller", _count_up)
        assert stored is not None
        assert stored.data == {"n": 1}
        assert await _terminate(name) >= 1
        assert [c.data for c in await store.conversations.find(user=None)] == [{"n": 1}]
    finally:
        await store.close()


def _seen(key: str) -> SeenEvent:
    return SeenEvent(event_key=key, seen_at=datetime(2026, 1, 1, tzinfo=UTC))


def _count_up(record: Conversation | None) -> Conversation:
    n = 0 if record is None else int(record.data["n"])
    return Conversation(conversation_key="tæller", state="idle", data={"n": n + 1})


@pytest.mark.parametrize(
    ("repeatable", "fails", "tries"),
    [
        (False, "before commit", 2),
        (False, "at commit", 1),  # perhaps committed: an insert or update must not run twice
        (True, "at commit", 2),
        (True, "in the statement", 1),  # the statement is wrong: it would fail again
    ],
)
async def test_an_operation_is_tried_again_only_when_that_is_safe(
    database_url: str, repeatable: bool, fails: str, tries: int
) -> None:
    store = PostgresStore(database_url)
    await store.open()
    ran: list[Attempt] = []

    async def work(attempt: Attempt) -> str:
        ran.append(attempt)
        if len(ran) > 1:
            return "done"
        if fails == "in the statement":
            raise psycopg.errors.UniqueViolation("duplicate key value")
        attempt.committing = fails == "at commit"
        raise psycopg.errors.AdminShutdown("terminating connection due to administrator command")

    try:
        if tries == 2:
            assert await store.connections.run("testing", work, repeatable=repeatable) == "done"
        else:
            with pytest.raises(StoreError, match="failed while testing: "):
                await store.connections.run("testing", work, repeatable=repeatable)
        assert len(ran) == tries
    finally:
        await store.close()


async def test_a_database_out_of_reach_is_a_store_error_naming_it_without_the_password(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(connections, "POOL_WAIT", 0.5)
    relay = Relay(database_url.replace("postgres@", "postgres:hemmeligt-ord@", 1))
    await relay.start()
    store = PostgresStore(relay.url)  # the test database trusts, and ignores the password
    await store.open()
    try:
        assert await store.ping()
        await relay.cut()
        with pytest.raises(StoreError) as failed:
            await store.solutions.get("kortere-ventetid")
        assert f"127.0.0.1:{relay.port}/test" in str(failed.value)
        assert "hemmeligt-ord" not in str(failed.value)
        assert not await store.ping()
    finally:
        await store.close()
        await relay.cut()


async def test_every_store_answers_its_health_check(store: Store) -> None:
    assert await store.ping()
    assert store.backend in ("memory", "tinydb", "postgresql")
