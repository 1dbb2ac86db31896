"""Anyone shares a solution; editors publish, ask for changes or reject; the sharer is told.

The same guided questions as the admin's add, checked by the import rules; a submission
waits in the store for an editor, never in answers; a decision is taken once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.core import Core
from bot.flows.share import FORM_ID, SHARED
from bot.messages import Incoming
from knowledge.records import SubmissionState
from tests.answers import SNOW, answers, values
from tests.conftest import Clock
from tests.dialogue import Chat, Inbox, flat
from tests.test_roles import AARHUS, ODENSE, in_org

ANSWERS = answers(
    SHARED,
    contact=("Skriv “-”, hvis det er dig (Anna Holm)", "-"),
    email=("e-mail", "anna.holm@odense.eksempel.dk"),
)
# Karen's platform names her organisation and reaches her: neither is asked.
KARENS = answers(
    SHARED,
    without=("organization", "email"),
    contact=("Skriv “-”, hvis det er dig (Karen Aarhus)", "-"),
)


@pytest.fixture
def inbox(core: Core) -> Inbox:
    return Inbox(core, "console")


async def _share(
    sharer: Chat, answers: list[tuple[str, str]], start: str = "del en løsning"
) -> None:
    """Answers every question, then looks at the draft (and any look-alikes) shown."""
    await sharer.send(start)
    sharer.expect("lad os dele jeres løsning")
    for question, answer in answers:
        sharer.expect(question)
        await sharer.send(answer)
    sharer.expect("Sådan kommer løsningen til at se ud", "Indsend")
    while sharer.pending:
        sharer.expect("Er det den samme som")


async def _submission_id(core: Core) -> str:
    [waiting] = await core.services.store.submissions.find(state=SubmissionState.WAITING)
    return waiting.id


async def test_anyone_shares_and_an_editor_publishes_it_and_the_sharer_is_told(
    chat: Chat, admin: Chat, core: Core, inbox: Inbox
) -> None:
    store = core.services.store
    await _share(chat, ANSWERS, start="Jeg vil dele vores løsning!")
    draft = chat.taken[-1]
    assert "Det krævede: En fælles vagtplan" in flat(draft)
    assert "Vores egen timeregistrering" in flat(draft)
    await chat.press("Indsend")
    chat.expect("er sendt til en redaktør")
    [submission] = await store.submissions.all()
    assert submission.state is SubmissionState.WAITING
    assert submission.sharer == "console:anna"
    assert submission.draft["contacts"] == [
        {"name": "Anna Holm", "email": "anna.holm@odense.eksempel.dk"}
    ]
    assert not [s for s in await store.solutions.all() if s.title == SNOW]  # not in answers

    await admin.send("indsendte")
    admin.expect("1 indsendte løsninger venter")
    admin.expect(SNOW, "delt af Anna Holm for 0 dage siden", "420 → 260,5 timer")
    await admin.press("Udgiv")
    admin.expect("er udgivet", "faelles-maskinpulje-til-snerydning-paa-kirkegaarde")
    published = await store.solutions.get("faelles-maskinpulje-til-snerydning-paa-kirkegaarde")
    assert published is not None
    assert published.conditions == "En fælles vagtplan og én ansvarlig for maskinerne."
    assert published.results[0].source == "Vores egen timeregistrering"
    assert published.contacts[0].name == "Anna Holm"
    [told] = inbox.take(to="console:anna")
    assert "Din løsning “Fælles maskinpulje" in told
    assert "er udgivet" in told

    await admin.press("Udgiv")  # a double click
    admin.expect("er allerede afgjort: udgivet")
    await chat.send("hvordan rydder vi sne på kirkegården")
    chat.expect(SNOW)


async def _submitted_and_listed(chat: Chat, admin: Chat) -> None:
    """Anna shares ANSWERS and sends it in; the editor lists what waits."""
    await _share(chat, ANSWERS)
    await chat.send("Indsend.")
    chat.expect("er sendt til en redaktør")
    await admin.send("indsendte")
    admin.expect("venter")
    admin.expect(SNOW)


async def test_asked_for_changes_the_sharer_fixes_and_resends_then_a_rejection_says_why(
    chat: Chat, admin: Chat, core: Core, inbox: Inbox
) -> None:
    store = core.services.store
    await _submitted_and_listed(chat, admin)
    await admin.press("Bed om ændringer")
    admin.expect("Hvad skal ændres")
    await admin.send("\x1b[31m")
    admin.expect("Skriv en note på højst 1000 tegn")
    await admin.send("Skriv gerne, hvordan I talte timerne.")
    admin.expect("er sendt tilbage med din note")
    [letter] = [n for n in inbox.notices if n.to == "console:anna"]
    inbox.notices.clear()
    assert "bad om ændringer" in flat(letter.reply)
    assert "hvordan I talte timerne" in flat(letter.reply)
    [button] = letter.reply.actions
    assert button.label == "Ret og send igen"
    submission = await store.submissions.get(await _any_id(core))
    assert submission is not None
    assert submission.state is SubmissionState.CHANGES

    await chat.act_with(button)
    chat.expect("Redaktøren bad om ændringer", "hvordan I talte timerne")
    chat.expect("Sådan kommer løsningen til at se ud")
    while chat.pending:
        chat.expect("Er det den samme som")
    await chat.send("kilde")
    chat.expect("Skriv den nye værdi for kilde")
    chat.expect("Hvor kommer tallene fra")
    await chat.send("Timesedler fra ESDH, optalt af lederen")
    chat.expect("Sådan kommer løsningen til at se ud", "Timesedler fra ESDH")
    while chat.pending:
        chat.expect("Er det den samme som")
    await chat.press("Indsend")
    chat.expect("er sendt til en redaktør")
    resent = await store.submissions.get(submission.id)
    assert resent is not None
    assert resent.state is SubmissionState.WAITING
    assert len(await store.submissions.all()) == 1  # the same submission, sent again
    assert resent.draft["results"][0]["source"] == "Timesedler fra ESDH, optalt af lederen"
    await chat.act_with(button)  # the old button again
    chat.expect("kan ikke rettes nu")

    await admin.send("submissions")
    admin.expect("venter")
    admin.expect("Timesedler fra ESDH")
    await admin.press("Afvis")
    admin.expect("Hvorfor afviser du")
    await admin.send("Vi har allerede en tilsvarende løsning.")
    admin.expect("er afvist")
    [rejected] = inbox.take(to="console:anna")
    assert "afvist" in rejected
    assert "Begrundelse: “Vi har allerede en tilsvarende løsning.”" in rejected
    await admin.send("indsendte")
    admin.expect("Der venter ingen indsendte løsninger")


async def _any_id(core: Core) -> str:
    [only] = await core.services.store.submissions.all()
    return only.id


@pytest.fixture
async def aarhus(core: Core, chat: Chat) -> AsyncIterator[Chat]:
    """Karen in the Aarhus workspace, whose local admin is Mette; Odense's is Bo."""
    await core.organisations.installed(AARHUS, name="Aarhus Kommune", installer="slack:UMETTE")
    await core.organisations.installed(ODENSE, name="Odense Kommune", installer="slack:UBO")
    talk = in_org(chat, AARHUS, "UKAREN1", "Karen Aarhus")
    yield talk
    talk.expect_nothing()


