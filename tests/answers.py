"""One solution, answered once for every test that fills in a draft: the admin's add and a
practitioner's share (by chat, or as a form) ask their own fields in their own order, and
take their answers from here by field name."""

from __future__ import annotations

from collections.abc import Iterable

from bot.flows.draft import Field

SNOW = "Fælles maskinpulje til snerydning på kirkegårde"

# By field name: words of the chat's question, and the answer.
ANSWERS: dict[str, tuple[str, str]] = {
    "title": ("Titel", SNOW),
    "summary": ("resumé", "Kirkegårdene deler maskiner og rydder sne efter én fælles plan."),
    "problem": ("problem", "Hver kirkegård havde sine egne maskiner, og sneen blev ryddet sent."),
    "organization": ("organisation", "Silkeborg Kommune"),
    "unit": ("enhed", "Kirkegårdene"),
    "metric": ("målt", "Timer brugt på snerydning pr. vinter"),
    "before": ("før", "420"),
    "after": ("efter", "260,5"),
    "result_unit": ("Måleenhed", "timer"),
    "period": ("periode", "2023–2024"),
    "source": ("Hvor kommer tallene fra", "Vores egen timeregistrering"),
    "contact": ("Kontaktperson", "Jens Graver"),
    "email": ("e-mail", "jens.graver@silkeborg.eksempel.dk"),
    "role": ("stilling", "-"),
    "status": ("Status", "afprøvet"),
    "tags": ("Emneord", "snerydning, kirkegård, vinter"),
    "conditions": ("Hvad krævede det", "En fælles vagtplan og én ansvarlig for maskinerne."),
}


def answers(
    fields: Iterable[Field], *, without: Iterable[str] = (), **changed: tuple[str, str]
) -> list[tuple[str, str]]:
    """(question, answer) for each of `fields` in order, but those `without`; `changed`
    gives other questions or answers by field name."""
    left_out = set(without)
    return [changed.get(f.name, ANSWERS[f.name]) for f in fields if f.name not in left_out]


def values(fields: Iterable[Field], **changed: str) -> dict[str, str]:
    """The same answers as a form's values, by field name."""
    return {f.name: changed.get(f.name, ANSWERS[f.name][1]) for f in fields}
