"""The dashboard's tables of demand (issue 18): open questions by topic, their trend week by
week, and answered questions with how long they waited; each from the store's sums of the
questions (`Collection.tally` by `question_key`), never the questions read one by one."""

from __future__ import annotations

import asyncio
import statistics
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

from bot.dashboard_tables import Scope, Table
from knowledge.records import DemandStatus, week_label
from knowledge.store.query import OneOf

WEEKS = 8  # demand's trend: this many weeks back


async def demand(scope: Scope, rows: int | None) -> Table:
    """Open questions by topic, most asked first, with the topic's most asked question as
    it was first typed. (Topics are a few hundred at most: `rows` is for the page.)"""
    t, topical = scope.say, scope.topical
    asked = await scope.store.demand.tally(
        by=("question_key",), status=DemandStatus.OPEN, **scope.asked_where
    )
    by_topic: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for (key,), count in asked.items():
        by_topic[topical(key)].append((count, key))
    ranked = sorted(by_topic.items(), key=lambda item: (-sum(n for n, _ in item[1]), item[0]))
    top = {topic: max(keys)[1] for topic, keys in ranked}  # (count, key): most asked
    wording = await _wording(scope, top.values())
    return Table(
        name="demand",
        title=t("dash_demand"),
        columns=scope.texts("dash_topic", "dash_asked", "dash_questions", "dash_most_asked"),
        rows=tuple(
            (topic, sum(n for n, _ in keys), len(keys), wording.get(top[topic], top[topic]))
            for topic, keys in ranked
        ),
    )


async def _wording(scope: Scope, keys: Iterable[str]) -> dict[str, str]:
    """How each question (by key) was first typed, among the open ones: one record each,
    however often it was asked, asked for side by side."""

    async def first(key: str) -> tuple[str, str]:
        found = await scope.store.demand.find(
            limit=1, status=DemandStatus.OPEN, question_key=key, **scope.asked_where
        )
        return key, found[0].question if found else key

    return dict(await asyncio.gather(*(first(key) for key in keys)))


def weeks_back(today: date, count: int) -> list[str]:
    """The labels of the `count` weeks up to today's, oldest first ("2026-W49")."""
    return [week_label(today - timedelta(weeks=n)) for n in range(count - 1, -1, -1)]


async def trend(scope: Scope, rows: int | None) -> Table:
    """Questions asked per topic in each of the last weeks, open or answered since: is
    demand for a topic growing or passing?"""
    t, topical = scope.say, scope.topical
    weeks = weeks_back(scope.today, WEEKS)
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


async def answered(scope: Scope, rows: int | None) -> Table:
    """Answered questions by topic, and how long they waited for an answer."""
    t, topical = scope.say, scope.topical
    waits = await scope.store.demand.tally(
        by=("question_key", "waited_days"),
        status=DemandStatus.ANSWERED,
        **scope.asked_where,
    )
    per_topic: dict[str, list[int]] = defaultdict(list)  # each answered question's wait
    for (key, days), count in waits.items():
        per_topic[topical(key)] += [days or 0] * count
    ranked = sorted(per_topic.items(), key=lambda item: (-len(item[1]), item[0]))
    return Table(
        name="answered",
        title=t("dash_answered"),
        columns=scope.texts(
            "dash_topic", "dash_answered_count", "dash_median_wait", "dash_longest_wait"
        ),
        rows=tuple(
            (topic, len(days), round(statistics.median(days)), max(days)) for topic, days in ranked
        ),
    )
