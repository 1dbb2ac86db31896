"""Field-by-field reading of untrusted input that collects every error, not just the first.

Import files are written by hand or exported from spreadsheets; an admin fixing them wants
the whole list of mistakes at once, each naming the entry and the field.
"""

from __future__ import annotations

import contextlib
import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

import orjson

# C0/C1 control characters (ANSI escapes among them) would reach terminals and chat clients;
# bidirectional overrides make text display other than it reads.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAK = re.compile(r"[\n\r\u2028\u2029]")
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_EMAIL = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")
_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
MAX_NUMBER = 1e12
# Lists and objects within one another, in a field Spred does not know or in a request a
# platform sends (Slack's nest about a dozen levels): far more than any data needs, and far
# less than Python's recursion or the store's JSON writer takes (about 250 levels, counting
# the file's own), so what is accepted can always be read and written.
MAX_NESTING = 64


@dataclass(frozen=True, slots=True)
class FieldError:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class ValidationError(ValueError):
    """Raised with every error found in one record or one batch."""

    def __init__(self, errors: Sequence[FieldError]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(str(e) for e in self.errors))


def describe(value: object) -> str:
    """Names a JSON value's type the way a person editing the file thinks of it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    return type(value).__name__


class Fields:
    """Reads typed fields from one raw mapping; problems are appended to a shared error list."""

    def __init__(self, raw: Mapping[str, object], *, path: str, errors: list[FieldError]) -> None:
        self.raw = raw
        self.path = path
        self.errors = errors

    @classmethod
    def of(cls, raw: object, *, path: str, errors: list[FieldError]) -> Fields | None:
        if not isinstance(raw, Mapping):
            errors.append(FieldError(path, f"must be an object, not {describe(raw)}"))
            return None
        return cls(raw, path=path, errors=errors)

    def at(self, name: str) -> str:
        return f"{self.path}.{name}"

    def fail(self, name: str, message: str) -> None:
        self.errors.append(FieldError(self.at(name), message))

    def text(
        self,
        name: str,
        *,
        max_len: int,
        required: bool = False,
        multiline: bool = False,
        pattern: re.Pattern[str] | None = None,
        hint: str = "",
    ) -> str:
        value = self.raw.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.fail(name, "is required")
            return ""
        if not isinstance(value, str):
            self.fail(name, f"must be text, not {describe(value)}")
            return ""
        return self._clean(
            name, value, max_len=max_len, multiline=multiline, pattern=pattern, hint=hint
        )

    def _clean(
        self,
        name: str,
        value: str,
        *,
        max_len: int,
        multiline: bool,
        pattern: re.Pattern[str] | None,
        hint: str,
    ) -> str:
        value = unicodedata.normalize("NFC", value.strip())
        if multiline:
            value = value.replace("\r\n", "\n").replace("\r", "\n")
        if len(value) > max_len:
            self.fail(name, f"is {len(value)} characters long; at most {max_len} allowed")
        elif CONTROL.search(value) or (not multiline and _LINE_BREAK.search(value)):
            kind = "control characters" if multiline else "line breaks or control characters"
            self.fail(name, f"must not contain {kind}")
        elif pattern is not None and not pattern.fullmatch(value):
            self.fail(name, f"{value[:80]!r} is not valid{': ' + hint if hint else ''}")
        return value

    def email(self, name: str, *, required: bool = False) -> str:
        return self.text(
            name,
            max_len=254,
            required=required,
            pattern=_EMAIL,
            hint="expected an address like navn@kommune.dk",
        )

    def number(self, name: str) -> int | float | None:
        value = self.raw.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            shown = f" ({value[:40]!r})" if isinstance(value, str) else ""
            self.fail(name, f"must be a number, not {describe(value)}{shown}")
            return None
        if abs(value) > MAX_NUMBER or not math.isfinite(value):
            self.fail(name, f"must be a finite number below {MAX_NUMBER:.0e}")
            return None
        return value

    def day(self, name: str) -> date | None:
        """A calendar day written as the ISO standard has it (2026-03-14); None if unset."""
        value = self.text(name, max_len=40)
        if not value:
            return None
        with contextlib.suppress(ValueError):  # 2026-02-30 has the form, not the day
            if ISO_DAY.fullmatch(value):
                return date.fromisoformat(value[:10])
            if danish := DANISH_DAY.fullmatch(value):  # as a Danish spreadsheet writes it
                day, month, year = map(int, danish.groups())
                return date(year, month, day)
        self.fail(name, f"{value[:40]!r} is not a date; expected a day like 2026-03-14")
        return None

    def moment(self, name: str, *, required: bool = False) -> datetime | None:
        """A date and time as ISO 8601 writes it (2026-03-01T09:00:00Z); one without a zone
        is taken as UTC. None if unset."""
        value = self.raw.get(name)
        if value is None:
            if required:
                self.fail(name, "is required")
            return None
        if not isinstance(value, str) or len(value) > 40:
            self.fail(name, "must be a date and time like 2026-03-01T09:00:00Z")
            return None
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            self.fail(name, f"{value!r} is not a date and time like 2026-03-01T09:00:00Z")
            return None
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

    def choice(self, name: str, options: Sequence[str], *, default: str) -> str:
        value = self.raw.get(name)
        if value is None or value == "":
            return default
        if value not in options:
            # Not str() of any value: a list nested deep enough has no printable form.
            shown = repr(value[:40]) if isinstance(value, str) else describe(value)
            self.fail(name, f"must be one of {', '.join(options)}, not {shown}")
            return default
        return str(value)

    def flag(self, name: str) -> bool:
        value = self.raw.get(name)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.fail(name, f"must be true or false, not {describe(value)}")
            return False
        return value

    def texts(self, name: str, *, max_items: int, max_len: int) -> tuple[str, ...]:
        """A list of short labels; duplicates (after trimming) are dropped, order is kept."""
        value = self.raw.get(name)
        if value is None:
            return ()
        if not isinstance(value, list):
            self.fail(name, f"must be a list of text, not {describe(value)}")
            return ()
        if len(value) > max_items:
            self.fail(name, f"has {len(value)} items; at most {max_items} allowed")
            return ()
        out: dict[str, None] = {}
        for i, item in enumerate(value):
            label = f"{name}[{i}]"
            if not isinstance(item, str):
                self.fail(label, f"must be text, not {describe(item)}")
                continue
            cleaned = self._clean(
                label, item, max_len=max_len, multiline=False, pattern=None, hint=""
            )
            if cleaned:
                out[cleaned] = None
        return tuple(out)

    def objects(self, name: str, *, max_items: int) -> list[tuple[str, object]]:
        """The raw items of a list of objects, each with its path, for a nested reader."""
        value = self.raw.get(name)
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(name, f"must be a list, not {describe(value)}")
            return []
        if len(value) > max_items:
            self.fail(name, f"has {len(value)} items; at most {max_items} allowed")
            return []
        return [(self.at(f"{name}[{i}]"), item) for i, item in enumerate(value)]

    def extra(self, known: frozenset[str]) -> dict[str, object]:
        """Fields this version does not know; kept so a round trip loses nothing, as long as
        the store can write them."""
        out = {}
        for name, value in self.raw.items():
            if name in known:
                continue
            if nested_deeper_than(value):
                self.errors.append(
                    FieldError(
                        field_path(self.path, name),
                        f"has lists or objects nested more than {MAX_NESTING} levels deep; "
                        f"Spred keeps fields it does not know only up to {MAX_NESTING} levels",
                    )
                )
                continue
            out[name] = value
        return out


# A day, or the day of a moment as an export writes it ("2026-03-14T09:30:00Z").
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?")
DANISH_DAY = re.compile(r"(\d{1,2})[-./](\d{1,2})[-./](\d{4})")


def nested_deeper_than(value: object, limit: int = MAX_NESTING) -> bool:
    """Whether lists and objects nest more than `limit` levels in `value` (walked without
    recursion, so any depth can be measured)."""
    pending = [(value, 1)] if isinstance(value, Mapping | list) else []
    while pending:
        item, depth = pending.pop()
        if depth > limit:
            return True
        children = item.values() if isinstance(item, Mapping) else item
        pending.extend((c, depth + 1) for c in children if isinstance(c, Mapping | list))
    return False


def field_path(path: str, name: str) -> str:
    """`path.name`, or `path["name"]` (escaped onto one printable line) for a name that is
    not a plain word: unknown fields may be called anything."""
    if _PLAIN_NAME.fullmatch(name):
        return f"{path}.{name}"
    return f"{path}[{printable(orjson.dumps(name).decode())}]"


def printable(text: str) -> str:
    """Text from a file, safe to print on one line of a terminal: control characters,
    bidirectional overrides and line separators written as escapes (U+2028 as \\u2028)."""
    return _UNPRINTABLE.sub(_escaped, text)


def _escaped(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"
