"""An inverted index that changes one document at a time and scores with NumPy.

Each document gets a slot (a row in the arrays); each term keeps its postings as a dict
slot → weighted term frequency, turned into NumPy arrays when a query first needs them
after a change. Adding or removing a document touches only its own terms' postings, so a
write never rebuilds the index, and a query costs time in proportion to the postings of its
terms, never to a loop over every document in Python.
"""

from __future__ import annotations

import bisect
import math
from collections import Counter

import numpy as np
import numpy.typing as npt

from knowledge.text import loose

K1 = 1.2
B = 0.75
# A small knowledge base makes every word look common. Rarity is judged as if there were
# at least this many documents, so a new installation with five solutions matches as
# sensibly as one with five hundred.
MIN_DOCUMENTS = 50

Scores = npt.NDArray[np.float32]


class TermIndex:
    def __init__(self) -> None:
        self._slot_of: dict[str, int] = {}
        self._doc_at: list[str | None] = []
        self._free: list[int] = []
        self._terms_of: dict[str, tuple[str, ...]] = {}
        self._postings: dict[str, dict[int, float]] = {}
        self._arrays: dict[str, tuple[npt.NDArray[np.int32], npt.NDArray[np.float32]]] = {}
        self._length = np.zeros(16, dtype=np.float32)
        self._total_length = 0.0
        self._loose: dict[str, set[str]] = {}
        self._sorted: list[str] | None = None
        self._sorted_reversed: list[str] | None = None

    def __len__(self) -> int:
        return len(self._slot_of)

    @property
    def capacity(self) -> int:
        return len(self._doc_at)

    def doc_id(self, slot: int) -> str | None:
        return self._doc_at[slot]

    def slot(self, doc_id: str) -> int | None:
        return self._slot_of.get(doc_id)

    def add(self, doc_id: str, weighted_terms: Counter[str]) -> int:
        """Indexes a document by its terms' weighted frequencies; replaces an earlier version."""
        self.remove(doc_id)
        slot = self._free.pop() if self._free else self._new_slot()
        self._slot_of[doc_id] = slot
        self._doc_at[slot] = doc_id
        length = float(sum(weighted_terms.values()))
        self._length[slot] = length
        self._total_length += length
        for term, weight in weighted_terms.items():
            posting = self._postings.get(term)
            if posting is None:
                posting = self._postings[term] = {}
                self._loose.setdefault(loose(term), set()).add(term)
                self._sorted = self._sorted_reversed = None
            posting[slot] = weight
            self._arrays.pop(term, None)
        self._terms_of[doc_id] = tuple(weighted_terms)
        return slot

    def remove(self, doc_id: str) -> None:
        slot = self._slot_of.pop(doc_id, None)
        if slot is None:
            return
        for term in self._terms_of.pop(doc_id):
            posting = self._postings[term]
            del posting[slot]
            self._arrays.pop(term, None)
            if not posting:
                del self._postings[term]
                spellings = self._loose[loose(term)]
                spellings.discard(term)
                if not spellings:
                    del self._loose[loose(term)]
                self._sorted = self._sorted_reversed = None
        self._total_length -= float(self._length[slot])
        self._length[slot] = 0.0
        self._doc_at[slot] = None
        self._free.append(slot)

    def _new_slot(self) -> int:
        slot = len(self._doc_at)
        self._doc_at.append(None)
        if slot >= len(self._length):
            self._length = np.concatenate([self._length, np.zeros_like(self._length)])
        return slot

    # Vocabulary look-ups, for the matcher's typo, spelling and compound variants.

    def has(self, term: str) -> bool:
        return term in self._postings

    def df(self, term: str) -> int:
        posting = self._postings.get(term)
        return len(posting) if posting else 0

    def idf(self, df: float) -> float:
        n = max(len(self._slot_of), MIN_DOCUMENTS)
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))

    def same_loosely(self, term: str) -> set[str]:
        """Indexed terms that differ only in æ/ø/å versus a/o/a."""
        return self._loose.get(loose(term), set())

    def vocabulary(self) -> list[str]:
        if self._sorted is None:
            self._sorted = sorted(self._postings)
        return self._sorted

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
            self._sorted_reversed = sorted(t[::-1] for t in self._postings)
        backwards = suffix[::-1]
        start = bisect.bisect_left(self._sorted_reversed, backwards)
        found = []
        for word in self._sorted_reversed[start : start + limit]:
            if not word.startswith(backwards):
                break
            found.append(word[::-1])
        return found

    # Scoring.

    def saturation(self, term: str) -> tuple[npt.NDArray[np.int32], Scores]:
        """The slots holding `term` and BM25's term-frequency part there, scaled to [0, 1)."""
        arrays = self._arrays.get(term)
        if arrays is None:
            posting = self._postings.get(term)
            if not posting:
                return np.empty(0, np.int32), np.empty(0, np.float32)
            slots = np.fromiter(posting.keys(), dtype=np.int32, count=len(posting))
            weights = np.fromiter(posting.values(), dtype=np.float32, count=len(posting))
            arrays = self._arrays[term] = (slots, weights)
        slots, tf = arrays
        average = self._total_length / max(len(self._slot_of), 1)
        norm = K1 * (1 - B + B * self._length[slots] / max(average, 1e-9))
        return slots, tf / (tf + norm)
