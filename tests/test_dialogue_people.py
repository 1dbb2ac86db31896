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


async def _details_of_the_quick_start(chat: Chat) -> None:
    """Asks, and opens the quick start's details, where the adoption buttons are."""
    await chat.send(QUESTION)
    chat.expect("Opstartsteam")
    await chat.press_on("Opstartsteam", "Mere om løsningen")
    chat.expect("Løsningens id: hurtig-opstart-i-hjemmeplejen", "Vi prøver den")


async def _slack_anna_tells_mette(chat: Chat, core: Core) -> None:
    """Anna on Slack contacts Mette, whom the directory knows on Slack: a letter to Mette."""
    await core.services.store.people.upsert(
        Person(id="mette", name="Mette", email=METTE, slack_id="U0METTE")
    )
    slack = chat.as_user(platform="slack", user_id="U0ANNA")
    await _contact_mette(slack)
    slack.expect("Jeg har også givet Mette Kjærgaard besked")


async def test_contacting_gives_name_role_organisation_email_and_records_it(
    chat: Chat, core: Core
) -> None:
    await _contact_mette(chat)
    reply = chat.expect(
        "Du kan skrive til Mette Kjærgaard, Sygeplejerske og teamleder i Aarhus Kommune på "
        f"{METTE}.",
        "Jeg kan ikke give Mette Kjærgaard besked herfra, så skriv selv en mail.",
    )
    assert " på Spred" not in reply.text  # the platform's name is no part of the sentence
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
    slack.expect("Jeg har også givet Mette Kjærgaard besked om, at du gerne vil høre om")
    [told] = inbox.take(to="slack:U0METTE")
    assert "Anna Holm (Odense Kommune)" in told
    assert "Opstartsteam sikrer hjemmehjælp" in told
    assert f"Spørgsmålet var: “{QUESTION}”." in told
    # Across organisations only name, role, organisation and what she chose to send cross:
    # Mette answers through Spred (Svar), not to an address Anna never gave her.
    assert "anna@odense.eksempel.dk" not in told
    assert told.endswith("Svar\nIkke nu")


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
    await _details_of_the_quick_start(chat)
    await chat.press("Vi prøver den")
    chat.expect(
        "Noteret: Hjemmeplejen Vest i Odense Kommune prøver nu “Opstartsteam",
        "Jeg har også givet Mette Kjærgaard besked.",
    )
    [adoption] = await core.services.store.adoptions.all()
    assert adoption.stage is Stage.PILOTING
    assert (adoption.organization, adoption.unit) == ("Odense Kommune", "Hjemmeplejen Vest")
    [told] = inbox.take(to="teams:29:mette")
    assert (
        "Anna Holm fra Hjemmeplejen Vest i Odense Kommune har meldt, at de er begyndt at prøve "
        "jeres løsning “Opstartsteam"
    ) in told
    # Going back a stage changes nothing; going on does.
    await _details_of_the_quick_start(chat)
    await chat.press("Vi prøver den")
    chat.expect("Du har allerede meldt, at Hjemmeplejen Vest i Odense Kommune prøver “Opstart")
    await chat.press("Vi bruger den nu")
    chat.expect("Hjemmeplejen Vest i Odense Kommune bruger nu “Opstartsteam")
    chat.expect("Målte I noget?")  # their own figures (tests/test_local_results.py)
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
    await _details_of_the_quick_start(slack)
    await slack.press("Vi prøver den")
    slack.expect("givet Mette Kjærgaard besked")  # by email in the directory, not the solution
    assert len(inbox.take(to="slack:U0METTE")) == 1
    core.outbox.register("slack", inbox._deliver, reachable=_never)  # as Slack says "no"
    await slack.press("Vi bruger den nu")
    reply = slack.expect("bruger nu “Opstartsteam")
    slack.expect("Målte I noget?")
    assert "besked" not in reply.text
    assert await core.outbox.waiting() == []


async def _never(to: str) -> bool:
    return False


async def test_someone_without_a_known_organisation_is_asked_for_it_once(chat: Chat) -> None:
    nameless = chat.as_user(user_id="eva", organization="", unit="")
    await _details_of_the_quick_start(nameless)
    await nameless.press("Vi bruger den nu")
    nameless.expect("Hvor arbejder du?")
    await nameless.send("   ")
    nameless.expect("Skriv din organisation og evt. din enhed efter et komma")
    await nameless.send("Vejle Kommune, Træning og Rehabilitering")
    nameless.expect("Noteret: Træning og Rehabilitering i Vejle Kommune bruger nu “Opstartsteam")
    nameless.expect("Målte I noget?")
    await nameless.send("sygefravær")
    answer = nameless.expect()
    await nameless.press_on(answer.cards[0].title, "Mere om løsningen")
    nameless.expect()
    await nameless.press("Vi prøver den")
    nameless.expect("Træning og Rehabilitering i Vejle Kommune prøver nu")  # not asked again


