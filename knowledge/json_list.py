"""Reading a JSON list one entry at a time.

An export of a large knowledge base is larger than anything worth holding twice, as bytes and
as parsed entries, before the first entry is even checked. This reads the file in chunks,
finds where each top-level entry ends (skipping strings, counting brackets) and parses that
entry alone with orjson, so at most one entry's bytes and one chunk are held at a time. Errors
name the line and column in the whole file, as a parse of the whole file would.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

import orjson

CHUNK = 1024 * 1024
# Far more than any solution or person (the fields Spred knows come to about 60 KB at most);
# it bounds what one entry can make the reader hold.
MAX_ENTRY_BYTES = 8 * 1024 * 1024

_BOM = b"\xef\xbb\xbf"
_SPACE = re.compile(rb"[ \t\r\n]*")
# A whole string (group 1 is empty if the buffer ends inside it), or a bracket.
_TOKEN = re.compile(rb'(?s)"(?:[^"\\]++|\\.)*+("?)|[\[\]{}]')
_STRING = re.compile(rb'(?s)"(?:[^"\\]++|\\.)*+("?)')
_SCALAR = re.compile(rb'[^ \t\r\n,\[\]{}"]*')
_VALUE_START = frozenset(b'{["-0123456789tfn')
_OPEN = frozenset(b"[{")


class JSONListError(Exception):
    """The file is not a JSON list; `message` says why, an invalid one ending in the line
    and column."""

    def __init__(self, message: str, *, kind: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        # "empty", "an object" or "a single value" (valid JSON, but no list), "too big"
        self.kind = kind


def entries(stream: BinaryIO, *, on_progress: Callable[[int], None] | None = None) -> Iterator[Any]:
    """The entries of the JSON list in `stream`, parsed one by one; JSONListError if the
    file is not one (then `kind` says what it holds, if it is valid JSON at all).
    `on_progress` is told the bytes read so far, after each chunk."""
    return _Reader(stream, on_progress).entries()


class _Reader:
    def __init__(self, stream: BinaryIO, on_progress: Callable[[int], None] | None) -> None:
        self.stream = stream
        self.on_progress = on_progress
        self.buf = bytearray()
        self.pos = 0  # where reading goes on in buf; the start of the entry being read
        self.read = 0
        self.eof = False
        self.lines = 0  # line breaks before buf[0]
        self.column = 0  # characters between the last of them and buf[0]

    # --- the list ---

    def entries(self) -> Iterator[Any]:
        self._fill(CHUNK)
        if self.buf.startswith(_BOM):
            self.pos = len(_BOM)
        self._skip_space()
        if self._peek() is None:
            raise JSONListError("empty", kind="empty")
        if self._peek() != ord("["):
            value = self._entry()
            kind = "an object" if isinstance(value, dict) else "a single value"
            raise JSONListError(kind, kind=kind)
        self.pos += 1
        self._skip_space()
        if self._peek() == ord("]"):
            self.pos += 1
        else:
            while True:
                yield self._entry()
                self._skip_space()
                following = self._peek()
                if following == ord("]"):
                    self.pos += 1
                    break
                if following != ord(","):
                    self._fail(
                        "unexpected end of data"
                        if following is None
                        else "unexpected character, expected ',' or ']'",
                        self.pos,
                    )
                comma = self.pos
                self.pos += 1
                # Where the comma is must be known before the buffer holding it is dropped.
                dropping = _SPACE.match(self.buf, self.pos).end() >= len(self.buf)  # type: ignore[union-attr]
                place = self._where(comma) if dropping else None
                self._skip_space()
                if self._peek() == ord("]"):
                    _fail("trailing comma is not allowed", place or self._where(comma))
        self._skip_space()
        if self._peek() is not None:
            self._fail("unexpected content after document", self.pos)

    # --- one entry ---

    def _entry(self) -> Any:
        """The value starting at pos, parsed; pos moves past it."""
        first = self._peek()
        if first is None:
            self._fail("unexpected end of data", self.pos)
        if first in _OPEN:
            end = self._container_end()
        elif first == ord('"'):
            end = self._match_end(_STRING)
        elif first in _VALUE_START:
            end = self._match_end(_SCALAR)
        else:
            self._fail("unexpected character, expected a JSON value", self.pos)
        try:
            value = orjson.loads(self.buf[self.pos : end])
        except orjson.JSONDecodeError as exc:
            self._fail(exc.msg, self.pos, within=(exc.lineno, exc.colno))
        self.pos = end
        return value

    def _container_end(self) -> int:
        """Where the list or object starting at pos ends (or the file, if it ends first:
        orjson then says what is missing)."""
        depth = 0
        scan = self.pos
        while True:
            for match in _TOKEN.finditer(self.buf, scan):
                closed = match.group(1)
                if closed is None:  # a bracket; strings change nothing
                    if self.buf[match.start()] in _OPEN:
                        depth += 1
                    else:
                        depth -= 1
                        if depth == 0:
                            return match.end()
                elif not closed:  # the read part ends inside this string
                    scan = match.start()
                    break
            else:
                scan = len(self.buf)
            if self.eof:
                return len(self.buf)
            scan = self._more(scan)

    def _match_end(self, pattern: re.Pattern[bytes]) -> int:
        """Where the string or bare value at pos ends: at a delimiter read, not merely at
        the end of what is read so far."""
        while True:
            match = pattern.match(self.buf, self.pos)
            assert match is not None  # both patterns match the empty string
            end = match.end()
            if self.eof or (end < len(self.buf) and match.groups() != (b"",)):
                return end
            self._more(end)

    def _check_size(self) -> None:
        """The entry at pos, read so far, is not more than MAX_ENTRY_BYTES."""
        if len(self.buf) - self.pos > MAX_ENTRY_BYTES:
            line, _ = self._where(self.pos)
            raise JSONListError(
                f"the entry starting at line {line} is more than "
                f"{MAX_ENTRY_BYTES // (1024 * 1024)} MB; Spred reads entries up to that size",
                kind="too big",
            )

    # --- the buffer ---

    def _more(self, scan: int) -> int:
        """Reads on, keeping buf from pos; returns `scan` moved as buf was."""
        self._check_size()
        dropped = self._drop_before_pos()
        self._fill(len(self.buf) + CHUNK)
        return scan - dropped

    def _drop_before_pos(self) -> int:
        """Forgets what is already read (earlier entries), keeping line numbers right."""
        gone = self.pos
        if gone:
            breaks = self.buf.count(b"\n", 0, gone)
            if breaks:
                self.lines += breaks
                self.column = _chars(self.buf, self.buf.rfind(b"\n", 0, gone) + 1, gone)
            else:
                self.column += _chars(self.buf, 0, gone)
            del self.buf[:gone]
            self.pos = 0
        return gone

    def _fill(self, size: int) -> None:
        """Reads until buf holds `size` bytes or the file ends."""
        while len(self.buf) < size and not self.eof:
            chunk = self.stream.read(size - len(self.buf))
            if not chunk:
                self.eof = True
                break
            self.buf += chunk
            self.read += len(chunk)
            if self.on_progress is not None:
                self.on_progress(self.read)

    def _skip_space(self) -> None:
        while True:
            self.pos = _SPACE.match(self.buf, self.pos).end()  # type: ignore[union-attr]
            if self.pos < len(self.buf) or self.eof:
                return
            self._drop_before_pos()
            self._fill(CHUNK)

    def _peek(self) -> int | None:
        if self.pos >= len(self.buf) and not self.eof:
            self._drop_before_pos()
            self._fill(CHUNK)
        return self.buf[self.pos] if self.pos < len(self.buf) else None

    # --- errors ---

    def _where(self, index: int) -> tuple[int, int]:
        """Line and column (in characters, from 1) of buf[index] in the file."""
        breaks = self.buf.count(b"\n", 0, index)
        if breaks:
            column = _chars(self.buf, self.buf.rfind(b"\n", 0, index) + 1, index)
        else:
            column = self.column + _chars(self.buf, 0, index)
        return self.lines + breaks + 1, column + 1

    def _fail(self, message: str, index: int, *, within: tuple[int, int] | None = None) -> Any:
        line, column = self._where(index)
        if within is not None:  # orjson's place inside the entry that starts at index
            inner_line, inner_column = within
            column = column - 1 + inner_column if inner_line == 1 else inner_column
            line += inner_line - 1
        _fail(message, (line, column))


def _fail(message: str, place: tuple[int, int]) -> Any:
    line, column = place
    raise JSONListError(f"{message} at line {line}, column {column}")


_CONTINUATION = bytes(range(0x80, 0xC0))


def _chars(buf: bytearray, start: int, end: int) -> int:
    """Characters in buf[start:end] of UTF-8: the bytes that do not continue a character."""
    return len(buf[start:end].translate(None, _CONTINUATION))
