"""Text normalisation for matching: how "Hjemmeplejens ventetider", "hjemmeplejen ventetid"
and "hjemmeplejens ventetider" typed on an English keyboard all meet.

A word becomes an index key in three steps: case folding and Unicode normalisation; the
ASCII spellings ae/oe/aa written back as æ/ø/å (many people type Danish without a Danish
keyboard, and doing it on both sides keeps documents and questions consistent); then the
Snowball stemmer of the text's language, for Danish after the lemma of the forms it would
miss ("ventede" → "vente"). A looser key, with æ/ø/å reduced to a/o/a, lets
"born" find "børn" too.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
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
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def folded_name(name: str) -> str:
    """An organisation's name as two are compared: folded, runs of spaces as one
    ("Aarhus  Kommune" = "aarhus kommune")."""
    return " ".join(fold(name).split())


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


_KEYS: dict[str, dict[str, str]] = {"da": {}, "en": {}}
_MAX_CACHED = 500_000  # words; hostile input must not grow the cache without end


def shipped_text(name: str) -> str:
    """A data file shipped in knowledge/data."""
    return resources.files("knowledge").joinpath(f"data/{name}").read_text(encoding="utf-8")


def content_lines(text: str) -> Iterator[tuple[int, str]]:
    """The numbered lines of a data file that are neither blank nor comments ("# …")."""
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip() and not line.lstrip().startswith("#"):
            yield number, line


def _exceptions() -> dict[str, str]:
    found: dict[str, str] = {}
    for _, line in content_lines(shipped_text("stems.da.txt")):
        stem, _, forms = line.partition(":")
        found.update((danish_letters(form), stem.strip()) for form in forms.split())
    return found


# Forms the Snowball stemmer would merge with unrelated words ("ledige" and "leder").
_DANISH_EXCEPTIONS = _exceptions()


def loose(term: str) -> str:
    return term.translate(_LOOSE)


def _lemmas() -> dict[str, str]:
    found: dict[str, str] = {}
    for _, line in content_lines(shipped_text("lemmas.da.txt")):
        lemma, _, forms = line.partition(":")
        # Looked up as key() sees a word: with ae/oe/aa as æ/ø/å ("risikoers" → "risikøers").
        found.update((danish_letters(form), lemma.strip()) for form in forms.split())
    return found


# Inflected forms the Snowball stemmer leaves apart from their word: the past tense
# ("ventede" and "venter"), strong verbs ("udskrevet", "udskrive"), irregular plurals
# ("børn", "barn"). Made from simplemma by `python -m knowledge.lemmas`.
_DANISH_LEMMAS = _lemmas()
# The table's forms by their looser spelling, so "born" typed without ø still finds the
# lemma of "børn" ("barn"), as the index's looser spellings find every other word.
_LOOSE_FORMS: dict[str, list[str]] = {}
for _form in _DANISH_LEMMAS:
    _LOOSE_FORMS.setdefault(loose(_form), []).append(_form)


@lru_cache(maxsize=65_536)
def stem(word: str, language: str) -> str:
    """A case-folded word's Snowball stem, without the lemma table: the word as it begins
    or ends compounds ("ældre" in "ældrepleje", where its lemma is "gammel")."""
    if language == "da":
        danish = danish_letters(word)
        return _DANISH_EXCEPTIONS.get(danish) or _stemmers["da"].stemWord(danish)
    return _stemmers["en"].stemWord(fold(word))


def key(word: str, language: str) -> str:
    """The index key of one case-folded word in a language ("da" or "en")."""
    cache = _KEYS[language]
    found = cache.get(word)
    if found is None:
        if language == "da":
            danish = danish_letters(word)
            found = _DANISH_EXCEPTIONS.get(danish) or stem(_DANISH_LEMMAS.get(danish, danish), "da")
        else:
            found = stem(word, "en")
        if len(cache) >= _MAX_CACHED:
            cache.clear()
        cache[word] = found
    return found


@lru_cache(maxsize=65_536)
def loose_lemma_keys(word: str) -> frozenset[str]:
    """The Danish keys of the lemma table's forms spelt like `word`, typed without æ/ø/å
    (as a/o/a): {"barn"} for "born". Empty for most words."""
    danish = danish_letters(word)
    if danish in _DANISH_LEMMAS or not danish.isascii():
        return frozenset()  # spelt as the table spells it: key() has found the lemma
    return frozenset(key(form, "da") for form in _LOOSE_FORMS.get(danish, ()))


def _stop_words(language: str) -> frozenset[str]:
    lines = content_lines(shipped_text(f"stopwords.{language}.txt"))
    found = {w for _, line in lines for w in words(line)}
    if language == "da":
        found |= {danish_letters(w) for w in found} | {fold(w) for w in found}
    return frozenset(found)


STOP_WORDS = {"da": _stop_words("da"), "en": _stop_words("en")}
ANY_STOP_WORDS = STOP_WORDS["da"] | STOP_WORDS["en"]


_DOCUMENT_KEYS: dict[str, dict[str, str]] = {"da": {}, "en": {}}
# Words a language indexes but a question leaves out ("the" in Danish text): terms, but no
# part of a phrase.
_OTHER_STOP_WORDS = {language: ANY_STOP_WORDS - STOP_WORDS[language] for language in STOP_WORDS}
# Where a phrase of the synonyms or glossary cannot run on: the end of a sentence, a clause,
# a list item or a tag. "ventetid, hjemmepleje" is two tags, not one term.
_PHRASE_BREAK = re.compile(r"[.,;:!?()\[\]{}|\n\u2022\u2013\u2014]+")
# Phrases by their first and second key: the synonym and glossary terms of more than one
# word, as index keys, which a document holds as one term where their words stand together.
PhraseStarts = Mapping[str, Mapping[str, Sequence[tuple[str, ...]]]]


def phrase_term(phrase: Sequence[str]) -> str:
    """The index term of a phrase whose words stand together; a key never holds a space."""
    return " ".join(phrase)


def weigh_keys(
    fields: Iterable[tuple[str, float]], language: str, phrases: PhraseStarts | None = None
) -> dict[str, float]:
    """Index keys with the summed weights of the fields they occur in (BM25F's term
    frequency), and the `phrases` whose words stand together, as one term each (a phrase
    reads its words as a question does: without either language's stop words). Solution
    text is already NFC, so only case is folded here. One cache maps a word straight to its
    key, or to "" for a stop word: one look-up per word read."""
    cache = _DOCUMENT_KEYS[language]
    stop = STOP_WORDS[language]
    skipped = _OTHER_STOP_WORDS[language]
    weighted: dict[str, float] = {}
    for text, weight in fields:
        for segment in _PHRASE_BREAK.split(text.casefold()) if phrases else (text.casefold(),):
            run: list[str] = []  # the segment's keys as a question reads them
            for word in _WORD.findall(segment):
                term = cache.get(word)
                if term is None:
                    if len(cache) >= _MAX_CACHED:
                        cache.clear()
                    term = cache[word] = (
                        "" if len(word) < 2 or word in stop else key(word, language)
                    )
                if not term:
                    continue
                weighted[term] = weighted.get(term, 0.0) + weight
                if phrases and word not in skipped:
                    run.append(term)
            for at in range(len(run) - 1):
                seconds = phrases.get(run[at])  # type: ignore[union-attr]
                if seconds is None:
                    continue
                for phrase in seconds.get(run[at + 1], ()):
                    if tuple(run[at : at + len(phrase)]) == phrase:
                        name = phrase_term(phrase)
                        weighted[name] = weighted.get(name, 0.0) + weight
    return weighted


def query_words(question: str) -> list[str]:
    """The words of a question, bounded in length and number, so that the cost of a question
    never depends on how much was pasted."""
    return words(question[:MAX_QUERY_CHARS])[: MAX_QUERY_WORDS * 3]


# A key is an indexed column in PostgreSQL, whose index entries must stay under 2,700 bytes;
# two questions alike in their first 200 characters are one question to count.
MAX_QUESTION_KEY = 200


@lru_cache(maxsize=100_000)  # demand is grouped by it on many paths
def question_key(question: str) -> str:
    """The same question however it was cased, accented or punctuated: groups demand."""
    return " ".join(re.findall(r"\w+", fold(question)))[:MAX_QUESTION_KEY].rstrip()
