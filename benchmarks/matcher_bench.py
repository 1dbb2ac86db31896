"""Matcher quality and speed, against three baselines, in one run.

Quality is measured on the development set (benchmarks/eval/questions.jsonl) over the demo
knowledge base, per kind of question, on what a user would be shown: a system's matches
above its no-match threshold. Spred uses its built-in threshold; each baseline gets the
threshold that maximises its own balanced accuracy on this very set, which flatters the
baselines, never Spred. Speed is measured at the demo size and at 10,000 and 100,000
synthetic solutions.
"""

from __future__ import annotations

import functools
import gc
import os
import re
import time
from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

import bm25s
import numpy as np
import Stemmer
from rank_bm25 import BM25Okapi
from rapidfuzz import fuzz, process

from benchmarks.evalset import (
    HOLDOUTS,
    TOP,
    Question,
    Ranked,
    balanced,
    load_questions,
    quality,
    rank_of,
    shown_above,
)
from benchmarks.harness import median_ms, quantile_ms
from benchmarks.synthetic import scaled_solutions
from knowledge.kb import demo_solutions
from knowledge.matcher import Matcher, unexplained_by_all
from knowledge.solutions import Solution


class System(ABC):
    """A matcher under test: ranks solution ids with scores; answers above its threshold."""

    name: str
    threshold: float = 0.0

    @abstractmethod
    def build(self, solutions: Sequence[Solution]) -> None: ...

    @abstractmethod
    def rank(self, question: str) -> Ranked: ...


class Spred(System):
    name = "Spred"

    def build(self, solutions: Sequence[Solution]) -> None:
        self.matcher = Matcher()
        self.matcher.add_all(solutions)
        self.threshold = self.matcher.threshold

    def rank(self, question: str) -> Ranked:
        return [(m.solution.id, m.score) for m in self.matcher.search(question, top=10)]

    def admits(self, question: str) -> tuple[list[str], bool]:
        """The answers Spred shows, and whether it names words none of them mentions."""
        shown = self.matcher.search(question, top=TOP)
        return [m.solution.id for m in shown], bool(unexplained_by_all(shown))


class FuzzyTitles(System):
    name = "rapidfuzz WRatio"

    def build(self, solutions: Sequence[Solution]) -> None:
        self.ids = [s.id for s in solutions]
        self.texts = [f"{s.title} {s.summary}".lower() for s in solutions]

    def rank(self, question: str) -> Ranked:
        found = process.extract(question.lower(), self.texts, scorer=fuzz.WRatio, limit=10)
        return [(self.ids[i], score / 100) for _, score, i in found]


class PlainBM25(System):
    name = "rank_bm25"

    def build(self, solutions: Sequence[Solution]) -> None:
        self.ids = [s.id for s in solutions]
        self.bm25 = BM25Okapi([_words(_document(s)) for s in solutions])

    def rank(self, question: str) -> Ranked:
        words = _words(question)
        if not words:
            return []
        scores = self.bm25.get_scores(words)
        best = np.argsort(-scores)[:10]
        return [(self.ids[i], float(scores[i])) for i in best if scores[i] > 0]


class StemmedBM25s(System):
    name = "bm25s + Danish Snowball"

    def build(self, solutions: Sequence[Solution]) -> None:
        self.ids = [s.id for s in solutions]
        self.stemmer = Stemmer.Stemmer("danish")
        corpus = bm25s.tokenize(
            [_document(s) for s in solutions],
            stopwords="danish",
            stemmer=self.stemmer,
            show_progress=False,
        )
        self.bm25 = bm25s.BM25()
        self.bm25.index(corpus, show_progress=False)

    def rank(self, question: str) -> Ranked:
        tokens = bm25s.tokenize(
            [question], stopwords="danish", stemmer=self.stemmer, show_progress=False
        )
        if not tokens.vocab:
            return []
        k = min(10, len(self.ids))
        docs, scores = self.bm25.retrieve(tokens, k=k, show_progress=False, n_threads=1)
        return [(self.ids[i], float(s)) for i, s in zip(docs[0], scores[0], strict=True) if s > 0]


