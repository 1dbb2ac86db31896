"""A TinyDB storage that never leaves a half-written file and never re-parses what it holds.

TinyDB's own JSONStorage truncates and rewrites its file in place (a crash mid-write leaves
it corrupt) and re-reads it on every operation. This one keeps the parsed data in memory,
replaces the file atomically (temp file, fsync, rename, fsync the directory) and keeps the
previous version as `<file>.bak`. `write()` only marks the data dirty: the serial writer
calls `flush()` once for a whole group of writes, and acknowledges them after it returns.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import Storage

from knowledge.store.base import StoreCorrupt, StoreError

FILE_MODE = 0o600  # questions and names of staff: readable by the service's user only


def write_atomically(
    path: Path, payload: bytes, *, backup: bool = False, mode: int = FILE_MODE
) -> None:
    """Replaces `path` with `payload` so that a crash leaves either the old or the new file."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        try:
            view = memoryview(payload)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        if backup and path.exists():
            bak_tmp = path.with_name(f".{path.name}.bak.tmp")
            with contextlib.suppress(FileNotFoundError):
                bak_tmp.unlink()
            os.link(path, bak_tmp)  # a hard link: the old bytes, kept without copying them
            os.replace(bak_tmp, backup_path(path))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_dir(path.parent)


def fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def backup_path(path: Path) -> Path:
    return path.with_name(path.name + ".bak")


def corrupt(path: Path, reason: str) -> StoreCorrupt:
    bak = backup_path(path)
    if bak.exists():
        advice = (
            f"The previous version is kept at {bak}: check it, then copy it over "
            f"{path.name} to restore it."
        )
    else:
        advice = (
            "No backup exists beside it: restore it from your own backups, or move it "
            "away to start with an empty collection."
        )
    return StoreCorrupt(f"{path} is not a readable Spred data file ({reason}). {advice}")


def load_json_file(path: Path) -> dict[str, Any] | None:
    """The parsed file, None if it does not exist; StoreCorrupt, naming it, if unreadable."""
    try:
        payload = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if not payload.strip():
        raise corrupt(path, "the file is empty")
    try:
        data = orjson.loads(payload)
    except orjson.JSONDecodeError as exc:
        raise corrupt(path, f"invalid JSON at line {exc.lineno}, column {exc.colno}") from exc
    if not isinstance(data, dict):
        raise corrupt(path, "expected a JSON object at the top")
    return data


class DurableJSONStorage(Storage):
    def __init__(self, path: Path) -> None:
        self.path = path
        self.dirty = False
        self._data: dict[str, Any] | None = None
        self._stamp: tuple[int, int, int] | None = None

    def read(self) -> dict[str, Any]:
        if self._data is None:
            self._load()
        assert self._data is not None
        return self._data

    def write(self, data: dict[str, Any]) -> None:
        self._data = data
        self.dirty = True

    def flush(self) -> None:
        if not self.dirty:
            return
        try:
            write_atomically(self.path, orjson.dumps(self._data), backup=True)
        except OSError as exc:  # a full disk, most likely
            raise StoreError(f"could not write {self.path}: {exc.strerror or exc}") from exc
        except TypeError as exc:
            raise StoreError(f"could not write {self.path}: {exc}") from exc
        self.dirty = False
        self._stamp = self._stat()

    @property
    def stamp(self) -> tuple[int, int, int] | None:
        """Identifies the file's current version: inode, modification time, size."""
        return self._stamp

    def refresh(self) -> bool:
        """Re-reads the file if another process replaced it; True if it did."""
        if self._data is not None and self._stat() == self._stamp:
            return False
        self._load()
        return True

    def discard(self) -> None:
        """Drops unflushed changes by going back to what is on disk."""
        self._data = None  # if reloading fails, the next read tries again and reports it
        self._load()

    def close(self) -> None:
        self._data = None

    def _stat(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def _load(self) -> None:
        stamp = self._stat()
        data = load_json_file(self.path)
        for name, table in (data or {}).items():
            if not isinstance(table, dict):
                raise corrupt(self.path, f"table {name!r} is not a JSON object")
        self._data = data or {}
        self._stamp = stamp
        self.dirty = False
