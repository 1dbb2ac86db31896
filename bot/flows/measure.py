"""Local results: when a unit reports back on a solution it adopted (a manager's follow-up,
or "Vi bruger den nu"), Spred asks whether it measured the solution's own metric, before
and after, in its place. Three short answers, each checked by the rules `spred import`
holds a result to (numbers in Danish or English notation); a wrong answer is refused
plainly and the earlier ones are kept, in the session, across a restart. The figures are
kept on the unit's adoption (knowledge/evidence.py) and shown under the solution."""

from __future__ import annotations

from dataclasses import replace

from bot.cards import local_line
from bot.dialogues import END, STAY, Dialogue, State, Step, cancel
from bot.flows import draft
from bot.messages import Action, Reply
from bot.sessions import Flow
from bot.turn import Refusal, Turn
from knowledge.evidence import Measured, evidence_of, held, place_key
from knowledge.records import Adoption
from knowledge.solutions import Result, Solution, parse_result
from knowledge.validation import ValidationError

QUESTIONS = ("before", "after", "period")
MAX_ADOPTION_ID = 200


def offer(turn: Turn, adoption: Adoption, solution: Solution) -> Reply:
    """The question that follows a report back: did you measure? With its two buttons."""
    ref = {"adoption": adoption.id}
    return Reply(
        text=turn.say("measure_offer", metric=solution.key_result.metric),
        actions=(
            Action(id="measure", label=turn.say("act_measured"), payload=ref, style="primary"),
            Action(id="measure_skip", label=turn.say("act_not_measured"), payload=ref),
        ),
    )


async def _own_adoption(turn: Turn, adoption_id: object) -> tuple[Adoption, Solution]:
    """The adoption a button names, and its solution, if the person pressing it is of the
    adopting unit: the one who reported it, or someone the directory (or their platform)
    places in the same organisation and unit."""
    if not isinstance(adoption_id, str) or not adoption_id or len(adoption_id) > MAX_ADOPTION_ID:
        raise Refusal("unknown_action")
    adoption = await turn.store.adoptions.get(adoption_id)
    if adoption is None:
        raise Refusal("unknown_action")
    solution = await turn.solution_from_payload({"solution": adoption.solution_id})
    if adoption.user != turn.message.user:
        here = place_key(adoption.organization, adoption.unit)
        me = await turn.person()
        places = [(turn.message.organization, turn.message.unit)]
        if me is not None:
            places.append((me.organization, me.unit))
        if not any(org and place_key(org, unit) == here for org, unit in places):
            raise Refusal("not_your_adoption")
    return adoption, solution


async def _flow_adoption(turn: Turn) -> tuple[Adoption, Solution]:
    """The adoption the questions in progress are about; gone meanwhile, they end too."""
    try:
        return await _own_adoption(turn, turn.session.data.get("adoption"))
    except Refusal as refusal:
        refusal.ends = True
        raise


def _question(turn: Turn, name: str, solution: Solution) -> str:
    result = solution.key_result
    unit = turn.say("measure_unit", unit=result.unit) if result.unit else ""
    return turn.say(f"measure_{name}", metric=result.metric, unit=unit)


async def start(turn: Turn) -> Step:
    adoption, solution = await _own_adoption(turn, turn.message.payload.get("adoption"))
    reply = Reply(text=_question(turn, QUESTIONS[0], solution))
    return Step(replies=[reply], next=Flow.MEASURING, data={"adoption": adoption.id, "answers": {}})


async def skip(turn: Turn) -> Step:
    """ "Nej, ikke målt": nothing is kept; pressed during the questions, they end."""
    await _own_adoption(turn, turn.message.payload.get("adoption"))
    moving = turn.session.flow is Flow.MEASURING
    return Step(replies=[Reply(text=turn.say("measure_skipped"))], next=END if moving else STAY)


async def skip_outside(turn: Turn) -> list[Reply]:
    return (await skip(turn)).replies


async def answer(turn: Turn) -> Step:
    adoption, solution = await _flow_adoption(turn)
    answers = turn.session.data.setdefault("answers", {})
    name = QUESTIONS[len(answers)]
    try:
        value = draft.read(draft.BY_NAME[name], turn.message.text)
    except draft.Problem as problem:
        key = "measure_number_needed" if problem.key == "field_number" else problem.key
        again = _question(turn, name, solution)
        return Step(replies=[Reply(text=turn.say(key, **problem.values) + "\n" + again)], next=STAY)
    if value is None:  # a figure left out: a local result is a before and an after
        again = _question(turn, name, solution)
        text = turn.say("measure_number_needed") + "\n" + again
        return Step(replies=[Reply(text=text)], next=STAY)
    answers[name] = value
    if len(answers) < len(QUESTIONS):
        return Step(
            replies=[Reply(text=_question(turn, QUESTIONS[len(answers)], solution))], next=STAY
        )
    original = solution.key_result
    raw = {
        "metric": original.metric,
        "unit": original.unit,
        "before": answers["before"],
        "after": answers["after"],
        "period": answers["period"],
    }
    try:
        result = parse_result(raw, path="result")
    except ValidationError as exc:  # only a rule the single answers missed; start over
        turn.session.data["answers"] = {}
        said = turn.say("field_invalid", problem=exc.errors[0].message)
        return Step(
            replies=[Reply(text=said + "\n" + _question(turn, "before", solution))], next=STAY
        )
    stored = await _keep(turn, adoption, result)
    line = local_line(
        Measured(
            organization=stored.organization,
            unit=stored.unit,
            result=result,
            measured_at=stored.measured_at,
            held=False,
        ),
        turn.language,
    )
    text = turn.say("measure_saved", line=line)
    if held(original, result):
        found = await turn.store.adoptions.find(solution_id=solution.id)
        count = evidence_of(solution, found).repeated
        if count:
            text += turn.say(
                "measure_held",
                origin=solution.organization,
                count=count,
                places=turn.say("places_one" if count == 1 else "places_many"),
            )
    return Step(replies=[Reply(text=text)], next=END)


async def _keep(turn: Turn, adoption: Adoption, result: Result) -> Adoption:
    """The figures on the unit's adoption, as one step: a stage reported meanwhile stays."""
    now = turn.services.clock()

    def measured(current: Adoption | None) -> Adoption | None:
        if current is None:
            return None
        return replace(current, local_result=result.to_dict(), measured_at=now)

    stored = await turn.store.adoptions.update(adoption.id, measured)
    if stored is None:  # withdrawn or forgotten while the questions were answered
        raise Refusal("unknown_action", ends=True)
    return stored


MEASURING = Dialogue(
    name="measuring",
    entry_points={"measure": start},
    states={Flow.MEASURING: State(on_text=answer)},
    fallbacks={"cancel": cancel, "measure_skip": skip},
)
