"""The dashboard's tables of demand, spreading and managers (issue 18), each made from sums
the store does (`Collection.tally`): no request reads the questions, adoptions or prompts
themselves, so a view costs about as much at 100,000 records as at 100.

What an admin sees is bot/roles.py's rule, as conditions on declared fields (`Scope`): a
global admin everything; a local admin the questions made from their organisation
(`Role.sees`: `org_id`), the adoptions and adaptations of their organisation or of its
solutions (`Role.owns`: `organization_key`, `solution_id`), and the prompts of its
managers.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from knowledge.records import DemandStatus, NudgeState, Stage, month_label, week_label
from knowledge.store import Store
from knowledge.store.query import Condition, OneOf, Tally
from knowledge.text import question_key
from knowledge.topics import Topic

Cell = str | int
STAGES = (Stage.INTERESTED, Stage.PILOTING, Stage.ADOPTED)  # the spreading table's columns
MONTHS = 12  # spreading over time: this many months back
# Spreading over time as a table: the month, then a Month's stages in their order (texts).
MONTH_COLUMNS = ("dash_month", "dash_interested", "dash_trying", "dash_new_users")
WEEKS = 8  # demand's trend: this many weeks back


@dataclass(frozen=True, slots=True, kw_only=True)
class Table:
    name: str  # in its CSV's address: /dashboard/<name>.csv
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    # Where each row's first cell leads on the web ("" for nowhere); none for most tables.
    links: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Month:
    label: str  # "2026-03"
    stages: tuple[int, int, int]  # organisations that reached interested, trying, using in it


@dataclass(frozen=True, slots=True, kw_only=True)
class Scope:
    """What one admin's view counts, and how it names what it counts."""

    store: Store
    say: Callable[[str], str]  # a text of bot/i18n.py in the view's language
    asked_where: Mapping[str, Condition]  # the questions they see: {} or {"org_id": …}
    own_key: str | None  # a local admin's organisation, folded; None for a global admin
    owned: tuple[str, ...]  # a local admin's organisation's solutions
    titles: Mapping[str, str]  # published solutions' titles by id
    topics: Mapping[str, Topic]  # what questions are grouped by, by folded value

    def title(self, solution_id: str) -> str:
        return self.titles.get(solution_id, solution_id)


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
    """Each question's topic label, worked out once per question in a view."""

    def __init__(self, scope: Scope) -> None:
        self._topics = scope.topics
        self._none = scope.say("dash_no_topic")
        self._known: dict[str, str] = {}

    def __call__(self, key: str) -> str:
        label = self._known.get(key)
        if label is None:
            topic = topic_of(key, self._topics)
            label = self._known[key] = topic.value if topic else self._none
        return label


# --- demand


async def demand(scope: Scope, topical: Topical) -> Table:
    """Open questions by topic, most asked first, with the latest wording of the topic's
    most asked question."""
    t = scope.say
    asked = await scope.store.demand.tally(
        by=("question_key",), status=DemandStatus.OPEN, **scope.asked_where
    )
    by_topic: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for (key,), count in asked.items():
        by_topic[topical(key)].append((count, key))
    ranked = sorted(by_topic.items(), key=lambda item: (-sum(n for n, _ in item[1]), item[0]))
    top = {topic: max(keys, key=lambda k: (k[0], k[1]))[1] for topic, keys in ranked}
    wording = await _latest_wording(scope, top.values())
    return Table(
        name="demand",
        title=t("dash_demand"),
        columns=(t("dash_topic"), t("dash_asked"), t("dash_questions"), t("dash_most_asked")),
        rows=tuple(
            (topic, sum(n for n, _ in keys), len(keys), wording.get(top[topic], top[topic]))
            for topic, keys in ranked
        ),
    )


async def _latest_wording(scope: Scope, keys: Iterable[str]) -> dict[str, str]:
    """The last way each question (by key) was typed, among the open ones."""
    found = await scope.store.demand.find(
        limit=None, status=DemandStatus.OPEN, question_key=OneOf.of(keys), **scope.asked_where
    )
    latest: dict[str, tuple[Any, str]] = {}
    for item in found:
        held = latest.get(item.question_key)
        if held is None or item.asked_at >= held[0]:
            latest[item.question_key] = (item.asked_at, item.question)
    return {key: question for key, (_, question) in latest.items()}


def weeks_back(today: date, count: int) -> list[str]:
    """The labels of the `count` weeks up to today's, oldest first ("2026-W49")."""
    return [week_label(today - timedelta(weeks=n)) for n in range(count - 1, -1, -1)]


async def trend(scope: Scope, topical: Topical, *, today: date) -> Table:
    """Questions asked per topic in each of the last weeks, open or answered since: is
    demand for a topic growing or passing?"""
    t = scope.say
    weeks = weeks_back(today, WEEKS)
    asked = await scope.store.demand.tally(
        by=("question_key", "week"), week=OneOf.of(weeks), **scope.asked_where
    )
    per_topic: dict[str, list[int]] = defaultdict(lambda: [0] * len(weeks))
    column = {week: i for i, week in enumerate(weeks)}
    for (key, week), count in asked.items():
        per_topic[topical(key)][column[week]] += count
    ranked = sorted(per_topic.items(), key=lambda item: (-sum(item[1]), item[0]))
    return Table(
        name="demand_trend",
        title=t("dash_trend"),
        columns=(
            t("dash_topic"),
            *(week.replace("-W", " " + t("dash_week") + " ") for week in weeks),
        ),
        rows=tuple((topic, *counts) for topic, counts in ranked),
    )


