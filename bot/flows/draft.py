"""The fields an admin fills in to add or edit a solution, and how each answer is checked.

One list serves the guided chat dialogue, the one-field edit and the platforms' forms. Each
answer is checked by the same rules `spred import` applies (knowledge.solutions), on a draft
completed with harmless stand-ins, so the chat can never accept what an import would refuse.
"""

from __future__ import annotations

import copy
import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from knowledge import solutions as rules
from knowledge.solutions import Solution, parse_solution
from knowledge.text import fold
from knowledge.typed import danish_number
from knowledge.validation import FieldError, ValidationError

Path = tuple[str | int, ...]

STATUS_WORDS = {
    "pilot": "pilot",
    "afprøvet": "proven",
    "afproevet": "proven",
    "proven": "proven",
    "udbredt": "scaled",
    "scaled": "scaled",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Field:
    name: str  # in forms and in "edit <id> <field>"
    aliases: tuple[str, ...]  # the Danish names an admin may type
    label: tuple[str, str]  # Danish, English
    path: Path
    kind: str = "text"  # text, long, number, email, list, status
    required: bool = False
    max_len: int = 200

    def question(self, language: str) -> str:
        return self.label[1] if language == "en" else self.label[0]


FIELDS: tuple[Field, ...] = (
    Field(
        name="title",
        aliases=("titel",),
        label=("Titel – hvad hedder løsningen?", "Title – what is the solution called?"),
        path=("title",),
        required=True,
        max_len=rules.MAX_TITLE,
    ),
    Field(
        name="summary",
        aliases=("resume", "resumé", "opsummering"),
        label=(
            "Kort resumé – hvad gør løsningen, i én til to sætninger?",
            "Summary – what does the solution do, in one or two sentences?",
        ),
        path=("summary",),
        kind="long",
        required=True,
        max_len=rules.MAX_SUMMARY,
    ),
    Field(
        name="problem",
        aliases=(),
        label=("Hvilket problem løser den?", "Which problem does it solve?"),
        path=("problem",),
        kind="long",
        max_len=rules.MAX_PROBLEM,
    ),
    Field(
        name="organization",
        aliases=("organisation",),
        label=("Hvilken organisation står bag?", "Which organisation is behind it?"),
        path=("organization",),
        required=True,
    ),
    Field(
        name="unit",
        aliases=("enhed", "afdeling"),
        label=("Hvilken enhed eller afdeling?", "Which unit or department?"),
        path=("unit",),
    ),
    Field(
        name="metric",
        aliases=("resultat", "maal", "mål"),
        label=(
            "Hvad blev målt? Fx: ventetid på første besøg",
            "What was measured? E.g.: waiting time for the first visit",
        ),
        path=("results", 0, "metric"),
        required=True,
    ),
    Field(
        name="before",
        aliases=("foer", "før"),
        label=("Tallet før (kun tallet)", "The figure before (the number only)"),
        path=("results", 0, "before"),
        kind="number",
    ),
    Field(
        name="after",
        aliases=("efter",),
        label=("Tallet efter (kun tallet)", "The figure after (the number only)"),
        path=("results", 0, "after"),
        kind="number",
    ),
    Field(
        name="result_unit",
        aliases=("enhed_resultat", "maaleenhed", "måleenhed"),
        label=("Måleenhed, fx dage, timer eller %", "Unit, e.g. days, hours or %"),
        path=("results", 0, "unit"),
        max_len=50,
    ),
    Field(
        name="period",
        aliases=("periode",),
        label=("Over hvilken periode? Fx 2023–2024", "Over which period? E.g. 2023–2024"),
        path=("results", 0, "period"),
        max_len=100,
    ),
    Field(
        name="contact",
        aliases=("kontakt", "kontaktperson"),
        label=(
            "Kontaktperson – hvem byggede den og kan fortælle om den?",
            "Contact – who built it and can tell others about it?",
        ),
        path=("contacts", 0, "name"),
        required=True,
    ),
    Field(
        name="email",
        aliases=("mail", "e-mail"),
        label=("Kontaktpersonens e-mail", "The contact's email"),
        path=("contacts", 0, "email"),
        kind="email",
        required=True,
        max_len=254,
    ),
    Field(
        name="role",
        aliases=("rolle", "stilling"),
        label=("Kontaktpersonens rolle, fx sygeplejerske", "The contact's role, e.g. nurse"),
        path=("contacts", 0, "role"),
    ),
    Field(
        name="status",
        aliases=(),
        label=("Status: pilot, afprøvet eller udbredt?", "Status: pilot, proven or scaled?"),
        path=("status",),
        kind="status",
    ),
    Field(
        name="tags",
        aliases=("emneord", "stikord"),
        label=("Emneord, adskilt af komma", "Tags, separated by commas"),
        path=("tags",),
        kind="list",
        max_len=rules.MAX_LABEL,
    ),
)

BY_NAME = {name: f for f in FIELDS for name in (f.name, *f.aliases)}

# Stand-ins for what is not answered yet, so one answer can be checked alone.
_COMPLETE: dict[str, Any] = {
    "id": "draft",
    "title": "x",
    "summary": "x",
    "organization": "x",
    "results": [{"metric": "x", "after": 1}],
    "contacts": [{"name": "x", "email": "x@example.org"}],
}


class Problem(Exception):
    """An answer that cannot be used: an i18n key and its values."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


def read(field: Field, answer: str) -> object:
    """The value an answer gives a field, or Problem saying why it gives none."""
    text = answer.strip()
    if text == "-" and not field.required:
        text = ""
    if not text:
        if field.required:
            raise Problem("field_required")
        return [] if field.kind == "list" else None if field.kind == "number" else ""
    if field.kind == "number":
        return _number(text)
    if field.kind == "status":
        status = STATUS_WORDS.get(text.lower())
        if status is None:
            raise Problem("field_invalid", problem="pilot / afprøvet / udbredt")
        return status
    if field.kind == "list":
        return [part.strip() for part in text.split(",") if part.strip()]
    if len(text) > field.max_len:
        raise Problem("field_too_long", length=len(text), limit=field.max_len)
    return text


def _number(text: str) -> float | int:
    value = danish_number(text)
    if value is None:
        raise Problem("field_number")
    return value


def put(raw: dict[str, Any], path: Path, value: object) -> None:
    target: Any = raw
    for step, following in itertools.pairwise(path):
        if isinstance(step, int):
            while len(target) <= step:
                target.append({})
            target = target[step]
        else:
            target = target.setdefault(step, [] if isinstance(following, int) else {})
    target[path[-1]] = value


def get(raw: Mapping[str, Any], path: Path) -> object:
    value: Any = raw
    for step in path:
        try:
            value = value[step]
        except (KeyError, IndexError, TypeError):
            return None
    return value


def check(field: Field, draft: Mapping[str, Any], answer: str) -> object:
    """The value for `field`, checked alone against the import rules; raises Problem."""
    value = read(field, answer)
    trial = _merged(_COMPLETE, draft)
    put(trial, field.path, value)
    problems = [e for e in _errors(trial) if e.path.startswith(_path_text(field.path))]
    if problems:
        if field.kind == "email":
            raise Problem("field_email")
        raise Problem("field_invalid", problem=problems[0].message)
    return value


def lacks_figure(draft: Mapping[str, Any]) -> bool:
    """A result needs a measured number, before or after: Spred's whole point."""
    return (
        get(draft, ("results", 0, "before")) is None and get(draft, ("results", 0, "after")) is None
    )


def _merged(base: object, over: object) -> Any:
    """`over` laid on `base`: mappings key by key, lists item by item."""
    if isinstance(base, dict) and isinstance(over, Mapping):
        return {**base, **{k: _merged(base.get(k), v) for k, v in over.items()}}
    if isinstance(base, list) and isinstance(over, list):
        longest = max(len(base), len(over))
        return [
            _merged(base[i] if i < len(base) else None, over[i] if i < len(over) else base[i])
            for i in range(longest)
        ]
    return copy.deepcopy(over)


def _errors(raw: Mapping[str, Any]) -> list[FieldError]:
    try:
        parse_solution(raw, path="solution")
    except ValidationError as exc:
        return list(exc.errors)
    return []


def _path_text(path: Path) -> str:
    text = "solution"
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else f".{step}"
    return text


def finish(draft: Mapping[str, Any], *, solution_id: str, language: str) -> Solution:
    """The solution a complete draft describes; raises ValidationError listing each gap."""
    raw = copy.deepcopy(dict(draft))
    raw["id"] = solution_id
    raw.setdefault("language", language)
    return parse_solution(raw, path="solution")


def slug(title: str, taken: set[str]) -> str:
    """A free id made from a title: "Hurtig opstart i hjemmeplejen" → hurtig-opstart-i-…"""
    base = (
        "-".join(re.findall(r"[a-z0-9]+", fold(title)))[: rules.MAX_ID - 4].strip("-") or "loesning"
    )
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate
