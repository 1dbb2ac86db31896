"""Anyone can share a solution: the admin's guided questions in a practitioner's words (the
problem, what they did, the measured result and where the figures come from, who to
contact, what it took), checked answer by answer by the rules `spred import` applies. The
finished draft is shown with the solutions already in Spred that look like the same thing,
so a would-be duplicate becomes an adoption instead; submitted, it waits for an editor in
the `submissions` collection (bot/flows/review.py), never going straight into answers.

Where the client can show a form to the sharer alone (a Slack modal, a card in a Teams
personal chat: `Incoming.forms`), the help's and App Home's *Del vores løsning*, `/spred del en
løsning` and Slack's "Del som løsning" open the same questions as one form, prefilled with what
Spred knows (the sharer as the contact, their organisation, the shared message as the summary).
Its answers are checked one by one as the chat checks them (bot/flows/fields.py), and a good
form goes on where the chat goes on after its last answer: the draft and its look-alikes.
Typing `del en løsning` always starts the chat, which works in any client.

The draft lives in the session until it is submitted (a restart loses nothing), then in the
stored submission; an editor asking for changes reopens it for the sharer to fix and send
again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from bot.cards import card
from bot.dialogues import END, STAY, Dialogue, State, Step
from bot.flows.adopt import known_place
from bot.flows.draft import (
    BY_NAME,
    CONDITIONS,
    SOURCE,
    Field,
    Problem,
    check,
    get,
    lacks_figure,
    put,
)
from bot.flows.fields import PUBLISH_WORDS, ask_field, check_values, drafted, form, form_values
from bot.messages import Action, Form, Reply
from bot.sessions import Flow
from bot.turn import Refusal, Turn
from knowledge.records import Submission, SubmissionState, new_id
from knowledge.solutions import ORG_ID_FIELDS, PLATFORM_ID_FIELDS, Solution
from knowledge.text import folded_name

# What a sharer is asked, in this order: the problem before what they did about it.
SHARED: tuple[Field, ...] = (
    BY_NAME["title"],
    BY_NAME["problem"],
    BY_NAME["summary"],
    BY_NAME["organization"],
    BY_NAME["unit"],
    BY_NAME["metric"],
    BY_NAME["before"],
    BY_NAME["after"],
    BY_NAME["result_unit"],
    BY_NAME["period"],
    SOURCE,
    BY_NAME["contact"],
    BY_NAME["email"],
    CONDITIONS,
)
SHARED_NAMES = {name for f in SHARED for name in (f.name, *f.aliases)}
SUBMIT_WORDS = PUBLISH_WORDS | {"indsend", "send", "submit"}
LOOK_ALIKES = 2  # existing solutions shown as perhaps the same
FORM_ID = "share_draft"  # the form's submission comes back as this action
# Read together from a form: the contact is the sharer unless they name someone else, and
# then their e-mail is needed.
CONTACT_FIELDS = {"contact", "email"}


def _organisation_name(turn: Turn) -> str:
    """The sharer's organisation as their platform named it; "" from the terminal."""
    return turn.organisation.name if turn.organisation is not None else ""


def _skipped(turn: Turn, field: Field, draft: dict[str, Any]) -> bool:
    """Whether a question need not be asked: the organisation their platform named, and the
    e-mail of a contact who is the sharer and can be reached already."""
    if field.name == "organization":
        return bool(_organisation_name(turn))
    if field.name == "email":
        return bool(draft.get("contacts", [{}])[0].get("reachable_self"))
    if field.name == "summary":  # prefilled from a shared message
        return bool(draft.get("summary"))
    if field.name == "problem":  # prefilled from a colleague's open question (routed.py)
        return bool(get(draft, field.path))
    return False


def _clean(draft: dict[str, Any]) -> dict[str, Any]:
    """The draft as import reads it: without the flow's own marks."""
    clean = dict(draft)
    if clean.get("contacts"):
        clean["contacts"] = [
            {k: v for k, v in c.items() if k != "reachable_self"} for c in clean["contacts"]
        ]
    return clean


async def start_sharing(turn: Turn, *, problem: str = "", demand_id: str = "") -> Step:
    """The chat's questions; from a routed question (bot/flows/routed.py) with its question
    as the `problem`, and the submission linked to the open question (`demand_id`)."""
    draft: dict[str, Any] = {}
    if own := _organisation_name(turn):
        put(draft, BY_NAME["organization"].path, own)
    prefilled = _prefilled(turn, draft)
    if problem:
        try:
            put(draft, BY_NAME["problem"].path, check(BY_NAME["problem"], draft, problem))
        except Problem:  # a question a problem cannot hold: asked as usual
            problem = ""
    count = sum(not _skipped(turn, f, draft) for f in SHARED)
    replies = [Reply(text=turn.say("share_start", count=count))]
    if prefilled:
        replies.append(Reply(text=turn.say("share_prefilled", text=prefilled)))
    if problem:
        replies.append(Reply(text=turn.say("routed_share_problem", question=problem)))
    replies.append(_question(turn, SHARED[0], draft))
    data: dict[str, Any] = {"step": 0, "draft": draft}
    if demand_id:
        data["demand"] = demand_id
    return Step(replies=replies, next=Flow.SHARING, data=data)


