"""Who follows what (issue 17): one `Follow` record per person and topic (knowledge/topics.py),
kept until they stop following or are forgotten (bot/privacy.py). A follow is theirs alone:
no other person, manager or admin is shown it; only the digest it asks for reads it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from knowledge.records import Follow
from knowledge.solutions import Solution
from knowledge.store import Store
from knowledge.text import folded_name, words
from knowledge.topics import Kind, Topic

MOST = 50  # topics one person may follow: a digest of more would say nothing
# What an answer offers to follow: a domain or a profession says what a question is about;
# a tag is too narrow, and an organisation or one solution is news of them, not the question's.
OFFERED = (Kind.DOMAIN, Kind.PROFESSION)
LONGEST_NAME = 4  # words of a topic's name a question is searched for (ældre- og sundhedspleje…)


def follow_id(user: str, topic_key: str) -> str:
    return f"{user}|{topic_key}"


def channel_address(platform: str, channel: str) -> str:
    """Where a channel that follows gets its digest: "slack:#C123", "teams:#<tenant>/19:…"
    (`channel` as its adapter names it, `Incoming.channel`)."""
    return f"{platform}:#{channel}"


def is_channel(address: str) -> bool:
    return address.partition(":")[2].startswith("#")


def label_of(topic: Topic, solutions: Iterable[Solution]) -> str:
    """A topic as people read it: its value as the solutions write it, a solution's title."""
    if topic.kind is Kind.SOLUTION:
        return next((s.title for s in solutions if s.id == topic.value), topic.value)
    return topic.value


def known_by_key(key: str, known: Mapping[str, Topic]) -> Topic | None:
    """The known topic (KnowledgeBase.topics, by folded value) a key names: what a button
    may ask to follow. One look-up: the key holds the folded value after its kind."""
    topic = known.get(key.partition(":")[2])
    return topic if topic is not None and topic.key == key else None


async def following(store: Store, user: str) -> list[Follow]:
    """What `user` follows, oldest first."""
    return sorted(await store.follows.find(user=user), key=lambda f: f.at)


async def follow(
    store: Store, user: str, topic: Topic, *, label: str, language: str, at: datetime
) -> bool:
    """Starts `user` following `topic`; False if they did already."""
    record = Follow(
        id=follow_id(user, topic.key),
        user=user,
        topic=topic.key,
        label=label,
        language=language,
        at=at,
    )
    return await store.follows.insert(record)


async def unfollow(store: Store, user: str, topic_key: str) -> bool:
    """Stops `user` following the topic; False if they did not."""
    return await store.follows.delete(follow_id(user, topic_key))


def answer_topic(
    question: str, shown: Sequence[Solution], known: Mapping[str, Topic]
) -> Topic | None:
    """The topic an answer is mainly about, to offer following it: a domain or profession
    the question names (its words, folded, as a topic's whole name) that a solution shown is
    about; else the domain more than half of the solutions shown share (the best answer's
    first of equally shared ones); else None. Looks the question's words up in `known`
    (KnowledgeBase.topics), so it costs the same with 10 or 10,000 solutions."""
    typed = words(question)
    for length in range(min(LONGEST_NAME, len(typed)), 0, -1):
        for start in range(len(typed) - length + 1):
            topic = known.get(folded_name(" ".join(typed[start : start + length])))
            if topic is not None and topic.kind in OFFERED and any(map(topic.covers, shown)):
                return topic
    shared = Counter(n for s in shown for n in dict.fromkeys(map(folded_name, s.domains)) if n)
    if not shared:
        return None
    name, count = shared.most_common(1)[0]  # of equal counts, the first seen: the best answer's
    topic = known.get(name)
    if 2 * count <= len(shown) or topic is None or topic.kind is not Kind.DOMAIN:
        return None
    return topic
