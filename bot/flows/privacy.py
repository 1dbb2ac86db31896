"""A person's own data in chat: "glem mig" / "forget me", confirmed with a button, erases
everything Spred holds about them (bot/privacy.py, as `spred person forget` does); and
their answer to whether a manager's prompt may name them (bot/consent.py).

The confirming button carries a token kept in the asker's own session: a button from an
earlier question, or one pressed by anyone else, finds no such token and does nothing.
"""

from __future__ import annotations

from bot.consent import set_named
from bot.messages import Action, Reply
from bot.privacy import Fate, forget, identify
from bot.turn import Refusal, Turn
from knowledge.records import new_id

TOKEN = "forget"  # the session memory's key for the question's token


async def ask_forget(turn: Turn) -> list[Reply]:
    token = new_id()
    turn.session.memory[TOKEN] = token
    buttons = (
        Action(id="forget_yes", label=turn.say("act_forget_yes"), payload={"token": token},
               style="danger"),
        Action(id="forget_no", label=turn.say("act_forget_no")),
    )  # fmt: skip
    return [Reply(text=turn.say("forget_ask"), actions=buttons)]


async def keep(turn: Turn) -> list[Reply]:
    turn.session.memory.pop(TOKEN, None)  # the question's yes button is stale from now on
    return [Reply(text=turn.say("forget_kept_all"))]


async def confirm_forget(turn: Turn) -> list[Reply]:
    token = turn.payload_text("token", limit=64)
    if not token or turn.session.memory.get(TOKEN) != token:
        raise Refusal("forget_stale")
    who = await identify(turn.store, turn.message.user, email=turn.message.email)
    if who is None:
        raise Refusal("unknown_action")
    done = await forget(turn.store, who, language=turn.language)
    turn.session.discard = True  # this conversation too, once the turn is over
    lines = [turn.say(f"held_{name}", count=count) for name, count in done.changed()]
    if not lines:
        return [Reply(text=turn.say("forget_nothing"))]
    kept = done.count("solutions", Fate.KEPT)
    note = "\n\n" + turn.say("forget_kept_solutions", count=kept) if kept else ""
    return [Reply(text=turn.say("forget_done", lines="\n".join(f"• {x}" for x in lines)) + note)]


async def name_ok(turn: Turn) -> list[Reply]:
    await set_named(turn, named=True)
    return [Reply(text=turn.say("name_ok_saved"))]


async def name_no(turn: Turn) -> list[Reply]:
    await set_named(turn, named=False)
    return [Reply(text=turn.say("name_no_saved"))]
