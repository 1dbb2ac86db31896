"""An in-memory backend: the same interface, nothing on disk. For tests and throwaway runs."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import Any, Generic

from knowledge.store.base import Collection, CollectionSpec, R, Store, updated


class MemoryCollection(Generic[R]):
    def __init__(self, *, name: str, record_type: type[R]) -> None:
        self.name = name
        self._type = record_type
        # Stored as dicts, like a real backend, so a record that cannot round-trip fails here too.
        self._docs: dict[str, dict[str, Any]] = {}
        self._writes = 0

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

    async def upsert(self, record: R) -> None:
        await self.upsert_many([record])

    async def upsert_many(self, records: Iterable[R]) -> None:
        encoded = {r.key: r.to_dict() for r in records}
        self._docs.update(encoded)
        self._writes += 1

    async def delete(self, key: str) -> bool:
        self._writes += 1
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
    async def drop_copies(self, names: Iterable[str]) -> None:
        """Nothing to do: no copies are kept."""

    def make_collection(self, spec: CollectionSpec) -> Collection[Any]:
        return MemoryCollection(name=spec.name, record_type=spec.record_type)