def _shared_text(turn: Turn) -> str:
    """The text of a message shared as a solution (Slack's "Del som løsning"), cut at a
    word to fit a summary; "" when none was shared."""
    payload = turn.message.payload
    shared = payload.get("text") if isinstance(payload, Mapping) else None
    if not isinstance(shared, str) or not shared.strip():
        return ""
    limit = BY_NAME["summary"].max_len
    text = shared.strip()
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _prefilled(turn: Turn, draft: dict[str, Any]) -> str:
    """A shared message's text becomes the summary, which is then not asked; the sharer
    can change it on the draft."""
    text = _shared_text(turn)
    if not text:
        return ""
    summary = BY_NAME["summary"]
    try:
        put(draft, summary.path, check(summary, draft, text))
    except Problem:  # characters a summary cannot hold: asked as usual
        return ""
    return text


def _question(turn: Turn, field: Field, draft: dict[str, Any]) -> Reply:
    asked = ask_field(turn, field, draft)
    if field.name == "contact":
        return replace(asked, text=f"{asked.text} {turn.say('contact_self', name=turn.name)}")
    return asked


async def _own_email(turn: Turn) -> str:
    """The sharer's e-mail as their platform or the directory knows it ("" if neither)."""
    if turn.message.email:
        return turn.message.email
    person = await turn.person()
    return person.email if person else ""


async def _myself(turn: Turn, draft: dict[str, Any]) -> None:
    """ "-" for the contact: the sharer, reachable where they wrote from and by e-mail if
    their platform or the directory knows it."""
    email = await _own_email(turn)
    contact: dict[str, Any] = {"name": turn.name[:200]}
    if email:
        contact["email"] = email
    platform = turn.message.platform
    if field_name := PLATFORM_ID_FIELDS.get(platform):
        contact[field_name] = turn.message.user_id
        org_platform, _, org = turn.message.org_id.partition(":")
        if org and org_platform == platform:
            contact[ORG_ID_FIELDS[platform]] = org
    if email or field_name:
        contact["reachable_self"] = True
    draft["contacts"] = [contact]


async def _answer(turn: Turn, field: Field, draft: dict[str, Any]) -> None:
    """Puts the answer to `field` in the draft; raises Problem."""
    text = turn.message.text
    if field.name == "contact" and text.strip() == "-":
        await _myself(turn, draft)
        return
    if field.name == "contact":  # someone else: their e-mail is asked next
        draft["contacts"] = [{}]
    put(draft, field.path, check(field, _clean(draft), text))


async def answer_sharing(turn: Turn) -> Step:
    data = turn.session.data
    step, draft = int(data.get("step", 0)), data.setdefault("draft", {})
    if step >= len(SHARED):
        return await _check_step(turn)
    field = SHARED[step]
    try:
        await _answer(turn, field, draft)
        if field.name == "after" and lacks_figure(draft):
            data["step"] = SHARED.index(BY_NAME["before"])
            return Step(replies=[Reply(text=turn.say("need_number"))], next=Flow.SHARING)
    except Problem as problem:
        said = Reply(text=turn.say(problem.key, **problem.values))
        return Step(replies=[said, _question(turn, field, draft)], next=Flow.SHARING)
    step += 1
    while step < len(SHARED) and _skipped(turn, SHARED[step], draft):
        step += 1
    data["step"] = step
    if step < len(SHARED):
        return Step(replies=[_question(turn, SHARED[step], draft)], next=Flow.SHARING)
    return await _check_step(turn)


async def _drafted(turn: Turn, draft: dict[str, Any]) -> Solution:
    return await drafted(turn, _clean(draft))


async def _check_step(turn: Turn) -> Step:
    return await _checked(turn, turn.session.data.get("draft", {}))