async def answered(scope: Scope, topical: Topical) -> Table:
    """Answered questions by topic, and how long they waited for an answer."""
    t = scope.say
    waits = await scope.store.demand.tally(
        by=("question_key", "waited_days"), status=DemandStatus.ANSWERED, **scope.asked_where
    )
    per_topic: dict[str, list[int]] = defaultdict(list)  # each answered question's wait
    for (key, days), count in waits.items():
        per_topic[topical(key)] += [days or 0] * count
    ranked = sorted(per_topic.items(), key=lambda item: (-len(item[1]), item[0]))
    return Table(
        name="answered",
        title=t("dash_answered"),
        columns=(
            t("dash_topic"),
            t("dash_answered_count"),
            t("dash_median_wait"),
            t("dash_longest_wait"),
        ),
        rows=tuple(
            (topic, len(days), round(statistics.median(days)), max(days)) for topic, days in ranked
        ),
    )


# --- spreading


async def _adoptions(scope: Scope, *, by: tuple[str, ...], **conditions: Condition) -> Tally:
    """The adoptions' tally as far as the scope reaches: for a local admin those of their
    organisation and those of its solutions elsewhere, each counted once."""
    tally = scope.store.adoptions.tally
    if scope.own_key is None:
        return await tally(by=by, **conditions)
    counts: Tally = {}
    if scope.owned:  # its solutions, in other organisations (its own counted below)
        elsewhere = await tally(
            by=(*by, "organization_key"), solution_id=OneOf.of(scope.owned), **conditions
        )
        for grouped, count in elsewhere.items():
            if grouped[-1] != scope.own_key:
                counts[grouped[:-1]] = counts.get(grouped[:-1], 0) + count
    if scope.own_key:
        own = await tally(by=by, organization_key=scope.own_key, **conditions)
        for group, count in own.items():
            counts[group] = counts.get(group, 0) + count
    return counts


async def spreading(scope: Scope) -> Table:
    """Per solution: how many organisations are interested, trying and using it, and which
    use it; furthest spread first."""
    t = scope.say
    stages: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for (solution_id, stage), count in (
        await _adoptions(scope, by=("solution_id", "stage"))
    ).items():
        stages[solution_id][STAGES.index(Stage(stage))] += count
    users: dict[str, list[str]] = defaultdict(list)
    using = await _adoptions(scope, by=("solution_id", "organization"), stage=Stage.ADOPTED)
    for solution_id, organisation in using:
        if organisation:
            users[solution_id].append(organisation)
    spread = sorted(stages, key=lambda s: (-stages[s][2], -sum(stages[s]), scope.title(s)))
    return Table(
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
            (scope.title(s), *stages[s], ", ".join(sorted(users.get(s, ()), key=str.casefold)))
            for s in spread
        ),
    )


def months_back(today: date, count: int) -> list[str]:
    """The labels of the `count` months up to today's, oldest first ("2026-03")."""
    year, month = today.year, today.month
    labels = []
    for _ in range(count):
        labels.append(month_label(date(year, month, 1)))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return labels[::-1]


async def by_month(scope: Scope, *, today: date) -> tuple[Table, tuple[Month, ...]]:
    """Spreading stage by stage over time: the organisations that reached each stage in
    each of the last months (an adoption counts in the month of its latest step)."""
    t = scope.say
    labels = months_back(today, MONTHS)
    months = months_of(
        await _adoptions(scope, by=("month", "stage"), month=OneOf.of(labels)), labels
    )
    table = Table(
        name="adoptions_by_month",
        title=t("dash_by_month"),
        columns=tuple(t(key) for key in MONTH_COLUMNS),
        rows=tuple((m.label, *m.stages) for m in months),
    )
    return table, months


def months_of(reached: Tally, labels: Sequence[str]) -> tuple[Month, ...]:
    """Each month of `labels` with how many reached each stage in it, from counts keyed
    (month, stage): the dashboard's tally of adoptions, or a solution page's of its
    organisations (bot/solution_page.py)."""
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


async def managers(scope: Scope, manager_ids: tuple[str, ...] | None) -> Table:
    """Per solution: prompts sent to managers, plans made, follow-ups answered, adaptations
    shared. `manager_ids`: a local admin's organisation's people (None: everyone's)."""
    t = scope.say
    store = scope.store
    # per solution: [prompts sent, plans made, follow-ups answered, adaptations shared]
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    if manager_ids is None or manager_ids:
        whose = {} if manager_ids is None else {"manager_id": OneOf.of(manager_ids)}
        by = ("solution_id", "kind", "sent", "planned", "state")
        answered_states = (str(NudgeState.DONE), str(NudgeState.DISMISSED))
        for (solution_id, kind, sent, planned, state), n in (
            await store.nudges.tally(by=by, **whose)
        ).items():
            row = counts[solution_id]
            if kind == "prompt":
                row[0] += n if sent else 0
                row[1] += n if planned else 0
            elif kind == "follow-up":
                row[2] += n if state in answered_states else 0
    where = {} if scope.own_key is None else {"organization_key": scope.own_key}
    if scope.own_key != "":  # an unnamed organisation owns no adaptations
        for (solution_id,), n in (
            await store.adaptations.tally(by=("solution_id",), **where)
        ).items():
            counts[solution_id][3] += n
    order = sorted(counts, key=lambda s: (-counts[s][0], scope.title(s)))
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
        rows=tuple((scope.title(s), *counts[s]) for s in order),
    )
