"""Topics people follow and newsletters are about (knowledge/topics.py): matched to what the
published solutions hold, folded, with near misses offered."""

from __future__ import annotations

from dataclasses import replace

from knowledge.kb import KnowledgeBase, demo_solutions
from knowledge.lexicon import Lexicon
from knowledge.matcher import Matcher
from knowledge.solutions import parse_solution
from knowledge.store import Store
from knowledge.topics import Kind, Topic, find_topic, known_topics
from tests.conftest import solution_dict

SOLUTIONS = [
    parse_solution(
        solution_dict(
            "hurtig-opstart",
            title="Hurtig opstart i hjemmeplejen",
            organization="Odense Kommune",
            domains=["Ældrepleje"],
            professions=["Social- og sundhedsassistent"],
            tags=["visitation", "ældrepleje"],
        ),
        path="s",
    ),
    parse_solution(
        solution_dict(
            "sygefravaer", title="Færre sygedage", domains=["Dagtilbud"], tags=["trivsel"]
        ),
        path="s",
    ),
]


def test_a_topic_is_found_folded_and_without_danish_letters() -> None:
    for typed in ("Ældrepleje", "aeldrepleje", "  ÆLDREPLEJE ", "ældrepleje"):
        found = find_topic(typed, SOLUTIONS)
        assert found.topic == Topic(kind=Kind.DOMAIN, value="Ældrepleje")  # domain before tag
    assert find_topic("odense kommune", SOLUTIONS).topic == Topic(
        kind=Kind.ORGANISATION, value="Odense Kommune"
    )
    assert find_topic("social- og sundhedsassistent", SOLUTIONS).topic is not None


def test_one_solution_is_found_by_id_or_title_and_kept_by_id() -> None:
    by_title = find_topic("hurtig opstart i hjemmeplejen", SOLUTIONS).topic
    assert by_title == Topic(kind=Kind.SOLUTION, value="hurtig-opstart")
    assert find_topic("hurtig-opstart", SOLUTIONS).topic == by_title
    assert by_title.covers(SOLUTIONS[0])
    assert not by_title.covers(SOLUTIONS[1])


def test_a_near_miss_offers_what_it_may_have_meant() -> None:
    found = find_topic("ældrepleie", SOLUTIONS)
    assert found.topic is None
    assert found.meant[0] == Topic(kind=Kind.DOMAIN, value="Ældrepleje")
    assert find_topic("kvantefysik", SOLUTIONS) == find_topic("kvantefysik", [])
    assert find_topic("", SOLUTIONS).topic is None


def test_a_topic_covers_the_solutions_about_it_and_round_trips_its_key() -> None:
    topic = Topic(kind=Kind.TAG, value="Trivsel")
    assert [s.id for s in SOLUTIONS if topic.covers(s)] == ["sygefravaer"]
    assert topic.key == "tag:trivsel"
    assert Topic.from_key(topic.key) == Topic(kind=Kind.TAG, value="trivsel")
    assert Topic.from_key("planet:mars") is None
    assert Topic.from_key("tag:") is None


def test_retired_solutions_name_no_topics() -> None:
    retired = [replace(s, retired=True) for s in SOLUTIONS]
    assert known_topics(retired) == {}
    assert len(known_topics(demo_solutions())) > 10


async def test_the_knowledge_bases_topics_are_made_again_only_when_its_index_changes(
    store: Store, lexicon: Lexicon
) -> None:
    await store.solutions.upsert_many(SOLUTIONS)
    kb = await KnowledgeBase.load(store, matcher=Matcher(lexicon=lexicon))
    first = kb.topics()
    assert first["aeldrepleje"] == Topic(kind=Kind.DOMAIN, value="Ældrepleje")
    assert kb.topics() is first  # nothing changed: not made again
    kb.matcher.add(replace(SOLUTIONS[1], domains=("Skole",)))
    changed = kb.topics()
    assert changed["skole"] == Topic(kind=Kind.DOMAIN, value="Skole")
    assert "dagtilbud" not in changed
    kb.matcher.remove("hurtig-opstart")
    assert "aeldrepleje" not in kb.topics()
