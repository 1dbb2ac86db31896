"""The first matcher: Danish folding, typos, compounds, an honest no-match, updates."""

from __future__ import annotations

from dataclasses import replace

import pytest

from knowledge.matcher import Matcher
from knowledge.text import MAX_QUERY_CHARS, fold, query_words
from tests.conftest import make_solution


@pytest.fixture
def matcher() -> Matcher:
    m = Matcher()
    m.add_all(
        [
            make_solution(),
            make_solution(
                "faerre-fald",
                title="Færre faldulykker på plejecentre",
                summary="Sengesensorer og faldrisikovurdering.",
                problem="Mange beboere faldt om natten.",
                description="Sensorerne varsler personalet.",
                tags=["fald", "plejecenter"],
            ),
        ]
    )
    return m


@pytest.mark.parametrize(
    ("typed", "folded"),
    [("Ældrepleje", "aeldrepleje"), ("FÆRRE", "faerre"), ("børn", "boern"), ("Århus", "aarhus"),
     ("café", "cafe")],
)  # fmt: skip
def test_danish_letters_fold_to_their_ascii_spelling(typed: str, folded: str) -> None:
    assert fold(typed) == folded


@pytest.mark.parametrize(
    "question",
    ["ventetid hjemmepleje", "ventetiden i hjemmeplejen", "ventetidsgaranti", "vetnetid",
     "VENTETID!!"],
)  # fmt: skip
def test_inflections_compounds_and_typos_find_the_solution(matcher: Matcher, question: str) -> None:
    found = matcher.search(question)
    assert found, question
    assert found[0].solution.id == "kortere-ventetid"
    assert 0 < found[0].score <= 1
    assert found[0].terms


def test_text_typed_without_danish_letters_matches(matcher: Matcher) -> None:
    assert matcher.search("faerre faldulykker paa plejecentre")[0].solution.id == "faerre-fald"


@pytest.mark.parametrize("question", ["", "   ", "🙂🙂🙂", "?!", "og i at"])
def test_nothing_to_search_for_is_a_clear_no_match(matcher: Matcher, question: str) -> None:
    assert matcher.search(question) == []


def test_an_unrelated_question_gets_no_match(matcher: Matcher) -> None:
    assert matcher.search("opskrift på kanelsnegle med glasur") == []


def test_a_huge_paste_is_bounded(matcher: Matcher) -> None:
    pasted = "ventetid " + " ".join(f"ord{i}" for i in range(10_000))
    assert len(" ".join(query_words(pasted))) <= MAX_QUERY_CHARS
    assert matcher.search(pasted) == []  # 32 terms, one of which matches: not good enough


def test_updates_and_retirement_are_incremental(matcher: Matcher) -> None:
    solution = make_solution()
    matcher.add(
        replace(
            solution,
            title="Hurtigere hjælp",
            tags=("opstart",),
            summary="Opstart.",
            problem="",
            description="",
            results=solution.results,
        )
    )
    assert matcher.search("opstart")[0].solution.title == "Hurtigere hjælp"
    matcher.add(replace(solution, retired=True))
    assert all(m.solution.id != "kortere-ventetid" for m in matcher.search("ventetid"))
    assert len(matcher) == 1
    matcher.remove("faerre-fald")
    assert matcher.search("faldulykker") == []
