"""How fresh a solution's evidence is: the day its owner last said the results still hold.

A solution unconfirmed for more than STALE_AFTER_MONTHS is stale: an answer says so, and of
two solutions about as relevant, the fresher comes first.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from datetime import date

from knowledge.matcher import Match
from knowledge.solutions import Solution

STALE_AFTER_MONTHS = 18
# What a stale solution keeps of its score when answers are ordered: enough to put a fresher
# one of equal relevance first, too little to pass one that is clearly more relevant.
STALE_KEEPS = 0.97


def months_later(day: date, months: int) -> date:
    """The same day `months` later (the month's last, where it has fewer days)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def is_stale(solution: Solution, *, today: date) -> bool:
    """Unconfirmed for more than STALE_AFTER_MONTHS; a solution from before Spred kept the
    day (none stored) is not judged."""
    confirmed = solution.confirmed
    return confirmed is not None and today > months_later(confirmed, STALE_AFTER_MONTHS)


def fresher_first(matches: Sequence[Match], *, today: date) -> list[Match]:
    """The matches in the order an answer shows them: by score, a stale one's lowered a
    little (their scores are kept as they are, for what judges relevance)."""

    def weight(match: Match) -> float:
        return match.score * (STALE_KEEPS if is_stale(match.solution, today=today) else 1.0)

    return sorted(matches, key=weight, reverse=True)  # stable: equals keep the matcher's order
