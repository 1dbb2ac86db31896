"""The dashboard's numbers (issue 18): demand, spreading, managers, the review queue and
owner confirmations, as tables the web shows and offers as CSV.

What an admin sees is bot/roles.py's rule: a global admin everything; a local admin the
questions and submissions made from their organisation (`Role.sees`), the adoptions,
prompts and adaptations of their organisation or of its solutions (`Role.owns`), and the
confirmations due of its solutions. Every read is a `Collection.find` on declared fields;
the sums are made here, over what those finds return.
"""

from __future__ import annotations

import csv
import functools
import io
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import quote

from bot.confirmations import due_solutions
from bot.demand import most_asked
from bot.i18n import say
from bot.roles import Role
from bot.turn import Services
from knowledge.kb import KnowledgeBase
from knowledge.records import DemandStatus, NudgeState, Stage, SubmissionState
from knowledge.store.query import OneOf
from knowledge.text import folded_name, question_key
from knowledge.topics import Kind, Topic

MONTHS = 12  # new adoptions per month, this many months back
ANSWERED_SHOWN = 200  # the latest answered questions listed
# Topics a question is grouped by: what solutions are about, not who made them.
GROUPING = (Kind.DOMAIN, Kind.PROFESSION, Kind.TAG)
STAGES = (Stage.INTERESTED, Stage.PILOTING, Stage.ADOPTED)  # the spreading table's columns
Cell = str | int


@dataclass(frozen=True, slots=True, kw_only=True)
class Table:
    name: str  # in its CSV's address: /dashboard/<name>.csv
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    # Where each row's first cell leads on the web ("" for nowhere); none for most tables.
    links: tuple[str, ...] = ()


def review_path(submission_id: str) -> str:
    """The web's page where an editor reviews a waiting submission (adapters/web/review.py)."""
    return f"/dashboard/submissions/{quote(submission_id, safe='')}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Month:
    label: str  # "2026-03"
    count: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Dashboard:
    tables: Mapping[str, Table]  # by name, in the order the page shows them
    adoptions_by_month: tuple[Month, ...]  # also the table "adoptions_by_month"


def _where(role: Role) -> dict[str, str]:
    """The condition on `org_id` that keeps to what the admin sees (`Role.sees`)."""
    if role.global_admin or role.organisation is None:
        return {}
    return {"org_id": role.organisation.id}


def topic_of(question: str, topics: Mapping[str, Topic]) -> Topic | None:
    """The first topic a question names, a word or two words as the solutions write it."""
    words = question_key(question).split()
    for size in (2, 1):
        for i in range(len(words) - size + 1):
            found = topics.get(" ".join(words[i : i + size]))
            if found is not None:
                return found
    return None


