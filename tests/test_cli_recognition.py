"""`spred recognition --dry-run` as operators run it, on a real data directory (issue 17)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from knowledge.records import Adoption, Person, Stage
from knowledge.store import open_store
from tests.test_cli import Workspace

SOLUTION = "hurtig-opstart-i-hjemmeplejen"  # Mette Kjærgaard's, of Aarhus Kommune
METTE = Person(
    id="mette",
    name="Mette Kjærgaard",
    email="mette.kjaergaard@aarhus.eksempel.dk",
    organization="Aarhus Kommune",
    slack_id="UMETTE",
)


async def test_dry_run_shows_who_would_be_thanked_for_a_month_and_sends_nothing(
    tmp_path: Path,
) -> None:
    ws = Workspace(cwd=tmp_path, data=tmp_path / "data")
    assert ws("load-demo").code == 0
    store = await open_store(ws.data)
    try:
        await store.people.upsert(METTE)
        await store.adoptions.upsert(
            Adoption(id=f"{SOLUTION}:slack:UBO", solution_id=SOLUTION, user="slack:UBO",
                     organization="Vejle Kommune", stage=Stage.ADOPTED,
                     updated_at=datetime(2026, 11, 10, 9, 0, tzinfo=UTC))
        )  # fmt: skip
    finally:
        await store.close()

    run = ws("recognition", "--dry-run", "--json", "--month", "2026-11")
    assert run.code == 0, run
    [row] = run.json_lines
    assert (row["user"], row["month"], row["language"]) == ("slack:UMETTE", "2026-11", "da")
    [part] = row["parts"]
    assert (part["solution_id"], part["why"]) == (SOLUTION, "originator")
    assert part["text"] == (
        "Din løsning «Opstartsteam sikrer hjemmehjælp inden for et døgn» bruges nu i én "
        "anden organisation (én ny i november)."
    )
    text = ws("recognition", "--dry-run", "--month", "2026-11")
    assert text.code == 0, text
    assert text.out.splitlines()[0].startswith("slack:UMETTE (da, 2026-11): ")
    assert "  • [originator] Din løsning «Opstartsteam" in text.out

    quiet = ws("recognition", "--dry-run", "--month", "2026-10")
    assert quiet.code == 0, quiet
    assert quiet.out == ""
    assert quiet.err == "Nothing spread in 2026-10: nobody would be thanked.\n"
    store = await open_store(ws.data)
    try:
        assert await store.outbox.count() == 0  # a dry run sends nothing
        assert await store.reach.count() == 0  # nor spends
        assert await store.recognitions.count() == 0  # nor remembers
    finally:
        await store.close()


def test_wrong_use_is_explained(tmp_path: Path) -> None:
    ws = Workspace(cwd=tmp_path, data=tmp_path / "data")
    bare = ws("recognition")
    assert bare.code == 2
    assert "the following arguments are required: --dry-run" in bare.err
    garbled = ws("recognition", "--dry-run", "--month", "november")
    assert garbled.code == 1
    assert garbled.err == (
        "spred: --month must be a month written YYYY-MM, e.g. 2026-11, not 'november'\n"
    )
    for edge in ("0000-01", "9999-12"):  # no month before or after on the calendar
        off = ws("recognition", "--dry-run", "--month", edge)
        assert (off.code, off.out) == (1, "")
        assert (
            off.err
            == f"spred: --month must be a month written YYYY-MM, e.g. 2026-11, not {edge!r}\n"
        )
