"""The dashboard's numbers (issue 18): demand and its trend, spreading and its course over
time, managers, the review queue and owner confirmations, as tables the web shows and
offers as CSV. The sums are the store's (bot/dashboard_tables.py); this module puts them
together for one admin and keeps a view while nothing it read has changed.

What an admin sees is bot/roles.py's rule: a global admin everything; a local admin the
questions and submissions made from their organisation (`Role.sees`), the adoptions,
prompts and adaptations of their organisation or of its solutions (`Role.owns`), and the
confirmations due of its solutions.
"""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace

from bot import dashboard_demand as demand_tables
from bot import dashboard_tables as tables_of
from bot.dashboard_tables import Cell, Month, Scope, Table, Topical
from bot.i18n import say
from bot.roles import Role
from bot.turn import Services
from knowledge.kb import KnowledgeBase
from knowledge.records import CALENDAR
from knowledge.store.query import OneOf
from knowledge.text import folded_name
from knowledge.topics import Kind, Topic

__all__ = ["Cell", "Dashboard", "Month", "Table", "Views", "as_csv", "csv_cell", "dashboard"]

# Topics a question is grouped by: what solutions are about, not who made them.
GROUPING = (Kind.DOMAIN, Kind.PROFESSION, Kind.TAG)
KEPT_QUESTIONS = 200_000  # questions whose topic is kept worked out (a few megabytes)
# A table's first rows on a page (a phone or a screen reader cannot use 10,000; nor can the
# sums stay quick): its CSV has every row.
PAGE_ROWS = 100
# The tables, in the order the page shows them; each made from the store's sums.
TABLES: dict[str, Callable[[Scope, int | None], Awaitable[Table]]] = {
    "demand": demand_tables.demand,
    "demand_trend": demand_tables.trend,
    "answered": demand_tables.answered,
    "spreading": tables_of.spreading,
    "adoptions_by_month": tables_of.by_month,
    "managers": tables_of.managers,
    "submissions": tables_of.submissions,
    "confirmations": tables_of.confirmations,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Dashboard:
    tables: Mapping[str, Table]  # by name, in the order the page shows them

    @property
    def months(self) -> tuple[Month, ...]:
        """Spreading over time, as its chart draws it."""
        return tables_of.months_in(self.tables["adoptions_by_month"])


class Topics:
    """The topics questions are grouped by: the knowledge base's (made again only when its
    index changes, KnowledgeBase.topics), of the kinds that group."""

    def __init__(self) -> None:
        self._made: tuple[Mapping[str, Topic], Mapping[str, Topic]] | None = None
        # Each question's topic (by question key), while the topics are the same.
        self.questions: dict[str, Topic | None] = {}

    def of(self, kb: KnowledgeBase) -> Mapping[str, Topic]:
        known = kb.topics()
        if self._made is None or self._made[0] is not known:
            grouping = {name: t for name, t in known.items() if t.kind in GROUPING}
            self._made = (known, grouping)
            self.questions = {}
        if len(self.questions) > KEPT_QUESTIONS:  # hostile or endless variety: start again
            self.questions = {}
        return self._made[1]


# The collections the dashboard reads: a view is made again when any of them has changed.
READS = ("demand", "adoptions", "nudges", "adaptations", "people", "submissions", "solutions",
         "solution_versions")  # fmt: skip
KEPT_VIEWS = 32  # dashboards kept (by admin scope and language): a few organisations' each


class Views:
    """The last dashboard made for each scope (global, or one organisation) and language,
    given again while none of the collections it read has changed, by this process or
    another (`Collection.version`), nor the knowledge base's index, nor the day: a view
    asked again meanwhile costs a few reads of versions instead of its sums. The versions
    are read before the view is made, so a write while it is made leaves it out of date at
    once."""

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
        store = services.store
        stamps = await asyncio.gather(*(store.collections[name].version() for name in READS))
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


def scope_of(services: Services, role: Role, *, language: str, topics: Topics) -> Scope:
    """What `role` (an admin's) may see, in `language`."""
    published = tuple(services.kb.matcher.published())
    local = not role.global_admin
    own_name = role.own_name  # "" for an unnamed organisation: nothing is its own yet
    organisation = role.organisation
    # a local admin's organisation's solutions; everything for a global admin
    reach = tuple(s for s in published if role.owns(s.organization)) if local else published
    return Scope(
        store=services.store,
        say=lambda key: say(language, key),
        today=services.clock().astimezone(CALENDAR).date(),
        # A local admin without an organisation sees no questions (OneOf of none).
        asked_where={"org_id": organisation.id if organisation else OneOf()} if local else {},
        own_key=folded_name(own_name) if local else None,
        reach=reach,
        titles={s.id: s.title for s in published},
        topical=Topical(
            topics.of(services.kb), none=say(language, "dash_no_topic"), known=topics.questions
        ),
        confirm_months=services.settings.confirm_months,
    )


async def dashboard(
    services: Services, role: Role, *, language: str, topics: Topics, rows: int | None = PAGE_ROWS
) -> Dashboard:
    """Every table `role` may see, each of at most `rows` rows (None: all)."""
    scope = scope_of(services, role, language=language, topics=topics)
    # Asked of the store all at once: PostgreSQL sums on several connections side by side.
    tables = await asyncio.gather(*(make(scope, rows) for make in TABLES.values()))
    made = {}
    for name, table in zip(TABLES, tables, strict=True):
        if rows is not None and len(table.rows) > rows:
            table = replace(table, rows=table.rows[:rows], links=table.links[:rows], more=True)
        made[name] = table
    return Dashboard(tables=made)


async def whole_table(
    services: Services, role: Role, *, language: str, topics: Topics, name: str
) -> Table | None:
    """One table with every row (a CSV download); None: no table of that name."""
    make = TABLES.get(name)
    if make is None:
        return None
    return await make(scope_of(services, role, language=language, topics=topics), None)


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
