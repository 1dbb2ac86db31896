"""The dashboard's tables (issue 18): what they are (`Table`, `Scope`) and those of spreading,
managers, the review queue and confirmations (demand's are in bot/dashboard_demand.py),
each made from sums the store does (`Collection.tally`): no request reads the questions,
adoptions or prompts themselves, so a view costs about as much at 100,000 records as at
100.

What an admin sees is bot/roles.py's rule, as conditions on declared fields (`Scope`): a
global admin everything; a local admin the questions made from their organisation
(`Role.sees`: `org_id`), the adoptions and adaptations of their organisation or of its
solutions (`Role.owns`: `organization_key`, `solution_id`), and the prompts of its
managers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from typing import Any
from urllib.parse import quote

from bot.cards import solution_path
from bot.confirmations import due_solutions
from knowledge.records import (
    NudgeState,
    Stage,
    SubmissionState,
    month_label,
)
from knowledge.solutions import Solution
from knowledge.store import Store
from knowledge.store.query import OneOf, Tally, Where, largest
from knowledge.text import question_key
from knowledge.topics import Topic

Cell = str | int
STAGES = (Stage.INTERESTED, Stage.PILOTING, Stage.ADOPTED)  # the spreading table's columns
MONTHS = 12  # spreading over time: this many months back
# Spreading over time as a table: the month, then a Month's stages in their order (texts).
MONTH_COLUMNS = ("dash_month", "dash_interested", "dash_trying", "dash_new_users")


@dataclass(frozen=True, slots=True, kw_only=True)
class Table:
    name: str  # in its CSV's address: /dashboard/<name>.csv
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    # Where each row's first cell leads on the web ("" for nowhere); none for most tables.
    links: tuple[str, ...] = ()
    more: bool = False  # rows were left out (a page's view): its CSV has them all


@dataclass(frozen=True, slots=True, kw_only=True)
class Month:
    label: str  # "2026-03"
    stages: tuple[int, int, int]  # organisations that reached interested, trying, using in it


@dataclass(frozen=True, slots=True, kw_only=True)
class Scope:
    """What one admin's view counts, and how it names what it counts."""

    store: Store
    say: Callable[[str], str]  # a text of bot/i18n.py in the view's language
    today: date  # in Europe/Copenhagen: the last week and month counted
    asked_where: Where  # the questions they see: {} or {"org_id": …}
    own_key: str | None  # a local admin's organisation, folded; None for a global admin
    reach: tuple[Solution, ...]  # the knowledge base's published ones the admin reaches
    titles: Mapping[str, str]  # published solutions' titles by id
    topical: Topical  # each question's topic
    confirm_months: int  # SPRED_CONFIRM_MONTHS

    def title(self, solution_id: str) -> str:
        return self.titles.get(solution_id, solution_id)

    @property
    def owned(self) -> tuple[str, ...]:
        """A local admin's organisation's solutions (a global admin owns none: all reach)."""
        return () if self.own_key is None else tuple(s.id for s in self.reach)

    def texts(self, *keys: str) -> tuple[str, ...]:
        """A table's column headings."""
        return tuple(self.say(key) for key in keys)


def topic_of(key: str, topics: Mapping[str, Topic]) -> Topic | None:
    """The first topic a question names, a word or two words as the solutions write it."""
    words = question_key(key).split()
    for size in (2, 1):
        for i in range(len(words) - size + 1):
            found = topics.get(" ".join(words[i : i + size]))
            if found is not None:
                return found
    return None


class Topical:
    """Each question's topic label. `known`: the topics of questions worked out already
    (by question key), kept while the topics are the same: 20,000 questions take a tenth
    of a second to work out, and most are the same from one view to the next."""

    def __init__(
        self, topics: Mapping[str, Topic], *, none: str, known: dict[str, Topic | None]
    ) -> None:
        self._topics = topics  # what questions are grouped by, by folded value
        self._none = none  # the label of questions without a topic
        self._known = known

    def __call__(self, key: str) -> str:
        if key in self._known:
            topic = self._known[key]
        else:
            topic = self._known[key] = topic_of(key, self._topics)
        return topic.value if topic else self._none


# --- spreading


