"""Asking: answers as cards with their results, more of them, details, a question back when
two answers are equally good, and unmet demand recorded when none is good enough.

Being answered tells nobody anything: a manager hears only of what a person did with an
answer (details, contact, adoption; bot/nudges.py), since an answer may be a wrong match."""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace

from bot import follows
from bot.cards import cards_for, follow_action
from bot.consent import ask_once
from bot.i18n import listed
from bot.messages import Action, Choice, Reply
from bot.render_text import quoted
from bot.turn import Refusal, Turn
from knowledge.matcher import Match, unexplained_by_all
from knowledge.records import Demand, Feedback, new_id
from knowledge.store import Store
from knowledge.text import MAX_QUERY_CHARS, question_key
from knowledge.topics import Topic

PAGE = 3
DEEPEST = 9  # "more" goes this far; the matcher's further candidates are rarely useful
# Two answers this close, and ahead of the rest, say nothing about which the asker meant.
NEAR_TIE = 0.02
PAYLOAD_QUESTION = 500  # characters of the question a button carries (Slack allows 2,000)
NAMED_UNEXPLAINED = 3  # words a reply names as covered by none of its answers
# An answer is read on a phone: with three cards (two buttons each), *Vis flere* and *Hjalp
# ikke* it carries 8 buttons, and no more (the README says so).
MOST_BUTTONS = 8
# A number typed alone ("7", "[2]", "3."): meant for a button, not a question to search.
BARE_NUMBER = re.compile(r"[\[(#]?\s*(\d{1,9})\s*[\])]?[.:)]?")


async def ask(turn: Turn, question: str, *, offset: int = 0) -> list[Reply]:
    question = question.strip()[:MAX_QUERY_CHARS]
    if not question:
        return [Reply(text=turn.say("empty"))]
    if number := BARE_NUMBER.fullmatch(question):
        return [Reply(text=turn.say("bare_number", number=number.group(1)))]
    if not turn.kb.matcher.content_words(question):
        return [Reply(text=turn.say("no_words"))]
    turn.session.memory["question"] = question
    today = turn.services.clock().date()
    matches = await turn.kb.search(question, top=min(DEEPEST, offset + PAGE) + 1, today=today)
    turn.session.memory["offset"] = offset
    if not matches and offset == 0:
        return [await _unmet(turn, question)]
    if offset == 0:
        picked = await picked_for(turn.store, question)
        matches = _learned_first(picked, matches)
        if picked is None and _near_tie(matches):
            if _not_mentioned(turn, matches[:2]):
                await _near_miss(turn, question, matches[:2])
            return [_which_did_you_mean(turn, question, matches[:2])]
    page = matches[offset : offset + PAGE]
    if not page:
        return [Reply(text=turn.say("no_more", question=quoted(question)))]
    more = len(matches) > offset + PAGE and offset + PAGE < DEEPEST
    heading = ("answers" if len(page) > 1 else "answer") if offset == 0 else "more_answers"
    missing = _not_mentioned(turn, page) if offset == 0 else ""  # said once, on page one
    if missing:
        heading = "answers_unexplained" if len(page) > 1 else "answer_unexplained"
        await _near_miss(turn, question, page)
    cards = await cards_for(
        turn.store,
        [m.solution for m in page],
        language=turn.language,
        why={m.solution.id: m.terms for m in page},
        today=today,
    )
    text = turn.say(heading, question=quoted(question), words=missing)
    actions = _answer_actions(turn, question, page, more=more, offset=offset)
    topic = await _to_follow(turn, question, page) if offset == 0 else None
    if topic is not None:
        label = follows.label_of(topic, (m.solution for m in page))
        # One *Følg* an answer, never one a card. When the answer's buttons are all used
        # (three cards and *Vis flere*), it gives way, and a line says what to type: the
        # buttons there serve the question just asked, while following is for the weeks
        # ahead, and `følg <emne>` does the same as the button.
        if sum(len(c.actions) for c in cards) + len(actions) < MOST_BUTTONS:
            actions = (*actions, follow_action(topic, label, turn.language))
        else:
            text += "\n\n" + turn.say("follow_offer_typed", topic=label)
    return [Reply(text=text, cards=cards, actions=actions)]


async def _to_follow(turn: Turn, question: str, page: list[Match]) -> Topic | None:
    """The topic the answer offers to follow (bot/follows.py `answer_topic`), unless the
    asker follows it already or Spred cannot write to them (a web visitor, who is anonymous:
    no digest could reach them, and following needs a login there)."""
    topic = follows.answer_topic(question, [m.solution for m in page], turn.kb.topics())
    user = turn.message.user
    if topic is None or not await turn.services.outbox.reachable(user):
        return None
    if await turn.store.follows.get(follows.follow_id(user, topic.key)) is not None:
        return None
    return topic