async def test_a_submission_sent_again_since_the_editor_saw_it_is_not_decided_unseen(
    chat: Chat, admin: Chat, core: Core, inbox: Inbox
) -> None:
    store = core.services.store
    await _submitted_and_listed(chat, admin)

    async def sent_again() -> None:  # as *Ret og send igen* stores a new version
        current = await store.submissions.get(await _any_id(core))
        assert current is not None
        later = current.updated_at + timedelta(minutes=5)
        await store.submissions.upsert(replace(current, updated_at=later))

    await sent_again()
    await admin.press("Udgiv")  # the button of the version listed
    admin.expect("er sendt igen, siden du så den")
    await admin.send("indsendte")
    admin.expect("venter")
    admin.expect(SNOW)
    await admin.press("Bed om ændringer")
    admin.expect("Hvad skal ændres")
    await sent_again()  # while the editor writes the note
    await admin.send("Skriv gerne, hvordan I talte timerne.")
    admin.expect("er sendt igen, siden du så den")
    stored = await store.submissions.get(await _any_id(core))
    assert stored is not None
    assert stored.state is SubmissionState.WAITING
    assert inbox.take(to="console:anna") == []  # the sharer was told nothing


async def test_only_editors_of_the_sharers_organisation_decide_and_only_one_decides(
    aarhus: Chat, chat: Chat, admin: Chat, core: Core
) -> None:
    Inbox(core, "slack")
    await _share(aarhus, KARENS)
    await aarhus.send("organisation")  # named by their workspace: not theirs to change
    aarhus.expect("Sådan kommer løsningen til at se ud", "Aarhus Kommune")
    while aarhus.pending:
        aarhus.expect("Er det den samme som")
    await aarhus.press("Indsend")
    aarhus.expect("er sendt til en redaktør")
    submission_id = await _submission_id(core)
    submission = await core.services.store.submissions.get(submission_id)
    assert submission is not None
    assert submission.draft["organization"] == "Aarhus Kommune"
    assert submission.draft["contacts"] == [
        {"name": "Karen Aarhus", "slack_id": "UKAREN1", "slack_team_id": "TAAR"}
    ]

    await aarhus.send("indsendte")  # not an editor
    aarhus.expect("Det er kun Spreds administratorer")
    bo = in_org(chat, ODENSE, "UBO", "Bo Odense")
    await bo.send("indsendte")
    bo.expect("Der venter ingen indsendte løsninger på dig")
    await bo.act("review_publish", {"submission": submission_id})  # a forged button
    bo.expect("er delt fra en anden organisation")
    await bo.act("review_publish", {"submission": ["not", "an", "id"]})
    bo.expect("Den knap virker ikke længere")

    mette = in_org(chat, AARHUS, "UMETTE", "Mette Admin")
    await mette.send("indsendte")
    mette.expect("1 indsendte løsninger venter")
    mette.expect(SNOW)
    # Mette and the global admin press Udgiv at the same moment: one of them publishes.
    button = {"submission": submission_id}
    both = await asyncio.gather(
        core.handle(_pressed(mette, "review_publish", button)),
        core.handle(_pressed(admin, "review_publish", button)),
    )
    said = sorted(flat(reply) for replies in both for reply in replies)
    assert len(said) == 2
    assert "er allerede afgjort: udgivet" in said[0]
    assert "er udgivet" in said[1]
    published = [s for s in await core.services.store.solutions.all() if s.title == SNOW]
    assert [s.organization for s in published] == ["Aarhus Kommune"]


