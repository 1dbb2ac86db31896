"""Synthetic solutions of the size the targets assume (about 2 KB each), from the demo base."""

from __future__ import annotations

import random
from dataclasses import replace

from knowledge.kb import demo_solutions
from knowledge.solutions import Solution

DESCRIPTION_CHARS = 700  # with the demo's other fields: about 2 KB a solution as JSON


def scaled_solutions(count: int, *, seed: int = 7) -> list[Solution]:
    """`count` distinct solutions: demo solutions with shuffled text and numbered ids."""
    rng = random.Random(seed)
    demo = demo_solutions()
    words = " ".join(s.description for s in demo).split()
    out = []
    for i in range(count):
        base = demo[i % len(demo)]
        text = " ".join(rng.choice(words) for _ in range(120))[:DESCRIPTION_CHARS]
        out.append(replace(base, id=f"{base.id[:60]}-{i}", description=text))
    return out
