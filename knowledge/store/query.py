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


Condition = str | bool | date | datetime | None | OneOf | Below
# The Python types a declared field may have; PostgreSQL gives each a typed column.
FIELD_TYPES = (str, bool, datetime, date)


def checked(name: str, fields: Mapping[str, type], conditions: Mapping[str, Any]) -> None:
    """Refuses a condition on a field the collection does not declare: it would have no
    index in PostgreSQL, and a typo must not quietly match nothing."""
    unknown = sorted(set(conditions) - set(fields))
    if unknown:
        raise ValueError(
            f"{name} cannot be queried by {', '.join(unknown)}: declare the field in "
            "CollectionSpec.fields (knowledge/store/base.py)"
        )


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
