"""The matcher's quality on the development set, held to the targets the benchmark reports.

Not a timing test: it counts right answers, so it fails when a change makes answers worse.
"""

from __future__ import annotations

from collections import Counter

from benchmarks.evalset import load_questions, quality
from knowledge.kb import demo_solutions
from knowledge.matcher import Matcher


def test_the_development_set_is_well_formed() -> None:
    questions = load_questions()
    ids = {s.id for s in demo_solutions()}
    assert len(questions) >= 150
    assert all(q.expected <= ids for q in questions)
    kinds = Counter(q.kind for q in questions)
    assert kinds["none"] >= 20
    assert all(not q.expected for q in questions if q.kind == "none")


def test_recall_and_honest_no_match_meet_the_targets() -> None:
    matcher = Matcher()
    matcher.add_all(demo_solutions())
    shown = [(q, [m.solution.id for m in matcher.search(q.q, top=3)]) for q in load_questions()]
    measured = quality(shown)
    assert measured["R@3"] >= 0.92, measured
    assert measured["balanced"] >= 0.90, measured
