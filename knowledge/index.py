"""An inverted index that changes one document at a time and scores with NumPy.

Every version of a document gets a new slot (a position in the per-document arrays); each
term keeps its postings as two compact arrays, slots and weighted term frequencies, that
only grow. Removing a document just marks its slot dead; a term drops its dead entries the
next time a query reads it. So a write touches only its own document's terms, the index is
never rebuilt, and a query costs time in proportion to its terms' postings (vectorised),
never to a loop over every document in Python.
"""

from __future__ import annotations

import bisect
import math
from array import array
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from knowledge.text import PhraseStarts, loose, weigh_keys

K1 = 1.2
B = 0.75
# A small knowledge base makes every word look common. Rarity is judged as if there were
# at least this many documents, so a new installation with five solutions matches as
# sensibly as one with five hundred.
MIN_DOCUMENTS = 50
# BM25 depends on the average document length; saturation arrays computed for one average
# are reused until it drifts further than this.
LENGTH_DRIFT = 0.02
SORTED_IN_PLACE = 200  # new or vanished terms a write keeps the sorted vocabulary up with

Scores = npt.NDArray[np.float32]
Slots = npt.NDArray[np.integer[Any]]  # positions in the index, of whatever width numpy gives


class Posting:
    __slots__ = ("alive", "saturation", "slots", "weights")

    def __init__(self) -> None:
        self.slots = array("i")
        self.weights = array("f")
        self.alive = 0  # entries whose slot is still a live document: the df
        self.saturation: tuple[float, Slots, Scores] | None = None  # (average length, ...)


@dataclass(frozen=True, slots=True)
class TermBatch:
    """The weighted terms of several documents in compact arrays: for each document in
    turn, `counts[i]` entries of `term_ids` (into `vocab`) and `weights`. Cheap to send
    between processes and to fold into the index without a Python loop per entry."""

    vocab: list[str]
    counts: npt.NDArray[np.int32]
    term_ids: npt.NDArray[np.int32]
    weights: npt.NDArray[np.float32]

    @classmethod
    def of(cls, documents: Iterable[Mapping[str, float]]) -> TermBatch:
        ids: dict[str, int] = {}
        counts: list[int] = []
        term_ids = array("i")
        weights = array("f")
        for terms in documents:
            counts.append(len(terms))
            for term, weight in terms.items():
                number = ids.get(term)
                if number is None:
                    number = ids[term] = len(ids)
                term_ids.append(number)
                weights.append(weight)
        return cls(list(ids), np.array(counts, dtype=np.int32),
                   np.frombuffer(term_ids, dtype=np.int32).copy(),
                   np.frombuffer(weights, dtype=np.float32).copy())  # fmt: skip


def weigh_documents(
    documents: Sequence[tuple[Sequence[tuple[str, float]], str]],
    phrases: PhraseStarts | None = None,
) -> TermBatch:
    """Tokenises (field text, weight) lists in their languages, with the `phrases` whose
    words stand together as terms of their own; runs in worker processes."""
    return TermBatch.of(weigh_keys(fields, language, phrases) for fields, language in documents)


def is_phrase(term: str) -> bool:
    """Whether an index term is a phrase (see text.phrase_term) rather than a word."""
    return " " in term


@dataclass(frozen=True, slots=True)
class DocTerms:
    """Which terms one batch's documents hold, kept to take a document out again."""

    vocab: list[str]
    term_ids: npt.NDArray[np.int32]
    offsets: npt.NDArray[np.int64]

    def of(self, row: int) -> list[str]:
        ids = self.term_ids[self.offsets[row] : self.offsets[row + 1]]
        return [self.vocab[i] for i in ids.tolist()]


