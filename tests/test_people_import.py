"""Importing people by chat ("importér folk"): a local admin pastes CSV in a form and imports
their own organisation's people, all or nothing; another organisation's people, entries that
would move someone else's employee, and managers elsewhere are refused by line, with the
paste kept in the form. Global admins import anyone; everyone else is refused."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.core import Core
from bot.flows.people_import import FIELD, FORM_ID, MAX_LINES
from bot.messages import Reply
from knowledge.records import Person
from tests.dialogue import Chat
from tests.test_roles import in_org

ODENSE, AARHUS = "slack:T1", "slack:T2"
DIRECTORY = [
    Person(id="bo", name="Bo Leder", organization="Odense Kommune", email="bo@odense.dk"),
    Person(id="karen", name="Karen Aarhus", organization="Aarhus Kommune", email="k@aarhus.dk"),
]
HEADER = "id,name,email,organization,unit,role,manager_id"


@pytest.fixture
async def sofie(core: Core, chat: Chat) -> AsyncIterator[Chat]:
    """Sofie installed Spred in Odense Kommune's workspace: its local admin."""
    await core.organisations.installed(ODENSE, name="Odense Kommune", installer="slack:USOFIE")
    await core.organisations.installed(AARHUS, name="Aarhus Kommune", installer="slack:UMETTE")
    await core.services.store.people.upsert_many(DIRECTORY)
    talk = in_org(chat, ODENSE, "USOFIE", "Sofie Admin")
    yield talk
    talk.expect_nothing()


async def paste(talk: Chat, *lines: str) -> None:
    await talk.act(FORM_ID, {"values": {FIELD: "\n".join(lines)}})


def error_of(reply: Reply) -> str:
    assert reply.form is not None
    return reply.form.fields[0].error


async def people(core: Core) -> dict[str, Person]:
    return {p.id: p for p in await core.services.store.people.all()}


async def test_a_local_admin_opens_the_form_and_imports_their_own_people(
    sofie: Chat, core: Core
) -> None:
    await sofie.send("Importér folk")
    form = sofie.expect("Folk som CSV")
    assert form.form is not None
    assert (form.form.id, form.form.title) == (FORM_ID, "Importér folk")
    assert "id,name,email,organization,unit,role,manager_id" in form.form.fields[0].hint
    assert form.form.fields[0].multiline
    await paste(
        sofie,
        HEADER,
        "anna,Anna Holm,anna@odense.dk,,Hjemmeplejen Vest,Sygeplejerske,bo",
        "",  # a blank line is no one
        "bo,Bo Leder,bo@odense.dk,odense kommune,Hjemmeplejen Vest,Leder,",
        "carl,<!channel> *Carl*,,,,,anna",
    )
    done = sofie.expect("Færdig: 2 nye og 1 opdaterede personer i Odense Kommune.")
    assert done.form is None
    stored = await people(core)
    assert (stored["anna"].organization, stored["anna"].manager_id) == ("Odense Kommune", "bo")
    assert stored["bo"].organization == "odense kommune"  # as written: the same one, folded
    assert stored["carl"].name == "<!channel> *Carl*"  # kept as text; adapters escape it
    assert stored["karen"] == DIRECTORY[1]


async def test_the_command_is_english_too_and_in_the_local_admins_help(sofie: Chat) -> None:
    await sofie.send("import people")
    sofie.expect("Folk som CSV")
    await sofie.send("hjælp")
    sofie.expect("importér folk")


async def test_another_organisations_people_are_refused_by_line_and_nothing_imported(
    sofie: Chat, core: Core
) -> None:
    before = await people(core)
    await paste(
        sofie,
        HEADER,
        "anna,Anna Holm,,,,,",
        "lars,Lars Aarhus,,Aarhus Kommune,,,",
    )
    refused = sofie.expect("Intet er importeret")
    assert "Linje 3: “Aarhus Kommune” er en anden organisation" in error_of(refused)
    assert "Linje 2" not in error_of(refused)
    assert refused.form is not None
    assert refused.form.fields[0].value.endswith("lars,Lars Aarhus,,Aarhus Kommune,,,")
    assert await people(core) == before


async def test_overwriting_another_organisations_person_is_refused(sofie: Chat, core: Core) -> None:
    before = await people(core)
    await paste(sofie, HEADER, "karen,Karen Odense,,,,,")  # Aarhus' Karen, by id
    by_id = sofie.expect("Intet er importeret")
    assert "Linje 2: id'et eller e-mailadressen hører til en person i en anden" in error_of(by_id)
    await paste(sofie, HEADER, "kk,Karen K,K@Aarhus.dk,,,,")  # and by e-mail
    by_email = sofie.expect("Intet er importeret")
    assert "Linje 2: id'et eller e-mailadressen" in error_of(by_email)
    assert await people(core) == before