def _months_back(today: date, count: int) -> list[tuple[int, int]]:
    """(year, month) of the `count` months up to today's, oldest first."""
    year, month = today.year, today.month
    months = []
    for _ in range(count):
        months.append((year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months[::-1]


def _day(moment: datetime | None) -> str:
    return moment.date().isoformat() if moment else ""


class Topics:
    """The topics questions are grouped by: the knowledge base's (made again only when its
    index changes, KnowledgeBase.topics), of the kinds that group."""

    def __init__(self) -> None:
        self._made: tuple[Mapping[str, Topic], Mapping[str, Topic]] | None = None

    def of(self, kb: KnowledgeBase) -> Mapping[str, Topic]:
        known = kb.topics()
        if self._made is None or self._made[0] is not known:
            grouping = {name: t for name, t in known.items() if t.kind in GROUPING}
            self._made = (known, grouping)
        return self._made[1]


# The collections the dashboard reads: a view is made again when any of them has changed.
READS = ("demand", "adoptions", "nudges", "adaptations", "people", "submissions", "solutions",
         "solution_versions")  # fmt: skip
KEPT_VIEWS = 32  # dashboards kept (by admin scope and language): a few organisations' each


class Views:
    """The last dashboard made for each scope (global, or one organisation) and language,
    given again while none of the collections it read has changed, by this process or
    another (`Collection.version`), nor the knowledge base's index, nor the day. Reading
    100,000 records takes about a second: a view asked again meanwhile costs a few reads of
    versions instead. The versions are read before the view is made, so a write while it
    is made leaves it out of date at once."""

    def __init__(self) -> None:
        self._kept: dict[tuple[object, ...], tuple[tuple[object, ...], Dashboard]] = {}
        self.topics = Topics()

    async def of(self, services: Services, role: Role, *, language: str) -> Dashboard:
        organisation = role.organisation
        scope = (
            ("global",)
            if role.global_admin
            else ("local", organisation.id if organisation else "", role.own_name)
        )
        key = (*scope, language)
        kb = services.kb
        stamps = [await services.store.collections[name].version() for name in READS]
        versions = (*stamps, id(kb.matcher), kb.version, len(kb.matcher), services.clock().date())
        held = self._kept.get(key)
        if held is not None and held[0] == versions:
            return held[1]
        made = await dashboard(services, role, language=language, topics=self.topics)
        self._kept.pop(key, None)
        self._kept[key] = (versions, made)
        while len(self._kept) > KEPT_VIEWS:  # the one made longest ago goes
            del self._kept[next(iter(self._kept))]
        return made


async def dashboard(services: Services, role: Role, *, language: str, topics: Topics) -> Dashboard:
    """What `role` (an admin's) may see, in `language`."""
    store = services.store
    now = services.clock()
    published = list(services.kb.matcher.published())
    titles = {s.id: s.title for s in published}

    def title(solution_id: str) -> str:
        return titles.get(solution_id, solution_id)

    def t(key: str) -> str:
        return say(language, key)

    where = _where(role)
    owns = functools.cache(role.owns)  # asked once per organisation name, not per record
    tables: dict[str, Table] = {}

    # --- demand: open questions by topic, most asked first
    open_demand = await store.demand.find(limit=None, status=DemandStatus.OPEN, **where)
    grouping = topics.of(services.kb)
    by_topic: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for asked in most_asked(open_demand):
        topic = topic_of(asked.question, grouping)
        by_topic[topic.value if topic else t("dash_no_topic")].append((asked.question, asked.count))
    ranked = sorted(by_topic.items(), key=lambda item: -sum(n for _, n in item[1]))
    tables["demand"] = Table(
        name="demand",
        title=t("dash_demand"),
        columns=(t("dash_topic"), t("dash_asked"), t("dash_questions"), t("dash_most_asked")),
        rows=tuple(
            (topic, sum(n for _, n in asked), len(asked), asked[0][0]) for topic, asked in ranked
        ),
    )
    answered = await store.demand.find(limit=None, status=DemandStatus.ANSWERED, **where)
    answered.sort(key=lambda d: d.answered_at or d.asked_at, reverse=True)
    tables["answered"] = Table(
        name="answered",
        title=t("dash_answered"),
        columns=(t("dash_question"), t("dash_asked_on"), t("dash_answered_on"), t("dash_waited")),
        rows=tuple(
            (
                d.question,
                _day(d.asked_at),
                _day(d.answered_at),
                ((d.answered_at or d.asked_at) - d.asked_at).days,
            )
            for d in answered[:ANSWERED_SHOWN]
        ),
    )

    # --- spreading: per solution interested → trying → using; new adoptions per month
    owned = {s.id for s in published if owns(s.organization)}
    adoptions = [
        a
        for a in await store.adoptions.find(limit=None)
        if a.solution_id in owned or owns(a.organization)
    ]
    # per solution: [interested, trying, using] (lists: 10,000 Counters cost a tenth of a second)
    stages: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    users: dict[str, set[str]] = defaultdict(set)
    per_month: Counter[tuple[int, int]] = Counter()
    for adoption in adoptions:
        stages[adoption.solution_id][STAGES.index(adoption.stage)] += 1
        if adoption.stage is Stage.ADOPTED:
            users[adoption.solution_id].add(adoption.organization)
            per_month[adoption.updated_at.year, adoption.updated_at.month] += 1
    spread = sorted(stages, key=lambda s: (-stages[s][2], -sum(stages[s])))
    tables["spreading"] = Table(
        name="spreading",
        title=t("dash_spreading"),
        columns=(
            t("dash_solution"),
            t("dash_interested"),
            t("dash_trying"),
            t("dash_using"),
            t("dash_organisations"),
        ),
        rows=tuple(
            (
                title(s),
                *stages[s],
                ", ".join(sorted(users[s], key=str.casefold)) if s in users else "",
            )
            for s in spread
        ),
    )
    months = tuple(
        Month(label=f"{year:04d}-{month:02d}", count=per_month[year, month])
        for year, month in _months_back(now.date(), MONTHS)
    )
    tables["adoptions_by_month"] = Table(
        name="adoptions_by_month",
        title=t("dash_by_month"),
        columns=(t("dash_month"), t("dash_new_users")),
        rows=tuple((m.label, m.count) for m in months),
    )

    # --- managers: prompts sent, plans made, follow-ups answered, adaptations shared
    tables["managers"] = await _managers(services, role, owns, title, t)

    # --- the review queue and the owner confirmations due
    waiting = await store.submissions.find(
        limit=None, state=OneOf.of([SubmissionState.WAITING, SubmissionState.CHANGES]), **where
    )
    waiting.sort(key=lambda s: s.created_at)
    tables["submissions"] = Table(
        name="submissions",
        title=t("dash_submissions"),
        columns=(t("dash_solution"), t("dash_sharer"), t("dash_state"), t("dash_shared_on")),
        rows=tuple(
            (s.title, s.sharer_name, t(f"dash_state_{s.state.value}"), _day(s.created_at))
            for s in waiting
        ),
        # those waiting for an editor open their review page; those back with the sharer not
        links=tuple(
            review_path(s.id) if s.state is SubmissionState.WAITING else "" for s in waiting
        ),
    )
    due = await due_solutions(store, today=now.date(), months=services.settings.confirm_months)
    tables["confirmations"] = Table(
        name="confirmations",
        title=t("dash_confirmations"),
        columns=(t("dash_solution"), t("dash_organisation"), t("dash_confirmed_on")),
        rows=tuple(
            (s.title, s.organization, s.confirmed.isoformat() if s.confirmed else "")
            for s in due
            if owns(s.organization)
        ),
    )
    return Dashboard(tables=tables, adoptions_by_month=months)


async def _managers(
    services: Services,
    role: Role,
    owns: Callable[[str], bool],
    title: Callable[[str], str],
    t: Callable[[str], str],
) -> Table:
    store = services.store
    if role.global_admin:
        nudges = await store.nudges.find(limit=None)
        adaptations = await store.adaptations.find(limit=None)
    else:
        own = role.own_name  # "" for an unnamed organisation: no people are its own yet
        people = await store.people.find(limit=None, organization_key=folded_name(own))
        ids = [p.id for p in people] if own else []
        nudges = await store.nudges.find(limit=None, manager_id=OneOf.of(ids)) if ids else []
        adaptations = [a for a in await store.adaptations.find(limit=None) if owns(a.organization)]
    # per solution: [prompts sent, plans made, follow-ups answered, adaptations shared]
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    answered = (NudgeState.DONE, NudgeState.DISMISSED)
    for nudge in nudges:
        row = counts[nudge.solution_id]
        if nudge.kind == "prompt":
            row[0] += nudge.sent_at is not None
            row[1] += bool(nudge.plan)
        elif nudge.kind == "follow-up":
            row[2] += nudge.state in answered
    for adaptation in adaptations:
        counts[adaptation.solution_id][3] += 1
    order = sorted(counts, key=lambda s: (-counts[s][0], title(s)))
    return Table(
        name="managers",
        title=t("dash_managers"),
        columns=(
            t("dash_solution"),
            t("dash_prompts_sent"),
            t("dash_plans"),
            t("dash_follow_ups"),
            t("dash_adaptations"),
        ),
        rows=tuple((title(s), *counts[s]) for s in order),
    )


# A cell a spreadsheet would read as a formula (=, +, -, @, or a tab or carriage return
# first) gets an apostrophe before it in a download: shown as written, never run.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Cell) -> str:
    text = str(value)
    if isinstance(value, str) and text.startswith(FORMULA_START):
        return "'" + text
    return text


def as_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([csv_cell(c) for c in table.columns])
    writer.writerows([csv_cell(c) for c in row] for row in table.rows)
    return out.getvalue()
