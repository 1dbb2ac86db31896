"""The fields an admin fills in to add or edit a solution, and how each answer is checked.

One list serves the guided chat dialogue, the one-field edit and the platforms' forms. Each
answer is checked by the same rules `spred import` applies (knowledge.solutions), on a draft
completed with harmless stand-ins, so the chat can never accept what an import would refuse.
"""

from __future__ import annotations

import copy
import itertools
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from bot.i18n import say
from bot.render_text import number
from knowledge import solutions as rules
from knowledge.solutions import Solution, parse_solution
from knowledge.text import fold
from knowledge.typed import danish_number
from knowledge.validation import CONTROL, MAX_NUMBER, FieldError, ValidationError

Path = tuple[str | int, ...]

STATUS_WORDS = {
    "pilot": "pilot",
    "afprøvet": "proven",
    "afproevet": "proven",
    "afprovet": "proven",  # a keyboard without ø
    "proven": "proven",
    "udbredt": "scaled",
    "widely used": "scaled",
    "widely-used": "scaled",
    "widely": "scaled",
    "scaled": "scaled",
}
_LINE_BREAK = re.compile(r"[\n\r\u2028\u2029]")


@dataclass(frozen=True, slots=True, kw_only=True)
class Field:
    name: str  # in forms and in "edit <id> <field>"
    aliases: tuple[str, ...]  # the Danish names an admin may type
    shown: tuple[str, str]  # the name an admin reads in "ret <id> <felt>": Danish, English
    label: tuple[str, str]  # Danish, English
    path: Path
    kind: str = "text"  # text, long, number, email, list, status
    required: bool = False
    max_len: int = 200

    def question(self, language: str) -> str:
        return self.label[1] if language == "en" else self.label[0]

    def named(self, language: str) -> str:
        return self.shown[1] if language == "en" else self.shown[0]


