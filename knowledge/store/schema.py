"""The data directory's schema version, and the hook that upgrades older directories.

`<data>/meta.json` holds `schema_version`. A directory from an older Spred is brought up to
date one step at a time by `MIGRATIONS[n]` (n → n+1), each step followed by a durable update
of the version, so a crash between steps resumes where it stopped. Steps must therefore be
idempotent. A directory from a newer Spred is refused rather than misread.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Mapping
from pathlib import Path

import orjson

from knowledge.store.base import SCHEMA_VERSION, StoreCorrupt, StoreError
from knowledge.store.durable import FILE_MODE, load_json_file, write_atomically
from knowledge.store.lock import DEFAULT_WAIT, LockWait, acquire

META_FILE = "meta.json"

Migration = Callable[[Path], None]
MIGRATIONS: Mapping[int, Migration] = {}


def prepare(
    data_dir: Path,
    *,
    version: int = SCHEMA_VERSION,
    migrations: Mapping[int, Migration] = MIGRATIONS,
    lock_wait: LockWait = DEFAULT_WAIT,
) -> int:
    """Creates or upgrades `data_dir` to `version`; returns the version found before."""
    if data_dir.exists() and not data_dir.is_dir():
        raise StoreError(f"the data directory {data_dir} is a file; give a directory's path")
    try:
        data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise StoreError(
            f"cannot create the data directory {data_dir}: {exc.strerror or exc}"
        ) from exc
    if not os.access(data_dir, os.W_OK):
        raise StoreError(f"the data directory {data_dir} is not writable by this user")
    meta_path = data_dir / META_FILE
    try:
        lock = os.open(data_dir / ".meta.lock", os.O_RDWR | os.O_CREAT, FILE_MODE)
    except OSError as exc:
        raise _unprepared(data_dir, exc) from exc
    try:
        acquire(lock, path=meta_path, wait=lock_wait)  # two starting at once migrate once
        meta = load_json_file(meta_path)
        if meta is None:
            _write(meta_path, version)
            return version
        found = meta.get("schema_version")
        if not isinstance(found, int) or isinstance(found, bool) or found < 1:
            raise StoreCorrupt(f"{meta_path}: schema_version must be a positive whole number")
        if found > version:
            raise newer_refused(str(data_dir), found, version, "--data")
        current = found
        while current < version:
            step = migrations.get(current)
            if step is None:
                raise StoreError(f"no migration from schema {current} to {current + 1}")
            step(data_dir)
            current += 1
            _write(meta_path, current)
        return found
    finally:
        os.close(lock)


def newer_refused(where: str, found: int, version: int, setting: str) -> StoreError:
    """The one rule of both backends: what a newer Spred wrote is refused, not misread."""
    return StoreError(
        f"{where} was written by a newer Spred (schema {found}); this one reads "
        f"schema {version} at most. Upgrade Spred, or point {setting} elsewhere."
    )


def _write(path: Path, version: int) -> None:
    try:
        write_atomically(
            path, orjson.dumps({"schema_version": version}, option=orjson.OPT_INDENT_2)
        )
    except OSError as exc:  # a full disk, most likely
        raise _unprepared(path.parent, exc) from exc


def _unprepared(data_dir: Path, exc: OSError) -> StoreError:
    advice = "; free space on its disk" if exc.errno == errno.ENOSPC else ""
    return StoreError(f"cannot set up the data directory {data_dir}: {exc.strerror or exc}{advice}")
