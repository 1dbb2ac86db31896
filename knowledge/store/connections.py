"""The PostgreSQL backend's connections: the pool one store's collections share, what an
operation does when the database fails under it, the health check, and the change feed.

A failure becomes a `StoreError` that names the database (never its password), so the core
apologises to the user rather than failing with a driver's exception. An operation that met
a broken connection (the server restarted, failed over, or ended it) or a transaction the
server rolled back (deadlock, serialisation) is tried once more, on a fresh connection, when
that cannot write anything twice: see `Attempt`. The pool makes new connections in the
background as the database comes back, so no restart is needed.

The change feed: a write to an announced collection (`CollectionSpec.announced`) calls
`pg_notify` in its own transaction, so the notice goes out exactly when the write is
visible. The channel is named from the schema (`channel_sql`): several Spreds (or test
runs) in their own schemas of one database do not wake each other.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator, Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from knowledge.store.base import StoreError

log = logging.getLogger(__name__)
T = TypeVar("T")

CONNECT_TIMEOUT = 10  # seconds to make one connection (libpq's connect_timeout)
# Seconds an operation waits for a connection from the pool. Long enough for a busy pool;
# when the database is unreachable, how long before the user gets the apology.
POOL_WAIT = 5.0
PING_WAIT = 2.0  # GET /healthz's: a load balancer asking must not wait long
# After this long failing to reconnect, the pool gives up that attempt and starts the next
# one afresh (1 s, 2 s, 4 s, … apart): without it the gaps grow to minutes, and a database
# that comes back after a long outage would wait that long to be used again.
RECONNECT_WITHIN = 30.0
LISTEN_RETRY = (0.5, 10.0)  # seconds between attempts to listen again: first, most
# The listening connection may be silent for hours: TCP keepalive probes (after this many
# seconds idle, then 10 s apart) notice a peer that is gone without a word (a failover).
KEEPALIVE_IDLE = 30

# SQLSTATEs after which nothing of the failed statement is written and another connection
# may succeed: class 08 (connection exception), 40 (the transaction was rolled back: a
# deadlock or serialisation failure), and 57P01-03 (the server shut down or is starting).
# A broken connection the client noticed itself ("server closed the connection") has none.
_RETRIED_CLASSES = ("08", "40")
_RETRIED_STATES = frozenset({"57P01", "57P02", "57P03"})


def describe(conninfo: str) -> str:
    """Where the database is, for messages: host, port and database, never the password."""
    try:
        parts = conninfo_to_dict(conninfo)
    except psycopg.ProgrammingError:
        return "the database (its URL cannot be read: postgresql://USER@HOST:PORT/DATABASE)"
    host = parts.get("host") or "localhost"
    return f"{host}:{parts.get('port') or 5432}/{parts.get('dbname') or parts.get('user') or ''}"


def channel_sql() -> str:
    """The change feed's channel: per schema (the one the tables are in), within the 63
    bytes a PostgreSQL name may have however long the schema's name is."""
    return "'spred_' || md5(current_schema())"


def is_transient(exc: BaseException) -> bool:
    """Whether `exc` says the connection broke, or the server rolled the transaction back,
    rather than something wrong with the statement (trying again would fail again)."""
    if not isinstance(exc, psycopg.Error) or isinstance(exc, PoolTimeout):
        return False
    state = exc.sqlstate
    if state is None:
        return isinstance(exc, psycopg.OperationalError)
    return state.startswith(_RETRIED_CLASSES) or state in _RETRIED_STATES


@dataclass
class Attempt:
    """One try of an operation. A transaction's work sets `committing` as its last step, just
    before COMMIT is sent. A failure before that wrote nothing, so any operation may be
    tried again. A failure at COMMIT may come after the server committed (the connection
    broke before its answer arrived): only an operation that writes the same whether it runs
    once or twice (`upsert`, `delete`, `release`) is tried again then, never an `insert`
    (the second would find the first's row and say it lost), an `update` (its change would
    apply twice) or a `claim` (records held by nobody until their lease ends)."""

    committing: bool = False


