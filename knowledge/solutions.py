"""Solutions: what another public organisation built, with its measured result and its people.

The guide on spreading public solutions asks for results that are documented, preferably
with numbers, and for originators others can talk to: a solution without a quantified
result or without a contact person is refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal, TypeGuard

from knowledge.validation import FieldError, Fields, ValidationError

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
LANGUAGES = ("da", "en")
STATUSES = ("pilot", "proven", "scaled")
FIRST_STATUS = STATUSES[0]  # what a solution is until someone says more

Language = Literal["da", "en"]
Status = Literal["pilot", "proven", "scaled"]

# Upper bounds keep cards readable and one bad paste from bloating the store.
MAX_ID = 80


def is_solution_id(value: object) -> TypeGuard[str]:
    """Whether a value has the form of a solution's id: what the schema accepts as `id`."""
    return isinstance(value, str) and len(value) <= MAX_ID and SLUG.fullmatch(value) is not None


MAX_TITLE = 200
MAX_SUMMARY = 500
MAX_PROBLEM = 2000
MAX_DESCRIPTION = 5000
MAX_CONDITIONS = 2000
MAX_LABEL = 100
MAX_LABELS = 30
MAX_RESULTS = 10
MAX_CONTACTS = 10


@dataclass(frozen=True, slots=True, kw_only=True)
class Result:
    metric: str
    before: int | float | None = None
    after: int | float | None = None
    unit: str = ""
    period: str = ""
    source: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def quantified(self) -> bool:
        return self.before is not None or self.after is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "before": self.before,
            "after": self.after,
            "unit": self.unit,
            "period": self.period,
            "source": self.source,
            **self.extra,
        }


PLATFORM_ID = re.compile(r"[A-Za-z0-9:_.@-]{1,200}")  # a Slack or Teams user id
# The schema's field for a person's user id on each chat platform (contacts and people).
PLATFORM_ID_FIELDS = {"slack": "slack_id", "teams": "teams_id"}
# A contact's organisation on each platform: their Slack workspace, their Teams tenant.
ORG_ID_FIELDS = {"slack": "slack_team_id", "teams": "teams_tenant_id"}


@dataclass(frozen=True, slots=True, kw_only=True)
class Contact:
    name: str
    email: str = ""
    role: str = ""
    slack_id: str = ""
    teams_id: str = ""
    slack_team_id: str = ""
    teams_tenant_id: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)

    def platform_id(self, platform: str) -> str:
        """Their user id on a chat platform, "" if none is known."""
        field_name = PLATFORM_ID_FIELDS.get(platform)
        return str(getattr(self, field_name)) if field_name else ""

    def org_ids(self) -> tuple[str, ...]:
        """The organisations they said they are in, as Spred names them ("slack:T123",
        "teams:<tenant id>")."""
        given = ((p, getattr(self, name)) for p, name in ORG_ID_FIELDS.items())
        return tuple(f"{platform}:{found}" for platform, found in given if found)

    def known_as(self, who: str) -> bool:
        """Whether `who` names this contact: their email or name (in any case), or their
        Slack or Teams user id."""
        folded = who.strip().casefold()
        return bool(folded) and (
            folded in (self.email.casefold(), self.name.casefold())
            or who.strip() in (self.slack_id, self.teams_id)
        )

    @property
    def reference(self) -> str:
        """How an owner names this contact: the most lasting of what is known of them."""
        return self.email or self.slack_id or self.teams_id or self.name

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "email": self.email, "role": self.role}
        for name in (*PLATFORM_ID_FIELDS.values(), *ORG_ID_FIELDS.values()):
            if getattr(self, name):
                out[name] = getattr(self, name)
        return out | dict(self.extra)


