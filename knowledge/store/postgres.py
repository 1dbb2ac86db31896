"""The PostgreSQL backend: the same `Store` interface, one table per collection.

Each table holds the record's key (PRIMARY KEY), the record as JSONB (`data`), when it was
last written, and `seq`, the order records were first stored in: `all`, `keys` and `find`
give that order, as the other backends do (a dict's, a TinyDB file's). Each field a
collection declares for queries (`CollectionSpec.fields`) has a typed, indexed column of its
own, `f_<field>`, written with the record (empty text as NULL, as `query.value_of` reads
it); `claimed_until` holds a claim (`Collection.claim`), and every write ends it.

`spred_versions` keeps one counter per collection, bumped in the same transaction as each
write, so `version()` is one keyed read that any process's write changes; the bump of an
announced collection also notifies the processes watching it (knowledge/store/connections.py,
which also says what a failure of the database does). Every write first
takes the advisory locks of its keys (in one order: of their hashes; a bulk write the
collection's lock instead, which every keyed write holds shared), then their rows, and the
counter last, so two writers never wait for each other in a circle.

The schema is created or upgraded at `open`, under a session advisory lock, so several
instances starting at once migrate once; `spred_meta` lists the schema versions applied.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncGenerator, Awaitable, Callable, Hashable, Iterable, Mapping
from datetime import date, datetime
from typing import Any, Generic, TypeVar

import orjson
import psycopg
import psycopg_pool
from psycopg import sql

from knowledge.store.base import (
    COLLECTIONS,
    Collection,
    CollectionSpec,
    R,
    Storable,
    Store,
    StoreError,
    announced,
    updated,
)
from knowledge.store.connections import Attempt, Connections, channel_sql, describe
from knowledge.store.query import (
    Below,
    Condition,
    OneOf,
    Tally,
    checked,
    checked_tally,
    value_of,
)
from knowledge.store.schema import newer_refused

URL_SCHEMES = ("postgresql://", "postgres://")
CONNECT_TIMEOUT = 10.0  # seconds to wait for the database at start-up
POOL_SIZE = 10
BULK_KEYS = 256  # an upsert_many of more keys locks the whole collection instead of each key

# The database's own schema version (a data directory's is knowledge.store.SCHEMA_VERSION):
# 2 added the query columns and the claims; 3 the columns of every field declared since
# (a solution's `confirmed` day, and those added after 2 without a step of their own: an
# interest's `did`, an organisation's `name_key`, a seen event's `platform` and holds); 4
# those of the web's rate counts (`expires_at`, bot/limits.py) and of `follows` (issue 17);
# 5 those of `routed` (issue 17), `login_links` and `web_sessions` (issue 18); 6 those of
# `roadshows` (issue 17); 7 those the dashboard sums by (issue 18): an adoption's `stage`,
# `month` and `organization_key`, a question's `question_key`, `week`, `waited_days` (and
# `answered_by` and `routed_at`, which a roadshow's invitations and routing ask by), a
# prompt's `sent` and `planned`, an adaptation's `organization_key`.
SCHEMA_VERSION = 7
SQL_TYPES: dict[type, str] = {
    str: "text",
    bool: "boolean",
    int: "bigint",
    datetime: "timestamptz",
    date: "date",
}
T = TypeVar("T")


def _column(field: str) -> sql.Identifier:
    return sql.Identifier(f"f_{field}")


def columns() -> list[sql.Composed]:
    """Every declared field's column and its index, and the claims' column (filled from the
    records already stored by `fill_fields`, after the steps). Idempotent, so a later schema
    that declares more fields repeats it as its step."""
    statements: list[sql.Composed] = []
    for spec in COLLECTIONS:
        table = sql.Identifier(spec.name)
        statements.append(
            sql.SQL("ALTER TABLE {} ADD COLUMN IF NOT EXISTS claimed_until timestamptz").format(
                table
            )
        )
        for field, kind in spec.fields.items():
            column, sql_type = _column(field), sql.SQL(SQL_TYPES[kind])
            statements += [
                sql.SQL("ALTER TABLE {} ADD COLUMN IF NOT EXISTS {} {}").format(
                    table, column, sql_type
                ),
                sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} ({})").format(
                    sql.Identifier(f"{spec.name}_f_{field}"), table, column
                ),
            ]
    return statements


async def fill_fields(conn: psycopg.AsyncConnection[Any]) -> None:
    """Sets every declared field's column from the records as Spred reads them, as a write
    would have: after an upgrade, for the records stored before it. Decoded, not taken
    from the JSON, since a computed field (`CollectionSpec.computed`) has no key there and a
    field at its default may be left out (a solution's `retired`)."""
    for spec in COLLECTIONS:
        fields = list(spec.fields)
        if not fields:
            continue
        table = sql.Identifier(spec.name)
        rows = await (await conn.execute(sql.SQL("SELECT data FROM {}").format(table))).fetchall()
        sets = sql.SQL(", ").join(sql.SQL("{} = %s").format(_column(f)) for f in fields)
        update = sql.SQL("UPDATE {} SET {} WHERE key = %s").format(table, sets)
        values = []
        for (data,) in rows:
            record = spec.record_type.from_dict(data)
            values.append((*(_param(value_of(record, f)) for f in fields), record.key))
        if values:
            async with conn.cursor() as cursor:
                await cursor.executemany(update, values)


# Every collection's table and version counter, created at each open if missing: a collection
# added to COLLECTIONS gets its table as it gets its file in a data directory, no step needed.
TABLES: list[str] = [
    "CREATE TABLE IF NOT EXISTS spred_versions"
    " (collection text PRIMARY KEY, version bigint NOT NULL DEFAULT 0)",
    *(
        f"CREATE TABLE IF NOT EXISTS {spec.name} (key text PRIMARY KEY, data jsonb NOT NULL,"
        " updated_at timestamptz NOT NULL DEFAULT now(),"
        " seq bigint GENERATED ALWAYS AS IDENTITY)"
        for spec in COLLECTIONS
    ),
    "INSERT INTO spred_versions (collection) SELECT unnest(%(names)s::text[])"
    " ON CONFLICT DO NOTHING",
]
# Statements that bring schema n to n+1; a new database gets TABLES and then every step. Each
# must be idempotent, like the data directory's steps (knowledge/store/schema.py).
MIGRATIONS: dict[int, list[sql.Composed]] = {step: columns() for step in range(1, 7)}

# A write's last statement: the collection's version, and for an announced collection the
# notice to those watching it, sent by PostgreSQL as the transaction commits (one statement,
# so announcing costs no extra round trip).
_BUMP = "UPDATE spred_versions SET version = version + 1 WHERE collection = %s"
_BUMP_ANNOUNCED = (
    f"WITH bumped AS ({_BUMP} RETURNING collection)"
    f" SELECT pg_notify({channel_sql()}, collection) FROM bumped"
)


# JSONB cannot hold U+0000; a NUL someone typed is stored as U+FFFD, the character that
# stands for one that cannot be shown, rather than failing the write. Only an escape that is
# not itself an escaped backslash followed by "u0000" is a NUL.
_NUL = re.compile(rb"(?<!\\)((?:\\\\)*)\\u0000")


def _encoded(record: Storable) -> str:
    return _NUL.sub(rb"\1\\ufffd", orjson.dumps(record.to_dict())).decode()


def is_database_url(location: str) -> bool:
    return location.startswith(URL_SCHEMES)


def _where(conditions: Mapping[str, Condition]) -> tuple[sql.Composable, list[Any]]:
    """The SQL of `conditions` (knowledge/store/query.py) on the field columns, and its
    parameters."""
    parts: list[sql.Composable] = [sql.SQL("TRUE")]
    params: list[Any] = []
    for field, condition in conditions.items():
        column = _column(field)
        if isinstance(condition, OneOf):
            parts.append(sql.SQL("{} = ANY(%s)").format(column))
            params.append([_param(v) for v in condition.values])
        elif isinstance(condition, Below):
            parts.append(sql.SQL("{} < %s").format(column))
            params.append(_param(condition.value))
        elif condition is None or condition == "":
            parts.append(sql.SQL("{} IS NULL").format(column))
        else:
            parts.append(sql.SQL("{} = %s").format(column))
            params.append(_param(condition))
    return sql.SQL(" AND ").join(parts), params


def _param(value: Any) -> Any:
    """Enums as their text, as the columns hold them. Text cannot hold U+0000 either: it
    is U+FFFD here as in the stored JSON (`_encoded`), so a key or a value someone typed
    with a NUL in it (a web address's %00) is looked up as it would have been stored."""
    return str(value).replace("\x00", "\ufffd") if isinstance(value, str) else value


class PostgresCollection(Generic[R]):
    def __init__(
        self,
        *,
        name: str,
        record_type: type[R],
        connections: Connections,
        fields: Mapping[str, type] | None = None,
        announced: bool = False,
    ) -> None:
        self.name = name
        self._type = record_type
        self._db = connections
        self._pool = connections.pool
        self._table = sql.Identifier(name)
        self._fields = dict(fields or {})
        self._bump_sql = _BUMP_ANNOUNCED if announced else _BUMP
        self._decoded: dict[str, tuple[str, R]] = {}  # key → (xmin, record), filled by `all`

    async def open(self) -> None:
        return None  # the store opens the pool and the schema once for all collections

    async def close(self) -> None:
        return None

    async def _rows(
        self, query: sql.SQL | sql.Composed, *params: Any, doing: str = "reading"
    ) -> list[tuple[Any, ...]]:
        """One statement, autocommitted, that stores the same run once or twice (a read):
        tried again after a broken connection."""

        async def read(attempt: Attempt) -> list[tuple[Any, ...]]:
            async with self._pool.connection() as conn:
                cursor = await conn.execute(query, params)
                return await cursor.fetchall()

        return await self._db.run(f"{doing} {self.name}", read, repeatable=True)

    async def _write(
        self,
        work: Callable[[psycopg.AsyncConnection[Any]], Awaitable[T]],
        *,
        repeatable: bool,
    ) -> T:
        """`work` in one transaction; after a broken connection, tried again as `Attempt`
        says is safe (`repeatable`: writing twice stores what writing once does)."""

        async def transaction(attempt: Attempt) -> T:
            async with self._pool.connection() as conn, conn.transaction():
                done = await work(conn)
                attempt.committing = True  # the last step: COMMIT is sent as the block ends
            return done

        return await self._db.run(f"writing {self.name}", transaction, repeatable=repeatable)

    async def get(self, key: str) -> R | None:
        query = sql.SQL("SELECT data FROM {} WHERE key = %s").format(self._table)
        rows = await self._rows(query, _param(key))
        return self._type.from_dict(rows[0][0]) if rows else None

    async def all(self) -> list[R]:
        """Every record; those unchanged since this process last read them all are not read
        or decoded again (a refresh of 100,000 solutions after one changed reads one). A row's
        `xmin`, the transaction that last wrote it, tells, whichever process wrote it."""
        listed = await self._rows(
            sql.SQL("SELECT key, xmin::text FROM {} ORDER BY seq").format(self._table)
        )
        stale = [key for key, written in listed if self._decoded.get(key, ("",))[0] != written]
        if stale:
            query = sql.SQL("SELECT key, xmin::text, data FROM {} WHERE key = ANY(%s)")
            fresh = await self._rows(query.format(self._table), stale)
            decode = lambda: {key: (w, self._type.from_dict(d)) for key, w, d in fresh}  # noqa: E731
            # Decoding validates: thousands of records are seconds, kept off the event loop.
            self._decoded.update(await asyncio.to_thread(decode) if len(fresh) > 100 else decode())
            for key in set(stale) - {row[0] for row in fresh}:  # deleted between the reads
                self._decoded.pop(key, None)
        present = {key for key, _ in listed}
        for key in [k for k in self._decoded if k not in present]:
            del self._decoded[key]
        # A row deleted between the two reads is left out, as a read a moment later would.
        return [self._decoded[key][1] for key, _ in listed if key in self._decoded]

    async def keys(self) -> list[str]:
        rows = await self._rows(sql.SQL("SELECT key FROM {} ORDER BY seq").format(self._table))
        return [row[0] for row in rows]

    async def count(self) -> int:
        rows = await self._rows(sql.SQL("SELECT count(*) FROM {}").format(self._table))
        return int(rows[0][0])

    async def version(self) -> Hashable:
        query = sql.SQL("SELECT version FROM spred_versions WHERE collection = %s")
        rows = await self._rows(query, self.name)
        return int(rows[0][0])

    async def find(self, *, limit: int | None = None, **conditions: Condition) -> list[R]:
        checked(self.name, self._fields, conditions)
        where, params = _where(conditions)
        query = sql.SQL("SELECT data FROM {} WHERE {} ORDER BY seq").format(self._table, where)
        if limit is not None:
            query = sql.SQL("{} LIMIT %s").format(query)
            params.append(limit)
        rows = await self._rows(query, *params)
        return [self._type.from_dict(row[0]) for row in rows]

    async def tally(
        self,
        *,
        by: tuple[str, ...],
        most: int | None = None,
        distinct: str | None = None,
        **conditions: Condition,
    ) -> Tally:
        checked_tally(self.name, self._fields, by, distinct, conditions)
        where, params = _where(conditions)
        if distinct:  # groups with no value of it set count nothing: left out, as elsewhere
            where = sql.SQL("{} AND {} IS NOT NULL").format(where, _column(distinct))
        grouped = sql.SQL(", ").join(map(_column, by))
        counted = (
            sql.SQL("count(DISTINCT {})").format(_column(distinct))
            if distinct
            else sql.SQL("count(*)")
        )
        query = sql.SQL("SELECT {}, {} FROM {} WHERE {} GROUP BY {}").format(
            grouped, counted, self._table, where, grouped
        )
        if most is not None:
            # As `query.largest` orders: text by code point (the "C" collation), unset last.
            order = [
                sql.SQL(
                    '{} COLLATE "C" NULLS LAST' if self._fields[f] is str else "{} NULLS LAST"
                ).format(_column(f))
                for f in by
            ]
            query = sql.SQL("{} ORDER BY {} DESC, {} LIMIT %s").format(
                query, counted, sql.SQL(", ").join(order)
            )
            params.append(max(most, 0))
        rows = await self._rows(query, *params)
        return {tuple(row[:-1]): int(row[-1]) for row in rows}

    async def insert(self, record: R) -> bool:
        values = self._values(record)
        query = sql.SQL("{} ON CONFLICT (key) DO NOTHING RETURNING key").format(self._insert_sql())

        async def insert(conn: psycopg.AsyncConnection[Any]) -> bool:
            inserted = (await conn.execute(query, values)).rowcount > 0
            if inserted:
                await self._bump(conn)
            return inserted

        return await self._write(insert, repeatable=False)

    async def claim(
        self, *, now: datetime, until: datetime, limit: int, **conditions: Condition
    ) -> list[R]:
        checked(self.name, self._fields, conditions)
        where, params = _where(conditions)
        # SKIP LOCKED: a row another process is claiming or writing right now is its, not
        # waited for; a claim changes no record, so the collection's version stays.
        query = sql.SQL(
            "WITH picked AS (SELECT key FROM {table} WHERE {where} AND (claimed_until IS NULL"
            " OR claimed_until <= %s) ORDER BY seq LIMIT %s FOR UPDATE SKIP LOCKED)"
            " UPDATE {table} SET claimed_until = %s FROM picked WHERE {table}.key = picked.key"
            " RETURNING {table}.data, {table}.seq"
        ).format(table=self._table, where=where)

        async def claim(conn: psycopg.AsyncConnection[Any]) -> list[tuple[Any, ...]]:
            # In a transaction of its own, not autocommitted: a failure before its COMMIT
            # then surely claimed nothing, and may be tried again.
            return await (await conn.execute(query, (*params, now, limit, until))).fetchall()

        rows = await self._write(claim, repeatable=False)
        return [self._type.from_dict(row[0]) for row in sorted(rows, key=lambda r: r[1])]

    async def release(self, keys: Iterable[str]) -> None:
        keys = [_param(key) for key in keys]
        query = sql.SQL("UPDATE {} SET claimed_until = NULL WHERE key = ANY(%s)").format(
            self._table
        )
        await self._rows(sql.SQL("{} RETURNING key").format(query), list(keys), doing="releasing")

    async def upsert(self, record: R) -> None:
        await self.upsert_many([record])

    async def upsert_many(self, records: Iterable[R]) -> None:
        encoded = {_param(r.key): self._values(r) for r in records}
        if not encoded:
            return

        async def upsert(conn: psycopg.AsyncConnection[Any]) -> None:
            if len(encoded) > BULK_KEYS:
                # PostgreSQL's lock table holds a few thousand locks in all: a hundred thousand
                # keys' locks would exhaust it. The collection's lock, exclusive, stands in
                # for them all; every keyed writer holds it shared (`_lock`).
                await conn.execute(
                    "SELECT pg_advisory_xact_lock(hashtext('spred-collection:' || %s))",
                    (self.name,),
                )
            else:
                await conn.execute(
                    "SELECT pg_advisory_xact_lock_shared(hashtext('spred-collection:' || %s)),"
                    " count(pg_advisory_xact_lock(hashtext(%s), h)) FROM (SELECT DISTINCT"
                    " hashtext(k) AS h FROM unnest(%s::text[]) AS k ORDER BY h) AS l",
                    (self.name, self.name, list(encoded)),
                )
            async with conn.cursor() as cursor:  # in the order given, as `seq` records
                await cursor.executemany(self._write_sql(), list(encoded.values()))
            await self._bump(conn)

        await self._write(upsert, repeatable=True)

    async def delete(self, key: str) -> bool:
        key = _param(key)
        query = sql.SQL("DELETE FROM {} WHERE key = %s RETURNING key").format(self._table)

        async def delete(conn: psycopg.AsyncConnection[Any]) -> bool:
            await self._lock(conn, key)
            deleted = (await conn.execute(query, (key,))).rowcount > 0
            if deleted:
                await self._bump(conn)
            return deleted

        # Tried again even after its COMMIT was sent: the record is gone either way (the
        # second try may then say it found nothing to delete).
        return await self._write(delete, repeatable=True)

    async def update(self, key: str, change: Callable[[R | None], R | None]) -> R | None:
        query = sql.SQL("SELECT data FROM {} WHERE key = %s FOR UPDATE").format(self._table)
        stored_key = _param(key)

        async def update(conn: psycopg.AsyncConnection[Any]) -> R | None:
            # The advisory lock also covers a key with no row yet, which FOR UPDATE cannot;
            # it is released at commit.
            await self._lock(conn, stored_key)
            row = await (await conn.execute(query, (stored_key,))).fetchone()
            current = None if row is None else self._type.from_dict(row[0])
            writes, changed = updated(key, current, change)
            if not writes:
                return changed
            if changed is None:
                delete = sql.SQL("DELETE FROM {} WHERE key = %s").format(self._table)
                await conn.execute(delete, (stored_key,))
            else:
                await conn.execute(self._write_sql(), self._values(changed))
            await self._bump(conn)
            return changed

        return await self._write(update, repeatable=False)

    async def _lock(self, conn: psycopg.AsyncConnection[Any], key: str) -> None:
        """Until commit; as `upsert_many` takes it for each of its keys, under the
        collection's lock held shared (a bulk write holds it alone)."""
        await conn.execute(
            "SELECT pg_advisory_xact_lock_shared(hashtext('spred-collection:' || %s)),"
            " pg_advisory_xact_lock(hashtext(%s), hashtext(%s))",
            (self.name, self.name, key),
        )

    def _values(self, record: R) -> tuple[Any, ...]:
        fields = (_param(value_of(record, field)) for field in self._fields)
        return (_param(record.key), _encoded(record), *fields)

    def _insert_sql(self) -> sql.Composed:
        names = [sql.Identifier("key"), sql.Identifier("data"), *map(_column, self._fields)]
        marks = [sql.SQL("%s"), sql.SQL("%s::jsonb"), *(sql.SQL("%s") for _ in self._fields)]
        return sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
            self._table, sql.SQL(", ").join(names), sql.SQL(", ").join(marks)
        )

    def _write_sql(self) -> sql.Composed:
        updates = [
            sql.SQL("{0} = excluded.{0}").format(name)
            for name in [sql.Identifier("data"), *map(_column, self._fields)]
        ]
        return sql.SQL(
            "{} ON CONFLICT (key) DO UPDATE SET {}, updated_at = now(), claimed_until = NULL"
        ).format(self._insert_sql(), sql.SQL(", ").join(updates))

    async def _bump(self, conn: psycopg.AsyncConnection[Any]) -> None:
        await conn.execute(self._bump_sql, (self.name,))


