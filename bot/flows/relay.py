"""Two colleagues talking through Spred, also across organisations and platforms: the
contact of an introduction presses *Svar*, and from then on what either of them writes to
Spred is passed on to the other's own chat with Spred, headed by who wrote it, until one of
them ends it (a button, or "afslut"). Nothing is passed on after that.

Whether it is open lives in the introduction's record (`Introduction.relay`), changed only
with `Collection.update`, so every process agrees; each side is in the RELAYING state of
their own conversation while they write. Only what a person writes here crosses to the
other side, with the name, role and organisation the introduction already gave.
"""

from __future__ import annotations

import re
from dataclasses import replace

from bot.dialogues import END, STAY, Dialogue, State, Step
from bot.i18n import say
from bot.messages import Action, Notice, Reply
from bot.sessions import Flow
from bot.turn import Refusal, Turn
from knowledge.records import Introduction, Relay

MAX_PASSED_ON = 2000  # characters of one message passed on; the rest is cut, and both told
_ID = re.compile(r"[0-9a-f]{32}")  # knowledge.records.new_id


def buttons(language: str, introduction_id: str) -> tuple[Action, ...]:
    """Svar and Afslut: on every message passed on, so either side can join or end it."""
    payload = {"introduction": introduction_id}
    return (
        Action(id="relay_reply", label=say(language, "act_relay_reply"), payload=payload),
        Action(id="relay_end", label=say(language, "act_relay_end"), payload=payload),
    )


def invitation(introduction: Introduction) -> tuple[Action, ...]:
    """The buttons of an introduction for its contact: Svar and Ikke nu."""
    language, payload = introduction.contact_language, {"introduction": introduction.id}
    return (
        Action(
            id="relay_reply",
            label=say(language, "act_relay_reply"),
            payload=payload,
            style="primary",
        ),
        Action(id="relay_decline", label=say(language, "act_relay_decline"), payload=payload),
    )


async def _introduction(turn: Turn, introduction_id: object) -> tuple[Introduction, bool]:
    """The introduction a button (or the conversation) names, and whether the sender is its
    asker (else its contact); anyone else's press is a forged one."""
    if not isinstance(introduction_id, str) or not _ID.fullmatch(introduction_id):
        raise Refusal("unknown_action")
    introduction = await turn.store.introductions.get(introduction_id)
    if introduction is None or introduction.relay is None:
        raise Refusal("relay_gone", ends=True)
    if turn.message.user == introduction.asker:
        return introduction, True
    if turn.message.user == introduction.contact:
        return introduction, False
    raise Refusal("unknown_action")


def _other(introduction: Introduction, asker: bool) -> tuple[str, str, str]:
    """The other side: their address, their language, and their name as they are shown."""
    if asker:
        return introduction.contact, introduction.contact_language, introduction.contact_name
    return introduction.asker, introduction.asker_language, introduction.asker_name


def _shown(introduction: Introduction, asker: bool) -> str:
    """One side as the other sees them: name, and organisation when known."""
    name, organization = (
        (introduction.asker_name, introduction.asker_organization)
        if asker
        else (introduction.contact_name, introduction.contact_organization)
    )
    return f"{name} ({organization})" if organization else name


async def _change(turn: Turn, introduction_id: str, to: Relay, *, when: set[Relay]) -> Relay | None:
    """Moves the relay to `to` if it stands at one of `when`, as one step of the store;
    where it stood before, or None when it did not move."""
    before: Relay | None = None
    at = turn.services.clock()

    def change(current: Introduction | None) -> Introduction | None:
        nonlocal before
        if current is None or current.relay not in when:
            return current
        before = current.relay
        return replace(current, relay=to, relay_changed_at=at)

    await turn.store.introductions.update(introduction_id, change)
    return before


async def _tell(turn: Turn, to: str, language: str, text: str, introduction_id: str) -> None:
    reply = Reply(text=text, language=language, actions=buttons(language, introduction_id))
    await turn.services.outbox.send(Notice(to=to, kind="relay", reply=reply))


async def join(turn: Turn) -> Step:
    """*Svar*: the contact opens the conversation (the asker is told), or either side comes
    back to one that is open; what they write next is passed on."""
    introduction, asker = await _introduction(turn, turn.message.payload.get("introduction"))
    to, language, name = _other(introduction, asker)
    if not await turn.services.outbox.reachable(to):
        return Step(replies=[Reply(text=await _unreachable(turn, introduction, asker))], next=STAY)
    if not asker:
        opened = await _change(
            turn, introduction.id, Relay.OPEN, when={Relay.ASKED, Relay.DECLINED}
        )
        if opened is not None:
            text = say(language, "relay_accepted", who=_shown(introduction, asker=False))
            await _tell(turn, to, language, text, introduction.id)
        introduction = await turn.store.introductions.get(introduction.id) or introduction
    if introduction.relay is Relay.ENDED:
        return Step(replies=[Reply(text=turn.say("relay_over"))], next=STAY)
    if introduction.relay is not Relay.OPEN:  # the asker, before the contact said yes
        return Step(replies=[Reply(text=turn.say("relay_not_yet", name=name))], next=STAY)
    return Step(
        replies=[Reply(text=turn.say("relay_joined", name=name))],
        next=Flow.RELAYING,
        data={"introduction": introduction.id},
    )


