"""Shared fixtures. `store` runs each test once per storage backend."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest

from knowledge.solutions import Solution
from knowledge.store import MemoryStore, Store, open_store


def solution_dict(slug: str = "kortere-ventetid", **changes: Any) -> dict[str, Any]:
    """A valid solution in the import schema; keyword arguments replace fields."""
    entry: dict[str, Any] = {
        "id": slug,
        "title": "Kortere ventetid i hjemmeplejen",
        "problem": "Borgerne ventede længe på hjælp efter udskrivning.",
        "summary": "Visitation samme dag som udskrivningen.",
        "description": "Visitatorerne sidder på sygehuset to dage om ugen.",
        "results": [
            {
                "metric": "Ventetid på visitation",
                "before": 14,
                "after": 3,
                "unit": "dage",
                "period": "2023",
                "source": "Kommunens egen opgørelse",
            }
        ],
        "organization": "Odense Kommune",
        "unit": "Hjemmeplejen Syd",
        "contacts": [
            {"name": "Mette Hansen", "email": "mette.hansen@odense.eksempel.dk", "role": "Leder"}
        ],
        "professions": ["sygeplejerske"],
        "domains": ["ældrepleje"],
        "tags": ["ventetid", "visitation"],
        "sponsors": ["KL"],
        "language": "da",
        "status": "proven",
    }
    entry.update(changes)
    return entry


def make_solution(slug: str = "kortere-ventetid", **changes: Any) -> Solution:
    return Solution.from_dict(solution_dict(slug, **changes))


@pytest.fixture(params=["memory", "tinydb"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    """Every store test runs against each backend: the interface is the contract."""
    opened: Store
    if request.param == "memory":
        opened = MemoryStore()
        await opened.open()
    else:
        opened = await open_store(tmp_path / "data")
    yield opened
    await opened.close()


@pytest.fixture
def reopen(tmp_path: Path) -> Callable[[], Any]:
    """Opens the TinyDB store in tmp_path/data again, as a restarted process would."""

    async def _reopen() -> Store:
        return await open_store(tmp_path / "data")

    return _reopen
