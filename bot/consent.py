"""Whether a manager's prompt may name a person: only if they agreed. They are asked once,
the first time a prompt about something they did is scheduled, with a yes/no question;
until they say yes, the prompt says "en i din enhed" / "someone in your unit". Solutions
about sick leave or stress never name anyone, whatever they answered: such a question must
not reach a boss with a name on it.
"""

from __future__ import annotations

import re

from bot.messages import Action
from bot.turn import Refusal, Turn
from knowledge.records import Consent, Nudge, Person
from knowledge.solutions import Solution
from knowledge.store import Store
from knowledge.text import fold

# Folded word beginnings that make a solution's subject sensitive (title, tags, domains).
SENSITIVE = re.compile(
    r"\b(sygefravaer|sygemeld|sygdomsfravaer|stress|sick ?leave|sickness absence|burn ?out)"
)


def sensitive(solution: Solution) -> bool:
    subject = " ".join((solution.title, *solution.tags, *solution.domains))
    return SENSITIVE.search(fold(subject)) is not None


async def may_name(store: Store, person_id: str, solution: Solution) -> bool:
    if sensitive(solution):
        return False
    consent = await store.consents.get(person_id)
    return consent is not None and consent.named is True


async def ask_once(
    turn: Turn, person: Person | None, prompted: Nudge | None
) -> tuple[str, tuple[Action, ...]]:
    """The question, and its buttons, to add to a reply that scheduled a prompt naming
    `person`, the first time only; ("", ()) otherwise."""
    if person is None or prompted is None or person.id not in prompted.member_ids:
        return "", ()
    solution = await turn.store.solutions.get(prompted.solution_id)
    if solution is None or sensitive(solution):
        return "", ()
    asked = False
    now = turn.services.clock()

    def first(current: Consent | None) -> Consent:
        nonlocal asked
        if current is not None:
            return current
        asked = True
        return Consent(person_id=person.id, asked_at=now)

    await turn.store.consents.update(person.id, first)
    if not asked:
        return "", ()
    buttons = (
        Action(id="name_ok", label=turn.say("act_name_ok")),
        Action(id="name_no", label=turn.say("act_name_no"), style="primary"),
    )
    return "\n\n" + turn.say("ask_name_ok"), buttons


async def set_named(turn: Turn, *, named: bool) -> None:
    """The sender's own answer: a button pressed by anyone else sets their own."""
    me = await turn.person()
    if me is None:
        raise Refusal("unknown_action")
    now = turn.services.clock()
    await turn.store.consents.update(
        me.id, lambda current: Consent(person_id=me.id, named=named, asked_at=now)
    )