class TermIndex:
    def __init__(self) -> None:
        self._slot_of: dict[str, int] = {}
        self._doc_at: list[str | None] = []
        self._terms_of: dict[int, tuple[DocTerms, int]] = {}
        self._postings: dict[str, Posting] = {}
        self._live = np.zeros(1024, dtype=bool)
        self._length = np.zeros(1024, dtype=np.float32)
        self._total_length = 0.0
        self._loose: dict[str, set[str]] = {}
        self._sorted: list[str] | None = None
        self._sorted_reversed: list[str] | None = None

    def __len__(self) -> int:
        return len(self._slot_of)

    @property
    def capacity(self) -> int:
        """Slots handed out so far: the length of a dense score array."""
        return len(self._doc_at)

    def doc_id(self, slot: int) -> str | None:
        return self._doc_at[slot]

    def slot(self, doc_id: str) -> int | None:
        return self._slot_of.get(doc_id)

    def add_many(self, doc_ids: Sequence[str], batch: TermBatch) -> None:
        """Indexes documents (new or replacing earlier versions) from their term batch."""
        for doc_id in doc_ids:
            self.remove(doc_id)
        count = len(doc_ids)
        if not count:
            return
        base = len(self._doc_at)
        self._grow(base + count)
        self._doc_at.extend(doc_ids)
        for row, doc_id in enumerate(doc_ids):
            self._slot_of[doc_id] = base + row
        rows = np.repeat(np.arange(count, dtype=np.int32), batch.counts)
        # A phrase's words are counted already: its term adds nothing to the length.
        words = np.array([not is_phrase(term) for term in batch.vocab], dtype=bool)
        in_words = batch.weights * words[batch.term_ids] if len(batch.term_ids) else batch.weights
        lengths = np.bincount(rows, weights=in_words, minlength=count).astype(np.float32)
        self._length[base : base + count] = lengths
        self._live[base : base + count] = True
        self._total_length += float(lengths.sum())
        offsets = np.zeros(count + 1, dtype=np.int64)
        np.cumsum(batch.counts, out=offsets[1:])
        kept = DocTerms(batch.vocab, batch.term_ids, offsets)
        for row in range(count):
            self._terms_of[base + row] = (kept, row)
        # Group the entries by term (a stable sort keeps each term's slots ascending) and
        # append each group to its posting in one go.
        if not len(batch.term_ids):
            return  # documents with no words to index (a title of stop words)
        order = np.argsort(batch.term_ids, kind="stable")
        terms = batch.term_ids[order]
        slots = (rows[order] + base).astype(np.int32)
        weights = batch.weights[order]
        cuts = (np.flatnonzero(np.diff(terms)) + 1).tolist()
        new_terms = []
        for start, end in zip([0, *cuts], [*cuts, len(order)], strict=True):
            term = batch.vocab[int(terms[start])]
            posting = self._postings.get(term)
            if posting is None:
                posting = self._postings[term] = Posting()
                if not is_phrase(term):  # the spelling and compound look-ups are of words
                    self._loose.setdefault(loose(term), set()).add(term)
                    new_terms.append(term)
            posting.slots.frombytes(slots[start:end].tobytes())
            posting.weights.frombytes(weights[start:end].tobytes())
            posting.alive += end - start
            posting.saturation = None
        self._vocabulary_changed(new_terms, added=True)

    def _vocabulary_changed(self, terms: list[str], *, added: bool) -> None:
        """Keeps the sorted vocabularies in step one term at a time for an edit or two (a
        re-sort costs a question at 100,000 solutions a noticeable pause); a bulk load just
        drops them, to be sorted once when next needed."""
        if len(terms) > SORTED_IN_PLACE:
            self._sorted = self._sorted_reversed = None
            return
        pairs = ((self._sorted, terms), (self._sorted_reversed, [t[::-1] for t in terms]))
        for vocabulary, forms in pairs:
            if vocabulary is None:
                continue
            for form in forms:
                if added:
                    bisect.insort(vocabulary, form)
                else:
                    del vocabulary[bisect.bisect_left(vocabulary, form)]

    def _grow(self, size: int) -> None:
        if size > len(self._live):
            extra = max(size, 2 * len(self._live)) - len(self._live)
            self._live = np.concatenate([self._live, np.zeros(extra, dtype=bool)])
            self._length = np.concatenate([self._length, np.zeros(extra, dtype=np.float32)])

    def remove(self, doc_id: str) -> None:
        slot = self._slot_of.pop(doc_id, None)
        if slot is None:
            return
        self._live[slot] = False
        self._doc_at[slot] = None
        self._total_length -= float(self._length[slot])
        held, row = self._terms_of.pop(slot)
        gone = []
        for term in held.of(row):
            posting = self._postings[term]
            posting.alive -= 1
            posting.saturation = None
            if not posting.alive:
                del self._postings[term]
                if is_phrase(term):
                    continue
                spellings = self._loose[loose(term)]
                spellings.discard(term)
                if not spellings:
                    del self._loose[loose(term)]
                gone.append(term)
        self._vocabulary_changed(gone, added=False)

    # Vocabulary look-ups, for the matcher's typo, spelling and compound variants.

    def has(self, term: str) -> bool:
        return term in self._postings

    def df(self, term: str) -> int:
        posting = self._postings.get(term)
        return posting.alive if posting else 0

    def idf(self, df: float) -> float:
        n = max(len(self._slot_of), MIN_DOCUMENTS)
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))

    def same_loosely(self, term: str) -> set[str]:
        """Indexed terms that differ only in æ/ø/å versus a/o/a."""
        return self._loose.get(loose(term), set())

    def vocabulary(self) -> list[str]:
        """The indexed words (not phrases), sorted."""
        if self._sorted is None:
            self._sorted = sorted(t for t in self._postings if not is_phrase(t))
        return self._sorted

    def sharing_first_letter(self, term: str) -> list[str]:
        """The indexed terms that begin like `term`: where a typo search looks, since
        people rarely mistype the first letter."""
        vocab = self.vocabulary()
        start = bisect.bisect_left(vocab, term[:1])
        end = bisect.bisect_left(vocab, term[:1] + "\U0010ffff", lo=start)
        return vocab[start:end]

    def starting_with(self, prefix: str, *, limit: int = 12) -> list[str]:
        vocab = self.vocabulary()
        start = bisect.bisect_left(vocab, prefix)
        found = []
        for word in vocab[start : start + limit]:
            if not word.startswith(prefix):
                break
            found.append(word)
        return found

    def ending_with(self, suffix: str, *, limit: int = 12) -> list[str]:
        if self._sorted_reversed is None:
            self._sorted_reversed = sorted(t[::-1] for t in self._postings if not is_phrase(t))
        backwards = suffix[::-1]
        start = bisect.bisect_left(self._sorted_reversed, backwards)
        found = []
        for word in self._sorted_reversed[start : start + limit]:
            if not word.startswith(backwards):
                break
            found.append(word[::-1])
        return found

    # Scoring.

    def saturation(self, term: str) -> tuple[Slots, Scores]:
        """The live slots holding `term` and BM25's term-frequency part there, in [0, 1)."""
        posting = self._postings.get(term)
        if posting is None:
            return np.empty(0, np.int32), np.empty(0, np.float32)
        average = max(self._total_length / max(len(self._slot_of), 1), 1e-9)
        cached = posting.saturation
        if cached is not None and abs(cached[0] - average) <= LENGTH_DRIFT * average:
            return cached[1], cached[2]
        # Copies: a NumPy view would stop the arrays from growing on the next add.
        slots = np.frombuffer(posting.slots, dtype=np.int32).copy()
        tf = np.frombuffer(posting.weights, dtype=np.float32).copy()
        if len(slots) != posting.alive:  # drop the entries of removed documents, for good
            keep = self._live[slots]
            slots, tf = slots[keep], tf[keep]
            posting.slots, posting.weights = array("i"), array("f")
            posting.slots.frombytes(slots.tobytes())
            posting.weights.frombytes(tf.tobytes())
        norm = K1 * (1 - B + B * self._length[slots] / average)
        saturation = (tf / (tf + norm)).astype(np.float32)
        posting.saturation = (average, slots, saturation)
        return slots, saturation
