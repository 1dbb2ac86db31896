"""One solution as a public page shows it (the web's `/l/<id>`), in neutral types an adapter
renders: what the solution publishes, the same card as a chat answer, its results as
figures to chart, and who uses it by stage, organisations only, and over time: how many
reached each stage in each of the last months, summed by the store as the dashboard's
spreading over time is (bot/dashboard_tables.py), not read adoption by adoption.

Anyone may read it without logging in, so it holds nothing a person gave Spred: no askers,
no demand, and of adoptions only the organisation and the stage, never who reported it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.cards import adopters_of, cards_for
from bot.dashboard_tables import (
    MONTH_COLUMNS,
    MONTHS,
    Month,
    Table,
    months_back,
    months_of,
)
from bot.i18n import month_year, say
from bot.messages import Card
from bot.render_text import number, result_text
from knowledge.records import CALENDAR, Stage
from knowledge.solutions import Result, is_solution_id
from knowledge.store import Store
from knowledge.store.query import OneOf


@dataclass(frozen=True, slots=True, kw_only=True)
class Figure:
    """One measured result: the numbers for a chart, and the same as a sentence."""

    metric: str
    before: float | None
    after: float | None
    before_text: str  # the numbers as the reader's language writes them
    after_text: str
    unit: str
    period: str
    source: str
    text: str  # "metric: before → after unit (period)"


@dataclass(frozen=True, slots=True, kw_only=True)
class Users:
    """The organisations at one stage, furthest along first: (organisation, since)."""

    stage: str  # the stage's label in the reader's language
    organisations: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Contact:
    name: str
    role: str
    email: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SolutionPage:
    card: Card  # title, result line, organisation, contact, freshness, local results…
    problem: str
    description: str
    conditions: str
    sponsors: tuple[str, ...]
    figures: tuple[Figure, ...]
    contacts: tuple[Contact, ...]
    users: tuple[Users, ...]
    # Over time: the organisations that reached each stage in each of the last MONTHS months
    # (an adoption counts in the month of its latest step, an organisation once), and the
    # same as a table with the months named; () and None when none reached a stage in them.
    months: tuple[Month, ...]
    over_time: Table | None


def figure_of(result: Result, language: str) -> Figure:
    """One result as the reader's language writes its numbers (also a submission's preview,
    bot/submission_page.py)."""
    decimal = "." if language == "en" else ","
    return Figure(
        metric=result.metric,
        before=result.before,
        after=result.after,
        before_text="" if result.before is None else number(result.before, decimal=decimal),
        after_text="" if result.after is None else number(result.after, decimal=decimal),
        unit=result.unit,
        period=result.period,
        source=result.source,
        text=result_text(result, decimal=decimal),
    )


async def solution_page(
    store: Store, solution_id: str, *, language: str, today: date
) -> SolutionPage | None:
    """The page of a published solution; None for an unknown or retired one (or an id no
    solution could have)."""
    if not is_solution_id(solution_id):
        return None
    solution = await store.solutions.get(solution_id)
    if solution is None or solution.retired:
        return None
    (card,) = await cards_for(store, [solution], language=language, today=today)
    figures = tuple(figure_of(r, language) for r in solution.results)
    adoptions = adopters_of(await store.adoptions.find(solution_id=solution.id)).get(
        solution.id, []
    )
    users = []
    for stage in reversed(Stage):  # using, trying, interested
        seen: dict[str, str] = {}
        for a in adoptions:
            if a.stage is stage and a.organization not in seen:
                # the month its chart counts it in (knowledge/records.py `month_of`)
                when = month_year(language, a.updated_at.astimezone(CALENDAR).date())
                seen[a.organization] = say(language, "web_since", **when)
        if seen:
            users.append(
                Users(stage=say(language, f"stage_{stage}"), organisations=tuple(seen.items()))
            )
    months, over_time = await _over_time(store, solution.id, language=language, today=today)
    return SolutionPage(
        card=card,
        problem=solution.problem,
        description=solution.description,
        conditions=solution.conditions,
        sponsors=tuple(solution.sponsors),
        figures=figures,
        contacts=tuple(Contact(name=c.name, role=c.role, email=c.email) for c in solution.contacts),
        users=tuple(users),
        months=months,
        over_time=over_time,
    )


async def _over_time(
    store: Store, solution_id: str, *, language: str, today: date
) -> tuple[tuple[Month, ...], Table | None]:
    """`SolutionPage.months` and `over_time`: one sum by the store over the solution's
    adoptions in the last months, whatever their number. An adoption is one person's, so
    the sum is by organisation too, and each organisation counts once in a month and stage
    (as the list above the chart names it once), however many of its people reported it."""
    labels = months_back(today, MONTHS)
    reached = await store.adoptions.tally(
        by=("month", "stage"),
        distinct="organization_key",
        solution_id=solution_id,
        month=OneOf.of(labels),
    )
    months = months_of(reached, labels)
    if not any(sum(m.stages) for m in months):
        return (), None
    table = Table(
        name="users_by_month",
        title=say(language, "web_users_by_month"),
        columns=tuple(say(language, key) for key in MONTH_COLUMNS),
        rows=tuple((_month_name(m.label, language), *m.stages) for m in months),
    )
    return months, table


def _month_name(label: str, language: str) -> str:
    """ "2026-03" as a reader names it: "marts 2026", "March 2026"."""
    year, month = label.split("-")
    return say(language, "web_month_year", **month_year(language, date(int(year), int(month), 1)))
