"""Local results: what a unit that adopted a solution measured itself, the solution's own
metric before and after, in its place. Each is kept on the unit's adoption (`Adoption.
local_result`, a result in the import schema's form) and shown under the solution; where a
local result moved the way the original did, the solution's result "held" there.

In an export, a solution's local results travel with it as `local_results`, one entry per
place: `{"organization", "unit", "stage", "measured_at", "result": {metric, before, after,
unit, period, source}}`, validated here by the rules of a solution's results.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from knowledge.records import Adoption, Stage
from knowledge.solutions import Result, Solution, parse_result
from knowledge.text import folded_name
from knowledge.validation import FieldError, Fields, ValidationError

EXPORT_FIELD = "local_results"
MAX_LOCAL_RESULTS = 500  # places per solution in one import entry
_ENTRY_FIELDS = frozenset({"organization", "unit", "stage", "measured_at", "result"})
# An adoption of the unit is what a local result belongs to: interest alone measured nothing.
MEASURING_STAGES = (Stage.PILOTING, Stage.ADOPTED)


def local_result(adoption: Adoption) -> Result | None:
    """The result the adoption's unit measured, or None (none, or not readable as one)."""
    if adoption.local_result is None:
        return None
    try:
        return parse_result(adoption.local_result, path="local_result")
    except ValidationError:
        return None


def complete(result: Result) -> bool:
    """A local result needs both figures: it is a before and after, in one place."""
    return result.before is not None and result.after is not None


def held(original: Result, local: Result) -> bool:
    """Whether a local result repeats the original: the same metric (in any case), both
    measured before and after, and the figure moved the same way (both fell, or both rose).
    An original without both figures has no direction, so nothing can repeat it."""
    ob, oa, lb, la = original.before, original.after, local.before, local.after
    if ob is None or oa is None or lb is None or la is None:
        return False
    if original.metric.casefold().strip() != local.metric.casefold().strip():
        return False
    way = _sign(oa - ob)
    return way != 0 and way == _sign(la - lb)


def _sign(change: float) -> int:
    return (change > 0) - (change < 0)


def place_key(organization: str, unit: str) -> tuple[str, str]:
    """A place as places are compared: organisation and unit, folded."""
    return folded_name(organization), folded_name(unit)


@dataclass(frozen=True, slots=True, kw_only=True)
class Measured:
    """One place's local result, as a card shows it."""

    organization: str
    unit: str
    result: Result
    measured_at: datetime | None
    held: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class Evidence:
    """A solution's local results, newest first, and how many places repeated its result."""

    measured: tuple[Measured, ...] = ()
    repeated: int = 0


def evidence_of(solution: Solution, adoptions: Iterable[Adoption]) -> Evidence:
    """The local results of a solution's adoptions, one per place (the newest measured),
    newest first; `repeated` counts the places other than the solution's own where it held."""
    original = solution.key_result
    home = place_key(solution.organization, solution.unit)
    newest: dict[tuple[str, str], Measured] = {}
    for adoption in adoptions:
        result = local_result(adoption)
        if adoption.solution_id != solution.id or result is None:
            continue
        key = place_key(adoption.organization, adoption.unit)
        found = Measured(
            organization=adoption.organization,
            unit=adoption.unit,
            result=result,
            measured_at=adoption.measured_at,
            held=held(original, result) and key != home,
        )
        earlier = newest.get(key)
        if earlier is None or _when(found) > _when(earlier):
            newest[key] = found
    measured = sorted(newest.values(), key=_when, reverse=True)
    return Evidence(measured=tuple(measured), repeated=sum(1 for m in measured if m.held))


def _when(measured: Measured) -> datetime:
    return measured.measured_at or datetime.min.replace(tzinfo=UTC)


def exported(adoptions: Iterable[Adoption]) -> list[dict[str, Any]]:
    """A solution's local results in the export's form, one per place, oldest first: the
    same store always gives the same bytes. Who reported them is not exported."""
    entries: dict[tuple[str, str], tuple[datetime, dict[str, Any]]] = {}
    for adoption in adoptions:
        result = local_result(adoption)
        if result is None:
            continue
        when = adoption.measured_at or datetime.min.replace(tzinfo=UTC)
        entry: dict[str, Any] = {
            "organization": adoption.organization,
            "unit": adoption.unit,
            "stage": adoption.stage.value,
            "measured_at": adoption.measured_at.astimezone(UTC).isoformat().replace("+00:00", "Z")
            if adoption.measured_at
            else None,
            "result": result.to_dict(),
        }
        key = place_key(adoption.organization, adoption.unit)
        if key not in entries or when > entries[key][0]:
            entries[key] = (when, entry)
    return [e for _, e in sorted(entries.values(), key=lambda item: (item[0], str(item[1])))]


@dataclass(frozen=True, slots=True, kw_only=True)
class Imported:
    """A local result from an import file, for one place of one solution."""

    solution_id: str
    organization: str
    unit: str
    stage: Stage
    measured_at: datetime | None
    result: Result


def parse_local_results(raw: object, *, solution_id: str, path: str) -> list[Imported]:
    """A solution's `local_results` from an import file; raises ValidationError naming
    every fault, by the rules a solution's result is held to, and both figures needed."""
    errors: list[FieldError] = []
    if not isinstance(raw, list):
        raise ValidationError([FieldError(path, "must be a list of local results")])
    if len(raw) > MAX_LOCAL_RESULTS:
        raise ValidationError(
            [FieldError(path, f"has {len(raw)} items; at most {MAX_LOCAL_RESULTS} allowed")]
        )
    found = []
    for i, item in enumerate(raw):
        here = f"{path}[{i}]"
        start = len(errors)
        f = Fields.of(item, path=here, errors=errors)
        if f is None:
            continue
        organization = f.text("organization", max_len=200, required=True)
        unit = f.text("unit", max_len=200)
        stage = f.choice("stage", [s.value for s in MEASURING_STAGES], default="adopted")
        measured_at = f.moment("measured_at")
        for name in f.raw:
            if name not in _ENTRY_FIELDS:
                f.fail(name, "is not a field of a local result")
        result: Result | None = None
        try:
            result = parse_result(f.raw.get("result"), path=f.at("result"))
        except ValidationError as exc:
            errors.extend(exc.errors)
        if result is not None and not complete(result):
            errors.append(FieldError(f.at("result"), "needs both before and after"))
        if result is not None and len(errors) == start:
            found.append(
                Imported(
                    solution_id=solution_id,
                    organization=organization,
                    unit=unit,
                    stage=Stage(stage),
                    measured_at=measured_at,
                    result=result,
                )
            )
    if errors:
        raise ValidationError(errors)
    return found


def imported_adoption(item: Imported, existing: Sequence[Adoption]) -> Adoption:
    """The adoption an imported local result is kept on: the place's own, if the store has
    one for that solution (so importing an export again changes nothing), else one made for
    the place, keyed by it, with nobody's name."""
    here = place_key(item.organization, item.unit)
    result = item.result.to_dict()
    for adoption in existing:
        if place_key(adoption.organization, adoption.unit) == here:
            return replace(adoption, local_result=result, measured_at=item.measured_at)
    digest = hashlib.sha256("\x1f".join(here).encode()).hexdigest()[:16]
    return Adoption(
        id=f"{item.solution_id}:place:{digest}",
        solution_id=item.solution_id,
        user="",
        organization=item.organization,
        unit=item.unit,
        stage=item.stage,
        local_result=result,
        measured_at=item.measured_at,
        updated_at=item.measured_at or datetime.now(UTC),
    )