@dataclass(frozen=True, slots=True, kw_only=True)
class Solution:
    id: str
    title: str
    summary: str
    organization: str
    results: tuple[Result, ...]
    contacts: tuple[Contact, ...]
    problem: str = ""
    description: str = ""
    # What it took: the conditions it needs and the pitfalls met, what colleagues most need
    conditions: str = ""
    unit: str = ""
    professions: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    sponsors: tuple[str, ...] = ()
    language: Language = "da"
    status: Status = "pilot"
    retired: bool = False
    # Who answers for the figures (one of the contacts, named by email, user id or name;
    # "" = the first contact) and the day they last said the results still hold (None for
    # data from before Spred kept it; set when first stored).
    owner: str = ""
    confirmed: date | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.id

    @property
    def owner_contact(self) -> Contact:
        """The contact answering for the figures: the one named owner, else the first."""
        return next((c for c in self.contacts if c.known_as(self.owner)), self.contacts[0])

    @property
    def key_result(self) -> Result:
        """The result a card shows first: the first one with a number."""
        return next(r for r in self.results if r.quantified)

    def to_dict(self) -> dict[str, Any]:
        """The import/export schema, in its documented key order, unknown fields last."""
        out: dict[str, Any] = {
            "id": self.id,
            "title": self.title,
            "problem": self.problem,
            "summary": self.summary,
            "description": self.description,
            "results": [r.to_dict() for r in self.results],
            "organization": self.organization,
            "unit": self.unit,
            "contacts": [c.to_dict() for c in self.contacts],
            "professions": list(self.professions),
            "domains": list(self.domains),
            "tags": list(self.tags),
            "sponsors": list(self.sponsors),
            "language": self.language,
            "status": self.status,
        }
        # Newer than the documented order, and written only when given, so an export of
        # solutions without it is the same as before it existed.
        if self.conditions:
            out["conditions"] = self.conditions
        if self.retired:
            out["retired"] = True
        if self.owner:
            out["owner"] = self.owner
        if self.confirmed is not None:
            out["confirmed"] = self.confirmed.isoformat()
        return out | dict(self.extra)

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> Solution:
        """Validates; raises ValidationError naming every bad field."""
        return parse_solution(raw, path="solution")


_RESULT_FIELDS = frozenset({"metric", "before", "after", "unit", "period", "source"})
_CONTACT_FIELDS = frozenset(
    {"name", "email", "role", *PLATFORM_ID_FIELDS.values(), *ORG_ID_FIELDS.values()}
)
_SOLUTION_FIELDS = frozenset(
    {
        "id",
        "title",
        "problem",
        "summary",
        "description",
        "conditions",
        "results",
        "organization",
        "unit",
        "contacts",
        "professions",
        "domains",
        "tags",
        "sponsors",
        "language",
        "status",
        "retired",
        "owner",
        "confirmed",
    }
)


def _result(raw: object, path: str, errors: list[FieldError]) -> Result | None:
    f = Fields.of(raw, path=path, errors=errors)
    if f is None:
        return None
    return Result(
        metric=f.text("metric", max_len=200, required=True),
        before=f.number("before"),
        after=f.number("after"),
        unit=f.text("unit", max_len=50),
        period=f.text("period", max_len=100),
        source=f.text("source", max_len=500),
        extra=f.extra(_RESULT_FIELDS),
    )


def _contact(raw: object, path: str, errors: list[FieldError]) -> Contact | None:
    f = Fields.of(raw, path=path, errors=errors)
    if f is None:
        return None
    contact = Contact(
        name=f.text("name", max_len=200, required=True),
        email=f.email("email"),
        role=f.text("role", max_len=200),
        slack_id=f.text("slack_id", max_len=200, pattern=PLATFORM_ID),
        teams_id=f.text("teams_id", max_len=200, pattern=PLATFORM_ID),
        slack_team_id=f.text("slack_team_id", max_len=200, pattern=PLATFORM_ID),
        teams_tenant_id=f.text("teams_tenant_id", max_len=200, pattern=PLATFORM_ID),
        extra=f.extra(_CONTACT_FIELDS),
    )
    reachable = contact.email or contact.slack_id or contact.teams_id
    if not reachable and not _has_error(errors, 0, f.at("email")):
        f.fail("email", "is required (or a slack_id or teams_id) so colleagues can reach them")
    return contact


def parse_solution(raw: object, *, path: str) -> Solution:
    errors: list[FieldError] = []
    solution = _parse(raw, path, errors)
    if errors or solution is None:
        raise ValidationError(errors)
    return solution