def _document(s: Solution) -> str:
    parts = [
        s.title,
        s.problem,
        s.summary,
        s.description,
        " ".join(s.tags),
        " ".join(s.professions),
        " ".join(s.domains),
        " ".join(r.metric for r in s.results),
        s.organization,
    ]
    return " ".join(parts)


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def calibrate(system: System, runs: list[tuple[Question, Ranked]]) -> float:
    """The threshold that gives this system its best balanced accuracy on these runs."""
    candidates = sorted({r[0][1] for _, r in runs if r} | {0.0})
    best, best_accuracy = 0.0, -1.0
    for threshold in candidates:
        accuracy = balanced([(q, shown_above(r, threshold)) for q, r in runs])
        if accuracy > best_accuracy:
            best, best_accuracy = threshold, accuracy
    return best


Table = dict[str, dict[str, dict[str, float]]]


def evaluate(
    systems: list[System], questions: list[Question], holdouts: dict[str, list[Question]]
) -> tuple[Table, dict[str, Table]]:
    """Quality on the development set and on each hold-out set. Baselines are calibrated on
    the development set only; no threshold ever sees the hold-out questions."""
    solutions = demo_solutions()
    development: Table = {}
    held_out: dict[str, Table] = {name: {} for name in holdouts}
    for system in systems:
        system.build(solutions)
        runs = [(q, system.rank(q.q)) for q in questions]
        if not isinstance(system, Spred):
            system.threshold = calibrate(system, runs)
        development[system.name] = _by_kind(runs, system.threshold)
        for name, holdout in holdouts.items():
            held_out[name][system.name] = _by_kind(
                [(q, system.rank(q.q)) for q in holdout], system.threshold
            )
    return development, held_out


def _by_kind(runs: list[tuple[Question, Ranked]], threshold: float) -> dict[str, dict[str, float]]:
    shown = [(q, shown_above(r, threshold)) for q, r in runs]
    kinds: dict[str, list[tuple[Question, list[str]]]] = defaultdict(list)
    for q, s in shown:
        kinds[q.kind].append((q, s))
    return {"all": quality(shown)} | {k: quality(v) for k, v in kinds.items()}


def print_quality(table: Table, questions: list[Question], *, title: str) -> None:
    kinds = sorted({q.kind for q in questions})
    counts = {k: sum(q.kind == k for q in questions) for k in kinds}
    print(f"\n## Matcher quality, {title}: {len(questions)} questions, demo knowledge base\n")
    print(
        "R@1 / R@3 / MRR on answerable questions as shown (above each system's threshold); "
        "for `none`, the share correctly left unanswered. Balanced = mean of answer rate "
        "on answerable and no-answer rate on unanswerable.\n"
    )
    print("| kind (n) | " + " | ".join(table) + " |")
    print("|---|" + "---:|" * len(table))
    for kind in ["all", *kinds]:
        n = len(questions) if kind == "all" else counts[kind]
        cells = []
        for system in table.values():
            m = system[kind]
            if kind == "none":
                cells.append(f"{m['no-answer']:.2f}")
            elif kind == "all":
                cells.append(
                    f"R@1 {m['R@1']:.2f} · R@3 {m['R@3']:.2f} · MRR {m['MRR']:.2f} "
                    f"· bal {m['balanced']:.2f}"
                )
            else:
                cells.append(f"{m['R@1']:.2f} / {m['R@3']:.2f} / {m['MRR']:.2f}")
        print(f"| {kind} ({n}) | " + " | ".join(cells) + " |")


