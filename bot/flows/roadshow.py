"""`roadshow <id>`: an originator (the solution's owner or one of its contacts) or an admin
plans a session showing the solution: when, where, how many places, a short invitation;
then sees it whole and sends the invitations (bot/roadshows.py). The answers to an
invitation (*Jeg kommer*, *Kan ikke*, *Send til en kollega*) and `roadshows`, the
organiser's list, are here too."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot import roadshows
from bot.dialogues import END, Dialogue, State, Step
from bot.flows.confirm import is_owner, require_owner
from bot.messages import Action, Choice, Reply
from bot.nudges import address_of
from bot.people_names import Found, mark
from bot.roadshows import COMING, DECLINED, Invitee
from bot.sessions import Flow
from bot.turn import Refusal, Turn
from knowledge.records import Roadshow, new_id
from knowledge.solutions import Solution, is_solution_id
from knowledge.store.query import OneOf
from knowledge.text import fold, question_key
from knowledge.validation import CONTROL, FieldError, Fields

QUESTIONS = ("when", "where", "places", "text")
MAX_WHERE, MAX_TEXT = 300, 1000
SEND_WORDS = {"send", "ok", "ja", "yes", "send invitationer", "send invitations"}

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:t|\s+)(?:kl\.?\s*)?(\d{1,2})(?:[:.](\d{2}))?")
# "14/1 kl 13", "14.1. kl. 13.30", "14/1 2027 kl 13", "14/1-2027 13:00"
_DANISH = re.compile(
    r"(\d{1,2})[/.](\d{1,2})(?:[/.-](\d{4}|\d{2})|\s+(\d{4}))?\.?,?\s*"
    r"(?:kl\.?|klokken|at)?\s*(\d{1,2})(?:[:.](\d{2}))?"
)


class Unclear(ValueError):
    """A date and time that could not be read, or is not in the future: `key` says which."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def parse_moment(text: str, *, now: datetime, zone: str) -> datetime:
    """A date and time typed as "2027-01-14 13:00" or "14/1 kl 13" (Europe/Copenhagen),
    aware; without a year, the next such day. Raises Unclear."""
    typed = " ".join(fold(text.strip()).split())
    here = ZoneInfo(zone)
    if iso := _ISO.fullmatch(typed):
        year, month, day, hour, minute = iso.groups()
        years = [int(year)]
    elif danish := _DANISH.fullmatch(typed):
        day, month, short, long, hour, minute = danish.groups()
        given = long or short
        this = now.astimezone(here).year
        years = [int(given) + (2000 if len(given) == 2 else 0)] if given else [this, this + 1]
    else:
        raise Unclear("roadshow_when_unclear")
    for year_ in years:
        try:
            moment = datetime(year_, int(month), int(day), int(hour), int(minute or 0), tzinfo=here)
        except ValueError:
            raise Unclear("roadshow_when_unclear") from None
        if moment > now:
            return moment
    raise Unclear("roadshow_when_past")


# --- planning


async def _solution(turn: Turn, solution_id: object, *, ends: bool = False) -> Solution:
    if not is_solution_id(solution_id):
        raise Refusal("roadshow_how", ends=ends)
    solution = await turn.store.solutions.get(str(solution_id))
    if solution is None or solution.retired:
        raise Refusal("roadshow_unknown", ends=ends, id=solution_id)
    return solution


async def require_organiser(turn: Turn, solution: Solution, *, ends: bool = False) -> None:
    """The owner or a contact of the solution, or an admin who may change it; anyone else is
    told plainly who may."""
    message = turn.message
    for contact in solution.contacts:
        platform_id = contact.platform_id(message.platform)
        if (platform_id and platform_id == message.user_id) or (
            contact.email and message.email and contact.email.casefold() == message.email.casefold()
        ):
            return
    if await is_owner(turn, solution):
        return
    if not turn.is_admin:
        raise Refusal("roadshow_not_yours", ends=ends, title=solution.title)
    await require_owner(turn, solution, ends=ends)


def _question(turn: Turn, step: int) -> Reply:
    return Reply(text=turn.say(f"roadshow_ask_{QUESTIONS[step]}"))


async def start(turn: Turn) -> Step:
    typed = turn.argument.split(maxsplit=1)[0] if turn.argument.strip() else None
    solution = await _solution(turn, typed or turn.message.payload.get("solution"))
    await require_organiser(turn, solution)
    intro = Reply(text=turn.say("roadshow_start", title=solution.title))
    data = {"solution": solution.id, "step": 0}
    return Step(replies=[intro, _question(turn, 0)], next=Flow.ROADSHOW, data=data)


