"""The answers to an open question Spred offered (bot/routing.py), and the asker's consent to
be named in it.

*Ja, jeg har en* starts the share dialogue with the question as the problem; the submission
is linked to the question, so its asker is told when an editor publishes it
(bot/demand.py `answer_linked`). *Jeg kender en, der ved det* asks for the colleague's
e-mail or @name; one Spred can write to is asked in turn with the same letter, from their
own budget; one it cannot reach, or whose budget is spent, is left to the person to ask.
*Nej* thanks them. A button is honoured only from the person it was sent to, and only while
the question is open; any other (stale, forged) is refused politely.
"""

from __future__ import annotations

import re
from dataclasses import replace

from bot.dialogues import END, STAY, Dialogue, State, Step
from bot.flows import share
from bot.messages import Reply
from bot.reach import QUIET
from bot.render_text import quoted
from bot.routing import ALREADY, Routing
from bot.sessions import Flow
from bot.turn import Refusal, Turn
from knowledge.records import Demand, DemandStatus, RoutedAnswer, RoutedQuestion

REF_LIMIT = 300  # characters of a button's reference: a letter id
MENTION = re.compile(r"<@([A-Z0-9]+)(?:\|[^>]*)?>")  # Slack's "@name" as a message holds it
EMAIL = re.compile(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+")
TYPED_LIMIT = 200  # characters of a colleague's name or e-mail


def routing(turn: Turn) -> Routing:
    services = turn.services
    return Routing(
        store=turn.store,
        outbox=services.outbox,
        settings=services.settings,
        organisations=services.organisations,
        clock=services.clock,
    )


async def _open(
    turn: Turn, routed_id: object, *, ends: bool = False
) -> tuple[RoutedQuestion, Demand]:
    """The routed question a button names, if it was sent to this person and is still
    open; else a polite refusal (which leaves any dialogue they are in as it was, unless
    it is the naming step's own, `ends`)."""
    if not isinstance(routed_id, str) or len(routed_id) > REF_LIMIT:
        raise Refusal("routed_unknown", ends=ends)
    routed = await turn.store.routed.get(routed_id)
    if routed is None or routed.to != turn.message.user:
        raise Refusal("routed_unknown", ends=ends)
    demand = await turn.store.demand.get(routed.demand_id)
    if demand is None or demand.status is not DemandStatus.OPEN:
        raise Refusal("routed_closed", ends=ends)
    return routed, demand


async def _answered(turn: Turn, routed: RoutedQuestion, answer: RoutedAnswer) -> None:
    await turn.store.routed.update(
        routed.id, lambda current: None if current is None else replace(current, answer=answer)
    )


async def yes(turn: Turn) -> list[Reply]:
    """Starts the share dialogue (bot/flows/share.py) with the question as its problem."""
    routed, demand = await _open(turn, turn.message.payload.get("routed"))
    await _answered(turn, routed, RoutedAnswer.YES)

    async def start(turn: Turn) -> Step:
        return await share.start_sharing(turn, problem=demand.question, demand_id=demand.id)

    return [Reply(text=turn.say("routed_yes")), *await share.SHARING.step(turn, start)]


async def knows(turn: Turn) -> Step:
    routed, _ = await _open(turn, turn.message.payload.get("routed"))
    return Step(
        replies=[Reply(text=turn.say("routed_who"))],
        next=Flow.ROUTED_NAMING,
        data={"routed": routed.id},
    )


async def no(turn: Turn) -> list[Reply]:
    routed, _ = await _open(turn, turn.message.payload.get("routed"))
    await _answered(turn, routed, RoutedAnswer.NO)
    return [Reply(text=turn.say("routed_no"))]


async def name_colleague(turn: Turn) -> Step:
    """The colleague who may know, typed as an e-mail or an @name."""
    typed = turn.message.text.strip()
    routed, demand = await _open(turn, turn.session.data.get("routed"), ends=True)
    colleague = await _find(turn, typed[:TYPED_LIMIT])
    if colleague is None and not (MENTION.search(typed) or EMAIL.search(typed)):
        return Step(replies=[Reply(text=turn.say("routed_who_again", typed=typed))], next=STAY)
    question = quoted(demand.question)
    if colleague is None:
        text = turn.say("routed_unreachable", typed=typed, question=question)
        return Step(replies=[Reply(text=text)], next=END)
    if colleague in (turn.message.user, demand.asker):
        return Step(replies=[Reply(text=turn.say("routed_not_them"))], next=STAY)
    await _answered(turn, routed, RoutedAnswer.KNOWS)
    why = await routing(turn).ask(
        demand, colleague, language=turn.language, at=turn.services.clock(), by=turn.message.user
    )
    if why is None:
        return Step(replies=[Reply(text=turn.say("routed_forwarded"))], next=END)
    key = {ALREADY: "routed_asked_already", QUIET: "routed_quiet"}.get(why, "routed_not_now")
    return Step(replies=[Reply(text=turn.say(key, question=question))], next=END)


async def _find(turn: Turn, typed: str) -> str | None:
    """Where Spred can write to the colleague typed (platform-qualified), or None: a
    mention on the person's own platform, else an e-mail in the directory, else looked up
    by e-mail in the person's own organisation (bot.connectors.Finder)."""
    platform = turn.message.platform
    if mentioned := MENTION.search(typed):
        return f"{platform}:{mentioned.group(1)}"
    found = EMAIL.search(typed)
    if found is None:
        return None
    email = found.group(0).strip(".,;:")
    services = turn.services
    listed = await services.person_for("", "", email)
    user_id = listed.platform_id(platform) if listed is not None else None
    if user_id and await services.outbox.reachable(f"{platform}:{user_id}"):
        return f"{platform}:{user_id}"
    if turn.message.org_id:
        address = await services.outbox.find(email=email, org_id=turn.message.org_id)
        if address and await services.outbox.reachable(address):
            return address
    return None


async def name_ok(turn: Turn) -> list[Reply]:
    """The asker lets colleagues asked about their question see their name."""
    demand_id = turn.payload_text("demand", limit=64)
    named = False

    def allow(current: Demand | None) -> Demand | None:
        nonlocal named
        if current is None or current.asker != turn.message.user:  # only their own question
            return current
        named = True
        return replace(current, name_ok=True)

    await turn.store.demand.update(demand_id, allow)
    if not named:
        raise Refusal("unknown_action")
    return [Reply(text=turn.say("demand_name_set"))]


NAMING = Dialogue(
    name="routed",
    entry_points={"routed_knows": knows},
    states={Flow.ROUTED_NAMING: State(on_text=name_colleague)},
)
