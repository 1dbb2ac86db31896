"""A manager's answers to a prompt: plan an adaptation (three short questions), not now,
later, or no more prompts; and, after the follow-up, what was adapted, which becomes a
note on the solution that later answers show."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.messages import Reply
from bot.sessions import Flow
from bot.turn import Refusal, Turn
from knowledge.records import Adaptation, Adoption, Nudge, NudgeState, OptOut, Stage, new_id

PLAN = ("change", "who", "when")
MAX_ANSWER = 500
NEXT_STAGE = {Stage.INTERESTED: Stage.PILOTING, Stage.PILOTING: Stage.ADOPTED}
SNOOZE = timedelta(days=14)


async def _own_nudge(turn: Turn, nudge_id: object) -> Nudge:
    """The prompt a button names, if it was sent to the person pressing it."""
    if not isinstance(nudge_id, str) or len(nudge_id) > 64:
        raise Refusal("unknown_action")
    nudge = await turn.store.nudges.get(nudge_id)
    if nudge is None:
        raise Refusal("unknown_action")
    me = await turn.person()
    if me is None or me.id != nudge.manager_id:
        raise Refusal("not_your_nudge")
    return nudge


async def plan(turn: Turn) -> list[Reply]:
    nudge = await _own_nudge(turn, turn.message.payload.get("nudge"))
    solution = await turn.solution_from_payload({"solution": nudge.solution_id})
    turn.session.start(Flow.PLANNING, nudge=nudge.id, answers={})
    return [Reply(text=turn.say("plan_change", title=solution.title))]


async def answer_plan(turn: Turn) -> list[Reply]:
    data = turn.session.data
    nudge = await _own_nudge(turn, data.get("nudge"))
    answer = " ".join(turn.message.text.split())
    if not answer or len(answer) > MAX_ANSWER:
        return [Reply(text=turn.say("plan_empty"))]
    answers = data.setdefault("answers", {})
    answers[PLAN[len(answers)]] = answer
    if len(answers) < len(PLAN):
        return [Reply(text=turn.say(f"plan_{PLAN[len(answers)]}"))]
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
    turn.session.end()
    return [Reply(text=turn.say("plan_saved", days=rules.follow_up_days))]


async def report(turn: Turn) -> list[Reply]:
    nudge = await _own_nudge(turn, turn.message.payload.get("nudge"))
    turn.session.start(Flow.REPORTING, nudge=nudge.id)
    return [Reply(text=turn.say("report_prompt"))]


async def answer_report(turn: Turn) -> list[Reply]:
    nudge = await _own_nudge(turn, turn.session.data.get("nudge"))
    text = " ".join(turn.message.text.split())
    if not text or len(text) > MAX_ANSWER:
        return [Reply(text=turn.say("plan_empty"))]
    me = await turn.person()
    assert me is not None  # _own_nudge found the manager
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
    await _move_on(turn, nudge, organization, me.unit)
    await turn.store.nudges.upsert(replace(nudge, state=NudgeState.DONE))
    turn.session.end()
    place = f"{organization}, {me.unit}" if me.unit else organization
    line = turn.say("adaptation_line", place=place, text=text)
    return [Reply(text=turn.say("adaptation_saved", line=line))]


async def _move_on(turn: Turn, nudge: Nudge, organization: str, unit: str) -> None:
    """The unit's adoption goes one stage on; a unit with none is now piloting."""
    ours = [
        a
        for a in await turn.store.adoptions.all()
        if a.solution_id == nudge.solution_id and a.organization == organization
    ]
    now = turn.services.clock()
    if not ours:
        await turn.store.adoptions.upsert(
            Adoption(
                id=f"{nudge.solution_id}:{turn.message.user}",
                solution_id=nudge.solution_id,
                user=turn.message.user,
                organization=organization,
                unit=unit,
                user_name=turn.name,
                stage=Stage.PILOTING,
                updated_at=now,
            )
        )
    for adoption in ours:
        stage = NEXT_STAGE.get(adoption.stage, adoption.stage)
        await turn.store.adoptions.upsert(replace(adoption, stage=stage, updated_at=now))


async def dismiss(turn: Turn) -> list[Reply]:
    nudge = await _own_nudge(turn, turn.message.payload.get("nudge"))
    await turn.store.nudges.upsert(replace(nudge, state=NudgeState.DISMISSED))
    return [Reply(text=turn.say("nudge_dismissed"))]


async def snooze(turn: Turn) -> list[Reply]:
    nudge = await _own_nudge(turn, turn.message.payload.get("nudge"))
    later = turn.services.clock() + SNOOZE
    await turn.store.nudges.upsert(replace(nudge, state=NudgeState.SCHEDULED, due_at=later))
    await turn.store.outbox.delete(f"nudge-{nudge.id}")  # so the reminder is a new letter
    return [Reply(text=turn.say("nudge_snoozed"))]


async def opt_out(turn: Turn) -> list[Reply]:
    nudge = await _own_nudge(turn, turn.message.payload.get("nudge"))
    await turn.store.opt_outs.upsert(OptOut(manager_id=nudge.manager_id, at=turn.services.clock()))
    for pending in await turn.store.nudges.all():
        if pending.manager_id == nudge.manager_id and pending.state is NudgeState.SCHEDULED:
            await turn.store.nudges.upsert(replace(pending, state=NudgeState.DISMISSED))
    return [Reply(text=turn.say("opted_out"))]


async def opt_in(turn: Turn) -> list[Reply]:
    me = await turn.person()
    if me is not None:
        await turn.store.opt_outs.delete(me.id)
    return [Reply(text=turn.say("opted_in"))]
