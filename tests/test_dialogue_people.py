"""People: introductions to the colleague behind a solution, adoptions told to the
originators, "who uses X?", and askers told when their unmet demand is answered."""

from __future__ import annotations

from dataclasses import replace

from bot.core import Core
from bot.demand import answer_demand
from knowledge.records import DemandStatus, Person, Stage
from tests.conftest import Clock, make_solution
from tests.dialogue import Chat, Inbox

QUESTION = "ventetid hjemmepleje opstart"
METTE = "mette.kjaergaard@aarhus.eksempel.dk"


async def _contact_mette(chat: Chat) -> None:
    await chat.send(QUESTION)
    chat.expect("Opstartsteam")
    await chat.press("Kontakt Mette")


async def _slack_anna_tells_mette(chat: Chat, core: Core) -> None:
    """Anna on Slack contacts Mette, whom the directory knows on Slack: a letter to Mette."""
    await core.services.store.people.upsert(
        Person(id="mette", name="Mette", email=METTE, slack_id="U0METTE")
    )
    slack = chat.as_user(platform="slack", user_id="U0ANNA")
    await _contact_mette(slack)
    slack.expect("Jeg har fortalt")


async def test_contacting_gives_name_role_organisation_email_and_records_it(
    chat: Chat, core: Core
) -> None:
    await _contact_mette(chat)
    chat.expect(
        "Mette Kjærgaard, Sygeplejerske og teamleder", "Aarhus Kommune", METTE, "skriv en mail"
    )
    [intro] = await core.services.store.introductions.all()
    assert intro.solution_id == "hurtig-opstart-i-hjemmeplejen"
    assert (intro.asker, intro.asker_name) == ("console:anna", "Anna Holm")
    assert intro.asker_organization == "Odense Kommune"
    assert intro.contact_email == METTE


async def test_a_contact_on_the_same_platform_is_told_who_asks_from_where(
    chat: Chat, core: Core
) -> None:
    await core.services.store.people.upsert(
        Person(id="mette", name="Mette Kjærgaard", email=METTE, slack_id="U0METTE")
    )
    inbox = Inbox(core, "slack")
    slack = chat.as_user(platform="slack", user_id="U0ANNA", email="anna@odense.eksempel.dk")
    await _contact_mette(slack)
    slack.expect("Jeg har fortalt Mette Kjærgaard")
    [told] = inbox.take(to="slack:U0METTE")
    assert "Anna Holm (Odense Kommune)" in told
    assert "Opstartsteam sikrer hjemmehjælp" in told
    assert "anna@odense.eksempel.dk" in told


async def test_a_letter_waits_in_the_store_until_a_process_can_deliver_it(
    chat: Chat, core: Core
) -> None:
    await _slack_anna_tells_mette(chat, core)
    [waiting] = await core.outbox.waiting()
    assert waiting.to == "slack:U0METTE"
    inbox = Inbox(core, "slack")  # as `spred serve` with Slack on, later
    assert await core.outbox.flush() == 1
    assert len(inbox.take(to="slack:U0METTE")) == 1
    assert await core.outbox.flush() == 0  # delivered once


async def test_trying_a_solution_records_the_adoption_and_tells_the_originator(
    chat: Chat, core: Core
) -> None:
    inbox = Inbox(core, "teams")
    solution = await core.services.store.solutions.get("hurtig-opstart-i-hjemmeplejen")
    assert solution is not None
    contact = replace(solution.contacts[0], teams_id="29:mette")
    await core.services.kb.publish([replace(solution, contacts=(contact,))])
    await chat.send(QUESTION)
    chat.expect("Opstartsteam")
    await chat.press("Vi prøver den")
    chat.expect("Odense Kommune, Hjemmeplejen Vest står nu som “prøver den”", "fortalt Mette")
    [adoption] = await core.services.store.adoptions.all()
    assert adoption.stage is Stage.PILOTING
    assert (adoption.organization, adoption.unit) == ("Odense Kommune", "Hjemmeplejen Vest")
    [told] = inbox.take(to="teams:29:mette")
    assert "Odense Kommune" in told
    assert "meldt af Anna Holm" in told
    # Going back a stage changes nothing; going on does.
    await chat.send(QUESTION)
    chat.expect()
    await chat.press("Vi prøver den")
    chat.expect("står allerede")
    await chat.press("Vi bruger den nu")
    chat.expect("“bruger den”")
    inbox.take(to="teams:29:mette")
    # Later answers show who uses it.
    other = chat.as_user(user_id="bo")
    await other.send(QUESTION)
    answer = other.expect()
    card = next(c for c in answer.cards if c.solution_id == solution.id)
    assert card.adopters == ("Odense Kommune",)


async def test_an_originator_found_in_the_directory_is_told_and_an_unreachable_one_is_not(
    chat: Chat, core: Core
) -> None:
    solution = await core.services.store.solutions.get("hurtig-opstart-i-hjemmeplejen")
    assert solution is not None
    mette = solution.contacts[0]
    await core.services.store.people.upsert(
        Person(id="mette", name=mette.name, email=mette.email, slack_id="U0METTE")
    )
    inbox = Inbox(core, "slack")
    slack = chat.as_user(platform="slack", user_id="U0ANNA")
    await slack.send(QUESTION)
    slack.expect("Opstartsteam")
    await slack.press("Vi prøver den")
    slack.expect("fortalt Mette")  # by email in the directory, though the solution has no id
    assert len(inbox.take(to="slack:U0METTE")) == 1
    core.outbox.register("slack", inbox._deliver, reachable=_never)  # as Slack says "no"
    await slack.press("Vi bruger den nu")
    reply = slack.expect("“bruger den”")
    assert "fortalt" not in reply.text
    assert await core.outbox.waiting() == []


