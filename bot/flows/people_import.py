"""An admin imports people by chat: a form with one field where they paste CSV, read and
checked as `spred import-people` reads a CSV file (knowledge/transfer.py, knowledge/people.py),
then kept all or nothing. Who may place whom is bot/roles.py's rule (`Role.placed`): a local
admin's people are their own organisation's, and nobody of another organisation is added,
moved or given as a manager. A refused paste comes back in the form with what was wrong, so
nothing typed is lost.
"""

from __future__ import annotations

import re
from dataclasses import replace

from bot.messages import Form, FormField, Reply
from bot.turn import Refusal, Turn
from knowledge.people import PERSON_FIELDS, parse_people
from knowledge.records import Person
from knowledge.store import StoreError
from knowledge.transfer import ImportFileError, parse_csv
from knowledge.validation import FieldError

FORM_ID = "people_import"
FIELD = "people"
MAX_LINES = 2000  # a large municipality's unit at a time; a whole one goes by the CLI
MAX_BYTES = 200 * 1024
SHOWN_ERRORS = 12  # a form's field shows this many problems, then how many more
# "linje[3].name" as parse_people names an entry's field (`path` is "linje")
_ERROR_PATH = re.compile(r"linje\[(\d+)\](?:\.(\w+))?")
# The columns said in the form, in the order a sheet usually has them.
COLUMNS = ("id", "name", "email", "organization", "unit", "role", "manager_id")
assert set(COLUMNS) <= PERSON_FIELDS


async def open_form(turn: Turn) -> list[Reply]:
    """ "importér folk" / "import people": the form to paste into."""
    turn.require_reach()
    return [Reply(form=_form(turn))]


def _form(turn: Turn, *, value: str = "", error: str = "") -> Form:
    others = ", ".join(sorted(PERSON_FIELDS - set(COLUMNS)))
    return Form(
        id=FORM_ID,
        title=turn.say("people_form_title"),
        submit=turn.say("people_form_submit"),
        fields=(
            FormField(
                name=FIELD,
                label=turn.say("people_form_label"),
                hint=turn.say("people_form_hint", columns=",".join(COLUMNS), others=others),
                value=value,
                multiline=True,
                error=error,
            ),
        ),
    )


async def submit_form(turn: Turn) -> list[Reply]:
    """The pasted people, kept if every line is fine; else the form again, with the paste
    and, on its field, each line's problem."""
    role = turn.require_reach()
    values = turn.message.payload.get("values")
    pasted = values.get(FIELD) if isinstance(values, dict) else None
    if not isinstance(pasted, str):  # a form of another version, or a forged one
        raise Refusal("unknown_action")
    if len(pasted) > MAX_BYTES or len(pasted.encode("utf-8", "replace")) > MAX_BYTES:
        too = turn.say("people_too_big", lines=MAX_LINES, kb=MAX_BYTES // 1024)
        return [Reply(form=_form(turn, value=pasted[:MAX_BYTES], error=too))]
    lines = [line for line in pasted.splitlines() if line.strip()]
    if len(lines) > MAX_LINES + 1:  # and the header
        too = turn.say("people_too_big", lines=MAX_LINES, kb=MAX_BYTES // 1024)
        return [Reply(form=_form(turn, value=pasted, error=too))]
    if len(lines) < 2:
        return [Reply(form=_form(turn, value=pasted, error=turn.say("people_empty")))]
    try:
        # Blank lines dropped, so a line number said is the line's in the paste as the
        # admin sees it without them (the header is line 1).
        raws: list[object] = list(parse_csv("\n".join(lines).encode(), name="CSV"))
    except ImportFileError as exc:
        return [
            Reply(form=_form(turn, value=pasted, error=turn.say("people_unreadable", problem=exc)))
        ]
    problems, people = await _checked(turn, raws)
    if problems:
        return [Reply(form=_form(turn, value=pasted, error=_said(turn, problems)))]
    known = {p.id for p in people if await turn.store.people.get(p.id) is not None}
    try:
        await turn.store.people.upsert_many(people)
    except StoreError as exc:
        problem = turn.say("people_not_saved", problem=exc)
        return [Reply(form=_form(turn, value=pasted, error=problem))]
    where = role.own_name or turn.say("people_everywhere")
    added, updated = len(people) - len(known), len(known)
    return [Reply(text=turn.say("people_imported", added=added, updated=updated, where=where))]


async def _checked(turn: Turn, raws: list[object]) -> tuple[list[str], list[Person]]:
    """Every problem, by line, and the people as they would be kept (placed in the admin's
    organisation). Keyed look-ups only: one per id, e-mail and manager named."""
    role = turn.role
    store = turn.store
    managers = {r.get("manager_id") for r in raws if isinstance(r, dict)}
    known = [m for m in managers if isinstance(m, str) and await store.people.get(m.strip())]
    batch = parse_people(raws, known=[m.strip() for m in known], path="linje")
    problems = [_line_problem(turn, e) for e in batch.errors]
    if batch.ignored:
        problems.append(turn.say("people_ignored", fields=", ".join(sorted(batch.ignored))))
    by_id = {p.id for p in batch.people}
    placed: list[Person] = []
    for line, person in _numbered(raws, batch.people).items():
        organization = role.placed(person.organization)
        if organization is None:
            problems.append(
                turn.say(
                    "people_other_org",
                    line=line,
                    organization=person.organization[:80],
                    own=role.own_name,
                )
            )
            continue
        person = replace(person, organization=organization)
        for existing in (await store.people.get(person.id), await _by_email(turn, person)):
            if existing is not None and not role.owns(existing.organization):
                problems.append(turn.say("people_someone_elses", line=line, own=role.own_name))
                break
        if person.manager_id and person.manager_id not in by_id:
            manager = await store.people.get(person.manager_id)
            if manager is None or not role.owns(manager.organization):
                problems.append(
                    turn.say(
                        "people_manager_elsewhere",
                        line=line,
                        manager=person.manager_id[:80],
                        own=role.own_name,
                    )
                )
        placed.append(person)
    return problems, placed


def _numbered(raws: list[object], people: list[Person]) -> dict[int, Person]:
    """Each valid person by the line it came from (the header is line 1)."""
    ids = [str(r.get("id", "")).strip() if isinstance(r, dict) else "" for r in raws]
    first: dict[str, int] = {}
    for i, person_id in enumerate(ids):
        first.setdefault(person_id, i + 2)
    return {first[p.id]: p for p in people}


async def _by_email(turn: Turn, person: Person) -> Person | None:
    return await turn.services.person_for("", "", person.email) if person.email else None


def _line_problem(turn: Turn, error: FieldError) -> str:
    match = _ERROR_PATH.fullmatch(error.path)
    if match is None:
        return str(error)
    line, column = int(match.group(1)) + 2, match.group(2) or ""
    return turn.say("people_line", line=line, column=column or "–", problem=error.message)


def _said(turn: Turn, problems: list[str]) -> str:
    shown = problems[:SHOWN_ERRORS]
    if len(problems) > SHOWN_ERRORS:
        shown.append(turn.say("people_more", count=len(problems) - SHOWN_ERRORS))
    return "\n".join([turn.say("people_refused"), *shown])
