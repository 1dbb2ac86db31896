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

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from bot import dashboard_tables as tables_of
from bot.confirmations import due_solutions
from bot.dashboard_tables import Cell, Month, Scope, Table, Topical
from bot.i18n import say
from bot.roles import Role
from bot.turn import Services
from knowledge.kb import KnowledgeBase
from knowledge.records import CALENDAR, SubmissionState
from knowledge.store.query import OneOf
from knowledge.text import folded_name
from knowledge.topics import Kind, Topic

__all__ = ["Cell", "Dashboard", "Month", "Table", "Views", "as_csv", "csv_cell", "dashboard"]

# Topics a question is grouped by: what solutions are about, not who made them.
GROUPING = (Kind.DOMAIN, Kind.PROFESSION, Kind.TAG)


def review_path(submission_id: str) -> str:
    """The web's page where an editor reviews a waiting submission (adapters/web/review.py)."""
    return f"/dashboard/submissions/{quote(submission_id, safe='')}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Dashboard:
    tables: Mapping[str, Table]  # by name, in the order the page shows them
    months: tuple[Month, ...]  # spreading over time, also the table "adoptions_by_month"


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
    today = now.astimezone(CALENDAR).date()
    published = list(services.kb.matcher.published())
    local = not role.global_admin
    own_name = role.own_name  # "" for an unnamed organisation: nothing is its own yet
    organisation = role.organisation
    scope = Scope(
        store=store,
        say=lambda key: say(language, key),
        # A local admin without an organisation sees no questions (OneOf of none).
        asked_where={"org_id": organisation.id if organisation else OneOf()} if local else {},
        own_key=folded_name(own_name) if local else None,
        owned=tuple(s.id for s in published if role.owns(s.organization)) if local else (),
        titles={s.id: s.title for s in published},
        topics=topics.of(services.kb),
    )
    t = scope.say
    topical = Topical(scope)
    made: dict[str, Table] = {}
    made["demand"] = await tables_of.demand(scope, topical)
    made["demand_trend"] = await tables_of.trend(scope, topical, today=today)
    made["answered"] = await tables_of.answered(scope, topical)
    made["spreading"] = await tables_of.spreading(scope)
    made["adoptions_by_month"], months = await tables_of.by_month(scope, today=today)
    managers: tuple[str, ...] | None = None
    if local:  # the prompts of their organisation's managers; an unnamed one has none yet
        people = await store.people.find(limit=None, organization_key=folded_name(own_name))
        managers = tuple(p.id for p in people) if own_name else ()
    made["managers"] = await tables_of.managers(scope, managers)

    # --- the review queue and the owner confirmations due
    waiting = await store.submissions.find(
        limit=None,
        state=OneOf.of([SubmissionState.WAITING, SubmissionState.CHANGES]),
        **scope.asked_where,
    )
    waiting.sort(key=lambda s: s.created_at)
    made["submissions"] = Table(
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
    # of the solutions the knowledge base has read already, those within the admin's reach
    reach = published if role.global_admin else [s for s in published if s.id in scope.owned]
    due = await due_solutions(
        store, today=now.date(), months=services.settings.confirm_months, among=reach
    )
    made["confirmations"] = Table(
        name="confirmations",
        title=t("dash_confirmations"),
        columns=(t("dash_solution"), t("dash_organisation"), t("dash_confirmed_on")),
        rows=tuple(
            (s.title, s.organization, s.confirmed.isoformat() if s.confirmed else "") for s in due
        ),
    )
    return Dashboard(tables=made, months=months)


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
