"""Finding a colleague in the people directory by name, as typed (issue 17: *Send til en
kollega* on a roadshow's invitation): case, spaces and æøå folded as everywhere ("Søren
Ågård", "soeren aagaard"), a typo forgiven, and part of a name ("Eva", "Holm") enough to
be offered the people it may mean.

The directory's names are read again only when the directory has changed
(`Collection.version`, which a write by any process changes), so every server on one
database finds a new import at once; between changes a search asks the store for nothing
but the version. Reading and indexing them, and the fuzzy search over them, run on a
thread: a directory of 50,000 people takes a good part of a second to index.

What a search returns names only each person's name, role and organisation: all anyone
may be shown of a colleague, in another organisation too (README: "What Spred shares").
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from knowledge.records import Person
from knowledge.store import Collection
from knowledge.text import folded_name

MAX_TYPED = 200  # characters of a name anyone types
MOST = 5  # people offered to choose between
# rapidfuzz's token_set_ratio (0–100) from which a name is offered as meant: a typo in a
# name ("Mete Kjærgård") or a part of it ("Eva") reaches it; another name does not.
NEAR = 85


def mark(person_id: str) -> str:
    """A directory entry as a dialogue remembers which it offered: not its id (which may be
    an e-mail address), so nothing of the people offered is kept with someone else's
    conversation."""
    return hashlib.sha256(person_id.encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True, kw_only=True)
class Named:
    """A directory entry as a search shows it: its id (never shown) and what may be."""

    person_id: str
    name: str
    role: str
    organization: str

    @property
    def shown(self) -> str:
        """ "Eva Ny, sygeplejerske, Odense Kommune" """
        return ", ".join(p for p in (self.name, self.role, self.organization) if p)


@dataclass(frozen=True, slots=True, kw_only=True)
class Found:
    exact: tuple[Named, ...] = ()  # whose whole name is what was typed, folded
    near: tuple[Named, ...] = ()  # else those it may mean, the likeliest first


@dataclass(frozen=True, slots=True)
class _Index:
    by_name: dict[str, tuple[Named, ...]]  # folded name → the entries with it
    names: tuple[str, ...]  # the folded names, for the fuzzy search


def _indexed(people: Iterable[Person]) -> _Index:
    by_name: dict[str, list[Named]] = {}
    for person in people:
        name = folded_name(person.name)
        if name:
            by_name.setdefault(name, []).append(
                Named(
                    person_id=person.id,
                    name=person.name,
                    role=person.role,
                    organization=person.organization,
                )
            )
    frozen = {name: tuple(entries) for name, entries in by_name.items()}
    return _Index(by_name=frozen, names=tuple(frozen))


class PeopleNames:
    """The people directory searched by name; one a process (bot.turn.Services)."""

    def __init__(self) -> None:
        self._version: Hashable = None
        self._index = _Index(by_name={}, names=())

    async def find(self, people: Collection[Person], typed: str, *, own: str = "") -> Found:
        """The entries whose name is `typed`, else up to MOST it may mean; of equally
        likely ones, those of the organisation named `own` (the asker's) first."""
        wanted = folded_name(typed[:MAX_TYPED])
        if not wanted:
            return Found()
        index = await self._current(people)
        mine = folded_name(own)

        def elsewhere(named: Named) -> bool:
            return bool(mine) and folded_name(named.organization) != mine

        if wanted in index.by_name:
            return Found(exact=tuple(sorted(index.by_name[wanted], key=elsewhere)[:MOST]))
        near = await asyncio.to_thread(
            process.extract,
            wanted,
            index.names,
            scorer=fuzz.token_set_ratio,
            limit=None,  # all that come close, so those of the asker's organisation count
            score_cutoff=NEAR,
        )
        scored = [(score, named) for name, score, _ in near for named in index.by_name[name]]
        scored.sort(key=lambda found: (-found[0], elsewhere(found[1])))
        return Found(near=tuple(named for _, named in scored[:MOST]))

    async def _current(self, people: Collection[Person]) -> _Index:
        version = await people.version()
        if version != self._version:  # changed, by this process or another
            # The version read first: a write while reading makes the next search read again.
            self._index = await asyncio.to_thread(_indexed, await people.all())
            self._version = version
        return self._index
