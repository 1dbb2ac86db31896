"""Every change to a solution kept: who made it, when, and what it was before.

One place writes them (`kept`), called by every path that stores solutions (KnowledgeBase's
publish, `spred import`, `spred load-demo`), before the solutions themselves are stored: a
failure in between leaves a version of a change not made, never a change without its
version. A version's key carries a random part besides its number, so two processes
changing one solution at once both keep theirs (numbered alike, ordered by time) and none
overwrites another's.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from knowledge.records import SolutionVersion, new_id
from knowledge.solutions import Solution
from knowledge.store import Store
from knowledge.store.query import OneOf

# Up to this many solutions are read one by one; more (an import) are read in one go.
READ_ONE_BY_ONE = 20


async def kept(
    store: Store,
    solutions: Sequence[Solution],
    *,
    by: str,
    action: str,
    at: datetime,
    brought: Collection[str] = (),
) -> list[Solution]:
    """The solutions as they are to be stored, after a version is written for each that
    changes. Each keeps the confirmed day it had (or has in the store); one stored for the
    first time without one is confirmed as of `at`. One whose id is in `brought` came with
    its history (an export's): stored for the first time, it is not a change of its own."""
    before = await _stored(store, [s.id for s in solutions])
    history = await _numbers(store, [s.id for s in solutions])
    out: list[Solution] = []
    versions: list[SolutionVersion] = []
    for solution in solutions:
        previous = before.get(solution.id)
        if solution.confirmed is None:
            # Dated when first stored; one stored before Spred kept the day stays undated
            # (an edit is not its owner saying the results hold).
            day = previous.confirmed if previous is not None else at.date()
            solution = replace(solution, confirmed=day)
        out.append(solution)
        if previous is not None and previous.to_dict() == solution.to_dict():
            continue  # stored again as it was: no change to keep
        if previous is None and solution.id in brought:
            continue  # its history ends as it is
        number = history.get(solution.id, 0) + 1
        history[solution.id] = number
        versions.append(
            SolutionVersion(
                id=f"{solution.id}/{number:06d}/{new_id()[:8]}",
                solution_id=solution.id,
                number=number,
                action=action,
                by=by,
                at=at,
                previous=previous.to_dict() if previous is not None else None,
            )
        )
    if versions:
        await store.solution_versions.upsert_many(versions)
    return out


async def _stored(store: Store, ids: Sequence[str]) -> dict[str, Solution]:
    if len(ids) <= READ_ONE_BY_ONE:
        found = [await store.solutions.get(i) for i in ids]
        return {s.id: s for s in found if s is not None}
    wanted = set(ids)
    return {s.id: s for s in await store.solutions.all() if s.id in wanted}


async def _numbers(store: Store, ids: Sequence[str]) -> dict[str, int]:
    """The highest version number of each solution that has any."""
    numbers: dict[str, int] = {}
    if not ids:
        return numbers
    found = await store.solution_versions.find(solution_id=OneOf.of(dict.fromkeys(ids)))
    for version in found:
        numbers[version.solution_id] = max(numbers.get(version.solution_id, 0), version.number)
    return numbers


async def history(store: Store, solution_id: str) -> list[Version]:
    """A solution's versions, oldest first, each with what it became."""
    found = await store.solution_versions.find(solution_id=solution_id)
    ordered = sorted(found, key=lambda v: (v.number, v.at, v.id))
    if not ordered:
        return []
    current = await store.solutions.get(solution_id)
    became = [v.previous or {} for v in ordered[1:]]
    became.append(current.to_dict() if current is not None else {})
    return [Version(kept=v, became=b) for v, b in zip(ordered, became, strict=True)]


@dataclass(frozen=True, slots=True, kw_only=True)
class Version:
    """A kept change and the record it made."""

    kept: SolutionVersion
    became: Mapping[str, Any]

    def changes(self) -> list[Change]:
        """The fields it changed, in the schema's order, down to a result's or a contact's
        own field ("results[0].after")."""
        before = dict(_flat(self.kept.previous or {}))
        after = dict(_flat(self.became))
        names = list(dict.fromkeys([*after, *before]))
        return [
            Change(field=name, before=before.get(name), after=after.get(name))
            for name in names
            if before.get(name) != after.get(name)
        ]


@dataclass(frozen=True, slots=True, kw_only=True)
class Change:
    """One field a version changed: what it was and what it became (None = not there)."""

    field: str
    before: Any
    after: Any


def _flat(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """(path, value) for each leaf; a list of plain values (tags) is one leaf."""
    if isinstance(value, Mapping):
        for name, inner in value.items():
            yield from _flat(inner, f"{path}.{name}" if path else str(name))
    elif isinstance(value, list) and any(isinstance(v, Mapping | list) for v in value):
        for i, inner in enumerate(value):
            yield from _flat(inner, f"{path}[{i}]")
    else:
        yield path, value


def undone(versions: Sequence[Version]) -> Solution | None:
    """The solution as it was before its latest change; None when that change created it
    (nothing before it to go back to)."""
    if not versions or versions[-1].kept.previous is None:
        return None
    return Solution.from_dict(versions[-1].kept.previous)


async def undo(store: Store, solution_id: str, *, by: str, at: datetime) -> Solution | None:
    """Stores the solution as it was before its latest change, keeping this change too (so
    an undo can itself be undone); None when there is nothing before it."""
    restored = undone(await history(store, solution_id))
    if restored is None:
        return None
    [stored] = await kept(store, [restored], by=by, action="undo", at=at)
    await store.solutions.upsert(stored)
    return stored
