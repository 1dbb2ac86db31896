"""A solution's owner says its results still hold: "bekræft <id>" / "confirm <id>" dates
its evidence today (knowledge/freshness.py), as does *Ja, stadig* on the yearly question
(bot/flows/owner.py). The owner is the contact named `owner` (else the first); an admin who
may change the solution may answer for them."""

from __future__ import annotations

from dataclasses import replace

from bot.messages import Reply
from bot.turn import Refusal, Turn
from knowledge.solutions import Solution


async def is_owner(turn: Turn, solution: Solution) -> bool:
    """Whether the sender is the solution's owner: by their user id on this platform, or by
    the e-mail the platform or the people directory gives them."""
    contact = solution.owner_contact
    message = turn.message
    platform_id = contact.platform_id(message.platform)
    if platform_id and platform_id == message.user_id:
        return True
    if not contact.email:
        return False
    emails = {message.email.casefold()}
    me = await turn.person()
    if me is not None:
        emails.add(me.email.casefold())
    return contact.email.casefold() in emails


async def require_owner(turn: Turn, solution: Solution, *, ends: bool = False) -> None:
    """The owner, or an admin who may change the solution (a local admin only their own
    organisation's); anyone else is told who answers for the figures."""
    if await is_owner(turn, solution):
        return
    if not turn.is_admin:
        owner = solution.owner_contact.name
        raise Refusal("confirm_not_owner", ends=ends, title=solution.title, owner=owner)
    turn.require_reach(ends=ends)
    turn.require_own_solution(solution, ends=ends)


async def confirm_today(turn: Turn, solution: Solution) -> Solution:
    """The results confirmed as of today, kept as a change (`confirm`)."""
    now = turn.services.clock()
    confirmed = replace(solution, confirmed=now.date())
    [stored] = await turn.kb.publish([confirmed], by=turn.message.user, at=now, action="confirm")
    return stored


async def confirm(turn: Turn) -> list[Reply]:
    solution_id = turn.argument.strip()
    solution = await turn.store.solutions.get(solution_id)
    if solution is None:
        return [Reply(text=turn.say("edit_no_solution", id=solution_id[:80]))]
    await require_owner(turn, solution)
    if solution.retired:
        return [Reply(text=turn.say("confirm_retired", title=solution.title))]
    await confirm_today(turn, solution)
    return [Reply(text=turn.say("confirmed_now", title=solution.title))]
