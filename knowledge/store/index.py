"""Which records hold which value in a collection's declared fields, kept in this process for
a backend whose records are all here (a TinyDB file's): `find` with an equality (a value,
unset, or one of several) then reads only the records that may meet it, so a question costs
the same with ten adoptions stored or a hundred thousand. PostgreSQL keeps its own indexes
on the fields' columns.

A candidate is still tested with `query.holds`, the one definition of what a condition
means: the index only narrows down where to look.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from operator import itemgetter
from typing import Any

from knowledge.store.query import Below, Condition, OneOf, Tally, distinct_counts, value_of
from knowledge.store.query import plain as _plain


def _stored(doc: Mapping[str, Any], name: str) -> Any:
    """A field's value as a document keeps it (an enum as its text), read as `value_of`
    reads a record's: missing and empty text are unset."""
    value = doc.get(name)
    return None if value == "" else value


class FieldIndex:
    def __init__(self, fields: Mapping[str, type], *, decoded: Iterable[str] = ()) -> None:
        """`decoded`: the fields `add_stored` must read from the record, not its stored
        document (computed ones, or a stored form that leaves a field out)."""
        # Moments and days are asked for with Below (due, expired, confirmed before): an
        # equality index does not serve (and a document keeps a day as text, not a date).
        self._fields = tuple(name for name, kind in fields.items() if kind not in (datetime, date))
        self._decoded = frozenset(decoded) & set(self._fields)
        self._keys: dict[str, dict[Any, set[str]]] = {name: {} for name in self._fields}
        self._values: dict[str, tuple[Any, ...]] = {}  # key → what it is filed under
        self._order: dict[str, int] = {}  # key → when it was (last) stored, as the file orders
        self._stored = 0

    def add(self, key: str, record: Any) -> None:
        """`record` is now stored under `key`, after every record stored before it."""
        self._file(key, tuple(_plain(value_of(record, name)) for name in self._fields))

    def add_stored(self, key: str, doc: Mapping[str, Any], decode: Callable[[], Any]) -> None:
        """As `add`, from the record's stored document: building the index for a file of a
        hundred thousand records then decodes none, unless a field must be."""
        record = decode() if self._decoded else None
        self._file(
            key,
            tuple(
                _plain(value_of(record, name) if name in self._decoded else _stored(doc, name))
                for name in self._fields
            ),
        )

    def _file(self, key: str, values: tuple[Any, ...]) -> None:
        self.remove(key)
        self._values[key] = values
        for name, value in zip(self._fields, values, strict=True):
            self._keys[name].setdefault(value, set()).add(key)
        self._order[key] = self._stored
        self._stored += 1

    def remove(self, key: str) -> None:
        values = self._values.pop(key, None)
        if values is None:
            return
        for name, value in zip(self._fields, values, strict=True):
            keys = self._keys[name][value]
            keys.discard(key)
            if not keys:
                del self._keys[name][value]
        del self._order[key]

    def candidates(self, conditions: Mapping[str, Condition]) -> list[str] | None:
        """The keys of the records that may meet `conditions`, in the order stored; None
        when no condition is one the index serves (then every record is a candidate)."""
        found = self._matching(conditions)
        if found is None:
            return None
        return sorted(found, key=self._order.__getitem__)

    def tally(
        self, conditions: Mapping[str, Condition], by: tuple[str, ...], distinct: str | None
    ) -> Tally | None:
        """`Collection.tally` from what the index files, reading no record; None when it
        cannot tell alone (a condition it does not serve exactly, or a field it does not
        file): then the collection counts the records themselves."""
        served = all(
            name in self._keys
            and not isinstance(condition, Below)
            # one of several never matches unset (`query.holds`); the index files it as None
            and not (isinstance(condition, OneOf) and {None, ""} & set(condition.values))
            for name, condition in conditions.items()
        )
        told = (*by, distinct) if distinct else by
        if not served or not set(told) <= set(self._keys):
            return None
        found = self._matching(conditions)
        filed = map(self._values.__getitem__, self._values if found is None else found)
        # Counted by Counter and itemgetter, in C: a tally of 30,000 records is milliseconds.
        positions = [self._fields.index(name) for name in told]
        if len(positions) == 1:  # itemgetter of one gives the value, not a tuple of one
            return {(value,): n for value, n in Counter(map(itemgetter(*positions), filed)).items()}
        grouped = map(itemgetter(*positions), filed)
        return distinct_counts(grouped) if distinct else dict(Counter(grouped))

    def _matching(self, conditions: Mapping[str, Condition]) -> set[str] | None:
        served: list[set[str]] = []
        for name, condition in conditions.items():
            filed = self._keys.get(name)
            if filed is None or isinstance(condition, Below):
                continue
            if isinstance(condition, OneOf):
                keys: set[str] = set()
                for value in condition.values:
                    keys |= filed.get(_plain(value), set())
            else:  # a value, or unset (None or "", as `value_of` reads both)
                keys = filed.get(None if condition == "" else _plain(condition), set())
            served.append(keys)
        if not served:
            return None
        # From the fewest: one question's records among 20,000 open ones is a few lookups,
        # not a copy of the 20,000.
        served.sort(key=len)
        found = set(served[0])
        for keys in served[1:]:
            found &= keys
        return found
