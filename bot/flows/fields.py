"""What the admin's add (bot/flows/admin.py), a practitioner's share (bot/flows/share.py) and
an editor's review (bot/flows/review.py) do alike with a draft of a solution: ask for a field,
read a form's answers, turn a finished draft into a solution and publish it.

A form's answers are checked one by one by the same `check` the chat applies to each answer
(bot/flows/draft.py), so a form can never accept what the chat would refuse; what is wrong is
said on its field, and the values come back as typed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from bot.demand import answer_demand
from bot.flows.draft import Field, Problem, check, finish, lacks_figure, put, slugs, unfit_fields
from bot.messages import Form, FormField, Reply
from bot.turn import Refusal, Services, Turn
from knowledge.solutions import Solution
from knowledge.store import Store, StoreError
from knowledge.validation import ValidationError

PUBLISH_WORDS = {"udgiv", "publish", "ja", "yes", "ok"}


def ask_field(turn: Turn, field: Field, draft: Mapping[str, Any] | None = None) -> Reply:
    """A field's question, saying whether it may be skipped: before and after each may be,
    but not both, and the question says so before anyone tries."""
    if field.required:
        note = ""
    elif field.name == "before":
        note = turn.say("optional_figure")
    elif field.name == "after" and lacks_figure(draft or {}):
        note = turn.say("figure_required")
    else:
        note = turn.say("optional")
    return Reply(text=f"{field.question(turn.language)} {note}".rstrip())


def invalid(turn: Turn, exc: ValidationError) -> Refusal:
    """What a whole draft lacks, said as the fields' questions."""
    return unfit(exc, turn.language)


def unfit(exc: ValidationError, language: str) -> Refusal:
    """`invalid`, in `language`."""
    lines = (f"• {question}" for question in unfit_fields(exc, language))
    return Refusal("draft_invalid", problems="\n".join(lines))


async def drafted(turn: Turn, draft: Mapping[str, Any]) -> Solution:
    """The solution a finished draft (as import reads it) describes, with the free id it
    will be published as; refuses, naming the fields, what import would refuse."""
    return await solution_of(turn.store, draft, language=turn.language)


async def solution_of(store: Store, draft: Mapping[str, Any], *, language: str) -> Solution:
    """`drafted`, for a caller without a turn (an editor on the web, bot/flows/review.py)."""
    # The first free id its title gives: one look-up, as a new title's is free (never a
    # read of every id, which would grow with the knowledge base on every preview).
    for solution_id in slugs(str(draft.get("title", ""))):
        if await store.solutions.get(solution_id) is None:
            break
    try:
        return finish(draft, solution_id=solution_id, language=language)
    except ValidationError as exc:
        raise unfit(exc, language) from None


async def publish_solution(turn: Turn, solution: Solution, *, action: str = "publish") -> None:
    """Publishes, keeping the version it replaces; if the store fails, the refusal keeps the
    dialogue (and the draft or the new value in it) for another try."""
    await publish_as(turn.services, solution, by=turn.message.user, action=action)


async def publish_as(
    services: Services, solution: Solution, *, by: str, action: str = "publish"
) -> None:
    """`publish_solution` by `by` (a platform-qualified user), for a caller without a turn."""
    try:
        await services.kb.publish([solution], by=by, at=services.clock(), action=action)
    except StoreError as exc:
        raise Refusal("publish_failed", problem=exc) from None
    await answer_demand(kb=services.kb, outbox=services.outbox)


def form(
    turn: Turn,
    *,
    form_id: str,
    title: str,
    fields: Iterable[Field],
    values: Mapping[str, str],
    errors: Mapping[str, str],
    optional: frozenset[str] = frozenset(),
    hints: Mapping[str, str] | None = None,
) -> Form:
    """The form for `fields`: each labelled with its chat question, filled in with `values`
    and carrying its error, if any. `optional` names required fields this person may leave
    empty (their own e-mail, when Spred reaches them where they wrote from)."""
    hints = hints or {}
    return Form(
        id=form_id,
        title=title,
        submit=turn.say("form_submit"),
        fields=tuple(
            FormField(
                name=f.name,
                label=f.question(turn.language),
                hint=hints.get(f.name, turn.say("figure_hint") if f.kind == "number" else ""),
                required=f.required and f.name not in optional,
                multiline=f.kind == "long",
                value=values.get(f.name, ""),
                error=errors.get(f.name, ""),
            )
            for f in fields
        ),
    )


def form_values(turn: Turn, fields: Iterable[Field]) -> dict[str, str]:
    """The values a form came back with, for the fields it asked: anything else sent is not
    taken, and a value that is not text counts as empty. A submission without values (not
    one of Spred's forms, or a forged one) is refused plainly."""
    raw = turn.message.payload.get("values")
    if not isinstance(raw, Mapping):
        raise Refusal("form_unreadable")
    typed = {f.name: raw.get(f.name) for f in fields}
    return {name: value if isinstance(value, str) else "" for name, value in typed.items()}


def check_values(
    turn: Turn, fields: Iterable[Field], values: Mapping[str, str], draft: dict[str, Any]
) -> dict[str, str]:
    """Puts each value in the draft as the chat puts an answer, checked the same way; the
    problems by field name, in the person's words. A result needs a figure, before or
    after: said on `before`, unless one of the two is wrong already."""
    errors: dict[str, str] = {}
    names = set()
    for field in fields:
        names.add(field.name)
        try:
            put(draft, field.path, check(field, draft, values.get(field.name, "")))
        except Problem as problem:
            errors[field.name] = turn.say(problem.key, **problem.values)
    figures = {"before", "after"}
    if figures <= names and not figures & errors.keys() and lacks_figure(draft):
        errors["before"] = turn.say("need_number_form")
    return errors
