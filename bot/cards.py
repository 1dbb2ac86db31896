"""Solutions as cards: the measured result, who built it, who uses it, and what to do next."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from urllib.parse import quote

from bot.i18n import month_year, say
from bot.messages import Action, Card, Reply
from bot.render_text import number, result_text
from knowledge.evidence import Evidence, Measured, evidence_of
from knowledge.freshness import is_stale
from knowledge.records import Adaptation, Adoption, Stage
from knowledge.solutions import Solution
from knowledge.store import Store
from knowledge.store.query import OneOf
from knowledge.topics import Kind, Topic

# Interest alone is not use: a card counts those who pilot or use a solution.
USING = (Stage.PILOTING, Stage.ADOPTED)


def adopters_of(adoptions: Iterable[Adoption]) -> dict[str, list[Adoption]]:
    """Adoptions by solution id, the furthest along first."""
    order = {stage: i for i, stage in enumerate(reversed(Stage))}
    grouped: dict[str, list[Adoption]] = {}
    for adoption in adoptions:
        grouped.setdefault(adoption.solution_id, []).append(adoption)
    for items in grouped.values():
        items.sort(key=lambda a: (order[a.stage], a.organization))
    return grouped


def adaptations_of(adaptations: Iterable[Adaptation], language: str) -> dict[str, tuple[str, ...]]:
    """Local variants by solution id, newest first: "Tilpasset i Odense: …"."""
    grouped: dict[str, list[Adaptation]] = {}
    for adaptation in adaptations:
        grouped.setdefault(adaptation.solution_id, []).append(adaptation)
    return {
        solution_id: tuple(
            say(
                language,
                "adaptation_line",
                place=", ".join(p for p in (a.organization, a.unit) if p),
                text=a.text,
            )
            for a in sorted(items, key=lambda a: a.created_at, reverse=True)[:3]
        )
        for solution_id, items in grouped.items()
    }


async def cards_for(
    store: Store,
    solutions: Sequence[Solution],
    *,
    language: str,
    why: Mapping[str, Sequence[str]] | None = None,
    detailed: bool = False,
    today: date | None = None,
) -> tuple[Card, ...]:
    """Cards for these solutions, each with who uses it and how others adapted it; only
    these solutions' adoptions and adaptations are grouped and worded."""
    wanted = OneOf.of(dict.fromkeys(s.id for s in solutions))
    adopters = adopters_of(await store.adoptions.find(solution_id=wanted))
    adapted = adaptations_of(await store.adaptations.find(solution_id=wanted), language)
    return tuple(
        card(
            s,
            language=language,
            adoptions=adopters.get(s.id, []),
            why=(why or {}).get(s.id, ()),
            adaptations=adapted.get(s.id, ()),
            local_results=local_result_lines(evidence_of(s, adopters.get(s.id, [])), language),
            detailed=detailed,
            today=today,
        )
        for s in solutions
    )


def solution_path(solution_id: str) -> str:
    """The path of the solution's page on the web (the contract's `/l/<id>`)."""
    return f"/l/{quote(solution_id, safe='')}"


def solution_link(public_url: str, solution_id: str) -> str:
    """The solution's page, or "" when Spred has no address."""
    return f"{public_url}{solution_path(solution_id)}" if public_url else ""


def linked(reply: Reply, public_url: str) -> Reply:
    """The reply with each card linking to its solution's public page (the web's /l/<id>),
    when Spred has an address (SPRED_PUBLIC_URL); as it was otherwise."""
    if not public_url or not reply.cards:
        return reply
    cards = tuple(replace(c, link=solution_link(public_url, c.solution_id)) for c in reply.cards)
    return replace(reply, cards=cards)


def evidence_lines(card: Card, language: str) -> list[str]:
    """The lines under a card's result that every platform shows alike: who uses it, why it
    matched, and how others adapted it."""
    lines = [card.freshness] if card.freshness else []
    if card.adopters:
        lines.append(say(language, "adopters", names=", ".join(card.adopters)))
    if card.why:
        lines.append(say(language, "why", words=", ".join(card.why)))
    return lines + list(card.local_results) + list(card.adaptations)


SHOWN_LOCAL_RESULTS = 3  # the newest places' figures; the count says how many held


def local_result_lines(evidence: Evidence, language: str) -> tuple[str, ...]:
    """ "Resultatet er gentaget 3 steder", then "I Vejle Kommune: 14 → 5 dage, 2026" for
    the newest places that measured."""
    lines = []
    if evidence.repeated:
        key = "repeated_one" if evidence.repeated == 1 else "repeated_many"
        lines.append(say(language, key, count=evidence.repeated))
    lines += [local_line(m, language) for m in evidence.measured[:SHOWN_LOCAL_RESULTS]]
    return tuple(lines)


