"""What people type, read by one rule wherever they type it: numbers in Danish notation (a
CSV cell, an answer in the guided dialogue) and text from terminals of either encoding."""

from __future__ import annotations

import re

# Danish thousands are grouped with dots ("1.250", "1.234,5"); a dot before anything but
# groups of three digits is a decimal point ("12.5").
_THOUSANDS = re.compile(r"-?\d{1,3}(?:\.\d{3})+(?:,\d+)?")


def danish_number(text: str) -> int | float | None:
    """12, 12,5, 12.5, 1.250, 1.234,5 and 1 250 as the numbers a Dane means; None if the
    text is not a number. Whole numbers written without a decimal part stay int."""
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "")
    if _THOUSANDS.fullmatch(cleaned):
        cleaned = cleaned.replace(".", "")
    cleaned = cleaned.replace(",", ".")
    try:
        number = float(cleaned)
    except ValueError:
        return None
    return int(number) if number.is_integer() and "." not in cleaned else number


def utf8_or_latin1(raw: bytes) -> str:
    """UTF-8, or Latin-1 from an older Danish terminal. Every byte is a Latin-1 character,
    so this never fails."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")
