"""Text normalisation for matching: how "Hjemmeplejens ventetider", "hjemmeplejen ventetid"
and "hjemmeplejens ventetider" typed on an English keyboard all meet.

A word becomes an index key in three steps: case folding and Unicode normalisation; the
ASCII spellings ae/oe/aa written back as æ/ø/å (many people type Danish without a Danish
keyboard, and doing it on both sides keeps documents and questions consistent); then the
Snowball stemmer of the text's language. A looser key, with æ/ø/å reduced to a/o/a, lets
"born" find "børn" too.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib import resources

import Stemmer

_WORD = re.compile(r"[^\W_]+")
_DANISH_LETTERS = str.maketrans({"ä": "æ", "ö": "ø"})
_ASCII_FOLD = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"})
_LOOSE = str.maketrans({"æ": "a", "ø": "o", "å": "a"})

# Bounds on what one question may cost, whatever was pasted into the chat.
MAX_QUERY_CHARS = 1000
MAX_QUERY_WORDS = 32

_stemmers = {"da": Stemmer.Stemmer("danish"), "en": Stemmer.Stemmer("english")}


def fold(text: str) -> str:
    """Lower case, Danish letters spelled out in ASCII, other accents dropped."""
    text = unicodedata.normalize("NFC", text).casefold().translate(_ASCII_FOLD)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def danish_letters(word: str) -> str:
    """ "aeldre" → "ældre", "haandtering" → "håndtering"; accents other than æøå dropped."""
    word = word.translate(_DANISH_LETTERS).replace("ae", "æ").replace("oe", "ø")
    word = word.replace("aa", "å")
    decomposed = unicodedata.normalize("NFKD", word)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c) or c == "\u030a")
    return unicodedata.normalize("NFC", kept)


def words(text: str) -> list[str]:
    """Case-folded words, Danish letters kept; digits count as words, punctuation does not."""
    return _WORD.findall(unicodedata.normalize("NFC", text).casefold())


@lru_cache(maxsize=200_000)
def key(word: str, language: str) -> str:
    """The index key of one case-folded word in a language ("da" or "en")."""
    if language == "da":
        return _stemmers["da"].stemWord(danish_letters(word))
    return _stemmers["en"].stemWord(fold(word))


def loose(term: str) -> str:
    return term.translate(_LOOSE)


def _stop_words(language: str) -> frozenset[str]:
    text = (
        resources.files("knowledge")
        .joinpath(f"data/stopwords.{language}.txt")
        .read_text(encoding="utf-8")
    )
    lines = (line for line in text.splitlines() if not line.lstrip().startswith("#"))
    found = {w for line in lines for w in words(line)}
    if language == "da":
        found |= {danish_letters(w) for w in found} | {fold(w) for w in found}
    return frozenset(found)


STOP_WORDS = {"da": _stop_words("da"), "en": _stop_words("en")}
ANY_STOP_WORDS = STOP_WORDS["da"] | STOP_WORDS["en"]


def content_keys(text: str, language: str) -> list[str]:
    """The index keys of a document's text, stop words left out."""
    stop = STOP_WORDS[language]
    return [key(w, language) for w in words(text) if w not in stop and len(w) > 1]


def query_words(question: str) -> list[str]:
    """The words of a question, bounded in length and number, so that the cost of a question
    never depends on how much was pasted."""
    return words(question[:MAX_QUERY_CHARS])[: MAX_QUERY_WORDS * 3]