def _read(turn: Turn, field: str, text: str) -> Any:
    """One answer, checked; raises Unclear saying what was wrong."""
    if field == "when":
        rules = turn.services.settings.nudges
        return parse_moment(text, now=turn.services.clock(), zone=rules.timezone).isoformat()
    if field == "places":
        digits = text.strip().rstrip(".")
        if not digits.isdigit() or not 1 <= int(digits) <= roadshows.MOST_PLACES:
            raise Unclear("roadshow_places_bad")
        return int(digits)
    errors: list[FieldError] = []
    most = MAX_WHERE if field == "where" else MAX_TEXT
    value = Fields({field: text}, path="roadshow", errors=errors).text(
        field, max_len=most, required=field == "where", multiline=field == "text"
    )
    if errors or CONTROL.search(value):
        raise Unclear(f"roadshow_{field}_bad")
    return value


async def answer(turn: Turn) -> Step:
    data = turn.session.data
    solution = await _solution(turn, data.get("solution"), ends=True)
    step = int(data.get("step", 0))
    field = QUESTIONS[step]
    try:
        data[field] = _read(turn, field, turn.message.text)
    except Unclear as unclear:
        said = Reply(text=turn.say(unclear.key, most=roadshows.MOST_PLACES))
        return Step(replies=[said, _question(turn, step)], next=Flow.ROADSHOW)
    data["step"] = step + 1
    if data["step"] < len(QUESTIONS):
        return Step(replies=[_question(turn, data["step"])], next=Flow.ROADSHOW)
    return Step(replies=[_summary(turn, _planned(turn, solution, data))], next=Flow.ROADSHOW_CHECK)


def _planned(turn: Turn, solution: Solution, data: dict[str, Any]) -> Roadshow:
    return Roadshow(
        id=str(data.get("id") or new_id()),
        solution_id=solution.id,
        title=solution.title,
        organiser=turn.message.user,
        organiser_name=turn.name,
        at=datetime.fromisoformat(data["when"]),
        where=data["where"],
        places=int(data["places"]),
        text=data.get("text", ""),
        created_at=turn.services.clock(),
    )


def _summary(turn: Turn, roadshow: Roadshow) -> Reply:
    text = turn.say(
        "roadshow_summary",
        title=roadshow.title,
        when=roadshows.when(roadshow, turn.language, turn.services.settings.nudges.timezone),
        where=roadshow.where,
        places=roadshow.places,
        text=roadshow.text or "–",
    )
    return Reply(
        text=text,
        actions=(
            Action(id="roadshow_send", label=turn.say("act_roadshow_send"), style="primary"),
            Action(id="cancel", label=turn.say("act_cancel")),
        ),
    )


async def check_text(turn: Turn) -> Step:
    """Typed while the summary is shown: a word that sends, else the summary again."""
    if question_key(turn.message.text) in SEND_WORDS:
        return await send(turn)
    data = turn.session.data
    solution = await _solution(turn, data.get("solution"), ends=True)
    return Step(replies=[_summary(turn, _planned(turn, solution, data))], next=Flow.ROADSHOW_CHECK)


async def send(turn: Turn) -> Step:
    data = turn.session.data
    solution = await _solution(turn, data.get("solution"), ends=True)
    await require_organiser(turn, solution, ends=True)
    roadshow = _planned(turn, solution, data)
    if roadshow.at <= turn.services.clock():
        raise Refusal("roadshow_when_past", ends=True)
    await turn.store.roadshows.insert(roadshow)
    people = await roadshows.invitees(turn.services, solution, organiser=turn.message.user)
    sent, waiting = await roadshows.invite(turn.services, roadshow, people)
    text = turn.say("roadshow_sent", count=sent, title=solution.title)
    if waiting:
        text += turn.say("roadshow_not_sent", count=waiting)
    text += "\n" + turn.say("roadshow_calendar", link=roadshows.ics_link(turn.services, roadshow))
    return Step(replies=[Reply(text=text)], next=END)


PLANNING = Dialogue(
    name="roadshow",
    entry_points={"roadshow": start},
    states={
        Flow.ROADSHOW: State(on_text=answer),
        Flow.ROADSHOW_CHECK: State(on_text=check_text, actions={"roadshow_send": send}),
    },
)


# --- answers to an invitation


