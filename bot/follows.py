"""Who follows what (issue 17): one `Follow` record per person and topic (knowledge/topics.py),
kept until they stop following or are forgotten (bot/privacy.py). A follow is theirs alone:
no other person, manager or admin is shown it; only the digest it asks for reads it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from knowledge.records import Follow
from knowledge.solutions import Solution
from knowledge.store import Store
from knowledge.topics import Kind, Topic

MOST = 50  # topics one person may follow: a digest of more would say nothing


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


def known_by_key(known: Mapping[str, Topic]) -> dict[str, Topic]:
    """The known topics (KnowledgeBase.topics) by key: what a button may ask to follow."""
    return {topic.key: topic for topic in known.values()}


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
