"""The owner's answers to the yearly question (bot/confirmations.py), one solution at a time:

- *Ja, stadig* confirms the results today (bot/flows/confirm.py).
- *Opdater tallene* asks the result's fields anew (metric, before, after, unit, period,
  source), each checked as `spred import` checks it (bot/flows/draft.py), each kept as it
  is with *Behold*; the new result is shown, and saved as a change (`update`) that also
  confirms it today.
- *Bruges ikke længere* asks once more, then retires the solution (kept in the store, out of
  answers) and tells everyone who reported trying or using it, in their language.

Only the owner, or an admin who may change the solution, may answer. The buttons carry the
confirmed day they asked about: a press after the question was answered (by anyone), on a
retired solution or on one that is gone is told so plainly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from bot.cards import USING, card
from bot.dialogues import END, Dialogue, State, Step
from bot.flows import draft
from bot.flows.confirm import confirm_today, require_owner
from bot.flows.fields import PUBLISH_WORDS, ask_field, invalid, publish_solution
from bot.i18n import month_year, say
from bot.messages import Action, Notice, Reply
from bot.nudges import address_of
from bot.sessions import Flow, spoken_by
from bot.turn import Refusal, Turn
from knowledge.solutions import Solution, is_solution_id
from knowledge.store.query import OneOf
from knowledge.text import question_key
from knowledge.validation import ValidationError

# The result's fields, in the order they are asked (the first result: the one a card shows).
FIELDS = tuple(
    draft.BY_NAME[name] for name in ("metric", "before", "after", "result_unit", "period", "source")
)
KEEP_WORDS = {"behold", "keep", "samme", "same"}  # typed instead of pressing *Behold*


async def _asked_about(turn: Turn, ref: Mapping[str, Any], *, ends: bool = False) -> Solution:
    """The solution a question names, if it is still the question asked and the sender may
    answer it; refuses plainly anything else."""
    solution_id, asked = ref.get("solution"), ref.get("confirmed", "")
    if not is_solution_id(solution_id) or not isinstance(asked, str) or len(asked) > 10:
        raise Refusal("unknown_action", ends=ends)
    solution = await turn.store.solutions.get(solution_id)
    if solution is None:
        raise Refusal("solution_gone", ends=ends)
    await require_owner(turn, solution, ends=ends)
    if solution.retired:
        raise Refusal("owner_asked_retired", ends=ends, title=solution.title)
    confirmed = solution.confirmed.isoformat() if solution.confirmed else ""
    if confirmed != asked:
        if solution.confirmed is None:  # undone to before Spred kept the day
            raise Refusal("unknown_action", ends=ends)
        when = month_year(turn.language, solution.confirmed)
        raise Refusal("owner_asked_answered", ends=ends, title=solution.title, **when)
    return solution


def _ref(data: Mapping[str, Any]) -> dict[str, Any]:
    return {"solution": data.get("solution"), "confirmed": data.get("confirmed", "")}


# --- Ja, stadig


async def still_true(turn: Turn) -> list[Reply]:
    solution = await _asked_about(turn, turn.message.payload)
    await confirm_today(turn, solution)
    return [Reply(text=turn.say("confirmed_now", title=solution.title))]


# --- Opdater tallene


def _question(turn: Turn, step: int, data: Mapping[str, Any]) -> Reply:
    """A field's question with its value now, and *Behold* to keep it."""
    field = FIELDS[step]
    asked = ask_field(turn, field, data.get("draft"))
    now = draft.shown(draft.get(data.get("draft", {}), field.path), turn.language)
    text = asked.text + "\n" + turn.say("figures_now", value=now)
    keep = Action(id="figures_keep", label=turn.say("act_keep"))
    return Reply(text=text, actions=(keep,))


async def start_update(turn: Turn) -> Step:
    solution = await _asked_about(turn, turn.message.payload)
    data = {
        **_ref(turn.message.payload),
        "step": 0,
        "draft": {"results": [solution.results[0].to_dict()]},
    }
    start = Reply(text=turn.say("figures_start", title=solution.title, count=len(FIELDS)))
    return Step(replies=[start, _question(turn, 0, data)], next=Flow.FIGURES, data=data)


async def answer_field(turn: Turn) -> Step:
    keep = question_key(turn.message.text) in KEEP_WORDS
    return await _next(turn, keep=keep)


async def keep_field(turn: Turn) -> Step:
    return await _next(turn, keep=True)


async def _next(turn: Turn, *, keep: bool) -> Step:
    data = turn.session.data
    solution = await _asked_about(turn, _ref(data), ends=True)
    step, figures = int(data.get("step", 0)), data.setdefault("draft", {})
    field = FIELDS[step]
    if not keep:
        try:
            draft.put(figures, field.path, draft.check(field, figures, turn.message.text))
        except draft.Problem as problem:
            said = Reply(text=turn.say(problem.key, **problem.values))
            return Step(replies=[said, _question(turn, step, data)], next=Flow.FIGURES)
    if field.name == "after" and draft.lacks_figure(figures):
        data["step"] = FIELDS.index(draft.BY_NAME["before"])
        again = _question(turn, data["step"], data)
        return Step(replies=[Reply(text=turn.say("need_number")), again], next=Flow.FIGURES)
    data["step"] = step + 1
    if data["step"] < len(FIELDS):
        return Step(replies=[_question(turn, data["step"], data)], next=Flow.FIGURES)
    return Step(
        replies=[_preview(turn, _updated(turn, solution, figures))], next=Flow.FIGURES_CHECK
    )