async def _invited_to(turn: Turn, ref: object, *, ends: bool = False) -> Roadshow:
    roadshow_id = ref.get("roadshow") if isinstance(ref, dict) else None
    if not isinstance(roadshow_id, str) or not roadshow_id or len(roadshow_id) > 64:
        raise Refusal("unknown_action", ends=ends)
    roadshow = await turn.store.roadshows.get(roadshow_id)
    if roadshow is None:
        raise Refusal("roadshow_gone", ends=ends)
    if roadshow.state not in roadshows.PLANNED or roadshow.at <= turn.services.clock():
        raise Refusal("roadshow_over", ends=ends, title=roadshow.title)
    return roadshow


async def coming(turn: Turn) -> list[Reply]:
    roadshow = await _invited_to(turn, turn.message.payload)
    stored, moved = await roadshows.respond(
        turn.store, roadshow.id, turn.message.user, COMING, name=turn.name, at=turn.services.clock()
    )
    if stored is None:
        raise Refusal("roadshow_gone")
    await roadshows.tell_moved_up(turn.services, stored, moved)
    zone = turn.services.settings.nudges.timezone
    when = roadshows.when(stored, turn.language, zone)
    if roadshows.state_of(stored, turn.message.user) == roadshows.WAITING:
        place = roadshows.position(stored, turn.message.user)
        return [Reply(text=turn.say("roadshow_waiting", title=stored.title, position=place))]
    text = turn.say("roadshow_coming", title=stored.title, when=when, where=stored.where)
    text += "\n" + turn.say("roadshow_calendar", link=roadshows.ics_link(turn.services, stored))
    return [Reply(text=text)]


async def not_coming(turn: Turn) -> list[Reply]:
    roadshow = await _invited_to(turn, turn.message.payload)
    stored, moved = await roadshows.respond(
        turn.store,
        roadshow.id,
        turn.message.user,
        DECLINED,
        name=turn.name,
        at=turn.services.clock(),
    )
    if stored is not None:
        await roadshows.tell_moved_up(turn.services, stored, moved)
    return [Reply(text=turn.say("roadshow_declined", title=roadshow.title))]


async def later(turn: Turn) -> list[Reply]:
    return [Reply(text=turn.say("roadshow_later"))]


# --- Send til en kollega: by e-mail, or by name from the people directory (bot/people_names.py)

TYPED_LIMIT = 200  # characters of a colleague's name or e-mail


async def forward(turn: Turn) -> Step:
    roadshow = await _invited_to(turn, turn.message.payload)
    ask = Reply(text=turn.say("roadshow_forward_ask", title=roadshow.title))
    return Step(replies=[ask], next=Flow.ROADSHOW_FORWARD, data={"roadshow": roadshow.id})


async def forward_to(turn: Turn) -> Step:
    """The colleague typed: an e-mail address (anything with an @), else a name."""
    roadshow = await _invited_to(turn, turn.session.data, ends=True)
    typed = turn.message.text.strip()
    if "@" in typed:
        return await _to_email(turn, roadshow, typed)
    if len(typed) > TYPED_LIMIT or CONTROL.search(typed) or not any(c.isalpha() for c in typed):
        return _again(turn, roadshow, "roadshow_forward_bad")
    found = await _named(turn, typed)
    if len(found.exact) == 1:
        return await _to_person(turn, roadshow, found.exact[0].person_id)
    shown = found.exact or found.near
    if not shown:
        return _again(turn, roadshow, "roadshow_forward_nobody", typed=typed)
    # A button carries its place in this list. The dialogue keeps what was typed and a mark
    # of each person offered (people_names.mark), never their id, which may be their
    # e-mail; pressed, the name is looked up again. A list typed anew makes older buttons
    # stale.
    choice = new_id()
    options = tuple(
        Action(id="roadshow_forward_pick", label=named.shown, payload={"choice": choice, "pick": i})
        for i, named in enumerate(shown)
    )
    text = turn.say("roadshow_forward_several" if found.exact else "roadshow_forward_meant",
                    typed=typed)  # fmt: skip
    offered = [mark(n.person_id) for n in shown]
    data = {"roadshow": roadshow.id, "choice": choice, "typed": typed, "offered": offered}
    return Step(
        replies=[Reply(text=text, choice=Choice(label=text, options=options))],
        next=Flow.ROADSHOW_FORWARD,
        data=data,
    )


