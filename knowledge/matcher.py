"""Finds the solutions that answer a question, or says honestly that none does.

An inverted index of folded terms, weighted by field (a word in the title says more than one
deep in the description) and by rarity (idf). Each query term also meets its typos and
inflected or compound forms through rapidfuzz and shared prefixes. The score is the share of
the question's weight the solution covers, so it lies in [0, 1] and one threshold applies to
short and long questions alike.
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from knowledge.solutions import Solution
from knowledge.text import query_terms, terms

FIELD_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("title", 1.0),
    ("tags", 0.9),
    ("summary", 0.8),
    ("problem", 0.7),
    ("domains", 0.7),
    ("professions", 0.6),
    ("metrics", 0.6),
    ("description", 0.5),
    ("organization", 0.5),
)
MIN_PREFIX = 5  # "ventetid" in "ventetidsgaranti"; shorter prefixes join unrelated words
FUZZY_CUTOFF = 84
PREFIX_SIMILARITY = 0.8
DEFAULT_THRESHOLD = 0.45


@dataclass(frozen=True, slots=True)
class Match:
    solution: Solution
    score: float
    terms: tuple[str, ...]  # the question's terms the solution covers: why it matched


def _fields(solution: Solution) -> dict[str, str]:
    return {
        "title": solution.title,
        "tags": " ".join(solution.tags),
        "summary": solution.summary,
        "problem": solution.problem,
        "domains": " ".join(solution.domains),
        "professions": " ".join(solution.professions),
        "metrics": " ".join(r.metric for r in solution.results),
        "description": solution.description,
        "organization": solution.organization,
    }


class Matcher:
    def __init__(self, *, threshold: float = DEFAULT_THRESHOLD) -> None:
        self.threshold = threshold
        self._solutions: dict[str, Solution] = {}
        self._postings: dict[str, dict[str, float]] = defaultdict(dict)  # term -> id -> weight
        self._doc_terms: dict[str, tuple[str, ...]] = {}
        self._sorted_vocab: list[str] | None = None

    def __len__(self) -> int:
        return len(self._solutions)

    def add_all(self, solutions: Iterable[Solution]) -> None:
        for solution in solutions:
            self.add(solution)

    def add(self, solution: Solution) -> None:
        """Indexes a new or changed solution; a retired one is taken out instead."""
        self.remove(solution.id)
        if solution.retired:
            return
        weights: dict[str, float] = {}
        for name, weight in FIELD_WEIGHTS:
            for term in terms(_fields(solution)[name]):
                weights[term] = max(weights.get(term, 0.0), weight)
        for term, weight in weights.items():
            if term not in self._postings:
                self._sorted_vocab = None
            self._postings[term][solution.id] = weight
        self._solutions[solution.id] = solution
        self._doc_terms[solution.id] = tuple(weights)

    def remove(self, solution_id: str) -> None:
        for term in self._doc_terms.pop(solution_id, ()):
            posting = self._postings[term]
            posting.pop(solution_id, None)
            if not posting:
                del self._postings[term]
                self._sorted_vocab = None
        self._solutions.pop(solution_id, None)

    def search(self, question: str, *, top: int = 3) -> list[Match]:
        """The best matches above the threshold, best first; empty when nothing is good."""
        wanted = query_terms(question)
        if not wanted or not self._solutions:
            return []
        total = len(self._solutions)
        scores: dict[str, float] = defaultdict(float)
        covered: dict[str, list[str]] = defaultdict(list)
        weight_sum = 0.0
        for term in wanted:
            variants = self._variants(term)
            df = max((len(self._postings[v]) for v in variants), default=0)
            idf = math.log(1 + total / (df + 0.5))
            weight_sum += idf
            best: dict[str, float] = {}
            for variant, similarity in variants.items():
                for doc_id, field_weight in self._postings[variant].items():
                    value = similarity * field_weight
                    if value > best.get(doc_id, 0.0):
                        best[doc_id] = value
            for doc_id, value in best.items():
                scores[doc_id] += idf * value
                covered[doc_id].append(term)
        ranked = sorted(((s / weight_sum, doc_id) for doc_id, s in scores.items()), reverse=True)
        return [
            Match(self._solutions[doc_id], round(score, 4), tuple(covered[doc_id]))
            for score, doc_id in ranked[:top]
            if score >= self.threshold
        ]

    def _variants(self, term: str) -> dict[str, float]:
        """Indexed terms that are this term, a typo of it, or share a long prefix with it."""
        found: dict[str, float] = {}
        if term in self._postings:
            found[term] = 1.0
        for variant, score, _ in process.extract(
            term, self._vocab(), scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=5
        ):
            found.setdefault(variant, score / 100)
        if len(term) >= MIN_PREFIX:
            for variant in self._extensions(term):
                found.setdefault(variant, PREFIX_SIMILARITY)
            for end in range(MIN_PREFIX, len(term)):
                if term[:end] in self._postings:
                    found.setdefault(term[:end], PREFIX_SIMILARITY)
        return found

    def _vocab(self) -> list[str]:
        if self._sorted_vocab is None:
            self._sorted_vocab = sorted(self._postings)
        return self._sorted_vocab

    def _extensions(self, prefix: str, *, limit: int = 20) -> list[str]:
        vocab = self._vocab()
        start = bisect.bisect_left(vocab, prefix)
        out = []
        for word in vocab[start : start + limit]:
            if not word.startswith(prefix):
                break
            out.append(word)
        return out
