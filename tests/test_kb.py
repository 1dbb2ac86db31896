"""The knowledge base keeps the store and the matcher in step."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import replace
from pathlib import Path

import pytest

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


async def test_a_change_behind_our_back_reindexes_only_what_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = await open_store(tmp_path / "data")
    try:
        kb = await KnowledgeBase.load(store)
        await kb.publish([make_solution(f"s{i}", title=f"Løsning nummer {i}") for i in range(20)])
        matcher = kb.matcher
        prepared: list[list[str]] = []
        real = matcher.prepare
        monkeypatch.setattr(
            matcher, "prepare", lambda given: prepared.append([s.id for s in given]) or real(given)
        )
        # as another process would: one edited, one retired, one deleted, one new
        edited = make_solution("s0", title="Snerydning på kirkegårde")
        retired = replace(make_solution("s1", title="Løsning nummer 1"), retired=True)
        await store.solutions.upsert_many([edited, retired, make_solution("s99")])
        await store.solutions.delete("s2")
        assert await kb.refresh() is True
        assert kb.matcher is matcher  # changed in place, not rebuilt
        assert sorted(prepared[0]) == ["s0", "s1", "s99"]
        assert kb.ask("snerydning kirkegårde")[0].solution.id == "s0"
        assert "s1" not in kb.matcher._solutions
        assert "s2" not in kb.matcher._solutions
        assert len(kb.matcher) == 19  # 20, one retired, one deleted, one new
        assert await kb.refresh() is False
    finally:
        await store.close()


async def test_a_large_change_behind_our_back_is_indexed_beside_the_live_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import knowledge.kb as kb_module

    monkeypatch.setattr(kb_module, "IN_PLACE", 3)  # as 500 of 100,000 would be
    store = await open_store(tmp_path / "data")
    try:
        kb = await KnowledgeBase.load(store)
        await kb.publish([make_solution(f"s{i}", title=f"Løsning nummer {i}") for i in range(20)])
        matcher = kb.matcher
        await store.solutions.upsert_many(
            [make_solution(f"s{i}", title=f"Snerydning nummer {i}") for i in range(4)]
        )
        assert await kb.refresh() is True
        assert kb.matcher is not matcher  # four of twenty: more than may change in place
        assert len(kb.matcher) == 20
        assert kb.ask("snerydning")[0].solution.id.startswith("s")
    finally:
        await store.close()


async def test_questions_are_matched_off_the_event_loop(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    kb = await KnowledgeBase.load(store)
    await kb.publish([make_solution()])
    threads: list[int] = []
    real = kb.matcher.search

    def seen(question: str, *, top: int = 3) -> list[object]:
        threads.append(threading.get_ident())
        return real(question, top=top)  # type: ignore[return-value]

    monkeypatch.setattr(kb.matcher, "search", seen)
    found = await kb.search("ventetid visitation")
    assert [m.solution.id for m in found] == ["kortere-ventetid"]
    assert len(threads) == 1
    assert threads[0] != threading.get_ident()  # not the event loop's


async def test_a_change_to_the_index_waits_for_the_question_being_matched(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    kb = await KnowledgeBase.load(store)
    matching, go_on = threading.Event(), threading.Event()
    real = kb.matcher.search

    def held(question: str, *, top: int = 3) -> list[object]:
        matching.set()
        go_on.wait(10)
        return real(question, top=top)  # type: ignore[return-value]

    monkeypatch.setattr(kb.matcher, "search", held)
    asking = asyncio.create_task(kb.search("ventetid visitation"))
    assert await asyncio.to_thread(matching.wait, 10)
    publishing = asyncio.create_task(kb.publish([make_solution()]))
    await asyncio.wait({publishing}, timeout=0.5)  # long enough to store and index it
    try:
        assert await store.solutions.get("kortere-ventetid") is not None  # stored,
        assert not publishing.done()  # but not indexed while a question is being matched
        assert len(kb.matcher) == 0
    finally:
        go_on.set()
    assert await asking == []  # the question met the index as it was when it came
    await publishing
    assert len(kb.matcher) == 1