def _pressed(chat: Chat, action: str, payload: dict[str, object]) -> Incoming:
    return replace(chat.message, text="", action=action, payload=payload)


async def test_the_same_solution_already_in_spred_becomes_an_adoption(
    chat: Chat, core: Core
) -> None:
    alike = [
        ("Title", "Opstartsteam i hjemmeplejen"),
        ("problem", "-"),
        ("Summary", "Et fast opstartsteam tager de første besøg, så ventetiden på hjemmepleje "
                   "falder."),
    ]  # fmt: skip
    await chat.send("english")
    chat.expect("I will write to you in English")
    await chat.send("share a solution")
    chat.expect("let's share your solution")
    for question, answer in alike:
        chat.expect(question)
        await chat.send(answer)
    rest = [
        "Odense Kommune",
        "-",
        "Days from referral to first visit",
        "10",
        "3",
        "days",
        "2024",
        "-",
        "-",
        "anna.holm@odense.eksempel.dk",
        "-",
    ]
    for answer in rest:
        chat.expect()
        await chat.send(answer)
    chat.expect("This is how the solution will look")
    same = chat.expect("Is it the same as", "Opstartsteam sikrer hjemmehjælp")
    assert same.actions[0].payload == {
        "solution": "hurtig-opstart-i-hjemmeplejen",
        "stage": "adopted",
    }
    while chat.pending:  # a second look-alike
        chat.expect("Is it the same as")
    await chat.act_with(same.actions[0])
    chat.expect("now uses “Opstartsteam sikrer hjemmehjælp")
    chat.expect("Did you measure anything?")  # a unit using it is asked for its own figures
    adoption = await core.services.store.adoptions.get("hurtig-opstart-i-hjemmeplejen:console:anna")
    assert adoption is not None
    assert await core.services.store.submissions.count() == 0
    await chat.act("share_submit")  # the draft is gone with the dialogue
    chat.expect("no draft to submit")


async def test_editors_hear_of_new_submissions_once_a_day_gathered(
    chat: Chat, core: Core, inbox: Inbox, clock: Clock
) -> None:
    for title in ("Snerydning med fælles maskiner", "Saltning efter fælles plan"):
        await _share(chat, [(ANSWERS[0][0], title), *ANSWERS[1:]])
        await chat.press("Indsend")
        chat.expect("er sendt til en redaktør")
    assert await core.tell_editors_if_due() == 1  # the one global admin
    [letter] = inbox.take(to="console:admin")
    assert "2 nye indsendte løsninger venter på dig" in letter
    assert "Se de indsendte" in letter
    await _share(chat, [(ANSWERS[0][0], "Grus i stedet for salt"), *ANSWERS[1:]])
    await chat.press("Indsend")
    chat.expect("er sendt til en redaktør")
    assert await core.tell_editors_if_due() == 0  # not again the same day
    assert inbox.take(to="console:admin") == []
    clock.advance(days=1)
    assert await core.tell_editors_if_due() == 1
    [letter] = inbox.take(to="console:admin")
    assert "1 nye indsendte løsninger" in letter  # only the one not told of yet
    clock.advance(days=1)
    assert await core.tell_editors_if_due() == 0  # nothing new


