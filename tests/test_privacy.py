"""Each person's own data: export, erasure (the CLI, the chat, the shared logic), retention,
and manager prompts that name a person only if they agreed."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import orjson
import pytest

from bot.config import ConfigError, Settings
from bot.core import Core
from bot.i18n import TEXTS
from bot.messages import reply_from_dict
from bot.privacy import HOLDINGS, Fate, export, forget, identify, stored_text
from knowledge.records import (
    Adaptation,
    Address,
    Consent,
    Conversation,
    Demand,
    DigestState,
    Feedback,
    Introduction,
    Letter,
    LoginLink,
    Nudge,
    OptOut,
    Organisation,
    OwnerPrompt,
    Person,
    RecognitionState,
    Relay,
    Roadshow,
    RoutedQuestion,
    SeenEvent,
    SlackInstallation,
    SolutionVersion,
    Submission,
    WebSession,
)
from knowledge.store import COLLECTIONS, Store, open_store
from tests.conftest import Clock
from tests.dialogue import Chat, Inbox

ROOT = Path(__file__).resolve().parents[1]
SOLUTION = "hurtig-opstart-i-hjemmeplejen"
SICK_LEAVE = "tidlig-kontakt-ved-sygefravaer-i-hjemmeplejen"
QUESTION = "ventetid hjemmepleje opstart"
UNANSWERED = "hvordan planlægger vi snerydning med droner på kirkegården"

# Anna, with identifiers that occur nowhere else in the store (the demo solutions included).
ANNA = Person(
    id="ann4x",
    name="Annika Zyxholm",
    email="Annika.Zyx@odense.eksempel.dk",
    organization="Odense Kommune",
    unit="Hjemmeplejen Vest",
    manager_id="bo",
    slack_id="UZYX1",
)
BO = Person(id="bo", name="Bo Leder", organization="Odense Kommune", unit="Hjemmeplejen Vest")
CARL = Person(
    id="carl",
    name="Carl Berg",
    organization="Odense Kommune",
    unit="Hjemmeplejen Vest",
    manager_id="ann4x",  # she manages him too
)
ANNA_IS = ("ann4x", "UZYX1", "Annika", "Zyxholm", "annika.zyx")
NOBODYS = (
    "oauth_states",
    "jobs",
    "rate_limits",
    "secrets",
)  # collections whose records name nobody


async def left_of_anna(store: Store) -> dict[str, list[str]]:
    """Every stored record, by collection, that still names Anna in any way."""
    found: dict[str, list[str]] = {}
    for spec in COLLECTIONS:
        for record in await store.collections[spec.name].all():
            text = stored_text(record).casefold()
            if any(word.casefold() in text for word in ANNA_IS):
                found.setdefault(spec.name, []).append(stored_text(record))
    return found


def anna_in(chat: Chat) -> Chat:
    return chat.as_user(user_id="ann4x", user_name="Annika Zyxholm", organization="", unit="")


async def _everywhere(core: Core, chat: Chat) -> None:
    """Anna in every collection: through the chat where a person can put her there, and
    directly where only a platform or another person would."""
    store = core.services.store
    await store.people.upsert_many([ANNA, BO, CARL])
    Inbox(core, "console")
    anna = anna_in(chat)
    await anna.send(UNANSWERED)  # demand
    anna.expect("Giv mig besked")
    await anna.send(QUESTION)
    anna.expect("Opstartsteam")
    await anna.press("Hjalp ikke")  # feedback (and demand)
    anna.expect()
    await anna.press_on("Opstartsteam", "Kontakt Mette")  # introduction, interest, prompt
    anna.expect("Din leder får også en kort besked", "Må din leder se dit navn")
    await anna.press("Ja, gerne mit navn")  # consent
    anna.expect("Din leder kan se dit navn")
    assert await core.nudges.run_due() == 1  # a letter to Bo naming her
    await anna.send(QUESTION)
    anna.expect("Opstartsteam")
    await anna.press_on("Opstartsteam", "Mere om løsningen")
    anna.expect("Vi prøver den")
    await anna.press("Vi prøver den")  # an adoption
    anna.expect("prøver nu")
    await anna.press("Følg")  # a follow, on the details (issue 17)
    anna.expect("Du følger nu")
    await anna.send("færre beskeder")  # how much news she wants
    anna.expect("hver anden uge")
    await store.digests.upsert(DigestState(user="console:ann4x", week="2026-W49"))
    await store.recognitions.upsert(RecognitionState(user="console:ann4x", month="2026-11"))
    # What a platform, an installation or her own role as a manager would have stored.
    await store.addresses.upsert(Address(user="slack:UZYX1", reference={"user": "UZYX1"}))
    await store.conversations.upsert(Conversation(conversation_key="slack:D1:UZYX1", state="idle"))
    await store.outbox.upsert(Letter(id="l1", to="slack:UZYX1", kind="adoption", reply={}))
    await store.organisations.upsert(
        Organisation(id="slack:T1", platform="slack", name="Odense Kommune",
                     installer="slack:UZYX1", admins=("slack:UZYX1", "slack:UBO"))
    )  # fmt: skip
    await store.adaptations.upsert(
        Adaptation(id="a1", solution_id=SOLUTION, organization="Odense Kommune", text="x",
                   manager_id="ann4x")
    )  # fmt: skip
    await store.nudges.upsert(Nudge(id="n1", manager_id="ann4x", solution_id=SOLUTION))
    await store.slack_installations.upsert(  # she installed the distributable Slack app
        SlackInstallation(workspace="T1", installation={
            "team_id": "T1", "bot_token": "xoxb-odense", "user_id": "UZYX1",
            "user_token": "xoxp-hers", "user_scopes": ["identify"]})
    )  # fmt: skip
    await store.opt_outs.upsert(OptOut(manager_id="ann4x"))
    await store.seen_events.upsert(  # a message of hers being answered, held (bot/holds.py)
        SeenEvent(event_key="slack:EvHers", holder="h1", held_until=core.services.clock(),
                  incoming={"platform": "slack", "user_id": "UZYX1", "text": "Annika spørger"})
    )  # fmt: skip
    await store.submissions.upsert(  # a solution she shared, not published yet
        Submission(id="s1", sharer="console:ann4x", sharer_name="Annika Zyxholm",
                   draft={"title": "Hurtig opstart", "contacts": [{"name": "Annika Zyxholm"}]})
    )  # fmt: skip
    solution = await store.solutions.get(SOLUTION)
    assert solution is not None
    await store.solution_versions.upsert(  # she changed a solution (as a local admin)
        SolutionVersion(id=f"{SOLUTION}/000009/x", solution_id=SOLUTION, number=9,
                        action="edit", by="slack:UZYX1",
                        previous=solution.to_dict() | {"title": "Gammel titel"})
    )  # fmt: skip
    # the yearly question to her as a solution's owner, once by e-mail and once by user id
    await store.owner_prompts.upsert(
        OwnerPrompt(owner="annika.zyx@odense.eksempel.dk", to="slack:UZYX1", letter_id="o1")
    )
    await store.owner_prompts.upsert(OwnerPrompt(owner="UZYX1", letter_id="o2"))
    # an open question offered to her, and one she had Bo asked (issue 17)
    await store.routed.upsert(RoutedQuestion(id="r1", demand_id="d", to="console:ann4x"))
    await store.routed.upsert(RoutedQuestion(id="r2", demand_id="d", to="slack:UBO",
                                             by="slack:UZYX1"))  # fmt: skip
    await store.introductions.upsert(  # someone asking for her, as a solution's contact
        Introduction(id="i1", solution_id=SOLUTION, asker="slack:UBO", asker_name="Bo Leder",
                     contact_name="Annika Zyxholm", contact_email="annika.zyx@odense.eksempel.dk",
                     contact="slack:UZYX1", relay=Relay.OPEN)
    )  # fmt: skip
    # the web's login (issue 18): a link she was given and the browser it logged in
    when = core.services.clock()
    await store.login_links.upsert(LoginLink(token_hash="h1", user="slack:UZYX1", expires_at=when))
    await store.web_sessions.upsert(
        WebSession(session_hash="h2", user="slack:UZYX1", created_at=when, seen_at=when)
    )
    # Roadshows (issue 17): one she planned, and one she is coming to (bot/roadshows.py)
    at = core.services.clock() + timedelta(days=30)
    await store.roadshows.upsert(
        Roadshow(id="r1", solution_id=SOLUTION, title="Hurtig opstart", organiser="slack:UZYX1",
                 organiser_name="Annika Zyxholm", at=at, where="Rådhuset", places=5)
    )  # fmt: skip
    await store.roadshows.upsert(
        Roadshow(id="r2", solution_id=SOLUTION, title="Hurtig opstart", organiser="slack:UBO",
                 at=at, where="Rådhuset", places=1,
                 rsvps={"console:ann4x": {"state": "coming", "name": "Annika Zyxholm"},
                        "slack:UBO2": {"state": "waiting", "position": 1, "name": "Bo To"}})
    )  # fmt: skip


def test_every_collection_says_how_it_holds_a_person() -> None:
    assert set(HOLDINGS) == {spec.name for spec in COLLECTIONS}
    # and each one forgetting can change has a line for the person's answer
    told = {name for name in HOLDINGS if f"held_{name}" in TEXTS}
    assert told == {spec.name for spec in COLLECTIONS} - {"solutions", *NOBODYS}


async def test_an_export_finds_her_everywhere_and_forgetting_leaves_nothing(
    chat: Chat, core: Core
) -> None:
    store = core.services.store
    await _everywhere(core, chat)
    who = await identify(store, "slack:UZYX1")  # her directory entry gives the rest
    assert who is not None
    assert who.users == {"slack:UZYX1", "console:ann4x"}
    found = await export(store, who)
    held = {name for name, records in found.items() if records}
    assert held == set(HOLDINGS) - {"solutions", *NOBODYS}
    assert next(d["question"] for d in found["demand"] if not d["near_miss"]) == UNANSWERED
    assert set(await left_of_anna(store)) == held  # what the export missed, the test finds

    done = await forget(store, who, language="da")

    assert await left_of_anna(store) == {}
    assert done.count("demand", Fate.DELETED) == len(found["demand"])
    # what belongs to others stays, without her
    [adoption] = await store.adoptions.all()
    assert (adoption.organization, adoption.unit, adoption.user) == (
        "Odense Kommune", "Hjemmeplejen Vest", "")  # fmt: skip
    assert done.count("adoptions", Fate.ANONYMISED) == 1
    [adaptation] = await store.adaptations.all()
    assert (adaptation.organization, adaptation.manager_id) == ("Odense Kommune", "")
    organisation = await store.organisations.get("slack:T1")
    assert organisation is not None
    assert (organisation.installer, organisation.admins) == ("", ("slack:UBO",))
    installation = await store.slack_installations.get("T1")  # the workspace keeps its bot
    assert installation is not None
    assert installation.installation == {"team_id": "T1", "bot_token": "xoxb-odense", "user_id": ""}
    carl = await store.people.get("carl")
    assert carl is not None
    assert carl.manager_id is None
    assert await store.people.get("bo") == BO
    [intro] = await store.introductions.all()  # Bo's question to her, without her
    assert (intro.asker, intro.contact, intro.contact_name, intro.contact_email) == (
        "slack:UBO", "", "", "")  # fmt: skip
    assert intro.relay is Relay.ENDED  # nothing is passed on to her any more
    # the letter to Bo that named her went with her; nothing else of his was touched
    assert [x.to for x in await store.outbox.all()] == []
    [routed] = await store.routed.all()  # Bo's question stays his, without her
    assert (routed.id, routed.to, routed.by) == ("r2", "slack:UBO", "")
    # the change she made stays, without her
    [version] = await store.solution_versions.find(solution_id=SOLUTION, limit=None)
    assert (version.by, version.previous["title"]) == ("", "Gammel titel")
    assert done.count("solution_versions", Fate.ANONYMISED) == 1


async def test_forgetting_someone_spred_never_met_changes_nothing(core: Core) -> None:
    store = core.services.store
    await store.people.upsert_many([BO])
    who = await identify(store, "nobody@example.org")
    assert who is not None
    done = await forget(store, who, language="da")
    assert done.total == 0
    assert await store.people.get("bo") == BO
    assert await identify(store, "just-a-word") is None


async def test_forget_me_in_chat_is_confirmed_with_her_own_button(chat: Chat, core: Core) -> None:
    store = core.services.store
    await store.people.upsert_many([ANNA, BO])
    anna = anna_in(chat)
    await anna.send(UNANSWERED)
    anna.expect("Giv mig besked")
    await anna.send("glem mig")
    asked = anna.expect("Skal jeg glemme dig?", "Ja, glem mig", "Nej, behold mine data")
    yes = next(a for a in asked.actions if a.id == "forget_yes")
    # Bo presses her button (a forwarded card, a forged click): nothing is erased
    bo = chat.as_user(user_id="bo", user_name="Bo Leder")
    await bo.act_with(yes)
    bo.expect("hører til et ældre spørgsmål", "ikke slettet noget")
    await anna.press("Nej, behold mine data")
    anna.expect("Jeg har ikke slettet noget")
    await anna.act_with(yes)  # the question she declined: stale now
    anna.expect("hører til et ældre spørgsmål")
    await anna.act("forget_yes", {"token": ["not", "text"]})
    anna.expect("virker ikke længere")
    assert len(await store.demand.all()) == 1
    await anna.send("english")
    anna.expect("I will write to you in English.")
    await anna.send("forget me")
    anna.expect("Shall I forget you?")
    await anna.press("Yes, forget me")
    anna.expect("I have forgotten you", "Questions: 1", "People directory: 1", "Conversations: 1")
    assert await left_of_anna(store) == {}
    assert await store.people.get("bo") == BO
    # she starts afresh (her choice of English went too); the old button does nothing now
    await anna.act_with(yes)
    anna.expect("hører til et ældre spørgsmål")
    await store.conversations.delete("console:terminal:ann4x")


async def test_an_adoption_kept_without_her_names_nobody_under_who_uses_it(
    chat: Chat, core: Core
) -> None:
    await core.services.store.people.upsert_many([ANNA, BO])
    anna = anna_in(chat)
    await anna.send(QUESTION)
    anna.expect("Opstartsteam")
    await anna.press_on("Opstartsteam", "Mere om løsningen")
    anna.expect("Vi prøver den")
    await anna.press("Vi prøver den")
    anna.expect("prøver nu")
    anna.expect_nothing()
    who = await identify(core.services.store, "console:ann4x")
    assert who is not None
    await forget(core.services.store, who, language="da")
    other = chat.as_user(user_id="carl", user_name="Carl Berg", organization="", unit="")
    await other.send(f"hvem bruger {QUESTION}")
    line = other.expect("Odense Kommune, Hjemmeplejen Vest").text.splitlines()[-1]
    assert line == "• Odense Kommune, Hjemmeplejen Vest – prøver den"


async def test_forget_me_from_someone_spred_knows_nothing_of(chat: Chat) -> None:
    stranger = chat.as_user(user_id="zed", user_name="Zed")
    await stranger.send("glem mig")
    stranger.expect("Skal jeg glemme dig?")
    await stranger.press("Ja, glem mig")
    stranger.expect("Nu har jeg glemt dig", "Samtaler: 1")


# --- the command line, on TinyDB files, as an operator runs it


def _spred(*args: str, data: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPRED_")}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args, "--data", str(data)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


async def test_spred_person_export_and_forget(tmp_path: Path) -> None:
    data = tmp_path / "data"
    store = await open_store(data)
    try:
        await store.people.upsert_many([ANNA, BO, CARL])
        await store.demand.upsert(
            Demand(id="d1", question="sygefravær og stress", asker="slack:UZYX1",
                   asker_name="Annika Zyxholm")
        )  # fmt: skip
        await store.feedback.upsert(
            Feedback(id="f1", user="console:ann4x", helpful=False, question="q")
        )
        await store.addresses.upsert(Address(user="slack:UZYX1", reference={"user": "UZYX1"}))
        await store.consents.upsert(Consent(person_id="ann4x", named=False))
        await store.demand.upsert(Demand(id="d2", question="bo's", asker="console:bo"))
    finally:
        await store.close()

    exported = _spred("person", "export", "annika.zyx@ODENSE.eksempel.dk", "--json", data=data)
    assert exported.returncode == 0, exported.stderr
    document = orjson.loads(exported.stdout)
    assert document["person"]["users"] == ["console:ann4x", "slack:UZYX1"]
    assert [d["id"] for d in document["collections"]["demand"]] == ["d1"]
    assert [p["id"] for p in document["collections"]["people"]] == ["ann4x", "carl"]
    assert len(document["collections"]["consents"]) == 1

    text = _spred("person", "export", "slack:UZYX1", data=data)
    assert text.returncode == 0, text.stderr
    assert "demand: 1\n" in text.stdout
    assert "sygefravær og stress" in text.stdout

    forgotten = _spred("person", "forget", "slack:UZYX1", data=data)
    assert forgotten.returncode == 0, forgotten.stderr
    lines = forgotten.stdout.splitlines()
    assert "demand: 1 deleted" in lines
    assert "people: 1 deleted, 1 anonymised" in lines  # hers; Carl's no longer names her
    assert "seen_events: nothing held" in lines
    # nor in any file on disk: the safety copies (.bak) were rewritten too
    on_disk = {
        path.name
        for path in data.iterdir()
        if path.is_file()
        and any(word.casefold() in path.read_text("utf-8").casefold() for word in ANNA_IS)
    }
    assert on_disk == set()

    store = await open_store(data)
    try:
        assert await left_of_anna(store) == {}
        assert [d.id for d in await store.demand.all()] == ["d2"]
    finally:
        await store.close()

    again = _spred("person", "forget", "slack:UZYX1", data=data)
    assert again.returncode == 0
    assert "nothing held" in again.stderr
    wrong = _spred("person", "export", "anna", data=data)
    assert wrong.returncode == 1
    assert "neither a platform-qualified id" in wrong.stderr
    assert "Traceback" not in wrong.stderr


# --- retention


async def test_retention_deletes_what_people_wrote_once_it_is_old(core: Core, clock: Clock) -> None:
    store = core.services.store
    old = clock.now
    await store.demand.upsert(Demand(id="old", question="q", asker="console:a", asked_at=old))
    await store.feedback.upsert(Feedback(id="old", user="console:a", helpful=True, created_at=old))
    await store.introductions.upsert(
        Introduction(id="old", solution_id=SOLUTION, asker="console:a", asker_name="A",
                     contact_name="M", created_at=old)
    )  # fmt: skip
    await store.outbox.upsert(Letter(id="old", to="console:a", kind="x", reply={}, created_at=old))
    await store.conversations.upsert(
        Conversation(conversation_key="console:t:a", state="idle", updated_at=old)
    )
    await store.nudges.upsert(
        Nudge(id="old", manager_id="bo", solution_id=SOLUTION, created_at=old)
    )
    clock.advance(days=200)
    await store.demand.upsert(Demand(id="new", question="q", asker="console:a", asked_at=clock.now))
    await store.conversations.upsert(  # a turn under way in a conversation silent for long
        Conversation(conversation_key="console:t:b", state="idle", updated_at=old,
                     held_by="x", held_until=old + timedelta(days=400))
    )  # fmt: skip
    assert await core.retention.sweep_if_due() == {}  # 200 days: nothing is old yet
    clock.advance(days=166)  # 366 days after the first
    assert await core.retention.sweep_if_due() == {
        "conversations": 1,
        "demand": 1,
        "feedback": 1,
        "introductions": 1,
        "outbox": 1,
        "nudges": 1,
    }
    await store.feedback.upsert(Feedback(id="old", user="console:a", helpful=True, created_at=old))
    assert await core.retention.sweep_if_due() == {}  # swept within the hour already
    clock.advance(hours=1)
    assert await core.retention.sweep_if_due() == {"feedback": 1}
    assert [d.id for d in await store.demand.all()] == ["new"]
    assert await store.conversations.keys() == ["console:t:b"]


def test_retention_days_are_read_and_checked(tmp_path: Path) -> None:
    assert Settings.from_env({}, data=str(tmp_path)).retention_days == 365
    assert Settings.from_env({"SPRED_RETENTION_DAYS": " 30 "}).retention_days == 30
    for wrong in ("0", "-5", "abc", "3651", "1.5", "²"):
        with pytest.raises(ConfigError, match="SPRED_RETENTION_DAYS must be a whole number"):
            Settings.from_env({"SPRED_RETENTION_DAYS": wrong})


# --- a manager's prompt names a person only if they agreed


async def _contact(core: Core, chat: Chat, title: str, question: str, contact: str) -> Chat:
    await core.services.store.people.upsert_many([ANNA, BO])
    anna = anna_in(chat)
    await anna.send(question)
    anna.expect(title)
    await anna.press_on(title, f"Kontakt {contact}")
    return anna


async def _prompt_to_bo(core: Core) -> str:
    inbox = Inbox(core, "console")
    assert await core.nudges.run_due() == 1
    await core.outbox.flush()
    [prompt] = inbox.take(to="console:bo")
    return prompt


@pytest.mark.parametrize(
    ("button", "named"), [("Ja, gerne mit navn", True), ("Nej, hold mig anonym", False)]
)
async def test_the_prompt_names_her_only_if_she_said_yes(
    chat: Chat, core: Core, button: str, named: bool
) -> None:
    anna = await _contact(core, chat, "Opstartsteam", QUESTION, "Mette")
    anna.expect("Din leder får også en kort besked", "Må din leder se dit navn")
    await anna.press(button)
    anna.expect("Din leder kan se dit navn" if named else "Din leder ser ikke dit navn")
    prompt = await _prompt_to_bo(core)
    assert ("Annika Zyxholm har bedt om kontakt" in prompt) is named
    assert ("En i din enhed har bedt om kontakt" in prompt) is not named
    consent = await core.services.store.consents.get("ann4x")
    assert consent is not None
    assert consent.named is named
    # asked once: a prompt about another solution asks nothing, and follows her answer
    await anna.send("medicindispenser i hjemmeplejen")
    anna.expect("Elektronisk medicindispenser")
    await anna.press_on("Elektronisk medicindispenser", "Kontakt Louise")
    reply = anna.expect("Din leder får også en kort besked")
    assert "Må din leder se dit navn" not in reply.text
    assert reply.actions == ()
    prompt = await _prompt_to_bo(core)
    assert ("Annika Zyxholm har bedt om kontakt" in prompt) is named


async def test_a_prompt_about_sick_leave_never_names_her(chat: Chat, core: Core) -> None:
    await core.services.store.consents.upsert(Consent(person_id="ann4x", named=True))
    anna = await _contact(
        core, chat, "sygefravær", "tidlig kontakt ved sygefravær i hjemmeplejen", "Charlotte"
    )
    reply = anna.expect("Din leder får også en kort besked")
    assert "Må din leder se dit navn" not in reply.text  # nothing to ask: never named
    prompt = await _prompt_to_bo(core)
    assert "En i din enhed har bedt om kontakt til kollegaen bag" in prompt
    assert "Annika" not in prompt
    [nudge] = await core.services.store.nudges.all()
    assert nudge.members == ("en i din enhed",)
    [letter] = await core.services.store.outbox.all()
    assert "Annika" not in stored_text(letter)
    assert reply_from_dict(letter.reply).language == "da"


async def test_a_stranger_pressing_her_consent_button_sets_nothing_of_hers(
    chat: Chat, core: Core
) -> None:
    anna = await _contact(core, chat, "Opstartsteam", QUESTION, "Mette")
    asked = anna.expect("Må din leder se dit navn")
    yes = next(a for a in asked.actions if a.id == "name_ok")
    outsider = chat.as_user(user_id="zed", user_name="Zed")  # not in the directory
    await outsider.act_with(yes)
    outsider.expect("virker ikke længere")
    consent = await core.services.store.consents.get("ann4x")
    assert consent is not None
    assert consent.named is None  # asked, not answered: not named
    prompt = await _prompt_to_bo(core)
    assert "Annika" not in prompt
