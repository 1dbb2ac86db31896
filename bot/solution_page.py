"""One solution as a public page shows it (the web's `/l/<id>`), in neutral types an adapter
renders: what the solution publishes, the same card as a chat answer, its results as
figures to chart, and who uses it by stage, organisations only.

Anyone may read it without logging in, so it holds nothing a person gave Spred: no askers,
no demand, and of adoptions only the organisation and the stage, never who reported it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.cards import adopters_of, cards_for
from bot.i18n import month_year, say
from bot.messages import Card
from bot.render_text import number, result_text
from knowledge.records import Stage
from knowledge.solutions import Result, is_solution_id
from knowledge.store import Store


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
                when = month_year(language, a.updated_at.date())
                seen[a.organization] = say(language, "web_since", **when)
        if seen:
            users.append(
                Users(stage=say(language, f"stage_{stage}"), organisations=tuple(seen.items()))
            )
    return SolutionPage(
        card=card,
        problem=solution.problem,
        description=solution.description,
        conditions=solution.conditions,
        sponsors=tuple(solution.sponsors),
        figures=figures,
        contacts=tuple(Contact(name=c.name, role=c.role, email=c.email) for c in solution.contacts),
        users=tuple(users),
    )