async def _organisations(
    scope: Scope, *, by: tuple[str, ...], most: int | None = None, **conditions: Any
) -> Tally:
    """How many organisations in each group of adoptions (an adoption is one person's: two
    in one organisation count once), as far as the scope reaches: for a local admin their
    own organisation and the others that took up its solutions."""
    tally = partial(scope.store.adoptions.tally, distinct="organization_key")
    if scope.own_key is None:
        return await tally(by=by, most=most, **conditions)
    wanted = conditions.pop("solution_id", None)  # a OneOf, when asked for some solutions
    owned = scope.owned
    if isinstance(wanted, OneOf):
        owned = tuple(s for s in owned if s in wanted.values)
    counts: Tally = {}
    if owned:  # its solutions in other organisations (its own counted below), one by one
        elsewhere = await tally(
            by=(*by, "organization_key"), solution_id=OneOf.of(owned), **conditions
        )
        for grouped, count in elsewhere.items():
            if grouped[-1] != scope.own_key:
                counts[grouped[:-1]] = counts.get(grouped[:-1], 0) + count
    if scope.own_key:
        mine = {"solution_id": wanted} if wanted is not None else {}
        own = await tally(by=by, organization_key=scope.own_key, **mine, **conditions)
        for group, count in own.items():
            counts[group] = counts.get(group, 0) + count
    return largest(counts, most)


async def ranked(
    first: Callable[[int | None], Awaitable[Tally]],
    then: Callable[[int | None], Awaitable[Tally]],
    rows: int | None,
) -> list[str]:
    """Solution ids, those of `first`'s tally (by solution) largest first, then those only
    in `then`'s, largest first: at most `rows` + 1 (so a page knows there are more)."""
    most = None if rows is None else rows + 1

    def in_order(counts: Tally) -> list[str]:  # every group asked for: the store's order
        return [solution_id for (solution_id,) in largest(counts, len(counts))]

    order = in_order(await first(most))
    if most is None or len(order) < most:
        seen = set(order)
        more = in_order(await then(None if most is None else most + len(order)))
        order += [solution_id for solution_id in more if solution_id not in seen]
    return order if most is None else order[:most]


async def spreading(scope: Scope, rows: int | None) -> Table:
    """Per solution: how many organisations are interested, trying and using it, and which
    use it; those most used first, then those most tried or looked at."""
    t = scope.say
    order = await ranked(
        lambda most: _organisations(scope, by=("solution_id",), most=most, stage=Stage.ADOPTED),
        lambda most: _organisations(scope, by=("solution_id",), most=most),
        rows,
    )
    some: Where = {} if rows is None else {"solution_id": OneOf.of(order)}
    stages: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for (solution_id, stage), count in (
        await _organisations(scope, by=("solution_id", "stage"), **some)
    ).items():
        stages[solution_id][STAGES.index(Stage(stage))] += count
    users: dict[str, list[str]] = defaultdict(list)
    using = await _organisations(
        scope, by=("solution_id", "organization"), stage=Stage.ADOPTED, **some
    )
    for solution_id, organisation in using:
        if organisation:
            users[solution_id].append(organisation)
    return Table(
        name="spreading",
        title=t("dash_spreading"),
        columns=scope.texts(
            "dash_solution", "dash_interested", "dash_trying", "dash_using", "dash_organisations"
        ),
        rows=tuple(
            (scope.title(s), *stages[s], ", ".join(sorted(users.get(s, ()), key=str.casefold)))
            for s in order
        ),
        # a published solution's page shows its own spreading month by month
        links=tuple(solution_path(s) if s in scope.titles else "" for s in order),
    )


def months_back(today: date, count: int) -> list[str]:
    """The labels of the `count` months up to today's, oldest first ("2026-03")."""
    year, month = today.year, today.month
    labels = []
    for _ in range(count):
        labels.append(month_label(date(year, month, 1)))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return labels[::-1]


async def by_month(scope: Scope, rows: int | None) -> Table:
    """Spreading stage by stage over time: the organisations that reached each stage in
    each of the last months (an adoption counts in the month of its latest step)."""
    t = scope.say
    labels = months_back(scope.today, MONTHS)
    reached = await _organisations(scope, by=("month", "stage"), month=OneOf.of(labels))
    months = months_of(reached, labels)
    return Table(
        name="adoptions_by_month",
        title=t("dash_by_month"),
        columns=scope.texts(*MONTH_COLUMNS),
        rows=tuple((m.label, *m.stages) for m in months),
    )


def months_in(table: Table) -> tuple[Month, ...]:
    """The months of `by_month`'s table, as its chart draws them."""
    return tuple(
        Month(label=str(label), stages=(int(a), int(b), int(c))) for label, a, b, c in table.rows
    )


