"""Roles: SPRED_ADMINS are global admins; an organisation's local admins look after their own
organisation's solutions, people, demand, feedback and prompts, and are refused plainly on
everything of another organisation, in every command and form."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.core import Core
from bot.flows.draft import FIELDS
from knowledge.records import Nudge, Person
from tests.dialogue import Chat

AARHUS, ODENSE = "slack:TAAR", "slack:TODE"
OWN = "hurtig-opstart-i-hjemmeplejen"  # Aarhus Kommune's, in the demo knowledge base
THEIRS = "housing-first-med-egen-bolig-og-bostoette"  # Odense Kommune's
PEOPLE = [
    Person(id="karen", name="Karen Aarhus", organization="Aarhus Kommune", slack_id="UKAREN1"),
    Person(id="lars", name="Lars Leder", organization="aarhus kommune", slack_id="ULARS1"),
    Person(id="anna", name="Anna Holm", organization="Odense Kommune", manager_id="bo"),
    Person(id="bo", name="Bo Leder", organization="Odense Kommune"),
    Person(id="nora", name="Nora Navnløs", organization="Aarhus Kommune"),  # no Slack id
]


@pytest.fixture
async def mette(core: Core, chat: Chat) -> AsyncIterator[Chat]:
    """Mette installed Spred in the Aarhus workspace: its local admin. Odense has its own."""
    await core.organisations.installed(AARHUS, name="Aarhus Kommune", installer="slack:UMETTE")
    await core.organisations.installed(ODENSE, name="Odense Kommune", installer="slack:UBO")
    await core.services.store.people.upsert_many(PEOPLE)
    talk = in_org(chat, AARHUS, "UMETTE", "Mette Admin")
    yield talk
    talk.expect_nothing()


def in_org(chat: Chat, org_id: str, user_id: str, name: str) -> Chat:
    """Someone writing in Slack from the workspace `org_id`, as the adapter verified it."""
    return chat.as_user(
        platform="slack",
        user_id=user_id,
        user_name=name,
        org_id=org_id,
        organization="",
        unit="",
        conversation=f"D-{user_id}",
    )


# Every command and form a local admin could aim at another organisation's solution or
# people, and the refusal each gets.
REFUSED = [
    (f"ret {THEIRS} titel", "er fra Odense Kommune. Du kan kun ændre løsninger fra Aarhus"),
    (f"edit {THEIRS} title", "er fra Odense Kommune. Du kan kun ændre løsninger fra Aarhus"),
    (f"fjern {THEIRS}", "er fra Odense Kommune. Du kan kun ændre løsninger fra Aarhus"),
    (f"retire {THEIRS}", "er fra Odense Kommune. Du kan kun ændre løsninger fra Aarhus"),
    (f"fortryd {THEIRS}", "er fra Odense Kommune. Du kan kun ændre løsninger fra Aarhus"),
    ("sæt Annas leder til Karen", "Jeg kan ikke finde “Annas” blandt folkene i Aarhus Kommune"),
    ("set Anna's manager to Karen", "ikke finde “Anna's” blandt folkene i Aarhus Kommune"),
    ("sæt Karens leder til Bo", "Jeg kan ikke finde “Bo” blandt folkene i Aarhus Kommune"),
]


@pytest.mark.parametrize(("command", "refusal"), REFUSED)
async def test_a_local_admin_is_refused_plainly_on_another_organisations_solution_or_people(
    mette: Chat, core: Core, command: str, refusal: str
) -> None:
    store = core.services.store
    before = (await store.solutions.get(THEIRS), await store.people.all())
    await mette.send(command)
    mette.expect(refusal)
    assert (await store.solutions.get(THEIRS), await store.people.all()) == before
    conversation = await store.conversations.get("slack:D-UMETTE:UMETTE")
    assert conversation is not None
    assert conversation.state == "idle"  # nothing of the refused command waits for an answer


async def test_a_local_admin_edits_and_retires_their_own_organisations_solution(
    mette: Chat, core: Core
) -> None:
    await mette.send(f"ret {OWN} titel")
    mette.expect("Nuværende titel")
    await mette.send("Opstartsteam i hjemmeplejen, Aarhus")
    mette.expect("er opdateret (titel)")
    await mette.send(f"ret {OWN} organisation")
    mette.expect("Nuværende organisation: Aarhus Kommune")
    await mette.send("Odense Kommune")  # handing it to another organisation
    mette.expect("Løsningen skal blive hos Aarhus Kommune")
    await mette.send("AARHUS kommune")  # the same organisation, however written
    mette.expect("er opdateret (organisation)")
    await mette.send(f"fjern {OWN}")
    mette.expect("er trukket tilbage")
    stored = await core.services.store.solutions.get(OWN)
    assert stored is not None
    assert (stored.title, stored.organization, stored.retired) == (
        "Opstartsteam i hjemmeplejen, Aarhus",
        "AARHUS kommune",
        True,
    )
    await mette.send(f"fortryd {OWN}")  # the retiring, undone
    mette.expect("er som før den seneste ændring")
    back = await core.services.store.solutions.get(OWN)
    assert back is not None
    assert (back.title, back.retired) == ("Opstartsteam i hjemmeplejen, Aarhus", False)


async def test_a_local_admins_new_solution_is_their_organisations_by_chat_and_by_form(
    mette: Chat, core: Core
) -> None:
    answers = {
        "title": "Fælles bilpulje i hjemmeplejen",
        "summary": "Hjemmeplejen deler biler på tværs af distrikter.",
        "metric": "Kørte kilometer pr. uge",
        "before": "1200",
        "after": "900",
        "contact": "Mette Admin",
        "email": "mette@aarhus.eksempel.dk",
    }
    await mette.send("tilføj")
    start = mette.expect("Jeg stiller 14 korte spørgsmål")  # not which organisation
    assert start.text
    for field in FIELDS:
        if field.name == "organization":
            continue
        mette.expect(field.question("da"))
        await mette.send(answers.get(field.name, "-"))
    mette.expect("Skal den udgives?", "Aarhus Kommune")
    await mette.press("Udgiv")
    mette.expect("er udgivet", "faelles-bilpulje-i-hjemmeplejen")
    # The form has no organisation field for her, and one sent anyway is not taken.
    await mette.act("add_form")
    form = mette.expect().form
    assert form is not None
    assert "organization" not in [f.name for f in form.fields]
    forged = answers | {"title": "Bilpulje nummer to", "organization": "Odense Kommune"}
    await mette.act("add_solution", {"values": forged})
    mette.expect("Skal den udgives?", "Aarhus Kommune")
    await mette.send("udgiv")
    mette.expect("er udgivet", "bilpulje-nummer-to")
    store = core.services.store
    for solution_id in ("faelles-bilpulje-i-hjemmeplejen", "bilpulje-nummer-to"):
        stored = await store.solutions.get(solution_id)
        assert stored is not None
        assert stored.organization == "Aarhus Kommune"


async def test_a_global_admin_still_manages_every_organisation(admin: Chat, core: Core) -> None:
    await admin.send(f"fjern {THEIRS}")
    admin.expect("er trukket tilbage")
    await admin.act("add_form")
    form = admin.expect().form
    assert form is not None
    assert "organization" in [f.name for f in form.fields]


async def test_rights_hold_only_where_the_platform_says_the_message_came_from(
    mette: Chat, chat: Chat
) -> None:
    for elsewhere in (
        in_org(chat, ODENSE, "UMETTE", "Mette Admin"),  # her id, the other workspace
        chat.as_user(platform="slack", user_id="UMETTE", conversation="D-x"),  # no workspace
        in_org(chat, AARHUS, "UKAREN1", "Karen Aarhus"),  # her workspace, not an admin
    ):
        for command in ("tilføj", f"fjern {OWN}", "efterspørgsel", "påmindelser til ledere"):
            await elsewhere.send(command)
            elsewhere.expect("Det er kun Spreds administratorer")


async def test_elsewhere_no_button_form_or_admin_sentence_of_a_local_admin_works(
    mette: Chat, chat: Chat, core: Core
) -> None:
    """Mette's id from the other workspace, or with no workspace (as the terminal and a
    payload without a team are): every admin command, button and form is refused, and her
    sentences that name admins or managers are questions there, changing nothing."""
    store = core.services.store
    before = (
        await store.organisations.all(),
        await store.solutions.get(OWN),
        await store.people.all(),
    )
    for elsewhere in (
        in_org(chat, ODENSE, "UMETTE", "Mette Admin"),
        chat.as_user(platform="slack", user_id="UMETTE", conversation="D-x"),
    ):
        for command in ("feedback", "lokale admins", f"ret {OWN} titel", "add"):
            await elsewhere.send(command)
            elsewhere.expect("Det er kun Spreds administratorer")
        for action, payload in (
            ("add_form", {}),
            ("demand", {}),
            ("feedback_list", {}),
            ("local_admins", {}),
            ("prompts_list", {}),
            ("add_solution", {"values": {"title": "Smuglet løsning"}}),
        ):
            await elsewhere.act(action, payload)
            elsewhere.expect("Det er kun Spreds administratorer")
        for sentence in ("lokal admin UEVIL1", "sæt Karens leder til Lars"):
            await elsewhere.send(sentence)
            assert "Det er kun" not in elsewhere.expect().text  # a question there
    after = (
        await store.organisations.all(),
        await store.solutions.get(OWN),
        await store.people.all(),
    )
    assert after == before


async def test_a_local_admin_sees_only_their_own_organisations_questions_and_feedback(
    mette: Chat, chat: Chat, admin: Chat
) -> None:
    aarhus = in_org(chat, AARHUS, "UKAREN1", "Karen Aarhus")
    odense = in_org(chat, ODENSE, "UANNA1", "Anna Holm")
    await aarhus.send("snerydning på kirkegården")
    aarhus.expect("Jeg kender endnu ingen")
    await odense.send("hundeluftning i byens parker")
    odense.expect("Jeg kender endnu ingen")
    await odense.send("ventetid hjemmepleje opstart")
    odense.expect("Opstartsteam")
    await odense.press("Hjalp ikke")
    odense.expect()
    await mette.send("efterspørgsel")
    seen = mette.expect("Spørgsmål uden en god løsning").text
    assert "snerydning" in seen
    assert "hundeluftning" not in seen
    assert "ventetid" not in seen
    await mette.send("feedback")
    mette.expect("Ingen feedback endnu.")
    await admin.send("efterspørgsel")
    everyone = admin.expect("Spørgsmål uden en god løsning").text
    assert "snerydning" in everyone
    assert "hundeluftning" in everyone
    await admin.send("feedback")
    admin.expect("0 hjalp, 1 hjalp ikke", "ventetid hjemmepleje opstart")


async def test_a_local_admin_sees_only_their_own_managers_prompts(
    mette: Chat, core: Core, admin: Chat
) -> None:
    await core.services.store.nudges.upsert_many(
        [
            Nudge(id="n1", manager_id="lars", solution_id=OWN),
            Nudge(id="n2", manager_id="bo", solution_id=THEIRS),
        ]
    )
    await mette.send("påmindelser til ledere")
    own = mette.expect("Påmindelser til ledere", "Lars Leder", "venter på at blive sendt")
    assert "Bo Leder" not in own.text
    await admin.send("manager prompts")
    admin.expect("Lars Leder", "Bo Leder")


async def test_a_local_admin_sets_managers_among_their_own_people(mette: Chat, core: Core) -> None:
    await mette.send("sæt Karens leder til Lars")
    mette.expect("Lars Leder")
    karen = await core.services.store.people.get("karen")
    assert karen is not None
    assert karen.manager_id == "lars"


async def test_local_admins_name_list_and_remove_each_other(
    mette: Chat, chat: Chat, core: Core
) -> None:
    await mette.send("lokal admin Karen Aarhus")  # by the directory's name: her Slack id
    mette.expect("Karen Aarhus (slack:UKAREN1) er nu lokal administrator")
    await mette.send("local admin @U0NEW42")  # by a member id
    mette.expect("slack:U0NEW42 er nu lokal administrator")
    await mette.send("lokal admin U0NEW42")
    mette.expect("er allerede lokal administrator")
    karen = in_org(chat, AARHUS, "UKAREN1", "Karen Aarhus")
    await karen.send(f"fjern {OWN}")  # her rights are real now
    karen.expect("er trukket tilbage")
    await karen.send("lokale admins")
    karen.expect("Lokale administratorer for Aarhus Kommune:", "slack:UMETTE", "slack:U0NEW42")
    for typed, said in (
        ("lokal admin Nora Navnløs", "står i personkartoteket, men uden et id her"),
        ("lokal admin teams:29:abc", "er et id fra en anden platform"),
        ("lokal admin Bo Leder", "Jeg kender ikke “Bo Leder”"),  # Odense's: not found here
        ("fjern lokal admin U0NOBODY9", "er ikke lokal administrator her"),
    ):
        await karen.send(typed)
        karen.expect(said)
    for removed in ("U0NEW42", "UMETTE"):
        await karen.send(f"fjern lokal admin {removed}")
        karen.expect("er ikke længere lokal administrator")
    await karen.send("fjern lokal admin slack:UKAREN1")
    karen.expect("er den sidste lokale administrator, så jeg lader vedkommende blive")
    organisation = await core.organisations.get(AARHUS)
    assert organisation is not None
    assert organisation.admins == ("slack:UKAREN1",)
    await mette.send(f"fjern {OWN}")  # no longer one
    mette.expect("Det er kun Spreds administratorer")


async def test_naming_local_admins_needs_an_organisation_to_name_them_in(admin: Chat) -> None:
    await admin.send("lokal admin U0NEW42")  # the terminal is no workspace
    admin.expect("Lokale administratorer hører til et Slack-arbejdsområde")


async def test_a_local_admin_of_an_unnamed_organisation_is_told_what_is_missing(
    core: Core, chat: Chat
) -> None:
    await core.organisations.installed("teams:tenant-x", installer="teams:29:ib")
    ib = chat.as_user(platform="teams", user_id="29:ib", org_id="teams:tenant-x")
    for command in ("tilføj", f"fjern {OWN}", "sæt Annas leder til Bo"):
        await ib.send(command)
        ib.expect("Jeres organisation har ikke fået et navn i Spred endnu")
    await ib.send("hjælp")
    ib.expect("Du er lokal administrator for –.", "lokal admin <id eller navn>")


async def test_help_tells_a_local_admin_what_is_theirs(mette: Chat) -> None:
    await mette.send("hjælp")
    mette.expect("Du er lokal administrator for Aarhus Kommune.", "påmindelser til ledere")


# --- the people directory and managers' prompts are per organisation

QUESTION = "ventetid hjemmepleje opstart"


async def _contacts(asker: Chat) -> str:
    """The asker asks and presses Kontakt on the first answer; what Spred replied."""
    await asker.send(QUESTION)
    asker.expect("Opstartsteam")
    await asker.press("Kontakt")
    return asker.expect("Mette").text


async def test_a_manager_is_never_prompted_about_a_person_of_another_organisation(
    core: Core, chat: Chat
) -> None:
    store = core.services.store
    await store.people.upsert_many(
        [
            Person(id="bo", name="Bo Leder", organization="Odense Kommune"),
            Person(id="eva", name="Eva Aarhus", organization="Aarhus Kommune", manager_id="bo"),
            Person(id="finn", name="Finn Odense", organization="ODENSE kommune", manager_id="bo"),
        ]
    )
    eva = chat.as_user(user_id="eva", user_name="Eva Aarhus", organization="")
    assert "Din leder får også" not in await _contacts(eva)
    assert await store.nudges.count() == 0
    finn = chat.as_user(user_id="finn", user_name="Finn Odense", organization="")
    assert "Din leder får også" in await _contacts(finn)  # the same organisation, folded
    [nudge] = await store.nudges.all()
    assert (nudge.manager_id, nudge.member_ids) == ("bo", ("finn",))


async def test_a_directory_entry_is_someones_only_from_its_own_organisation(
    core: Core, chat: Chat
) -> None:
    await core.organisations.installed(AARHUS, name="Aarhus Kommune", installer="slack:UM")
    await core.organisations.installed(ODENSE, name="Odense Kommune", installer="slack:UB")
    store = core.services.store
    await store.people.upsert_many(
        [
            Person(id="bo", name="Bo Leder", organization="Odense Kommune"),
            Person(
                id="anna",
                name="Anna Holm",
                organization="Odense Kommune",
                manager_id="bo",
                slack_id="UANNA1",
            ),
        ]
    )
    # The same Slack id writing from the Aarhus workspace is not Odense's Anna.
    stranger = in_org(chat, AARHUS, "UANNA1", "Anna Holm")
    assert "Din leder får også" not in await _contacts(stranger)
    assert await store.nudges.count() == 0
    anna = in_org(chat, ODENSE, "UANNA1", "Anna Holm")
    assert "Din leder får også" in await _contacts(anna)
    assert [n.manager_id for n in await store.nudges.all()] == ["bo"]
