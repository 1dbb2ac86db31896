"""A solution's kept versions (knowledge/versions.py) in an export, as `history`: one entry
per change, oldest first, `{"number", "action", "by", "at", "previous"}`, where `previous`
is the solution as it was before (null for the change that created it). An import keeps
each under an id made from what it holds, so importing an export again adds nothing."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

import orjson

from knowledge.records import SolutionVersion
from knowledge.store import Store
from knowledge.store.query import OneOf
from knowledge.validation import FieldError, Fields, ValidationError

HISTORY_FIELD = "history"
MAX_VERSIONS = 1000  # kept changes per solution in one import entry
ACTION = re.compile(r"[a-z][a-z-]{0,39}")  # what the change was: "import", "edit", "undo", …
_FIELDS = frozenset({"number", "action", "by", "at", "previous"})


def exported_history(versions: Iterable[SolutionVersion]) -> list[dict[str, Any]]:
    """A solution's versions in the export's form, oldest first: the same store always
    gives the same bytes."""
    ordered = sorted(versions, key=lambda v: (v.number, v.at, v.id))
    return [
        {
            "number": v.number,
            "action": v.action,
            "by": v.by,
            "at": v.at.isoformat().replace("+00:00", "Z"),
            "previous": dict(v.previous) if v.previous is not None else None,
        }
        for v in ordered
    ]


async def not_kept_yet(store: Store, versions: Sequence[SolutionVersion]) -> list[SolutionVersion]:
    """Those of `versions` the store does not keep yet: an export read back into the store
    it came from (whose versions have other ids) adds none twice."""
    ids = dict.fromkeys(v.solution_id for v in versions)
    known = {_same(v) for v in await store.solution_versions.find(solution_id=OneOf.of(ids))}
    return [v for v in versions if _same(v) not in known]


def _same(v: SolutionVersion) -> tuple[str, int, str, str, datetime]:
    return (v.solution_id, v.number, v.action, v.by, v.at)


def parse_history(raw: object, *, solution_id: str, path: str) -> list[SolutionVersion]:
    """A solution's `history` from an import file; raises ValidationError naming every
    fault."""
    if not isinstance(raw, list):
        raise ValidationError([FieldError(path, "must be a list of kept changes")])
    if len(raw) > MAX_VERSIONS:
        raise ValidationError(
            [FieldError(path, f"has {len(raw)} items; at most {MAX_VERSIONS} allowed")]
        )
    errors: list[FieldError] = []
    found = []
    for i, item in enumerate(raw):
        start = len(errors)
        f = Fields.of(item, path=f"{path}[{i}]", errors=errors)
        if f is None:
            continue
        number = f.number("number")
        if number is None or not isinstance(number, int) or number < 1:
            f.fail("number", "must be a whole number from 1")
        action = f.text(
            "action", max_len=40, required=True, pattern=ACTION, hint="a word like edit"
        )
        by = f.text("by", max_len=200)
        at = f.moment("at", required=True)
        previous = f.raw.get("previous")
        if previous is not None and not isinstance(previous, Mapping):
            f.fail("previous", "must be the solution as it was, or null")
        for name in f.raw:
            if name not in _FIELDS:
                f.fail(name, "is not a field of a kept change")
        if len(errors) > start or at is None or not isinstance(number, int):
            continue
        kept = {"number": number, "action": action, "by": by, "at": at.isoformat()}
        digest = hashlib.sha256(orjson.dumps([kept, previous])).hexdigest()[:8]
        found.append(
            SolutionVersion(
                id=f"{solution_id}/{number:06d}/{digest}",
                solution_id=solution_id,
                number=number,
                action=action,
                by=by,
                at=at,
                previous=previous if isinstance(previous, Mapping) else None,
            )
        )
    if errors:
        raise ValidationError(errors)
    return found
