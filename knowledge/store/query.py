"""What `Collection.find` and `Collection.claim` ask for: conditions on a collection's declared
fields (`CollectionSpec.fields`), so a request reads the records it needs, not the collection.

A condition is one of:
- a value (str, bool, datetime): the field equals it;
- `None`: the field is not set;
- `OneOf(a, b, …)`: the field equals any of them (none given: nothing matches);
- `Below(x)`: the field is set and less than `x` (a moment, usually: due, expired; or a day).

The PostgreSQL backend turns them into SQL on indexed columns; the in-process backends test
each record with `holds`, the one definition of what a condition means.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True, slots=True, init=False)
class OneOf:
    values: tuple[Any, ...]

    def __init__(self, *values: Any) -> None:
        object.__setattr__(self, "values", tuple(values))

    @classmethod
    def of(cls, values: Iterable[Any]) -> OneOf:
        return cls(*values)


@dataclass(frozen=True, slots=True)
class Below:
    value: Any


Condition = str | bool | int | date | datetime | None | OneOf | Below
# The Python types a declared field may have; PostgreSQL gives each a typed column.
FIELD_TYPES = (str, bool, int, datetime, date)
# What `Collection.tally` may group by: values a group is told by (a moment is grouped by a
# computed text field, a record's month or week, never by the moment itself).
GROUP_TYPES = (str, bool, int)
# Conditions gathered to be passed on (`find(**where)`, `tally(**where)`): typed loosely, as
# mypy would check a mapping of conditions against `limit`, `most` and every other keyword.
Where = dict[str, Any]
# How many records hold each combination of the grouped fields' values (`Collection.tally`).
Tally = dict[tuple[Any, ...], int]


def checked(name: str, fields: Mapping[str, type], conditions: Mapping[str, Any]) -> None:
    """Refuses a condition on a field the collection does not declare: it would have no
    index in PostgreSQL, and a typo must not quietly match nothing."""
    unknown = sorted(set(conditions) - set(fields))
    if unknown:
        raise ValueError(
            f"{name} cannot be queried by {', '.join(unknown)}: declare the field in "
            "CollectionSpec.fields (knowledge/store/base.py)"
        )


def checked_tally(
    name: str,
    fields: Mapping[str, type],
    by: tuple[str, ...],
    distinct: str | None,
    conditions: Mapping[str, Any],
) -> None:
    """What `checked` refuses of a tally's conditions, and a tally by nothing, by a field the
    collection does not declare, or by a moment or a day (a group per instant would be a
    group per record); the same of the field whose different values are counted."""
    checked(name, fields, conditions)
    if not by:
        raise ValueError(f"a tally of {name} needs at least one field to group by")
    told = (*by, distinct) if distinct else by
    checked(name, fields, dict.fromkeys(told))
    moments = sorted(f for f in told if fields[f] not in GROUP_TYPES)
    if moments:
        raise ValueError(
            f"{name} cannot be grouped by {', '.join(moments)}: group by a text field made "
            "from it (a month, a week) declared in CollectionSpec.fields"
        )


def plain(value: Any) -> Any:
    """A value as a tally tells it, whatever the backend: an enum as its text."""
    return str(value) if isinstance(value, str) else value


def group_of(record: Any, by: tuple[str, ...]) -> tuple[Any, ...]:
    """The group `Collection.tally` counts `record` in: its `by` fields' values as
    conditions read them (None for unset), enums as their text."""
    return tuple(plain(value_of(record, field)) for field in by)


def tallied(records: Iterable[Any], by: tuple[str, ...], distinct: str | None = None) -> Tally:
    """`Collection.tally` of records already found (an in-process backend's way)."""
    if distinct is None:
        return dict(Counter(group_of(record, by) for record in records))
    return distinct_counts(group_of(record, (*by, distinct)) for record in records)


def distinct_counts(grouped: Iterable[tuple[Any, ...]]) -> Tally:
    """From each record's group with the `distinct` field's value last: how many different
    values each group holds (unset ones not counted, as SQL's count(DISTINCT …))."""
    return dict(Counter(g[:-1] for g in set(grouped) if g[-1] is not None))


def _unset_last(group: tuple[Any, ...]) -> tuple[tuple[bool, Any], ...]:
    return tuple((value is None, "" if value is None else value) for value in group)


def _in_order(groups: list[tuple[Any, ...]], most: int) -> list[tuple[Any, ...]]:
    """The first `most` of `groups` in their values' order (text by code point, unset last)."""
    if any(None in group for group in groups):
        return heapq.nsmallest(most, groups, key=_unset_last)
    return heapq.nsmallest(most, groups)  # the values themselves are the order: quicker


def largest(counts: Tally, most: int | None) -> Tally:
    """The `most` largest groups, largest first; of groups as large, in the order of their
    values (text by code point, unset last), as PostgreSQL orders them too. None: all, in
    no particular order."""
    if most is None:
        return counts
    if most <= 0 or not counts:
        return {}
    # The size of the last group to give; larger ones all go, of those that size the first
    # in order. (10,000 solutions used by one organisation each are all "that size".)
    smallest = heapq.nlargest(most, counts.values())[-1]
    larger = [g for g, n in counts.items() if n > smallest]  # fewer than `most`
    in_order = [(g, counts[g]) for g in _in_order(larger, len(larger))]
    # by size, largest first; sorting is stable, so groups as large stay in their order
    ranked = dict(sorted(in_order, key=lambda item: -item[1]))
    level = [g for g, n in counts.items() if n == smallest]
    for group in _in_order(level, most - len(ranked)):
        ranked[group] = smallest
    return ranked


def value_of(record: Any, field: str) -> Any:
    """The field's value as conditions compare it; None for unset, missing or empty text
    (an empty string means "not set" in Spred's records)."""
    value = getattr(record, field, None)
    return None if value == "" else value


def holds(record: Any, conditions: Mapping[str, Any]) -> bool:
    for field, condition in conditions.items():
        value = value_of(record, field)
        if isinstance(condition, OneOf):
            if value is None or value not in condition.values:
                return False
        elif isinstance(condition, Below):
            if value is None or not value < condition.value:
                return False
        elif condition is None or condition == "":
            if value is not None:
                return False
        elif value is None or value != condition:
            return False
    return True