class PostgresStore(Store):
    """Every collection in the database `conninfo` names (a postgresql:// URL)."""

    backend = "postgresql"

    def __init__(self, conninfo: str, *, pool_size: int = POOL_SIZE) -> None:
        self.conninfo = conninfo
        self.where = describe(conninfo)
        self.connections = Connections(conninfo, pool_size=pool_size)
        self.pool = self.connections.pool
        super().__init__()

    def make_collection(self, spec: CollectionSpec) -> Collection[Any]:
        return PostgresCollection(
            name=spec.name,
            record_type=spec.record_type,
            connections=self.connections,
            fields=spec.fields,
            announced=spec.announced,
        )

    async def ping(self) -> bool:
        return await self.connections.ping()

    async def watch(self, names: Iterable[str]) -> AsyncGenerator[str, None]:
        """Told by PostgreSQL (LISTEN) as each announcing write commits, on a connection of
        its own, made again whenever it breaks."""
        async with contextlib.aclosing(self.connections.listen(announced(names))) as told:
            async for name in told:
                yield name

    async def open(self) -> None:
        """Connects, then creates or upgrades the schema; refuses a newer one."""
        await migrate(self.conninfo)
        try:
            await self.pool.open(wait=True, timeout=CONNECT_TIMEOUT)
        except psycopg_pool.PoolTimeout as exc:
            await self.pool.close()
            raise StoreError(
                f"cannot connect to PostgreSQL at {self.where} within {CONNECT_TIMEOUT:g} s: "
                "check that it is running and DATABASE_URL is right"
            ) from exc

    async def close(self) -> None:
        await self.pool.close()

    async def drop_copies(self, names: Iterable[str]) -> None:
        """Nothing to do: Spred keeps no copies here. A deleted row is gone for every reader at
        commit; PostgreSQL reclaims its space at its next (auto)vacuum."""


