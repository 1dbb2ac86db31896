"""Finds the solutions that answer a question, or says honestly that none does.

A question becomes *concepts*: a word, or a phrase the synonym list or the glossary knows
(overlapping phrases are both read). Each concept brings alternatives: its own stems in
Danish and English, synonyms and translations, spellings without æøå, compounds it starts
or ends, and, for words the index does not hold, the parts of a compound or a near spelling
(rapidfuzz); a phrase of the lexicon counts where its words stand together, and its words
apart count in part. Per solution, each concept scores its best alternative with BM25
(field-weighted, saturated to [0, 1)) and counts by its idf, an everyday word little. Two
views of that sum make the term score: the share of the question covered (of what the
solution's language can say), and the absolute evidence. rapidfuzz's similarity to the
title, tags and summary of the question as the solution would put it (a translated concept
in the solution's words) then refines the leaders. A solution *holds* a word when it has the
word itself, a form, a synonym or a translation of it; only those words are listed as
matched, and a leader's score shrinks with the share of the question's telling words it
does not hold. One score in [0, 1] comes out, and a calibrated threshold decides between
answers and an honest "no match".
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from functools import lru_cache, partial

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

from knowledge.common import COMMON_WORDS, common_form
from knowledge.index import Scores, Slots, TermBatch, TermIndex, weigh_documents
from knowledge.language import word_language
from knowledge.lexicon import Lexicon, Phrase, load_lexicon
from knowledge.solutions import LANGUAGES, Solution
from knowledge.text import (
    ANY_STOP_WORDS,
    MAX_QUERY_WORDS,
    PhraseStarts,
    fold,
    key,
    loose_lemma_keys,
    phrase_term,
    query_words,
    stem,
)
from knowledge.text import words as words_of

FIELD_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("title", 3.0), ("tags", 2.5), ("summary", 2.0), ("problem", 1.5), ("metrics", 1.5),
    ("domains", 1.5), ("professions", 1.5), ("organization", 1.0), ("description", 1.0),
)  # fmt: skip

# Similarity of each kind of alternative to the word typed.
SYNONYM = 0.9
TRANSLATION = 1.0  # the same words in the other language: no weaker than the words typed
LOOSE_SPELLING = 0.95
COMPOUND_PARTS = 0.85
PART_OF_COMPOUND = 0.7
MIN_PREFIX = 5  # shorter shared beginnings or endings join unrelated words
MIN_SUFFIX = 4  # a compound's head is its meaning: "by" is too short, "byer" is not
MIN_TYPO = 4
CANDIDATES = 10
TERM_WEIGHT = 0.4  # the rest: rapidfuzz's similarity of the question to title, tags, summary
SHORT_QUESTION = 4  # concepts; longer questions lean less on that similarity
SPECIFIC_IDF = 2.3  # the evidence of one word found in about one solution in ten
EVIDENCE_SCALE = 6.0  # BM25 evidence at which a match is about two-thirds convincing
COVERAGE_SHARE = 0.35  # the exponent of coverage against evidence in the term score
UNKNOWN_IDF = 2.5  # the most a word no solution uses can weigh against a solution
# The most an everyday word (knowledge/data/common.*.txt) weighs: about the idf of a word
# one solution in eight holds. A knowledge base with few solutions in a language makes that
# language's everyday words look rare.
COMMON_IDF = 2.0
APART = 0.7  # what the words of a phrase typed count for where they do not stand together
# What a solution that names none of the question's telling words keeps of its score; one
# that names them all keeps it whole, and one that names some is in between.
UNNAMED_KEEPS = 0.7
# Calibrated on benchmarks/eval: the highest at which the development set keeps both
# Recall@3 and the share of answerable questions answered at 0.95 or more.
DEFAULT_THRESHOLD = 0.21
log = logging.getLogger(__name__)

Hits = npt.NDArray[np.bool_]  # per solution: whether a concept reaches it
MIN_TELLING = 3  # letters; shorter words ("it", "tv") say too little to name as missing

MAX_SIMILAR = 20_000  # solutions whose title, tags and summary are kept ready to compare
PARALLEL_FROM = 10_000  # solutions; below this, starting worker processes costs more
MAX_WORKERS = 8


@dataclass(frozen=True, slots=True)
class Match:
    solution: Solution
    score: float
    # The words of the question the solution holds, which a card lists as matched: the word
    # itself, a form or near spelling of it, a synonym, a translation, or a compound it is
    # the head of. A part of a compound the solution holds alone is listed as that part
    # ("kunst" of "kunstgræsbanerne"); a compound the word only begins is not listed.
    terms: tuple[str, ...]
    # Telling words of the question the solution does not cover (not common, not numbers):
    # what a near miss is about ("byggetilladelser" against waiting times for aids), or a
    # word the knowledge base says differently. A reply can name them honestly.
    unexplained: tuple[str, ...] = ()


def unexplained_by_all(matches: Sequence[Match]) -> tuple[str, ...]:
    """The question's telling words that none of these matches names, in question order:
    what a reply should admit it found nothing about. Not empty means the answers shown are
    near misses, answering only part of the question, which is then still unmet demand."""
    if not matches:
        return ()
    missing = dict.fromkeys(matches[0].unexplained)
    for match in matches[1:]:
        missing = {w: None for w in missing if w in match.unexplained}
    return tuple(missing)


@dataclass(frozen=True, slots=True)
class Prepared:
    """Solutions tokenised for the index, waiting to be applied."""

    ids: tuple[str, ...]  # every solution given, retired ones too: their old entries go
    live: list[Solution]
    batches: list[TermBatch]


@dataclass(frozen=True, slots=True, kw_only=True)
class Filters:
    """Each non-empty set keeps solutions with at least one of its values."""

    professions: frozenset[str] = frozenset()
    domains: frozenset[str] = frozenset()
    organizations: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    statuses: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Split:
    """A Danish compound of the question cut into the parts the index holds."""

    keys: Phrase  # the indexed parts' keys
    shown: tuple[str, ...]  # the same parts as typed, without a linking -s- or -e-
    rest: str = ""  # the part the index does not hold ("græsbanerne"), if any


@dataclass(frozen=True, slots=True)
class Held:
    """What each of a few solutions holds of one concept of the question."""

    shown: list[tuple[str, ...]]  # per solution, the words a card lists as matched
    # Per solution, whether it holds the word itself, so that it names it; a part of a
    # compound alone does not ("kunst" is not "kunstgræsbanerne", nor "affald" "byggeaffald").
    named: Hits


@dataclass(slots=True)
class Concept:
    words: tuple[str, ...]
    alternatives: dict[Phrase, float] = field(default_factory=dict)
    # The alternatives a solution must hold for it to hold the word itself: the word's own
    # forms and spellings, a near spelling of a typo, its synonyms and translations, all parts
    # of a compound, and compounds the word is the head of ("vejvedligehold" is upkeep). The
    # rest only reach it: compounds it begins ("kunstig" from "kunst"), or one part of it.
    holding: dict[Phrase, None] = field(default_factory=dict)
    own: set[Phrase] = field(default_factory=set)  # the word's own forms, as typed or stemmed
    parts: dict[Phrase, str] = field(default_factory=dict)  # a compound's parts, as typed
    apart: list[Concept] = field(default_factory=list)  # a phrase's words, each on its own
    # The languages with no words for it: a word of one language that neither the synonyms
    # nor the glossary translate ("adjust" has no Danish here).
    unsaid: frozenset[str] = frozenset()
    _held_terms: frozenset[str] | None = None  # every term of `holding`, once it is complete

    def telling(self) -> tuple[str, ...]:
        """What an answer should name of this concept: its telling words, or a term of the
        synonyms or glossary as a whole, which says what a question is about even when its
        words are everyday ones ("home help", "older people")."""
        if len(self.words) > 1:
            return (" ".join(self.words),)
        return tuple(w for w in self.words if _telling(w))

    def held_terms(self) -> frozenset[str]:
        if self._held_terms is None:
            self._held_terms = frozenset(term for phrase in self.holding for term in phrase)
        return self._held_terms

    def offer(
        self, phrase: Phrase, similarity: float, *, holds: bool = False, own: bool = False
    ) -> None:
        if not phrase:
            return
        if own:
            self.own.add(phrase)
        if holds or own:
            self.holding[phrase] = None
        if similarity > self.alternatives.get(phrase, 0.0):
            self.alternatives[phrase] = similarity


def _fields(solution: Solution) -> dict[str, str]:
    # Items joined with commas: a phrase never runs from one tag into the next.
    return {
        "title": solution.title, "tags": ", ".join(solution.tags), "summary": solution.summary,
        "problem": solution.problem, "metrics": ", ".join(r.metric for r in solution.results),
        "domains": ", ".join(solution.domains), "professions": ", ".join(solution.professions),
        "organization": solution.organization, "description": solution.description,
    }  # fmt: skip


def _weighted_fields(solution: Solution) -> tuple[tuple[str, float], ...]:
    fields = _fields(solution)
    return tuple((fields[name], weight) for name, weight in FIELD_WEIGHTS)


def _weigh(
    documents: Sequence[tuple[tuple[tuple[str, float], ...], str]], phrases: PhraseStarts
) -> Iterator[TermBatch]:
    """Term batches for the documents, in order. Tokenising is most of the cost of loading a
    large knowledge base and splits cleanly, so big loads use a process per core."""
    workers = min(os.cpu_count() or 1, MAX_WORKERS)
    weigh = partial(weigh_documents, phrases=phrases)
    if len(documents) < PARALLEL_FROM or workers < 2:
        yield weigh(documents)
        return
    size = -(-len(documents) // (workers * 4))
    chunks = [documents[i : i + size] for i in range(0, len(documents), size)]
    context = multiprocessing.get_context("spawn")  # fork is unsafe beside the store's threads
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            batches = list(pool.map(weigh, chunks))
    except (BrokenProcessPool, OSError) as exc:  # a host that cannot spawn: do it here
        log.warning("tokenising in worker processes failed (%s); continuing in-process", exc)
        batches = [weigh(chunk) for chunk in chunks]
    yield from batches


def _facets(solution: Solution) -> Iterable[tuple[str, str]]:
    yield from (("professions", v) for v in solution.professions)
    yield from (("domains", v) for v in solution.domains)
    yield ("organizations", solution.organization)
    yield ("languages", solution.language)
    yield ("statuses", solution.status)


@lru_cache(maxsize=65_536)
def _telling(word: str) -> bool:
    """Whether a word of a question says what it is about, so an answer should name it."""
    return (
        len(word) >= MIN_TELLING
        and not any(c.isdigit() for c in word)
        and common_form(word) not in COMMON_WORDS
    )


def _said(concept: Concept, words: dict[str, str]) -> str:
    """The concept in a solution's own words (`words`: its title, tags and summary by key)
    where they hold it in other words than typed (a translation, a synonym, a corrected
    spelling); "" where they hold the word itself, or not at all."""
    if words.keys().isdisjoint(concept.held_terms()):  # the most common case, found at once
        return ""
    for phrase in concept.holding:
        if all(term in words for term in phrase):
            return "" if phrase in concept.own else " ".join(words[term] for term in phrase)
    return ""


@lru_cache(maxsize=4096)
def _facet_value(value: str) -> str:
    """Filter values compare folded ("aeldrepleje" selects "ældrepleje"); they repeat a lot."""
    return fold(value)


class Matcher:
    def __init__(self, *, lexicon: Lexicon | None = None, threshold: float = DEFAULT_THRESHOLD):
        self.lexicon = lexicon if lexicon is not None else load_lexicon()
        self.threshold = threshold
        self.index = TermIndex()
        self._solutions: dict[str, Solution] = {}
        # Counts every change to what is indexed, so what is derived from the published
        # solutions (KnowledgeBase.topics) is made again exactly when they change.
        self.generation = 0
        # Folded title, tags and summary, and their words by key; made when first needed.
        self._similar_text: dict[str, tuple[str, dict[str, str]]] = {}
        self._facets: dict[tuple[str, str], set[str]] = {}
        # Per index slot, the position of its solution's language in LANGUAGES.
        self._languages = np.zeros(1024, dtype=np.int8)

    def __len__(self) -> int:
        return len(self._solutions)

    def published(self) -> Iterable[Solution]:
        """The solutions answers come from now (none retired), as indexed."""
        return self._solutions.values()

    def add(self, solution: Solution) -> None:
        """Indexes a new or changed solution; a retired one is taken out instead."""
        self.add_all([solution])

    def add_all(self, solutions: Iterable[Solution]) -> None:
        """Indexes many solutions at once; large batches are tokenised on every core."""
        self.apply(self.prepare(solutions))

    def prepare(self, solutions: Iterable[Solution]) -> Prepared:
        """The slow half of indexing, tokenising, which changes nothing here: it can run on
        a thread while questions are answered from the index as it is."""
        latest = {s.id: s for s in solutions}
        live = [s for s in latest.values() if not s.retired]
        documents = [(_weighted_fields(s), s.language) for s in live]
        batches = list(_weigh(documents, self.lexicon.phrases()))
        return Prepared(ids=tuple(latest), live=live, batches=batches)

    def apply(self, prepared: Prepared, *, gone: Iterable[str] = ()) -> None:
        """The quick half: swaps the prepared solutions in and the `gone` ones out, in one
        step with no await, so a question never meets a half-changed index."""
        for solution_id in (*prepared.ids, *gone):
            self.remove(solution_id)
        done = 0
        for batch in prepared.batches:
            count = len(batch.counts)
            self.index.add_many([s.id for s in prepared.live[done : done + count]], batch)
            done += count
        for solution in prepared.live:
            self._remember(solution)

    def differences(self, solutions: Iterable[Solution]) -> tuple[list[Solution], list[str]]:
        """Against the stored `solutions`: those to index again (new, changed or newly
        retired) and the ids indexed here that are no longer stored."""
        stored = {s.id: s for s in solutions}
        changed = [
            s
            for s in stored.values()
            if self._solutions.get(s.id) != s and not (s.retired and s.id not in self._solutions)
        ]
        return changed, [i for i in self._solutions if i not in stored]

    def _remember(self, solution: Solution) -> None:
        self._solutions[solution.id] = solution
        self.generation += 1
        slot = self.index.slot(solution.id)
        assert slot is not None
        if slot >= len(self._languages):
            grown = np.zeros(max(slot + 1, 2 * len(self._languages)), dtype=np.int8)
            grown[: len(self._languages)] = self._languages
            self._languages = grown
        self._languages[slot] = LANGUAGES.index(solution.language)
        for name, value in _facets(solution):
            self._facets.setdefault((name, _facet_value(value)), set()).add(solution.id)

    def remove(self, solution_id: str) -> None:
        solution = self._solutions.pop(solution_id, None)
        if solution is None:
            return
        self.generation += 1
        self.index.remove(solution_id)
        self._similar_text.pop(solution_id, None)
        for name, value in _facets(solution):
            self._facets[(name, _facet_value(value))].discard(solution_id)

    def search(self, question: str, *, top: int = 3, filters: Filters | None = None) -> list[Match]:
        """The best matches scoring at least the threshold, best first; [] when none does."""
        concepts = self.concepts(question)
        if not concepts or not self._solutions:
            return []
        reached, scores, per_concept, weights = self._term_scores(concepts)
        if filters is not None:
            scores *= self._mask(filters)[reached]
        count = min(CANDIDATES, len(scores))
        if not count:
            return []
        order = np.argpartition(-scores, count - 1)[:count]
        order = order[np.argsort(-scores[order])]
        scores, leaders = scores[order], reached[order]
        typed = [" ".join(fold(w) for w in c.words) for c in concepts]
        # A short question is much like the title it wants; a long chatty one is not.
        fuzzy_share = (1 - TERM_WEIGHT) * min(1.0, SHORT_QUESTION / len(concepts))
        reaches = (per_concept[:, leaders] > 0).T.tolist()  # leaders × concepts
        ranked: list[tuple[float, int]] = []
        for term_score, slot, reach in zip(scores.tolist(), leaders.tolist(), reaches, strict=True):
            if term_score <= 0:
                break
            doc_id = self.index.doc_id(slot)
            assert doc_id is not None
            text, words = self._similar_of(doc_id)
            # The question as this solution would put it: a concept its title, tags or
            # summary hold in other words (a translation, a synonym) is compared in those, so
            # "sick leave" is as like a title with "sygefravær" as "sygefravær" typed is.
            said = " ".join(
                (r and _said(c, words)) or t for c, t, r in zip(concepts, typed, reach, strict=True)
            )
            similarity = fuzz.token_set_ratio(said, text) / 100
            score = term_score * (1 - fuzzy_share + fuzzy_share * similarity)
            if score >= self.threshold:  # what follows only lowers it
                ranked.append((score, slot))
        if not ranked:
            return []
        slots = np.array([slot for _, slot in ranked], dtype=np.intp)
        # A solution that names only some of the question's telling words answers only
        # part of it ("kameraer til fartkontrol" against cameras on garbage trucks): its
        # score shrinks with the (idf-weighted) share of them it names.
        telling = [i for i, c in enumerate(concepts) if c.telling()]
        shares = np.ones(len(ranked))
        if telling:
            held = self._held(
                [concepts[i] for i in telling], slots, per_concept[telling][:, slots] > 0
            )
            named = np.array([h.named for h in held])  # telling concepts × slots
            shares = (weights[telling] @ named) / weights[telling].sum()
        factors = (UNNAMED_KEEPS + (1 - UNNAMED_KEEPS) * shares).tolist()
        final = sorted(
            (
                (score * factor, row)
                for row, ((score, _), factor) in enumerate(zip(ranked, factors, strict=True))
            ),
            key=lambda pair: -pair[0],
        )
        shown = [(score, int(slots[row])) for score, row in final[:top] if score >= self.threshold]
        return self._matches(concepts, per_concept, shown) if shown else []

    def _matches(
        self, concepts: list[Concept], per_concept: Scores, shown: list[tuple[float, int]]
    ) -> list[Match]:
        """The matches shown, each with the words it holds and the telling ones it does not
        name; worked out for these few solutions only."""
        slots = np.array([slot for _, slot in shown], dtype=np.intp)
        held = self._held(concepts, slots, per_concept[:, slots] > 0)
        telling = [c.telling() for c in concepts]
        matches = []
        for row, (score, slot) in enumerate(shown):
            words: dict[str, None] = {}  # a word of two overlapping phrases is listed once
            named: set[str] = set()
            unexplained: dict[str, None] = {}
            for of_concept, its_telling in zip(held, telling, strict=True):
                words.update(dict.fromkeys(of_concept.shown[row]))
                if of_concept.named[row]:
                    named.update(its_telling)
                else:
                    unexplained.update(dict.fromkeys(its_telling))
            doc_id = self.index.doc_id(slot)
            assert doc_id is not None
            missing = tuple(w for w in unexplained if w not in named)
            matches.append(Match(self._solutions[doc_id], round(score, 4), tuple(words), missing))
        return matches

    def _held(
        self, concepts: list[Concept], slots: npt.NDArray[np.intp], reached: Hits
    ) -> list[Held]:
        """Per concept, what these solutions (`reached`: concepts × slots, those it reaches)
        hold of it: the word or phrase itself, or only a part of it (of a compound, or a word
        of a phrase where the words do not stand together)."""
        found = []
        for concept, hits in zip(concepts, reached, strict=True):
            whole = self._holding(concept.holding, slots, hits)
            shown: list[tuple[str, ...]] = [concept.words if h else () for h in whole.tolist()]
            rest = hits & ~whole
            parts = [(self._holding((p,), slots, rest), s) for p, s in concept.parts.items()]
            parts += [(self._holding(w.holding, slots, rest), w.words[0]) for w in concept.apart]
            for inside, part in parts:
                for row in np.flatnonzero(inside).tolist():
                    shown[row] = (*shown[row], part)
            found.append(Held(shown, whole))
        return found

    def _holding(self, phrases: Iterable[Phrase], slots: npt.NDArray[np.intp], hits: Hits) -> Hits:
        """Which of these solutions (`hits`: those worth looking at) hold every word of one
        of the phrases."""
        holding = np.zeros(len(slots), dtype=bool)
        open_ = hits.copy()
        # Most are held by the first phrases (the word's own forms), so this stops early.
        for phrase in phrases:
            if not open_.any():
                break
            # A term of the synonyms or glossary is held where its words stand together.
            terms = (phrase_term(phrase),) if len(phrase) > 1 and self._is_term(phrase) else phrase
            if not all(map(self.index.has, terms)):  # most translations: nothing to look up
                continue
            inside = open_.copy()
            for term in terms:
                held, _ = self.index.saturation(term)  # live slots, ascending
                if not len(held):
                    inside[:] = False
                    break
                at = np.minimum(np.searchsorted(held, slots), len(held) - 1)
                inside &= held[at] == slots
            holding |= inside
            open_ &= ~inside
        return holding

    def _similar_of(self, doc_id: str) -> tuple[str, dict[str, str]]:
        """A solution's title, tags and summary folded, and their words by index key."""
        found = self._similar_text.get(doc_id)
        if found is None:
            s = self._solutions[doc_id]
            raw = f"{s.title} {' '.join(s.tags)} {s.summary}"
            words: dict[str, str] = {}
            for word in words_of(raw):
                words.setdefault(key(word, s.language), fold(word))
            if len(self._similar_text) >= MAX_SIMILAR:
                self._similar_text.clear()
            found = self._similar_text[doc_id] = (fold(raw), words)
        return found

    @staticmethod
    def content_words(question: str) -> list[str]:
        """The words a question is searched by: no stop words, no single letters, each once,
        at most MAX_QUERY_WORDS. Empty for "", "😀" or "?!": nothing to search for."""
        typed = [w for w in query_words(question) if w not in ANY_STOP_WORDS and len(w) > 1]
        return list(dict.fromkeys(typed))[:MAX_QUERY_WORDS]

    def concepts(self, question: str) -> list[Concept]:
        """The question's content words grouped into concepts, each with its alternatives.
        A word belongs to the longest term of the synonyms or glossary it begins; where two
        terms overlap ("night care" and "care homes" in "night care homes"), both are
        concepts, for the question may mean either."""
        typed = self.content_words(question)
        keys = [{lang: key(w, lang) for lang in LANGUAGES} for w in typed]
        concepts: list[Concept] = []
        covered = 0  # words up to here belong to a phrase already
        for i, word in enumerate(typed):
            phrase = self._phrase_at(typed, keys, i)
            if phrase is not None and i + len(phrase.words) > covered:
                words = zip(phrase.words, keys[i : i + len(phrase.words)], strict=True)
                phrase.apart = [self._word(w, k) for w, k in words]
                concepts.append(phrase)
                covered = i + len(phrase.words)
            elif i >= covered:
                concepts.append(self._word(word, keys[i]))
        return concepts

    def _word(self, word: str, keys: dict[str, str]) -> Concept:
        """A word of the question as a concept of its own."""
        concept = Concept((word,))
        said: set[str] = set()  # the languages its synonyms and translations are in
        for lang in LANGUAGES:
            concept.offer((keys[lang],), 1.0, own=True)
            # The stem as well as the lemma's key: "ældre" is "gammel" as a word, but
            # "ældr…" as the beginning of "ældrepleje".
            concept.offer((stem(word, lang),), 1.0, own=True)
            for other, phrase in self.lexicon.expansions(lang, (keys[lang],)):
                similarity = TRANSLATION if other != lang else SYNONYM
                concept.offer(phrase, similarity, holds=True)
                said.add(other)
        for spelling in loose_lemma_keys(word):  # "born": "børn", so "barn"
            concept.offer((spelling,), LOOSE_SPELLING, own=True)
        own = word_language(word)
        if own is not None:  # a word both languages use, or a name, is said in either
            concept.unsaid = frozenset(LANGUAGES) - said - {own}
        self._variants(concept, word, keys)
        return concept

    def _phrase_at(self, typed: list[str], keys: list[dict[str, str]], i: int) -> Concept | None:
        for length in range(min(self.lexicon.longest, len(typed) - i), 1, -1):
            for lang in LANGUAGES:
                phrase = tuple(k[lang] for k in keys[i : i + length])
                expansions = self.lexicon.expansions(lang, phrase)
                if expansions:
                    concept = Concept(tuple(typed[i : i + length]))
                    said = {other for other, _ in expansions} | {lang}
                    concept.unsaid = frozenset(LANGUAGES) - said
                    concept.offer(phrase, 1.0, own=True)
                    for other, member in expansions:
                        similarity = TRANSLATION if other != lang else SYNONYM
                        concept.offer(member, similarity, holds=True)
                    return concept
        return None

    def _variants(self, concept: Concept, word: str, keys: dict[str, str]) -> None:
        """Other indexed forms of a word: æøå-less spellings, compound parts, typos."""
        index = self.index
        # Synonyms and translations get the same treatment as the word itself: "group" →
        # "gruppe" should still find "gruppebaseret".
        for (term,), similarity in list(self._single_terms(concept)):
            holds, own = (term,) in concept.holding, (term,) in concept.own
            for spelling in index.same_loosely(term):
                concept.offer((spelling,), LOOSE_SPELLING * similarity, holds=holds, own=own)
            if len(term) >= MIN_PREFIX:  # a compound it begins: about something else
                for compound in index.starting_with(term):
                    concept.offer((compound,), PART_OF_COMPOUND * similarity)
            if len(term) >= MIN_SUFFIX:  # the head of a compound: "plej" in "hjemmeplej"
                for compound in index.ending_with(term):
                    concept.offer((compound,), PART_OF_COMPOUND * similarity, holds=holds)
        if any(index.has(p[0]) for p in concept.alternatives if len(p) == 1):
            return
        split = self._compound_parts(word)
        if split is not None:
            concept.offer(
                split.keys,
                PART_OF_COMPOUND if split.rest else COMPOUND_PARTS,
                holds=not split.rest,
            )
            # A solution about one part answers in part, as much as that part is specific:
            # "fald" in "faldforebyggelsesindsats" carries it, "indsats" hardly.
            weights = {part: index.idf(index.df(part)) for part in split.keys}
            most = max(weights.values())
            for part, shown in zip(split.keys, split.shown, strict=True):
                concept.offer((part,), PART_OF_COMPOUND * weights[part] / most)
                concept.parts[(part,)] = shown
            if not split.rest:
                return
        # A word no solution uses, nor all its parts: perhaps a typo ("vejbelysnig" is no
        # compound of "vej").
        term = keys["da"]
        if len(term) >= MIN_TYPO:
            cutoff = 80 if len(term) >= 6 else 90  # one letter is a lot of a short word
            for near, similarity, _ in process.extract(
                term,
                index.sharing_first_letter(term),
                scorer=fuzz.ratio,
                score_cutoff=cutoff,
                limit=3,
            ):
                concept.offer((near,), similarity / 100 * LOOSE_SPELLING, holds=True)

    @staticmethod
    def _single_terms(concept: Concept) -> list[tuple[Phrase, float]]:
        return [(p, sim) for p, sim in concept.alternatives.items() if len(p) == 1]

    def _compound_parts(self, word: str) -> Split | None:
        """A Danish compound split into indexed words ("ventetidsgaranti" → ventetid,
        garanti), allowing the linking -s- and -e-; the most even split wins. When only one
        part is indexed, that part alone, with the rest of the word as typed."""
        whole: Split | None = None
        balance = 0
        one_part: Split | None = None
        for cut in range(3, len(word) - 2):
            left, right = word[:cut], word[cut:]
            right_key = key(right, "da")
            right_known = len(right) >= MIN_PREFIX and self.index.has(right_key)
            for first in (left, left[:-1] if left[-1] in "se" else ""):
                left_key = key(first, "da") if len(first) >= 3 else ""
                left_known = bool(left_key) and self.index.has(left_key)
                if left_known and self.index.has(right_key):
                    if min(len(first), len(right)) > balance:
                        whole = Split((left_key, right_key), (first, right))
                        balance = min(len(first), len(right))
                elif (
                    left_known
                    and len(first) >= MIN_PREFIX
                    and len(first) > len(one_part.keys[0] if one_part else "")
                ):
                    one_part = Split((left_key,), (first,), rest=right)
            if right_known and not one_part:
                one_part = Split((right_key,), (right,), rest=left)
        found = whole or one_part
        if found is None:
            return None
        # Shown without a linking -s- the key does without: "ventetid", not "ventetids".
        shown = tuple(
            p[:-1] if p[-1] == "s" and key(p[:-1], "da") == k else p
            for p, k in zip(found.shown, found.keys, strict=True)
        )
        return replace(found, shown=shown)

    def _term_scores(self, concepts: list[Concept]) -> tuple[Slots, Scores, Scores, Scores]:
        """The slots some concept reaches, their term scores, the concepts' own scores
        (concepts × slots) and their weights (idf). One row per concept, so the sums run once
        over them all."""
        best = np.zeros((len(concepts), self.index.capacity), dtype=np.float32)
        idfs = np.empty(len(concepts), dtype=np.float32)
        for row, concept in enumerate(concepts):
            idfs[row] = self._weight(concept, self._concept_scores(concept, best[row]))
        total = idfs @ best
        reached = np.flatnonzero(total)
        matched = total[reached]
        evidence = idfs @ (best[:, reached] > 0)
        # Two views of the same sum: the share of the question covered, which long chatty
        # questions lose to words no solution uses, and the absolute evidence (plain BM25),
        # which short questions lack. Their geometric mean needs a fair amount of both.
        coverage = matched / self._possible(concepts, idfs, best, reached)
        strength = 1.0 - np.exp(-matched / EVIDENCE_SCALE)
        score = coverage**COVERAGE_SHARE * strength ** (1 - COVERAGE_SHARE)
        score *= np.minimum(1.0, evidence / SPECIFIC_IDF)
        return reached, score.astype(np.float32), best, idfs

    def _possible(
        self, concepts: list[Concept], idfs: Scores, best: Scores, reached: Slots
    ) -> Scores:
        """Per reached slot, the weight of the question that solution could hold: all of it,
        but a word its language has no words for unless it holds the word anyway (English
        loan words in Danish text). So an English question's everyday words that no glossary
        translates do not count against the Danish solution it means."""
        possible = np.full(len(reached), idfs.sum(), dtype=np.float32)
        languages = self._languages[reached]
        for code, language in enumerate(LANGUAGES):
            unsaid = [row for row, c in enumerate(concepts) if language in c.unsaid]
            inside = np.flatnonzero(languages == code)
            if not unsaid or not len(inside):
                continue
            missing = best[np.ix_(np.array(unsaid, dtype=np.intp), reached[inside])] == 0
            possible[inside] -= idfs[unsaid] @ missing
        return possible

    def _concept_scores(self, concept: Concept, best: Scores) -> int:
        """Fills in, per solution slot, the concept's best alternative (similarity times
        BM25's saturation); returns the df that sets the concept's weight."""
        df = 0
        empty = True  # nothing written yet: the first alternative is simply copied in
        for phrase, similarity in concept.alternatives.items():
            together = len(phrase) > 1 and self._is_term(phrase)
            if len(phrase) == 1 or together:
                # A word, or a term of the synonyms and glossary where its words stand
                # together: "care homes" is not "home care", nor "night" and "care" apart.
                slots, saturation = self.index.saturation(
                    phrase[0] if len(phrase) == 1 else phrase_term(phrase)
                )
                if len(slots):
                    if similarity >= PART_OF_COMPOUND:  # weak variants do not set the weight
                        df = max(df, len(slots))
                    if similarity != 1:
                        saturation = saturation * np.float32(similarity)
                    if empty:
                        best[slots] = saturation
                        empty = False
                    else:
                        np.maximum.at(best, slots, saturation)
                continue
            # The parts of a compound.
            dfs = [self.index.df(t) for t in phrase]
            if not any(dfs):
                continue
            if similarity >= PART_OF_COMPOUND:
                df = max(df, min(dfs))  # as specific as the rarest
            # Each word counts by its own specificity: in "faldforebyggelsesindsats" the fall
            # prevention matters, "indsats" hardly.
            part_weights = [self.index.idf(d) for d in dfs]
            scale = similarity / sum(part_weights)
            reached = [self.index.saturation(term) for term in phrase]
            slots = np.concatenate([held for held, _ in reached])
            weighted = [
                sat * (w * scale) for (_, sat), w in zip(reached, part_weights, strict=True)
            ]
            joint = np.bincount(slots, weights=np.concatenate(weighted), minlength=len(best))
            np.maximum(best, joint, out=best, casting="unsafe")
            empty = False
        if concept.apart:
            # A phrase's words where they do not stand together, each with its own forms,
            # synonyms and translations, answer in part: "book shifts" against "vagter".
            rows = np.zeros((len(concept.apart), len(best)), dtype=np.float32)
            weights = np.array(
                [
                    self._weight(word, self._concept_scores(word, row))
                    for word, row in zip(concept.apart, rows, strict=True)
                ],
                dtype=np.float32,
            )
            in_part = (weights @ rows) * np.float32(APART / weights.sum())
            np.maximum(best, in_part, out=best)
        return df

    def _weight(self, concept: Concept, df: int) -> float:
        """A concept's weight, its idf. A word no solution uses counts against every
        solution, but no more than a fairly specific known word: it may be a name, a
        misspelling or chat. An everyday word weighs little whatever the knowledge base says:
        few solutions in English make "help" or "new" look rare."""
        weight = self.index.idf(df) if df else min(self.index.idf(0), UNKNOWN_IDF)
        if len(concept.words) == 1 and not _telling(concept.words[0]):
            weight = min(weight, COMMON_IDF)
        return weight

    def _is_term(self, phrase: Phrase) -> bool:
        """Whether a phrase is a term of the synonyms or glossary, which the index holds as
        one where its words stand together (the parts of a compound are not)."""
        return phrase in self.lexicon.phrases().get(phrase[0], {}).get(phrase[1], ())

    def _mask(self, filters: Filters) -> Scores:
        mask = np.ones(self.index.capacity, dtype=np.float32)
        for name in ("professions", "domains", "organizations", "languages", "statuses"):
            wanted = getattr(filters, name)
            if not wanted:
                continue
            keep = np.zeros_like(mask)
            for value in wanted:
                for doc_id in self._facets.get((name, _facet_value(value)), ()):
                    slot = self.index.slot(doc_id)
                    if slot is not None:
                        keep[slot] = 1.0
            mask *= keep
        return mask
