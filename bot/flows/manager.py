"""A manager's answers to a prompt: plan an adaptation (three short questions), not now,
later, or no more prompts; and, after the follow-up, what was adapted, which becomes a
note on the solution that later answers show."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.dialogues import END, Dialogue, State, Step
from bot.flows.adopt import adoption_of
from bot.flows.measure import offer
from bot.messages import Reply
from bot.sessions import Flow
from bot.turn import Refusal, Turn
from knowledge.records import Adaptation, Adoption, Nudge, NudgeState, OptOut, Person, Stage, new_id

PLAN = ("change", "who", "when")
MAX_ANSWER = 500
NEXT_STAGE = {Stage.INTERESTED: Stage.PILOTING, Stage.PILOTING: Stage.ADOPTED}
SNOOZE = timedelta(days=14)


async def _own_nudge(
    turn: Turn, nudge_id: object, *, kind: str | None = None, waiting: bool = True
) -> tuple[Nudge, Person]:
    """The prompt a button names, and its manager, if it was sent to the person pressing it
    and (when `waiting`) still waits for an answer: a second press, or a press on an old
    prompt, changes nothing."""
    if not isinstance(nudge_id, str) or len(nudge_id) > 64:
        raise Refusal("unknown_action")
    nudge = await turn.store.nudges.get(nudge_id)
    if nudge is None or (kind is not None and nudge.kind != kind):
        raise Refusal("unknown_action")
    me = await turn.person()
    if me is None or me.id != nudge.manager_id:
        raise Refusal("not_your_nudge")
    if waiting and nudge.state is not NudgeState.SENT:
        raise Refusal("nudge_answered")
    return nudge, me


async def _flow_nudge(turn: Turn) -> tuple[Nudge, Person]:
    """The prompt the questions in progress are about; when it is gone or answered
    elsewhere meanwhile, the questions end too."""
    try:
        return await _own_nudge(turn, turn.session.data.get("nudge"))
    except Refusal as refusal:
        refusal.ends = True
        raise


def _answer(turn: Turn) -> tuple[str, list[Reply]]:
    """What the manager wrote, on one line, or the reply that says what was wrong with it."""
    text = " ".join(turn.message.text.split())
    if not text:
        return text, [Reply(text=turn.say("plan_empty"))]
    if len(text) > MAX_ANSWER:
        return text, [Reply(text=turn.say("plan_too_long", length=len(text), most=MAX_ANSWER))]
    return text, []


async def plan(turn: Turn) -> Step:
    nudge, _ = await _own_nudge(turn, turn.message.payload.get("nudge"), kind="prompt")
    solution = await turn.solution_from_payload({"solution": nudge.solution_id})
    reply = Reply(text=turn.say("plan_change", title=solution.title))
    return Step(replies=[reply], next=Flow.PLANNING, data={"nudge": nudge.id, "answers": {}})


async def answer_plan(turn: Turn) -> Step:
    nudge, _ = await _flow_nudge(turn)
    answer, wrong = _answer(turn)
    if wrong:
        return Step(replies=wrong, next=Flow.PLANNING)
    answers = turn.session.data.setdefault("answers", {})
    answers[PLAN[len(answers)]] = answer
    if len(answers) < len(PLAN):
        reply = Reply(text=turn.say(f"plan_{PLAN[len(answers)]}"))
        return Step(replies=[reply], next=Flow.PLANNING)
    now = turn.services.clock()
    rules = turn.services.settings.nudges
    await turn.store.nudges.upsert(replace(nudge, state=NudgeState.PLANNED, plan=answers))
    await turn.store.nudges.upsert(
        Nudge(
            id=new_id(),
            manager_id=nudge.manager_id,
            solution_id=nudge.solution_id,
            kind="follow-up",
            reason=nudge.reason,
            members=nudge.members,
            due_at=now + timedelta(days=rules.follow_up_days),
            plan=answers,
            created_at=now,
        )
    )
    return Step(replies=[Reply(text=turn.say("plan_saved", days=rules.follow_up_days))], next=END)


async def report(turn: Turn) -> Step:
    nudge, _ = await _own_nudge(turn, turn.message.payload.get("nudge"), kind="follow-up")
    reply = Reply(text=turn.say("report_prompt"))
    return Step(replies=[reply], next=Flow.REPORTING, data={"nudge": nudge.id})


async def answer_report(turn: Turn) -> Step:
    nudge, me = await _flow_nudge(turn)
    text, wrong = _answer(turn)
    if wrong:
        return Step(replies=wrong, next=Flow.REPORTING)
    organization = me.organization or turn.message.organization or me.name
    await turn.store.adaptations.upsert(
        Adaptation(
            id=new_id(),
            solution_id=nudge.solution_id,
            organization=organization,
            unit=me.unit,
            text=text,
            manager_id=me.id,
            created_at=turn.services.clock(),
        )
    )
    ours = await _move_on(turn, nudge, organization, me.unit)
    await turn.store.nudges.upsert(replace(nudge, state=NudgeState.DONE))
    place = f"{organization}, {me.unit}" if me.unit else organization
    line = turn.say("adaptation_line", place=place, text=text)
    replies = [Reply(text=turn.say("adaptation_saved", line=line))]
    solution = await turn.store.solutions.get(nudge.solution_id)
    if solution is not None and not solution.retired:
        replies.append(offer(turn, ours, solution))
    return Step(replies=replies, next=END)


async def _move_on(turn: Turn, nudge: Nudge, organization: str, unit: str) -> Adoption:
    """The unit's adoptions go one stage on; a unit with none is now piloting. Returns the
    one the unit's own figures go on: the manager's, else the furthest along."""
    here = (organization.casefold(), unit.casefold())
    ours = [
        a
        for a in await turn.store.adoptions.find(solution_id=nudge.solution_id)
        if (a.organization.casefold(), a.unit.casefold()) == here
    ]
    if not ours:
        adoption = adoption_of(turn, nudge.solution_id, Stage.PILOTING, organization, unit)
        await turn.store.adoptions.upsert(adoption)
        return adoption
    now = turn.services.clock()
    moved = []
    for adoption in ours:
        stage = NEXT_STAGE.get(adoption.stage, adoption.stage)
        moved.append(replace(adoption, stage=stage, updated_at=now))
        await turn.store.adoptions.upsert(moved[-1])
    order = {stage: i for i, stage in enumerate(reversed(Stage))}
    moved.sort(key=lambda a: (a.user != turn.message.user, order[a.stage]))
    return moved[0]


async def dismiss(turn: Turn) -> list[Reply]:
    """ "Ikke relevant nu" on a prompt, or "Vi droppede den" on a plan's follow-up."""
    nudge, _ = await _own_nudge(turn, turn.message.payload.get("nudge"))
    await turn.store.nudges.upsert(replace(nudge, state=NudgeState.DISMISSED))
    said = "plan_dropped" if nudge.kind == "follow-up" else "nudge_dismissed"
    return [Reply(text=turn.say(said))]