async def test_who_uses_lists_the_adopters_as_peers(chat: Chat) -> None:
    await chat.send("hvem bruger opstartsteam i hjemmeplejen")
    chat.expect("Ingen har endnu meldt", f"Spørg Mette Kjærgaard (Aarhus Kommune, {METTE})")
    await _details_of_the_quick_start(chat)
    await chat.press("Vi bruger den nu")
    chat.expect()
    chat.expect("Målte I noget?")
    await chat.send("Hvem bruger opstartsteam i hjemmeplejen?")
    listing = "Disse har meldt, at de prøver eller bruger “Opstartsteam sikrer hjemmehjælp"
    chat.expect(listing, "• Odense Kommune, Hjemmeplejen Vest – bruger den (Anna Holm)")
    await chat.press("Hvem bruger den?")  # the same, from the solution's details
    chat.expect(listing, "• Odense Kommune, Hjemmeplejen Vest – bruger den (Anna Holm)")
    await chat.send("hvem bruger xyzzy")
    chat.expect("Jeg kan ikke finde en løsning, der passer til “xyzzy”")


async def test_buttons_for_retired_or_unknown_solutions_and_forged_payloads_are_refused(
    chat: Chat, core: Core
) -> None:
    await chat.send(QUESTION)
    answer = chat.expect("Opstartsteam")
    await core.services.kb.retire("hurtig-opstart-i-hjemmeplejen")
    contact = next(a for c in answer.cards for a in c.actions if "Mette" in a.label)
    await chat.act_with(contact)
    chat.expect("er trukket tilbage")
    unknown, gone = "virker ikke længere", "findes ikke længere"
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
        ("who_uses", {"solution": "findes-ikke"}, gone),
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
    chat.expect("Jeg kender endnu ingen")
    await chat.press("Giv mig besked")
    chat.expect("Det gør jeg")
    quiet = chat.as_user(user_id="quiet")
    await quiet.send(question)
    quiet.expect("Jeg kender endnu ingen")

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


async def test_a_letter_nobody_could_deliver_for_30_days_is_forgotten_not_sent_late(
    chat: Chat, core: Core, clock: Clock
) -> None:
    await _slack_anna_tells_mette(chat, core)  # no Slack here: the letter waits
    clock.advance(days=29)
    assert await core.outbox.prune() == 0
    assert len(await core.outbox.waiting(to="slack:U0METTE")) == 1
    clock.advance(days=2)
    assert await core.outbox.prune() == 1
    inbox = Inbox(core, "slack")  # Slack comes back, a month on: nothing stale goes out
    assert await core.outbox.flush() == 0
    assert inbox.take(to="slack:U0METTE") == []


async def test_a_contact_without_email_is_never_to_be_emailed(chat: Chat, core: Core) -> None:
    nameless = make_solution(
        "kortere-ventetid", contacts=[{"name": "Mette Hansen", "slack_id": "U0METTE"}]
    )
    await core.services.kb.publish([nameless])
    inbox = Inbox(core, "slack")
    slack = chat.as_user(platform="slack", user_id="U0ANNA")
    await slack.act("contact", {"solution": "kortere-ventetid"})
    told = slack.expect(
        "Mette Hansen i Odense Kommune har ikke oplyst nogen e-mail. Jeg har også givet "
        "Mette Hansen besked"
    )
    assert "skriv" not in told.text.lower()  # nobody is asked to write a mail
    # Slack says it cannot reach her now: nor can the terminal chat.
    core.outbox.register("slack", inbox._deliver, reachable=_never)
    await chat.act("contact", {"solution": "kortere-ventetid"})
    chat.expect(
        "Jeg har ingen e-mail på Mette Hansen i Odense Kommune og kan ikke give besked herfra. "
        "Spørg den, der står for Spred hos jer."
    )


async def test_an_adoption_is_told_in_whole_sentences_in_english_too(
    chat: Chat, core: Core
) -> None:
    solution = await core.services.store.solutions.get("tillidsbaseret-visitation-i-hjemmeplejen")
    assert solution is not None
    assert len(solution.contacts) == 2
    contacts = tuple(replace(c, teams_id=f"29:{i}") for i, c in enumerate(solution.contacts))
    await core.services.kb.publish([replace(solution, contacts=contacts)])
    inbox = Inbox(core, "teams")
    await chat.send("english")
    chat.expect("English")
    await chat.act("adopt", {"solution": solution.id, "stage": "piloting"})
    chat.expect(
        "Noted: Hjemmeplejen Vest at Odense Kommune is now trying “Hjemmeplejen justerer",
        "I have also let Lone Mikkelsen and Jesper Holm know.",  # names joined with "and"
    )
    [told] = inbox.take(to="teams:29:0")
    assert (
        "Good news: Anna Holm from Hjemmeplejen Vest at Odense Kommune reported that they have "
        "started trying your solution"
    ) in told
    await chat.act("adopt", {"solution": solution.id, "stage": "piloting"})
    chat.expect("You have already reported that Hjemmeplejen Vest at Odense Kommune is trying")
