"""Following topics in chat (issue 17): følg / følger / stop med at følge, typos and "did you
mean", the Følg button on a solution's details, forged buttons, and how much unsolicited
news a person wants. Every backend: the follows are store records."""

from __future__ import annotations

from bot.core import Core
from knowledge.records import ReachMode
from tests.dialogue import Chat

ANNA = "console:anna"


async def _topics(core: Core, user: str = ANNA) -> list[str]:
    return sorted(f.topic for f in await core.services.store.follows.find(user=user))


async def test_follow_list_and_unfollow_typed_with_or_without_danish_letters(
    chat: Chat, core: Core
) -> None:
    await chat.send("følg Ældrepleje")
    chat.expect("Du følger nu ældrepleje", "mandag formiddag", "stop med at følge ældrepleje")
    await chat.send("følg aeldrepleje")
    chat.expect("Du følger allerede ældrepleje")
    await chat.send("følg dagtilbu")  # a typo: what it may have meant, as buttons
    meant = chat.expect("Jeg kender ikke emnet “dagtilbu”. Mente du")
    assert "dagtilbud" in [a.label for a in meant.actions]
    await chat.press("dagtilbud")
    chat.expect("Du følger nu dagtilbud")
    assert await _topics(core) == ["domain:aeldrepleje", "domain:dagtilbud"]

    await chat.send("følger")
    listed = chat.expect("Du følger:\n• ældrepleje\n• dagtilbud")
    assert [a.label for a in listed.actions] == [
        "Stop med at følge ældrepleje",
        "Stop med at følge dagtilbud",
    ]
    await chat.send("stop med at følge ældrepleje")
    chat.expect("Du følger ikke længere ældrepleje")
    await chat.press("Stop med at følge dagtilbud")  # the list's button
    chat.expect("Du følger ikke længere dagtilbud")
    await chat.send("stop med at følge skole")
    chat.expect("Du følger ikke “skole”")
    await chat.send("følger")
    chat.expect("Du følger ingen emner endnu")
    assert await _topics(core) == []


async def test_follow_in_english_and_a_follow_that_names_no_topic_is_a_question(
    chat: Chat, core: Core
) -> None:
    await chat.send("english")
    chat.expect("English")
    await chat.send("follow Odense Kommune")  # an organisation is a topic too
    chat.expect("You now follow Odense Kommune", "Every Monday morning")
    [held] = await core.services.store.follows.find(user=ANNA)
    assert (held.topic, held.label, held.language) == (
        "organisation:odense kommune",
        "Odense Kommune",
        "en",
    )
    await chat.send("unfollow odense kommune")
    chat.expect("You no longer follow Odense Kommune")
    await chat.send("dansk")
    chat.expect()
    # "følg op på …" is not a topic: it is asked as the question it is.
    await chat.send("følg op på sygefravær i hjemmeplejen")
    chat.expect("på “følg op på sygefravær i hjemmeplejen”", "Tidlig og omsorgsfuld kontakt")
    assert await _topics(core) == []


async def test_the_follow_button_on_a_solutions_details(chat: Chat, core: Core) -> None:
    await chat.send("ventetid hjemmepleje opstart")
    chat.expect("Opstartsteam")
    await chat.press_on("Opstartsteam", "Mere om løsningen")
    details = chat.expect("Vi prøver den")
    [card] = details.cards
    assert card.actions[-1].label == "Følg ældrepleje"
    assert len(card.actions) <= 5  # within what Teams shows on one card
    await chat.press("Følg ældrepleje")
    chat.expect("Du følger nu ældrepleje")
    assert await _topics(core) == ["domain:aeldrepleje"]


async def test_forged_and_stale_follow_buttons_are_refused_politely(chat: Chat, core: Core) -> None:
    await chat.act("follow", {"topic": "domain:hemmelige-sager"})  # no solution names it
    chat.expect("Det emne kan jeg ikke finde blandt løsningerne")
    await chat.act("follow", {"topic": "solution"})  # no kind:value
    chat.expect("Det emne kan jeg ikke finde")
    for forged in ({"topic": ["domain:skole"]}, {"topic": "x" * 5000}, {}):
        await chat.act("follow", forged)
        chat.expect("Den knap virker ikke længere")
    await chat.act("unfollow", {"topic": "domain:skole"})  # not theirs to stop
    chat.expect("Du følger ikke")
    assert await _topics(core) == []
    # Another person's follow is not theirs to stop either.
    bo = chat.as_user(user_id="bo", user_name="Bo")
    await bo.send("følg skole")
    bo.expect("Du følger nu skole")
    await chat.act("unfollow", {"topic": "domain:skole"})
    chat.expect("Du følger ikke")
    assert await _topics(core, "console:bo") == ["domain:skole"]


async def test_fewer_stop_and_start_again_are_kept_per_person(chat: Chat, core: Core) -> None:
    store = core.services.store
    await chat.send("færre beskeder")
    chat.expect("højst én besked af mig selv hver anden uge", "start beskeder igen")
    assert (await store.reach.get(ANNA)).mode is ReachMode.FEWER  # type: ignore[union-attr]
    await chat.act("reach_stop")  # the button on every unsolicited message
    chat.expect("ingen beskeder af mig selv længere")
    await chat.send("følg skole")
    chat.expect("Du følger nu skole", "så du får ingen oversigt")
    await chat.send("start beskeder igen")
    chat.expect("højst én om dagen og tre om ugen")
    assert (await store.reach.get(ANNA)).mode is ReachMode.ALL  # type: ignore[union-attr]
    assert await store.reach.get("console:bo") is None  # nobody else's changed


async def test_a_channel_follows_only_on_slack_or_teams_and_only_by_an_admin(
    chat: Chat, admin: Chat, core: Core
) -> None:
    await admin.send("digest #pleje ældrepleje")  # the terminal has no channels to post in
    admin.expect("Kun en kanal i Slack eller Teams kan følge et emne")
    await chat.send("digest #pleje ældrepleje")  # anyone else is told who may
    chat.expect("Kun Spreds administratorer og jeres organisations lokale administratorer")
    assert await core.services.store.follows.count() == 0
