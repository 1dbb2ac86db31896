"""Connecting an asker with the colleague who built a solution: professionals trust
colleagues more than bosses, so the direct line is the point.

The contact is looked for where Spred can write to them, in their own organisation too
(bot/colleagues.py). Found, they get an introduction in their own chat (who asks, with role
and organisation, and the question), with *Svar* to talk through Spred (bot/flows/relay.py)
and *Ikke nu*; the asker is told exactly that. Not found, the asker gets the e-mail.
"""

from __future__ import annotations

from bot.consent import ask_once
from bot.flows import relay
from bot.i18n import say
from bot.messages import Notice, Reply
from bot.turn import Turn
from knowledge.records import Introduction, Person, Relay, new_id

MAX_QUESTION = 500  # characters of the asker's question shown to the contact


async def contact(turn: Turn) -> list[Reply]:
    solution = await turn.solution_from_payload()
    person = solution.contacts[0]
    me = await turn.person()
    organization = await _organization(turn, me)
    # The asker's platform first (the contact may well be a colleague there), then any.
    platforms = dict.fromkeys((turn.message.platform, *turn.services.outbox.platforms))
    address = await turn.services.address_of(person, platforms, organization=solution.organization)
    introduction = Introduction(
        id=new_id(),
        solution_id=solution.id,
        asker=turn.message.user,
        asker_name=turn.name,
        asker_organization=organization,
        contact_name=person.name,
        contact_email=person.email,
        created_at=turn.services.clock(),
        contact=address or "",
        contact_organization=solution.organization,
        asker_language=turn.language,
        contact_language=solution.language,
        relay=Relay.ASKED if address else None,
        relay_changed_at=turn.services.clock() if address else None,
    )
    await turn.store.introductions.upsert(introduction)
    prompted = await turn.services.tell_manager(me, solution, did="contact")
    question = str(turn.session.memory.get("question") or "").strip()[:MAX_QUESTION]
    if address:
        await _introduce(
            turn, introduction, title=solution.title, role=me.role if me else "", question=question
        )
        direct = turn.say("introduced_direct", name=person.name, title=solution.title)
        direct += turn.say("introduced_relay", name=person.name)
        if question:
            direct += turn.say("introduced_question")
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
    asked, buttons = await ask_once(turn, me, prompted)
    return [Reply(text=text + asked, actions=buttons)]


async def _organization(turn: Turn, me: Person | None) -> str:
    """The asker's organisation as they or their directory entry name it, else the name of
    the workspace or tenant their message came from."""
    named = turn.message.organization or (me.organization if me else "")
    if named:
        return named
    known = await turn.services.organisations.get(turn.message.org_id)
    return known.name if known else ""


async def _introduce(
    turn: Turn, introduction: Introduction, *, title: str, role: str, question: str
) -> None:
    """The introduction in the contact's own chat and language: who asks (name, role,
    organisation), about what, the question, and Svar / Ikke nu."""
    language = introduction.contact_language
    about = ", ".join(part for part in (role, introduction.asker_organization) if part)
    text = say(
        language,
        "introduction_notice",
        asker=introduction.asker_name,
        origin=f" ({about})" if about else "",
        title=title,
        reach="",
    )
    if question:
        text += say(language, "introduction_question", question=question)
    text += say(language, "introduction_relay")
    reply = Reply(text=text, language=language, actions=relay.invitation(introduction))
    await turn.services.outbox.send(
        Notice(to=introduction.contact, kind="introduction", reply=reply)
    )
