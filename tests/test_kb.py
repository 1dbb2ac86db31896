"""The knowledge base keeps the store and the matcher in step."""

from __future__ import annotations

from pathlib import Path

from knowledge.kb import KnowledgeBase
from knowledge.store import Store, open_store
from tests.conftest import make_solution


async def test_published_solutions_are_found_and_retired_ones_are_kept_but_hidden(
    store: Store,
) -> None:
    kb = await KnowledgeBase.load(store)
    await kb.publish([make_solution()])
    assert [m.solution.id for m in kb.ask("ventetid visitation")] == ["kortere-ventetid"]
    retired = await kb.retire("kortere-ventetid")
    assert retired is not None
    assert retired.retired
    assert kb.ask("ventetid visitation") == []
    kept = await store.solutions.get("kortere-ventetid")
    assert kept is not None
    assert kept.retired
    assert await kb.retire("findes-ikke") is None


async def test_loading_indexes_what_the_store_holds_with_the_admins_synonyms(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    store = await open_store(data)
    try:
        await store.solutions.upsert(make_solution())
        (data / "synonyms.txt").write_text("kø | ventetid\n")
        kb = await KnowledgeBase.load(store, data_dir=data)
        assert len(kb.matcher) == 1
        assert kb.matcher.search("kø visitation")[0].solution.id == "kortere-ventetid"
    finally:
        await store.close()


async def test_solutions_another_process_stores_are_picked_up(tmp_path: Path) -> None:
    import subprocess
    import sys

    import orjson

    from tests.conftest import solution_dict

    data = tmp_path / "data"
    store = await open_store(data)
    try:
        kb = await KnowledgeBase.load(store)
        await kb.publish([make_solution()])
        assert await kb.refresh() is False  # our own write is already indexed
        other = tmp_path / "nyt.json"
        other.write_bytes(orjson.dumps([solution_dict("ensomhed", title="Fællesspisning mod "
                                                      "ensomhed", tags=["ensomhed"])]))  # fmt: skip
        subprocess.run(
            [sys.executable, "-m", "bot", "import", str(other), "--data", str(data)],
            check=True,
            capture_output=True,
            cwd=Path(__file__).resolve().parents[1],
        )
        assert kb.ask("ensomhed fællesspisning") == []
        assert await kb.refresh() is True
        assert kb.ask("ensomhed fællesspisning")[0].solution.id == "ensomhed"
        assert len(kb.matcher) == 2
    finally:
        await store.close()