def _not_mentioned(turn: Turn, shown: list[Match]) -> str:
    """The question's telling words none of the answers shown mentions, as a reply lists
    them ("“a”, “b” eller “c”"); "" when they cover them all."""
    words = [f"“{w}”" for w in unexplained_by_all(shown)[:NAMED_UNEXPLAINED]]
    return listed(turn.language, words, joined_by="or")


def _answer_actions(
    turn: Turn, question: str, page: list[Match], *, more: bool, offset: int
) -> tuple[Action, ...]:
    """The reply's own buttons, beside the cards': more answers, and "did not help", which
    records the need as unmet demand. Nobody is asked to say an answer helped: what people
    do with it (details, contact, adoption) says so better, and the buttons stay few."""
    q = question[:PAYLOAD_QUESTION]
    unhelpful = {
        "q": q,
        "solution": page[0].solution.id,
        "helpful": False,
        "shown": [m.solution.id for m in page],
    }
    actions = [Action(id="feedback", label=turn.say("act_not_helpful"), payload=unhelpful)]
    if more:
        following = {"q": q, "offset": offset + PAGE}
        actions.insert(0, Action(id="more", label=turn.say("act_more"), payload=following))
    return tuple(actions)


def _learned_first(picked: str | None, matches: list[Match]) -> list[Match]:
    chosen = [m for m in matches if m.solution.id == picked]
    return chosen + [m for m in matches if m.solution.id != picked] if chosen else matches


def _near_tie(matches: list[Match]) -> bool:
    if len(matches) < 2:
        return False
    scores = [m.score for m in matches[:3]]
    apart = len(scores) == 2 or scores[1] - scores[2] >= NEAR_TIE
    return scores[0] - scores[1] < NEAR_TIE and apart


def _which_did_you_mean(turn: Turn, question: str, tied: list[Match]) -> Reply:
    q = question[:PAYLOAD_QUESTION]
    tied_ones = [m.solution for m in tied]
    first, second = tied_ones
    options = (
        *(Action(id="pick", label=s.title, payload={"q": q, "solution": s.id}) for s in tied_ones),
        Action(
            id="pick_none",
            label=turn.say("none_of_these"),
            payload={"q": q, "shown": [s.id for s in tied_ones]},
        ),
    )
    missing = _not_mentioned(turn, tied)
    text = turn.say(
        "near_tie_unexplained" if missing else "near_tie",
        first=first.title,
        second=second.title,
        words=missing,
    )
    return Reply(text=text, choice=Choice(label=text, options=options))


async def _unmet(
    turn: Turn, question: str, *, said: str = "no_match", rejected: tuple[str, ...] = ()
) -> Reply:
    """Records a question as open demand and offers to tell the asker when it is met (by a
    solution other than those the asker rejected)."""
    near_miss = await turn.store.demand.get(_near_miss_id(turn, question))
    await turn.store.demand.delete(_near_miss_id(turn, question))  # now met by nothing at all
    # Offered to colleagues already as a near miss (bot/routing.py): still that question,
    # kept under its id so their answers reach it, and not offered to anyone again.
    routed = near_miss.routed_at if near_miss is not None else None
    demand = Demand(
        id=near_miss.id if near_miss is not None and routed is not None else new_id(),
        question=question,
        asker=turn.message.user,
        asker_name=turn.name,
        asked_at=turn.services.clock(),
        org_id=turn.message.org_id,
        language=turn.language,
        rejected=rejected,
        routed_at=routed,
        name_ok=near_miss is not None and near_miss.name_ok,
    )
    await turn.store.demand.upsert(demand)
    ref = {"demand": demand.id}
    # Colleagues who follow its topic may be asked (bot/routing.py): anonymously, unless
    # the asker lets them see their name.
    return Reply(
        text=turn.say(said, question=quoted(question)) + "\n\n" + turn.say("demand_name_ask"),
        actions=(
            Action(id="notify", label=turn.say("notify_me"), payload=ref),
            Action(id="demand_name_ok", label=turn.say("act_demand_name_ok"), payload=ref),
        ),
    )


async def _near_miss(turn: Turn, question: str, shown: list[Match]) -> None:
    """Records a question only near misses answered as demand: the need is still open, if
    less plainly than with no answer at all. One record a person and question, so asking
    again, or then saying the answers did not help, does not count them twice."""
    demand = Demand(
        id=_near_miss_id(turn, question),
        question=question,
        asker=turn.message.user,
        asker_name=turn.name,
        asked_at=turn.services.clock(),
        org_id=turn.message.org_id,
        language=turn.language,
        rejected=tuple(m.solution.id for m in shown),
        near_miss=True,
    )

    def again(current: Demand | None) -> Demand:
        # Asked again: what the asker allowed, and whether it was offered to colleagues
        # (bot/routing.py), stay as they were.
        if current is None:
            return demand
        return replace(demand, name_ok=current.name_ok, routed_at=current.routed_at)

    await turn.store.demand.update(demand.id, again)


