"""Reading import files (JSON or CSV) into raw entries, and writing the export.

Errors here are about the file as a whole (missing, too big, not JSON, not UTF-8); errors in
single entries are the validator's (knowledge.solutions.parse_solutions).
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson

from knowledge.solutions import Solution
from knowledge.typed import danish_number

# The whole knowledge base lives in memory; one import may not be more than a large one.
MAX_IMPORT_BYTES = 40 * 1024 * 1024

LIST_COLUMNS = ("professions", "domains", "tags", "sponsors")
GROUPS = {"result": "results", "contact": "contacts"}
_GROUP_COLUMN = re.compile(r"(result|contact)(\d*)_(\w+)")
_NUMBER_FIELDS = frozenset({"before", "after"})


class ImportFileError(Exception):
    """The file cannot be read as an import at all; the message says what to do."""


def read_entries(path: Path, *, noun: str = "solutions") -> list[Any]:
    """The raw entries of a JSON list or a CSV sheet, ready for validation; `noun` names
    what the list should hold, for the messages."""
    payload = read_input(path, what="a .json or .csv file")
    if _looks_like_csv(path, payload):
        return parse_csv(payload, name=str(path))
    return parse_json(payload, name=str(path), noun=noun)


IMPORT_ADVICE = "import each: entries are upserted by id, so they add up"
IMPORT_VERB = "imports"


def read_input(
    path: Path,
    *,
    what: str,
    verb: str = IMPORT_VERB,
    advice: str = IMPORT_ADVICE,
) -> bytes:
    """A file's bytes, or ImportFileError saying in one line why they cannot be had."""
    try:
        if path.is_dir():
            raise ImportFileError(f"{path} is a directory; give the path of {what}")
        size = path.stat().st_size
        if size > MAX_IMPORT_BYTES:
            raise ImportFileError(
                f"{path} is {math.ceil(size / 2**20 * 10) / 10:.1f} MB; Spred {verb} at most "
                f"{MAX_IMPORT_BYTES // (1024 * 1024)} MB at a time. Split it into smaller "
                f"files and {advice}."
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise ImportFileError(f"{path}: no such file") from None
    except PermissionError:
        raise ImportFileError(f"{path}: permission denied") from None
    except OSError as exc:
        raise ImportFileError(f"{path}: {exc.strerror or exc}") from None


def _looks_like_csv(path: Path, payload: bytes) -> bool:
    suffix = path.suffix.lower()
    if suffix in {".csv", ".tsv", ".txt"}:
        return True
    if suffix == ".json":
        return False
    return not payload.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"[", b"{"))


def parse_json(payload: bytes, *, name: str, noun: str = "solutions") -> list[Any]:
    if not payload.strip():
        raise ImportFileError(f"{name} is empty; expected a JSON list of {noun}")
    try:
        data = orjson.loads(payload.removeprefix(b"\xef\xbb\xbf"))
    except orjson.JSONDecodeError as exc:
        raise ImportFileError(
            f"{name} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from None
    if not isinstance(data, list):
        kind = "an object" if isinstance(data, dict) else "a single value"
        raise ImportFileError(f"{name} holds {kind}; expected a JSON list of {noun} [...]")
    return data


def parse_csv(payload: bytes, *, name: str) -> list[dict[str, Any]]:
    """One row per solution. Lists are `;`-separated cells; results and contacts come in
    column groups `result_metric`, `result_before`, … and `result2_metric`, … (likewise
    `contact_name`, `contact2_name`). Danish decimal commas ("12,5") are read as numbers."""
    try:
        text = payload.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            f"{name} is not UTF-8 text (byte {exc.start}); save it as UTF-8 "
            f"(in Excel: 'CSV UTF-8 (kommasepareret)') and import again"
        ) from None
    if not text.strip():
        raise ImportFileError(f"{name} is empty; expected a header row and then one row per entry")
    delimiter = _delimiter(text)
    rows = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"')
    try:
        header = rows.fieldnames or []
        if "id" not in (column.strip() for column in header):
            raise ImportFileError(
                f"{name}: the header row has no 'id' column "
                f"(found: {', '.join(header[:12]) or 'nothing'})"
            )
        entries = []
        for row in rows:
            if None in row:
                raise ImportFileError(
                    f"{name}: line {rows.line_num} has more cells than the header has "
                    f"columns; put quotes around cells that contain {delimiter!r}"
                )
            entries.append(_row_entry(row))
        return entries
    except csv.Error as exc:
        raise ImportFileError(f"{name}: line {rows.line_num}: {exc}") from None


def _delimiter(text: str) -> str:
    """The header row's separator. Headers are plain names, so counting is reliable where
    csv.Sniffer guesses wrong on quoted cells and apostrophes."""
    header = text.lstrip().split("\n", 1)[0]
    return max(";,\t", key=header.count) if any(c in header for c in ";,\t") else ","


def _row_entry(row: dict[str, Any]) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    groups: dict[tuple[str, int], dict[str, Any]] = {}
    for column, cell in row.items():
        if cell is None:
            continue  # fewer cells than columns: the rest are empty
        value = cell.strip()
        if not value:
            continue
        column = column.strip()
        if match := _GROUP_COLUMN.fullmatch(column):
            kind, number, field = match.groups()
            item = groups.setdefault((kind, int(number or 1)), {})
            item[field] = _number(value) if field in _NUMBER_FIELDS else value
        elif column in LIST_COLUMNS:
            entry[column] = [part.strip() for part in value.split(";") if part.strip()]
        elif column == "retired":
            entry[column] = value.lower() in {"true", "ja", "yes", "1"}
        else:
            entry[column] = value
    for (kind, _), item in sorted(groups.items()):
        entry.setdefault(GROUPS[kind], []).append(item)
    return entry


def _number(value: str) -> Any:
    """A number if the cell holds one; else the text, for the validator to name."""
    number = danish_number(value)
    return value if number is None else number


def export_bytes(solutions: Iterable[Solution]) -> bytes:
    """The import schema, sorted by id: the same store always gives the same bytes."""
    entries = [s.to_dict() for s in sorted(solutions, key=lambda s: s.id)]
    return orjson.dumps(entries, option=orjson.OPT_INDENT_2) + b"\n"
