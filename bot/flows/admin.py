"""Admins maintain the knowledge base by chat: add (a guided dialogue or a form), edit one
field, retire; and they see open demand and feedback. Rights come from `SPRED_ADMINS`, or
the organisation's local admins, and the verified sender only (bot/roles.py): a local
admin's new solutions are their organisation's, and another organisation's solutions,
people, questions and verdicts are out of their reach."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.cards import card
from bot.demand import most_asked
from bot.dialogues import END, STAY, Dialogue, State, Step
from bot.flows.draft import BY_NAME, FIELDS, Field, Problem, check, get, lacks_figure, put, shown
from bot.flows.fields import (
    PUBLISH_WORDS,
    ask_field,
    check_values,
    drafted,
    form,
    form_values,
    invalid,
    publish_solution,
)
from bot.messages import Action, Form, Reply
from bot.render_text import quoted
from bot.roles import Role
from bot.sessions import Flow
from bot.turn import Refusal, Turn
from knowledge.records import DemandStatus, Person
from knowledge.solutions import Solution
from knowledge.text import question_key
from knowledge.validation import ValidationError
from knowledge.versions import history, undone

FORM_ID = "add_solution"
LISTED = 20


# --- adding, one question at a time


async def start_adding(turn: Turn) -> Step:
    turn.require_reach()
    asked = _asked(turn)
    replies = [Reply(text=turn.say("add_start", count=len(asked))), ask_field(turn, asked[0])]
    return Step(replies=replies, next=Flow.ADDING, data={"step": 0, "draft": {}})


def _asked(turn: Turn) -> tuple[Field, ...]:
    """The fields an admin is asked: a local admin's solution is their organisation's, so
    they are not asked which organisation is behind it."""
    return tuple(f for f in FIELDS if not (f.name == "organization" and turn.role.own_name))


def _fixed(turn: Turn, draft: dict[str, Any]) -> None:
    """Fills in what the admin is not asked (their organisation's name)."""
    if own := turn.role.own_name:
        put(draft, BY_NAME["organization"].path, own)


def _still_admin(turn: Turn) -> None:
    """Rights can be withdrawn in the middle of a dialogue; the dialogue ends with them."""
    turn.require_reach(ends=True)


async def answer_adding(turn: Turn) -> Step:
    _still_admin(turn)
    data = turn.session.data
    step, draft = int(data.get("step", 0)), data.setdefault("draft", {})
    if step >= len(FIELDS):  # stored before reviewing was a state of its own
        return await answer_review(turn)
    field = FIELDS[step]
    try:
        value = check(field, draft, turn.message.text)
        put(draft, field.path, value)
        if field.name == "after" and lacks_figure(draft):
            data["step"] = FIELDS.index(BY_NAME["before"])
            return Step(replies=[Reply(text=turn.say("need_number"))], next=Flow.ADDING)
    except Problem as problem:
        said = Reply(text=turn.say(problem.key, **problem.values))
        return Step(replies=[said, ask_field(turn, field, draft)], next=Flow.ADDING)
    step += 1
    while step < len(FIELDS) and FIELDS[step] not in _asked(turn):
        _fixed(turn, draft)
        step += 1
    data["step"] = step
    if step < len(FIELDS):
        return Step(replies=[ask_field(turn, FIELDS[step], draft)], next=Flow.ADDING)
    return Step(replies=[await _preview(turn, draft)], next=Flow.REVIEWING)


async def answer_review(turn: Turn) -> Step:
    """Typed while the finished draft is shown: a word that publishes ("OK.", "Udgiv!"),
    else the preview again."""
    _still_admin(turn)
    draft = turn.session.data.get("draft", {})
    if question_key(turn.message.text) in PUBLISH_WORDS:
        return await publish(turn)
    return Step(replies=[await _preview(turn, draft)], next=Flow.REVIEWING)


async def _preview(turn: Turn, draft: dict[str, Any]) -> Reply:
    solution = await drafted(turn, draft)
    return Reply(
        text=turn.say("preview"),
        cards=(card(solution, language=turn.language, detailed=True, actions=False),),
        actions=(
            Action(id="publish", label=turn.say("act_publish"), style="primary"),
            Action(id="cancel", label=turn.say("act_cancel")),
        ),
    )


async def publish(turn: Turn) -> Step:
    _still_admin(turn)
    solution = await drafted(turn, turn.session.data.get("draft", {}))
    turn.require_own_solution(solution, ends=True)
    await publish_solution(turn, solution)
    text = turn.say("published", title=solution.title, id=solution.id)
    return Step(replies=[Reply(text=text)], next=END)


# --- adding with a form (Slack modal, Teams card)


async def open_form(turn: Turn) -> list[Reply]:
    turn.require_reach()
    return [Reply(form=_form(turn, values={}, errors={}))]


def _form(turn: Turn, *, values: dict[str, str], errors: dict[str, str]) -> Form:
    title = turn.say("form_add_title")
    return form(
        turn, form_id=FORM_ID, title=title, fields=_asked(turn), values=values, errors=errors
    )


async def submit_form(turn: Turn) -> Step:
    turn.require_reach()
    values = form_values(turn, _asked(turn))  # a value sent for a field not asked is not taken
    draft: dict[str, Any] = {}
    _fixed(turn, draft)
    errors = check_values(turn, _asked(turn), values, draft)
    if errors:  # the form again, with what was wrong: the dialogue is where it was
        return Step(replies=[Reply(form=_form(turn, values=values, errors=errors))], next=STAY)
    preview = await _preview(turn, draft)
    return Step(replies=[preview], next=Flow.REVIEWING, data={"step": len(FIELDS), "draft": draft})


# --- editing and retiring


async def start_editing(turn: Turn) -> Step:
    """ "ret <id> <felt>": the field's value now, and the question for the new one."""
    turn.require_reach()
    solution_id, _, field_name = turn.argument.strip().partition(" ")
    solution = await turn.store.solutions.get(solution_id)
    if solution is None:
        text = turn.say("edit_no_solution", id=solution_id[:80])
        return Step(replies=[Reply(text=text)], next=STAY)
    turn.require_own_solution(solution)
    field = BY_NAME.get(field_name.strip().lower())
    if field is None:
        text = turn.say("edit_usage", fields=", ".join(f.named(turn.language) for f in FIELDS))
        return Step(replies=[Reply(text=text)], next=STAY)
    current = shown(get(solution.to_dict(), field.path), turn.language)
    text = turn.say("edit_prompt", field=field.named(turn.language), value=current)
    data = {"solution": solution.id, "field": field.name}
    return Step(replies=[Reply(text=text)], next=Flow.EDITING, data=data)


async def answer_editing(turn: Turn) -> Step:
    _still_admin(turn)
    data = turn.session.data
    solution = await turn.store.solutions.get(str(data.get("solution")))
    field = BY_NAME.get(str(data.get("field")))
    if solution is None or field is None:
        raise Refusal("solution_gone", ends=True)
    turn.require_own_solution(solution, ends=True)
    raw = solution.to_dict()
    try:
        put(raw, field.path, check(field, raw, turn.message.text))
        edited = Solution.from_dict(raw)
    except Problem as problem:
        return Step(
            replies=[Reply(text=turn.say(problem.key, **problem.values))], next=Flow.EDITING
        )
    except ValidationError as exc:
        raise invalid(turn, exc) from None
    if not turn.role.owns(edited.organization):  # the dialogue stays for another value
        raise Refusal("keeps_organisation", own=turn.role.own_name)
    await publish_solution(turn, edited, action="edit")
    text = turn.say("edited", title=edited.title, field=field.named(turn.language))
    return Step(replies=[Reply(text=text)], next=END)


ADDING = Dialogue(
    name="adding",
    entry_points={"add": start_adding, FORM_ID: submit_form},
    states={
        Flow.ADDING: State(on_text=answer_adding),
        Flow.REVIEWING: State(on_text=answer_review, actions={"publish": publish}),
    },
    out_of_state="nothing_to_publish",
)

EDITING = Dialogue(
    name="editing",
    entry_points={"edit": start_editing},
    states={Flow.EDITING: State(on_text=answer_editing)},
)


async def retire(turn: Turn) -> list[Reply]:
    """ "fjern <id>": hidden from answers, kept in the store."""
    turn.require_reach()
    solution_id = turn.argument.strip()
    solution = await turn.store.solutions.get(solution_id)
    if solution is not None:
        turn.require_own_solution(solution)
    retired = (
        await turn.kb.retire(solution_id, by=turn.message.user, at=turn.services.clock())
        if solution is not None
        else None
    )
    if retired is None:
        return [Reply(text=turn.say("edit_no_solution", id=solution_id[:80]))]
    return [Reply(text=turn.say("retired", title=retired.title))]


async def undo_change(turn: Turn) -> list[Reply]:
    """ "fortryd <id>": the solution as it was before its latest change; the undoing is
    kept as a change too, so it can be undone in turn."""
    turn.require_reach()
    solution_id = turn.argument.strip()
    solution = await turn.store.solutions.get(solution_id)
    if solution is None:
        return [Reply(text=turn.say("edit_no_solution", id=solution_id[:80]))]
    turn.require_own_solution(solution)
    restored = undone(await history(turn.store, solution_id))
    if restored is None:
        return [Reply(text=turn.say("undo_nothing", title=solution.title, id=solution.id))]
    turn.require_own_solution(restored)  # as it was, too, it must be the local admin's own
    await publish_solution(turn, restored, action="undo")
    return [Reply(text=turn.say("undone", title=restored.title, id=restored.id))]


# --- the people directory


async def set_manager(turn: Turn, who: str, boss: str) -> list[Reply]:
    """ "sæt Annas leder til Bo" / "set Anna's manager to Bo", checked as an import is. A
    local admin finds only their own organisation's people: anyone else is "not one of
    yours", whether or not the directory holds them elsewhere."""
    role = turn.require_reach()
    people = await _people_in_reach(turn, role)
    person = _the_one(people, who, role.own_name)
    manager = _the_one(people, boss, role.own_name)
    if person.id == manager.id:
        return [Reply(text=turn.say("own_manager", person=person.name))]
    await turn.store.people.upsert(replace(person, manager_id=manager.id))
    return [Reply(text=turn.say("manager_set", person=person.name, manager=manager.name))]


async def _people_in_reach(turn: Turn, role: Role) -> list[Person]:
    """The directory entries an admin may change: a local admin's organisation's, asked of
    the store by its name; every one for a global admin (a name is looked for in all)."""
    if role.global_admin:
        return await turn.store.people.all()
    assert role.organisation is not None  # a local admin's (require_reach)
    return await turn.services.organisations.people_of(role.organisation)


def _the_one(people: list[Person], name: str, own: str = "") -> Person:
    found = named(people, name)
    if len(found) == 1:
        return found[0]
    if not found:
        raise Refusal(
            "not_your_person" if own else "nobody_called", name=name.strip()[:80], own=own
        )
    listed = ", ".join(f"{p.name} ({p.id})" for p in found[:5])
    raise Refusal("several_called", name=name.strip()[:80], people=listed)


def named(people: list[Person], name: str) -> list[Person]:
    """Who a name (or a possessive "Annas", "Anna's", or a first name, or an id) means:
    the first reading that finds anyone."""
    wanted = name.strip().casefold()
    for candidate in (wanted, wanted.removesuffix("'s"), wanted.removesuffix("s")):
        exact = [p for p in people if candidate in (p.name.casefold(), p.id.casefold())]
        if exact:
            return exact
        first = [p for p in people if p.name.casefold().split()[:1] == [candidate]]
        if first:
            return first
    return []


# --- what admins watch


def _made_in(role: Role) -> dict[str, str]:
    """The condition on a record's `org_id` that keeps to what an admin sees (`Role.sees`):
    none for a global admin, their organisation's for a local one."""
    if role.global_admin:
        return {}
    assert role.organisation is not None  # a local admin's (require_admin)
    return {"org_id": role.organisation.id}


async def demand(turn: Turn) -> list[Reply]:
    role = turn.require_admin()
    ranked = most_asked(
        await turn.store.demand.find(limit=None, status=DemandStatus.OPEN, **_made_in(role))
    )
    if not ranked:
        return [Reply(text=turn.say("demand_none"))]
    lines = [turn.say("demand_list")]
    for asked in ranked[:LISTED]:
        line = turn.say("demand_line", count=asked.count, question=quoted(asked.question))
        lines.append(line + (turn.say("demand_near_miss") if asked.near_miss else ""))
    return [Reply(text="\n".join(lines))]


async def feedback(turn: Turn) -> list[Reply]:
    role = turn.require_admin()
    found = await turn.store.feedback.find(limit=None, kind="answer", **_made_in(role))
    items = sorted(found, key=lambda f: f.created_at, reverse=True)
    if not items:
        return [Reply(text=turn.say("feedback_none"))]
    helpful = sum(f.helpful for f in items)
    lines = [turn.say("feedback_list", helpful=helpful, unhelpful=len(items) - helpful)]
    for f in items[:LISTED]:
        solution = await turn.store.solutions.get(f.solution_id) if f.solution_id else None
        lines.append(
            turn.say(
                "feedback_line",
                mark="+" if f.helpful else "–",
                question=quoted(f.question),
                title=solution.title if solution else "–",
            )
        )
    return [Reply(text="\n".join(lines))]
