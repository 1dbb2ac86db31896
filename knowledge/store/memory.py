"""An in-memory backend: the same interface, nothing on disk. For tests and throwaway runs."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from datetime import datetime
from typing import Any, Generic

from knowledge.store.base import Collection, CollectionSpec, R, Store, updated
from knowledge.store.claims import LocalClaims
from knowledge.store.query import (
    Condition,
    Tally,
    checked,
    checked_tally,
    holds,
    largest,
    tallied,
)


class MemoryCollection(Generic[R]):
    def __init__(
        self, *, name: str, record_type: type[R], fields: Mapping[str, type] | None = None
    ) -> None:
        self.name = name
        self._type = record_type
        self._fields = dict(fields or {})
        # Stored as dicts, like a real backend, so a record that cannot round-trip fails here too.
        self._docs: dict[str, dict[str, Any]] = {}
        self._writes = 0
        self._claims = LocalClaims()

    async def open(self) -> None:
        return None

    async def close(self) -> None:
        return None

    async def get(self, key: str) -> R | None:
        doc = self._docs.get(key)
        return None if doc is None else self._type.from_dict(doc)

    async def all(self) -> list[R]:
        return [self._type.from_dict(doc) for doc in self._docs.values()]

    async def keys(self) -> list[str]:
        return list(self._docs)

    async def version(self) -> Hashable:
        return self._writes

    async def count(self) -> int:
        return len(self._docs)

    async def find(self, *, limit: int | None = None, **conditions: Condition) -> list[R]:
        checked(self.name, self._fields, conditions)
        return self._find(conditions, limit)

    def _find(self, conditions: Mapping[str, Condition], limit: int | None) -> list[R]:
        found: list[R] = []
        for doc in self._docs.values():
            if limit is not None and len(found) >= limit:
                break
            record = self._type.from_dict(doc)
            if holds(record, conditions):
                found.append(record)
        return found

    async def tally(
        self,
        *,
        by: tuple[str, ...],
        most: int | None = None,
        distinct: str | None = None,
        **conditions: Condition,
    ) -> Tally:
        checked_tally(self.name, self._fields, by, distinct, conditions)
        return largest(tallied(self._find(conditions, None), by, distinct), most)

    async def insert(self, record: R) -> bool:
        if record.key in self._docs:
            return False
        await self.upsert(record)
        return True

    async def claim(
        self, *, now: datetime, until: datetime, limit: int, **conditions: Condition
    ) -> list[R]:
        checked(self.name, self._fields, conditions)
        return self._claims.take(self._find(conditions, None), now=now, until=until, limit=limit)

    async def release(self, keys: Iterable[str]) -> None:
        self._claims.end(keys)

    async def upsert(self, record: R) -> None:
        await self.upsert_many([record])

    async def upsert_many(self, records: Iterable[R]) -> None:
        encoded = {r.key: r.to_dict() for r in records}
        self._docs.update(encoded)
        for key in encoded:
            self._claims.end([key])
        self._writes += 1

    async def delete(self, key: str) -> bool:
        self._writes += 1
        self._claims.end([key])
        return self._docs.pop(key, None) is not None

    async def update(self, key: str, change: Callable[[R | None], R | None]) -> R | None:
        # No await between the read and the write: nothing else on the loop comes between.
        writes, changed = updated(key, await self.get(key), change)
        if writes and changed is None:
            await self.delete(key)
        elif writes and changed is not None:
            await self.upsert(changed)
        return changed


class MemoryStore(Store):
    backend = "memory"

    async def drop_copies(self, names: Iterable[str]) -> None:
        """Nothing to do: no copies are kept."""

    def make_collection(self, spec: CollectionSpec) -> Collection[Any]:
        return MemoryCollection(name=spec.name, record_type=spec.record_type, fields=spec.fields)
