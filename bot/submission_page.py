"""A submitted solution as an editor reviews it on the web (issue 18,
adapters/web/review.py): what its draft says, field by field, as its page would show it
once published, and who shared it when.

Built from the draft as it is, not from the solution it would become, so a draft import
would refuse (a result without a number, say) still shows; publishing it then says what it
lacks (bot/flows/review.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.flows.draft import get
from bot.flows.review import age
from bot.i18n import say
from bot.solution_page import Contact, Figure, figure_of
from knowledge.records import Submission
from knowledge.solutions import FIRST_STATUS, STATUSES, Result


@dataclass(frozen=True, slots=True, kw_only=True)
class SubmissionPage:
    id: str
    stamp: str  # the version shown (`Submission.stamp`), sent back with a decision
    title: str
    summary: str  # what was done
    problem: str
    conditions: str
    organization: str
    unit: str
    status: str  # in the reader's language
    figure: Figure | None  # None when the draft names no metric
    contact: Contact
    sharer: str  # their name as their platform gave it, else their id
    shared_on: date
    days: int  # since it was shared


def _text(draft: Mapping[str, Any], *path: str | int) -> str:
    value = get(draft, path)
    return value if isinstance(value, str) else ""


def _number(draft: Mapping[str, Any], *path: str | int) -> int | float | None:
    value = get(draft, path)
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def submission_page(submission: Submission, *, language: str, now: datetime) -> SubmissionPage:
    draft = submission.draft
    metric = _text(draft, "results", 0, "metric")
    result = Result(
        metric=metric,
        before=_number(draft, "results", 0, "before"),
        after=_number(draft, "results", 0, "after"),
        unit=_text(draft, "results", 0, "unit"),
        period=_text(draft, "results", 0, "period"),
        source=_text(draft, "results", 0, "source"),
    )
    status = _text(draft, "status") or FIRST_STATUS  # as publishing would make it
    return SubmissionPage(
        id=submission.id,
        stamp=submission.stamp,
        title=submission.title,
        summary=_text(draft, "summary"),
        problem=_text(draft, "problem"),
        conditions=_text(draft, "conditions"),
        organization=_text(draft, "organization"),
        unit=_text(draft, "unit"),
        status=say(language, f"status_{status}") if status in STATUSES else status,
        figure=figure_of(result, language) if metric or result.quantified else None,
        contact=Contact(
            name=_text(draft, "contacts", 0, "name"),
            role=_text(draft, "contacts", 0, "role"),
            email=_text(draft, "contacts", 0, "email"),
        ),
        sharer=submission.sharer_name or submission.sharer,
        shared_on=submission.created_at.date(),
        days=age(submission.created_at, now),  # as the chat's queue counts them
    )