FIELDS: tuple[Field, ...] = (
    Field(
        name="title",
        aliases=("titel",),
        shown=("titel", "title"),
        label=("Titel – hvad hedder løsningen?", "Title – what is the solution called?"),
        path=("title",),
        required=True,
        max_len=rules.MAX_TITLE,
    ),
    Field(
        name="summary",
        aliases=("resume", "resumé", "opsummering"),
        shown=("resumé", "summary"),
        label=(
            "Kort resumé – hvad gør løsningen? Én til to sætninger.",
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
        shown=("problem", "problem"),
        label=("Hvilket problem løser den?", "Which problem does it solve?"),
        path=("problem",),
        kind="long",
        max_len=rules.MAX_PROBLEM,
    ),
    Field(
        name="organization",
        aliases=("organisation",),
        shown=("organisation", "organisation"),
        label=("Hvilken organisation står bag?", "Which organisation is behind it?"),
        path=("organization",),
        required=True,
    ),
    Field(
        name="unit",
        aliases=("enhed", "afdeling"),
        shown=("enhed", "unit"),
        label=("Hvilken enhed eller afdeling?", "Which unit or department?"),
        path=("unit",),
    ),
    Field(
        name="metric",
        aliases=("resultat", "maal", "mål"),
        shown=("mål", "metric"),
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
        shown=("før", "before"),
        label=("Tallet før – kun tallet, fx 4,8", "The figure before – the number only, e.g. 4.8"),
        path=("results", 0, "before"),
        kind="number",
    ),
    Field(
        name="after",
        aliases=("efter",),
        shown=("efter", "after"),
        label=("Tallet efter – kun tallet, fx 0,9", "The figure after – the number only, e.g. 0.9"),
        path=("results", 0, "after"),
        kind="number",
    ),
    Field(
        name="result_unit",
        aliases=("enhed_resultat", "maaleenhed", "måleenhed"),
        shown=("måleenhed", "result_unit"),
        label=("Måleenhed, fx dage, timer eller %", "Unit of measurement, e.g. days, hours or %"),
        path=("results", 0, "unit"),
        max_len=50,
    ),
    Field(
        name="period",
        aliases=("periode",),
        shown=("periode", "period"),
        label=("Over hvilken periode? Fx 2023–2024", "Over which period? E.g. 2023–2024"),
        path=("results", 0, "period"),
        max_len=100,
    ),
    Field(
        name="contact",
        aliases=("kontakt", "kontaktperson"),
        shown=("kontaktperson", "contact"),
        label=(
            "Kontaktperson – hvem står bag og kan fortælle om den? Skriv det fulde navn.",
            "Contact person – who is behind it and can tell others about it? Please give the "
            "full name.",
        ),
        path=("contacts", 0, "name"),
        required=True,
    ),
    Field(
        name="email",
        aliases=("mail", "e-mail"),
        shown=("e-mail", "email"),
        label=("Kontaktpersonens e-mail", "The contact person's email"),
        path=("contacts", 0, "email"),
        kind="email",
        required=True,
        max_len=254,
    ),
    Field(
        name="role",
        aliases=("rolle", "stilling"),
        shown=("rolle", "role"),
        label=(
            "Kontaktpersonens stilling, fx sygeplejerske",
            "The contact person's job title, e.g. nurse",
        ),
        path=("contacts", 0, "role"),
    ),
    Field(
        name="status",
        aliases=(),
        shown=("status", "status"),
        label=(
            "Status – pilot, afprøvet eller udbredt? Springer du over, står den som pilot.",
            "Status – pilot, proven or widely used? If you skip it, it will be listed as pilot.",
        ),
        path=("status",),
        kind="status",
    ),
    Field(
        name="tags",
        aliases=("emneord", "stikord"),
        shown=("emneord", "tags"),
        label=("Emneord, adskilt med komma", "Tags, separated by commas"),
        path=("tags",),
        kind="list",
        max_len=rules.MAX_LABEL,
    ),
)

# Asked of a practitioner sharing a solution (bot/flows/share.py), beside FIELDS: where the
# figures come from, and what it took, which colleagues thinking of it need most.
SOURCE = Field(
    name="source",
    aliases=("kilde",),
    shown=("kilde", "source"),
    label=(
        "Hvor kommer tallene fra? Fx jeres egen opgørelse, en evaluering eller en rapport",
        "Where do the figures come from? E.g. your own count, an evaluation or a report",
    ),
    path=("results", 0, "source"),
    max_len=500,
)
CONDITIONS = Field(
    name="conditions",
    aliases=("betingelser", "forudsaetninger", "forudsætninger", "faldgruber"),
    shown=("betingelser", "conditions"),
    label=(
        "Hvad krævede det? Forudsætninger, og de faldgruber I mødte – det har kolleger mest "
        "brug for at vide",
        "What did it take? The conditions it needs, and the pitfalls you met – what "
        "colleagues most need to know",
    ),
    path=("conditions",),
    kind="long",
    max_len=rules.MAX_CONDITIONS,
)
EVERY_FIELD: tuple[Field, ...] = (*FIELDS, SOURCE, CONDITIONS)

BY_NAME = {name: f for f in EVERY_FIELD for name in (f.name, *f.aliases)}

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
    """The value an answer gives a field, or Problem saying why it gives none, in the chat's
    own words (the import rules' messages are written for files, in English)."""
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
        status = STATUS_WORDS.get(" ".join(text.lower().split()))
        if status is None:
            raise Problem("field_status")
        return status
    if field.kind == "list":
        parts = [part.strip() for part in text.split(",") if part.strip()]
        if len(parts) > rules.MAX_LABELS:
            raise Problem("field_too_many", limit=rules.MAX_LABELS, count=len(parts))
        for part in parts:
            _check_text(field, part)
        return parts
    _check_text(field, text)
    return text


def _check_text(field: Field, text: str) -> None:
    if len(text) > field.max_len:
        raise Problem("field_too_long", length=len(text), limit=field.max_len)
    if CONTROL.search(text):
        raise Problem("field_no_control")
    if field.kind != "long" and _LINE_BREAK.search(text):
        raise Problem("field_one_line")


def _number(text: str) -> float | int:
    value = danish_number(text)
    if value is None or math.isnan(value):
        raise Problem("field_number")
    if math.isinf(value) or abs(value) > MAX_NUMBER:
        raise Problem("field_number_too_big")
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


def shown(value: object, language: str) -> str:
    """A field's value as a question shows it now: a figure in the reader's notation, a
    list joined, "–" for none."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return number(value, decimal="." if language == "en" else ",")
    if isinstance(value, list):
        value = ", ".join(map(str, value))
    return str(value) if value not in (None, "") else "–"


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


def unfit_fields(exc: ValidationError, language: str) -> list[str]:
    """What a whole draft lacks, as the questions of the fields concerned (the import rules
    name paths in a file, "solution.results[0].after", which mean nothing in a chat)."""
    named = []
    for error in exc.errors:
        field = next((f for f in EVERY_FIELD if error.path.startswith(_path_text(f.path))), None)
        if field is not None:
            named.append(field.question(language))
        elif error.path == _path_text(("results",)):  # no result with a figure left
            named.append(say(language, "need_number_form"))
        else:
            named.append(str(error))
    return list(dict.fromkeys(named))


def finish(draft: Mapping[str, Any], *, solution_id: str, language: str) -> Solution:
    """The solution a complete draft describes; raises ValidationError listing each gap."""
    raw = copy.deepcopy(dict(draft))
    raw["id"] = solution_id
    raw.setdefault("language", language)
    return parse_solution(raw, path="solution")


def slugs(title: str) -> Iterator[str]:
    """The ids a title may be published as, the first free one to be taken:
    "Hurtig opstart i hjemmeplejen" → hurtig-opstart-i-…, then …-2, …-3."""
    base = (
        "-".join(re.findall(r"[a-z0-9]+", fold(title)))[: rules.MAX_ID - 4].strip("-") or "loesning"
    )
    yield base
    yield from (f"{base}-{n}" for n in itertools.count(2))
