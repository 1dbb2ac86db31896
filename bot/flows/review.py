"""Editors review what practitioners shared (bot/flows/share.py): *Udgiv* publishes it,
validated as `spred import` validates; *Bed om ændringer* sends the sharer a note and
reopens their draft; *Afvis* tells them why not. Editors are the global admins and, for
what was shared from their organisation, its local admins (bot/roles.py); the sharer is
told each outcome by letter (bot/outbox.py). The chat's buttons and the web's review page
(adapters/web/review.py) decide through the one `decide` here, so both check, record, tell
and keep history alike.

A decision is one `Collection.update` that changes only a submission still waiting, so of
two editors (or a double click) deciding at once exactly one decides, on any number of
server processes; the other is told it was decided already. Editors hear of new
submissions at most once a day, gathered into one letter each, from whichever instance
wins the day's job (bot/jobs.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.cards import card
from bot.demand import answer_linked
from bot.dialogues import END, Dialogue, State, Step
from bot.flows.fields import drafted, publish_as, solution_of
from bot.i18n import say
from bot.jobs import Schedule
from bot.messages import Action, Notice, Reply
from bot.nudges import working_time
from bot.roles import Role
from bot.sessions import Flow
from bot.turn import Refusal, Services, Turn
from knowledge.records import Submission, SubmissionState
from knowledge.solutions import Solution
from knowledge.validation import CONTROL

LISTED = 10  # submissions shown at a time
MAX_NOTE = 1000
DIGEST_EVERY = timedelta(days=1)
DIGEST_JOB = "submissions_digest"


def _reach(role: Role) -> dict[str, str]:
    """The condition on a submission's `org_id` that keeps to an editor's own: none for a
    global admin, their organisation's for a local one."""
    if role.global_admin:
        return {}
    assert role.organisation is not None  # a local admin's (require_admin)
    return {"org_id": role.organisation.id}


def age(since: datetime, now: datetime) -> int:
    """Whole days since `since`."""
    return max(0, (now - since).days)


async def queue(turn: Turn) -> list[Reply]:
    """ "indsendte" / "submissions": what waits for this editor, oldest first."""
    role = turn.require_admin()
    waiting = await turn.store.submissions.find(
        limit=None, state=SubmissionState.WAITING, **_reach(role)
    )
    if not waiting:
        return [Reply(text=turn.say("submissions_none"))]
    waiting.sort(key=lambda s: s.created_at)
    replies = [Reply(text=turn.say("submissions_list", count=len(waiting)))]
    now = turn.services.clock()
    for submission in waiting[:LISTED]:
        shown = await _solution(turn, submission)
        about = {"submission": submission.id, "seen": submission.stamp}
        replies.append(
            Reply(
                text=turn.say(
                    "submission_line",
                    title=submission.title,
                    sharer=submission.sharer_name or submission.sharer,
                    days=age(submission.created_at, now),
                ),
                cards=(card(shown, language=turn.language, detailed=True, actions=False),),
                actions=(
                    Action(
                        id="review_publish",
                        label=turn.say("act_review_publish"),
                        payload=about,
                        style="primary",
                    ),
                    Action(
                        id="review_changes",
                        label=turn.say("act_review_changes"),
                        payload=about,
                    ),
                    Action(
                        id="review_reject",
                        label=turn.say("act_review_reject"),
                        payload=about,
                        style="danger",
                    ),
                ),
            )
        )
    return replies


class AlreadyDecided(Refusal):
    """The submission was decided before this decision could be: by another editor, or by
    this one's other click or form."""

    def __init__(
        self,
        title: str,
        state: SubmissionState | None,
        *,
        by: str,
        language: str,
        ends: bool = True,
    ) -> None:
        outcome = say(language, f"outcome_{state}" if state else "outcome_gone")
        super().__init__("submission_decided", ends=ends, title=title, outcome=outcome)
        self.state = state
        self.by = by  # the editor who decided it (platform-qualified), "" if unknown


class BadNote(Refusal):
    """A note for the sharer (what to change, or why not) that cannot be sent as written."""

    def __init__(self) -> None:
        super().__init__("review_note_invalid", limit=MAX_NOTE)


def checked_note(note: str) -> str:
    """The note, trimmed; BadNote when it is empty, too long or has control characters."""
    note = note.strip()
    if not note or len(note) > MAX_NOTE or CONTROL.search(note):
        raise BadNote()
    return note


# What an editor is told of a decision, by what it made of the submission.
CONFIRMATIONS = {
    SubmissionState.PUBLISHED: "review_published",
    SubmissionState.CHANGES: "review_sent_back",
    SubmissionState.REJECTED: "review_rejected",
}


def confirmation(submission: Submission, language: str) -> str:
    """What the editor who decided `submission` is told: in the chat at once, on the web
    on the dashboard it sends them back to; "" for one still waiting."""
    key = CONFIRMATIONS.get(submission.state)
    if key is None:
        return ""
    return say(language, key, title=submission.title, id=submission.solution_id)