async def _checked(turn: Turn, draft: dict[str, Any]) -> Step:
    """The finished draft, with what may already be in Spred: the sharer submits it, fixes
    a field, or says it is the same as one there and reports using that instead."""
    solution = await _drafted(turn, draft)
    replies = [
        Reply(
            text=turn.say("share_preview"),
            cards=(card(solution, language=turn.language, detailed=True, actions=False),),
            actions=(
                Action(id="share_submit", label=turn.say("act_submit"), style="primary"),
                Action(id="cancel", label=turn.say("act_cancel")),
            ),
        )
    ]
    alike = await turn.kb.search(f"{solution.title}. {solution.summary}", top=LOOK_ALIKES)
    for match in alike:
        found = match.solution
        replies.append(
            Reply(
                text=turn.say("share_same", title=found.title, organization=found.organization),
                actions=(
                    Action(
                        id="adopt",
                        label=turn.say("act_same"),
                        payload={"solution": found.id, "stage": "adopted"},
                    ),
                ),
            )
        )
    return Step(replies=replies, next=Flow.SHARE_CHECK)


async def answer_check(turn: Turn) -> Step:
    """Typed while the draft is shown: a field's name to fix it, a word that submits, else
    the draft again."""
    said = turn.message.text.strip().lower().rstrip(".!")
    if said in SUBMIT_WORDS:
        return await submit(turn)
    if said in SHARED_NAMES:
        field = BY_NAME[said]
        if _skipped(turn, field, {}):  # the organisation their platform named stays theirs
            return await _check_step(turn)
        text = turn.say("share_fix", field=field.named(turn.language))
        reply = _question(turn, field, turn.session.data.get("draft", {}))
        turn.session.data["fixing"] = field.name
        return Step(replies=[Reply(text=text), reply], next=Flow.SHARE_FIXING)
    return await _check_step(turn)


async def answer_fixing(turn: Turn) -> Step:
    data = turn.session.data
    field = BY_NAME[str(data.get("fixing", "title"))]
    draft = data.setdefault("draft", {})
    try:
        await _answer(turn, field, draft)
        if lacks_figure(draft):
            raise Problem("need_number_form")
    except Problem as problem:
        said = Reply(text=turn.say(problem.key, **problem.values))
        return Step(replies=[said, _question(turn, field, draft)], next=Flow.SHARE_FIXING)
    if field.name == "contact" and not draft["contacts"][0].get("reachable_self"):
        data["fixing"] = "email"  # another contact: their e-mail too
        return Step(replies=[_question(turn, BY_NAME["email"], draft)], next=Flow.SHARE_FIXING)
    data.pop("fixing", None)
    return await _check_step(turn)


async def submit(turn: Turn) -> Step:
    """Stores the draft as a submission for an editor: new, or the one an editor sent back
    for changes, waiting again."""
    data = turn.session.data
    draft = _clean(data.get("draft", {}))
    await _drafted(turn, draft)  # refuses, keeping the draft, what import would refuse
    now = turn.services.clock()
    reopened = str(data.get("submission", ""))
    if reopened:
        sent_again = False

        def again(current: Submission | None) -> Submission | None:
            nonlocal sent_again
            sent_again = False
            if (
                current is None
                or current.sharer != turn.message.user
                or current.state is not SubmissionState.CHANGES
            ):
                return current
            sent_again = True
            return replace(
                current,
                draft=draft,
                state=SubmissionState.WAITING,
                updated_at=now,
                announced=False,
                language=turn.language,
            )

        await turn.store.submissions.update(reopened, again)
        if not sent_again:
            raise Refusal("submission_not_open", ends=True)
    else:
        await _not_sent_yet(turn, str(draft.get("title", "")))
        await turn.store.submissions.insert(
            Submission(
                id=new_id(),
                sharer=turn.message.user,
                sharer_name=turn.name[:200],
                org_id=turn.message.org_id,
                draft=draft,
                language=turn.language,
                created_at=now,
                updated_at=now,
                demand_id=str(data.get("demand", "")),
            )
        )
    title = str(draft.get("title", ""))
    text = turn.say("share_sent", title=title)
    if data.get("demand"):
        text += "\n\n" + turn.say("routed_share_sent")
    return Step(replies=[Reply(text=text)], next=END)


async def _not_sent_yet(turn: Turn, title: str) -> None:
    """Refuses a draft the sharer sent already and an editor has not decided yet: a form
    submitted twice (a Teams card stays in the chat), or the same solution shared again."""
    waiting = await turn.store.submissions.find(
        sharer=turn.message.user, state=SubmissionState.WAITING
    )
    if any(folded_name(s.title) == folded_name(title) for s in waiting):
        raise Refusal("share_sent_already", ends=True, title=title)


async def reopen(turn: Turn) -> Step:
    """The sharer's button on an editor's request for changes: the draft, to fix and send
    again."""
    ref = turn.payload_text("submission", limit=64)
    submission = await turn.store.submissions.get(ref)
    if submission is None or submission.sharer != turn.message.user:
        raise Refusal("submission_gone")
    if submission.state is not SubmissionState.CHANGES:
        raise Refusal("submission_not_open")
    data = {"step": len(SHARED), "draft": dict(submission.draft), "submission": submission.id}
    turn.session.go(Flow.SHARE_CHECK, data)
    note = Reply(text=turn.say("share_reopened", note=submission.note))
    step = await _check_step(turn)
    return Step(replies=[note, *step.replies], next=Flow.SHARE_CHECK, data=data)


