"""Connecting an asker with the colleague who built a solution: professionals trust
colleagues more than bosses, so the direct line is the point."""

from __future__ import annotations

from bot.consent import ask_once
from bot.messages import Notice, Reply
from bot.turn import Turn
from knowledge.records import Introduction, new_id


async def contact(turn: Turn) -> list[Reply]:
    solution = await turn.solution_from_payload()
    person = solution.contacts[0]
    me = await turn.person()
    organization = turn.message.organization or (me.organization if me else "")
    email = turn.message.email or (me.email if me else "")
    await turn.store.introductions.upsert(
        Introduction(
            id=new_id(),
            solution_id=solution.id,
            asker=turn.message.user,
            asker_name=turn.name,
            asker_organization=organization,
            contact_name=person.name,
            contact_email=person.email,
        )
    )
    prompted = await turn.services.tell_manager(me, solution, did="contact")
    address = await turn.services.address_of(person, (turn.message.platform,))
    if address:
        origin = f" ({organization})" if organization else ""
        reach = turn.say("introduction_reach", asker=turn.name, email=email) if email else ""
        text = turn.say(
            "introduction_notice", asker=turn.name, origin=origin, title=solution.title, reach=reach
        )
        reply = Reply(text=text, language=turn.language)
        notice = Notice(to=address, kind="introduction", reply=reply)
        await turn.services.outbox.send(notice)
        direct = turn.say("introduced_direct", name=person.name, title=solution.title)
    elif person.email:
        direct = turn.say("introduced_email_only", name=person.name)
    else:  # neither an address to write to nor a way to tell them here
        direct = ""
    who = {
        "name": person.name,
        "role": f", {person.role}" if person.role else "",
        "organization": solution.organization,
    }
    if person.email:
        text = turn.say("introduced", email=person.email, direct=direct, **who)
    elif address:
        text = turn.say("introduced_no_email", direct=direct, **who)
    else:
        text = turn.say("introduced_no_way", **who)
    if prompted:
        text += turn.say("manager_told")
    question, buttons = await ask_once(turn, me, prompted)
    return [Reply(text=text + question, actions=buttons)]
