"""`spred migrate` and `spred transfer --from SOURCE --to TARGET` (contract, "Database").

`migrate` brings the store's schema up to date (opening a store does that) and prints the
version. `transfer` copies every collection from one store to another, each a data directory
or a postgresql:// URL, then checks that the target holds as many records as the source in
each collection: a target that held other records is a mismatch, named, not a silent merge.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from bot.config import ConfigError, Settings
from knowledge.store import COLLECTIONS, SCHEMA_VERSION, Store, StoreError, open_store
from knowledge.store.postgres import SCHEMA_VERSION as POSTGRES_SCHEMA
from knowledge.store.postgres import describe, is_database_url


def add_parser(sub: Any, data: argparse.ArgumentParser) -> None:
    sub.add_parser("migrate", parents=[data], help="bring the store's schema up to date")
    transfer = sub.add_parser(
        "transfer", help="copy everything between a data directory and a database"
    )
    transfer.add_argument("--from", dest="source", required=True, metavar="SOURCE")
    transfer.add_argument("--to", dest="target", required=True, metavar="TARGET")
    transfer.set_defaults(data=None, database=None)


def where(settings: Settings) -> str:
    """The store a command uses, for people: never a database password."""
    if settings.database_url:
        return f"PostgreSQL at {describe(settings.database_url)}"
    return str(settings.data_dir.resolve())


async def cmd_migrate(settings: Settings, args: argparse.Namespace) -> int:
    store = await open_store(settings.data_dir, database=settings.database_url)
    await store.close()
    version = POSTGRES_SCHEMA if settings.database_url else SCHEMA_VERSION
    print(f"{where(settings)}: schema version {version}.")
    return 0


async def _open(location: str, *, source: bool = False) -> Store:
    if is_database_url(location):
        return await open_store(Path(), database=location)
    if "://" in location:
        raise ConfigError(
            "transfer: SOURCE and TARGET are each a data directory or a postgresql:// URL"
        )
    if source and not await asyncio.to_thread(Path(location).is_dir):
        # Not a new, empty one: a mistyped SOURCE would copy nothing and look done.
        raise StoreError(
            f"transfer: {location} is not a data directory; give the one to copy from, "
            "or a postgresql:// URL"
        )
    return await open_store(Path(location))


def _name(location: str) -> str:
    return f"PostgreSQL at {describe(location)}" if is_database_url(location) else location


async def cmd_transfer(settings: Settings, args: argparse.Namespace) -> int:
    source = await _open(args.source, source=True)
    try:
        target = await _open(args.target)
        try:
            for spec in COLLECTIONS:
                records = await source.collections[spec.name].all()
                await target.collections[spec.name].upsert_many(records)
                held = await target.collections[spec.name].count()
                if held != len(records):
                    raise StoreError(
                        f"transfer: {spec.name}: {len(records)} copied from "
                        f"{_name(args.source)}, but {_name(args.target)} holds {held}; it held "
                        "records the source does not have: transfer into an empty target"
                    )
                print(f"{spec.name}: {len(records)}")
        finally:
            await target.close()
    finally:
        await source.close()
    print(f"Copied every collection from {_name(args.source)} to {_name(args.target)}.")
    sys.stdout.flush()
    return 0


COMMANDS = {"migrate": cmd_migrate, "transfer": cmd_transfer}
