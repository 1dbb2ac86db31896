"""Where Spred keeps its records. `open_store` gives the file-based backend by default, and
PostgreSQL when given a database URL."""

from __future__ import annotations

import asyncio
from pathlib import Path

from knowledge.store.base import (
    COLLECTIONS,
    SCHEMA_VERSION,
    Collection,
    Store,
    StoreCorrupt,
    StoreError,
)
from knowledge.store.lock import DEFAULT_WAIT, LockWait
from knowledge.store.memory import MemoryStore
from knowledge.store.postgres import PostgresStore, is_database_url
from knowledge.store.schema import prepare
from knowledge.store.tiny import TinyStore

__all__ = [
    "COLLECTIONS",
    "SCHEMA_VERSION",
    "Collection",
    "LockWait",
    "MemoryStore",
    "PostgresStore",
    "Store",
    "StoreCorrupt",
    "StoreError",
    "TinyStore",
    "is_database_url",
    "open_store",
]


async def open_store(
    data_dir: Path, *, lock_wait: LockWait = DEFAULT_WAIT, database: str | None = None
) -> Store:
    """The PostgreSQL store at `database` if given, its schema brought up to date; else the
    TinyDB store in `data_dir`, created or upgraded as needed, every file loaded.
    `lock_wait` says how long to wait for a file another process holds."""
    store: Store
    if database:
        store = PostgresStore(database)
    else:
        await asyncio.to_thread(prepare, data_dir, lock_wait=lock_wait)
        store = TinyStore(data_dir, lock_wait=lock_wait)
    await store.open()
    return store