async def pass_on(turn: Turn) -> Step:
    """What one side writes while in the conversation, to the other side's own chat."""
    introduction, asker = await _introduction(turn, turn.session.data.get("introduction"))
    if introduction.relay is not Relay.OPEN:
        return Step(replies=[Reply(text=turn.say("relay_over_not_sent"))], next=END)
    text = turn.message.text.strip()
    if not text:
        return Step(replies=[Reply(text=turn.say("relay_empty"))], next=STAY)
    to, language, name = _other(introduction, asker)
    if not await turn.services.outbox.reachable(to):
        return Step(replies=[Reply(text=await _unreachable(turn, introduction, asker))], next=END)
    shortened = len(text) > MAX_PASSED_ON
    key = "relay_message_shortened" if shortened else "relay_message"
    head = say(language, key, who=_shown(introduction, asker))
    await _tell(turn, to, language, f"{head}\n{text[:MAX_PASSED_ON].rstrip()}", introduction.id)
    if shortened:
        sent = turn.say("relay_sent_shortened", name=name, limit=MAX_PASSED_ON)
    else:
        sent = turn.say("relay_sent", name=name)
    return Step(replies=[Reply(text=sent)], next=STAY)


async def _unreachable(turn: Turn, introduction: Introduction, asker: bool) -> str:
    """The other side's workspace or tenant removed Spred (or they left it): a letter would
    wait for ever, so the conversation ends and the writer is told; the asker gets the
    contact's e-mail, never the other way round."""
    await _change(
        turn, introduction.id, Relay.ENDED, when={Relay.ASKED, Relay.DECLINED, Relay.OPEN}
    )
    _, _, name = _other(introduction, asker)
    text = turn.say("relay_unreachable", name=name)
    if asker and introduction.contact_email:
        text += turn.say("relay_declined_email", name=name, email=introduction.contact_email)
    return text


async def end(turn: Turn) -> Step:
    """*Afslut* or "afslut" (also "annuller"): nothing more is passed on, both are told. A
    button names its conversation; a typed command ends the one the person is in."""
    named = turn.message.payload.get("introduction") if turn.message.action else None
    current = turn.session.data.get("introduction") if turn.session.flow is Flow.RELAYING else None
    introduction_id = named or current
    if introduction_id is None:
        return Step(replies=[Reply(text=turn.say("relay_none"))], next=STAY)
    introduction, asker = await _introduction(turn, introduction_id)
    leaves = END if introduction.id == current else STAY
    ended = await _change(
        turn, introduction.id, Relay.ENDED, when={Relay.ASKED, Relay.DECLINED, Relay.OPEN}
    )
    to, language, name = _other(introduction, asker)
    if ended is None:  # a stale button, or the other side ended it first
        return Step(replies=[Reply(text=turn.say("relay_over"))], next=leaves)
    if ended is Relay.OPEN:  # the other side was told it began: tell them it ended
        reply = Reply(
            text=say(language, "relay_ended_notice", who=_shown(introduction, asker)),
            language=language,
        )
        await turn.services.outbox.send(Notice(to=to, kind="relay", reply=reply))
    return Step(replies=[Reply(text=turn.say("relay_ended", name=name))], next=leaves)


async def decline(turn: Turn) -> list[Reply]:
    """*Ikke nu*: the contact cannot now; the asker is told plainly, with the e-mail if
    there is one."""
    introduction, asker = await _introduction(turn, turn.message.payload.get("introduction"))
    if asker:
        raise Refusal("unknown_action")
    if await _change(turn, introduction.id, Relay.DECLINED, when={Relay.ASKED}) is None:
        now = await turn.store.introductions.get(introduction.id)
        key: dict[Relay | None, str] = {
            Relay.OPEN: "relay_already_open",
            Relay.DECLINED: "relay_declined_before",
        }
        return [Reply(text=turn.say(key.get(now.relay if now else None, "relay_over")))]
    language = introduction.asker_language
    name, email = introduction.contact_name, introduction.contact_email
    text = say(language, "relay_declined_notice", name=name)
    if email:
        text += say(language, "relay_declined_email", name=name, email=email)
    reply = Reply(text=text, language=language)
    await turn.services.outbox.send(Notice(to=introduction.asker, kind="relay", reply=reply))
    return [Reply(text=turn.say("relay_declined", name=introduction.asker_name))]


async def end_outside(turn: Turn) -> list[Reply]:
    """*Afslut* pressed, or "afslut" typed, by someone not in the conversation's state."""
    step = await end(turn)
    return step.replies


RELAYING = Dialogue(
    name="relaying",
    entry_points={"relay_reply": join},
    states={Flow.RELAYING: State(on_text=pass_on)},
    fallbacks={"cancel": end, "relay_end": end},
)