async def forward_pick(turn: Turn) -> Step:
    """One of the people a name may mean, chosen by its button."""
    data = turn.session.data
    roadshow = await _invited_to(turn, data, ends=True)
    payload, offered, typed = turn.message.payload, data.get("offered"), data.get("typed")
    pick = payload.get("pick")
    if (
        payload.get("choice") != data.get("choice")
        or not isinstance(offered, list)
        or not isinstance(typed, str)
        or not isinstance(pick, int)
        or isinstance(pick, bool)
        or not 0 <= pick < len(offered)
    ):
        raise Refusal("unknown_action")
    found = await _named(turn, typed)
    shown = found.exact or found.near
    picked = next((n for n in shown if mark(n.person_id) == offered[pick]), None)
    if picked is None:  # gone from the directory, or renamed, since it was offered
        return _again(turn, roadshow, "roadshow_forward_gone")
    return await _to_person(turn, roadshow, picked.person_id)


async def _named(turn: Turn, typed: str) -> Found:
    """The directory's people `typed` names, those of the sender's organisation first."""
    organisation = turn.organisation
    own = organisation.name if organisation is not None else turn.message.organization
    return await turn.services.names.find(turn.store.people, typed, own=own)


def _again(turn: Turn, roadshow: Roadshow, key: str, **values: object) -> Step:
    """Said, and the colleague asked for again; people offered before are no longer."""
    said = Reply(text=turn.say(key, **values))
    return Step(replies=[said], next=Flow.ROADSHOW_FORWARD, data={"roadshow": roadshow.id})


async def _to_email(turn: Turn, roadshow: Roadshow, typed: str) -> Step:
    email = typed
    errors: list[FieldError] = []
    Fields({"email": email}, path="forward", errors=errors).email("email", required=True)
    if errors:
        return _again(turn, roadshow, "roadshow_forward_bad")
    person = await turn.services.person_for("", "", email)
    to = address_of(person) if person is not None else None
    to = to or await turn.services.outbox.find(email=email, org_id=turn.message.org_id)
    if not to:
        return _again(turn, roadshow, "roadshow_forward_unknown", email=email)
    return await _invite(turn, roadshow, to, who=email)


async def _to_person(turn: Turn, roadshow: Roadshow, person_id: str) -> Step:
    person = await turn.store.people.get(person_id)
    if person is None:  # gone from the directory since it was offered
        return _again(turn, roadshow, "roadshow_forward_gone")
    # Named as they are shown: never their e-mail, which a colleague elsewhere may not see.
    return await _invite(turn, roadshow, address_of(person), who=person.name)


async def _invite(turn: Turn, roadshow: Roadshow, to: str, *, who: str) -> Step:
    """Invites `to` (as it stands now), from their own budget (bot/reach.py)."""
    if to in roadshow.rsvps:
        return Step(replies=[Reply(text=turn.say("roadshow_forward_already", who=who))], next=END)
    if not await turn.services.outbox.reachable(to):  # Teams: they never wrote to Spred
        return _again(turn, roadshow, "roadshow_forward_unreachable", who=who)
    invitee = Invitee(user=to, reason="roadshow_why_forwarded", about=turn.name)
    sent, _ = await roadshows.invite(turn.services, roadshow, [invitee])
    key = "roadshow_forwarded" if sent else "roadshow_forward_later"
    return Step(replies=[Reply(text=turn.say(key, who=who))], next=END)


FORWARDING = Dialogue(
    name="roadshow_forward",
    entry_points={"roadshow_forward": forward},
    states={
        Flow.ROADSHOW_FORWARD: State(
            on_text=forward_to, actions={"roadshow_forward_pick": forward_pick}
        )
    },
)


# --- the organiser's list


async def listing(turn: Turn) -> list[Reply]:
    """`roadshows`: the sender's roadshows (an admin's: all planned), with who comes."""
    store = turn.store
    mine = await store.roadshows.find(limit=None, organiser=turn.message.user)
    if turn.role.global_admin:  # a local admin sees their own, as any organiser
        planned = await store.roadshows.find(limit=None, state=OneOf.of(roadshows.PLANNED))
        mine += [r for r in planned if r.organiser != turn.message.user]
    if not mine:
        return [Reply(text=turn.say("roadshows_none"))]
    zone = turn.services.settings.nudges.timezone
    lines = []
    for roadshow in sorted(mine, key=lambda r: r.at):
        seen = roadshows.attendees(roadshow)
        names = [a["name"] or a["user"] for a in seen["coming"]]
        lines.append(
            turn.say(
                "roadshows_line",
                title=roadshow.title,
                when=roadshows.when(roadshow, turn.language, zone),
                taken=len(seen["coming"]),
                places=roadshow.places,
                waiting=len(seen["waiting"]),
                names=", ".join(names) or "–",
            )
        )
    return [Reply(text="\n".join(lines))]