async def test_editors_are_not_told_in_quiet_hours_but_at_the_next_working_hour(
    chat: Chat, core: Core, inbox: Inbox, clock: Clock
) -> None:
    clock.now = datetime(2026, 11, 6, 19, 0, tzinfo=UTC)  # a Friday evening in Copenhagen
    await _share(chat, ANSWERS)
    await chat.press("Indsend")
    chat.expect("er sendt til en redaktør")
    assert await core.tell_editors_if_due() == 0
    clock.now = datetime(2026, 11, 8, 12, 0, tzinfo=UTC)  # Sunday
    assert await core.tell_editors_if_due() == 0
    assert inbox.take(to="console:admin") == []
    clock.now = datetime(2026, 11, 9, 7, 30, tzinfo=UTC)  # Monday, 8:30 in Copenhagen
    assert await core.tell_editors_if_due() == 1
    [letter] = inbox.take(to="console:admin")
    assert "1 nye indsendte løsninger" in letter


async def test_a_draft_and_a_submission_survive_a_restart(chat: Chat, core: Core) -> None:
    await chat.send("del en løsning")
    chat.expect("lad os dele")
    chat.expect("Titel")
    await chat.send(SNOW)
    chat.expect("problem")
    restarted = Core(
        kb=core.services.kb, settings=core.services.settings, clock=core.services.clock
    )
    again = Chat(core=restarted, message=chat.message)
    await again.send("Sneen blev ryddet sent.")
    again.expect("resumé")
    await again.send("Bare snak, intet tal")
    again.expect("Hvilken organisation")
    await again.send("annuller")
    again.expect("Annulleret")


async def test_help_and_the_home_page_offer_to_share(chat: Chat, core: Core) -> None:
    await chat.send("hjælp")
    help_reply = chat.expect("del en løsning")
    await chat.press("Del vores løsning")
    chat.expect("lad os dele jeres løsning")
    chat.expect("Titel")
    home = await core.home(user="slack:UNEW")
    assert [a.id for a in home.actions] == ["share_form"]
    assert help_reply.actions[0].label == "Del vores løsning"


async def test_of_two_servers_one_tells_each_editor_and_local_admins_hear_of_their_own(
    aarhus: Chat, chat: Chat, core: Core
) -> None:
    slack = Inbox(core, "slack")
    Inbox(core, "console")
    await _share(aarhus, KARENS)
    await aarhus.press("Indsend")
    aarhus.expect("er sendt til en redaktør")
    other = Core(kb=core.services.kb, settings=core.services.settings, clock=core.services.clock)
    told = await asyncio.gather(core.tell_editors_if_due(), other.tell_editors_if_due())
    assert sorted(told) == [0, 2]  # the global admin and Aarhus's local admin, once
    [letter] = slack.take(to="slack:UMETTE")
    assert "1 nye indsendte løsninger venter på dig" in letter
    assert slack.take(to="slack:UBO") == []  # Odense's admin: not theirs
    letters = await core.services.store.outbox.find(to="console:admin")
    assert len(letters) == 1


# --- the same questions as one form (a Slack modal, a Teams card)


