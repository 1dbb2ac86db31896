"""What people follow and what newsletters and feeds are about: a topic is a domain, a
profession, a tag, an organisation, or one solution. A topic someone types is matched to the
values the published solutions hold, folded (æøå typed or not, case, spaces), and a near
miss offers what it may have meant ("mente du ældrepleje?").

One definition for all of Spred's reaching out (follows, digests, newsletters, feeds): a
topic names a kind and a value as the solutions write it, and `covers` says which
solutions it is about.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from rapidfuzz import fuzz, process

from knowledge.solutions import Solution
from knowledge.text import folded_name

MAX_TOPIC = 200  # characters of a topic anyone types
SUGGESTIONS = 3  # near misses offered
NEAR = 80  # rapidfuzz's ratio (0–100) from which a known topic is offered as meant


class Kind(StrEnum):
    DOMAIN = "domain"
    PROFESSION = "profession"
    TAG = "tag"
    ORGANISATION = "organisation"
    SOLUTION = "solution"


# When one value is several kinds at once ("sundhed" a domain and a tag), the first here wins:
# the broadest grouping a person would mean.
PRECEDENCE = (Kind.DOMAIN, Kind.PROFESSION, Kind.ORGANISATION, Kind.TAG, Kind.SOLUTION)


@dataclass(frozen=True, slots=True, kw_only=True)
class Topic:
    kind: Kind
    value: str  # as the solutions write it (a solution: its id)

    @property
    def key(self) -> str:
        """How a topic is stored and compared: "domain:aeldrepleje"."""
        return f"{self.kind.value}:{folded_name(self.value)}"

    @classmethod
    def from_key(cls, key: str) -> Topic | None:
        kind, _, value = key.partition(":")
        if kind not in Kind.__members__.values() or not value:
            return None
        return cls(kind=Kind(kind), value=value)

    def covers(self, solution: Solution) -> bool:
        """Whether the solution is about this topic."""
        if self.kind is Kind.SOLUTION:
            return solution.id == self.value
        return folded_name(self.value) in {folded_name(v) for v in _values(solution, self.kind)}


@dataclass(frozen=True, slots=True, kw_only=True)
class Found:
    """What a typed topic matched: the topic, or else what it may have meant."""

    topic: Topic | None
    meant: tuple[Topic, ...] = ()


def find_topic(text: str, solutions: Iterable[Solution]) -> Found:
    """The topic `text` names among the solutions' values; else up to SUGGESTIONS known
    topics close to it."""
    return find_known(text, known_topics(solutions))


def find_known(text: str, known: Mapping[str, Topic]) -> Found:
    """As `find_topic`, among topics already known by folded name (KnowledgeBase.topics)."""
    wanted = folded_name(text[:MAX_TOPIC])
    if not wanted:
        return Found(topic=None)
    if wanted in known:
        return Found(topic=known[wanted])
    near = process.extract(wanted, list(known), scorer=fuzz.ratio, limit=SUGGESTIONS)
    return Found(topic=None, meant=tuple(known[name] for name, score, _ in near if score >= NEAR))


def known_topics(solutions: Iterable[Solution]) -> dict[str, Topic]:
    """Every topic the published solutions name, by its folded value; a value several
    kinds share is taken as the kind first in PRECEDENCE."""
    found: dict[str, Topic] = {}
    for solution in solutions:
        if solution.retired:
            continue
        for kind in Kind:
            for value in _values(solution, kind):
                name = folded_name(value)
                held = found.get(name)
                if name and (held is None or PRECEDENCE.index(kind) < PRECEDENCE.index(held.kind)):
                    found[name] = Topic(kind=kind, value=value)
        # one solution, by its title as well as its id; kept by its id
        for name in (folded_name(solution.title), solution.id):
            found.setdefault(name, Topic(kind=Kind.SOLUTION, value=solution.id))
    return found


def _values(solution: Solution, kind: Kind) -> tuple[str, ...]:
    if kind is Kind.DOMAIN:
        return solution.domains
    if kind is Kind.PROFESSION:
        return solution.professions
    if kind is Kind.TAG:
        return solution.tags
    if kind is Kind.ORGANISATION:
        return (solution.organization,)
    return ()  # a solution is named by its id or title (known_topics), covered by its id
