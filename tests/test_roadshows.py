"""Roadshows (issue 17; bot/roadshows.py, bot/flows/roadshow.py): the organiser's dialogue,
who is invited and why, places never oversold across two instances, the waiting list moving
up, the calendar file and its route, the day-before reminder and the follow-up, each once.
Every backend: the places are one record's atomic update."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import orjson
import pytest
from aiohttp.test_utils import TestServer

from bot.config import Settings
from bot.core import Core
from bot.flows.roadshow import Unclear, parse_moment
from bot.jobs import Schedule
from bot.people_names import Found, PeopleNames
from bot.privacy import export, forget, identify
from bot.reach import set_mode
from bot.roadshow_ics import calendar
from bot.roadshows import COMING, WAITING, Reminders, invite, invitees, respond, state_of
from bot.server import build_app
from knowledge.records import (
    Adoption,
    Demand,
    DemandStatus,
    Follow,
    Interest,
    Person,
    ReachMode,
    Roadshow,
    Stage,
)
from knowledge.store import Store, open_store
from tests.conftest import Clock
from tests.dialogue import Chat, Inbox, flat
from tests.test_cli import Workspace
from tests.test_request_reads import whole_reads

SOLUTION = "hurtig-opstart-i-hjemmeplejen"  # the demo's; Mette Kjærgaard is its contact
METTE_EMAIL = "mette.kjaergaard@aarhus.eksempel.dk"
ZONE = "Europe/Copenhagen"


def mette_in(chat: Chat) -> Chat:
    return chat.as_user(user_id="mette", user_name="Mette Kjærgaard", email=METTE_EMAIL)


def _roadshow(clock: Clock, *, places: int = 1, days: float = 30, **changes: object) -> Roadshow:
    values: dict[str, object] = {
        "id": "r1",
        "solution_id": SOLUTION,
        "title": "Opstartsteam",
        "organiser": "console:mette",
        "organiser_name": "Mette Kjærgaard",
        "at": clock.now + timedelta(days=days),
        "where": "Rådhuset, Aarhus",
        "places": places,
        "created_at": clock.now,
    }
    return Roadshow(**(values | changes))  # type: ignore[arg-type]


def test_a_date_and_time_is_read_as_typed_in_danish_time() -> None:
    now = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    cph = {"tzinfo": parse_moment("2027-01-14 13:00", now=now, zone=ZONE).tzinfo}
    expected = datetime(2027, 1, 14, 13, 0, **cph)
    for typed in ("2027-01-14 13:00", "14/1 kl 13", "14.1. kl. 13.00", "14/1 2027 kl 13:00"):
        assert parse_moment(typed, now=now, zone=ZONE) == expected, typed
    assert parse_moment("14/1 kl 13", now=now, zone=ZONE).astimezone(UTC).hour == 12  # CET
    assert parse_moment("3/11 kl 9", now=now, zone=ZONE).year == 2026  # tomorrow
    assert parse_moment("1/11 kl 9", now=now, zone=ZONE).year == 2027  # past: next year's
    for typed, key in (
        ("i morgen", "roadshow_when_unclear"),
        ("31/2 kl 13", "roadshow_when_unclear"),
        ("14/1 kl 25", "roadshow_when_unclear"),
        ("2020-01-14 13:00", "roadshow_when_past"),
    ):
        with pytest.raises(Unclear) as caught:
            parse_moment(typed, now=now, zone=ZONE)
        assert caught.value.key == key, typed


async def test_the_organiser_plans_a_roadshow_and_bad_answers_are_asked_again(
    chat: Chat, core: Core
) -> None:
    store = core.services.store
    await chat.send(f"roadshow {SOLUTION}")  # Anna is neither behind it nor an admin
    chat.expect("Kun dem bag “Opstartsteam")
    admin = chat.as_user(user_id="admin", user_name="Bo Admin")
    await admin.send("roadshow ingen-saadan-loesning")  # an admin's typo is pointed out
    admin.expect("ingen offentliggjort løsning")
    mette = mette_in(chat)
    await mette.send(f"roadshow {SOLUTION}")
    mette.expect("planlægge en roadshow for “Opstartsteam")
    mette.expect("Hvornår?")
    await mette.send("på torsdag")
    mette.expect("kunne jeg ikke læse")
    mette.expect("Hvornår?")
    await mette.send("2020-01-14 13:00")
    mette.expect("allerede gået")
    mette.expect("Hvornår?")
    await mette.send("14/1 kl 13")
    mette.expect("Hvor?")
    await mette.send("https://meet.eksempel.dk/opstart")
    mette.expect("Hvor mange pladser")
    for bad in ("0", "mange", "1001"):
        await mette.send(bad)
        mette.expect("helt tal fra 1 til 1000")
        mette.expect("Hvor mange pladser")
    await mette.send("12")
    mette.expect("kort invitation")
    await mette.send("Vi viser, hvordan opstartsteamet arbejder.")
    mette.expect(
        "Hvornår: 14/1 2027 kl. 13:00",
        "Hvor: https://meet.eksempel.dk/opstart",
        "Pladser: 12",
        "Send invitationer",
    )
    await mette.press("Send invitationer")
    sent = mette.expect("er planlagt, og 0 er inviteret", "Kalenderinvitation: /roadshows/")
    [planned] = await store.roadshows.find(organiser="console:mette")
    assert planned.at == datetime(2027, 1, 14, 12, 0, tzinfo=UTC)
    assert (planned.places, planned.title[:12]) == (12, "Opstartsteam")
    assert f"/roadshows/{planned.id}.ics" in flat(sent)
    await mette.send("roadshows")
    mette.expect("et døgn, 14/1 2027 kl. 13:00: 0 af 12 pladser taget, 0 på venteliste")


async def _concerned(store: Store, clock: Clock) -> None:
    """Everyone a roadshow of SOLUTION concerns, and some it does not."""
    await store.people.upsert_many(
        [
            Person(id="ib", name="Ib Holm", organization="Odense Kommune", manager_id="lone"),
            Person(id="lone", name="Lone Leder", organization="Odense Kommune"),
            Person(id="uffe", name="Uffe Bruger", organization="Vejle Kommune"),
        ]
    )
    await store.demand.upsert(
        Demand(id="d1", question="hjemmehjælp hurtigt efter udskrivning", asker="console:asker",
               status=DemandStatus.ANSWERED, answered_by=SOLUTION)
    )  # fmt: skip
    await store.demand.upsert(  # answered by another solution: not theirs
        Demand(id="d2", question="skoler", asker="console:other", status=DemandStatus.ANSWERED,
               answered_by="to-voksne-i-klassen-for-inklusion")
    )  # fmt: skip
    await store.adoptions.upsert_many(
        [
            Adoption(id="a1", solution_id=SOLUTION, user="console:tryer",
                     organization="Vejle Kommune", stage=Stage.PILOTING),
            Adoption(id="a2", solution_id=SOLUTION, user="console:user",
                     organization="Vejle Kommune", stage=Stage.ADOPTED),
        ]
    )  # fmt: skip
    await store.interests.upsert_many(
        [
            Interest(id="ib:s", person_id="ib", solution_id=SOLUTION, did="details"),
            Interest(id="uffe:s", person_id="uffe", solution_id=SOLUTION, did="adopted"),
        ]
    )
    for user in ("console:follower", "console:user", "console:uffe", "slack:#C1"):
        await store.follows.upsert(
            Follow(id=f"{user}|domain:aeldrepleje", user=user, topic="domain:aeldrepleje",
                   label="ældrepleje", at=clock.now)
        )  # fmt: skip


async def test_invitations_go_to_those_it_concerns_each_with_a_reason(
    chat: Chat, core: Core, clock: Clock
) -> None:
    store = core.services.store
    await _concerned(store, clock)
    solution = await store.solutions.get(SOLUTION)
    assert solution is not None
    found = await invitees(core.services, solution, organiser="console:mette")
    assert {i.user: i.reason for i in found} == {
        "console:asker": "roadshow_why_asked",
        "console:tryer": "roadshow_why_tried",
        "console:ib": "roadshow_why_interest",
        "console:follower": "roadshow_why_follows",
        "console:lone": "roadshow_why_staff",  # Ib's manager
    }  # not those using it (user, uffe), nor a channel

    inbox = Inbox(core, "console")
    mette = mette_in(chat)
    await mette.send(f"roadshow {SOLUTION}")
    mette.expect()
    mette.expect("Hvornår?")
    for answer in ("14/1 kl 13", "Rådhuset, Aarhus", "1", "Kom og se"):
        await mette.send(answer)
        mette.expect()
    await mette.press("Send invitationer")
    mette.expect("5 er inviteret")
    [asked] = inbox.take(to="console:asker")
    assert "Mette Kjærgaard viser “Opstartsteam" in asked
    assert "fordi du spurgte om “hjemmehjælp hurtigt efter udskrivning”" in asked
    for label in ("Jeg kommer", "Kan ikke", "Send til en kollega", "Færre beskeder", "Stop"):
        assert label in asked
    assert "fordi du følger ældrepleje" in inbox.take(to="console:follower")[0]
    assert "fordi din medarbejder viste interesse" in inbox.take(to="console:lone")[0]
    assert inbox.take(to="console:user") == []
    # An invitation spends the person's budget: a second the same day is not sent.
    await store.roadshows.upsert(_roadshow(clock, id="r2"))
    again = await invitees(core.services, solution, organiser="console:mette")
    assert await invite(core.services, _roadshow(clock, id="r2"), again) == (0, 5)


async def test_invitations_the_budget_held_back_go_out_later_once(
    core: Core, clock: Clock, other: Store
) -> None:
    store = core.services.store
    inbox = Inbox(core, "console")
    await _concerned(store, clock)
    solution = await store.solutions.get(SOLUTION)
    assert solution is not None
    clock.now = datetime(2026, 11, 2, 19, tzinfo=UTC)  # 20:00 in Copenhagen: quiet hours
    await store.roadshows.upsert(_roadshow(clock))
    people = await invitees(core.services, solution, organiser="console:mette")
    assert await invite(core.services, _roadshow(clock), people) == (0, 5)
    assert inbox.notices == []
    assert await core.roadshows_if_due() == 0  # still quiet
    clock.now = datetime(2026, 11, 3, 8, tzinfo=UTC)  # 9:00 the next morning
    assert await core.roadshows_if_due() == 5
    assert sorted(n.to for n in inbox.notices) == [
        "console:asker", "console:follower", "console:ib", "console:lone", "console:tryer"
    ]  # fmt: skip
    second = Reminders(core.services, Schedule(store=other, clock=clock))  # another instance
    for _ in range(3):
        clock.advance(hours=2)
        assert await second.run_if_due() + await core.roadshows_if_due() == 0
    assert len(inbox.notices) == 5


async def test_two_instances_pressing_for_the_last_place_get_one_place_and_one_wait(
    store: Store, other: Store, clock: Clock
) -> None:
    await store.roadshows.upsert(_roadshow(clock, places=2))
    await respond(store, "r1", "console:first", COMING, name="Først", at=clock.now)
    await asyncio.gather(
        respond(store, "r1", "console:anna", COMING, name="Anna", at=clock.now),
        respond(other, "r1", "console:bo", COMING, name="Bo", at=clock.now),
    )
    stored = await store.roadshows.get("r1")
    assert stored is not None
    states = sorted(state_of(stored, user) for user in ("console:anna", "console:bo"))
    assert states == [COMING, WAITING]
    assert sum(1 for e in stored.rsvps.values() if e["state"] == COMING) == 2


async def test_a_cancelled_place_goes_to_the_first_waiting_who_is_told(
    chat: Chat, core: Core, clock: Clock
) -> None:
    store = core.services.store
    inbox = Inbox(core, "console")
    await store.roadshows.upsert(_roadshow(clock, places=1))
    ref = {"roadshow": "r1"}
    await chat.act("roadshow_yes", ref)
    chat.expect("Du har en plads til “Opstartsteam”", "Kalenderinvitation: /roadshows/r1.ics")
    bo = chat.as_user(user_id="bo", user_name="Bo Berg")
    kim = chat.as_user(user_id="kim", user_name="Kim Kragh")
    await bo.act("roadshow_yes", ref)
    bo.expect("på ventelisten som nummer 1")
    await kim.act("roadshow_yes", ref)
    kim.expect("som nummer 2")
    await bo.act("roadshow_yes", ref)  # pressed again: still first in line
    bo.expect("som nummer 1")
    await chat.act("roadshow_no", ref)
    chat.expect("ikke tilmeldt")
    [told] = inbox.take(to="console:bo")
    assert "Der blev en plads ledig" in told
    assert inbox.take(to="console:kim") == []
    stored = await store.roadshows.get("r1")
    assert stored is not None
    assert [state_of(stored, u) for u in ("console:anna", "console:bo", "console:kim")] == [
        "declined",
        COMING,
        WAITING,
    ]
    await kim.send("roadshows")  # not hers to see
    kim.expect("Du har ingen roadshows")
    mette = mette_in(chat)
    await mette.send("roadshows")
    mette.expect("1 af 1 pladser taget, 1 på venteliste. Kommer: Bo Berg")


async def test_send_to_a_colleague_invites_them_by_e_mail(
    chat: Chat, core: Core, clock: Clock
) -> None:
    store = core.services.store
    inbox = Inbox(core, "console")
    await store.people.upsert(Person(id="eva", name="Eva Ny", email="eva@odense.eksempel.dk"))
    await store.roadshows.upsert(_roadshow(clock))
    await chat.act("roadshow_forward", {"roadshow": "r1"})
    chat.expect("Skriv din kollegas navn eller e-mailadresse")
    await chat.send("eva@odense")
    chat.expect("kan jeg ikke læse som et navn eller en e-mailadresse")
    await chat.send("ukendt@odense.eksempel.dk")
    chat.expect("kan ikke finde ukendt@odense.eksempel.dk")
    await chat.send("eva@odense.eksempel.dk")
    chat.expect("sendt til eva@odense.eksempel.dk")
    [letter] = inbox.take(to="console:eva")
    assert "Anna Holm sendte den videre til dig" in letter
    assert "Jeg kommer" in letter
    bo = chat.as_user(user_id="bo", user_name="Bo Berg")
    await bo.act("roadshow_forward", {"roadshow": "r1"})
    bo.expect("e-mailadresse")
    await bo.send("eva@odense.eksempel.dk")
    bo.expect("eva@odense.eksempel.dk er allerede inviteret")
    assert inbox.take(to="console:eva") == []


COLLEAGUES = [
    Person(id="eva", name="Eva Ny", email="eva@odense.eksempel.dk", role="sygeplejerske",
           organization="Odense Kommune", unit="Hjemmeplejen Syd"),
    Person(id="soeren", name="Søren Ågård", email="soeren@aarhus.eksempel.dk", role="leder",
           organization="Aarhus Kommune", unit="Visitationen", manager_id="eva"),
    Person(id="mette-vejle", name="Mette Hansen", email="mh@vejle.eksempel.dk",
           role="terapeut", organization="Vejle Kommune", unit="Træningen"),
    Person(id="mette-odense", name="Mette Hansen", email="mh@odense.eksempel.dk",
           role="visitator", organization="Odense Kommune", unit="Visitationen"),
    Person(id="ole", name="Ole Bertelsen", email="ole@odense.eksempel.dk",
           organization="Odense Kommune"),
]  # fmt: skip


async def test_send_to_a_colleague_by_name_as_typed_with_choices_showing_little(
    chat: Chat, core: Core, clock: Clock
) -> None:
    store = core.services.store
    inbox = Inbox(core, "console")
    await store.people.upsert_many(COLLEAGUES)
    await store.roadshows.upsert(_roadshow(clock, places=5))
    await chat.act("roadshow_forward", {"roadshow": "r1"})
    chat.expect("Skriv din kollegas navn eller e-mailadresse")
    await chat.send("soeren aagaard")  # æøå typed or not, one person: invited at once
    sent = chat.expect("Invitationen er sendt til Søren Ågård.")
    assert "soeren@aarhus" not in flat(sent)
    [letter] = inbox.take(to="console:soeren")
    assert "Anna Holm sendte den videre til dig" in letter

    await chat.act("roadshow_forward", {"roadshow": "r1"})
    chat.expect("navn eller e-mailadresse")
    await chat.send("Mete Hansen")  # a typo: those it may mean, Anna's organisation first
    meant = chat.expect("Ingen hedder præcis “Mete Hansen”. Mente du en af dem her?")
    assert [a.label for a in meant.all_actions()] == [
        "Mette Hansen, visitator, Odense Kommune",
        "Mette Hansen, terapeut, Vejle Kommune",
    ]
    # Only name, role and organisation: never an e-mail, unit, manager or directory id.
    kept = await store.conversations.find(user="console:anna")  # nor kept with the dialogue
    for hidden in ("@", "Visitationen", "Træningen", "mette-vejle", "mette-odense"):
        assert hidden not in flat(meant) + str([a.payload for a in meant.all_actions()])
        assert hidden not in str([c.to_dict() for c in kept])
    assert "Mete Hansen" in str([c.to_dict() for c in kept])  # what Anna typed: hers
    await chat.press("terapeut, Vejle Kommune")
    chat.expect("Invitationen er sendt til Mette Hansen.")
    assert len(inbox.take(to="console:mette-vejle")) == 1
    assert inbox.take(to="console:mette-odense") == []
    await chat.press("visitator, Odense Kommune")  # the dialogue is over: a stale button
    chat.expect("Den knap virker ikke længere")
    assert inbox.take(to="console:mette-odense") == []

    bo = chat.as_user(user_id="bo", user_name="Bo Berg")
    await bo.act("roadshow_forward", {"roadshow": "r1"})
    bo.expect("navn eller e-mailadresse")
    await bo.send("METTE  HANSEN")  # two of that name
    several = bo.expect("Flere hedder “METTE  HANSEN”", "skriv e-mailadressen")
    assert len(several.all_actions()) == 2
    await bo.send("Xenia Zwart")  # typed anew: nobody, and the list before it is stale
    bo.expect("Jeg kan ikke finde nogen, der hedder “Xenia Zwart”")
    await bo.press("terapeut, Vejle Kommune")
    bo.expect("Den knap virker ikke længere")
    await bo.send("eva")  # part of a name is enough to be offered it
    offered = bo.expect("Mente du")
    assert [a.label for a in offered.all_actions()] == ["Eva Ny, sygeplejerske, Odense Kommune"]
    await bo.act("roadshow_forward_pick", {"choice": "forged", "pick": 0})
    bo.expect("Den knap virker ikke længere")
    await store.people.delete("eva")  # gone from the directory since it was offered
    await bo.press("Eva Ny")
    bo.expect("Den kollega kan jeg ikke finde længere")
    await store.people.upsert(COLLEAGUES[0])
    await bo.send("Søren Ågård")
    bo.expect("Søren Ågård er allerede inviteret.")
    assert inbox.take(to="console:soeren") == []


async def test_send_to_a_colleague_by_name_keeps_to_their_budget(
    chat: Chat, core: Core, clock: Clock
) -> None:
    store = core.services.store
    inbox = Inbox(core, "console")
    await store.people.upsert_many(COLLEAGUES)
    await store.roadshows.upsert(_roadshow(clock))
    await set_mode(store, "console:ole", ReachMode.STOP, at=clock.now)
    await chat.act("roadshow_forward", {"roadshow": "r1"})
    chat.expect("navn eller e-mailadresse")
    for unreadable in ("12345", "x" * 300):
        await chat.send(unreadable)
        chat.expect("kan jeg ikke læse som et navn")
    await chat.send("ole bertelsen")
    chat.expect("Ole Bertelsen må ikke få en besked fra mig lige nu")
    assert inbox.take(to="console:ole") == []
    stored = await store.roadshows.get("r1")
    assert stored is not None
    assert "console:ole" not in stored.rsvps


async def test_a_colleague_spred_cannot_write_to_is_not_said_to_be_invited(
    chat: Chat, core: Core, clock: Clock
) -> None:
    store = core.services.store
    inbox = Inbox(core, "console")

    async def never(to: str) -> bool:  # as Teams says of someone who never wrote to Spred
        return to != "teams:29:ole"

    core.outbox.register("teams", inbox._deliver, reachable=never)
    await store.people.upsert_many([*COLLEAGUES[:4], replace(COLLEAGUES[4], teams_id="29:ole")])
    await store.roadshows.upsert(_roadshow(clock))
    await chat.act("roadshow_forward", {"roadshow": "r1"})
    chat.expect("navn eller e-mailadresse")
    await chat.send("Ole Bertelsen")
    chat.expect("Jeg kan ikke skrive til Ole Bertelsen endnu")
    stored = await store.roadshows.get("r1")
    assert stored is not None
    assert "teams:29:ole" not in stored.rsvps
    assert await store.outbox.find(to="teams:29:ole") == []
    await chat.send("eva ny")  # still asked for a colleague: another one is invited
    chat.expect("Invitationen er sendt til Eva Ny.")
    assert len(inbox.take(to="console:eva")) == 1


async def test_a_directory_changed_by_another_server_is_searched_as_it_is_now(
    core: Core, clock: Clock
) -> None:
    store = core.services.store
    names = PeopleNames()
    assert await names.find(store.people, "Eva Ny") == Found()
    await store.people.upsert_many(COLLEAGUES)  # as another instance would
    [eva] = (await names.find(store.people, "eva ny")).exact
    assert (eva.name, eva.role, eva.organization) == ("Eva Ny", "sygeplejerske", "Odense Kommune")
    with whole_reads(store) as read:  # unchanged since: the names are not read again
        assert (await names.find(store.people, "Eva Nyy")).near == (eva,)
    assert read == []
    found = await names.find(store.people, "mette hansen", own="odense kommune")
    assert [n.person_id for n in found.exact] == ["mette-odense", "mette-vejle"]
    found = await names.find(store.people, "mette hansen", own="Vejle Kommune")
    assert [n.person_id for n in found.exact] == ["mette-vejle", "mette-odense"]
    assert (await names.find(store.people, "   ")) == Found()
    await store.people.delete("ole")
    assert await names.find(store.people, "Ole Bertelsen") == Found()


def test_the_calendar_file_is_rfc_5545_with_utc_times_and_escaped_text() -> None:
    at = datetime(2027, 1, 14, 12, 0, tzinfo=UTC)
    roadshow = Roadshow(
        id="r1", solution_id=SOLUTION, title="Opstart, hurtigt; nu", organiser="console:mette",
        organiser_name="Mette", at=at, where="https://meet.eksempel.dk/x", places=3,
        text="Linje 1\nLinje 2 \\ " + "æ" * 60, rsvps={"console:anna": {"state": "coming"}},
        created_at=at - timedelta(days=30),
    )  # fmt: skip
    text = calendar(roadshow)
    assert text.endswith("\r\n")
    lines = text.split("\r\n")[:-1]
    assert max(len(line.encode()) for line in lines) <= 75
    assert "\r\n " in text  # the long description is folded
    unfolded = text.replace("\r\n ", "").split("\r\n")[:-1]
    assert (unfolded[0], unfolded[-1]) == ("BEGIN:VCALENDAR", "END:VCALENDAR")
    assert unfolded.count("BEGIN:VEVENT") == 1
    fields = dict(line.split(":", 1) for line in unfolded)
    assert fields["UID"] == "roadshow-r1@spred"
    assert fields["DTSTART"] == "20270114T120000Z"
    assert fields["DTEND"] == "20270114T130000Z"
    assert fields["SUMMARY"] == "Roadshow: Opstart\\, hurtigt\\; nu"
    assert fields["DESCRIPTION"] == "Linje 1\\nLinje 2 \\\\ " + "æ" * 60
    assert fields["URL"] == "https://meet.eksempel.dk/x"
    assert "anna" not in text.casefold()  # nobody's name
    assert "Mette" not in text


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[tuple[TestServer, aiohttp.ClientSession]]:
    data = tmp_path / "data"
    store = await open_store(data)
    await store.roadshows.upsert(_roadshow(Clock()))
    await store.close()
    app = build_app(Settings(data_dir=data), environ={"SPRED_TEAMS": "off"})
    server = TestServer(app, host="127.0.0.1")
    async with server, aiohttp.ClientSession() as http:
        yield server, http


async def test_the_calendar_file_is_served_and_unknown_ones_are_404(
    served: tuple[TestServer, aiohttp.ClientSession],
) -> None:
    server, http = served
    async with http.get(server.make_url("/roadshows/r1.ics")) as response:
        assert response.status == 200
        assert response.content_type == "text/calendar"
        assert "UID:roadshow-r1@spred" in await response.text()
    for path in ("/roadshows/nope.ics", "/roadshows/r1", "/roadshows/.ics"):
        async with http.get(server.make_url(path)) as response:
            assert response.status == 404, path


async def test_the_reminder_and_the_follow_up_go_once_and_try_it_starts_the_managers_prompt(
    chat: Chat, core: Core, clock: Clock, other: Store
) -> None:
    store = core.services.store
    inbox = Inbox(core, "console")
    await store.people.upsert_many(
        [
            Person(id="anna", name="Anna Holm", organization="Odense Kommune", manager_id="bo"),
            Person(id="bo", name="Bo Leder", organization="Odense Kommune"),
        ]
    )
    # Thursday 14 January 2027, 13:00 in Copenhagen
    await store.roadshows.upsert(_roadshow(clock, at=datetime(2027, 1, 14, 12, tzinfo=UTC)))
    await respond(store, "r1", "console:anna", COMING, name="Anna Holm", at=clock.now)
    assert await core.roadshows_if_due() == 0  # months before
    clock.now = datetime(2027, 1, 13, 5, tzinfo=UTC)  # the day before, 6:00: quiet hours
    assert await core.roadshows_if_due() == 0
    clock.now = datetime(2027, 1, 13, 9, tzinfo=UTC)
    assert await core.roadshows_if_due() == 1
    [reminder] = inbox.take(to="console:anna")
    assert "i morgen" in reminder
    assert "/roadshows/r1.ics" in reminder
    second = Reminders(core.services, Schedule(store=other, clock=clock))  # another instance
    clock.advance(minutes=15)
    assert await second.run_if_due() == 0
    assert await core.roadshows_if_due() == 0

    clock.now = datetime(2027, 1, 16, 12, tzinfo=UTC)  # two days after: a Saturday
    assert await core.roadshows_if_due() == 0
    clock.now = datetime(2027, 1, 18, 9, tzinfo=UTC)  # Monday
    assert await core.roadshows_if_due() == 1
    [followup] = [n for n in inbox.notices if n.to == "console:anna"]
    inbox.notices.clear()
    assert "Hvad gør I nu?" in flat(followup.reply)
    clock.advance(minutes=15)
    assert await second.run_if_due() == 0
    await chat.act_with(next(a for a in followup.reply.actions if a.label == "Vi vil prøve den"))
    chat.expect("prøver nu", "Din leder får også en kort besked")
    adoption = await store.adoptions.get(f"{SOLUTION}:console:anna")
    assert adoption is not None
    assert adoption.stage is Stage.PILOTING
    assert [n.manager_id for n in await store.nudges.find(solution_id=SOLUTION)] == ["bo"]


async def test_roadshows_lists_places_waiting_and_names(tmp_path: Path) -> None:
    ws = Workspace(cwd=tmp_path, data=tmp_path / "data")
    assert ws("roadshows").err.strip() == "No roadshows planned yet."
    clock = Clock()
    store = await open_store(ws.data)
    try:
        await store.roadshows.upsert(_roadshow(clock, places=1))
        for user, name in (("console:anna", "Anna Holm"), ("console:bo", "Bo Berg")):
            await respond(store, "r1", user, COMING, name=name, at=clock.now)
    finally:
        await store.close()
    run = ws("roadshows", "--json")
    assert run.code == 0, run
    [row] = [orjson.loads(line) for line in run.out.splitlines()]
    assert row["coming"] == [{"user": "console:anna", "name": "Anna Holm"}]
    assert row["waiting"] == [{"user": "console:bo", "name": "Bo Berg"}]
    assert (row["places"], row["title"], "rsvps" in row) == (1, "Opstartsteam", False)
    table = ws("roadshows")
    assert "1/1 taken, 1 waiting" in table.out
    assert "coming: Anna Holm" in table.out


async def test_forgetting_a_person_frees_their_place_and_keeps_a_roadshow_they_planned(
    store: Store, clock: Clock
) -> None:
    await store.roadshows.upsert(_roadshow(clock, places=1))
    for user, name in (("console:mette", "Mette"), ("console:anna", "Anna"), ("console:bo", "Bo")):
        await respond(store, "r1", user, COMING, name=name, at=clock.now)
    who = await identify(store, "console:mette")
    assert who is not None
    assert [r["id"] for r in (await export(store, who))["roadshows"]] == ["r1"]
    await forget(store, who, language="da")
    stored = await store.roadshows.get("r1")
    assert stored is not None
    assert (stored.organiser, stored.organiser_name) == ("", "")
    assert sorted(stored.rsvps) == ["console:anna", "console:bo"]
    assert [state_of(stored, u) for u in ("console:anna", "console:bo")] == [COMING, WAITING]