def _updated(turn: Turn, solution: Solution, figures: Mapping[str, Any]) -> Solution:
    """The solution with the new first result, validated as an import is."""
    raw = solution.to_dict()
    raw["results"][0] = dict(figures["results"][0])
    try:
        return Solution.from_dict(raw)
    except ValidationError as exc:
        raise invalid(turn, exc) from None


def _preview(turn: Turn, solution: Solution) -> Reply:
    return Reply(
        text=turn.say("figures_preview"),
        cards=(card(solution, language=turn.language, actions=False),),
        actions=(
            Action(id="figures_save", label=turn.say("act_save_figures"), style="primary"),
            Action(id="cancel", label=turn.say("act_cancel")),
        ),
    )


async def answer_check(turn: Turn) -> Step:
    """Typed while the new result is shown: a word that saves ("ok", "gem"), else it again."""
    if question_key(turn.message.text) in PUBLISH_WORDS | {"gem", "save"}:
        return await save(turn)
    data = turn.session.data
    solution = await _asked_about(turn, _ref(data), ends=True)
    return Step(
        replies=[_preview(turn, _updated(turn, solution, data.get("draft", {})))],
        next=Flow.FIGURES_CHECK,
    )


async def save(turn: Turn) -> Step:
    data = turn.session.data
    solution = await _asked_about(turn, _ref(data), ends=True)
    updated = _updated(turn, solution, data.get("draft", {}))
    # The owner giving the figures anew is their saying they hold as of today.
    await publish_solution(
        turn, replace(updated, confirmed=turn.services.clock().date()), action="update"
    )
    return Step(replies=[Reply(text=turn.say("figures_saved", title=solution.title))], next=END)


FIGURES = Dialogue(
    name="figures",
    entry_points={"owner_update": start_update},
    states={
        Flow.FIGURES: State(on_text=answer_field, actions={"figures_keep": keep_field}),
        Flow.FIGURES_CHECK: State(on_text=answer_check, actions={"figures_save": save}),
    },
    out_of_state="figures_nothing",
)


# --- Bruges ikke længere


async def ask_retire(turn: Turn) -> list[Reply]:
    solution = await _asked_about(turn, turn.message.payload)
    ref = _ref(turn.message.payload)
    return [
        Reply(
            text=turn.say("owner_retire_ask", title=solution.title),
            actions=(
                Action(
                    id="owner_retire_yes",
                    label=turn.say("act_retire_yes"),
                    payload=ref,
                    style="danger",
                ),
                Action(id="owner_retire_no", label=turn.say("act_retire_no"), payload=ref),
            ),
        )
    ]


async def retire(turn: Turn) -> list[Reply]:
    solution = await _asked_about(turn, turn.message.payload)
    at = turn.services.clock()
    retired = await turn.kb.retire(solution.id, by=turn.message.user, at=at)
    if retired is None:
        raise Refusal("solution_gone")
    told = await _tell_adopters(turn, retired, at=at)
    text = turn.say("owner_retired", title=solution.title)
    if told:
        text += turn.say("owner_retired_told", count=told)
    return [Reply(text=text)]


async def keep(turn: Turn) -> list[Reply]:
    solution = await _asked_about(turn, turn.message.payload)
    return [Reply(text=turn.say("owner_kept", title=solution.title))]


async def _tell_adopters(turn: Turn, solution: Solution, *, at: datetime) -> int:
    """Tells each person who reported trying or using the solution (an adoption, or what
    a person in the directory did) that it is no longer used; how many were told."""
    store = turn.store
    using = OneOf.of(USING)
    adopters = [
        a.user
        for a in await store.adoptions.find(limit=None, solution_id=solution.id)
        if a.stage in USING and a.user
    ]
    for interest in await store.interests.find(limit=None, solution_id=solution.id, did=using):
        person = await store.people.get(interest.person_id)
        if person is not None:
            adopters.append(address_of(person))
    owner = solution.owner_contact.name
    told = 0
    for to in dict.fromkeys(adopters):
        if to == turn.message.user:
            continue  # the one retiring it knows
        language = await spoken_by(store, to) or turn.services.settings.language
        text = say(
            language, "retired_notice", title=solution.title, owner=owner,
            organization=solution.organization,
        )  # fmt: skip
        await turn.services.outbox.send(
            Notice(to=to, kind="retired", reply=Reply(text=text, language=language)),
            letter_id=f"retired:{solution.id}:{to}:{at.isoformat()}",
        )
        told += 1
    return told
