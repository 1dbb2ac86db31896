"""What a newsletter section says (issue 17): for a topic (knowledge/topics.py) or a sponsor's
portfolio, the solutions that spread in a period, what spread (organisations that began trying
or using one, adaptations reported, places its result was repeated in, new in Spred), and the
open questions of that area colleagues asked most: for unions', networks' and sponsors' own
newsletters (`spred newsletter`, bot/cli_newsletter.py) and, without the questions, the
topic's Atom feed (bot/feeds.py).

Only what Spred shows everyone anyway goes in (README, "What Spred shares"): solutions with
their published contacts, organisations and units that adopted or adapted them, adaptation
notes and local results. Never who asked or who reported: no person's name but a solution's
contact. Questions only as text and counts, and only those several people asked (below).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from rapidfuzz import fuzz, process

from bot.cards import USING
from bot.demand import Asked, most_asked
from knowledge.evidence import evidence_of
from knowledge.records import Adaptation, Adoption, Demand, DemandStatus, SolutionVersion
from knowledge.solutions import Solution
from knowledge.store import Store
from knowledge.store.query import OneOf
from knowledge.text import folded_name, question_key
from knowledge.topics import NEAR, SUGGESTIONS, Kind, Topic, find_known, known_topics

SINCE_DAYS, MOST_DAYS = 30, 366  # the period: its default and longest, in days back
MAX_SOLUTIONS = 10  # a newsletter section, not a catalogue
MAX_QUESTIONS = 5
# A question goes in only once this many different people asked it in the period: one
# person's wording, which may say who they are or whom they care for, is never published.
MIN_ASKERS = 2
# …and never one holding what looks like an e-mail address or a phone or CPR number.
_PERSONAL = re.compile(r"\S@\S|\d(?:[\s.-]?\d){5,}")


@dataclass(frozen=True, slots=True, kw_only=True)
class Subject:
    """What a newsletter is about: a topic, or a sponsor's portfolio (`sponsor`, as the
    solutions write it)."""

    topic: Topic | None = None
    sponsor: str = ""

    @property
    def name(self) -> str:
        """As a heading names it: the value as the solutions write it (a solution: its id)."""
        return self.topic.value if self.topic is not None else self.sponsor

    def covers(self, solution: Solution) -> bool:
        if solution.retired:
            return False
        if self.topic is not None:
            return self.topic.covers(solution)
        return folded_name(self.sponsor) in {folded_name(s) for s in solution.sponsors}

    @property
    def words(self) -> str:
        """The words a question names this area by ("aeldrepleje"), as question_key folds
        them; "" when no question names it in words (one solution, a sponsor)."""
        if self.topic is None or self.topic.kind is Kind.SOLUTION:
            return ""
        return question_key(self.topic.value)


@dataclass(frozen=True, slots=True, kw_only=True)
class Unknown:
    """A topic or sponsor no published solution names, and what it may have meant."""

    meant: tuple[str, ...] = ()


def topic_subject(text: str, solutions: Iterable[Solution]) -> Subject | Unknown:
    return known_subject(text, known_topics(solutions))


def known_subject(text: str, known: Mapping[str, Topic]) -> Subject | Unknown:
    """As `topic_subject`, among topics already known (KnowledgeBase.topics)."""
    found = find_known(text, known)
    if found.topic is None:
        return Unknown(meant=tuple(dict.fromkeys(t.value for t in found.meant)))
    return Subject(topic=found.topic)


def sponsor_subject(text: str, solutions: Iterable[Solution]) -> Subject | Unknown:
    """The sponsor the published solutions name as `text` (folded), else near misses as
    knowledge/topics.py offers them."""
    known: dict[str, str] = {}
    for solution in solutions:
        if not solution.retired:
            for sponsor in solution.sponsors:
                known.setdefault(folded_name(sponsor), sponsor)
    wanted = folded_name(text[:200])
    if wanted and wanted in known:
        return Subject(sponsor=known[wanted])
    near = process.extract(wanted, list(known), scorer=fuzz.ratio, limit=SUGGESTIONS)
    return Unknown(meant=tuple(known[name] for name, score, _ in near if score >= NEAR))


@dataclass(frozen=True, slots=True, kw_only=True)
class Spreading:
    """What one solution did in the period."""

    solution: Solution
    new: bool = False  # first stored in Spred in the period
    organisations: tuple[str, ...] = ()  # began trying or using it (its own left out)
    adaptations: tuple[Adaptation, ...] = ()  # reported in the period, newest first
    repeated: int = 0  # places its result held in, in all
    repeated_now: int = 0  # of them, measured in the period

    @property
    def weight(self) -> int:
        """How much it spread: each organisation, adaptation and repeated result one."""
        return len(self.organisations) + len(self.adaptations) + self.repeated_now

    @property
    def news(self) -> bool:
        return self.weight > 0 or self.new


@dataclass(frozen=True, slots=True, kw_only=True)
class Newsletter:
    subject: Subject
    start: datetime
    end: datetime
    solutions: tuple[Spreading, ...] = ()
    questions: tuple[Asked, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.solutions and not self.questions


@dataclass(frozen=True, slots=True, kw_only=True)
class Records:
    """What the store holds about some solutions, read by their ids (never whole
    collections: the feed is a request's path)."""

    adoptions: tuple[Adoption, ...] = ()
    adaptations: tuple[Adaptation, ...] = ()
    versions: tuple[SolutionVersion, ...] = ()
    # Each solution's records, gathered once: a month's recognition asks for every solution's.
    _by_solution: dict[str, tuple[list[Adoption], list[Adaptation], list[SolutionVersion]]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        by: dict[str, tuple[list[Adoption], list[Adaptation], list[SolutionVersion]]] = {}
        for adoption in self.adoptions:
            by.setdefault(adoption.solution_id, ([], [], []))[0].append(adoption)
        for adaptation in self.adaptations:
            by.setdefault(adaptation.solution_id, ([], [], []))[1].append(adaptation)
        for version in self.versions:
            by.setdefault(version.solution_id, ([], [], []))[2].append(version)
        object.__setattr__(self, "_by_solution", by)

    def of(
        self, solution_id: str
    ) -> tuple[list[Adoption], list[Adaptation], list[SolutionVersion]]:
        """One solution's adoptions, adaptations and versions."""
        return self._by_solution.get(solution_id, ([], [], []))


async def records_of(store: Store, solutions: Sequence[Solution]) -> Records:
    if not solutions:
        return Records()
    ids = OneOf.of(dict.fromkeys(s.id for s in solutions))
    return Records(
        adoptions=tuple(await store.adoptions.find(solution_id=ids)),
        adaptations=tuple(await store.adaptations.find(solution_id=ids)),
        versions=tuple(await store.solution_versions.find(solution_id=ids)),
    )


def covered(subject: Subject, solutions: Iterable[Solution]) -> list[Solution]:
    return sorted((s for s in solutions if subject.covers(s)), key=lambda s: s.id)


async def gather(
    store: Store,
    solutions: Iterable[Solution],
    subject: Subject,
    *,
    days: int,
    at: datetime,
    demand: Iterable[Demand] = (),
) -> Newsletter:
    """The newsletter for `subject` over the `days` before `at`: the solutions that spread
    most first (then those new in Spred), at most MAX_SOLUTIONS, and the most asked open
    questions of the area from `demand` (only the open ones are read)."""
    start = at - timedelta(days=days)
    mine = covered(subject, solutions)
    records = await records_of(store, mine)
    found = [spreading(s, records, start=start) for s in mine]
    ranked = sorted(
        (f for f in found if f.news), key=lambda f: (-f.weight, not f.new, f.solution.title)
    )
    ids = {s.id for s in mine}
    return Newsletter(
        subject=subject,
        start=start,
        end=at,
        solutions=tuple(ranked[:MAX_SOLUTIONS]),
        questions=tuple(asked_in(subject, ids, demand, start=start)),
    )


def spreading(
    solution: Solution, records: Records, *, start: datetime, end: datetime | None = None
) -> Spreading:
    """What `solution` did from `start` (to `end`, if given: a closed period such as last
    month, bot/recognition.py)."""

    def within(moment: datetime) -> bool:
        return moment >= start and (end is None or moment < end)

    adoptions, adaptations, versions = records.of(solution.id)
    home = folded_name(solution.organization)
    began = [
        a.organization
        for a in sorted(adoptions, key=lambda a: a.updated_at)
        if a.stage in USING and within(a.updated_at) and folded_name(a.organization) != home
    ]
    adapted = sorted(
        (a for a in adaptations if within(a.created_at)),
        key=lambda a: a.created_at,
        reverse=True,
    )
    evidence = evidence_of(solution, adoptions)
    firsts = [v.at for v in versions if v.number == 1]
    return Spreading(
        solution=solution,
        new=bool(firsts) and within(min(firsts)),
        organisations=tuple(dict.fromkeys(o for o in began if o)),
        adaptations=tuple(adapted),
        repeated=evidence.repeated,
        repeated_now=sum(
            1 for m in evidence.measured if m.held and m.measured_at and within(m.measured_at)
        ),
    )


def asked_in(
    subject: Subject, ids: set[str], demand: Iterable[Demand], *, start: datetime
) -> list[Asked]:
    """The period's open questions about this area that may be published, most asked first.

    A question is about the area on one of two signs, and on no guess beyond them: Spred
    showed the asker one of the area's solutions and it did not answer (a near miss, or
    "Hjalp ikke": `rejected`), or the question names the area in words (a domain, profession,
    tag or organisation, at the start of a word: "ældreplejen" names "ældrepleje")."""
    words = subject.words
    named = re.compile(rf"(?:^|\s){re.escape(words)}") if words else None
    about = [
        d
        for d in demand
        if d.status is DemandStatus.OPEN
        and d.asked_at >= start
        and (ids.intersection(d.rejected) or (named and named.search(question_key(d.question))))
    ]
    askers: dict[str, set[str]] = {}
    for d in about:
        askers.setdefault(question_key(d.question), set()).add(d.asker)
    shareable = [
        d
        for d in about
        if len(askers[question_key(d.question)]) >= MIN_ASKERS and not _PERSONAL.search(d.question)
    ]
    return most_asked(shareable)[:MAX_QUESTIONS]
