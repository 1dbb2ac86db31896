"""An organisation's own admins by chat: who they are, naming and removing them, and the
prompts to their managers. Who may do it is bot/roles.py's rule; here is only what they do.

A local admin is named by their id on the organisation's platform (Slack's member id,
"U0123ABCD"; Teams' "29:…") or by their name in the organisation's people directory, whose
entry then needs that id: a mention reaches Spred as a name, never as an id.
"""

from __future__ import annotations

import re

from bot.flows.admin import named
from bot.messages import Reply
from bot.render_text import quoted
from bot.turn import Refusal, Turn
from knowledge.records import NudgeState, Organisation, Person
from knowledge.store.query import OneOf

# What a user id looks like on each platform, so a typed name is never taken for one:
# Slack's member ids ("U0123ABCD", "W…"), Teams' ("29:1abc…"); elsewhere a word with a digit.
_ID_SHAPES = {
    "slack": re.compile(r"[UW][A-Z0-9]{2,30}"),
    "teams": re.compile(r"\d{1,3}:[A-Za-z0-9._:@-]{1,200}"),
}
_ANY_ID = re.compile(r"(?=.*\d)[A-Za-z0-9][A-Za-z0-9._:@-]{0,199}")
LISTED = 20


def _organisation(turn: Turn) -> Organisation:
    """The organisation the message came from, for an admin of it (global admins too)."""
    turn.require_admin()
    if turn.organisation is None:
        raise Refusal("local_admin_no_organisation")
    return turn.organisation


async def _shown(turn: Turn, user: str) -> str:
    """A local admin as a list names them: their directory name with their id."""
    platform, _, user_id = user.partition(":")
    person = await turn.services.person_for(platform, user_id)
    return f"{person.name} ({user})" if person else user


async def local_admins(turn: Turn) -> list[Reply]:
    """ "lokale admins" / "local admins": who looks after Spred here."""
    organisation = _organisation(turn)
    if not organisation.admins:
        return [Reply(text=turn.say("local_admins_none"))]
    shown = [await _shown(turn, user) for user in organisation.admins]
    lines = [turn.say("local_admins_list", organisation=organisation.name or organisation.id)]
    return [Reply(text="\n".join([*lines, *(f"• {s}" for s in shown)]))]


async def local_admin(turn: Turn, remove: str, who: str) -> list[Reply]:
    """ "lokal admin <id eller navn>" names one; "fjern lokal admin …" removes one (never
    the last, so the organisation keeps someone who can name others)."""
    organisation = _organisation(turn)
    user = await _user(turn, organisation, who.strip())
    shown = await _shown(turn, user)
    if remove.strip():
        if user not in organisation.admins:
            return [Reply(text=turn.say("local_admin_not_one", who=shown))]
        after = await turn.services.organisations.remove_admin(organisation.id, user)
        if after is None or user in after.admins:
            return [Reply(text=turn.say("local_admin_last", who=shown))]
        return [Reply(text=turn.say("local_admin_removed", who=shown))]
    if user in organisation.admins:
        return [Reply(text=turn.say("local_admin_already", who=shown))]
    await turn.services.organisations.name_admin(organisation.id, user)
    return [Reply(text=turn.say("local_admin_named", who=shown))]


async def _user(turn: Turn, organisation: Organisation, who: str) -> str:
    """The platform-qualified id `who` means on the organisation's platform: a person in
    its own directory by name, else an id as typed (with or without the platform)."""
    who = who.removeprefix("@").strip()
    platform = organisation.platform
    found = named(await turn.services.organisations.people_of(organisation), who)
    if len(found) == 1:
        user_id = found[0].platform_id(platform)
        if not user_id:
            raise Refusal("local_admin_no_id", who=found[0].name)
        return f"{platform}:{user_id}"
    if len(found) > 1:
        listed = ", ".join(f"{p.name} ({p.id})" for p in found[:5])
        raise Refusal("several_called", name=who[:80], people=listed)
    given, _, rest = who.partition(":")
    if given in ("slack", "teams", "console") and rest:
        if given != platform:
            raise Refusal("local_admin_other_platform", who=quoted(who[:80]))
        who = rest
    if not _ID_SHAPES.get(platform, _ANY_ID).fullmatch(who):
        raise Refusal("local_admin_unknown", who=quoted(who[:80]))
    return f"{platform}:{who}"


# --- what the organisation's managers were prompted about

_STATES = {
    NudgeState.SCHEDULED: "prompt_waiting",
    NudgeState.SENT: "prompt_sent",
    NudgeState.PLANNED: "prompt_answered",
    NudgeState.DONE: "prompt_answered",
    NudgeState.DISMISSED: "prompt_answered",
}


async def prompts(turn: Turn) -> list[Reply]:
    """ "påmindelser til ledere" / "manager prompts": the prompts to managers of the admin's
    own organisation (all, for a global admin), latest first."""
    role = turn.require_reach()
    store = turn.store
    if role.global_admin:
        nudges = await store.nudges.all()
        managers: dict[str, Person] = {}
    else:  # a local admin: the prompts to their own people
        assert role.organisation is not None  # require_reach: an organisation's admin
        people = await turn.services.organisations.people_of(role.organisation)
        managers = {p.id: p for p in people}
        nudges = await store.nudges.find(manager_id=OneOf.of(managers)) if managers else []
    shown = []
    for nudge in sorted(nudges, key=lambda n: n.due_at, reverse=True):
        manager = managers.get(nudge.manager_id) or await store.people.get(nudge.manager_id)
        if manager is None or not role.owns(manager.organization):
            continue
        solution = await store.solutions.get(nudge.solution_id)
        title = solution.title if solution else nudge.solution_id
        state = turn.say(_STATES[nudge.state])
        shown.append(turn.say("prompt_line", manager=manager.name, title=title, state=state))
        if len(shown) == LISTED:
            break
    if not shown:
        return [Reply(text=turn.say("prompts_none"))]
    return [Reply(text="\n".join([turn.say("prompts_list"), *shown]))]


def help_text(turn: Turn) -> str:
    """What an admin can do besides asking, for a local admin with their reach said."""
    text = turn.say("help_admin")
    role = turn.role
    if role.local_admin:
        text += "\n" + turn.say("help_local_admin", organisation=role.own_name or "–")
    elif turn.organisation is not None:
        text += "\n" + turn.say("help_global_admin_here")
    return text