def months_of(reached: Tally, labels: Sequence[str]) -> tuple[Month, ...]:
    """Each month of `labels` with how many organisations reached each stage in it, from
    counts keyed (month, stage): the dashboard's, or a solution page's
    (bot/solution_page.py)."""
    return tuple(
        Month(
            label=label,
            stages=(
                reached.get((label, str(Stage.INTERESTED)), 0),
                reached.get((label, str(Stage.PILOTING)), 0),
                reached.get((label, str(Stage.ADOPTED)), 0),
            ),
        )
        for label in labels
    )


# --- managers


async def managers(scope: Scope, rows: int | None) -> Table:
    """Per solution: prompts sent to managers, plans made, follow-ups answered, adaptations
    shared; most prompted first, then most adapted. For a local admin the prompts of their
    organisation's managers and their organisation's adaptations."""
    t = scope.say
    store = scope.store
    whose: Where = {}
    if scope.own_key is not None:  # a local admin: their people's prompts
        people = (
            await store.people.find(limit=None, organization_key=scope.own_key)
            if scope.own_key
            else []
        )
        whose = {"manager_id": OneOf.of(p.id for p in people)}
    # an unnamed organisation owns no adaptations: OneOf of none matches nothing
    where: Where = {} if scope.own_key is None else {"organization_key": scope.own_key or OneOf()}
    order = await ranked(
        lambda most: store.nudges.tally(
            by=("solution_id",), most=most, kind="prompt", sent=True, **whose
        ),
        lambda most: store.adaptations.tally(by=("solution_id",), most=most, **where),
        rows,
    )
    some: Where = {} if rows is None else {"solution_id": OneOf.of(order)}
    # per solution: [prompts sent, plans made, follow-ups answered, adaptations shared]
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    by = ("solution_id", "kind", "sent", "planned", "state")
    answered_states = (str(NudgeState.DONE), str(NudgeState.DISMISSED))
    for (solution_id, kind, sent, planned, state), n in (
        await store.nudges.tally(by=by, **whose, **some)
    ).items():
        row = counts[solution_id]
        if kind == "prompt":
            row[0] += n if sent else 0
            row[1] += n if planned else 0
        elif kind == "follow-up":
            row[2] += n if state in answered_states else 0
    adapted = await store.adaptations.tally(by=("solution_id",), **where, **some)
    for (solution_id,), n in adapted.items():
        counts[solution_id][3] += n
    return Table(
        name="managers",
        title=t("dash_managers"),
        columns=scope.texts(
            "dash_solution",
            "dash_prompts_sent",
            "dash_plans",
            "dash_follow_ups",
            "dash_adaptations",
        ),
        rows=tuple((scope.title(s), *counts[s]) for s in order),
    )


# --- the review queue and the owner confirmations due


def review_path(submission_id: str) -> str:
    """The web's page where an editor reviews a waiting submission (adapters/web/review.py)."""
    return f"/dashboard/submissions/{quote(submission_id, safe='')}"


def _day(moment: datetime | None) -> str:
    return moment.date().isoformat() if moment else ""


async def submissions(scope: Scope, rows: int | None) -> Table:
    """What waits for an editor or is back with its sharer, oldest first."""
    t = scope.say
    waiting = await scope.store.submissions.find(
        limit=None,
        state=OneOf.of([SubmissionState.WAITING, SubmissionState.CHANGES]),
        **scope.asked_where,
    )
    waiting.sort(key=lambda s: s.created_at)
    return Table(
        name="submissions",
        title=t("dash_submissions"),
        columns=scope.texts("dash_solution", "dash_sharer", "dash_state", "dash_shared_on"),
        rows=tuple(
            (s.title, s.sharer_name, t(f"dash_state_{s.state.value}"), _day(s.created_at))
            for s in waiting
        ),
        # those waiting for an editor open their review page; those back with the sharer not
        links=tuple(
            review_path(s.id) if s.state is SubmissionState.WAITING else "" for s in waiting
        ),
    )


async def confirmations(scope: Scope, rows: int | None) -> Table:
    """The solutions within reach whose owners are due the yearly question, of those the
    knowledge base has read already."""
    t = scope.say
    due = await due_solutions(
        scope.store, today=scope.today, months=scope.confirm_months, among=scope.reach
    )
    return Table(
        name="confirmations",
        title=t("dash_confirmations"),
        columns=scope.texts("dash_solution", "dash_organisation", "dash_confirmed_on"),
        rows=tuple(
            (s.title, s.organization, s.confirmed.isoformat() if s.confirmed else "") for s in due
        ),
    )
