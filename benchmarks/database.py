"""The PostgreSQL the benchmarks run on: the test database (SPRED_TEST_DATABASE_URL, else the
local server), each run in a fresh schema of its own, dropped after, as the tests do."""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote

import psycopg

from knowledge.store.postgres import describe

DATABASE_URL = os.environ.get(
    "SPRED_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


def unreachable() -> str | None:
    """Why the benchmarks cannot use PostgreSQL (None: they can), as one line."""
    try:
        psycopg.connect(DATABASE_URL, connect_timeout=3).close()
    except psycopg.Error as exc:
        return (
            f"PostgreSQL not reachable at {describe(DATABASE_URL)} ({exc.__class__.__name__}): "
            "start it, or set SPRED_TEST_DATABASE_URL, to measure on PostgreSQL"
        )
    return None


@asynccontextmanager
async def fresh_schema() -> AsyncIterator[str]:
    """A database URL whose tables live in a new schema, dropped after. Its connections
    carry the schema's name as their application_name, so the database's own work for
    them can be found (`backend_cpu_seconds`)."""
    schema = f"bench_{secrets.token_hex(6)}"
    async with await psycopg.AsyncConnection.connect(DATABASE_URL, autocommit=True) as conn:
        await conn.execute(f"CREATE SCHEMA {schema}")
        try:
            separator = "&" if "?" in DATABASE_URL else "?"
            yield (
                f"{DATABASE_URL}{separator}options={quote(f'-csearch_path={schema}')}"
                f"&application_name={schema}"
            )
        finally:
            await conn.execute(f"DROP SCHEMA {schema} CASCADE")


def cpu_seconds(pid: int) -> float | None:
    """User and system CPU seconds a process on this machine has used (None: it is gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # Fields after the command name (which may hold spaces), from the 3rd: utime is the 14th.
    fields = stat.rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def backend_cpu_seconds(url: str) -> float | None:
    """CPU seconds of the database's processes serving the connections opened with `url`'s
    application_name that are still open (None: the database is on another machine)."""
    parts = psycopg.conninfo.conninfo_to_dict(url)
    if parts.get("host") not in (None, "", "localhost", "127.0.0.1", "::1"):
        return None  # its process ids are not this machine's
    async with await psycopg.AsyncConnection.connect(DATABASE_URL, autocommit=True) as conn:
        cursor = await conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s",
            (parts.get("application_name"),),
        )
        pids = [row[0] for row in await cursor.fetchall()]
    seconds = [cpu_seconds(pid) for pid in pids]
    if not pids or None in seconds:
        return None
    return sum(s for s in seconds if s is not None)