def _parse(raw: object, path: str, errors: list[FieldError]) -> Solution | None:
    f = Fields.of(raw, path=path, errors=errors)
    if f is None:
        return None
    start = len(errors)
    # Read in the schema's order, so errors are listed in the order of the file's fields.
    head: dict[str, Any] = {
        "id": f.text(
            "id",
            max_len=MAX_ID,
            required=True,
            pattern=SLUG,
            hint="use lowercase a-z, 0-9 and single hyphens, e.g. 'kortere-ventetid'",
        ),
        "title": f.text("title", max_len=MAX_TITLE, required=True),
        "problem": f.text("problem", max_len=MAX_PROBLEM, multiline=True),
        "summary": f.text("summary", max_len=MAX_SUMMARY, required=True, multiline=True),
        "description": f.text("description", max_len=MAX_DESCRIPTION, multiline=True),
        "conditions": f.text("conditions", max_len=MAX_CONDITIONS, multiline=True),
    }
    results = [
        r
        for p, item in f.objects("results", max_items=MAX_RESULTS)
        if (r := _result(item, p, errors)) is not None
    ]
    organization = f.text("organization", max_len=200, required=True)
    unit = f.text("unit", max_len=200)
    contacts = [
        c
        for p, item in f.objects("contacts", max_items=MAX_CONTACTS)
        if (c := _contact(item, p, errors)) is not None
    ]
    labels: dict[str, Any] = {
        name: f.texts(name, max_items=MAX_LABELS, max_len=MAX_LABEL)
        for name in ("professions", "domains", "tags", "sponsors")
    }
    solution = Solution(
        **head,
        results=tuple(results),
        organization=organization,
        unit=unit,
        contacts=tuple(contacts),
        **labels,
        language=f.choice("language", LANGUAGES, default="da"),  # type: ignore[arg-type]
        status=f.choice("status", STATUSES, default=FIRST_STATUS),  # type: ignore[arg-type]
        retired=f.flag("retired"),
        owner=f.text("owner", max_len=254),
        confirmed=f.day("confirmed"),
        extra=f.extra(_SOLUTION_FIELDS),
    )
    if solution.owner and contacts and not any(c.known_as(solution.owner) for c in contacts):
        f.fail(
            "owner",
            f"{solution.owner[:80]!r} is none of the contacts; name one of them by email, "
            "user id or name (or leave it out: the first contact is the owner)",
        )
    if not any(r.quantified for r in results) and not _has_error(errors, start, f.at("results")):
        f.fail(
            "results",
            "needs at least one result with a number (before or after): "
            "the guide asks for documented, preferably quantified, results",
        )
    if not f.raw.get("contacts") and not _has_error(errors, start, f.at("contacts")):
        f.fail("contacts", "needs at least one contact person colleagues can reach")
    return solution


def _has_error(errors: list[FieldError], start: int, prefix: str) -> bool:
    return any(e.path.startswith(prefix) for e in errors[start:])


@dataclass(slots=True)
class Batch:
    """The outcome of validating many entries: the good ones and every error."""

    solutions: list[Solution] = field(default_factory=list)
    errors: list[FieldError] = field(default_factory=list)
    rejected: int = 0

    @property
    def count(self) -> int:
        """The entries read, good and bad."""
        return len(self.solutions) + self.rejected


def parse_solutions(
    raws: Iterable[object],
    *,
    path: str = "solutions",
    on_progress: Callable[[int], None] | None = None,
) -> Batch:
    """Validates every entry, as they come (`raws` may be read from a file meanwhile, so
    only the valid solutions are held); an id used twice rejects the later entries too."""
    batch = Batch()
    first_seen: dict[str, int] = {}
    for i, raw in enumerate(raws):
        if on_progress is not None and i % 500 == 0:
            on_progress(i)
        entry_errors: list[FieldError] = []
        here = f"{path}[{i}]"
        solution = _parse(raw, here, entry_errors)
        if solution is not None and solution.id:
            if solution.id in first_seen:
                entry_errors.append(
                    FieldError(
                        f"{here}.id",
                        f"{solution.id!r} is used again; "
                        f"first used by {path}[{first_seen[solution.id]}]",
                    )
                )
            else:
                first_seen[solution.id] = i
        if entry_errors or solution is None:
            batch.errors.extend(entry_errors)
            batch.rejected += 1
        else:
            batch.solutions.append(solution)
    if on_progress is not None:
        on_progress(batch.count)
    return batch


def parse_result(raw: object, *, path: str) -> Result:
    """One result, by the rules of a solution's results (a local result measured where a
    solution was adopted, knowledge/evidence.py); raises ValidationError naming each fault."""
    errors: list[FieldError] = []
    result = _result(raw, path, errors)
    if errors or result is None:
        raise ValidationError(errors)
    return result
