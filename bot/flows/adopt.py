"""Adoption: who takes up a solution, recorded and told to the originators, whom the guide
says to recognise; and "who uses X?", those adopters as peers to ask."""

from __future__ import annotations

from dataclasses import replace

from bot.cards import adopters_of
from bot.consent import ask_once
from bot.dialogues import END, Dialogue, State, Step
from bot.flows.measure import offer
from bot.i18n import listed, place
from bot.messages import Notice, Reply
from bot.render_text import quoted
from bot.sessions import Flow
from bot.turn import Refusal, Turn
from knowledge.records import Adoption, Stage
from knowledge.solutions import Solution

ORDER = {stage: i for i, stage in enumerate(Stage)}
MAX_ORGANIZATION = 200


async def adopt(turn: Turn) -> Step:
    solution = await turn.solution_from_payload()
    try:
        stage = Stage(str(turn.message.payload.get("stage")))
    except ValueError:
        raise Refusal("unknown_action") from None
    organization, unit = await known_place(turn)
    if not organization:
        data = {"solution": solution.id, "stage": stage.value}
        return Step(
            replies=[Reply(text=turn.say("ask_organization"))], next=Flow.ADOPTION, data=data
        )
    return Step(replies=await _record(turn, solution, stage, organization, unit), next=END)


async def answer_organization(turn: Turn) -> Step:
    """The answer to "which organisation are you from?": "Aarhus Kommune, Hjemmeplejen"."""
    organization, _, unit = " ".join(turn.message.text.split()).partition(",")
    organization, unit = organization.strip(), unit.strip()
    if (
        not any(c.isalpha() for c in organization)
        or len(organization) > MAX_ORGANIZATION
        or len(unit) > MAX_ORGANIZATION
    ):
        return Step(replies=[Reply(text=turn.say("organization_empty"))], next=Flow.ADOPTION)
    turn.session.memory.update(organization=organization, unit=unit)
    data = turn.session.data
    try:
        solution = await turn.solution_from_payload(data)
    except Refusal as refusal:  # retired or gone meanwhile: nothing left to adopt
        refusal.ends = True
        raise
    replies = await _record(turn, solution, Stage(data["stage"]), organization, unit)
    return Step(replies=replies, next=END)


async def known_place(turn: Turn) -> tuple[str, str]:
    """The organisation and unit the sender works in, as far as Spred knows: as their client
    gave it, else the directory's, else what they told Spred before ("" for unknown)."""
    m = turn.message
    if m.organization:
        return m.organization, m.unit
    person = await turn.person()
    if person and person.organization:
        return person.organization, person.unit
    memory = turn.session.memory
    return str(memory.get("organization", "")), str(memory.get("unit", ""))


def adoption_of(
    turn: Turn, solution_id: str, stage: Stage, organization: str, unit: str
) -> Adoption:
    """The sender's adoption of a solution, now: one per person and solution."""
    return Adoption(
        id=f"{solution_id}:{turn.message.user}",
        solution_id=solution_id,
        user=turn.message.user,
        organization=organization,
        unit=unit,
        user_name=turn.name,
        stage=stage,
        updated_at=turn.services.clock(),
    )


async def _record(
    turn: Turn, solution: Solution, stage: Stage, organization: str, unit: str
) -> list[Reply]:
    adoption = adoption_of(turn, solution.id, stage, organization, unit)
    earlier = await turn.store.adoptions.get(adoption.id)
    if earlier is not None and ORDER[earlier.stage] >= ORDER[stage]:
        text = turn.say(
            f"adoption_already_{earlier.stage}",
            organization=place(turn.language, earlier.organization, earlier.unit),
            title=solution.title,
        )
        # "Vi bruger den nu" again is the way to report figures measured since.
        later = earlier.stage is Stage.ADOPTED and earlier.local_result is None
        return [Reply(text=text), *([offer(turn, earlier, solution)] if later else [])]
    if earlier is not None:  # figures the unit measured stay with its adoption
        adoption = replace(
            adoption, local_result=earlier.local_result, measured_at=earlier.measured_at
        )
    await turn.store.adoptions.upsert(adoption)
    told = await _tell_originators(turn, solution, stage, organization, unit)
    me = await turn.person()
    prompted = await turn.services.tell_manager(
        me, solution, did=stage, organization=organization, unit=unit
    )
    names = listed(turn.language, told)
    text = turn.say(
        f"adopted_{stage}",
        organization=place(turn.language, organization, unit),
        title=solution.title,
        told=turn.say("adopted_told", names=names) if told else "",
    )
    if prompted:
        text += turn.say("manager_told")
    question, buttons = await ask_once(turn, me, prompted)
    replies = [Reply(text=text + question, actions=buttons)]
    if stage is Stage.ADOPTED and adoption.local_result is None:
        replies.append(offer(turn, adoption, solution))
    return replies


async def _tell_originators(
    turn: Turn, solution: Solution, stage: Stage, organization: str, unit: str
) -> list[str]:
    text = turn.say(
        f"adoption_notice_{stage}",
        organization=place(turn.language, organization, unit),
        title=solution.title,
        user=turn.name,
    )
    told = []
    for contact in solution.contacts:
        # The asker's platform first: the originator may well be a colleague there.
        platforms = dict.fromkeys((turn.message.platform, *turn.services.outbox.platforms))
        address = await turn.services.address_of(
            contact, platforms, organization=solution.organization
        )
        if address:
            reply = Reply(text=text, language=turn.language)
            await turn.services.outbox.send(Notice(to=address, kind="adoption", reply=reply))
            told.append(contact.name)
    return told


async def who_uses(turn: Turn) -> list[Reply]:
    """ "hvem bruger <løsning>", or the button on a solution's details: the organisations
    that try or use it, as peers to ask."""
    if turn.message.action:
        solution = await turn.solution_from_payload()
    else:
        text = turn.argument
        matches = await turn.kb.search(text, top=1) if text.strip() else []
        if not matches:
            return [Reply(text=turn.say("who_uses_unknown", text=quoted(text)))]
        solution = matches[0].solution
    found = await turn.store.adoptions.find(solution_id=solution.id)
    adoptions = adopters_of(found).get(solution.id, [])
    if not adoptions:
        contact = solution.contacts[0]
        reach = ", ".join(p for p in (solution.organization, contact.email) if p)
        name = f"{contact.name} ({reach})"
        return [Reply(text=turn.say("who_uses_none", title=solution.title, contact=name))]
    lines = [turn.say("who_uses", title=solution.title)]
    for a in adoptions:
        lines.append(
            turn.say(
                "adopter_line",
                organization=a.organization,
                unit=f", {a.unit}" if a.unit else "",
                stage=turn.say(f"stage_{a.stage}"),
                # an adoption kept without its person (forgotten) names nobody
                user=f" ({a.user_name or a.user})" if a.user_name or a.user else "",
            )
        )
    return [Reply(text="\n".join(lines))]


ADOPTING = Dialogue(
    name="adopting",
    entry_points={"adopt": adopt},
    states={Flow.ADOPTION: State(on_text=answer_organization)},
)