async def snooze(turn: Turn) -> list[Reply]:
    nudge, _ = await _own_nudge(turn, turn.message.payload.get("nudge"))
    later = turn.services.clock() + SNOOZE
    await turn.store.nudges.upsert(replace(nudge, state=NudgeState.SCHEDULED, due_at=later))
    await turn.store.outbox.delete(f"nudge-{nudge.id}")  # so the reminder is a new letter
    return [Reply(text=turn.say("nudge_snoozed"))]


async def opt_out(turn: Turn) -> list[Reply]:
    # Opting out is about the manager, not this prompt: an answered one still serves.
    nudge, _ = await _own_nudge(turn, turn.message.payload.get("nudge"), waiting=False)
    await turn.store.opt_outs.upsert(OptOut(manager_id=nudge.manager_id, at=turn.services.clock()))
    pending = await turn.store.nudges.find(manager_id=nudge.manager_id, state=NudgeState.SCHEDULED)
    for waiting in pending:
        await turn.store.nudges.upsert(replace(waiting, state=NudgeState.DISMISSED))
    return [Reply(text=turn.say("opted_out"))]


async def staff_note(turn: Turn) -> str:
    """What a person whose manager Spred knows should know before using it: what reaches
    the manager ("" for anyone else: nothing does)."""
    me = await turn.person()
    return "\n\n" + turn.say("manager_note") if me is not None and me.manager_id else ""


async def opt_in(turn: Turn) -> list[Reply]:
    me = await turn.person()
    if me is not None:
        await turn.store.opt_outs.delete(me.id)
    return [Reply(text=turn.say("opted_in"))]


PLANNING = Dialogue(
    name="planning",
    entry_points={"nudge_plan": plan},
    states={Flow.PLANNING: State(on_text=answer_plan)},
)

REPORTING = Dialogue(
    name="reporting",
    entry_points={"nudge_report": report},
    states={Flow.REPORTING: State(on_text=answer_report)},
)
