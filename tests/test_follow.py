"""Following topics in chat (issue 17): følg / følger / stop med at følge, typos and "did you
mean", the Følg button on a solution's details, forged buttons, and how much unsolicited
news a person wants. Every backend: the follows are store records."""

from __future__ import annotations

from bot.core import Core
from bot.flows.ask import MOST_BUTTONS
from bot.follows import answer_topic
from knowledge.kb import demo_solutions
from knowledge.records import ReachMode
from knowledge.solutions import parse_solution
from knowledge.topics import Kind, Topic, known_topics
from tests.conftest import solution_dict
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


# --- one *Følg* on an answer (issue 17): the topic it is mainly about


async def test_an_answer_offers_to_follow_its_topic_once_and_pressing_it_follows(
    chat: Chat, core: Core
) -> None:
    await chat.send("hvordan får vi ventetiden ned i hjemmeplejen?")  # two cards: room for it
    answer = chat.expect("Løsninger på")
    assert [a.label for a in answer.actions] == ["Hjalp ikke", "Følg ældrepleje"]
    assert all(a.id != "follow" for c in answer.cards for a in c.actions)  # not one a card
    await chat.press("Følg ældrepleje")
    chat.expect("Du følger nu ældrepleje", "mandag formiddag")
    assert await _topics(core) == ["domain:aeldrepleje"]
    await chat.press("Følg ældrepleje")  # the same button again
    chat.expect("Du følger allerede ældrepleje")
    await chat.send("hvordan får vi ventetiden ned i hjemmeplejen?")  # followed: not offered
    again = chat.expect("Løsninger på")
    assert [a.label for a in again.actions] == ["Hjalp ikke"]
    assert "følg ældrepleje" not in again.text
    bo = chat.as_user(user_id="bo", user_name="Bo")  # someone else is offered it still
    await bo.send("hvordan får vi ventetiden ned i hjemmeplejen?")
    assert bo.expect("Løsninger på").actions[-1].label == "Følg ældrepleje"
    assert await _topics(core) == ["domain:aeldrepleje"]


async def test_with_every_button_used_the_answer_says_what_to_type_instead(
    chat: Chat, core: Core
) -> None:
    await chat.send("skole elever fravær")  # three cards and more: eight buttons already
    answer = chat.expect("Løsninger på", "Vis flere")
    assert len(answer.all_actions()) == MOST_BUTTONS
    assert "follow" not in [a.id for a in answer.all_actions()]
    assert answer.text.endswith("Vil du have nyt om skole hver uge? Skriv “følg skole”.")
    await chat.send("følg skole")  # and what it says works
    chat.expect("Du følger nu skole")
    await chat.press("Vis flere")  # the next page offers nothing again
    more = chat.expect("Flere løsninger")
    assert "follow" not in [a.id for a in more.all_actions()]
    assert "følg" not in more.text


async def test_an_answer_offers_the_topic_its_question_names_and_in_english(
    chat: Chat, core: Core
) -> None:
    # Two answers of different domains: no domain most of them share, but the question
    # names one of them ("dagtilbud"), which one answer is about.
    await chat.send("dagtilbud sprog læsning")
    answer = chat.expect("Løsninger på")
    assert len({c.solution_id for c in answer.cards}) == 2
    assert answer.actions[-1].label == "Følg dagtilbud"
    assert answer.actions[-1].payload == {"topic": "domain:dagtilbud"}
    await chat.send("english")
    chat.expect()
    await chat.send("how do we cut sick leave among care workers")  # two answers apart
    answer = chat.expect("for “how do we cut sick leave")
    assert [a.id for a in answer.actions] == ["feedback"]  # no topic they share: nothing
    await chat.send("waiting time home care start-up team")
    answer = chat.expect("for “waiting time")
    assert answer.actions[-1].label == "Follow ældrepleje"


def test_the_topic_an_answer_is_about_is_named_by_the_question_or_shared_by_most() -> None:
    solutions = {s.id: s for s in demo_solutions()}
    known = known_topics(solutions.values())
    care = solutions["hurtig-opstart-i-hjemmeplejen"]
    home = solutions["gruppebaseret-bostoette-i-faelles-hus"]
    school = solutions["hurtig-reaktion-paa-bekymrende-skolefravaer"]
    assert answer_topic("ventetid", [care, home, care], known) == Topic(
        kind=Kind.DOMAIN, value="ældrepleje"
    )
    assert answer_topic("ventetid", [care, home], known) is None  # half is not most
    assert answer_topic("ventetid psykiatri", [care, home], known) == Topic(
        kind=Kind.DOMAIN, value="psykiatri"
    )
    # named, but none of the answers is about it: the answers' shared domain, or nothing
    assert answer_topic("psykiatri", [care], known) == Topic(kind=Kind.DOMAIN, value="ældrepleje")
    assert answer_topic("børn og unge fravær", [school, care], known) == Topic(
        kind=Kind.DOMAIN, value="børn og unge"
    )
    assert answer_topic("Aarhus Kommune", [care, home], known) is None  # not a domain
    assert answer_topic("x", [], known) is None


async def test_a_follow_button_on_an_answer_whose_topic_is_gone_says_so(
    chat: Chat, core: Core
) -> None:
    kb = core.services.kb
    teeth = solution_dict(
        "tandpleje-paa-plejehjem",
        title="Tandbørstning på plejehjem",
        summary="Tandbørstning to gange dagligt med fast ansvarlig.",
        domains=["tandpleje"],
        tags=["mundhygiejne", "tandbørstning"],
    )
    await kb.publish([parse_solution(teeth, path="s")])
    await chat.send("mundhygiejne tandbørstning plejehjem")
    answer = chat.expect("Tandbørstning på plejehjem")
    assert answer.actions[-1].label == "Følg tandpleje"
    await kb.retire("tandpleje-paa-plejehjem")
    await chat.press("Følg tandpleje")
    chat.expect("Det emne kan jeg ikke finde blandt løsningerne længere", "“følg ældrepleje”")
    assert await _topics(core) == []
