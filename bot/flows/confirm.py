"""A solution's owner says its results still hold: "bekræft <id>" / "confirm <id>" dates
its evidence today (knowledge/freshness.py). The owner is the contact named `owner` (else the
first); an admin who may change the solution may confirm it for them."""

from __future__ import annotations

from dataclasses import replace

from bot.messages import Reply
from bot.turn import Turn
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


async def confirm(turn: Turn) -> list[Reply]:
    solution_id = turn.argument.strip()
    solution = await turn.store.solutions.get(solution_id)
    if solution is None:
        return [Reply(text=turn.say("edit_no_solution", id=solution_id[:80]))]
    if not await is_owner(turn, solution):
        if not turn.is_admin:
            owner = solution.owner_contact.name
            return [Reply(text=turn.say("confirm_not_owner", title=solution.title, owner=owner))]
        turn.require_reach()
        turn.require_own(
            solution.organization,
            refusal="not_your_solution",
            title=solution.title,
            organization=solution.organization,
        )
    if solution.retired:
        return [Reply(text=turn.say("confirm_retired", title=solution.title))]
    now = turn.services.clock()
    confirmed = replace(solution, confirmed=now.date())
    await turn.kb.publish([confirmed], by=turn.message.user, at=now, action="confirm")
    return [Reply(text=turn.say("confirmed_now", title=solution.title))]
