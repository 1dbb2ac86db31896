"""`spred confirmations` as operators run it, on a real data directory."""

from __future__ import annotations

from pathlib import Path

import orjson

from tests.conftest import solution_dict
from tests.test_cli import Workspace, write_json

OWNER = {"name": "Mette Hansen", "email": "mette.hansen@odense.eksempel.dk"}


def test_confirmations_lists_the_owners_due_with_their_solutions(tmp_path: Path) -> None:
    ws = Workspace(cwd=tmp_path, data=tmp_path / "data")
    entries = [
        solution_dict("gammel", title="Gammel løsning", contacts=[OWNER], confirmed="2020-01-06"),
        solution_dict("ny", title="Ny løsning", contacts=[OWNER]),  # confirmed as of today
    ]
    assert ws("import", write_json(tmp_path / "kb.json", entries)).code == 0
    run = ws("confirmations", "--json")
    assert run.code == 0, run
    [owner] = [orjson.loads(line) for line in run.out.splitlines()]
    assert owner == {
        "owner": "mette.hansen@odense.eksempel.dk",
        "name": "Mette Hansen",
        "asked_at": None,
        "to": "",
        "solutions": [{"id": "gammel", "title": "Gammel løsning", "confirmed": "2020-01-06"}],
    }
    text = ws("confirmations").out
    assert "Mette Hansen <mette.hansen@odense.eksempel.dk>  not asked yet" in text
    assert "2020-01-06  Gammel løsning  [gammel]" in text
    # With ten years between questions, nothing is due yet.
    quiet = ws("confirmations", env={"SPRED_CONFIRM_MONTHS": "120"})
    assert quiet.out == ""
    assert "No solution is due: every one was confirmed within 120 months." in quiet.err
    wrong = ws("confirmations", env={"SPRED_CONFIRM_MONTHS": "et år"})
    assert wrong.code != 0
    assert "SPRED_CONFIRM_MONTHS must be a whole number of months from 1 to 120" in wrong.err
