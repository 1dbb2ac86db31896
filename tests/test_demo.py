"""The shipped demo knowledge base: valid, broad, and findable."""

from __future__ import annotations

from collections import Counter

from knowledge.kb import demo_solutions
from knowledge.matcher import Matcher

DOMAINS = {
    "ældrepleje", "børn og unge", "dagtilbud", "skole", "beskæftigelse",
    "sundhed og genoptræning", "psykiatri", "handicap", "hjemløshed",
    "borgerservice og digitalisering", "sagsbehandling", "sygefravær og rekruttering",
    "klima og veje",
}  # fmt: skip


def test_the_demo_base_is_valid_and_covers_every_domain() -> None:
    solutions = demo_solutions()  # raises on any invalid entry
    assert len(solutions) >= 40
    per_domain = Counter(d for s in solutions if s.language == "da" for d in s.domains)
    assert set(per_domain) == DOMAINS
    assert min(per_domain.values()) >= 3
    assert len({s.organization for s in solutions}) >= 25
    assert sum(s.language == "en" for s in solutions) >= 5  # for Danish questions about them
    for s in solutions:
        assert (s.key_result.before, s.key_result.after) != (None, None)  # a measured figure
        assert s.contacts[0].email.endswith(".eksempel.dk")  # fictional people only


def test_a_question_typed_the_way_nurses_type_finds_home_care_waiting_time() -> None:
    matcher = Matcher()
    matcher.add_all(demo_solutions())
    found = [m.solution.id for m in matcher.search("hvordan får vi ventetiden ned i hjemmeplejen?")]
    assert "hurtig-opstart-i-hjemmeplejen" in found
    assert matcher.search("hvordan bager man en kage") == []
