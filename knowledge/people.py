"""The people directory: who works where, and who their manager is (the contract's
`spred import-people` schema). Managers are whoever others report to."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from knowledge.records import Person
from knowledge.solutions import PLATFORM_ID
from knowledge.validation import FieldError, Fields

PERSON_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@:-]{0,99}")
PERSON_FIELDS = frozenset(
    {"id", "name", "email", "organization", "unit", "role", "manager_id", "slack_id", "teams_id"}
)


@dataclass(slots=True)
class PeopleBatch:
    people: list[Person] = field(default_factory=list)
    errors: list[FieldError] = field(default_factory=list)
    rejected: int = 0
    # Fields no person keeps ("Manager_ID" for manager_id): said, so a misspelt column
    # does not quietly leave everyone without a manager.
    ignored: set[str] = field(default_factory=set)


def parse_people(
    raws: Sequence[object], *, known: Iterable[str] = (), path: str = "people"
) -> PeopleBatch:
    """Validates every entry. A manager_id must name someone in this file or already in the
    directory (`known`); nobody is their own manager."""
    batch = PeopleBatch()
    ids = {
        str(r["id"]).strip() for r in raws if isinstance(r, dict) and isinstance(r.get("id"), str)
    } | set(known)
    seen: dict[str, int] = {}
    for i, raw in enumerate(raws):
        errors: list[FieldError] = []
        here = f"{path}[{i}]"
        f = Fields.of(raw, path=here, errors=errors)
        if f is not None:
            batch.ignored.update(f.extra(PERSON_FIELDS))
            person = Person(
                id=f.text(
                    "id",
                    max_len=100,
                    required=True,
                    pattern=PERSON_ID,
                    hint="letters, digits and . _ @ : - without spaces",
                ),
                name=f.text("name", max_len=200, required=True),
                email=f.email("email"),
                organization=f.text("organization", max_len=200),
                unit=f.text("unit", max_len=200),
                role=f.text("role", max_len=200),
                manager_id=f.text("manager_id", max_len=100) or None,
                slack_id=f.text("slack_id", max_len=200, pattern=PLATFORM_ID) or None,
                teams_id=f.text("teams_id", max_len=200, pattern=PLATFORM_ID) or None,
            )
            if person.manager_id and person.manager_id == person.id:
                f.fail("manager_id", "is the person's own id; leave it empty for a top manager")
            elif person.manager_id and person.manager_id not in ids:
                f.fail(
                    "manager_id", f"{person.manager_id!r} is nobody in this file or the directory"
                )
            if person.id in seen:
                f.fail(
                    "id", f"{person.id!r} is used again; first used by {path}[{seen[person.id]}]"
                )
            elif person.id:
                seen[person.id] = i
        if errors or f is None:
            batch.errors += errors
            batch.rejected += 1
        else:
            batch.people.append(person)
    return batch


def unit_of(person: Person) -> tuple[str, str]:
    return (person.organization.casefold(), person.unit.casefold())