async def test_the_share_form_checks_as_the_chat_does_then_shows_the_look_alikes(
    chat: Chat, core: Core
) -> None:
    """Anna's client shows forms: the help's button opens the form, prefilled with what
    Spred knows of her; a wrong figure comes back on its field with everything as typed;
    a good form is the draft and its look-alikes, submitted as after the chat."""
    anna = chat.as_user(forms=True)
    await anna.send("hjælp")
    anna.expect("del en løsning")
    await anna.press("Del vores løsning")
    opened = anna.expect().form
    assert opened is not None
    assert opened.id == FORM_ID
    assert [f.name for f in opened.fields] == [f.name for f in SHARED]
    prefilled = {f.name: f.value for f in opened.fields if f.value}
    assert prefilled == {
        "organization": "Odense Kommune",  # as her client gave it, hers to change
        "unit": "Hjemmeplejen Vest",
        "contact": "Anna Holm",
    }
    email = next(f for f in opened.fields if f.name == "email")
    assert email.required  # nothing reaches her in the terminal but an e-mail

    typed = values(SHARED, before="mange", after="-", contact="Anna Holm", email="")
    await anna.act(FORM_ID, {"values": typed})
    again = anna.expect().form
    assert again is not None
    errors = {f.name: f.error for f in again.fields if f.error}
    assert errors == {
        "before": "Skriv et tal, fx 12 eller 12,5 – eller “-”, hvis det ikke blev målt.",
        "email": "Det felt skal udfyldes.",
    }
    assert {f.name: f.value for f in again.fields} == typed  # nothing typed is lost
    await anna.act(FORM_ID, {"values": {**typed, "before": "-"}})  # no figure at all
    none = anna.expect().form
    assert none is not None
    assert {f.name: f.error for f in none.fields if f.error}["before"] == (
        "Skriv mindst ét tal – før eller efter."
    )
    assert await core.services.store.submissions.count() == 0

    good = {**typed, "before": "420", "after": "260,5", "email": "anna.holm@odense.eksempel.dk"}
    await anna.act(FORM_ID, {"values": good})
    anna.expect("Sådan kommer løsningen til at se ud", "420 → 260,5 timer", "Indsend")
    while anna.pending:
        anna.expect("Er det den samme som")
    await anna.press("Indsend")
    anna.expect("er sendt til en redaktør")
    [submission] = await core.services.store.submissions.all()
    assert submission.state is SubmissionState.WAITING
    assert submission.draft["organization"] == "Silkeborg Kommune"
    assert submission.draft["contacts"] == [
        {"name": "Anna Holm", "email": "anna.holm@odense.eksempel.dk"}
    ]
    assert submission.draft["conditions"] == ANSWERS[-1][1]

    # The same form sent again (a card stays in the chat): not a second submission.
    await anna.act(FORM_ID, {"values": good})
    anna.expect("Sådan kommer løsningen til at se ud")
    while anna.pending:
        anna.expect("Er det den samme som")
    await anna.press("Indsend")
    anna.expect("Du har allerede sendt “Fælles maskinpulje", "venter på en redaktør")
    assert await core.services.store.submissions.count() == 1


async def test_a_form_without_its_fields_is_refused_plainly_and_a_client_without_forms_chats(
    chat: Chat,
) -> None:
    anna = chat.as_user(forms=True)
    for forged in ({}, {"values": "title=x"}, {"values": ["x"]}):
        await anna.act(FORM_ID, forged)
        anna.expect("Formularen kom ikke med sine felter", "intet er gemt")
    # Fields of another version: each missing one said on the form, what came kept.
    await anna.act(FORM_ID, {"values": {"title": SNOW, "metric": 7}})
    form = anna.expect().form
    assert form is not None
    assert {f.name for f in form.fields if f.error} >= {"summary", "metric", "contact"}
    assert next(f.value for f in form.fields if f.name == "title") == SNOW
    # The terminal shows no form: the button starts the chat's questions.
    await chat.act("share_form")
    chat.expect("lad os dele jeres løsning")
    chat.expect("Titel")


async def test_a_sharer_cannot_share_in_another_organisations_name_by_the_form(
    aarhus: Chat, core: Core
) -> None:
    """Karen writes from the Aarhus workspace: the form says Aarhus Kommune; Odense's name
    is refused on its field, and she is the contact, reached on Slack, without an e-mail."""
    karen = aarhus.as_user(forms=True)
    await karen.act("share_form", {"text": "Vi deler maskiner til snerydning"})
    opened = karen.expect().form
    assert opened is not None
    shown = {f.name: f.value for f in opened.fields}
    assert shown["organization"] == "Aarhus Kommune"
    assert shown["contact"] == "Karen Aarhus"
    assert shown["summary"] == "Vi deler maskiner til snerydning"  # a shared message
    assert not next(f for f in opened.fields if f.name == "email").required

    typed = values(SHARED, organization="Odense Kommune", contact="Karen Aarhus", email="")
    await karen.act(FORM_ID, {"values": typed})
    refused = karen.expect().form
    assert refused is not None
    [(field, error)] = [(f.name, f.error) for f in refused.fields if f.error]
    assert field == "organization"
    assert "Du deler fra Aarhus Kommune" in error
    await karen.act(FORM_ID, {"values": {**typed, "organization": ""}})
    karen.expect("Sådan kommer løsningen til at se ud", "Aarhus Kommune")
    while karen.pending:
        karen.expect("Er det den samme som")
    await karen.press("Indsend")
    karen.expect("er sendt til en redaktør")
    [submission] = await core.services.store.submissions.all()
    assert submission.org_id == AARHUS
    assert submission.draft["organization"] == "Aarhus Kommune"
    assert submission.draft["contacts"] == [
        {"name": "Karen Aarhus", "slack_id": "UKAREN1", "slack_team_id": "TAAR"}
    ]
