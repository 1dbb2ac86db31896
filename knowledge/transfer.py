"""Reading import files (JSON or CSV) into raw entries, and writing the export.

Errors here are about the file as a whole (missing, not JSON, not UTF-8); errors in single
entries are the validator's (knowledge.solutions.parse_solutions). Files are read one entry
at a time, so an import of any size, an export of the largest knowledge base among them,
holds one entry's text at a time besides what it keeps.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import itertools
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from knowledge.json_list import CHUNK, JSONListError
from knowledge.json_list import entries as json_entries
from knowledge.solutions import Solution
from knowledge.typed import danish_number
from knowledge.validation import printable

# For files read whole (a list of questions), not imports.
MAX_INPUT_BYTES = 40 * 1024 * 1024

LIST_COLUMNS = ("professions", "domains", "tags", "sponsors")
GROUPS = {"result": "results", "contact": "contacts"}
_GROUP_COLUMN = re.compile(r"(result|contact)(\d*)_(\w+)")
_NUMBER_FIELDS = frozenset({"before", "after"})

Progress = Callable[[int], None]


class ImportFileError(Exception):
    """The file cannot be read as an import at all; the message says what to do."""


def read_entries(path: Path, *, noun: str = "solutions") -> list[Any]:
    """The raw entries of a JSON list or a CSV sheet, ready for validation; `noun` names
    what the list should hold, for the messages."""
    return list(iter_entries(path, noun=noun))


def iter_entries(
    path: Path, *, noun: str = "solutions", on_progress: Progress | None = None
) -> Iterator[Any]:
    """The raw entries one at a time, as they are read; ImportFileError, when the file
    turns out not to be an import, may come after some. `on_progress` is told the bytes read
    so far."""
    with _opened(path, what="a .json or .csv file") as stream:
        if _looks_like_csv(path, stream.peek(64)):
            yield from _csv_entries(stream, name=str(path), on_progress=on_progress)
        else:
            yield from _json_entries(stream, name=str(path), noun=noun, on_progress=on_progress)


def read_input(path: Path, *, what: str, verb: str, advice: str) -> bytes:
    """A whole file's bytes, up to MAX_INPUT_BYTES, or ImportFileError saying in one line
    why they cannot be had."""
    with _opened(path, what=what) as stream:
        size = path.stat().st_size
        if size > MAX_INPUT_BYTES:
            raise ImportFileError(
                f"{path} is {math.ceil(size / 2**20 * 10) / 10:.1f} MB; Spred {verb} at most "
                f"{MAX_INPUT_BYTES // (1024 * 1024)} MB at a time. Split it into smaller "
                f"files and {advice}."
            )
        return stream.read()


@contextlib.contextmanager
def _opened(path: Path, *, what: str) -> Iterator[io.BufferedReader]:
    try:
        if path.is_dir():
            raise ImportFileError(f"{path} is a directory; give the path of {what}")
        stream = path.open("rb")
    except FileNotFoundError:
        raise ImportFileError(f"{path}: no such file") from None
    except PermissionError:
        raise ImportFileError(f"{path}: permission denied") from None
    except OSError as exc:
        raise ImportFileError(f"{path}: {exc.strerror or exc}") from None
    with stream:
        try:
            yield stream
        except OSError as exc:  # a read failing half-way: a disk error, a removed USB stick
            raise ImportFileError(f"{path}: {exc.strerror or exc}") from None


def _looks_like_csv(path: Path, head: bytes) -> bool:
    suffix = path.suffix.lower()
    if suffix in {".csv", ".tsv", ".txt"}:
        return True
    if suffix == ".json":
        return False
    return not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"[", b"{"))


def parse_json(payload: bytes, *, name: str, noun: str = "solutions") -> list[Any]:
    return list(_json_entries(io.BytesIO(payload), name=name, noun=noun))


def _json_entries(
    stream: BinaryIO, *, name: str, noun: str = "solutions", on_progress: Progress | None = None
) -> Iterator[Any]:
    try:
        yield from json_entries(stream, on_progress=on_progress)
    except JSONListError as exc:
        if exc.kind == "empty":
            raise ImportFileError(f"{name} is empty; expected a JSON list of {noun}") from None
        if exc.kind == "too big":
            raise ImportFileError(f"{name}: {exc.message}") from None
        if exc.kind is not None:
            raise ImportFileError(
                f"{name} holds {exc.kind}; expected a JSON list of {noun} [...]"
            ) from None
        raise ImportFileError(f"{name} is not valid JSON: {exc.message}") from None


def parse_csv(payload: bytes, *, name: str) -> list[dict[str, Any]]:
    return list(_csv_entries(io.BytesIO(payload), name=name))


def _csv_entries(
    stream: BinaryIO, *, name: str, on_progress: Progress | None = None
) -> Iterator[dict[str, Any]]:
    """One row per solution. Lists are `;`-separated cells; results and contacts come in
    column groups `result_metric`, `result_before`, … and `result2_metric`, … (likewise
    `contact_name`, `contact2_name`). Danish decimal commas ("12,5") are read as numbers."""
    counted = _Counted(stream, on_progress)
    text = io.TextIOWrapper(io.BufferedReader(counted), encoding="utf-8-sig", newline="")
    try:
        yield from _rows(text, name=name)
    except UnicodeDecodeError:
        stream.seek(0)
        raise ImportFileError(
            f"{name} is not UTF-8 text (byte {_first_bad_byte(stream)}); save it as UTF-8 "
            f"(in Excel: 'CSV UTF-8 (kommasepareret)') and import again"
        ) from None
    finally:
        text.detach()  # the caller closes the file


def _rows(text: io.TextIOWrapper, *, name: str) -> Iterator[dict[str, Any]]:
    blank = []
    for line in text:
        if line.strip():
            first = line
            break
        blank.append(line)
    else:
        raise ImportFileError(f"{name} is empty; expected a header row and then one row per entry")
    delimiter = _delimiter(first)
    lines = itertools.chain(blank, [first], text)
    rows = csv.DictReader(lines, delimiter=delimiter, quotechar='"')
    try:
        header = rows.fieldnames or []
        if "id" not in (column.strip() for column in header):
            raise ImportFileError(
                f"{name}: the header row has no 'id' column "
                f"(found: {printable(', '.join(header[:12])) or 'nothing'})"
            )
        for row in rows:
            if None in row:
                raise ImportFileError(
                    f"{name}: line {rows.line_num} has more cells than the header has "
                    f"columns; put quotes around cells that contain {delimiter!r}"
                )
            yield _row_entry(row)
    except csv.Error as exc:
        raise ImportFileError(f"{name}: line {rows.line_num}: {exc}") from None


class _Counted(io.RawIOBase):
    """The file as TextIOWrapper reads it, telling how much is read."""

    def __init__(self, stream: BinaryIO, on_progress: Progress | None) -> None:
        self.stream = stream
        self.on_progress = on_progress
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.stream.read(len(buffer))
        buffer[: len(data)] = data
        self.count += len(data)
        if self.on_progress is not None and data:
            self.on_progress(self.count)
        return len(data)


def _first_bad_byte(stream: BinaryIO) -> int:
    """The offset of the first byte that is not UTF-8, read a chunk at a time."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    while chunk := stream.read(CHUNK):
        held = len(decoder.getstate()[0])  # the start of a character cut by the last chunk
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            return offset - held + exc.start
        offset += len(chunk)
    return offset


def _delimiter(header: str) -> str:
    """The header row's separator. Headers are plain names, so counting is reliable where
    csv.Sniffer guesses wrong on quoted cells and apostrophes."""
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


def export_bytes(
    solutions: Iterable[Solution], *, extra: Mapping[str, Mapping[str, Any]] | None = None
) -> bytes:
    """The import schema, sorted by id: the same store always gives the same bytes. `extra`
    adds fields to a solution's entry by its id (its local results, knowledge/evidence.py)."""
    extra = extra or {}
    entries = [
        s.to_dict() | dict(extra.get(s.id, {})) for s in sorted(solutions, key=lambda s: s.id)
    ]
    return orjson.dumps(entries, option=orjson.OPT_INDENT_2) + b"\n"