def _near_miss_id(turn: Turn, question: str) -> str:
    asked = f"{turn.message.user}\n{question_key(question)}".encode()
    return "near-miss-" + hashlib.sha256(asked).hexdigest()[:32]


async def more(turn: Turn) -> list[Reply]:
    if turn.message.action:
        question = turn.payload_text("q", limit=PAYLOAD_QUESTION)
        offset = turn.message.payload.get("offset", PAGE)
        if not isinstance(offset, int) or isinstance(offset, bool) or not 0 <= offset < DEEPEST:
            raise Refusal("unknown_action")
    else:
        question = str(turn.session.memory.get("question", ""))
        offset = int(turn.session.memory.get("offset", 0)) + PAGE
    if not question:
        return [Reply(text=turn.say("nothing_to_continue"))]
    if offset >= DEEPEST:
        return [Reply(text=turn.say("no_more", question=quoted(question)))]
    return await ask(turn, question, offset=offset)


async def details(turn: Turn) -> list[Reply]:
    """A solution in full, with what one can do about it; reading on is something a person
    did, which a manager may hear of when several of their unit do it."""
    solution = await turn.solution_from_payload()
    shown = await cards_for(
        turn.store,
        [solution],
        language=turn.language,
        detailed=True,
        today=turn.services.clock().date(),
    )
    me = await turn.person()
    prompted = await turn.services.tell_manager(me, solution, did="details")
    text = turn.say("manager_told_group", title=solution.title) if prompted else ""
    question, buttons = await ask_once(turn, me, prompted)
    return [Reply(text=text + question, cards=shown, actions=buttons)]


async def pick(turn: Turn) -> list[Reply]:
    """The asker chose one of two near-tied answers: remember it for everyone."""
    question = turn.payload_text("q", limit=PAYLOAD_QUESTION)
    solution = await turn.solution_from_payload()
    await turn.store.feedback.upsert(
        Feedback(
            id=new_id(),
            user=turn.message.user,
            org_id=turn.message.org_id,
            helpful=True,
            kind="choice",
            question=question,
            solution_id=solution.id,
        )
    )
    shown = await cards_for(
        turn.store, [solution], language=turn.language, today=turn.services.clock().date()
    )
    return [Reply(text=turn.say("thanks_choice"), cards=shown)]


async def pick_none(turn: Turn) -> list[Reply]:
    question = turn.payload_text("q", limit=PAYLOAD_QUESTION)
    if not question.strip():
        raise Refusal("unknown_action")
    return [await _unmet(turn, question, rejected=turn.payload_ids("shown", most=2))]


async def notify(turn: Turn) -> list[Reply]:
    demand_id = turn.payload_text("demand", limit=64)
    demand = await turn.store.demand.get(demand_id)
    if demand is None or demand.asker != turn.message.user:  # only the asker's own question
        raise Refusal("unknown_action")
    if not demand.notify:
        await turn.store.demand.upsert(replace(demand, notify=True))
    return [Reply(text=turn.say("will_notify"))]


async def feedback(turn: Turn) -> list[Reply]:
    helpful = turn.message.payload.get("helpful")
    if not isinstance(helpful, bool):
        raise Refusal("unknown_action")
    question = turn.payload_text("q", limit=PAYLOAD_QUESTION)
    solution = turn.message.payload.get("solution")
    shown = turn.payload_ids("shown", most=PAGE)
    await turn.store.feedback.upsert(
        Feedback(
            id=new_id(),
            user=turn.message.user,
            org_id=turn.message.org_id,
            helpful=helpful,
            question=question,
            solution_id=solution if isinstance(solution, str) and len(solution) <= 80 else None,
        )
    )
    if not helpful and question.strip():
        # What was shown did not meet the need: that is unmet demand as much as a question
        # nothing matched (and the matcher cannot tell every near miss from an answer).
        return [await _unmet(turn, question, said="not_helpful", rejected=shown)]
    return [Reply(text=turn.say("thanks_feedback"))]


async def picked_for(store: Store, question: str) -> str | None:
    """The solution askers last chose between this question's near-tied answers, if any
    did. Asked of the store each time, so a choice made through another server counts at
    once."""
    choices = await store.feedback.find(kind="choice", question_key=question_key(question))
    latest = max((f for f in choices if f.solution_id), key=lambda f: f.created_at, default=None)
    return None if latest is None else latest.solution_id