@dataclass(frozen=True, slots=True, kw_only=True)
class Decision:
    """What an editor's decision did: the submission as stored after it, and the solution
    it published, if it did."""

    submission: Submission
    solution: Solution | None

    def said(self, language: str) -> str:
        return confirmation(self.submission, language)


async def _solution(turn: Turn, submission: Submission) -> Solution:
    """The solution a submission describes, validated as an import is, with a free id."""
    return await drafted(turn, submission.draft)


async def waiting(
    services: Services,
    role: Role,
    ref: object,
    *,
    language: str,
    ends: bool = False,
    seen: object = None,
) -> Submission:
    """The submission `ref` names, if it still waits and is this editor's (`role`) to
    decide; refuses plainly a stale button, another organisation's submission, or a
    non-editor. The chat's buttons and the web's review page (adapters/web/review.py) ask."""
    if not role.admin:
        raise Refusal("not_admin", ends=ends)
    if not isinstance(ref, str) or not ref or len(ref) > 64:
        raise Refusal("unknown_action", ends=ends)
    submission = await services.store.submissions.get(ref)
    if submission is None:
        raise Refusal("submission_gone", ends=ends)
    if not role.sees(submission.org_id):
        raise Refusal("submission_not_yours", ends=ends, title=submission.title)
    if submission.state is not SubmissionState.WAITING:
        raise AlreadyDecided(
            submission.title,
            submission.state,
            by=submission.decided_by,
            language=language,
            ends=ends,
        )
    if seen and seen != submission.stamp:  # sent again since (or no stamp of ours)
        raise Refusal("submission_changed", ends=ends, title=submission.title)
    return submission


async def _decide(
    services: Services,
    role: Role,
    submission: Submission,
    state: SubmissionState,
    *,
    language: str,
    note: str = "",
    solution_id: str = "",
) -> Submission:
    """Records the decision if the submission still waits; refuses if another editor (or
    this one's other click) decided first."""
    won = False
    now = services.clock()

    def decide(current: Submission | None) -> Submission | None:
        nonlocal won
        won = False
        if current is None or current.state is not SubmissionState.WAITING:
            return current
        if current.updated_at != submission.updated_at:  # sent again since it was read
            return current
        won = True
        return replace(
            current,
            state=state,
            note=note,
            decided_by=role.user,
            solution_id=solution_id,
            updated_at=now,
        )

    stored = await services.store.submissions.update(submission.id, decide)
    if not won and stored is not None and stored.state is SubmissionState.WAITING:
        raise Refusal("submission_changed", title=submission.title)
    if not won or stored is None:
        raise AlreadyDecided(
            submission.title,
            stored.state if stored is not None else None,
            by=stored.decided_by if stored is not None else "",
            language=language,
        )
    return stored


async def _tell_sharer(
    services: Services, submission: Submission, key: str, *, actions: tuple[Action, ...] = ()
) -> None:
    language = submission.language
    text = say(language, key, title=submission.title, note=submission.note)
    reply = Reply(text=text, language=language, actions=actions)
    await services.outbox.send(
        Notice(to=submission.sharer, kind="submission", reply=reply),
        letter_id=f"submission:{submission.id}:{submission.state}:{submission.updated_at.timestamp()}",
    )


async def decide(
    services: Services,
    role: Role,
    ref: object,
    decision: SubmissionState,
    *,
    language: str,
    note: str = "",
    ends: bool = False,
    seen: object = None,
) -> Decision:
    """An editor's decision on the submission `ref` names, the one way both the chat's
    buttons and the web's review page decide: *Udgiv* (PUBLISHED) publishes it, validated
    as an import is; *Bed om ændringer* (CHANGES) and *Afvis* (REJECTED) send the sharer
    `note`. Raises a Refusal saying why not: BadNote for a note that cannot be sent,
    AlreadyDecided when it was decided first elsewhere, others for a draft import would
    refuse, a solution of another organisation, or a non-editor. `seen`: the version the
    editor saw (`Submission.stamp`); one sent again since is refused, not decided unseen."""
    if decision is SubmissionState.PUBLISHED:
        return await _publish(services, role, ref, language=language, ends=ends, seen=seen)
    if decision not in (SubmissionState.CHANGES, SubmissionState.REJECTED):
        raise Refusal("unknown_action", ends=ends)
    note = checked_note(note)
    submission = await waiting(services, role, ref, language=language, ends=ends, seen=seen)
    decided = await _decide(services, role, submission, decision, language=language, note=note)
    if decision is SubmissionState.CHANGES:
        button = Action(
            id="share_reopen",
            label=say(decided.language, "act_share_reopen"),
            payload={"submission": decided.id},
            style="primary",
        )
        await _tell_sharer(services, decided, "share_changes", actions=(button,))
    else:
        await _tell_sharer(services, decided, "share_rejected")
    return Decision(submission=decided, solution=None)