async def test_a_manager_in_another_organisation_is_refused(sofie: Chat, core: Core) -> None:
    before = await people(core)
    await paste(sofie, HEADER, "anna,Anna Holm,,,,,karen")
    refused = sofie.expect("Intet er importeret")
    assert "Linje 2: lederen “karen” er ikke blandt folkene i Odense Kommune" in error_of(refused)
    await paste(sofie, HEADER, "anna,Anna Holm,,,,,ghost")  # nobody at all: the file's rule
    nobody = sofie.expect("Intet er importeret")
    assert "Linje 2 (manager_id): 'ghost' is nobody" in error_of(nobody)
    assert await people(core) == before


async def test_a_global_admin_imports_anyone(admin: Chat, core: Core) -> None:
    await core.services.store.people.upsert_many(DIRECTORY)
    await admin.send("importér folk")
    admin.expect("Folk som CSV")
    await paste(admin, HEADER, "karen,Karen Holm,,Aarhus Kommune,,,", "x1,Xenia,,Vejle Kommune,,,")
    admin.expect("Færdig: 1 nye og 1 opdaterede personer i personkartoteket.")
    stored = await people(core)
    assert (stored["karen"].name, stored["x1"].organization) == ("Karen Holm", "Vejle Kommune")


async def test_someone_who_is_not_an_admin_is_refused_and_nothing_imported(
    sofie: Chat, core: Core
) -> None:
    before = await people(core)
    anna = in_org(sofie, ODENSE, "UANNA", "Anna Holm")
    await anna.send("importér folk")
    anna.expect("Det er kun Spreds administratorer")
    # A form kept from when she was one, or forged, is refused the same way.
    await paste(anna, HEADER, "anna,Anna Holm,,,,,")
    anna.expect("Det er kun Spreds administratorer")
    # Sofie's own workspace is what makes her an admin: from elsewhere she is nobody's.
    elsewhere = in_org(sofie, AARHUS, "USOFIE", "Sofie Admin")
    await paste(elsewhere, HEADER, "z,Z,,,,,")
    elsewhere.expect("Det er kun Spreds administratorer")
    assert await people(core) == before


async def test_over_size_empty_and_stale_pastes_are_refused_plainly(
    sofie: Chat, core: Core
) -> None:
    before = await people(core)
    rows = [f"p{i},Person {i},,,,," for i in range(MAX_LINES + 1)]
    await paste(sofie, HEADER, *rows)
    too_many = sofie.expect("for meget på én gang: højst 2000 personer og 200 KB")
    assert error_of(too_many)
    await sofie.act(FORM_ID, {"values": {FIELD: "x" * 300_000}})
    sofie.expect("for meget på én gang")
    await paste(sofie, HEADER)
    sofie.expect("Indsæt en linje med kolonnerne og derefter mindst én person")
    await paste(sofie, "name,email", "Anna,anna@odense.dk")
    sofie.expect("Jeg kan ikke læse det som CSV", "no 'id' column")
    await sofie.act(FORM_ID, {"values": {"other": "id,name"}})  # a form of another version
    sofie.expect("Den knap virker ikke længere")
    await sofie.act(FORM_ID, {})
    sofie.expect("Den knap virker ikke længere")
    assert await people(core) == before


async def test_the_errors_stay_in_the_form_to_fix_and_send_again(sofie: Chat, core: Core) -> None:
    pasted = [HEADER, "anna,,anna(at)odense,,,,", "anna,Anna Igen,,,,,"]
    await paste(sofie, *pasted)
    refused = sofie.expect("Intet er importeret. Ret linjerne herunder")
    error = error_of(refused)
    assert "Linje 2 (name): is required" in error
    assert "Linje 2 (email)" in error
    assert "Linje 3 (id): 'anna' is used again" in error
    assert refused.form is not None
    assert refused.form.fields[0].value == "\n".join(pasted)
    await paste(sofie, HEADER, "anna,Anna Holm,anna@odense.dk,,,,")
    sofie.expect("Færdig: 1 nye og 0 opdaterede")
    assert (await people(core))["anna"].email == "anna@odense.dk"


async def test_a_form_sent_after_the_admin_was_removed_is_refused(sofie: Chat, core: Core) -> None:
    await sofie.send("importér folk")
    sofie.expect("Folk som CSV")
    await sofie.send("lokal admin UULLA1")
    sofie.expect("er nu lokal administrator")
    ulla = in_org(sofie, ODENSE, "UULLA1", "Ulla")
    await ulla.send("fjern lokal admin USOFIE")
    ulla.expect("slack:USOFIE er ikke længere lokal administrator")
    before = await people(core)
    await paste(sofie, HEADER, "anna,Anna Holm,,,,,")
    sofie.expect("Det er kun Spreds administratorer")
    assert await people(core) == before
