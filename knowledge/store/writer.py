"""One thread owns one data file: every read and write of it runs there, in order.

TinyDB is not thread-safe and corrupts its file when two writers meet, so each file gets a
single owner thread, and an exclusive `flock` on `<file>.lock` while it works, so that a
second process (`spred import` while `spred serve` runs) takes turns instead of clobbering.
Writes that queue up while a flush is on disk are committed together with one flush
(group commit) and each is acknowledged only after that flush returned.
"""

from __future__ import annotations

import asyncio
import fcntl
import logging
import os
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from knowledge.store.base import StoreError
from knowledge.store.durable import FILE_MODE, DurableJSONStorage
from knowledge.store.lock import LockWait, acquire

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Job:
    fn: Callable[[], Any]
    writes: bool
    future: Future[Any] = field(default_factory=Future)


class SerialWriter:
    def __init__(
        self,
        storage: DurableJSONStorage,
        *,
        on_reload: Callable[[], None],
        lock_wait: LockWait,
    ) -> None:
        self.storage = storage
        self._on_reload = on_reload
        self._lock_wait = lock_wait
        self._queue: queue.SimpleQueue[Job | None] = queue.SimpleQueue()
        self._lock_path = storage.path.with_name(f".{storage.path.name}.lock")
        self._thread = threading.Thread(
            target=self._run, name=f"spred-store-{storage.path.stem}", daemon=True
        )
        self._closed = False
        self._thread.start()

    async def read(self, fn: Callable[[], Any]) -> Any:
        return await self._submit(fn, writes=False)

    async def write(self, fn: Callable[[], Any]) -> Any:
        return await self._submit(fn, writes=True)

    async def _submit(self, fn: Callable[[], Any], *, writes: bool) -> Any:
        if self._closed:
            raise RuntimeError(f"the store for {self.storage.path} is closed")
        job = Job(fn, writes)
        self._queue.put(job)
        return await asyncio.wrap_future(job.future)

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._queue.put(None)
        await asyncio.to_thread(self._thread.join)

    def _run(self) -> None:
        fd: int | None = None
        try:
            while True:
                batch = self._take_batch()
                if batch is None:
                    return
                batch = [job for job in batch if job.future.set_running_or_notify_cancel()]
                try:
                    if fd is None:
                        fd = self._open_lock()
                    self._run_batch(batch, fd)
                except StoreError as exc:  # a full disk, a lock held too long: said, not a bug
                    self._fail(batch, exc)
                except Exception as exc:  # the thread must outlive any one bad batch
                    log.exception("store batch on %s failed", self.storage.path)
                    self._fail(batch, exc)
        finally:
            if fd is not None:
                os.close(fd)

    def _open_lock(self) -> int:
        """The lock file's descriptor; tried again on the next batch if it cannot be had."""
        try:
            return os.open(self._lock_path, os.O_RDWR | os.O_CREAT, FILE_MODE)
        except OSError as exc:
            raise StoreError(f"cannot create {self._lock_path}: {exc.strerror or exc}") from exc

    def _take_batch(self) -> list[Job] | None:
        first = self._queue.get()
        if first is None:
            return None
        batch = [first]
        while True:
            try:
                job = self._queue.get_nowait()
            except queue.Empty:
                return batch
            if job is None:
                self._queue.put(None)  # finish this batch, then stop
                return batch
            batch.append(job)

    def _run_batch(self, batch: list[Job], lock_fd: int) -> None:
        acquire(lock_fd, path=self.storage.path, wait=self._lock_wait)
        pending: list[tuple[Job, Any]] = []
        try:
            try:
                if self.storage.refresh():
                    self._on_reload()
            except Exception as exc:
                self._fail(batch, exc)
                return
            for job in batch:
                if not job.writes and pending:
                    self._commit(pending)  # a read sees only what is durable
                    pending = []
                try:
                    result = job.fn()
                except Exception as exc:
                    if job.writes:
                        self._rollback([*pending, (job, None)], exc)
                        pending = []
                    else:
                        job.future.set_exception(exc)
                    continue
                if job.writes:
                    pending.append((job, result))
                else:
                    job.future.set_result(result)
            self._commit(pending)
        finally:
            fcntl.flock(lock_fd, fcntl.LOCK_UN)

    def _commit(self, pending: list[tuple[Job, Any]]) -> None:
        if not pending:
            return
        try:
            self.storage.flush()
        except Exception as exc:
            self._rollback(pending, exc)
            return
        for job, result in pending:
            job.future.set_result(result)

    def _rollback(self, pending: list[tuple[Job, Any]], exc: BaseException) -> None:
        """Nothing of a failed group is acknowledged, and memory goes back to the disk's state.
        Each writer gets the error, to say once in its own words (a CLI line, a server log)."""
        try:
            self.storage.discard()
        finally:
            self._on_reload()
            self._fail([job for job, _ in pending], exc)

    @staticmethod
    def _fail(jobs: list[Job], exc: BaseException) -> None:
        for job in jobs:
            if not job.future.done():
                job.future.set_exception(exc)