def print_admissions(spred: Spred, sets: dict[str, list[Question]]) -> None:
    """Answers above the threshold that name a telling word of the question none of them
    mentions ("none of them mention “byggetilladelser”"): how often a near miss is owned up
    to in the reply, and how often a right answer carries the note too."""
    print("\n## Spred's answers that say which words none of them mentions\n")
    print("| set | unanswerable, answered | … naming the missing words | right answers shown "
          "| … with that note |")  # fmt: skip
    print("|---|---:|---:|---:|---:|")
    for name, questions in sets.items():
        wrong = noted_wrong = right = noted_right = 0
        for question in questions:
            shown, noted = spred.admits(question.q)
            if not shown:
                continue
            if not question.expected:
                wrong, noted_wrong = wrong + 1, noted_wrong + noted
            elif rank_of(question, shown):
                right, noted_right = right + 1, noted_right + noted
        unanswerable = sum(not q.expected for q in questions)
        print(f"| {name} | {wrong} of {unanswerable} | {noted_wrong} | {right} | {noted_right} |")


ROUNDS = 4


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _resident() -> int:
    """Resident memory of this process in bytes (Linux)."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE")


def speed(sizes: Sequence[int], questions: list[Question]) -> None:
    print("\n## Matcher speed (one core)\n")
    print("| solutions | system | build | memory | query median | query p95 |")
    print("|---:|---|---:|---:|---:|---:|")
    texts = [q.q for q in questions]
    for size in sizes:
        solutions = demo_solutions() if size == 0 else scaled_solutions(size)
        systems: list[System] = [Spred(), StemmedBM25s()]
        built = []
        for system in systems:
            gc.collect()
            before = _resident()
            build = _timed(functools.partial(system.build, solutions))
            built.append((build, (_resident() - before) / 2**20))
            for text in texts[:20]:
                system.rank(text)  # warm caches, as a running server has them
        # The systems take turns over several rounds of all the questions, so a slow
        # spell of a shared machine falls on each alike and the ratio between them holds;
        # within a round one system runs alone, with its caches warm as in a server.
        samples: list[list[float]] = [[] for _ in systems]
        for _ in range(ROUNDS):
            for system, taken in zip(systems, samples, strict=True):
                taken.extend(_timed(functools.partial(system.rank, text)) for text in texts)
        for system, (build, memory), taken in zip(systems, built, samples, strict=True):
            print(
                f"| {len(solutions):,} | {system.name} | {build:.2f} s | {memory:.0f} MB | "
                f"{median_ms(taken):.2f} ms | {quantile_ms(taken, 0.95):.2f} ms |"
            )


def print_summary(development: Table, held_out: dict[str, Table]) -> None:
    """Spred's figures on every set in one table: what the targets are stated in."""
    print("\n## Spred on every set\n")
    print("| set | R@1 | R@3 | MRR | answered | no-answer |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, table in ({"development set": development} | held_out).items():
        m = table[Spred.name]["all"]
        cells = [f"{m[k]:.2f}" if k in m else "–" for k in ("R@1", "R@3", "MRR", "answered")]
        cells.append(f"{m['no-answer']:.2f}" if "no-answer" in m else "–")
        print(f"| {name} | " + " | ".join(cells) + " |")


def report_quality() -> None:
    """Quality on the development set and every hold-out set: the quick half of main."""
    questions = load_questions()
    holdouts = {name: load_questions(path) for name, path in HOLDOUTS.items() if path.exists()}
    spred = Spred()
    systems: list[System] = [spred, FuzzyTitles(), PlainBM25(), StemmedBM25s()]
    development, held_out = evaluate(systems, questions, holdouts)
    print_quality(development, questions, title="development set (thresholds calibrated here)")
    for name, table in held_out.items():
        print_quality(table, holdouts[name], title=f"{name} (never used for tuning)")
    print_admissions(spred, {"development set": questions} | holdouts)
    print_summary(development, held_out)


def main(sizes: Sequence[int] = (0, 10_000, 100_000)) -> None:
    report_quality()
    speed(sizes, load_questions())