# --- the same questions as one form (a Slack modal, a Teams card)


async def open_form(turn: Turn) -> Step:
    """The form, prefilled with what Spred knows, where the client can show it to the sharer
    alone; elsewhere (a terminal, a Teams channel, a Slack message without a trigger) the
    chat's questions, which work anywhere."""
    if not turn.message.forms:
        return await start_sharing(turn)
    organization, unit = await known_place(turn)
    own = _organisation_name(turn)
    if own and folded_name(organization) != folded_name(own):
        organization, unit = own, ""  # the unit Spred knows is of another organisation
    values = {
        "organization": organization,
        "unit": unit,
        "contact": turn.name[: BY_NAME["contact"].max_len],
        "email": await _own_email(turn),
        "summary": _shared_text(turn),
    }
    return Step(replies=[Reply(form=_form(turn, values=values, errors={}))], next=STAY)


def _form(turn: Turn, *, values: dict[str, str], errors: dict[str, str]) -> Form:
    # Spred reaches a sharer on Slack or Teams where they wrote: their own e-mail may stay out.
    reachable = turn.message.platform in PLATFORM_ID_FIELDS
    return form(
        turn,
        form_id=FORM_ID,
        title=turn.say("form_share_title"),
        fields=SHARED,
        values=values,
        errors=errors,
        optional=frozenset({"email"} if reachable else ()),
        hints={"email": turn.say("form_own_email")} if reachable else {},
    )


async def submit_form(turn: Turn) -> Step:
    """The form's answers, each checked as the chat checks it; wrong ones come back on their
    fields with everything as typed, and a good form is the draft, shown with its
    look-alikes, as after the chat's last answer."""
    values = form_values(turn, SHARED)
    own = _organisation_name(turn)
    draft: dict[str, Any] = {}
    fixed = CONTACT_FIELDS | ({"organization"} if own else set())
    errors = check_values(turn, [f for f in SHARED if f.name not in fixed], values, draft)
    errors.update(await _contact_from(turn, values, draft))
    if own:  # the organisation their platform named: a solution is shared in its name only
        typed = values["organization"]
        if typed.strip() and folded_name(typed) != folded_name(own):
            errors["organization"] = turn.say("share_own_organisation", own=own)
        put(draft, BY_NAME["organization"].path, own)
    if not errors:
        try:
            step = await _checked(turn, draft)
        except Refusal as refusal:  # the whole draft refused: said on the form, kept as typed
            errors[SHARED[0].name] = turn.say(refusal.key, **refusal.values)
        else:
            data = {"step": len(SHARED), "draft": draft}
            return Step(replies=step.replies, next=Flow.SHARE_CHECK, data=data)
    return Step(replies=[Reply(form=_form(turn, values=values, errors=errors))], next=STAY)


async def _contact_from(
    turn: Turn, values: dict[str, str], draft: dict[str, Any]
) -> dict[str, str]:
    """The form's contact in the draft, as the chat takes it: the sharer ("-", or their own
    name as prefilled), reachable where they wrote and needing no e-mail then; or someone
    else, whose e-mail is needed. The problems by field name."""
    contact, email = BY_NAME["contact"], BY_NAME["email"]
    name, typed = values["contact"].strip(), values["email"].strip()
    errors: dict[str, str] = {}
    if name == "-" or (name and folded_name(name) == folded_name(turn.name[: contact.max_len])):
        await _myself(turn, draft)
        if not typed and draft["contacts"][0].get("reachable_self"):
            return errors
    else:
        draft["contacts"] = [{}]
        try:
            put(draft, contact.path, check(contact, _clean(draft), name))
        except Problem as problem:
            errors["contact"] = turn.say(problem.key, **problem.values)
    try:
        put(draft, email.path, check(email, _clean(draft), typed))
    except Problem as problem:
        errors["email"] = turn.say(problem.key, **problem.values)
    return errors


SHARING = Dialogue(
    name="sharing",
    entry_points={
        "share": start_sharing,
        "share_form": open_form,
        FORM_ID: submit_form,
        "share_reopen": reopen,
    },
    states={
        Flow.SHARING: State(on_text=answer_sharing),
        Flow.SHARE_CHECK: State(on_text=answer_check, actions={"share_submit": submit}),
        Flow.SHARE_FIXING: State(on_text=answer_fixing),
    },
    out_of_state="nothing_to_submit",
)