def local_line(measured: Measured, language: str) -> str:
    decimal = "." if language == "en" else ","
    r = measured.result
    shown = [number(v, decimal=decimal) for v in (r.before, r.after) if v is not None]
    figures = " → ".join(shown) + (f" {r.unit}" if r.unit else "")
    return say(
        language,
        "local_result_line",
        place=", ".join(p for p in (measured.organization, measured.unit) if p),
        figures=figures + (f", {r.period}" if r.period else ""),
    )


def organizations_using(adoptions: Sequence[Adoption]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(a.organization for a in adoptions if a.stage in USING))


def solution_actions(solution: Solution, language: str, *, detailed: bool) -> tuple[Action, ...]:
    """A card's buttons. An answer is read on a phone, so its cards carry what matters most,
    contact and "more about it"; the adoption stages and who uses it are on the details
    view, one step away (which needs no "more about it"), and so is following the solution's
    first domain (issue 17): five buttons there, within what Teams shows on a card."""
    ref = {"solution": solution.id}
    contact = Action(
        id="contact",
        label=say(language, "act_contact", name=solution.contacts[0].name),
        payload=ref,
        style="primary",
    )
    if not detailed:
        return (contact, Action(id="details", label=say(language, "act_details"), payload=ref))
    return (
        contact,
        Action(id="adopt", label=say(language, "act_try"), payload=ref | {"stage": "piloting"}),
        Action(id="adopt", label=say(language, "act_use"), payload=ref | {"stage": "adopted"}),
        Action(id="who_uses", label=say(language, "act_who_uses"), payload=ref),
        *_follow_action(solution, language),
    )


def _follow_action(solution: Solution, language: str) -> tuple[Action, ...]:
    """ "Følg ældrepleje": the solution's first domain as a topic to follow, if it has one."""
    if not solution.domains:
        return ()
    topic = Topic(kind=Kind.DOMAIN, value=solution.domains[0])
    return (follow_action(topic, topic.value, language),)


def follow_action(topic: Topic, label: str, language: str) -> Action:
    """ "Følg <topic>", on a solution's details and on an answer (bot/flows/ask.py); pressed,
    bot/flows/follow.py checks the key against the topics known then."""
    return Action(
        id="follow", label=say(language, "act_follow", topic=label), payload={"topic": topic.key}
    )


def card(
    solution: Solution,
    *,
    language: str,
    adoptions: Sequence[Adoption] = (),
    why: Sequence[str] = (),
    adaptations: Sequence[str] = (),
    local_results: Sequence[str] = (),
    detailed: bool = False,
    actions: bool = True,
    today: date | None = None,
) -> Card:
    decimal = "." if language == "en" else ","
    contact = solution.contacts[0]
    details: list[tuple[str, str]] = []
    if detailed:
        details = _details(solution, language=language, adoptions=adoptions, decimal=decimal)
    return Card(
        solution_id=solution.id,
        title=solution.title,
        summary=solution.summary,
        result=result_text(solution.key_result, decimal=decimal),
        origin=", ".join(p for p in (solution.organization, solution.unit) if p),
        contact=", ".join(p for p in (contact.name, contact.role) if p),
        status=say(language, f"status_{solution.status}"),
        adopters=organizations_using(adoptions),
        why=tuple(why),
        adaptations=tuple(adaptations),
        local_results=tuple(local_results),
        freshness=freshness(solution, language=language, today=today),
        details=tuple(details),
        actions=solution_actions(solution, language, detailed=detailed) if actions else (),
    )


def freshness(solution: Solution, *, language: str, today: date | None) -> str:
    """ "Resultater bekræftet marts 2026", or plainly that they are stale (judged only given
    `today`); "" for a solution whose day was never kept."""
    if solution.confirmed is None:
        return ""
    when = month_year(language, solution.confirmed)
    if today is not None and is_stale(solution, today=today):
        return say(language, "unconfirmed_since", **when)
    return say(language, "confirmed_in", **when)


def _details(
    solution: Solution, *, language: str, adoptions: Sequence[Adoption], decimal: str
) -> list[tuple[str, str]]:
    contacts = "\n".join(
        ", ".join(p for p in (c.name, c.role, c.email) if p) for c in solution.contacts
    )
    results = "\n".join(
        result_text(r, decimal=decimal) + (f" – {r.source}" if r.source else "")
        for r in solution.results
    )
    using = [
        f"{a.organization}{', ' + a.unit if a.unit else ''} ({say(language, f'stage_{a.stage}')})"
        for a in adoptions
        if a.stage in USING
    ]
    rows = [
        ("label_problem", solution.problem),
        ("label_how", solution.description),
        ("label_results", results),
        ("label_conditions", solution.conditions),
        ("label_contacts" if len(solution.contacts) > 1 else "label_contact", contacts),
        ("label_sponsors", ", ".join(solution.sponsors)),
        ("label_adopters", "\n".join(using)),
        ("label_id", solution.id),
    ]
    return [(say(language, label), text) for label, text in rows if text]
