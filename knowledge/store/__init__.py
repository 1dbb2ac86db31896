"""Where Spred keeps its records. `open_store` gives the default, file-based backend."""

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
from knowledge.store.memory import MemoryStore
from knowledge.store.schema import prepare
from knowledge.store.tiny import TinyStore

__all__ = [
    "COLLECTIONS",
    "SCHEMA_VERSION",
    "Collection",
    "MemoryStore",
    "Store",
    "StoreCorrupt",
    "StoreError",
    "TinyStore",
    "open_store",
]


async def open_store(data_dir: Path) -> Store:
    """The TinyDB store in `data_dir`, created or upgraded as needed, every file loaded."""
    await asyncio.to_thread(prepare, data_dir)
    store = TinyStore(data_dir)
    await store.open()
    return store
