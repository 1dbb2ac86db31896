"""Following topics in chat: "følg ældrepleje" / "follow elder care", "følger" / "following",
"stop med at følge ældrepleje" / "unfollow elder care", and the "Følg …" button on a
solution's details and on an answer (bot/flows/ask.py); and how much unsolicited news a
person wants ("færre beskeder", "stop beskeder", "start beskeder igen", and the buttons on
every such message, bot/reach.py).

A topic typed is matched to what the published solutions hold (knowledge/topics.py); a near
miss offers what it may have meant as buttons. A button carries a topic's key, which is
checked against the published topics: a forged or stale one is refused politely.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot import follows
from bot.addresses import Addresses
from bot.dialogues import Handler
from bot.flows import ask
from bot.messages import Action, Reply
from bot.reach import mode_of, set_mode
from bot.turn import Refusal, Turn
from knowledge.records import Follow, ReachMode
from knowledge.text import folded_name
from knowledge.topics import MAX_TOPIC, Topic, find_known

SHOWN_BUTTONS = 5  # a list of follows carries an unfollow button each up to this many


async def follow(turn: Turn) -> list[Reply]:
    published = list(turn.kb.matcher.published())
    if turn.message.action is not None:  # a button: the topic it carries, if still known
        key = turn.payload_text("topic", limit=MAX_TOPIC + 20)
        topic = follows.known_by_key(key, turn.kb.topics())
        if topic is None:
            raise Refusal("follow_unknown_topic")
        return await _start(turn, topic, follows.label_of(topic, published))
    typed = turn.argument.strip()
    found = find_known(typed, turn.kb.topics())
    if found.topic is not None:
        return await _start(turn, found.topic, follows.label_of(found.topic, published))
    if found.meant:
        buttons = tuple(
            Action(id="follow", label=follows.label_of(t, published), payload={"topic": t.key})
            for t in found.meant
        )
        return [Reply(text=turn.say("follow_meant", typed=typed), actions=buttons)]
    # Names no topic at all: a question that starts with the word ("følg op på sygefravær").
    return await ask.ask(turn, turn.message.text)


async def _start(turn: Turn, topic: Topic, label: str) -> list[Reply]:
    user = turn.message.user
    held = await follows.following(turn.store, user)
    if topic.key not in {f.topic for f in held} and len(held) >= follows.MOST:
        raise Refusal("follow_too_many", most=follows.MOST)
    started = await follows.follow(
        turn.store,
        user,
        topic,
        label=label,
        language=turn.language,
        at=turn.services.clock(),
    )
    day = turn.say(f"weekday_{turn.services.settings.digest_day}")
    text = turn.say("follow_started" if started else "follow_already", topic=label, day=day)
    if await mode_of(turn.store, user) is ReachMode.STOP:
        text += "\n\n" + turn.say("follow_but_stopped")
    return [Reply(text=text)]


async def unfollow(turn: Turn) -> list[Reply]:
    user = turn.message.user
    held = await follows.following(turn.store, user)
    if turn.message.action is not None:
        key = turn.payload_text("topic", limit=MAX_TOPIC + 20)
        mine = next((f for f in held if f.topic == key), None)
    else:
        mine = _typed_among(held, turn.argument, turn.kb.topics())
    if mine is None:
        raise Refusal("unfollow_unknown", topic=turn.argument.strip() or "?")
    await follows.unfollow(turn.store, user, mine.topic)
    return [Reply(text=turn.say("unfollowed", topic=mine.label))]


async def following(turn: Turn) -> list[Reply]:
    held = await follows.following(turn.store, turn.message.user)
    if not held:
        return [Reply(text=turn.say("following_none"))]
    lines = "\n".join(f"• {f.label}" for f in held)
    buttons = tuple(
        Action(
            id="unfollow",
            label=turn.say("act_unfollow", topic=f.label),
            payload={"topic": f.topic},
        )
        for f in held
    )
    shown = buttons if len(buttons) <= SHOWN_BUTTONS else ()
    return [Reply(text=turn.say("following_list", lines=lines), actions=shown)]


def _mode(mode: ReachMode, said: str) -> Handler:
    async def choose(turn: Turn) -> list[Reply]:
        await set_mode(turn.store, turn.message.user, mode, at=turn.services.clock())
        return [Reply(text=turn.say(said))]

    return choose


reach_fewer = _mode(ReachMode.FEWER, "reach_fewer_set")
reach_stop = _mode(ReachMode.STOP, "reach_stop_set")
reach_all = _mode(ReachMode.ALL, "reach_all_set")


def _typed_among(held: list[Follow], typed: str, known: Mapping[str, Topic]) -> Follow | None:
    """Which of `held` (someone's follows) `typed` names: as it was followed, else as the
    solutions name it now. A topic no solution names any more can still be stopped."""
    folded = folded_name(typed)
    mine = next(
        (f for f in held if folded in (folded_name(f.label), f.topic.partition(":")[2])), None
    )
    if mine is None:  # typed as the solutions name it, not as it was followed
        found = find_known(typed, known).topic
        mine = next((f for f in held if found is not None and f.topic == found.key), None)
    return mine


# --- a channel that follows: an admin or a local admin writes "digest #kanal ældrepleje"
# (Slack) or "digest ældrepleje" (Teams, where the channel is the one written in) in the
# channel; "stop digest … ældrepleje" ends it. The digest is posted in the channel (its
# address "slack:#C123", "teams:#<tenant>/19:…"), without the buttons for one person's budget.

# Where Spred can post to a channel it was written in, and what the channel is told there:
# that it follows (with how to stop it), and, written elsewhere, where to write it.
CHANNEL_TEXTS = {
    "slack": ("digest_channel_started", "digest_channel_only"),
    "teams": ("digest_channel_started_teams", "digest_channel_only_teams"),
}


async def channel_digest(turn: Turn, stop: str, typed: str) -> list[Reply]:
    message = turn.message
    # Any admin, not only one with a reach (Turn.require_reach): a channel's digest makes
    # nothing its organisation's own, so an organisation without a name yet may have one.
    if not turn.is_admin:
        raise Refusal("digest_channel_admins")
    texts = CHANNEL_TEXTS.get(message.platform)
    if texts is None:
        raise Refusal("digest_channel_platform")
    started_key, only_key = texts
    if message.direct or not message.channel:
        raise Refusal(only_key, topic=typed)
    channel = follows.channel_address(message.platform, message.channel)
    addresses = Addresses(store=turn.store, clock=turn.services.clock)
    if stop.strip():  # what the channel follows, also a topic no solution names any more
        held = await follows.following(turn.store, channel)
        mine = _typed_among(held, typed, turn.kb.topics())
        if mine is None:
            return [Reply(text=turn.say("digest_channel_not", topic=typed))]
        await follows.unfollow(turn.store, channel, mine.topic)
        if len(held) == 1:  # it follows nothing now: nowhere to keep for it
            await addresses.forget(channel)
        return [Reply(text=turn.say("digest_channel_stopped", topic=mine.label))]
    published = list(turn.kb.matcher.published())
    found = find_known(typed, turn.kb.topics())
    if found.topic is None:
        names = ", ".join(follows.label_of(t, published) for t in found.meant)
        raise Refusal("digest_channel_unknown", typed=typed, meant=names or "–")
    label = follows.label_of(found.topic, published)
    # Where its digests go, kept before it follows anything (so no digest is ever due with
    # nowhere to go): the channel's own reference where the adapter gave one (Teams), else
    # the workspace its admin wrote from (Slack).
    reference = message.channel_reference or await addresses.of(message.user)
    if reference is not None:
        await addresses.remember(channel, reference)
    await follows.follow(
        turn.store,
        channel,
        found.topic,
        label=label,
        language=turn.language,
        at=turn.services.clock(),
    )
    day = turn.say(f"weekday_{turn.services.settings.digest_day}")
    return [Reply(text=turn.say(started_key, topic=label, day=day))]