async def migrate(conninfo: str, *, version: int = SCHEMA_VERSION) -> int:
    """Brings the database to schema `version`; returns the version found before (0: new)."""
    where = describe(conninfo)
    try:
        conn = await psycopg.AsyncConnection.connect(
            conninfo, autocommit=True, connect_timeout=int(CONNECT_TIMEOUT)
        )
    except psycopg.Error as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise StoreError(
            f"cannot connect to PostgreSQL at {where} ({reason}): check that it is running "
            "and that DATABASE_URL names the right host, port, database and user"
        ) from exc
    try:
        # One instance migrates; the others wait here and then find nothing left to do.
        lock = "SELECT pg_advisory_lock(hashtext('spred-migrate:' || current_schema()))"
        await conn.execute(lock)
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS spred_meta (schema_version int PRIMARY KEY,"
            " applied_at timestamptz NOT NULL DEFAULT now())"
        )
        row = await (await conn.execute("SELECT max(schema_version) FROM spred_meta")).fetchone()
        found = int(row[0]) if row and row[0] is not None else 0
        if found > version:
            raise newer_refused(f"the database at {where}", found, version, "DATABASE_URL")
        # A new database gets the tables and every step; an older one each step since its
        # version.
        steps = range(max(found, 1), version)
        if any(step not in MIGRATIONS for step in steps):
            raise StoreError(f"no migration from schema {found} to {version} in this Spred")
        names = {"names": [spec.name for spec in COLLECTIONS]}
        async with conn.transaction():
            for statement in TABLES:
                await conn.execute(statement, names if "%(" in statement else None)
            for step in steps:
                for step_sql in MIGRATIONS[step]:
                    await conn.execute(step_sql)
            if steps:
                await fill_fields(conn)
            for applied in (
                [1, *(step + 1 for step in steps)] if not found else [s + 1 for s in steps]
            ):
                await conn.execute(
                    "INSERT INTO spred_meta VALUES (%s) ON CONFLICT DO NOTHING", (applied,)
                )
        return found
    except psycopg.Error as exc:
        raise StoreError(f"cannot set up the schema in PostgreSQL at {where}: {exc}") from exc
    finally:
        await conn.close()  # also releases the advisory lock
