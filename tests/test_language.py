"""Which language a question is in, so that an English question is answered in English."""

from __future__ import annotations

import orjson
import pytest

from benchmarks.evalset import EVAL, HOLDOUTS
from knowledge.kb import demo_solutions
from knowledge.language import language_of, word_language

# The kinds of evaluation question whose language the kind itself says.
LANGUAGE_OF_KIND = {
    "english_to_danish": "en", "english": "en", "danish_to_english": "da",
    "no_danish_letters": "da", "typo": "da", "inflection_compound": "da", "synonym": "da",
    "paraphrase": "da", "short": "da",
}  # fmt: skip


@pytest.mark.parametrize(
    ("question", "language"),
    [("hvordan får vi ventetiden ned i hjemmeplejen?", "da"), ("sygefravær", "da"),
     ("aeldre der falder om natten", "da"), ("hoftebrud", "da"),
     ("how do we reduce sick leave among care workers", "en"), ("sick leave", "en"),
     ("dyslexia", "en"), ("waiting time home care", "en")],
)  # fmt: skip
def test_a_question_is_danish_or_english(question: str, language: str) -> None:
    assert language_of(question) == language


@pytest.mark.parametrize(
    "question", ["", "🙂", "?!", "team", "chatbot", "mentor", "IPS", "Hanne", "covid-19"]
)
def test_words_both_languages_use_tell_nothing(question: str) -> None:
    assert language_of(question) is None


@pytest.mark.parametrize(
    ("word", "language"),
    [("hjemmeplejen", "da"), ("borgere", "da"), ("hoftebrud", "da"), ("adjust", "en"),
     ("outreach", "en"), ("team", None), ("chatbot", None), ("hanne", None)],
)  # fmt: skip
def test_a_single_word_belongs_to_one_language_or_to_neither(
    word: str, language: str | None
) -> None:
    assert word_language(word) == language


def _known_language(row: dict[str, object], solution_language: dict[str, str]) -> str | None:
    """The language the question is in, where its kind says: a short question in the other
    language is in the language its answers are not in."""
    kind = str(row["kind"])
    if kind == "short_cross_language":
        answers = {solution_language[str(e)] for e in row["expected"]}  # type: ignore[attr-defined]
        return {"da": "en", "en": "da"}[answers.pop()] if len(answers) == 1 else None
    return LANGUAGE_OF_KIND.get(kind)


@pytest.mark.parametrize("path", [EVAL, *HOLDOUTS.values()], ids=lambda p: p.stem)
def test_the_evaluation_questions_get_their_language(path: object) -> None:
    solution_language = {s.id: s.language for s in demo_solutions()}
    rows = [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]  # type: ignore[attr-defined]
    told = [(r["q"], _known_language(r, solution_language)) for r in rows]
    told = [(q, want) for q, want in told if want is not None]
    got = [(q, want, language_of(q)) for q, want in told]
    wrong = [(q, want, found) for q, want, found in got if found not in (want, None)]
    unsure = [q for q, _, found in got if found is None]
    assert len(told) >= 50
    # A question in a Danish kind may be all English loan words ("housing first").
    assert len(wrong) <= 0.04 * len(told), wrong
    assert len(unsure) <= 0.03 * len(told), unsure
