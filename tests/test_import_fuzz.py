"""`spred import` as a property: whatever file it is given (random JSON, a valid export
mutated field by field or byte by byte, CSV, bytes), it ends with status 0 or 1, says each
problem on one line and never a traceback, stores nothing from a file it refused, and leaves
a store that reads."""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.cli import main
from knowledge.store import open_store
from tests.conftest import solution_dict

FIELDS = [*solution_dict(), "retired", "x_ekstra", "", "a b\n\x1b[2J"]
PROBLEM = re.compile(r"solutions\[\d+\]\S*: \S.*")  # "solutions[3].results[0].after: …"
IMPORTED = re.compile(r"Imported \d+ solutions \(\d+ new, \d+ updated\) into .+\.")

TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=30) | st.sampled_from(
    ["", " ", "kortere-ventetid", "12,5", "Ældre", "x" * 600, "a\nb", "\x1b[31m", "\u202e"]
)
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**64 - 1)  # what JSON readers and writers agree on
    | st.floats(allow_nan=False, allow_infinity=False)
    | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)


@st.composite
def mutated_solution(draw: st.DrawFn) -> dict[str, Any]:
    entry = solution_dict(draw(st.sampled_from(["kortere-ventetid", "anden", "tredje"])))
    for _ in range(draw(st.integers(0, 3))):
        name = draw(st.sampled_from(FIELDS))
        if draw(st.booleans()):
            entry.pop(name, None)
        else:
            entry[name] = draw(JSON)
    if draw(st.booleans()):
        results = entry.get("results")
        first = results[0] if isinstance(results, list) and results else None
        result = dict(first) if isinstance(first, dict) else {}
        result[draw(st.sampled_from(["before", "after", "metric", "noter"]))] = draw(JSON)
        entry["results"] = [result]
    return entry


@st.composite
def json_body(draw: st.DrawFn) -> bytes:
    entries = draw(st.lists(mutated_solution() | JSON, min_size=0, max_size=4))
    body = orjson.dumps(entries, option=draw(st.sampled_from([0, orjson.OPT_INDENT_2])))
    if draw(st.booleans()):  # a field nested deeper than any writer takes
        depth = draw(st.sampled_from([63, 64, 65, 120, 253, 260, 1023, 1030]))
        body = body.replace(b'"id":', b'"x_dyb":' + b"[" * depth + b"]" * depth + b',"id":', 1)
    return body


@st.composite
def byte_mutation(draw: st.DrawFn) -> bytes:
    body = draw(json_body())
    at = draw(st.integers(0, len(body)))
    kind = draw(st.sampled_from(["cut", "insert", "replace"]))
    if kind == "cut":
        return body[:at]
    noise = draw(st.binary(min_size=1, max_size=4) | st.sampled_from([b",", b"]", b'"', b"\\"]))
    return body[:at] + noise + body[at + (len(noise) if kind == "replace" else 0) :]


@st.composite
def csv_body(draw: st.DrawFn) -> bytes:
    names = ["id", "title", "summary", "organization", "tags", "result_metric",
             "result_before", "result2_after", "contact_name", "contact_email", "retired",
             "x;y", '"']  # fmt: skip
    columns = draw(st.lists(st.sampled_from(names), min_size=1, max_size=8))
    delimiter = draw(st.sampled_from([";", ",", "\t"]))
    cells = st.text(alphabet='ab æ;,"\n\r\t12.-', max_size=8) | st.sampled_from(["a", "1,5"])
    rows = [columns, *draw(st.lists(st.lists(cells, max_size=9), max_size=4))]
    return "\r\n".join(delimiter.join(row) for row in rows).encode()


BODIES = st.one_of(json_body(), byte_mutation(), csv_body(), st.binary(max_size=60))


class _Logged(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


async def _stored(data: Path) -> list[dict[str, Any]]:
    store = await open_store(data)
    try:
        return sorted((s.to_dict() for s in await store.solutions.all()), key=lambda d: d["id"])
    finally:
        await store.close()


@dataclass
class Store:
    """One data directory for all the cases (opening a new one costs as much as a case)
    and what it held after the last."""

    root: Path
    held: list[dict[str, Any]]

    @property
    def data(self) -> Path:
        return self.root / "data"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    root = tmp_path_factory.mktemp("fuzz")
    seed = root / "seed.json"
    seed.write_bytes(orjson.dumps([solution_dict("allerede-her")]))
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["import", str(seed), "--data", str(root / "data")]) == 0
    return Store(root=root, held=asyncio.run(_stored(root / "data")))


@given(
    body=BODIES,
    suffix=st.sampled_from([".json", ".csv", ""]),
    skip_invalid=st.booleans(),
)
@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)
def test_import_never_fails_badly(
    store: Store, body: bytes, suffix: str, skip_invalid: bool
) -> None:
    source = store.root / f"fil{suffix}"
    source.write_bytes(body)
    out, err, logged = io.StringIO(), io.StringIO(), _Logged()
    logging.getLogger().addHandler(logged)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(
                ["import", str(source), "--data", str(store.data)]
                + (["--skip-invalid"] if skip_invalid else [])
            )
    finally:
        logging.getLogger().removeHandler(logged)
    shown = f"{body!r}\nstdout: {out.getvalue()}\nstderr: {err.getvalue()}"
    assert code in (0, 1), shown
    assert not logged.records, [r.getMessage() for r in logged.records]
    lines = err.getvalue().splitlines()
    assert "Traceback" not in err.getvalue(), shown
    # Every line on stderr is an entry's problem or Spred's own one-line summary.
    kinds = {"problem" if PROBLEM.fullmatch(line) else line[: len("spred: ")] for line in lines}
    assert kinds <= {"problem", "spred: "}, shown
    assert (code == 0) == (not lines), shown
    printed = out.getvalue().splitlines()
    # Something was imported exactly when stdout says so, in one line: always on success,
    # and with --skip-invalid when some entries were valid.
    assert len(printed) <= 1, shown
    assert [line for line in printed if not IMPORTED.fullmatch(line)] == [], shown
    if code == 0:
        assert len(printed) == 1, shown
    elif printed:
        assert skip_invalid, shown
    held = asyncio.run(_stored(store.data))  # the store still reads, whatever happened
    if not printed:  # refused: nothing of it stored
        assert held == store.held, shown
    store.held = held
