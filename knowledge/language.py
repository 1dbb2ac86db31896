"""Which language a question is written in, so a reply can be in the same: Danish or English,
or None when the words cannot tell (a name, one word both languages use, an emoji).

Each word counts for a language when only that language has it, asked in this order: a
letter æ, ø or å; a stop word ("hvordan", "the"); a word common in everyday use
(`data/common.*.txt`: "borgere" is Danish, "people" English); a term of the shipped synonyms
and glossary ("hoftebrud", "reablement"). Words both have ("team", "plan", "chatbot"), names
and unknown words count for neither. The language with more such words wins; a tie is None.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Literal

from knowledge.common import COMMON_BY_LANGUAGE, common_form
from knowledge.lexicon import load_lexicon
from knowledge.text import STOP_WORDS, danish_letters, key, query_words

Language = Literal["da", "en"]
_DANISH_LETTERS = frozenset("æøå")
_DANISH, _ENGLISH = COMMON_BY_LANGUAGE["da"], COMMON_BY_LANGUAGE["en"]


def language_of(question: str) -> Language | None:
    """ "da" or "en" for the language most of the question's telling words belong to; None
    if none of them tells, or as many tell for each."""
    danish = english = 0
    for vote in _votes(query_words(question)):
        danish += vote == "da"
        english += vote == "en"
    if danish == english:
        return None
    return "da" if danish > english else "en"


def word_language(word: str) -> Language | None:
    """The language a single case-folded word belongs to alone, by the same signs as
    language_of; None for a word both use, a name or an unknown word."""
    return next(iter(_votes((word,))))


def _votes(words: Iterable[str]) -> Iterable[Language | None]:
    for word in words:
        if _DANISH_LETTERS.intersection(word):
            yield "da"
            continue
        in_danish = danish_letters(word) in STOP_WORDS["da"] or word in STOP_WORDS["da"]
        in_english = word in STOP_WORDS["en"]
        if in_danish != in_english:
            yield "da" if in_danish else "en"
            continue
        if in_danish:  # a stop word of both ("i", "for", "under"): it tells nothing
            yield None
            continue
        form = common_form(word)
        in_danish, in_english = form in _DANISH, form in _ENGLISH
        if in_danish == in_english:
            danish_terms, english_terms = _lexicon_words()
            in_danish, in_english = (
                key(word, "da") in danish_terms,
                key(word, "en") in english_terms,
            )
        yield ("da" if in_danish else "en") if in_danish != in_english else None


@cache
def _lexicon_words() -> tuple[frozenset[str], frozenset[str]]:
    """The shipped synonyms' and glossary's words by language, as index keys."""
    lexicon = load_lexicon()
    return lexicon.vocabulary("da"), lexicon.vocabulary("en")
