"""The default backend: one TinyDB file per collection in the data directory."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Hashable, Iterable, Mapping
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any, Generic, cast

from tinydb import TinyDB
from tinydb.table import Document, Table

from knowledge.records import Record
from knowledge.store.base import (
    Collection,
    CollectionSpec,
    R,
    Store,
    StoreCorrupt,
    StoreError,
    computed_fields,
    updated,
)
from knowledge.store.claims import LocalClaims
from knowledge.store.durable import DurableJSONStorage
from knowledge.store.index import FieldIndex
from knowledge.store.lock import DEFAULT_WAIT, LockWait
from knowledge.store.query import (
    Condition,
    Tally,
    checked,
    checked_tally,
    holds,
    largest,
    tallied,
)
from knowledge.store.writer import SerialWriter
from knowledge.validation import ValidationError


class KeyedTable(Table):
    """Documents are addressed by the record's own key (a solution's slug), not a counter."""

    document_id_class = cast(type[int], str)  # TinyDB's types assume counters

    def _get_next_id(self) -> str:
        raise TypeError("every Spred document is inserted with its own key")


def _id(key: str) -> int:
    """A record's key as TinyDB's types name a document id (KeyedTable's ids are keys)."""
    return cast(int, key)


class KeyedTinyDB(TinyDB):
    table_class = KeyedTable


class TinyCollection(Generic[R]):
    def __init__(
        self,
        *,
        name: str,
        path: Path,
        record_type: type[R],
        fields: Mapping[str, type] | None = None,
        lock_wait: LockWait = DEFAULT_WAIT,
    ) -> None:
        self.name = name
        self.path = path
        self._type = record_type
        self._fields = dict(fields or {})
        # Claims are this process's: a data directory has one server process (several
        # instances need PostgreSQL), and a claim only keeps its own rounds apart.
        self._claims = LocalClaims()
        storage = self._storage = DurableJSONStorage(path)
        self._db = KeyedTinyDB(storage=lambda: storage)
        # The writer keeps its own cache policy; TinyDB's query cache would outlive reloads.
        self._table = self._db.table(name, cache_size=0)
        # Each record decoded with the stored document it came from. A reload (another
        # process wrote the file) keeps the records whose documents did not change: decoding
        # validates, and re-decoding every solution after each import took seconds.
        self._decoded: dict[str, tuple[Any, R]] = {}
        # The declared fields' index (knowledge/store/index.py): built by the first `find`
        # that can use it, kept up to date by every write, dropped when the file is reloaded.
        self._index: FieldIndex | None = None
        self._writer = SerialWriter(storage, on_reload=self._forget_gone, lock_wait=lock_wait)

    async def open(self) -> None:
        """Loads the file now, so a corrupt one is reported at start-up, naming it."""
        await self._writer.read(self._table.__len__)

    async def close(self) -> None:
        await self._writer.close()

    async def get(self, key: str) -> R | None:
        return await self._writer.read(lambda: self._get(key))

    async def all(self) -> list[R]:
        return await self._writer.read(
            lambda: [self._decode(key, doc) for key, doc in self._stored().items()]
        )

    async def keys(self) -> list[str]:
        return await self._writer.read(lambda: [doc.doc_id for doc in self._table])

    async def version(self) -> Hashable:
        # Every read batch first re-reads a file another process replaced.
        return await self._writer.read(lambda: self._storage.stamp)

    async def count(self) -> int:
        return await self._writer.read(self._table.__len__)

    async def find(self, *, limit: int | None = None, **conditions: Condition) -> list[R]:
        checked(self.name, self._fields, conditions)
        return await self._writer.read(lambda: self._find(conditions, limit))

    async def tally(
        self,
        *,
        by: tuple[str, ...],
        most: int | None = None,
        distinct: str | None = None,
        **conditions: Condition,
    ) -> Tally:
        checked_tally(self.name, self._fields, by, distinct, conditions)
        return await self._writer.read(lambda: largest(self._tally(conditions, by, distinct), most))

    async def insert(self, record: R) -> bool:
        doc = record.to_dict()
        return await self._writer.write(lambda: self._insert(record, doc))

    async def claim(
        self, *, now: datetime, until: datetime, limit: int, **conditions: Condition
    ) -> list[R]:
        checked(self.name, self._fields, conditions)
        # Found and claimed in one job of the file's thread, where writes end claims: a
        # record written (delivered) between a find and a claim must not be claimed again.
        return await self._writer.read(lambda: self._claim(conditions, now, until, limit))

    def _claim(
        self, conditions: Mapping[str, Condition], now: datetime, until: datetime, limit: int
    ) -> list[R]:
        return self._claims.take(self._find(conditions, None), now=now, until=until, limit=limit)

    async def release(self, keys: Iterable[str]) -> None:
        gone = list(keys)
        await self._writer.read(lambda: self._claims.end(gone))

    async def upsert(self, record: R) -> None:
        await self.upsert_many([record])

    async def upsert_many(self, records: Iterable[R]) -> None:
        # Encoding happens here, before the writer, so a bad record fails alone.
        batch = {r.key: (r, r.to_dict()) for r in records}
        if batch:
            await self._writer.write(lambda: self._put(batch))

    async def delete(self, key: str) -> bool:
        return await self._writer.write(lambda: self._delete(key))

    async def update(self, key: str, change: Callable[[R | None], R | None]) -> R | None:
        # One write job: it runs on the file's thread under the file lock, after re-reading
        # a file another process replaced, so no other writer comes between.
        return await self._writer.write(lambda: self._update(key, change))

    async def rewrite(self) -> None:
        """Writes the file again as it is, so its `.bak` holds the current version: after
        an erasure, the erased records are in neither."""
        await self._writer.write(lambda: self._storage.write(self._storage.read()))

    def _stored(self) -> dict[str, Any]:
        """The documents as the storage holds them (TinyDB hands out copies), so that an
        unchanged one is recognised by identity."""
        return self._storage.read().get(self.name, {})

    def _get(self, key: str) -> R | None:
        doc = self._stored().get(key)
        return None if doc is None else self._decode(key, doc)

    def _decode(self, key: str, doc: Any) -> R:
        cached = self._decoded.get(key)
        if cached is not None and (cached[0] is doc or cached[0] == doc):
            record = cached[1]
        else:
            try:
                record = self._type.from_dict(doc)
            except (ValidationError, TypeError, ValueError) as exc:
                reason = "; ".join(str(exc).splitlines())
                raise StoreCorrupt(
                    f"{self.path}: entry {key!r} cannot be read ({reason}). Fix or remove it "
                    f"in the file, or restore {self.path.name}.bak"
                ) from exc
        self._decoded[key] = (doc, record)  # the document now stored, not a replaced one
        return record

    def _forget_gone(self) -> None:
        """After a reload: records no longer stored are forgotten; the others are checked
        against their documents as they are read."""
        try:
            stored = self._stored()
        except StoreError:  # unreadable now: the next read says so; keep nothing
            self._decoded.clear()
            return
        for key in [k for k in self._decoded if k not in stored]:
            del self._decoded[key]
        self._index = None  # the file changed elsewhere: built again when next asked

    def _find(self, conditions: Mapping[str, Condition], limit: int | None) -> list[R]:
        stored = self._stored()
        keys = self._indexed(stored).candidates(conditions) if conditions else None
        found: list[R] = []
        for key in stored if keys is None else keys:
            if limit is not None and len(found) >= limit:
                break
            record = self._decode(key, stored[key])
            if holds(record, conditions):
                found.append(record)
        return found

    def _tally(
        self, conditions: Mapping[str, Condition], by: tuple[str, ...], distinct: str | None
    ) -> Tally:
        counted = self._indexed(self._stored()).tally(conditions, by, distinct)
        if counted is not None:
            return counted
        return tallied(self._find(conditions, None), by, distinct)

    def _indexed(self, stored: Mapping[str, Any]) -> FieldIndex:
        if self._index is None:
            # A plain record's stored form keeps each field by name; anything else (a
            # solution leaves out `retired` when false) is read from the decoded record.
            faithful = issubclass(self._type, Record)
            decoded = computed_fields(self._type, self._fields) if faithful else self._fields
            index = FieldIndex(self._fields, decoded=decoded)
            for key, doc in stored.items():
                index.add_stored(key, doc, partial(self._decode, key, doc))
            self._index = index
        return self._index

    def _insert(self, record: R, doc: dict[str, Any]) -> bool:
        if self._table.contains(doc_id=_id(record.key)):
            return False
        self._put({record.key: (record, doc)})
        return True

    def _put(self, batch: dict[str, tuple[R, dict[str, Any]]]) -> None:
        existing = [_id(k) for k in batch if self._table.contains(doc_id=_id(k))]
        if existing:
            self._table.remove(doc_ids=existing)
        self._table.insert_multiple(Document(doc, doc_id=_id(k)) for k, (_, doc) in batch.items())
        for key, (record, doc) in batch.items():
            self._decoded[key] = (doc, record)
            self._claims.end([key])
            if self._index is not None:
                self._index.add(key, record)

    def _update(self, key: str, change: Callable[[R | None], R | None]) -> R | None:
        writes, changed = updated(key, self._get(key), change)
        if writes and changed is None:
            self._delete(key)
        elif writes and changed is not None:
            self._put({key: (changed, changed.to_dict())})
        return changed

    def _delete(self, key: str) -> bool:
        if not self._table.contains(doc_id=_id(key)):
            return False
        self._table.remove(doc_ids=[_id(key)])
        self._decoded.pop(key, None)
        self._claims.end([key])
        if self._index is not None:
            self._index.remove(key)
        return True


class TinyStore(Store):
    """Each collection in `<data>/<name>.json`."""

    backend = "tinydb"

    def __init__(self, data_dir: Path, *, lock_wait: LockWait = DEFAULT_WAIT) -> None:
        self.data_dir = data_dir
        self.lock_wait = lock_wait
        super().__init__()

    async def ping(self) -> bool:
        """The data directory is still there and writable (a volume unmounted, or made
        read-only, under a running server)."""
        return await asyncio.to_thread(
            lambda: self.data_dir.is_dir() and os.access(self.data_dir, os.W_OK)
        )

    async def drop_copies(self, names: Iterable[str]) -> None:
        for name in names:
            collection = self.collections[name]
            assert isinstance(collection, TinyCollection)
            await collection.rewrite()

    def make_collection(self, spec: CollectionSpec) -> Collection[Any]:
        return TinyCollection(
            name=spec.name,
            path=self.data_dir / f"{spec.name}.json",
            record_type=spec.record_type,
            fields=spec.fields,
            lock_wait=self.lock_wait,
        )
