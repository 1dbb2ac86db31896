"""Claims kept in this process, for the backends one process writes: memory, and a data
directory (whose server is the only one sending; several instances need PostgreSQL, where
claims are rows' `claimed_until`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, TypeVar

R = TypeVar("R", bound=Any)


class LocalClaims:
    def __init__(self) -> None:
        self._until: dict[str, datetime] = {}  # key → claimed until

    def take(self, records: Iterable[R], *, now: datetime, until: datetime, limit: int) -> list[R]:
        """Up to `limit` of `records` no unexpired claim holds, each now held until `until`."""
        claimed: list[R] = []
        for record in records:
            if len(claimed) >= limit:
                break
            held = self._until.get(record.key)
            if held is None or held <= now:
                self._until[record.key] = until
                claimed.append(record)
        return claimed

    def end(self, keys: Iterable[str]) -> None:
        """Released, written or deleted: claimable again."""
        for key in keys:
            self._until.pop(key, None)
