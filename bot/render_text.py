"""Plain-text renderings of solutions, for the command line and the terminal chat."""

from __future__ import annotations

import textwrap

from knowledge.matcher import Match
from knowledge.solutions import Result, Solution


def number(value: float, *, decimal: str = ",") -> str:
    """12 → "12", 12.5 → "12,5" (Danish decimal comma by default)."""
    if float(value).is_integer():
        return f"{int(value):,}".replace(",", ".") if decimal == "," else f"{int(value):,}"
    shown = f"{value:.2f}".rstrip("0")
    return shown.replace(".", decimal)


def result_text(result: Result, *, decimal: str = ",") -> str:
    """ "before → after unit (period)", or one side alone when only one was measured."""
    unit = f" {result.unit}" if result.unit else ""
    if result.before is not None and result.after is not None:
        figures = (
            f"{number(result.before, decimal=decimal)} → "
            f"{number(result.after, decimal=decimal)}{unit}"
        )
    else:
        value = result.after if result.after is not None else result.before
        figures = f"{number(value, decimal=decimal)}{unit}" if value is not None else ""
    period = f" ({result.period})" if result.period else ""
    return f"{result.metric}: {figures}{period}"


def solution_row(solution: Solution) -> str:
    flag = " [retired]" if solution.retired else ""
    return (
        f"{solution.id:<40} {solution.status:<7} {solution.organization:<24} {solution.title}{flag}"
    )


SHOWN_QUESTION = 120  # characters of a question a reply quotes


def quoted(question: str) -> str:
    """A question as a reply quotes it: on one line, and cut short."""
    line = " ".join(question.split())
    return line if len(line) <= SHOWN_QUESTION else line[: SHOWN_QUESTION - 1] + "…"


def match_line(rank: int, match: Match) -> str:
    s = match.solution
    return (
        f"{rank}. {s.title} — {s.organization} (score {match.score:.2f})\n"
        f"   {result_text(s.key_result)}\n"
        f"   id: {s.id}; matched: {', '.join(match.terms)}"
        + (f"; not mentioned: {', '.join(match.unexplained)}" if match.unexplained else "")
    )


def solution_details(solution: Solution) -> str:
    wrap = textwrap.TextWrapper(width=88, initial_indent="  ", subsequent_indent="  ")
    lines = [
        solution.title,
        "=" * min(len(solution.title), 88),
        f"{solution.organization}{', ' + solution.unit if solution.unit else ''}"
        f" · {solution.status}{' · retired' if solution.retired else ''}",
        "",
    ]
    for label, text in (
        ("Summary", solution.summary),
        ("Problem", solution.problem),
        ("How it works", solution.description),
    ):
        if text:
            lines += [f"{label}:", *(wrap.fill(p) for p in text.split("\n") if p.strip()), ""]
    lines.append("Results:")
    for result in solution.results:
        source = f" — {result.source}" if result.source else ""
        lines.append(f"  {result_text(result)}{source}")
    lines += ["", "Contacts:"]
    for contact in solution.contacts:
        parts = [contact.name, contact.role, contact.email]
        lines.append("  " + ", ".join(p for p in parts if p))
    for label, values in (
        ("Professions", solution.professions),
        ("Domains", solution.domains),
        ("Tags", solution.tags),
        ("Sponsors", solution.sponsors),
    ):
        if values:
            lines.append(f"{label}: {', '.join(values)}")
    lines.append(f"id: {solution.id}")
    return "\n".join(lines)
