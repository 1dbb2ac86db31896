"""Colleagues across organisations, in the dialogue core: Anna (Odense, on Slack) contacts
Mette (Aarhus, on Teams), whom Spred finds by e-mail in her tenant; Mette answers with
Svar and the two write through Spred until one of them ends it. The platforms are fake
connectors registered as server assembly registers real ones (`core.connect`), and Anna
and Mette are handled by two cores on one store, as by two server processes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from aiohttp import web

from bot.core import Core
from bot.messages import Action, Incoming, Notice, Reply
from knowledge.records import Relay
from tests.conftest import Clock
from tests.dialogue import Chat, flat

QUESTION = "ventetid hjemmepleje opstart"
METTE = "mette.kjaergaard@aarhus.eksempel.dk"
SOLUTION = "hurtig-opstart-i-hjemmeplejen"
AARHUS = "teams:tenant-b"
ANNA_EMAIL = "anna.holm@odense.eksempel.dk"


@dataclass
class Desk:
    """A chat platform as the core sees one: it delivers letters (kept here for the test to
    read), reaches everyone, and finds the people it is told of by e-mail in one
    organisation. A real Connector (and bot.connectors.Finder), not a mock."""

    platform: str
    title: str
    people: dict[tuple[str, str], str] = field(default_factory=dict)  # (org, email) → id
    delivered: list[Notice] = field(default_factory=list)
    gone: set[str] = field(default_factory=set)  # users it cannot write to any more

    def mount(self, app: web.Application) -> None:
        """Nothing to serve: the test hands the core its messages."""

    async def start(self, core: Core) -> None:
        """Nothing to reach."""

    async def stop(self) -> None:
        """Nothing to close."""

    async def deliver(self, notice: Notice) -> bool:
        self.delivered.append(notice)
        return True

    async def reachable(self, user: str) -> bool:
        return user not in self.gone

    async def find(self, *, email: str, org_id: str) -> str | None:
        found = self.people.get((org_id, email))
        return f"{self.platform}:{found}" if found else None

    @property
    def health(self) -> str:
        return "ok"

    def letter(self, *, to: str, kind: str) -> Reply:
        """The one letter delivered to `to` since the last look; it must be of `kind`."""
        letters = [n for n in self.delivered if n.to == to]
        assert len(letters) == 1, [flat(n.reply) for n in letters]
        self.delivered = [n for n in self.delivered if n.to != to]
        assert letters[0].kind == kind
        return letters[0].reply


@dataclass
class Pair:
    anna: Chat
    mette: Chat
    slack: Desk
    teams: Desk


@pytest.fixture
async def pair(core: Core, clock: Clock) -> AsyncIterator[Pair]:
    """Anna on Slack in Odense (core A) and Mette on Teams in Aarhus (core B, the same
    store); Aarhus Kommune's tenant knows Mette's e-mail."""
    other = Core(kb=core.services.kb, settings=core.services.settings, clock=clock)
    slack, teams = Desk("slack", "Slack"), Desk("teams", "Teams", {(AARHUS, METTE): "29:mette"})
    for each in (core, other):
        each.connect(slack)
        each.connect(teams)
    await core.organisations.seen(AARHUS, name="Aarhus Kommune")
    anna = Chat(
        core=core,
        message=Incoming(
            platform="slack",
            user_id="U0ANNA",
            user_name="Anna Holm",
            org_id="slack:T1",
            organization="Odense Kommune",
            email=ANNA_EMAIL,
            conversation="D0ANNA",
        ),
    )
    mette = Chat(
        core=other,
        message=Incoming(
            platform="teams",
            user_id="29:mette",
            user_name="Mette Kjærgaard",
            org_id=AARHUS,
            conversation="a:mette",
        ),
    )
    yield Pair(anna, mette, slack, teams)
    anna.expect_nothing()
    mette.expect_nothing()
    assert slack.delivered == []
    assert teams.delivered == []


def button(reply: Reply, label: str) -> Action:
    [found] = [a for a in reply.all_actions() if a.label == label]
    return found


async def _introduced(pair: Pair) -> Reply:
    """Anna contacts Mette; the introduction Mette gets."""
    await pair.anna.send(QUESTION)
    pair.anna.expect("Opstartsteam")
    await pair.anna.press("Kontakt Mette")
    pair.anna.expect(
        "Jeg har også givet Mette Kjærgaard besked om, at du gerne vil høre om “Opstartsteam",
        "Svarer Mette Kjærgaard, kan I få en snak her gennem Spred.",
        "Dit seneste spørgsmål stod i beskeden.",
    )
    return pair.teams.letter(to="teams:29:mette", kind="introduction")


async def _talking(pair: Pair) -> Reply:
    """Introduced; Mette presses Svar, Anna is told and presses Svar too. The introduction."""
    introduction = await _introduced(pair)
    await pair.mette.act_with(button(introduction, "Svar"))
    pair.mette.expect("Skriv din besked her, så sender jeg den til Anna Holm.")
    told = pair.slack.letter(to="slack:U0ANNA", kind="relay")
    assert told.text.startswith("Mette Kjærgaard (Aarhus Kommune) vil gerne skrive med dig.")
    await pair.anna.act_with(button(told, "Svar"))
    pair.anna.expect("Skriv din besked her, så sender jeg den til Mette Kjærgaard.")
    return introduction


async def test_the_contact_in_another_organisation_is_introduced_with_svar_and_ikke_nu(
    pair: Pair, core: Core
) -> None:
    introduction = await _introduced(pair)
    assert introduction.text == (
        "Anna Holm (Odense Kommune) har fundet jeres løsning “Opstartsteam sikrer hjemmehjælp "
        "inden for et døgn” via Spred og vil gerne høre mere om den. Spørgsmålet var: "
        f"“{QUESTION}”.\nTryk Svar for at skrive sammen her gennem Spred, eller Ikke nu, hvis "
        "det ikke passer."
    )
    assert [a.label for a in introduction.actions] == ["Svar", "Ikke nu"]
    assert ANNA_EMAIL not in flat(introduction)  # name, organisation, what she sent: no more
    [record] = await core.services.store.introductions.all()
    assert (record.asker, record.contact) == ("slack:U0ANNA", "teams:29:mette")
    assert record.relay is Relay.ASKED


async def test_svar_lets_them_write_both_ways_until_one_ends_it(pair: Pair, core: Core) -> None:
    await _talking(pair)
    await pair.anna.send("Hvordan kom I i gang?")
    pair.anna.expect("Sendt til Mette Kjærgaard.")
    to_mette = pair.teams.letter(to="teams:29:mette", kind="relay")
    assert to_mette.text == "Anna Holm (Odense Kommune) skriver:\nHvordan kom I i gang?"
    await pair.mette.send("Vi startede med to visitatorer på sygehuset.")
    pair.mette.expect("Sendt til Anna Holm.")
    to_anna = pair.slack.letter(to="slack:U0ANNA", kind="relay")
    assert to_anna.text == (
        "Mette Kjærgaard (Aarhus Kommune) skriver:\nVi startede med to visitatorer på sygehuset."
    )
    assert [a.label for a in to_anna.actions] == ["Svar", "Afslut samtalen"]

    await pair.anna.send("afslut")
    pair.anna.expect("Samtalen med Mette Kjærgaard er afsluttet.")
    ended = pair.teams.letter(to="teams:29:mette", kind="relay")
    assert ended.text == (
        "Anna Holm (Odense Kommune) har afsluttet samtalen. Der bliver ikke sendt flere "
        "beskeder videre."
    )
    [record] = await core.services.store.introductions.all()
    assert record.relay is Relay.ENDED

    # Nothing is passed on any more, and the stale buttons say so and do nothing.
    await pair.mette.send("Hallo?")
    pair.mette.expect("Samtalen er afsluttet, så din besked er ikke sendt videre.")
    await pair.mette.act_with(button(to_mette, "Afslut samtalen"))
    pair.mette.expect("Samtalen er afsluttet, så der sker ikke mere her.")
    await pair.anna.act_with(button(to_anna, "Svar"))
    pair.anna.expect("Samtalen er afsluttet, så der sker ikke mere her.")
    # Out of the conversation, what Mette writes is a question to Spred again.
    await pair.mette.send(QUESTION)
    pair.mette.expect("Opstartsteam")


async def test_a_side_spred_can_no_longer_reach_ends_it_and_the_asker_gets_the_email(
    pair: Pair, core: Core
) -> None:
    """Mette's tenant removes Spred (or her Slack workspace uninstalls it) while they talk:
    nothing waits in the outbox for a letter that cannot go, and Anna is told the truth."""
    await _talking(pair)
    pair.teams.gone.add("teams:29:mette")
    await pair.anna.send("Hvordan kom I i gang?")
    pair.anna.expect(
        "Jeg kan ikke længere nå Mette Kjærgaard gennem Spred, så samtalen er afsluttet, og "
        f"intet er sendt videre. Du kan skrive til Mette Kjærgaard på {METTE}."
    )
    assert await core.outbox.waiting() == []
    [record] = await core.services.store.introductions.all()
    assert record.relay is Relay.ENDED
    # Mette, back in reach, is told it ended when she writes; Anna's e-mail never reaches her.
    pair.teams.gone.clear()
    await pair.mette.send("Hallo?")
    pair.mette.expect("Samtalen er afsluttet, så din besked er ikke sendt videre.")


async def test_an_asker_spred_can_no_longer_reach_is_not_written_to(pair: Pair, core: Core) -> None:
    await _talking(pair)
    pair.slack.gone.add("slack:U0ANNA")
    await pair.mette.send("Vi startede med to visitatorer.")
    pair.mette.expect(
        "Jeg kan ikke længere nå Anna Holm gennem Spred, så samtalen er afsluttet, og intet "
        "er sendt videre."
    )
    assert await core.outbox.waiting() == []


async def test_svar_to_an_asker_spred_can_no_longer_reach_says_so(pair: Pair, core: Core) -> None:
    introduction = await _introduced(pair)
    pair.slack.gone.add("slack:U0ANNA")
    await pair.mette.act_with(button(introduction, "Svar"))
    pair.mette.expect(
        "Jeg kan ikke længere nå Anna Holm gennem Spred, så samtalen er afsluttet, og intet "
        "er sendt videre."
    )
    assert await core.outbox.waiting() == []
    [record] = await core.services.store.introductions.all()
    assert record.relay is Relay.ENDED


async def test_ikke_nu_tells_the_asker_plainly_with_the_email(pair: Pair) -> None:
    introduction = await _introduced(pair)
    await pair.mette.act_with(button(introduction, "Ikke nu"))
    pair.mette.expect(
        "Det er helt i orden. Jeg har sagt til Anna Holm, at det ikke passer lige nu."
    )
    told = pair.slack.letter(to="slack:U0ANNA", kind="relay")
    assert told.text == (
        f"Mette Kjærgaard har ikke mulighed for at skrive lige nu. Du kan skrive til Mette "
        f"Kjærgaard på {METTE}."
    )
    await pair.mette.act_with(button(introduction, "Ikke nu"))  # twice: the asker is told once
    pair.mette.expect("Du har allerede svaret Ikke nu, og det har jeg sagt videre.")
    await pair.mette.act_with(button(introduction, "Svar"))  # she changed her mind
    pair.mette.expect("Skriv din besked her")
    pair.slack.letter(to="slack:U0ANNA", kind="relay")


async def test_only_the_two_can_press_the_buttons_and_a_forged_one_does_nothing(
    pair: Pair,
) -> None:
    introduction = await _introduced(pair)
    reply = button(introduction, "Svar")
    bo = pair.mette.as_user(user_id="29:bo", user_name="Bo", conversation="a:bo")
    await bo.act_with(reply)
    bo.expect("Den knap virker ikke længere")
    await pair.anna.act("relay_decline", dict(reply.payload))  # the asker cannot decline
    pair.anna.expect("Den knap virker ikke længere")
    await pair.anna.act_with(reply)  # nor talk before Mette said yes
    pair.anna.expect("Mette Kjærgaard har ikke svaret endnu.")
    for payload in ({"introduction": "../../etc"}, {"introduction": ["x"]}, {}):
        await pair.mette.act("relay_reply", payload)
        pair.mette.expect("Den knap virker ikke længere")
    await pair.mette.act("relay_reply", {"introduction": "0" * 32})
    pair.mette.expect("Den samtale findes ikke længere.")
    await pair.mette.send("afslut")  # in no conversation
    pair.mette.expect("Du er ikke i gang med en samtale gennem Spred.")


async def test_a_huge_message_is_shortened_and_both_are_told(pair: Pair) -> None:
    await _talking(pair)
    await pair.anna.send("ord " * 1500)
    pair.anna.expect(
        "Beskeden var for lang, så kun de første 2000 tegn er sendt til Mette Kjærgaard."
    )
    head, _, text = pair.teams.letter(to="teams:29:mette", kind="relay").text.partition("\n")
    assert head == (
        "Anna Holm (Odense Kommune) skriver (beskeden var for lang, så kun begyndelsen er med):"
    )
    assert text == ("ord " * 500).strip()
    await pair.anna.send("   ")
    pair.anna.expect("Der var ingen tekst at sende videre.")


async def test_markup_is_passed_on_as_written_for_each_platform_to_escape(pair: Pair) -> None:
    await _talking(pair)
    hostile = "<!channel> *fed* <https://evil.example|klik> [klik](https://evil.example)"
    await pair.anna.send(hostile)
    pair.anna.expect("Sendt til Mette Kjærgaard.")
    assert pair.teams.letter(to="teams:29:mette", kind="relay").text.endswith("\n" + hostile)


async def test_a_silent_conversation_pauses_and_svar_picks_it_up(pair: Pair, clock: Clock) -> None:
    introduction = await _talking(pair)
    clock.advance(minutes=31)
    await pair.anna.send(QUESTION)
    pair.anna.expect("Du har ikke skrevet i samtalen i en halv time")
    pair.anna.expect("Opstartsteam")  # a question to Spred, not passed on
    await pair.mette.send("Er du der?")
    pair.mette.expect("Du har ikke skrevet i samtalen i en halv time")
    pair.mette.expect()  # her words were a question to Spred now
    await pair.mette.act_with(button(introduction, "Svar"))  # the relay stayed open
    pair.mette.expect("Skriv din besked her")
    await pair.mette.send("Er du der?")
    pair.mette.expect("Sendt til Anna Holm.")
    pair.slack.letter(to="slack:U0ANNA", kind="relay")


async def test_an_adoption_notice_reaches_the_originator_in_her_own_tenant(pair: Pair) -> None:
    await pair.anna.send(QUESTION)
    pair.anna.expect("Opstartsteam")
    await pair.anna.press_on("Opstartsteam", "Mere om løsningen")
    pair.anna.expect("Vi prøver den")
    await pair.anna.press("Vi prøver den")
    pair.anna.expect("Jeg har også givet Mette Kjærgaard besked.")
    told = pair.teams.letter(to="teams:29:mette", kind="adoption")
    assert "Anna Holm fra Odense Kommune har meldt, at de er begyndt at prøve" in told.text


async def test_a_contact_in_an_organisation_spred_does_not_serve_gets_the_email(
    pair: Pair,
) -> None:
    pair.teams.people.clear()  # Aarhus' tenant does not know her
    await pair.anna.send(QUESTION)
    pair.anna.expect("Opstartsteam")
    await pair.anna.press("Kontakt Mette")
    reply = pair.anna.expect(f"på {METTE}.", "Jeg kan ikke give Mette Kjærgaard besked herfra")
    assert "gennem Spred" not in reply.text


async def test_each_side_is_written_to_in_their_own_language(pair: Pair) -> None:
    await pair.anna.send("english")
    pair.anna.expect("English")
    introduction = await _introduced_in_english(pair)
    assert introduction.text.startswith("Anna Holm (Odense Kommune) har fundet")  # Danish
    await pair.mette.act_with(button(introduction, "Svar"))
    pair.mette.expect("Skriv din besked her")
    told = pair.slack.letter(to="slack:U0ANNA", kind="relay")
    assert told.text == (
        "Mette Kjærgaard (Aarhus Kommune) would like to write with you. Press Reply and write "
        "your message: I'll pass it on."
    )
    assert [a.label for a in told.actions] == ["Reply", "End the conversation"]
    await pair.anna.act_with(button(told, "End the conversation"))
    pair.anna.expect("The conversation with Mette Kjærgaard has ended.")
    pair.teams.letter(to="teams:29:mette", kind="relay")


async def _introduced_in_english(pair: Pair) -> Reply:
    await pair.anna.send("waiting time home care start")
    pair.anna.expect("Opstartsteam")
    await pair.anna.press("Contact Mette")
    pair.anna.expect("If Mette Kjærgaard replies, the two of you can talk here through Spred.")
    return pair.teams.letter(to="teams:29:mette", kind="introduction")