async def _never(to: str) -> bool:
    return False


async def test_someone_without_a_known_organisation_is_asked_for_it_once(chat: Chat) -> None:
    nameless = chat.as_user(user_id="eva", organization="", unit="")
    await nameless.send(QUESTION)
    nameless.expect("Opstartsteam")
    await nameless.press("Vi bruger den nu")
    nameless.expect("Hvilken organisation")
    await nameless.send("   ")
    nameless.expect("Skriv navnet på din organisation")
    await nameless.send("Vejle Kommune, Træning og Rehabilitering")
    nameless.expect("Vejle Kommune, Træning og Rehabilitering står nu som “bruger den”")
    await nameless.send("sygefravær")
    nameless.expect()
    await nameless.press("Vi prøver den")
    nameless.expect("Vejle Kommune")  # remembered, not asked again


async def test_who_uses_lists_the_adopters_as_peers(chat: Chat) -> None:
    await chat.send("hvem bruger opstartsteam i hjemmeplejen")
    chat.expect("Ingen har meldt", "Mette Kjærgaard")
    await chat.send(QUESTION)
    chat.expect()
    await chat.press("Vi bruger den nu")
    chat.expect()
    await chat.send("Hvem bruger opstartsteam i hjemmeplejen?")
    chat.expect("Disse bruger", "Odense Kommune, Hjemmeplejen Vest", "Anna Holm")
    await chat.send("hvem bruger xyzzy")
    chat.expect("Jeg kender ingen løsning")


async def test_buttons_for_retired_or_unknown_solutions_and_forged_payloads_are_refused(
    chat: Chat, core: Core
) -> None:
    await chat.send(QUESTION)
    answer = chat.expect("Opstartsteam")
    await core.services.kb.retire("hurtig-opstart-i-hjemmeplejen")
    contact = next(a for c in answer.cards for a in c.actions if "Mette" in a.label)
    await chat.act_with(contact)
    chat.expect("er trukket tilbage")
    unknown, gone = "forstår jeg ikke", "findes ikke længere"
    for action, payload, refusal in (
        ("contact", {"solution": "findes-ikke"}, gone),
        ("contact", {"solution": "../../etc/passwd"}, unknown),
        ("contact", {"solution": ["a"]}, unknown),
        ("contact", {}, unknown),
        (
            "adopt",
            {"solution": "tidlig-kontakt-ved-sygefravaer-i-hjemmeplejen", "stage": "king"},
            unknown,
        ),
        ("details", {"solution": "x" * 10_000}, unknown),
        ("feedback", {"helpful": "yes", "q": "x"}, unknown),
        ("more", {"q": "x" * 100_000}, unknown),
        ("self-destruct", {"admin": True}, unknown),
        ("publish", {"admin": True}, "ingen kladde at udgive"),  # nobody's draft is open
    ):
        await chat.act(action, payload)
        reply = chat.expect()
        assert refusal in reply.text, (action, payload, reply.text)
    assert await core.services.store.adoptions.count() == 0


async def test_an_answered_demand_tells_its_asker_once(chat: Chat, admin: Chat, core: Core) -> None:
    inbox = Inbox(core, "console")
    question = "snerydning på kirkegårdene om vinteren"
    await chat.send(question)
    chat.expect("Jeg kender ingen")
    await chat.press("Giv mig besked")
    chat.expect("Det gør jeg")
    quiet = chat.as_user(user_id="quiet")
    await quiet.send(question)
    quiet.expect("Jeg kender ingen")

    answer = make_solution(
        "snerydning-paa-kirkegaarde",
        title="Snerydning på kirkegårde med fælles maskinpulje",
        summary="Kirkegårdene deler maskiner og rydder sne efter en fælles plan.",
        tags=["snerydning", "kirkegård", "vinter"],
    )
    await core.services.kb.publish([answer])
    assert await answer_demand(kb=core.services.kb, outbox=core.outbox) == 2
    [told] = inbox.take(to="console:anna")
    assert "Du spurgte om “snerydning på kirkegårdene om vinteren”" in told
    assert "Snerydning på kirkegårde" in told
    assert inbox.take(to="console:quiet") == []  # did not ask to be told
    demand = await core.services.store.demand.all()
    assert {d.status for d in demand} == {DemandStatus.ANSWERED}
    assert {d.answered_at for d in demand} == {core.services.clock()}  # the core's clock
    assert await answer_demand(kb=core.services.kb, outbox=core.outbox) == 0
    assert inbox.take(to="console:anna") == []


async def test_delivered_letters_are_forgotten_after_30_days(
    chat: Chat, core: Core, clock: Clock
) -> None:
    await _slack_anna_tells_mette(chat, core)
    Inbox(core, "slack")
    assert await core.outbox.flush() == 1
    assert await core.outbox.prune() == 0
    clock.advance(days=31)
    assert await core.outbox.prune() == 1
    assert await core.services.store.outbox.count() == 0
