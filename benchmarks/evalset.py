"""The matcher's development set: questions as professionals type them, with the ids of the
solutions that answer them ([] where the demo knowledge base has no answer)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import orjson

EVAL = Path(__file__).with_name("eval") / "questions.jsonl"


@dataclass(frozen=True, slots=True)
class Question:
    q: str
    kind: str
    expected: frozenset[str]


def load_questions(path: Path = EVAL) -> list[Question]:
    rows = [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]
    return [Question(r["q"], r["kind"], frozenset(r["expected"])) for r in rows]
