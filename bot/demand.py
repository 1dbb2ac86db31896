"""The demand loop: questions nobody could answer wait as open demand; when a solution that
answers one is published, the demand is closed and the asker, if they asked to be, is told
once."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from bot.cards import card
from bot.i18n import say
from bot.messages import Notice, Reply
from bot.outbox import Outbox
from bot.render_text import quoted
from knowledge.kb import KnowledgeBase
from knowledge.matcher import unexplained_by_all
from knowledge.records import Demand, DemandStatus
from knowledge.solutions import Solution
from knowledge.text import question_key


async def answer_demand(*, kb: KnowledgeBase, outbox: Outbox) -> int:
    """Closes the open demand the knowledge base now answers; returns how many."""
    answered = 0
    for demand in await kb.store.demand.find(status=DemandStatus.OPEN):
        found = await kb.search(demand.question, top=len(demand.rejected) + 1)
        matches = [m for m in found if m.solution.id not in demand.rejected]
        # A near miss waits for a solution that names what was asked about, not another
        # near miss like those already shown.
        if not matches or (demand.near_miss and unexplained_by_all(matches[:1])):
            continue
        solution = matches[0].solution
        # Closed before the letter is written: a crash in between loses a message, never
        # sends one twice. Closed by an update that finds it still open, so of several
        # server processes answering the same demand one closes it and only that one tells
        # the asker (the letter's id is the demand's besides).
        if not await _close(kb, demand.id, answer=solution.id, at=outbox.clock()):
            continue
        answered += 1
        if demand.notify:
            await _tell(outbox, demand, solution, why=matches[0].terms)
    return answered


async def _tell(outbox: Outbox, demand: Demand, solution: Solution, *, why: Sequence[str]) -> None:
    """Tells the asker their question has an answer: once, the letter's id is the demand's."""
    reply = Reply(
        text=say(demand.language, "demand_answered", question=quoted(demand.question)),
        language=demand.language,
        cards=(card(solution, language=demand.language, why=why, today=outbox.clock().date()),),
    )
    notice = Notice(to=demand.asker, kind="demand-answered", reply=reply)
    await outbox.send(notice, letter_id=f"demand-{demand.id}")


async def answer_linked(
    *, kb: KnowledgeBase, outbox: Outbox, demand_id: str, solution: Solution
) -> bool:
    """A solution shared for this very question (a routed question's "Ja, jeg har en",
    bot/flows/routed.py) is published: the demand is closed by it, and its asker told once,
    whether or not they pressed "Giv mig besked", since a colleague answered them in person.
    The matcher may have closed it with this solution a moment before (`answer_demand` runs
    on every publish); the letter's id keeps the telling to once. False when the demand is
    gone or was answered by another solution first."""
    await _close(kb, demand_id, answer=solution.id, at=outbox.clock())
    demand = await kb.store.demand.get(demand_id)
    if demand is None or demand.answered_by != solution.id:
        return False
    await _tell(outbox, demand, solution, why=())
    return True


async def _close(kb: KnowledgeBase, demand_id: str, *, answer: str, at: datetime) -> bool:
    """Marks the demand answered if it is still open; True if this call did."""
    closed = False

    def close(current: Demand | None) -> Demand | None:
        nonlocal closed
        if current is None or current.status is not DemandStatus.OPEN:
            return current  # closed (or forgotten) meanwhile, by another process or person
        closed = True
        return replace(current, status=DemandStatus.ANSWERED, answered_by=answer, answered_at=at)

    await kb.store.demand.update(demand_id, close)
    return closed


# How much one asking weighs on the demand board: a question only near misses answered
# shows less need than one nothing answered, but need all the same.
UNANSWERED, NEAR_MISS = 1.0, 0.5


@dataclass(frozen=True, slots=True, kw_only=True)
class Asked:
    question: str  # in its latest wording
    count: int  # how often it was asked
    weight: float  # the need it shows: UNANSWERED or NEAR_MISS each time
    near_miss: bool  # every time, only near misses answered it


def most_asked(demand: Iterable[Demand]) -> list[Asked]:
    """Open questions, the same question however typed counted together, most asked first
    (the contract's order); of two asked as often, the one that shows more need (weight)."""
    latest: dict[str, str] = {}
    counts: Counter[str] = Counter()
    weights: dict[str, float] = {}
    answered_partly: Counter[str] = Counter()
    for item in sorted(demand, key=lambda d: d.asked_at):
        if item.status is DemandStatus.OPEN:
            key = question_key(item.question)
            latest[key] = item.question
            counts[key] += 1
            weights[key] = weights.get(key, 0.0) + (NEAR_MISS if item.near_miss else UNANSWERED)
            answered_partly[key] += item.near_miss
    ranked = sorted(counts, key=lambda k: (-counts[k], -weights[k]))
    return [
        Asked(
            question=latest[key],
            count=counts[key],
            weight=weights[key],
            near_miss=answered_partly[key] == counts[key],
        )
        for key in ranked
    ]
