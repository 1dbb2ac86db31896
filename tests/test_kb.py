"""The knowledge base keeps the store and the matcher in step."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

import pytest

from knowledge.kb import KnowledgeBase
from knowledge.store import MemoryStore, Store, open_store
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
        assert kb.ask("snerydning")[0].solution.id in {"s0", "s1", "s2", "s3"}  # the renamed
    finally:
        await store.close()


@pytest.mark.parametrize(
    ("per_turn", "turns"), [(0.0, 3), (60.0, 1)], ids=["share used up", "share to spare"]
)
async def test_questions_asked_together_are_matched_in_the_loops_turns_as_their_share_allows(
    store: Store, monkeypatch: pytest.MonkeyPatch, per_turn: float, turns: int
) -> None:
    import knowledge.kb as kb_module

    monkeypatch.setattr(kb_module, "MATCHING_PER_TURN", per_turn)
    kb = await KnowledgeBase.load(store)
    await kb.publish([make_solution()])
    happened: list[str] = []
    real = kb.matcher.search

    def matched(question: str, *, top: int = 3) -> list[object]:
        happened.append("matched")
        return real(question, top=top)  # type: ignore[return-value]

    async def the_rest_of_the_loop() -> None:  # as acknowledgements waiting their turn
        while True:
            happened.append("other work")
            await asyncio.sleep(0)

    monkeypatch.setattr(kb.matcher, "search", matched)
    other = asyncio.create_task(the_rest_of_the_loop())
    try:
        found = await asyncio.gather(*(kb.search("ventetid visitation") for _ in range(3)))
    finally:
        other.cancel()
    assert [[m.solution.id for m in f] for f in found] == [["kortere-ventetid"]] * 3
    runs = "".join("m" if what == "matched" else " " for what in happened).split()
    assert len(runs) == turns  # runs of matching with no other work between


async def test_a_question_given_up_while_it_waits_for_its_turn_holds_up_no_other(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import knowledge.kb as kb_module

    monkeypatch.setattr(kb_module, "MATCHING_PER_TURN", 0.0)  # one question a turn
    kb = await KnowledgeBase.load(store)
    await kb.publish([make_solution()])
    first, given_up, third = (
        asyncio.create_task(kb.search("ventetid visitation")) for _ in range(3)
    )
    await asyncio.sleep(0)  # all three asked: the first matched, the others wait
    given_up.cancel()
    assert [m.solution.id for m in await first] == ["kortere-ventetid"]
    assert [m.solution.id for m in await third] == ["kortere-ventetid"]
    assert given_up.cancelled()


def test_a_knowledge_base_searched_on_an_interrupted_event_loop_is_searched_on_the_next(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import knowledge.kb as kb_module

    monkeypatch.setattr(kb_module, "MATCHING_PER_TURN", 0.0)
    first = asyncio.new_event_loop()
    try:
        store = MemoryStore()
        first.run_until_complete(store.open())
        kb = first.run_until_complete(KnowledgeBase.load(store))
        first.run_until_complete(kb.publish([make_solution()]))

        async def interrupted() -> None:  # as Ctrl+C in `spred chat`: the turn never ends
            await kb.search("ventetid visitation")
            raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            first.run_until_complete(interrupted())
    finally:
        first.close()
    found = asyncio.run(asyncio.wait_for(kb.search("ventetid visitation"), 10))
    assert [m.solution.id for m in found] == ["kortere-ventetid"]
