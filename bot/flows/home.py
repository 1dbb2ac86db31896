"""A user's own page (Slack's App Home): their recent questions, the solutions they
reported using, and their questions still waiting for an answer."""

from __future__ import annotations

from bot.flows.ask import PAYLOAD_QUESTION
from bot.i18n import listed, say
from bot.messages import Action, Reply
from bot.render_text import quoted
from bot.sessions import Session
from bot.turn import Services
from knowledge.records import DemandStatus, NudgeState

SHOWN = 5
LABEL = 75  # characters of a button's label every platform shows whole (Slack's limit)


def shortened(label: str, most: int = LABEL) -> str:
    """A label cut at a word, with "…", when it is too long to show whole."""
    if len(label) <= most:
        return label
    cut = label[: most - 1]
    whole = label[most - 1] == " "  # the cut falls between words
    return ((cut if whole else cut.rsplit(" ", 1)[0]).rstrip(" :–-,") or cut) + "…"


async def home_page(services: Services, *, user: str) -> Reply:
    store = services.store
    platform, _, user_id = user.partition(":")
    # A conversation record is one user's (its key ends with them) and names them.
    mine = sorted(
        await store.conversations.find(user=user), key=lambda c: c.updated_at, reverse=True
    )
    memories = [c.data.get("memory", {}) for c in mine]
    spoken = (Session.language_in(m, "") for m in memories)  # the latest that tells
    language = next((found for found in spoken if found), services.settings.language)
    questions = list(dict.fromkeys(str(m["question"]) for m in memories if m.get("question")))
    lines = [say(language, "home_intro")]
    actions = []
    if questions:
        lines.append(say(language, "home_recent"))
        for question in questions[:SHOWN]:
            lines.append(f"• {quoted(question)}")
            actions.append(
                Action(
                    id="more",
                    label=shortened(" ".join(question.split()), 60),
                    payload={"q": question[:PAYLOAD_QUESTION], "offset": 0},
                )
            )
    following = await store.adoptions.find(user=user)
    if following:
        lines.append(say(language, "home_following"))
        for adoption in following[: SHOWN * 2]:
            solution = await store.solutions.get(adoption.solution_id)
            if solution is not None and not solution.retired:
                stage = say(language, f"stage_{adoption.stage}")
                lines.append(f"• {solution.title} ({stage})")
    me = await services.person_for(platform, user_id)
    prompts = (
        await store.nudges.find(manager_id=me.id, state=NudgeState.SENT) if me is not None else []
    )
    if prompts:
        lines.append(say(language, "home_prompts"))
        for nudge in prompts[:SHOWN]:
            solution = await store.solutions.get(nudge.solution_id)
            if solution is not None:
                lines.append(f"• {solution.title} – {listed(language, nudge.members)}")
                label = f"{say(language, 'act_plan')}: {solution.title}"
                actions.append(
                    Action(id="nudge_plan", label=shortened(label), payload={"nudge": nudge.id})
                )
    waiting = await store.demand.find(asker=user, status=DemandStatus.OPEN)
    if waiting:
        lines.append(say(language, "home_waiting"))
        lines += [f"• {quoted(d.question)}" for d in waiting[:SHOWN]]
    # the form where the client shows one (the App Home does), else the chat's questions
    actions.append(Action(id="share_form", label=say(language, "act_share")))
    return Reply(text="\n".join(lines), actions=tuple(actions), language=language)
