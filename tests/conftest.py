"""Shared fixtures. `store` runs each test once per storage backend."""

from __future__ import annotations

import functools
import os
import secrets
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest

from bot.config import Settings
from bot.core import Core
from bot.messages import Incoming
from knowledge.kb import KnowledgeBase, demo_solutions
from knowledge.lexicon import Lexicon, load_lexicon
from knowledge.matcher import Matcher
from knowledge.solutions import Solution
from knowledge.store import MemoryStore, PostgresStore, Store, open_store
from knowledge.store.postgres import describe
from tests.browser import summary_line as browser_summary
from tests.dialogue import Chat


def solution_dict(slug: str = "kortere-ventetid", **changes: Any) -> dict[str, Any]:
    """A valid solution in the import schema; keyword arguments replace fields."""
    entry: dict[str, Any] = {
        "id": slug,
        "title": "Kortere ventetid i hjemmeplejen",
        "problem": "Borgerne ventede længe på hjælp efter udskrivning.",
        "summary": "Visitation samme dag som udskrivningen.",
        "description": "Visitatorerne sidder på sygehuset to dage om ugen.",
        "results": [
            {
                "metric": "Ventetid på visitation",
                "before": 14,
                "after": 3,
                "unit": "dage",
                "period": "2023",
                "source": "Kommunens egen opgørelse",
            }
        ],
        "organization": "Odense Kommune",
        "unit": "Hjemmeplejen Syd",
        "contacts": [
            {"name": "Mette Hansen", "email": "mette.hansen@odense.eksempel.dk", "role": "Leder"}
        ],
        "professions": ["sygeplejerske"],
        "domains": ["ældrepleje"],
        "tags": ["ventetid", "visitation"],
        "sponsors": ["KL"],
        "language": "da",
        "status": "proven",
    }
    entry.update(changes)
    return entry


def make_solution(slug: str = "kortere-ventetid", **changes: Any) -> Solution:
    return Solution.from_dict(solution_dict(slug, **changes))


TEST_DATABASE_URL = os.environ.get(
    "SPRED_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


@functools.cache
def postgres_unreachable() -> str | None:
    """Why the test database cannot be used (None: it can), asked once a session."""
    try:
        psycopg.connect(TEST_DATABASE_URL, connect_timeout=3).close()
    except psycopg.Error as exc:
        return (
            f"PostgreSQL not reachable at {describe(TEST_DATABASE_URL)} ({exc.__class__.__name__}):"
            " start it, or set SPRED_TEST_DATABASE_URL, to run the tests on PostgreSQL"
        )
    return None


def pytest_terminal_summary(terminalreporter: Any) -> None:
    reason = postgres_unreachable.cache_info().currsize and postgres_unreachable()
    if reason:
        terminalreporter.write_line(f"skipped: {reason}", yellow=True)
    # --- the web's browser tests (tests/browser.py): skipped without Chromium, in one line
    browser = browser_summary()
    if browser:
        terminalreporter.write_line(browser, yellow=True)


@asynccontextmanager
async def postgres_schema() -> AsyncIterator[str]:
    """A database URL whose tables live in a fresh schema of their own, dropped after."""
    reason = postgres_unreachable()
    if reason and os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set: the PostgreSQL tests must run)")
    if reason:
        pytest.skip(reason)
    schema = f"t_{secrets.token_hex(6)}"
    async with await psycopg.AsyncConnection.connect(TEST_DATABASE_URL, autocommit=True) as conn:
        await conn.execute(f"CREATE SCHEMA {schema}")
        try:
            separator = "&" if "?" in TEST_DATABASE_URL else "?"
            yield f"{TEST_DATABASE_URL}{separator}options=-csearch_path%3D{schema}"
        finally:
            await conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
async def database_url() -> AsyncIterator[str]:
    async with postgres_schema() as url:
        yield url


@pytest.fixture(params=["memory", "tinydb", "postgres"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    """Every store test runs against each backend: the interface is the contract."""
    opened: Store
    if request.param == "memory":
        opened = MemoryStore()
        await opened.open()
    elif request.param == "postgres":
        async with postgres_schema() as url:
            opened = await open_store(tmp_path / "unused", database=url)
            yield opened
            await opened.close()
        return
    else:
        opened = await open_store(tmp_path / "data")
    yield opened
    await opened.close()


@pytest.fixture
async def other(store: Store, tmp_path: Path) -> AsyncIterator[Store]:
    """`store` as a second server process sees it: on PostgreSQL a store with a pool of its
    own; the in-process backends are one process's, so the same store."""
    if not isinstance(store, PostgresStore):
        yield store
        return
    second = await open_store(tmp_path / "unused", database=store.conninfo)
    yield second
    await second.close()


@pytest.fixture
def reopen(tmp_path: Path) -> Callable[[], Any]:
    """Opens the TinyDB store in tmp_path/data again, as a restarted process would."""

    async def _reopen() -> Store:
        return await open_store(tmp_path / "data")

    return _reopen


class Clock:
    """Time a test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(scope="session")
def lexicon() -> Lexicon:
    return load_lexicon([])


@pytest.fixture
def clock() -> Clock:
    return Clock()


ADMIN = "console:admin"


@pytest.fixture
async def core(store: Store, lexicon: Lexicon, clock: Clock, tmp_path: Path) -> Core:
    """The dialogue core on the demo knowledge base, with console:admin as its admin."""
    await store.solutions.upsert_many(demo_solutions())
    kb = await KnowledgeBase.load(store, matcher=Matcher(lexicon=lexicon))
    settings = Settings(data_dir=tmp_path / "data", admins=frozenset({ADMIN}))
    return Core(kb=kb, settings=settings, clock=clock)


@pytest.fixture
async def chat(core: Core) -> AsyncIterator[Chat]:
    """Anna, a nurse in Odense, in the terminal chat; fails if a reply goes unread."""
    talk = Chat(
        core=core,
        message=Incoming(
            platform="console",
            user_id="anna",
            user_name="Anna Holm",
            organization="Odense Kommune",
            unit="Hjemmeplejen Vest",
            conversation="terminal",
        ),
    )
    yield talk
    talk.expect_nothing()


@pytest.fixture
async def admin(chat: Chat) -> AsyncIterator[Chat]:
    talk = chat.as_user(user_id="admin", user_name="Bo Admin")
    yield talk
    talk.expect_nothing()
