"""What an import entry may carry beside the solution itself, which the solution's
validator does not know: its places' local results (knowledge/evidence.py) and its kept
versions (knowledge/history.py). Each is taken out of the entry on its way to the validator
and checked once the batch is read, rejecting the entry, named by its place in the file, if
it breaks its rules."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Generic, TypeVar

from knowledge.solutions import Batch
from knowledge.validation import ValidationError

T = TypeVar("T")
# parse(raw, solution_id=…, path=…): what the field holds, or ValidationError naming faults
Parse = Callable[..., list[T]]


class ExtraField(Generic[T]):
    def __init__(self, name: str, parse: Parse[T]) -> None:
        self.name = name
        self.parse = parse
        self._found: dict[int, tuple[str, object]] = {}
        self._first: dict[object, int] = {}

    def entries(self, raws: Iterable[object]) -> Iterator[object]:
        """The entries, each without this field (kept here by the entry's place)."""
        for i, raw in enumerate(raws):
            if isinstance(raw, Mapping):
                key = raw.get("id")
                if isinstance(key, str):
                    self._first.setdefault(key, i)
                if self.name in raw:
                    raw = dict(raw)
                    found = raw.pop(self.name)
                    if isinstance(key, str):
                        self._found[i] = (key, found)
            yield raw

    def check(self, batch: Batch, *, path: str = "solutions") -> list[T]:
        """The valid entries' field, parsed; an entry with a bad one is moved from the
        batch's solutions to its rejected, with each fault among its errors."""
        good: list[tuple[str, T]] = []
        valid = {s.id for s in batch.solutions}
        bad = set()
        for i, (solution_id, raw) in sorted(self._found.items()):
            if solution_id not in valid or self._first.get(solution_id) != i:
                continue  # the entry itself was refused, or is a refused repeat of its id
            try:
                parsed = self.parse(raw, solution_id=solution_id, path=f"{path}[{i}].{self.name}")
            except ValidationError as exc:
                batch.errors.extend(exc.errors)
                bad.add(solution_id)
                continue
            good += [(solution_id, item) for item in parsed]
        if bad:
            batch.solutions = [s for s in batch.solutions if s.id not in bad]
            batch.rejected += len(bad)
        return [item for solution_id, item in good if solution_id not in bad]