class Connections:
    """The pool the collections of one store share, and the change feed's own connection."""

    def __init__(self, conninfo: str, *, pool_size: int) -> None:
        self.conninfo = conninfo
        self.where = describe(conninfo)
        try:
            self._password = str(conninfo_to_dict(conninfo).get("password") or "")
        except psycopg.ProgrammingError:
            self._password = ""
        self.pool: AsyncConnectionPool = AsyncConnectionPool(
            conninfo,
            min_size=1,
            max_size=pool_size,
            open=False,
            timeout=POOL_WAIT,
            reconnect_timeout=RECONNECT_WITHIN,
            # Named in pg_stat_activity, unless the URL names it (application_name=…).
            kwargs={
                "autocommit": True,
                "connect_timeout": CONNECT_TIMEOUT,
                "fallback_application_name": "spred",
            },
        )

    async def run(
        self, what: str, work: Callable[[Attempt], Awaitable[T]], *, repeatable: bool
    ) -> T:
        """`work`'s result; tried once more after a transient failure (`is_transient`) when
        `Attempt` says that is safe (`repeatable`: running it twice writes what running it
        once does). Any other failure of the database is a StoreError saying `what` failed."""
        retry = True
        while True:
            attempt = Attempt()
            try:
                return await work(attempt)
            except PoolTimeout as exc:  # waited already (POOL_WAIT): not a second time
                raise StoreError(
                    f"no connection to PostgreSQL at {self.where} while {what} "
                    f"({self.reason(exc)}): is it running and reachable?"
                ) from exc
            except psycopg.Error as exc:
                if not (retry and is_transient(exc) and (repeatable or not attempt.committing)):
                    raise StoreError(
                        f"PostgreSQL at {self.where} failed while {what}: {self.reason(exc)}"
                    ) from exc
                log.warning(
                    "PostgreSQL at %s failed while %s (%s): trying once more",
                    self.where,
                    what,
                    self.reason(exc),
                )
                retry = False
                if exc.sqlstate is None or not exc.sqlstate.startswith("40"):
                    # The others in the pool probably broke with it (a restart, a failover):
                    # each is tested now and replaced, so the next try gets a working one.
                    # (A pool closed meanwhile fails that try, as a StoreError.)
                    with contextlib.suppress(psycopg.Error):
                        await self.pool.check()

    def reason(self, exc: BaseException) -> str:
        """The first line of a driver's message, without the password should it hold it."""
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return text.replace(self._password, "***") if self._password else text

    async def ping(self) -> bool:
        async def select(attempt: Attempt) -> None:
            async with self.pool.connection(timeout=PING_WAIT) as conn:
                await conn.execute("SELECT 1")

        try:
            await self.run("checking health", select, repeatable=True)
        except StoreError as exc:
            log.warning("%s", exc)
            return False
        return True

    async def listen(self, names: frozenset[str]) -> AsyncGenerator[str, None]:
        """Each name in `names` that a write announces; on its own connection, made again
        whenever it breaks. After (re)connecting, every name once: what was written while
        nobody listened was announced to nobody."""
        wait = LISTEN_RETRY[0]
        while True:
            try:
                conn = await psycopg.AsyncConnection.connect(
                    self.conninfo,
                    autocommit=True,
                    connect_timeout=CONNECT_TIMEOUT,
                    fallback_application_name="spred",
                    keepalives=1,
                    keepalives_idle=KEEPALIVE_IDLE,
                    keepalives_interval=10,
                )
                async with conn:
                    row = await (await conn.execute(f"SELECT {channel_sql()}")).fetchone()
                    assert row is not None
                    await conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(row[0])))
                    wait = LISTEN_RETRY[0]
                    for name in sorted(names):
                        yield name
                    async for notice in conn.notifies():
                        if notice.payload in names:
                            yield notice.payload
            except psycopg.Error as exc:
                log.warning(
                    "not listening for changes in PostgreSQL at %s (%s): again in %g s",
                    self.where,
                    self.reason(exc),
                    wait,
                )
            await asyncio.sleep(wait)
            wait = min(wait * 2, LISTEN_RETRY[1])