async def _publish(
    services: Services, role: Role, ref: object, *, language: str, ends: bool, seen: object
) -> Decision:
    submission = await waiting(services, role, ref, language=language, ends=ends, seen=seen)
    solution = await solution_of(services.store, submission.draft, language=language)
    if not role.owns(solution.organization):
        raise Refusal(
            "not_your_solution",
            own=role.own_name,
            title=solution.title,
            organization=solution.organization,
        )
    decided = await _decide(
        services,
        role,
        submission,
        SubmissionState.PUBLISHED,
        language=language,
        solution_id=solution.id,
    )
    try:
        await publish_as(services, solution, by=role.user)
    except Refusal:  # not stored: it waits again, for this editor or another to retry
        await services.store.submissions.update(
            submission.id, lambda current: submission if current == decided else current
        )
        raise
    await _tell_sharer(services, decided, "share_published")
    if decided.demand_id:  # shared for a colleague's open question: its asker is told
        await answer_linked(
            kb=services.kb, outbox=services.outbox, demand_id=decided.demand_id, solution=solution
        )
    return Decision(submission=decided, solution=solution)


async def publish(turn: Turn) -> list[Reply]:
    payload = turn.message.payload
    decided = await decide(
        turn.services,
        turn.role,
        payload.get("submission"),
        SubmissionState.PUBLISHED,
        language=turn.language,
        seen=payload.get("seen"),
    )
    return [Reply(text=decided.said(turn.language))]


async def _ask_note(turn: Turn, decision: SubmissionState, key: str) -> Step:
    payload = turn.message.payload
    submission = await waiting(
        turn.services,
        turn.role,
        payload.get("submission"),
        language=turn.language,
        seen=payload.get("seen"),
    )
    data = {"submission": submission.id, "decision": decision.value, "seen": submission.stamp}
    text = turn.say(key, title=submission.title)
    return Step(replies=[Reply(text=text)], next=Flow.REVIEW_NOTE, data=data)


async def ask_changes(turn: Turn) -> Step:
    return await _ask_note(turn, SubmissionState.CHANGES, "review_ask_changes")


async def ask_reason(turn: Turn) -> Step:
    return await _ask_note(turn, SubmissionState.REJECTED, "review_ask_reason")


async def answer_note(turn: Turn) -> Step:
    """The note for the sharer: what to change, or why not."""
    data = turn.session.data
    try:
        decision = SubmissionState(str(data.get("decision")))
    except ValueError:
        raise Refusal("unknown_action", ends=True) from None
    try:
        decided = await decide(
            turn.services,
            turn.role,
            data.get("submission"),
            decision,
            language=turn.language,
            note=turn.message.text,
            ends=True,
            seen=data.get("seen"),
        )
    except BadNote as bad:  # the editor writes it again
        text = turn.say(bad.key, **bad.values)
        return Step(replies=[Reply(text=text)], next=Flow.REVIEW_NOTE)
    return Step(replies=[Reply(text=decided.said(turn.language))], next=END)


REVIEWING = Dialogue(
    name="reviewing",
    entry_points={"review_changes": ask_changes, "review_reject": ask_reason},
    states={Flow.REVIEW_NOTE: State(on_text=answer_note)},
)


async def tell_editors(services: Services, schedule: Schedule) -> int:
    """Once a day across every instance, in working hours (as managers' prompts): one letter
    to each editor with new submissions waiting for them, all of them gathered. Returns how
    many editors were told."""
    now = services.clock()
    if working_time(now, services.settings.nudges) > now:
        return 0  # quiet hours: the first round in working hours tells them
    if not await schedule.due(DIGEST_JOB, every=DIGEST_EVERY):
        return 0
    store = services.store
    fresh = await store.submissions.find(state=SubmissionState.WAITING, announced=False)
    if not fresh:
        return 0
    counts: dict[str, int] = defaultdict(int)
    organisations: dict[str, tuple[str, ...]] = {}
    for submission in fresh:
        if submission.org_id and submission.org_id not in organisations:
            found = await services.organisations.get(submission.org_id)
            organisations[submission.org_id] = found.admins if found else ()
        local = organisations.get(submission.org_id, ())
        for editor in dict.fromkeys((*sorted(services.settings.admins), *local)):
            counts[editor] += 1
    await _send_digests(services, counts)
    for submission in fresh:
        await store.submissions.update(
            submission.id,
            lambda current: replace(current, announced=True) if current is not None else None,
        )
    return len(counts)


async def _send_digests(services: Services, counts: Mapping[str, int]) -> None:
    language = services.settings.language
    day = services.clock().date().isoformat()
    for editor, count in counts.items():
        reply = Reply(
            text=say(language, "submissions_waiting", count=count),
            language=language,
            actions=(Action(id="submissions", label=say(language, "act_submissions")),),
        )
        # One letter per editor and day, whichever instance or retry sends it.
        await services.outbox.send(
            Notice(to=editor, kind="submissions", reply=reply),
            letter_id=f"submissions:{day}:{editor}",
        )
